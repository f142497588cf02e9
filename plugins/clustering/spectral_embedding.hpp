// The spectral embedding of scikit-learn's SpectralClustering: the k
// eigenvectors of the normalised Laplacian L = I − M with the smallest
// eigenvalues (those of M with the largest), each row divided by
// sqrt(degree), each vector's sign flipped so that its largest-magnitude
// entry is positive. Eigenvectors by Lanczos iteration (Spectra).
#pragma once

#include "affinity.hpp"

namespace grhost::clustering {

struct EmbeddingOptions {
  double tolerance = 1e-7;  // Spectra's relative eigenvalue tolerance
  int64_t max_iterations = 3000;
};

/// n x k. Throws std::runtime_error if the eigensolver does not converge.
/// `products`, when given, receives the number of matrix-vector products.
Eigen::MatrixXd spectral_embedding(const NormalizedAffinity& affinity, int64_t k, const EmbeddingOptions& options = {},
                                   int64_t* products = nullptr);

}  // namespace grhost::clustering
