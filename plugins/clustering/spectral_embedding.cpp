#include "spectral_embedding.hpp"

#include <Spectra/SymEigsSolver.h>
#include <tbb/parallel_for.h>

#include <stdexcept>
#include <string>

namespace grhost::clustering {
namespace {

// y = M x for Spectra, with M stored in float (half the memory of double)
// and the rows split over threads: the matrix-vector product is nearly all
// of the solver's time.
class DenseOp {
 public:
  using Scalar = double;
  explicit DenseOp(const RowMatrixF& m) : m_(m) {}
  Eigen::Index rows() const { return m_.rows(); }
  Eigen::Index cols() const { return m_.cols(); }
  void perform_op(const double* x_in, double* y_out) const {
    const Eigen::Map<const Eigen::VectorXd> x(x_in, m_.cols());
    Eigen::Map<Eigen::VectorXd> y(y_out, m_.rows());
    // 16 rows at a time, widened to double while in cache: double sums (the
    // eigenvectors of ~10^4-sized matrices need them) at vectorised speed.
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, m_.rows(), 16), [&](const tbb::blocked_range<Eigen::Index>& r) {
      Eigen::MatrixXd rows;
      for (Eigen::Index i = r.begin(); i < r.end(); i += 16) {
        const Eigen::Index count = std::min<Eigen::Index>(16, r.end() - i);
        rows = m_.middleRows(i, count).cast<double>();
        y.segment(i, count).noalias() = rows * x;
      }
    });
  }

 private:
  const RowMatrixF& m_;
};

class SparseOp {
 public:
  using Scalar = double;
  explicit SparseOp(const SparseRowMatrixF& m) : m_(m) {}
  Eigen::Index rows() const { return m_.rows(); }
  Eigen::Index cols() const { return m_.cols(); }
  void perform_op(const double* x_in, double* y_out) const {
    tbb::parallel_for(Eigen::Index{0}, m_.rows(), [&](Eigen::Index i) {
      double s = 0;
      for (SparseRowMatrixF::InnerIterator it(m_, i); it; ++it) s += static_cast<double>(it.value()) * x_in[it.col()];
      y_out[i] = s;
    });
  }

 private:
  const SparseRowMatrixF& m_;
};

template <class Op>
Eigen::MatrixXd top_eigenvectors(Op op, int64_t k, const EmbeddingOptions& options, int64_t* products) {
  const Eigen::Index n = op.rows();
  const Eigen::Index ncv = std::min<Eigen::Index>(n, std::max<Eigen::Index>(2 * k + 1, 20));
  Spectra::SymEigsSolver<Op> solver(op, k, ncv);
  solver.init();  // Spectra's fixed-seed start vector: the same result every run
  solver.compute(Spectra::SortRule::LargestAlge, options.max_iterations, options.tolerance);
  if (solver.info() != Spectra::CompInfo::Successful)
    throw std::runtime_error("the eigensolver did not converge to " + std::to_string(k) + " eigenvectors in " +
                             std::to_string(options.max_iterations) + " iterations");
  if (products != nullptr) *products = solver.num_operations();
  return solver.eigenvectors();
}

}  // namespace

Eigen::MatrixXd spectral_embedding(const NormalizedAffinity& affinity, int64_t k, const EmbeddingOptions& options,
                                   int64_t* products) {
  const int64_t n = affinity.rows();
  if (k < 1 || k >= n) throw std::invalid_argument("spectral embedding needs 1 <= k < samples");
  Eigen::MatrixXd v = affinity.dense ? top_eigenvectors(DenseOp(affinity.m), k, options, products)
                                     : top_eigenvectors(SparseOp(affinity.sparse), k, options, products);
  for (int64_t r = 0; r < n; ++r) v.row(r) /= affinity.sqrt_degree[r];
  // scikit-learn's _deterministic_vector_sign_flip: each vector's largest
  // |entry| (the first, on ties) becomes positive.
  for (Eigen::Index c = 0; c < v.cols(); ++c) {
    Eigen::Index arg = 0;
    for (Eigen::Index r = 1; r < v.rows(); ++r)
      if (std::abs(v(r, c)) > std::abs(v(arg, c))) arg = r;
    if (v(arg, c) < 0) v.col(c) *= -1.0;
  }
  return v;
}

}  // namespace grhost::clustering
