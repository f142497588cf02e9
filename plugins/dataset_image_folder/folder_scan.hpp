// Listing an ImageFolder split as torchvision does: one subfolder per class,
// names in byte order (Python's sorted() on UTF-8 names), images told by
// their extension. Hidden entries (".DS_Store", macOS's "._x.jpg") are
// skipped; torchvision would list the latter and fail to decode it.
#pragma once

#include <string>
#include <vector>

namespace grhost::image_folder {

/// Whether `name` ends in .jpg, .jpeg or .png, in any case.
bool is_image_name(const std::string& name);

/// The class folders' names under `split_dir`, sorted. Throws naming the
/// folder if it cannot be listed or holds no class folder.
std::vector<std::string> class_folders(const std::string& split_dir);

/// The paths of the images under `class_dir`, its subfolders included, in
/// torchvision's order: folder by folder in the order of their paths, and by
/// name within a folder. Throws naming the folder if it holds no image.
std::vector<std::string> image_files(const std::string& class_dir);

}  // namespace grhost::image_folder
