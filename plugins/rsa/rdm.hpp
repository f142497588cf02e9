// Representational dissimilarity matrices from per-class statistics
// (analyses.md, RSA steps 1–3).
#pragma once

#include "class_stats.hpp"

#include <string>
#include <vector>

namespace grhost::rsa {

enum class Distance {
  tstat,        // Welch's t between class means: ‖(μ_i − μ_j) / sqrt(s_i²/n_i + s_j²/n_j)‖₂
  euclidean,    // ‖μ_i − μ_j‖₂ (what tstat becomes for one vector per class)
  cosine,       // 1 − cos(μ_i, μ_j)
  correlation,  // 1 − Pearson(μ_i, μ_j), as scipy's correlation distance
};

Distance parse_distance(const std::string& name);  // throws std::invalid_argument

/// The classes × classes RDM (row-major, symmetric, zero diagonal). For
/// Distance::tstat each spread s is first raised to at least `spread_floor`,
/// so that two classes with no spread in a dimension do not divide by zero;
/// classes with one vector each (a language model's) use Distance::euclidean.
/// Pairs are computed in float in cache-sized tiles, in parallel.
std::vector<double> rdm(const ClassStats& s, Distance distance, double spread_floor, int threads);

}  // namespace grhost::rsa
