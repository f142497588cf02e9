#include "cub_files.hpp"

#include "file_fingerprint.hpp"
#include "text_lines.hpp"

#include <grhost/error.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <sys/stat.h>

namespace grhost::cub {

const char* const kMetadataFiles[4] = {"images.txt", "train_test_split.txt", "image_class_labels.txt", "classes.txt"};

namespace {

using datasets::join_path;

bool all_digits(std::string::const_iterator begin, std::string::const_iterator end) {
  return std::all_of(begin, end, [](unsigned char c) { return std::isdigit(c); });
}

// A decimal integer without sign or spaces that fits an int64.
bool to_id(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 18 || !all_digits(text.begin(), text.end())) return false;
  *out = std::stoll(text);
  return true;
}

// "001.Black_footed_Albatross" -> "Black footed Albatross".
std::string readable_class_name(const std::string& name) {
  const size_t dot = name.find('.');
  const bool numbered =
      dot != std::string::npos && dot > 0 && all_digits(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(dot));
  std::string out = numbered ? name.substr(dot + 1) : name;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// One "<id> <value>" line of a metadata file.
struct IdLine {
  int64_t id = 0;
  std::string value;
  size_t line = 0;
};

// A metadata file's lines keyed by id; `format` is what a line should look
// like, for the error a malformed line or a repeated id throws.
class IdFile {
 public:
  IdFile(const std::string& root, const std::string& name, const std::string& format) : path_(join_path(root, name)) {
    const std::vector<std::string> lines = datasets::read_lines(path_);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find_first_not_of(" \t") == std::string::npos) continue;
      IdLine l = parse(lines[i], i + 1, format);
      auto [it, fresh] = by_id_.emplace(l.id, l);
      if (!fresh)
        throw Error(where(l.line) + "id " + std::to_string(l.id) + " is listed again (first on line " +
                    std::to_string(it->second.line) + ")");
      order_.push_back(l.id);
    }
  }

  const std::string& path() const { return path_; }
  std::string where(size_t line) const { return path_ + ":" + std::to_string(line) + ": "; }
  const std::map<int64_t, IdLine>& by_id() const { return by_id_; }
  const std::vector<int64_t>& ids_in_file_order() const { return order_; }

  /// The line for image `id` of `images` (at `images_line`), or throws naming that line.
  const IdLine& line_for(int64_t id, const IdFile& images, size_t images_line) const {
    auto it = by_id_.find(id);
    if (it == by_id_.end())
      throw Error(images.where(images_line) + "image id " + std::to_string(id) + " has no line in " + path_);
    return it->second;
  }
  /// Throws naming the first line whose id `images` lacks.
  void check_ids_in(const IdFile& images) const {
    for (const auto& [id, l] : by_id_)
      if (images.by_id_.count(id) == 0)
        throw Error(where(l.line) + "image id " + std::to_string(id) + " is not in " + images.path_);
  }

 private:
  IdLine parse(const std::string& text, size_t line, const std::string& format) const {
    IdLine l;
    l.line = line;
    const size_t begin = text.find_first_not_of(" \t");
    const size_t space = text.find_first_of(" \t", begin);
    const size_t value = space == std::string::npos ? std::string::npos : text.find_first_not_of(" \t", space);
    if (!to_id(text.substr(begin, space - begin), &l.id) || value == std::string::npos)
      throw Error(where(line) + "expected '" + format + "'");
    l.value = text.substr(value, text.find_last_not_of(" \t") - value + 1);
    return l;
  }

  std::string path_;
  std::map<int64_t, IdLine> by_id_;
  std::vector<int64_t> order_;
};

}  // namespace

CubCatalogue read_cub(const std::string& root) {
  const IdFile images(root, kMetadataFiles[0], "<image id> <path under images/>");
  const IdFile split(root, kMetadataFiles[1], "<image id> <1 for train, 0 for test>");
  const IdFile labels(root, kMetadataFiles[2], "<image id> <class id>");
  const IdFile classes(root, kMetadataFiles[3], "<class id> <name>");

  CubCatalogue c;
  for (size_t k = 0; k < classes.ids_in_file_order().size(); ++k) {
    const IdLine& l = classes.by_id().at(classes.ids_in_file_order()[k]);
    if (l.id != static_cast<int64_t>(k + 1))
      throw Error(classes.where(l.line) + "expected class id " + std::to_string(k + 1) + " (class ids count up from 1)");
    c.class_names.push_back(readable_class_name(l.value));
  }
  const int64_t num_classes = static_cast<int64_t>(c.class_names.size());
  split.check_ids_in(images);
  labels.check_ids_in(images);

  for (const auto& [id, image] : images.by_id()) {
    CubImage out;
    out.path = join_path(join_path(root, "images"), image.value);
    const IdLine& s = split.line_for(id, images, image.line);
    if (s.value != "0" && s.value != "1") throw Error(split.where(s.line) + "expected '<image id> <1 for train, 0 for test>'");
    out.train = s.value == "1";
    const IdLine& y = labels.line_for(id, images, image.line);
    int64_t class_id = 0;
    if (!to_id(y.value, &class_id)) throw Error(labels.where(y.line) + "expected '<image id> <class id>'");
    if (class_id < 1 || class_id > num_classes)
      throw Error(labels.where(y.line) + "class id " + std::to_string(class_id) + " is out of range (" + classes.path() +
                  " lists " + std::to_string(num_classes) + " classes)");
    out.label = class_id - 1;
    struct stat st {};
    if (::stat(out.path.c_str(), &st) != 0)
      throw Error(images.where(image.line) + "image " + out.path + " is missing", GRHOST_NOT_FOUND);
    c.images.push_back(std::move(out));
  }
  return c;
}

}  // namespace grhost::cub
