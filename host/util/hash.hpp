// A fast, stable 64-bit content hash (not cryptographic) for cache keys:
// the same bytes give the same key on every run and machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace grhost {

class Hasher {
 public:
  Hasher& bytes(const void* data, size_t size);
  Hasher& str(const std::string& s);  // length-prefixed, so "ab","c" != "a","bc"
  Hasher& u64(uint64_t v);
  uint64_t value() const;
  std::string hex() const;  // 16 hex digits

 private:
  uint64_t state_ = 0x9e3779b97f4a7c15ull;
  uint64_t length_ = 0;
};

}  // namespace grhost
