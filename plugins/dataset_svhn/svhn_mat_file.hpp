// SVHN's cropped-digits files (train_32x32.mat and kin), read with matio:
// `X`, uint8 of 32 x 32 x 3 x N (MATLAB's column-major order), and `y`,
// double of N x 1 holding 1..10, where 10 stands for the digit 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace grhost::svhn {

constexpr size_t kImageSide = 32;
constexpr size_t kImageBytes = 3 * kImageSide * kImageSide;

struct Digits {
  /// Column-major as stored: pixel (row r, column c, channel k) of image n
  /// is at r + 32 c + 1024 k + 3072 n.
  std::vector<uint8_t> images;
  std::vector<uint8_t> labels;  // the digit, 0..9
};

/// Reads `path`; checks both variables' presence, class, rank and sizes,
/// that X and y count the same images, and that every label is a whole
/// number in 1..10. Throws std::runtime_error naming the file and what is
/// wrong.
Digits read_digits(const std::string& path);

}  // namespace grhost::svhn
