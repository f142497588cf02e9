// IDX files (the MNIST format), gzipped or not: a big-endian header
// (0, 0, type, ndim, then ndim uint32 sizes) and unsigned bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::idx {

struct IdxArray {
  std::vector<uint32_t> shape;
  std::vector<uint8_t> data;
};

/// Reads `path` (gzip is detected); checks the magic, that the type is
/// unsigned byte, that the rank is `expected_ndim`, and that the data is
/// exactly as long as the header says. Throws std::runtime_error naming the
/// file and what is wrong.
IdxArray read_idx(const std::string& path, uint32_t expected_ndim);

}  // namespace grhost::idx
