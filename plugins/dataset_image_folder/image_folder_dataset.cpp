// Dataset "image-folder": torchvision ImageFolder layouts, one folder per
// split holding one subfolder per class, JPEG and PNG images; ImageNet's
// flat validation folder with its labels CSV too.
#include "dataset_checks.hpp"
#include "file_fingerprint.hpp"
#include "folder_scan.hpp"
#include "image_decode.hpp"
#include "imagenet_files.hpp"

#include <grhost/plugin.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <sys/stat.h>

namespace {

using grhost::datasets::join_path;

bool is_folder(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

class ImageFolderDataset : public grhost::Dataset {
 public:
  static constexpr const char* id = "image-folder";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description =
      "torchvision ImageFolder layouts (a folder per class of JPEG and PNG images), ImageNet's included";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("root", nullptr, "folder holding one subfolder per split"),
        grhost::option_string("train", "train",
                              "subfolder of root holding the train split's class folders; empty: no train split"),
        grhost::option_string("test", "val",
                              "subfolder of root holding the test split's class folders, or its images with labels_file; "
                              "empty: no test split"),
        grhost::option_path("class_names", "",
                            "file of '<folder> <name>, <other names>' lines naming the classes, as ImageNet's "
                            "LOC_synset_mapping.txt; empty: the folder names"),
        grhost::option_path("labels_file", "",
                            "CSV labelling a flat test folder of <ImageId>.JPEG images, as ImageNet's "
                            "LOC_val_solution.csv; empty: the test split has class folders"),
    };
  }

  explicit ImageFolderDataset(const grhost::Options& o)
      : class_names_file_(o.get_string("class_names")), labels_file_(o.get_string("labels_file")) {
    const std::string root = o.get_string("root");
    for (const char* split : {"train", "test"}) {
      const std::string folder = o.get_string(split);
      if (folder.empty()) continue;
      split_names_.emplace_back(split);
      split_dirs_.push_back(join_path(root, folder));
      if (!is_folder(split_dirs_.back()))
        throw grhost::Error(split_dirs_.back() + ": the " + split + " split's folder is missing (set " + split +
                                ": \"\" to go without it)",
                            GRHOST_NOT_FOUND);
    }
    if (split_names_.empty()) throw grhost::Error("image-folder: train and test are both empty; expected at least one split");
    if (!labels_file_.empty() && split_names_.back() != "test")
      throw grhost::Error(labels_file_ + ": labels_file labels the test split, but test is empty");
  }

  std::vector<std::string> class_names() const override { return load().names; }
  std::vector<std::string> split_names() const override { return split_names_; }
  std::string fingerprint() const override { return load().fingerprint; }
  int64_t split_size(int64_t split) const override { return static_cast<int64_t>(samples(split).size()); }
  DLManagedTensor* labels(int64_t split) const override {
    std::vector<int64_t> y;
    for (const Sample& s : samples(split)) y.push_back(s.label);
    const int64_t n = static_cast<int64_t>(y.size());
    return grhost::to_dlpack(std::move(y), {n});
  }
  // Decodes on every call: the catalogue is read-only once loaded, so calls
  // from several threads share nothing mutable.
  DLManagedTensor* read_image(int64_t split, int64_t index, int64_t* label) const override {
    const std::vector<Sample>& s = samples(split);
    grhost::datasets::check_image_index(index, s.size());
    grhost::datasets::Image image = grhost::datasets::decode_image(s[static_cast<size_t>(index)].path);
    *label = s[static_cast<size_t>(index)].label;
    return grhost::to_dlpack(std::move(image.pixels), {image.height, image.width, image.channels});
  }

 private:
  struct Sample {
    std::string path;
    int64_t label = 0;
  };
  struct Catalogue {
    std::vector<std::string> names;           // by label
    std::vector<std::vector<Sample>> splits;  // as split_names_
    std::string fingerprint;
  };

  const std::vector<Sample>& samples(int64_t split) const {
    if (split < 0 || split >= static_cast<int64_t>(split_names_.size()))
      throw grhost::Error("split index " + std::to_string(split) + " does not exist");
    return load().splits[static_cast<size_t>(split)];
  }

