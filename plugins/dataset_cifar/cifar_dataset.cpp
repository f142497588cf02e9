// Dataset "cifar": CIFAR-10 and CIFAR-100 in their binary version, the files
// either directly in root or in the folder their archive unpacks to.
#include "dataset_checks.hpp"
#include "cifar_file.hpp"
#include "file_fingerprint.hpp"

#include <grhost/plugin.hpp>

#include <mutex>

#include <sys/stat.h>

namespace {

using grhost::cifar::kImageBytes;
using grhost::cifar::kImageSide;
using grhost::datasets::join_path;

// What one variant (and choice of labels) reads: file names, where the
// archive puts them, and which label byte of each record is the label.
struct Layout {
  std::string title;   // "CIFAR-10", for messages
  std::string folder;  // the archive's folder, an alternative to root itself
  std::vector<std::string> train, test;
  std::string names_file;
  size_t num_classes = 0, label_bytes = 0, label_index = 0;
  std::string contents;  // what the folder should hold, for messages
};

Layout layout_of(const std::string& variant, const std::string& labels) {
  Layout l;
  if (variant == "cifar10") {
    if (labels != "fine")
      throw grhost::Error("labels: '" + labels + "' applies to cifar100 only (CIFAR-10 has one set of labels; leave it 'fine')");
    l.title = "CIFAR-10";
    l.folder = "cifar-10-batches-bin";
    l.train = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"};
    l.test = {"test_batch.bin"};
    l.names_file = "batches.meta.txt";
    l.num_classes = 10;
    l.label_bytes = 1;
    l.label_index = 0;
    l.contents = "data_batch_1.bin..data_batch_5.bin, test_batch.bin and batches.meta.txt";
    return l;
  }
  const bool coarse = labels == "coarse";
  l.title = "CIFAR-100";
  l.folder = "cifar-100-binary";
  l.train = {"train.bin"};
  l.test = {"test.bin"};
  l.names_file = coarse ? "coarse_label_names.txt" : "fine_label_names.txt";
  l.num_classes = coarse ? 20 : 100;
  l.label_bytes = 2;  // each record carries both labels: coarse first, then fine
  l.label_index = coarse ? 0 : 1;
  l.contents = "train.bin, test.bin, fine_label_names.txt and coarse_label_names.txt";
  return l;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

class CifarDataset : public grhost::Dataset {
 public:
  static constexpr const char* id = "cifar";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "CIFAR-10 and CIFAR-100, binary version";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("root", nullptr,
                            "folder holding the binary version's files, directly or in cifar-10-batches-bin or "
                            "cifar-100-binary"),
        grhost::option_string("variant", "cifar10", "which dataset: cifar10 or cifar100").one_of("cifar10|cifar100"),
        grhost::option_string("labels", "fine", "which CIFAR-100 labels: the 100 fine or the 20 coarse classes")
            .one_of("fine|coarse"),
    };
  }

  explicit CifarDataset(const grhost::Options& o) : layout_(layout_of(o.get_string("variant"), o.get_string("labels"))) {
    const std::string dir = data_folder(o.get_string("root"));
    for (const std::string& name : layout_.train) files_[0].push_back(require(dir, name));
    for (const std::string& name : layout_.test) files_[1].push_back(require(dir, name));
    names_file_ = require(dir, layout_.names_file);
    try {
      classes_ = grhost::cifar::read_class_names(names_file_, layout_.num_classes);
    } catch (const std::runtime_error& e) {
      throw grhost::Error(e.what(), GRHOST_IO_ERROR);
    }
  }

  std::vector<std::string> class_names() const override { return classes_; }
  std::vector<std::string> split_names() const override { return {"train", "test"}; }
  std::string fingerprint() const override {
    std::vector<std::string> all = files_[0];
    all.insert(all.end(), files_[1].begin(), files_[1].end());
    all.push_back(names_file_);
    return grhost::datasets::file_fingerprint(all);
  }
  int64_t split_size(int64_t split) const override { return static_cast<int64_t>(load(split).labels.size()); }
  DLManagedTensor* labels(int64_t split) const override {
    const grhost::cifar::Batches& s = load(split);
    return grhost::datasets::labels_tensor(s.labels);
  }
  DLManagedTensor* read_image(int64_t split, int64_t index, int64_t* label) const override {
    const grhost::cifar::Batches& s = load(split);
    grhost::datasets::check_image_index(index, s.labels.size());
    // Stored as three planes (R, G, B); the host wants HWC.
    const size_t plane = kImageSide * kImageSide;
    const uint8_t* planar = s.pixels.data() + static_cast<size_t>(index) * kImageBytes;
    std::vector<uint8_t> hwc(kImageBytes);
    for (size_t p = 0; p < plane; ++p)
      for (size_t c = 0; c < 3; ++c) hwc[p * 3 + c] = planar[c * plane + p];
    *label = s.labels[static_cast<size_t>(index)];
    const auto side = static_cast<int64_t>(kImageSide);
    return grhost::to_dlpack(std::move(hwc), {side, side, 3});
  }

 private:
  // Root itself, or the folder the archive unpacks to inside it.
  std::string data_folder(const std::string& root) const {
    const std::string& first = layout_.train.front();
    if (exists(join_path(root, first))) return root;
    const std::string nested = join_path(root, layout_.folder);
    if (exists(join_path(nested, first))) return nested;
    throw grhost::Error(root + ": neither " + first + " nor " + layout_.folder + "/" + first + " exists (expected " +
                            layout_.title + "'s binary version)",
                        GRHOST_NOT_FOUND);
  }

  std::string require(const std::string& dir, const std::string& name) const {
    std::string path = join_path(dir, name);
    if (!exists(path))
      throw grhost::Error(path + ": missing (" + layout_.title + "'s binary version has " + layout_.contents + ")",
                          GRHOST_NOT_FOUND);
    return path;
  }

  // Each split is read once, on first use, by whichever thread gets there first.
  const grhost::cifar::Batches& load(int64_t split) const {
    if (split < 0 || split > 1) throw grhost::Error("split index " + std::to_string(split) + " does not exist");
    std::call_once(once_[split], [&] {
      grhost::cifar::Batches b;
      try {
        for (const std::string& f : files_[split])
          grhost::cifar::read_batch(f, layout_.label_bytes, layout_.label_index, classes_.size(), b);
      } catch (const std::runtime_error& e) {
        throw grhost::Error(e.what(), GRHOST_IO_ERROR);
      }
      splits_[split] = std::move(b);
    });
    return splits_[split];
  }

  Layout layout_;
  std::vector<std::string> files_[2];
  std::string names_file_;
  std::vector<std::string> classes_;
  mutable std::once_flag once_[2];
  mutable grhost::cifar::Batches splits_[2];
};

}  // namespace

GRHOST_PLUGIN("grhost-dataset-cifar", CifarDataset)
