// The normalised affinity of spectral clustering, as scikit-learn's
// spectral_embedding builds it from a precomputed affinity A:
//   A = |cos(x_i, x_j)| (the study takes the absolute value), diagonal ignored,
//   d_i = Σ_{j≠i} A_ij,   M = D^{-1/2} A D^{-1/2} with a zero diagonal,
// so that the Laplacian is L = I − M. Dense up to a size; beyond it, each
// sample keeps only its `neighbors` strongest affinities (symmetrised).
#pragma once

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include <cstdint>

namespace grhost::clustering {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using SparseRowMatrixF = Eigen::SparseMatrix<float, Eigen::RowMajor>;

struct AffinityOptions {
  bool absolute = true;       // |cos|, as the study; false: negative cosines clipped to 0
  int64_t max_dense = 20000;  // more samples than this: the k-nearest-neighbour affinity
  int64_t neighbors = 10;     // per sample, for the sparse affinity
  double memory_limit_bytes = 8.0 * (1ull << 30);
};

struct NormalizedAffinity {
  bool dense = true;
  RowMatrixF m;             // dense M (n x n), when dense
  SparseRowMatrixF sparse;  // sparse M, otherwise
  Eigen::VectorXd sqrt_degree;
  int64_t rows() const { return sqrt_degree.size(); }
};

/// Bytes the dense affinity of n samples takes (the matrix, in float).
double dense_bytes(int64_t n);

/// Builds M from features (n x d, row-major). Throws std::invalid_argument
/// for a sample with no affinity to any other, or when the dense matrix
/// would exceed the memory limit.
NormalizedAffinity normalized_affinity(const float* features, int64_t n, int64_t d, const AffinityOptions& options);

}  // namespace grhost::clustering
