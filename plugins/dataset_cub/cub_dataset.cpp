// Dataset "cub": Caltech-UCSD Birds-200-2011 as its archive unpacks
// (CUB_200_2011/: images/, images.txt, train_test_split.txt,
// image_class_labels.txt, classes.txt), with its official train/test split.
#include "dataset_checks.hpp"
#include "cub_files.hpp"
#include "file_fingerprint.hpp"
#include "image_decode.hpp"

#include <grhost/plugin.hpp>

#include <mutex>
#include <sys/stat.h>

namespace {

using grhost::datasets::join_path;

class CubDataset : public grhost::Dataset {
 public:
  static constexpr const char* id = "cub";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "CUB-200-2011 birds: 200 classes, the official train/test split";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("root", nullptr,
                            "the CUB_200_2011 folder, holding images/, images.txt, train_test_split.txt, "
                            "image_class_labels.txt and classes.txt"),
    };
  }

  explicit CubDataset(const grhost::Options& o) : root_(o.get_string("root")) {
    for (const char* name : grhost::cub::kMetadataFiles) {
      struct stat st {};
      if (::stat(join_path(root_, name).c_str(), &st) != 0)
        throw grhost::Error(join_path(root_, name) + ": missing (expected root to be the CUB_200_2011 folder)", GRHOST_NOT_FOUND);
    }
  }

  std::vector<std::string> class_names() const override { return load().catalogue.class_names; }
  std::vector<std::string> split_names() const override { return {"train", "test"}; }
  std::string fingerprint() const override { return load().fingerprint; }
  int64_t split_size(int64_t split) const override { return static_cast<int64_t>(members(split).size()); }
  DLManagedTensor* labels(int64_t split) const override {
    std::vector<int64_t> y;
    for (size_t i : members(split)) y.push_back(load().catalogue.images[i].label);
    const int64_t n = static_cast<int64_t>(y.size());
    return grhost::to_dlpack(std::move(y), {n});
  }
  // Decodes on every call: the catalogue is read-only once loaded, so calls
  // from several threads share nothing mutable.
  DLManagedTensor* read_image(int64_t split, int64_t index, int64_t* label) const override {
    const std::vector<size_t>& m = members(split);
    grhost::datasets::check_image_index(index, m.size());
    const grhost::cub::CubImage& chosen = load().catalogue.images[m[static_cast<size_t>(index)]];
    grhost::datasets::Image image = grhost::datasets::decode_image(chosen.path);
    *label = chosen.label;
    return grhost::to_dlpack(std::move(image.pixels), {image.height, image.width, image.channels});
  }

 private:
  struct Loaded {
    grhost::cub::CubCatalogue catalogue;
    std::vector<size_t> splits[2];  // train, test: indices into catalogue.images, so in image id order
    std::string fingerprint;
  };

  const std::vector<size_t>& members(int64_t split) const {
    if (split < 0 || split > 1) throw grhost::Error("split index " + std::to_string(split) + " does not exist");
    return load().splits[split];
  }

  // The metadata is read once, on first use, by whichever thread gets there first.
  const Loaded& load() const {
    std::call_once(once_, [&] {
      Loaded l;
      l.catalogue = grhost::cub::read_cub(root_);
      std::vector<std::string> files;
      for (const char* name : grhost::cub::kMetadataFiles) files.push_back(join_path(root_, name));
      for (size_t i = 0; i < l.catalogue.images.size(); ++i) {
        l.splits[l.catalogue.images[i].train ? 0 : 1].push_back(i);
        files.push_back(l.catalogue.images[i].path);
      }
      // Size and mtime of the 4 metadata files and the 11,788 images: a stat each.
      l.fingerprint = grhost::datasets::file_fingerprint(files);
      loaded_ = std::move(l);
    });
    return loaded_;
  }

  std::string root_;
  mutable std::once_flag once_;
  mutable Loaded loaded_;
};

}  // namespace

GRHOST_PLUGIN("grhost-dataset-cub", CubDataset)
