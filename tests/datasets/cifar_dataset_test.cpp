// The "cifar" dataset plugin on CIFAR-10 and CIFAR-100 binary files the test
// writes (in root and in the archive's folder, well-formed and broken).
#include "datasets/dataset_calls.hpp"
#include "support/plugin_instance.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <numeric>

namespace grhost::test {
namespace {

// Pixel (row r, column c, channel k) of the n-th image the test writes; it
// differs between channels and between a pixel and its transpose.
uint8_t pixel(int n, int r, int c, int k) { return static_cast<uint8_t>(n * 31 + k * 85 + r * 7 + c * 3); }

// One record: label bytes, then the red, green and blue planes, each row-major.
std::string record(const std::string& label_bytes, int n) {
  std::string out = label_bytes;
  for (int k = 0; k < 3; ++k)
    for (int r = 0; r < 32; ++r)
      for (int c = 0; c < 32; ++c) out.push_back(static_cast<char>(pixel(n, r, c, k)));
  return out;
}

// The image as read_image must return it: HWC.
std::vector<uint8_t> expected_hwc(int n) {
  std::vector<uint8_t> out;
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c)
      for (int k = 0; k < 3; ++k) out.push_back(pixel(n, r, c, k));
  return out;
}

std::string names_text(const std::string& prefix, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += prefix + std::to_string(i) + "\n";
  return out + "\n\n";  // the real files end with empty lines
}

// CIFAR-10 in `dir`: batch b (1..5) holds b images, numbered on across the
// batches (0, then 1..2, 3..5, 6..9, 10..14); image n has label n % 10. The
// test batch holds 4 images numbered from 100, labelled 0..3.
void write_cifar10(const std::string& dir) {
  std::filesystem::create_directories(dir);
  int n = 0;
  for (int b = 1; b <= 5; ++b) {
    std::string bytes;
    for (int i = 0; i < b; ++i, ++n) bytes += record(std::string(1, static_cast<char>(n % 10)), n);
    write_text(dir + "/data_batch_" + std::to_string(b) + ".bin", bytes);
  }
  std::string test;
  for (int i = 0; i < 4; ++i) test += record(std::string(1, static_cast<char>(i)), 100 + i);
  write_text(dir + "/test_batch.bin", test);
  write_text(dir + "/batches.meta.txt", names_text("class", 10));
}

// CIFAR-100 in `dir`: image n has coarse label n % 20 and fine label 99 - n.
void write_cifar100(const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (const char* split : {"train", "test"}) {
    std::string bytes;
    for (int n = 0; n < 6; ++n)
      bytes += record({static_cast<char>(n % 20), static_cast<char>(99 - n)}, n);
    write_text(dir + "/" + split + ".bin", bytes);
  }
  write_text(dir + "/fine_label_names.txt", names_text("fine", 100));
  write_text(dir + "/coarse_label_names.txt", names_text("coarse", 20));
}

std::unique_ptr<ComponentUnderTest> cifar(const std::string& options) {
  return make_component(GRHOST_KIND_DATASET, "cifar", options);
}

TEST(CifarDataset, ReadsCifar10InRootOrInItsArchiveFolder) {
  for (bool nested : {false, true}) {
    TempDir dir;
    write_cifar10(nested ? dir / "cifar-10-batches-bin" : dir.path());
    auto d = cifar("{root: " + dir.path() + "}");
    DatasetDescription info = describe_dataset(*d);
    EXPECT_EQ(info.classes.size(), 10u);
    EXPECT_EQ(info.classes[0], "class0");
    EXPECT_EQ(info.classes[9], "class9");
    EXPECT_EQ(info.splits, (std::vector<std::string>{"train", "test"}));
    EXPECT_EQ(dataset_split_size(*d, 0), 15);
    EXPECT_EQ(dataset_split_size(*d, 1), 4);
    // The batches in order 1..5: labels run on across them.
    EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4}));
    EXPECT_EQ(dataset_labels(*d, 1), (std::vector<int64_t>{0, 1, 2, 3}));
    int64_t label = -1;
    std::vector<int64_t> shape;
    std::vector<uint8_t> px = image_pixels(*d, 0, 11, &label, &shape);  // the second image of data_batch_5.bin
    EXPECT_EQ(label, 1);
    EXPECT_EQ(shape, (std::vector<int64_t>{32, 32, 3}));
    EXPECT_EQ(px, expected_hwc(11));
    // Pixel (row 1, column 2): 11 * 31 + 1 * 7 + 2 * 3 = 354, plus 85 per channel, mod 256.
    EXPECT_EQ(std::vector<uint8_t>(px.begin() + (1 * 32 + 2) * 3, px.begin() + (1 * 32 + 2) * 3 + 3),
              (std::vector<uint8_t>{98, 183, 12}));
    EXPECT_EQ(image_pixels(*d, 1, 3, &label, &shape), expected_hwc(103));
    EXPECT_EQ(label, 3);
    EXPECT_NE(plugin_error_of([&] { image_pixels(*d, 1, 4, &label, &shape); }).find("image index 4 is out of range"), std::string::npos);
  }
}

