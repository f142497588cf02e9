#include "affinity.hpp"

#include "unit_rows.hpp"

#include <cblas.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace grhost::clustering {
namespace {

inline float weight(float cosine, bool absolute) { return absolute ? std::abs(cosine) : std::max(cosine, 0.0f); }

Eigen::VectorXd sqrt_degrees(const Eigen::VectorXd& degree) {
  for (Eigen::Index i = 0; i < degree.size(); ++i)
    if (!(degree[i] > 0))
      throw std::invalid_argument("sample " + std::to_string(i) +
                                  " has no affinity to any other (a zero feature vector, or orthogonal to all)");
  return degree.cwiseSqrt();
}

constexpr int64_t kBlock = 512;  // rows of x·xᵀ at a time for the k-NN affinity

NormalizedAffinity dense(const RowMatrixF& x, bool absolute) {
  const int64_t n = x.rows();
  NormalizedAffinity out;
  out.m.resize(n, n);
  // The Gram matrix is the affinity's whole cost: one symmetric rank-k update
  // (half a GEMM) by the system BLAS, OpenBLAS on Debian through the
  // alternatives system, multi-threaded and vectorised for this CPU. It
  // fills the upper triangle.
  cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, static_cast<int>(n), static_cast<int>(x.cols()), 1.0f, x.data(),
              static_cast<int>(x.cols()), 0.0f, out.m.data(), static_cast<int>(n));
  // Each row first turns its own upper part into weights, then copies its
  // lower part from the rows above: no row is written while another reads it.
  tbb::parallel_for(int64_t{0}, n, [&](int64_t r) {
    float* row = out.m.row(r).data();
    row[r] = 0.0f;  // the diagonal is ignored, as scikit-learn's normalised Laplacian does
    for (int64_t c = r + 1; c < n; ++c) row[c] = weight(row[c], absolute);
  });
  Eigen::VectorXd degree(n);
  tbb::parallel_for(int64_t{0}, n, [&](int64_t r) {
    float* row = out.m.row(r).data();
    for (int64_t c = 0; c < r; ++c) row[c] = out.m(c, r);
    double sum = 0;
    for (int64_t c = 0; c < n; ++c) sum += row[c];
    degree[r] = sum;
  });
  out.sqrt_degree = sqrt_degrees(degree);
  const Eigen::VectorXf inv = out.sqrt_degree.cwiseInverse().cast<float>();
  tbb::parallel_for(int64_t{0}, n, [&](int64_t r) {
    out.m.row(r) = out.m.row(r).cwiseProduct(inv.transpose()) * inv[r];
  });
  return out;
}

// Connected components of a symmetric sparse graph (breadth-first).
int64_t connected_parts(const SparseRowMatrixF& g) {
  const int64_t n = g.rows();
  std::vector<char> seen(static_cast<size_t>(n), 0);
  std::vector<int64_t> queue;
  int64_t parts = 0;
  for (int64_t start = 0; start < n; ++start) {
    if (seen[start]) continue;
    ++parts;
    seen[start] = 1;
    queue.assign(1, start);
    while (!queue.empty()) {
      const int64_t r = queue.back();
      queue.pop_back();
      for (SparseRowMatrixF::InnerIterator it(g, r); it; ++it)
        if (it.value() > 0 && !seen[it.col()]) {
          seen[it.col()] = 1;
          queue.push_back(it.col());
        }
    }
  }
  return parts;
}

