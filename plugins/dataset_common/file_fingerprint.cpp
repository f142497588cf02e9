#include "file_fingerprint.hpp"

#include <grhost/error.hpp>

#include <sys/stat.h>

namespace grhost::datasets {

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::string file_fingerprint(const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) throw Error(f + ": cannot stat (missing?)", GRHOST_NOT_FOUND);
    out += f + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec) + "|";
  }
  return out;
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
