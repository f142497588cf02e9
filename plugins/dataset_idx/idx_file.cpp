#include "idx_file.hpp"

#include <zlib.h>

#include <memory>
#include <stdexcept>

namespace grhost::idx {
namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

// Reads up to n bytes; gzread also reads uncompressed files as they are.
size_t read_some(gzFile f, void* out, size_t n, const std::string& path) {
  size_t got = 0;
  while (got < n) {
    unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - got, 1u << 30));
    int r = gzread(f, static_cast<char*>(out) + got, chunk);
    if (r < 0) {
      int err = 0;
      const char* msg = gzerror(f, &err);
      throw std::runtime_error(path + ": cannot decompress: " + (msg != nullptr ? msg : "zlib error"));
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

}  // namespace

IdxArray read_idx(const std::string& path, uint32_t expected_ndim) {
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
  if (!f) throw std::runtime_error(path + ": cannot open");
  gzbuffer(f.get(), 1 << 20);
  unsigned char magic[4];
  if (read_some(f.get(), magic, 4, path) != 4) throw std::runtime_error(path + ": not an IDX file: shorter than its 4-byte magic");
  if (magic[0] != 0 || magic[1] != 0)
    throw std::runtime_error(path + ": not an IDX file: wrong magic (expected 00 00 08 0" + std::to_string(expected_ndim) + ")");
  if (magic[2] != 0x08)
    throw std::runtime_error(path + ": IDX element type 0x" + std::to_string(magic[2]) + " is not supported (expected 0x08, unsigned byte)");
  if (magic[3] != expected_ndim)
    throw std::runtime_error(path + ": IDX file has " + std::to_string(magic[3]) + " dimensions, expected " +
                             std::to_string(expected_ndim) + (expected_ndim == 3 ? " (images)" : " (labels)"));
  IdxArray a;
  uint64_t total = 1;
  for (uint32_t d = 0; d < expected_ndim; ++d) {
    unsigned char b[4];
    if (read_some(f.get(), b, 4, path) != 4) throw std::runtime_error(path + ": truncated IDX header");
    uint32_t size = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    a.shape.push_back(size);
    total *= size;
  }
  if (total > (uint64_t{1} << 36)) throw std::runtime_error(path + ": implausible IDX sizes");
  a.data.resize(static_cast<size_t>(total));
  size_t got = read_some(f.get(), a.data.data(), a.data.size(), path);
  if (got != a.data.size())
    throw std::runtime_error(path + ": truncated: the header promises " + std::to_string(total) + " bytes of data, found " +
                             std::to_string(got));
  unsigned char extra;
  if (read_some(f.get(), &extra, 1, path) != 0)
    throw std::runtime_error(path + ": inconsistent: more data than the header's sizes account for");
  return a;
}

}  // namespace grhost::idx
