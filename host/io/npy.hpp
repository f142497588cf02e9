// NumPy .npy files (format 1.0–3.0, little-endian, C order): the format in
// which grhost reads stored features and writes every matrix, so that Python
// users can numpy.load() them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::io {

enum class DType { float32, float64, int64, int32, uint8 };

const char* dtype_name(DType t);
size_t dtype_size(DType t);

/// An array read from or written to a .npy file; data holds raw bytes.
struct NpyArray {
  DType dtype = DType::float32;
  std::vector<int64_t> shape;
  std::vector<unsigned char> data;

  int64_t numel() const;
  template <class T> const T* as() const { return reinterpret_cast<const T*>(data.data()); }
  template <class T> T* as() { return reinterpret_cast<T*>(data.data()); }
};

/// Reads a .npy file; throws std::runtime_error naming the file and what is
/// wrong (bad magic, unsupported dtype, Fortran order, truncated data...).
NpyArray read_npy(const std::string& path);

/// The .npy bytes for an array (header + data).
std::string npy_bytes(DType dtype, const std::vector<int64_t>& shape, const void* data);

/// Writes a .npy file atomically (temporary name, then rename).
void write_npy(const std::string& path, DType dtype, const std::vector<int64_t>& shape, const void* data);

}  // namespace grhost::io