  // The folders are listed once, on first use, by whichever thread gets there first.
  const Catalogue& load() const {
    std::call_once(once_, [&] {
      Catalogue c;
      const std::vector<std::string> folders = classes();
      c.names = readable_names(folders);
      std::map<std::string, int64_t> label_of;
      for (size_t k = 0; k < folders.size(); ++k) label_of[folders[k]] = static_cast<int64_t>(k);
      for (size_t s = 0; s < split_names_.size(); ++s)
        c.splits.push_back(split_names_[s] == "test" && !labels_file_.empty() ? flat_split(split_dirs_[s], label_of)
                                                                               : class_folder_split(s, label_of));
      c.fingerprint = fingerprint_of(c);
      catalogue_ = std::move(c);
    });
    return catalogue_;
  }

  // The class folders' names: the train split's folders; without a train
  // split, the test split's, or class_names' (sorted) when the test folder is flat.
  std::vector<std::string> classes() const {
    if (split_names_.front() == "train" || labels_file_.empty()) return grhost::image_folder::class_folders(split_dirs_.front());
    if (class_names_file_.empty())
      throw grhost::Error(labels_file_ + ": with no train split, class_names must list the classes its labels name");
    std::vector<std::string> folders;
    for (const auto& entry : grhost::image_folder::read_class_names(class_names_file_)) folders.push_back(entry.first);
    return folders;
  }

  std::vector<std::string> readable_names(const std::vector<std::string>& folders) const {
    if (class_names_file_.empty()) return folders;
    const std::map<std::string, std::string> mapping = grhost::image_folder::read_class_names(class_names_file_);
    std::vector<std::string> names;
    for (const std::string& f : folders) {
      auto it = mapping.find(f);
      if (it == mapping.end()) throw grhost::Error(class_names_file_ + ": no line names class folder '" + f + "'");
      names.push_back(it->second);
    }
    return names;
  }

  // Split `s` as class folders, each of which must be one of the classes.
  std::vector<Sample> class_folder_split(size_t s, const std::map<std::string, int64_t>& label_of) const {
    std::vector<Sample> out;
    for (const std::string& folder : grhost::image_folder::class_folders(split_dirs_[s])) {
      auto it = label_of.find(folder);
      if (it == label_of.end())
        throw grhost::Error(join_path(split_dirs_[s], folder) + ": class folder '" + folder +
                            "' is not among the train split's classes (" + split_dirs_.front() + ")");
      for (std::string& path : grhost::image_folder::image_files(join_path(split_dirs_[s], folder)))
        out.push_back({std::move(path), it->second});
    }
    return out;
  }

  // The flat test folder labelled by labels_file, in image id order (the
  // order of ImageNet's validation images; the CSV's own order is random).
  std::vector<Sample> flat_split(const std::string& dir, const std::map<std::string, int64_t>& label_of) const {
    std::vector<grhost::image_folder::LabelledImage> rows = grhost::image_folder::read_labels_csv(labels_file_);
    if (rows.empty()) throw grhost::Error(labels_file_ + ": no rows after the header (expected one per test image)");
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.image_id < b.image_id; });
    std::vector<Sample> out;
    for (const auto& row : rows) {
      const std::string where = labels_file_ + ":" + std::to_string(row.line) + ": ";
      auto it = label_of.find(row.class_folder);
      if (it == label_of.end())
        throw grhost::Error(where + "class '" + row.class_folder + "' is not among the classes (" +
                            (split_names_.front() == "train" ? split_dirs_.front() : class_names_file_) + ")");
      Sample sample{join_path(dir, row.image_id + ".JPEG"), it->second};
      struct stat st {};
      if (::stat(sample.path.c_str(), &st) != 0)
        throw grhost::Error(where + "image " + sample.path + " is missing", GRHOST_NOT_FOUND);
      out.push_back(std::move(sample));
    }
    return out;
  }

  // Path, size and mtime of every image and option file, a stat each: fine
  // for thousands of images. ImageNet's 1.3 million train images would make
  // a string of some 130 MB, worth hashing as it is built.
  std::string fingerprint_of(const Catalogue& c) const {
    std::vector<std::string> files;
    for (const std::vector<Sample>& split : c.splits)
      for (const Sample& s : split) files.push_back(s.path);
    for (const std::string& f : {class_names_file_, labels_file_})
      if (!f.empty()) files.push_back(f);
    return grhost::datasets::file_fingerprint(files);
  }

  std::string class_names_file_, labels_file_;
  std::vector<std::string> split_names_, split_dirs_;  // "train" and/or "test", and their folders
  mutable std::once_flag once_;
  mutable Catalogue catalogue_;
};

}  // namespace

GRHOST_PLUGIN("grhost-dataset-image-folder", ImageFolderDataset)
