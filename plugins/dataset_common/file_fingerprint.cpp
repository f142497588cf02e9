#include "file_fingerprint.hpp"

#include <grhost/error.hpp>

#include <cstdint>
#include <cstdio>

#include <sys/stat.h>

namespace grhost::datasets {

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string file_fingerprint(const std::vector<std::string>& files) {
  // Hashed as it goes (FNV-1a, 64 bits): ImageNet's 1.3 million paths would
  // otherwise make a string of some 130 MB.
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    h = (h ^ 0xff) * 0x100000001b3ull;  // a separator no path contains
  };
  for (const std::string& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) throw Error(f + ": cannot stat (missing?)", GRHOST_NOT_FOUND);
    mix(f);
    mix(std::to_string(st.st_size));
    mix(std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec));
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return std::to_string(files.size()) + " files, " + hex;
}

std::string first_existing(const std::string& dir, const std::vector<std::string>& candidates) {
  std::string tried;
  for (const std::string& c : candidates) {
    std::string p = join_path(dir, c);
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) return p;
    tried += (tried.empty() ? "" : ", ") + c;
  }
  throw Error(dir + ": none of " + tried + " exists", GRHOST_NOT_FOUND);
}

}  // namespace grhost::datasets
