#include "io/npy.hpp"

#include "io/atomic_file.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace grhost::io {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": not a readable .npy file: " + what);
}

struct DescrInfo {
  const char* descr;
  DType dtype;
};
// Little-endian ('<') and byte-order-free ('|') descriptors only.
constexpr DescrInfo kDescrs[] = {{"<f4", DType::float32}, {"<f8", DType::float64}, {"<i8", DType::int64},
                                 {"<i4", DType::int32},   {"|u1", DType::uint8},   {"<u1", DType::uint8}};

// Value of `key` in the header dict, as raw text up to the next top-level ',' or '}'.
std::string dict_value(const std::string& header, const std::string& key, const std::string& path) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) fail(path, "header has no '" + key + "' entry");
  size_t colon = header.find(':', k);
  if (colon == std::string::npos) fail(path, "malformed header near '" + key + "'");
  size_t start = colon + 1;
  while (start < header.size() && std::isspace(static_cast<unsigned char>(header[start]))) ++start;
  size_t end = start;
  if (start < header.size() && header[start] == '(') {
    end = header.find(')', start);
    if (end == std::string::npos) fail(path, "malformed shape tuple");
    return header.substr(start, end - start + 1);
  }
  while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
  std::string v = header.substr(start, end - start);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  return v;
}

std::vector<int64_t> parse_shape(const std::string& tuple, const std::string& path) {
  std::vector<int64_t> shape;
  size_t i = 1;  // after '('
  while (i < tuple.size()) {
    while (i < tuple.size() && (std::isspace(static_cast<unsigned char>(tuple[i])) || tuple[i] == ',')) ++i;
    if (i >= tuple.size() || tuple[i] == ')') break;
    size_t j = i;
    while (j < tuple.size() && std::isdigit(static_cast<unsigned char>(tuple[j]))) ++j;
    if (j == i) fail(path, "malformed shape " + tuple);
    shape.push_back(std::stoll(tuple.substr(i, j - i)));
    i = j;
  }
  return shape;
}

std::string header_dict(DType dtype, const std::vector<int64_t>& shape) {
  std::string s = "{'descr': '";
  s += dtype == DType::uint8 ? "|u1" : dtype == DType::float32 ? "<f4" : dtype == DType::float64 ? "<f8" : dtype == DType::int64 ? "<i8" : "<i4";
  s += "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    s += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) s += ",";
    if (i + 1 < shape.size()) s += " ";
  }
  s += "), }";
  return s;
}

}  // namespace

const char* dtype_name(DType t) {
  switch (t) {
    case DType::float32: return "float32";
    case DType::float64: return "float64";
    case DType::int64: return "int64";
    case DType::int32: return "int32";
    case DType::uint8: return "uint8";
  }
  return "?";
}

size_t dtype_size(DType t) {
  switch (t) {
    case DType::float32: return 4;
    case DType::float64: return 8;
    case DType::int64: return 8;
    case DType::int32: return 4;
    case DType::uint8: return 1;
  }
  return 0;
}

int64_t NpyArray::numel() const {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  char magic[8];
  if (!in.read(magic, 8)) fail(path, "file is shorter than the 8-byte .npy preamble");
  if (std::memcmp(magic, "\x93NUMPY", 6) != 0) fail(path, "wrong magic (expected \\x93NUMPY)");
  int major = static_cast<unsigned char>(magic[6]);
  if (major < 1 || major > 3) fail(path, "unsupported format version " + std::to_string(major));
  uint32_t header_len = 0;
  unsigned char len_bytes[4] = {0, 0, 0, 0};
  const int len_size = major == 1 ? 2 : 4;
  if (!in.read(reinterpret_cast<char*>(len_bytes), len_size)) fail(path, "truncated header length");
  for (int i = len_size - 1; i >= 0; --i) header_len = (header_len << 8) | len_bytes[i];
  if (header_len > (1u << 20)) fail(path, "implausible header length " + std::to_string(header_len));
  std::string header(header_len, '\0');
  if (!in.read(header.data(), header_len)) fail(path, "truncated header");

  NpyArray a;
  std::string descr = dict_value(header, "descr", path);
  if (descr.size() >= 2) descr = descr.substr(1, descr.size() - 2);  // strip quotes
  bool known = false;
  for (const DescrInfo& d : kDescrs) {
    if (descr == d.descr) { a.dtype = d.dtype; known = true; }
  }
  if (!known) fail(path, "unsupported dtype '" + descr + "' (expected <f4, <f8, <i8, <i4 or |u1)");
  if (dict_value(header, "fortran_order", path) != "False")
    fail(path, "Fortran-ordered arrays are not supported (save with np.ascontiguousarray)");
  a.shape = parse_shape(dict_value(header, "shape", path), path);

  const int64_t bytes = a.numel() * static_cast<int64_t>(dtype_size(a.dtype));
  a.data.resize(static_cast<size_t>(bytes));
  if (bytes > 0 && !in.read(reinterpret_cast<char*>(a.data.data()), bytes))
    fail(path, "truncated data: expected " + std::to_string(bytes) + " bytes for shape " +
                   dict_value(header, "shape", path) + ", found " + std::to_string(in.gcount()));
  return a;
}

std::string npy_bytes(DType dtype, const std::vector<int64_t>& shape, const void* data) {
  std::string dict = header_dict(dtype, shape);
  // Pad with spaces so that data starts on a 64-byte boundary, ending in '\n'.
  size_t total = 10 + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(dict.size() & 0xff));
  out.push_back(static_cast<char>((dict.size() >> 8) & 0xff));
  out += dict;
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  out.append(static_cast<const char*>(data), static_cast<size_t>(n) * dtype_size(dtype));
  return out;
}

void write_npy(const std::string& path, DType dtype, const std::vector<int64_t>& shape, const void* data) {
  write_file_atomic(path, npy_bytes(dtype, shape, data));
}

}  // namespace grhost::io
