// Per-class statistics of unit-normalised features: what every RDM is made of.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::rsa {

/// How a class's spread s_c is measured (analyses.md, RSA step 1).
enum class Spread {
  dimension,  // one std per dimension (Equation 1 of the study; the default)
  scalar,     // one std over every dimension and image of the class (the study's code)
};

struct ClassStats {
  int64_t classes = 0, dim = 0;
  std::vector<double> mean;      // classes x dim, row-major: mean of x̂ per class
  std::vector<int64_t> count;    // images per class
  /// Spread::dimension: classes x dim variances s²; Spread::scalar: one s² per class.
  std::vector<double> variance;
  Spread spread = Spread::dimension;
  /// True when every class has exactly one row: a language model's class vectors.
  bool one_per_class = false;
};

/// Means, counts and spreads of x̂ = x / ‖x‖₂ per class. `ddof` is the
/// variance's delta degrees of freedom (0: numpy.std's default, as the
/// study; 1: the sample variance Welch's t uses). Throws std::invalid_argument
/// naming what is wrong: a label out of range, a class with no rows, a class
/// with too few rows for ddof, a non-finite value.
ClassStats class_stats(const float* features, int64_t rows, int64_t dim, const int64_t* labels, int64_t classes,
                       const std::vector<std::string>& class_names, Spread spread, int ddof, int threads);

}  // namespace grhost::rsa
