// Access to the PyTorch fixtures (tests/python/make_torch_fixtures.py).
#pragma once

#include "io/npy.hpp"

#include <cmath>
#include <string>

namespace grhost::test {

inline std::string fixture(const std::string& name) { return std::string(GRHOST_TEST_TORCH_FIXTURES) + "/" + name; }

/// Largest |a - b| over two float32 arrays of the same shape (inf if the shapes differ).
inline double max_abs_diff(const io::NpyArray& a, const float* b, const std::vector<int64_t>& b_shape) {
  if (a.shape != b_shape || a.dtype != io::DType::float32) return INFINITY;
  double m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::abs(static_cast<double>(a.as<float>()[i]) - b[i]));
  return m;
}

}  // namespace grhost::test