// Rewrites `path` with its own bytes, a new modification time.
void touch(const std::string& path) {
  const std::string bytes = read_text(path);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  write_text(path, bytes);
}

TEST(CifarDataset, FingerprintCoversEveryFileRead) {
  TempDir dir;
  write_cifar10(dir.path());
  auto fingerprint = [&] { return describe_dataset(*cifar("{root: " + dir.path() + "}")).fingerprint; };
  std::string fp = fingerprint();
  EXPECT_EQ(fp.rfind("7 files, ", 0), 0u) << fp;
  for (const char* f : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin",
                        "test_batch.bin", "batches.meta.txt"}) {
    touch(dir / f);
    const std::string now = fingerprint();
    EXPECT_NE(now, fp) << f;
    fp = now;
  }
}

TEST(CifarDataset, ReadsCifar100FineAndCoarseLabels) {
  TempDir dir;
  write_cifar100(dir / "cifar-100-binary");
  auto fine = cifar("{root: " + dir.path() + ", variant: cifar100}");
  DatasetDescription info = describe_dataset(*fine);
  EXPECT_EQ(info.classes.size(), 100u);
  EXPECT_EQ(info.classes[99], "fine99");
  EXPECT_EQ(dataset_labels(*fine, 0), (std::vector<int64_t>{99, 98, 97, 96, 95, 94}));
  EXPECT_EQ(info.fingerprint.rfind("3 files, ", 0), 0u);  // train.bin, test.bin, fine_label_names.txt
  touch(dir / "cifar-100-binary/coarse_label_names.txt");  // not read with fine labels
  EXPECT_EQ(describe_dataset(*cifar("{root: " + dir.path() + ", variant: cifar100}")).fingerprint, info.fingerprint);

  auto coarse = cifar("{root: " + dir.path() + ", variant: cifar100, labels: coarse}");
  info = describe_dataset(*coarse);
  EXPECT_EQ(info.classes.size(), 20u);
  EXPECT_EQ(info.classes[19], "coarse19");
  EXPECT_EQ(dataset_labels(*coarse, 1), (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  int64_t label = -1;
  std::vector<int64_t> shape;
  EXPECT_EQ(image_pixels(*coarse, 1, 4, &label, &shape), expected_hwc(4));  // the two label bytes are skipped
  EXPECT_EQ(label, 4);
}

TEST(CifarDataset, CoarseLabelsAreForCifar100Only) {
  TempDir dir;
  write_cifar10(dir.path());
  EXPECT_NE(plugin_error_of([&] { cifar("{root: " + dir.path() + ", labels: coarse}"); })
                .find("labels: 'coarse' applies to cifar100 only (CIFAR-10 has one set of labels; leave it 'fine')"),
            std::string::npos);
}

TEST(CifarDataset, MissingFilesAreNamed) {
  TempDir dir;
  std::string err = plugin_error_of([&] { cifar("{root: " + dir.path() + "}"); });
  EXPECT_NE(err.find(dir.path() + ": neither data_batch_1.bin nor cifar-10-batches-bin/data_batch_1.bin exists "
                                  "(expected CIFAR-10's binary version)"),
            std::string::npos)
      << err;

  write_cifar10(dir.path());
  std::filesystem::remove(dir / "test_batch.bin");
  err = plugin_error_of([&] { cifar("{root: " + dir.path() + "}"); });
  EXPECT_NE(err.find(dir / "test_batch.bin" +
                     ": missing (CIFAR-10's binary version has data_batch_1.bin..data_batch_5.bin, test_batch.bin and "
                     "batches.meta.txt)"),
            std::string::npos)
      << err;

  write_cifar100(dir.path());
  std::filesystem::remove(dir / "coarse_label_names.txt");
  err = plugin_error_of([&] { cifar("{root: " + dir.path() + ", variant: cifar100, labels: coarse}"); });
  EXPECT_NE(err.find(dir / "coarse_label_names.txt" +
                     ": missing (CIFAR-100's binary version has train.bin, test.bin, fine_label_names.txt and "
                     "coarse_label_names.txt)"),
            std::string::npos)
      << err;
}

TEST(CifarDataset, NamesFileWithTheWrongCount) {
  TempDir dir;
  write_cifar10(dir.path());
  write_text(dir / "batches.meta.txt", names_text("class", 9));
  std::string err = plugin_error_of([&] { cifar("{root: " + dir.path() + "}"); });
  EXPECT_NE(err.find(dir / "batches.meta.txt" + ": 9 class names, expected 10 (one a line)"), std::string::npos) << err;

  write_cifar100(dir.path());
  write_text(dir / "fine_label_names.txt", names_text("fine", 20));
  err = plugin_error_of([&] { cifar("{root: " + dir.path() + ", variant: cifar100}"); });
  EXPECT_NE(err.find(dir / "fine_label_names.txt" + ": 20 class names, expected 100 (one a line)"), std::string::npos) << err;

  write_text(dir / "coarse_label_names.txt", names_text("coarse", 100));
  err = plugin_error_of([&] { cifar("{root: " + dir.path() + ", variant: cifar100, labels: coarse}"); });
  EXPECT_NE(err.find(dir / "coarse_label_names.txt" + ": 100 class names, expected 20 (one a line)"), std::string::npos)
      << err;
}

class CifarBrokenFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    write_cifar10(dir / "cifar10");
    write_cifar100(dir / "cifar100");
  }
  // The error of reading the train split.
  std::string train_error(const std::string& options) {
    auto d = cifar(options);
    return plugin_error_of([&] { dataset_split_size(*d, 0); });
  }
  TempDir dir;
};

