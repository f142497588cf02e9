// Exact t-SNE of a handful of points given their pairwise distances
// (analyses.md, RSA step 6). The optimisation is scikit-learn's exact
// method: perplexity-calibrated affinities, early exaggeration, momentum
// and per-coordinate gains.
#pragma once

#include <cstdint>
#include <vector>

namespace grhost::rsa {

struct TsneSettings {
  double perplexity = 3;           // the study: 3
  int64_t iterations = 1000;       // scikit-learn's n_iter
  double early_exaggeration = 12;  // for the first 250 iterations
  int64_t exaggeration_iterations = 250;
  double learning_rate = 0;        // 0: scikit-learn's "auto", max(n / exaggeration / 4, 50)
  double min_grad_norm = 1e-7;     // stop once the gradient is this small
  uint64_t seed = 0;               // the start: N(0, 1e-4²) per coordinate
};

struct TsneResult {
  std::vector<double> embedding;  // n × 2, row-major
  /// KL(P‖Q) after every iteration (with P exaggerated during the first
  /// phase, as scikit-learn reports it).
  std::vector<double> kl;
  double final_kl = 0;            // KL(P‖Q) of the result, without exaggeration
  // The result is the iterate of lowest KL after exaggeration: with a
  // handful of points, late steps can oscillate.
};

/// Affinities P (n × n, symmetric, summing to 1) from distances as
/// scikit-learn's _joint_probabilities: per row, a binary search for the
/// Gaussian precision whose conditional distribution has the perplexity.
std::vector<double> joint_probabilities(const std::vector<double>& dist, int64_t n, double perplexity);

/// Throws std::invalid_argument unless n > perplexity ≥ 1 (scikit-learn's
/// rule) and the distances are finite and non-negative.
TsneResult tsne(const std::vector<double>& dist, int64_t n, const TsneSettings& settings);

}  // namespace grhost::rsa
