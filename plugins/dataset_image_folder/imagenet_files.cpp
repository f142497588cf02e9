#include "imagenet_files.hpp"

#include "text_lines.hpp"

#include <grhost/error.hpp>

#include <sstream>

namespace grhost::image_folder {
namespace {

std::string trimmed(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::string where(const std::string& path, size_t line) { return path + ":" + std::to_string(line) + ": "; }

}  // namespace

std::map<std::string, std::string> read_class_names(const std::string& path) {
  const std::vector<std::string> lines = datasets::read_lines(path);
  std::map<std::string, std::string> names;
  std::map<std::string, size_t> first_line;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string line = trimmed(lines[i]);
    if (line.empty()) continue;
    const size_t space = line.find_first_of(" \t");
    const std::string folder = line.substr(0, space);
    const std::string name = space == std::string::npos ? "" : trimmed(line.substr(space + 1, line.find(',') - space - 1));
    if (name.empty())
      throw Error(where(path, i + 1) + "expected '<class folder> <name>', as in 'n01440764 tench, Tinca tinca'");
    if (!first_line.emplace(folder, i + 1).second)
      throw Error(where(path, i + 1) + "class folder '" + folder + "' is listed again (first on line " +
                  std::to_string(first_line[folder]) + ")");
    names[folder] = name;
  }
  return names;
}

std::vector<LabelledImage> read_labels_csv(const std::string& path) {
  const std::vector<std::string> lines = datasets::read_lines(path);
  if (lines.empty() || trimmed(lines[0]) != "ImageId,PredictionString")
    throw Error(where(path, 1) + "expected the header 'ImageId,PredictionString'");
  std::vector<LabelledImage> rows;
  std::map<std::string, size_t> first_line;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string line = trimmed(lines[i]);
    if (line.empty()) continue;
    const size_t comma = line.find(',');
    LabelledImage row;
    row.line = static_cast<int>(i + 1);
    if (comma != std::string::npos) {
      row.image_id = trimmed(line.substr(0, comma));
      std::istringstream(line.substr(comma + 1)) >> row.class_folder;
    }
    if (row.image_id.empty() || row.class_folder.empty())
      throw Error(where(path, i + 1) + "expected '<ImageId>,<class folder> <box>...', as in "
                  "'ILSVRC2012_val_00008726,n02119789 255 142 454 329'");
    if (!first_line.emplace(row.image_id, i + 1).second)
      throw Error(where(path, i + 1) + "image '" + row.image_id + "' is listed again (first on line " +
                  std::to_string(first_line[row.image_id]) + ")");
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace grhost::image_folder
