// Dataset "idx": MNIST-format datasets (MNIST, Fashion-MNIST, KMNIST...):
// the four standard files in one folder, gzipped or not.
#include "dataset_checks.hpp"
#include "file_fingerprint.hpp"
#include "idx_file.hpp"

#include <grhost/plugin.hpp>

#include <array>
#include <mutex>

namespace {

using grhost::datasets::first_existing;

const std::vector<std::string> kFashionMnist = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

class IdxDataset : public grhost::Dataset {
 public:
  static constexpr const char* id = "idx";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "MNIST-format (IDX) datasets: MNIST, Fashion-MNIST and kin";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("root", nullptr,
                            "folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte "
                            "and t10k-labels-idx1-ubyte, each optionally .gz"),
        grhost::option_string("names", "digits", "class names: digits (0..9) or fashion-mnist")
            .one_of("digits|fashion-mnist"),
        grhost::option_string_list("classes", "[]", "explicit class names; override 'names'"),
    };
  }

  explicit IdxDataset(const grhost::Options& o) : root_(o.get_string("root")) {
    classes_ = o.get_string_list("classes");
    if (classes_.empty()) {
      if (o.get_string("names") == "fashion-mnist") classes_ = kFashionMnist;
      else
        for (int d = 0; d < 10; ++d) classes_.push_back(std::to_string(d));
    }
    const std::array<const char*, 2> prefixes = {"train", "t10k"};
    for (size_t s = 0; s < 2; ++s) {
      const std::string p = prefixes[s];
      files_[s][0] = first_existing(root_, {p + "-images-idx3-ubyte.gz", p + "-images-idx3-ubyte", p + "-images.idx3-ubyte"});
      files_[s][1] = first_existing(root_, {p + "-labels-idx1-ubyte.gz", p + "-labels-idx1-ubyte", p + "-labels.idx1-ubyte"});
    }
  }

  std::vector<std::string> class_names() const override { return classes_; }
  std::vector<std::string> split_names() const override { return {"train", "test"}; }
  std::string fingerprint() const override {
    return grhost::datasets::file_fingerprint({files_[0][0], files_[0][1], files_[1][0], files_[1][1]});
  }
  int64_t split_size(int64_t split) const override { return static_cast<int64_t>(load(split).labels.size()); }
  DLManagedTensor* labels(int64_t split) const override {
    const Split& s = load(split);
    return grhost::datasets::labels_tensor(s.labels);
  }
  DLManagedTensor* read_image(int64_t split, int64_t index, int64_t* label) const override {
    const Split& s = load(split);
    grhost::datasets::check_image_index(index, s.labels.size());
    const size_t pixels = static_cast<size_t>(s.rows) * s.cols;
    const uint8_t* begin = s.images.data() + static_cast<size_t>(index) * pixels;
    *label = s.labels[static_cast<size_t>(index)];
    return grhost::to_dlpack(std::vector<uint8_t>(begin, begin + pixels), {s.rows, s.cols, 1});
  }

 private:
  struct Split {
    std::vector<uint8_t> images, labels;
    int64_t rows = 0, cols = 0;
  };

  // Each split is read once, on first use, by whichever thread gets there first.
  const Split& load(int64_t split) const {
    if (split < 0 || split > 1) throw grhost::Error("split index " + std::to_string(split) + " does not exist");
    std::call_once(once_[split], [&] {
      const std::string& img_path = files_[split][0];
      const std::string& lbl_path = files_[split][1];
      grhost::idx::IdxArray images, labels;
      try {
        images = grhost::idx::read_idx(img_path, 3);
        labels = grhost::idx::read_idx(lbl_path, 1);
      } catch (const std::runtime_error& e) {
        throw grhost::Error(e.what(), GRHOST_IO_ERROR);
      }
      if (images.shape[0] != labels.shape[0])
        throw grhost::Error(img_path + " holds " + std::to_string(images.shape[0]) + " images but " + lbl_path + " holds " +
                            std::to_string(labels.shape[0]) + " labels");
      for (size_t i = 0; i < labels.data.size(); ++i)
        if (labels.data[i] >= classes_.size())
          throw grhost::Error(lbl_path + ": label " + std::to_string(labels.data[i]) + " at index " + std::to_string(i) +
                              " is not below the " + std::to_string(classes_.size()) + " class names");
      Split& s = splits_[split];
      s.rows = images.shape[1];
      s.cols = images.shape[2];
      s.images = std::move(images.data);
      s.labels = std::move(labels.data);
    });
    return splits_[split];
  }

  std::string root_;
  std::vector<std::string> classes_;
  std::string files_[2][2];
  mutable std::once_flag once_[2];
  mutable Split splits_[2];
};

}  // namespace

GRHOST_PLUGIN("grhost-dataset-idx", IdxDataset)