TEST_F(CifarBrokenFiles, Truncated) {
  const std::string batch = dir / "cifar10/data_batch_3.bin";
  write_text(batch, read_text(batch).substr(0, 3 * 3073 - 5));
  std::string err = train_error("{root: " + dir / "cifar10" + "}");
  EXPECT_NE(err.find(batch + ": truncated: 9214 bytes is not a multiple of the 3073-byte record"), std::string::npos) << err;

  const std::string train = dir / "cifar100/train.bin";
  write_text(train, read_text(train) + "x");
  err = train_error("{root: " + dir / "cifar100" + ", variant: cifar100}");
  EXPECT_NE(err.find(train + ": truncated: 18445 bytes is not a multiple of the 3074-byte record"), std::string::npos) << err;
}

TEST_F(CifarBrokenFiles, LabelBeyondTheClassNames) {
  const std::string batch = dir / "cifar10/data_batch_2.bin";
  write_text(batch, record({0}, 0) + record({10}, 1));
  std::string err = train_error("{root: " + dir / "cifar10" + "}");
  EXPECT_NE(err.find(batch + ": label 10 at record 1 is not below the 10 class names"), std::string::npos) << err;

  // A fine label that is fine, and a coarse one beyond the 20 coarse names.
  const std::string train = dir / "cifar100/train.bin";
  write_text(train, record({20, 5}, 0));
  EXPECT_EQ(train_error("{root: " + dir / "cifar100" + ", variant: cifar100}"), "");
  err = train_error("{root: " + dir / "cifar100" + ", variant: cifar100, labels: coarse}");
  EXPECT_NE(err.find(train + ": label 20 at record 0 is not below the 20 class names"), std::string::npos) << err;
}

}  // namespace
}  // namespace grhost::test
