// The "idx" dataset plugin on IDX files the test writes (plain and gzipped,
// well-formed and broken) and on Debian's Fashion-MNIST.
#include "datasets/dataset_calls.hpp"
#include "manifest/diagnostics.hpp"
#include "support/plugin_instance.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <numeric>

namespace grhost::test {
namespace {

// An IDX file: magic 00 00 08 <ndim>, big-endian sizes, bytes.
std::string idx_bytes(const std::vector<uint32_t>& shape, const std::vector<uint8_t>& data) {
  std::string out = {0, 0, 8, static_cast<char>(shape.size())};
  for (uint32_t s : shape)
    for (int b = 3; b >= 0; --b) out.push_back(static_cast<char>((s >> (8 * b)) & 0xff));
  out.append(data.begin(), data.end());
  return out;
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  gzclose(f);
}

// A split of n images of 4x3 pixels: image i has every pixel = i * 10 + row, label i % 3.
void write_split(const std::string& dir, const std::string& prefix, uint32_t n, bool gz) {
  std::vector<uint8_t> pixels, labels;
  for (uint32_t i = 0; i < n; ++i) {
    for (uint32_t r = 0; r < 4; ++r)
      for (uint32_t c = 0; c < 3; ++c) pixels.push_back(static_cast<uint8_t>(i * 10 + r));
    labels.push_back(static_cast<uint8_t>(i % 3));
  }
  const std::string img = dir + "/" + prefix + "-images-idx3-ubyte", lbl = dir + "/" + prefix + "-labels-idx1-ubyte";
  if (gz) {
    write_gz(img + ".gz", idx_bytes({n, 4, 3}, pixels));
    write_gz(lbl + ".gz", idx_bytes({n}, labels));
  } else {
    write_text(img, idx_bytes({n, 4, 3}, pixels));
    write_text(lbl, idx_bytes({n}, labels));
  }
}

TEST(IdxDataset, ReadsGzippedAndPlainFiles) {
  for (bool gz : {true, false}) {
    TempDir dir;
    write_split(dir.path(), "train", 7, gz);
    write_split(dir.path(), "t10k", 4, gz);
    auto d = make_component(GRHOST_KIND_DATASET, "idx", "{root: " + dir.path() + ", classes: [a, b, c]}");
    DatasetDescription info = describe_dataset(*d);
    EXPECT_EQ(info.classes, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(info.splits, (std::vector<std::string>{"train", "test"}));
    EXPECT_EQ(dataset_split_size(*d, 0), 7);
    EXPECT_EQ(dataset_split_size(*d, 1), 4);
    EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{0, 1, 2, 0, 1, 2, 0}));
    int64_t label = -1;
    std::vector<int64_t> shape;
    std::vector<uint8_t> px = image_pixels(*d, 0, 5, &label, &shape);
    EXPECT_EQ(label, 2);
    EXPECT_EQ(shape, (std::vector<int64_t>{4, 3, 1}));  // HWC
    EXPECT_EQ(px, (std::vector<uint8_t>{50, 50, 50, 51, 51, 51, 52, 52, 52, 53, 53, 53}));
    EXPECT_NE(plugin_error_of([&] { image_pixels(*d, 1, 4, &label, &shape); }).find("image index 4 is out of range"), std::string::npos);
  }
}

TEST(IdxDataset, DefaultNamesAreDigitsOrFashionMnist) {
  TempDir dir;
  write_split(dir.path(), "train", 3, false);
  write_split(dir.path(), "t10k", 3, false);
  EXPECT_EQ(describe_dataset(*make_component(GRHOST_KIND_DATASET, "idx", "{root: " + dir.path() + "}")).classes[9], "9");
  EXPECT_EQ(describe_dataset(*make_component(GRHOST_KIND_DATASET, "idx", "{root: " + dir.path() + ", names: fashion-mnist}")).classes[9],
            "Ankle boot");
}

TEST(IdxDataset, MissingFilesAreNamed) {
  TempDir dir;
  write_split(dir.path(), "train", 3, false);
  std::string err = plugin_error_of([&] { make_component(GRHOST_KIND_DATASET, "idx", "{root: " + dir.path() + "}"); });
  EXPECT_NE(err.find(dir.path() + ": none of t10k-images-idx3-ubyte.gz, t10k-images-idx3-ubyte, t10k-images.idx3-ubyte exists"),
            std::string::npos)
      << err;
}

class BrokenIdx : public ::testing::Test {
 protected:
  void SetUp() override {
    write_split(dir.path(), "train", 5, false);
    write_split(dir.path(), "t10k", 5, false);
  }
  std::string first_split_error() {
    auto d = make_component(GRHOST_KIND_DATASET, "idx", "{root: " + dir.path() + "}");
    return plugin_error_of([&] { dataset_split_size(*d, 0); });
  }
  std::string images() const { return dir / "train-images-idx3-ubyte"; }
  TempDir dir;
};

TEST_F(BrokenIdx, Truncated) {
  std::string bytes = read_text(images());
  write_text(images(), bytes.substr(0, bytes.size() - 7));
  EXPECT_NE(first_split_error().find(images() + ": truncated: the header promises 60 bytes of data, found 53"), std::string::npos)
      << first_split_error();
}

TEST_F(BrokenIdx, WrongMagic) {
  write_text(images(), "\x89PNG\r\n\x1a\n garbage");
  EXPECT_NE(first_split_error().find(images() + ": not an IDX file: wrong magic"), std::string::npos) << first_split_error();
}

TEST_F(BrokenIdx, LabelsWhereImagesBelong) {
  write_text(images(), read_text(dir / "train-labels-idx1-ubyte"));
  EXPECT_NE(first_split_error().find(images() + ": IDX file has 1 dimensions, expected 3 (images)"), std::string::npos)
      << first_split_error();
}

TEST_F(BrokenIdx, TrailingBytes) {
  write_text(images(), read_text(images()) + "xyz");
  EXPECT_NE(first_split_error().find(images() + ": inconsistent: more data than the header's sizes account for"),
            std::string::npos)
      << first_split_error();
}

TEST_F(BrokenIdx, ImageAndLabelCountsDiffer) {
  write_split(dir.path(), "train", 5, false);
  write_text(dir / "train-labels-idx1-ubyte", idx_bytes({4}, {0, 1, 2, 0}));
  EXPECT_NE(first_split_error().find(images() + " holds 5 images but " + dir / "train-labels-idx1-ubyte" + " holds 4 labels"),
            std::string::npos)
      << first_split_error();
}

TEST_F(BrokenIdx, LabelBeyondTheClassNames) {
  write_text(dir / "train-labels-idx1-ubyte", idx_bytes({5}, {0, 1, 12, 0, 1}));
  EXPECT_NE(first_split_error().find("label 12 at index 2 is not below the 10 class names"), std::string::npos)
      << first_split_error();
}

// Debian's dataset-fashion-mnist, read whole.
TEST(IdxDataset, FashionMnistFromDebian) {
  auto d = make_component(GRHOST_KIND_DATASET, "idx", "{root: /usr/share/datasets/fashion-mnist, names: fashion-mnist}");
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.classes, (std::vector<std::string>{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                                    "Sneaker", "Bag", "Ankle boot"}));
  EXPECT_EQ(dataset_split_size(*d, 0), 60000);
  EXPECT_EQ(dataset_split_size(*d, 1), 10000);
  std::vector<int64_t> train = dataset_labels(*d, 0);
  std::vector<int64_t> counts(10);
  for (int64_t y : train) ++counts[static_cast<size_t>(y)];
  EXPECT_EQ(counts, std::vector<int64_t>(10, 6000));  // balanced, as published
  EXPECT_EQ(std::vector<int64_t>(train.begin(), train.begin() + 5), (std::vector<int64_t>{9, 0, 0, 3, 0}));
  int64_t label = -1;
  std::vector<int64_t> shape;
  std::vector<uint8_t> px = image_pixels(*d, 0, 0, &label, &shape);
  EXPECT_EQ(shape, (std::vector<int64_t>{28, 28, 1}));
  EXPECT_EQ(label, 9);
  EXPECT_EQ(std::accumulate(px.begin(), px.end(), int64_t{0}), 76247);  // numpy: x[0].sum()
  EXPECT_EQ(px[14 * 28 + 14], 217);
  EXPECT_EQ(dataset_labels(*d, 1)[0], 9);
}

}  // namespace
}  // namespace grhost::test
