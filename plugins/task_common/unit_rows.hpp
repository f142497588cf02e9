// x̂ = x / ‖x‖₂ row by row: the normalisation every analysis of the study
// starts from. A zero row stays zero, as scikit-learn's normalize.
#pragma once

#include <Eigen/Dense>

#include <cmath>
#include <cstdint>

namespace grhost::tasks {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline RowMatrixF unit_rows(const float* data, int64_t rows, int64_t dim) {
  Eigen::Map<const RowMatrixF> x(data, rows, dim);
  RowMatrixF out = x;
  for (int64_t r = 0; r < rows; ++r) {
    // The norm in double: long feature vectors lose digits in float.
    double ss = 0;
    for (int64_t c = 0; c < dim; ++c) ss += static_cast<double>(x(r, c)) * x(r, c);
    if (ss > 0) out.row(r) /= static_cast<float>(std::sqrt(ss));
  }
  return out;
}

}  // namespace grhost::tasks
