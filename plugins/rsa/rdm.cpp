#include "rdm.hpp"

#include <Eigen/Dense>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace grhost::rsa {
namespace {

using RowsF = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Classes per tile side: two tiles of 16 rows of 2048 floats for the means
// and as many for the spreads stay in a 512 KB L2 cache.
constexpr int64_t kTile = 16;

// Calls pair(i, j) for every i < j, tile by tile, in parallel over tile pairs.
template <class Pair>
void for_each_pair(int64_t n, int threads, Pair pair) {
  const int64_t tiles = (n + kTile - 1) / kTile;
  std::vector<std::pair<int64_t, int64_t>> work;
  for (int64_t a = 0; a < tiles; ++a)
    for (int64_t b = a; b < tiles; ++b) work.emplace_back(a, b);
  tbb::task_arena arena(std::max(1, threads));
  arena.execute([&] {
    tbb::parallel_for(size_t{0}, work.size(), [&](size_t w) {
      const auto [a, b] = work[w];
      for (int64_t i = a * kTile; i < std::min(n, (a + 1) * kTile); ++i)
        for (int64_t j = std::max(i + 1, b * kTile); j < std::min(n, (b + 1) * kTile); ++j) pair(i, j);
    });
  });
}

RowsF to_float(const std::vector<double>& v, int64_t rows, int64_t cols) {
  RowsF out(rows, cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) out(r, c) = static_cast<float>(v[static_cast<size_t>(r * cols + c)]);
  return out;
}

}  // namespace

Distance parse_distance(const std::string& name) {
  if (name == "tstat") return Distance::tstat;
  if (name == "euclidean") return Distance::euclidean;
  if (name == "cosine") return Distance::cosine;
  if (name == "correlation") return Distance::correlation;
  throw std::invalid_argument("unknown distance '" + name + "', expected tstat, euclidean, cosine or correlation");
}

std::vector<double> rdm(const ClassStats& s, Distance distance, double spread_floor, int threads) {
  const int64_t C = s.classes, D = s.dim;
  if (distance == Distance::tstat && s.one_per_class) distance = Distance::euclidean;
  RowsF mu = to_float(s.mean, C, D);
  if (distance == Distance::cosine || distance == Distance::correlation) {
    // Both are 1 − the dot product of rows made unit (and, for correlation,
    // centred first); a zero row stays zero, as its distance is then 1.
    for (int64_t i = 0; i < C; ++i) {
      if (distance == Distance::correlation) mu.row(i) -= mu.row(i).mean();
      const float norm = mu.row(i).matrix().norm();
      if (norm > 0) mu.row(i) /= norm;
    }
  }
  std::vector<double> out(static_cast<size_t>(C * C), 0.0);
  auto put = [&](int64_t i, int64_t j, double v) {
    out[static_cast<size_t>(i * C + j)] = v;
    out[static_cast<size_t>(j * C + i)] = v;
  };
  switch (distance) {
    case Distance::euclidean:
      for_each_pair(C, threads, [&](int64_t i, int64_t j) {
        put(i, j, std::sqrt(static_cast<double>((mu.row(i) - mu.row(j)).square().sum())));
      });
      break;
    case Distance::cosine:
    case Distance::correlation:
      for_each_pair(C, threads, [&](int64_t i, int64_t j) {
        put(i, j, 1.0 - static_cast<double>((mu.row(i) * mu.row(j)).sum()));
      });
      break;
    case Distance::tstat: {
      const double floor2 = spread_floor * spread_floor;
      if (s.spread == Spread::dimension) {
        // w = max(s², floor²) / n: Welch's squared standard error per dimension.
        RowsF w(C, D);
        for (int64_t i = 0; i < C; ++i)
          for (int64_t d = 0; d < D; ++d)
            w(i, d) = static_cast<float>(std::max(s.variance[static_cast<size_t>(i * D + d)], floor2) /
                                         static_cast<double>(s.count[static_cast<size_t>(i)]));
        for_each_pair(C, threads, [&](int64_t i, int64_t j) {
          put(i, j, std::sqrt(static_cast<double>(((mu.row(i) - mu.row(j)).square() / (w.row(i) + w.row(j))).sum())));
        });
      } else {
        std::vector<double> w(static_cast<size_t>(C));
        for (int64_t i = 0; i < C; ++i)
          w[static_cast<size_t>(i)] = std::max(s.variance[static_cast<size_t>(i)], floor2) /
                                      static_cast<double>(s.count[static_cast<size_t>(i)]);
        for_each_pair(C, threads, [&](int64_t i, int64_t j) {
          const double d2 = static_cast<double>((mu.row(i) - mu.row(j)).square().sum());
          put(i, j, std::sqrt(d2 / (w[static_cast<size_t>(i)] + w[static_cast<size_t>(j)])));
        });
      }
      break;
    }
  }
  return out;
}

}  // namespace grhost::rsa
