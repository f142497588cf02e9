#include "folder_scan.hpp"

#include "file_fingerprint.hpp"

#include <grhost/error.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <utility>

namespace grhost::image_folder {
namespace {

namespace fs = std::filesystem;
using datasets::join_path;

// The entries of `dir` that are not hidden; throws naming the folder if it
// cannot be listed.
std::vector<fs::directory_entry> visible_entries(const std::string& dir) {
  std::vector<fs::directory_entry> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().front() != '.') out.push_back(*it);
  if (ec) throw Error(dir + ": cannot list the folder: " + ec.message(), GRHOST_NOT_FOUND);
  return out;
}

// (folder, file name) of every image under `dir`, following symbolic links
// to folders as torchvision's os.walk(followlinks=True) does; a folder
// reached twice (a link loop) is refused rather than walked forever.
void collect_images(const std::string& dir, std::vector<std::pair<std::string, std::string>>& out,
                    std::set<std::string>& seen) {
  std::error_code ec;
  const std::string real = fs::canonical(dir, ec).string();
  if (!ec && !seen.insert(real).second)
    throw Error(dir + ": reached twice through symbolic links (a loop?); expected a tree of class folders");
  for (const fs::directory_entry& e : visible_entries(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory()) collect_images(join_path(dir, name), out, seen);
    else if (e.is_regular_file() && is_image_name(name)) out.emplace_back(dir, name);
  }
}

}  // namespace

bool is_image_name(const std::string& name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == "jpg" || ext == "jpeg" || ext == "png";
}

std::vector<std::string> class_folders(const std::string& split_dir) {
  std::vector<std::string> out;
  for (const fs::directory_entry& e : visible_entries(split_dir))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  if (out.empty()) throw Error(split_dir + ": no class folders (expected one subfolder per class)", GRHOST_NOT_FOUND);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> image_files(const std::string& class_dir) {
  std::vector<std::pair<std::string, std::string>> found;
  std::set<std::string> seen;
  collect_images(class_dir, found, seen);
  if (found.empty())
    throw Error(class_dir + ": no images in this class folder (expected .jpg, .jpeg or .png files)", GRHOST_NOT_FOUND);
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  out.reserve(found.size());
  for (const auto& [dir, name] : found) out.push_back(join_path(dir, name));
  return out;
}

}  // namespace grhost::image_folder
