#include "util/hash.hpp"

#include <cstdio>
#include <cstring>

namespace grhost {
namespace {
inline uint64_t mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}
}  // namespace

Hasher& Hasher::bytes(const void* data, size_t size) {
  const unsigned char* p = static_cast<const unsigned char*>(data);
  size_t i = 0;
  // Eight bytes at a time: multiply-rotate, cheap enough for feature matrices.
  for (; i + 8 <= size; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    state_ = (state_ ^ (w * 0x9fb21c651e98df25ull)) * 0xc2b2ae3d27d4eb4full;
    state_ = (state_ << 29) | (state_ >> 35);
  }
  uint64_t tail = 0;
  for (size_t k = 0; i < size; ++i, ++k) tail |= static_cast<uint64_t>(p[i]) << (8 * k);
  state_ = mix(state_ ^ tail ^ (size << 1));
  length_ += size;
  return *this;
}

Hasher& Hasher::str(const std::string& s) {
  u64(s.size());
  return bytes(s.data(), s.size());
}

Hasher& Hasher::u64(uint64_t v) { return bytes(&v, sizeof(v)); }

uint64_t Hasher::value() const { return mix(state_ ^ length_); }

std::string Hasher::hex() const {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(value()));
  return buf;
}

}  // namespace grhost