NormalizedAffinity nearest_neighbors(const RowMatrixF& x, bool absolute, int64_t k) {
  const int64_t n = x.rows();
  k = std::min(k, n - 1);
  // Each row's k strongest affinities, found block by block so that only
  // kBlock x n similarities exist at a time.
  std::vector<std::vector<std::pair<int64_t, float>>> kept(static_cast<size_t>(n));
  RowMatrixF s(std::min(kBlock, n), n);
  for (int64_t r0 = 0; r0 < n; r0 += kBlock) {
    // A block of x·xᵀ by the system BLAS (threaded inside), then each of its
    // rows' strongest affinities in parallel.
    const int64_t rows = std::min(kBlock, n - r0);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows), static_cast<int>(n),
                static_cast<int>(x.cols()), 1.0f, x.row(r0).data(), static_cast<int>(x.cols()), x.data(),
                static_cast<int>(x.cols()), 0.0f, s.data(), static_cast<int>(n));
    tbb::parallel_for(int64_t{0}, rows, [&](int64_t i) {
      const int64_t r = r0 + i;
      std::vector<int64_t> idx(static_cast<size_t>(n));
      for (int64_t c = 0; c < n; ++c) idx[c] = c;
      auto strength = [&](int64_t c) { return c == r ? -1.0f : weight(s(i, c), absolute); };
      // Ties go to the lower index, so the graph does not depend on scheduling.
      std::nth_element(idx.begin(), idx.begin() + k, idx.end(), [&](int64_t a, int64_t c) {
        const float wa = strength(a), wc = strength(c);
        return wa > wc || (wa == wc && a < c);
      });
      for (int64_t j = 0; j < k; ++j) kept[r].emplace_back(idx[j], strength(idx[j]));
    });
  }
  std::vector<Eigen::Triplet<float>> triplets;
  triplets.reserve(static_cast<size_t>(2 * n * k));
  for (int64_t r = 0; r < n; ++r)
    for (const auto& [c, w] : kept[r]) {
      // (A + Aᵀ) / 2, as scikit-learn symmetrises its nearest-neighbour graph.
      triplets.emplace_back(static_cast<int>(r), static_cast<int>(c), 0.5f * w);
      triplets.emplace_back(static_cast<int>(c), static_cast<int>(r), 0.5f * w);
    }
  NormalizedAffinity out;
  out.dense = false;
  out.sparse.resize(n, n);
  out.sparse.setFromTriplets(triplets.begin(), triplets.end());  // duplicates add up
  // A disconnected graph has eigenvalue 1 once per part; Lanczos from one
  // start vector cannot separate such repeated eigenvalues, so the embedding
  // would be silently wrong.
  const int64_t parts = connected_parts(out.sparse);
  if (parts > 1)
    throw std::invalid_argument("the " + std::to_string(k) + "-nearest-neighbour graph falls into " + std::to_string(parts) +
                                " disconnected parts; raise 'neighbors' until it is connected");
  Eigen::VectorXd degree = Eigen::VectorXd::Zero(n);
  for (int64_t r = 0; r < n; ++r)
    for (SparseRowMatrixF::InnerIterator it(out.sparse, r); it; ++it) degree[r] += it.value();
  out.sqrt_degree = sqrt_degrees(degree);
  for (int64_t r = 0; r < n; ++r)
    for (SparseRowMatrixF::InnerIterator it(out.sparse, r); it; ++it)
      it.valueRef() = static_cast<float>(it.value() / (out.sqrt_degree[r] * out.sqrt_degree[it.col()]));
  return out;
}

}  // namespace

double dense_bytes(int64_t n) { return static_cast<double>(n) * static_cast<double>(n) * sizeof(float); }

NormalizedAffinity normalized_affinity(const float* features, int64_t n, int64_t d, const AffinityOptions& options) {
  const RowMatrixF x = tasks::unit_rows(features, n, d);
  if (n <= options.max_dense) {
    if (dense_bytes(n) > options.memory_limit_bytes)
      throw std::invalid_argument("a dense affinity of " + std::to_string(n) + " samples needs " +
                                  std::to_string(dense_bytes(n) / (1 << 30)) + " GiB, over memory_limit_gb=" +
                                  std::to_string(options.memory_limit_bytes / (1 << 30)) +
                                  "; lower max_dense to use the k-nearest-neighbour affinity, or raise memory_limit_gb");
    return dense(x, options.absolute);
  }
  return nearest_neighbors(x, options.absolute, options.neighbors);
}

}  // namespace grhost::clustering
