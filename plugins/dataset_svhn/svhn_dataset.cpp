// Dataset "svhn": the Street View House Numbers' cropped digits,
// train_32x32.mat and test_32x32.mat, and extra_32x32.mat when present.
#include "dataset_checks.hpp"
#include "file_fingerprint.hpp"
#include "svhn_mat_file.hpp"

#include <grhost/plugin.hpp>

#include <array>
#include <mutex>

#include <sys/stat.h>

namespace {

using grhost::datasets::join_path;
using grhost::svhn::kImageBytes;
using grhost::svhn::kImageSide;

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

class SvhnDataset : public grhost::Dataset {
 public:
  static constexpr const char* id = "svhn";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "SVHN cropped digits (the 32x32 .mat files)";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("root", nullptr,
                            "folder holding train_32x32.mat and test_32x32.mat, and optionally extra_32x32.mat"),
    };
  }

  explicit SvhnDataset(const grhost::Options& o) {
    const std::string root = o.get_string("root");
    for (const char* split : {"train", "test", "extra"}) {
      std::string path = join_path(root, std::string(split) + "_32x32.mat");
      if (!exists(path)) {
        if (std::string(split) == "extra") continue;  // the optional third split
        throw grhost::Error(path + ": missing (SVHN's cropped digits are train_32x32.mat and test_32x32.mat, "
                                   "optionally extra_32x32.mat)",
                            GRHOST_NOT_FOUND);
      }
      splits_.push_back(split);
      files_.push_back(std::move(path));
    }
  }

  std::vector<std::string> class_names() const override {
    std::vector<std::string> names;
    for (int d = 0; d < 10; ++d) names.push_back(std::to_string(d));
    return names;
  }
  std::vector<std::string> split_names() const override { return splits_; }
  std::string fingerprint() const override { return grhost::datasets::file_fingerprint(files_); }
  int64_t split_size(int64_t split) const override { return static_cast<int64_t>(load(split).labels.size()); }
  DLManagedTensor* labels(int64_t split) const override {
    const grhost::svhn::Digits& s = load(split);
    return grhost::datasets::labels_tensor(s.labels);
  }
  DLManagedTensor* read_image(int64_t split, int64_t index, int64_t* label) const override {
    const grhost::svhn::Digits& s = load(split);
    grhost::datasets::check_image_index(index, s.labels.size());
    // Stored column-major (row fastest, then column, then channel); the host wants HWC.
    const size_t plane = kImageSide * kImageSide;
    const uint8_t* image = s.images.data() + static_cast<size_t>(index) * kImageBytes;
    std::vector<uint8_t> hwc(kImageBytes);
    for (size_t r = 0; r < kImageSide; ++r)
      for (size_t c = 0; c < kImageSide; ++c)
        for (size_t k = 0; k < 3; ++k) hwc[(r * kImageSide + c) * 3 + k] = image[r + kImageSide * c + plane * k];
    *label = s.labels[static_cast<size_t>(index)];
    const auto side = static_cast<int64_t>(kImageSide);
    return grhost::to_dlpack(std::move(hwc), {side, side, 3});
  }

 private:
  // Each split is read once, on first use, by whichever thread gets there first.
  const grhost::svhn::Digits& load(int64_t split) const {
    if (split < 0 || split >= static_cast<int64_t>(splits_.size()))
      throw grhost::Error("split index " + std::to_string(split) + " does not exist");
    std::call_once(once_[split], [&] {
      try {
        digits_[split] = grhost::svhn::read_digits(files_[split]);
      } catch (const std::runtime_error& e) {
        throw grhost::Error(e.what(), GRHOST_IO_ERROR);
      }
    });
    return digits_[split];
  }

  std::vector<std::string> splits_, files_;
  mutable std::array<std::once_flag, 3> once_;
  mutable std::array<grhost::svhn::Digits, 3> digits_;
};

}  // namespace

GRHOST_PLUGIN("grhost-dataset-svhn", SvhnDataset)
