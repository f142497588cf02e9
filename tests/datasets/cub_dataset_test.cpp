// The "cub" dataset plugin on a small CUB-200-2011 folder the test writes
// (real JPEG and PNG images, the four metadata files), well-formed and broken.
#include "datasets/dataset_calls.hpp"
#include "datasets/image_writers.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace grhost::test {
namespace {

// A 2x3 RGB PNG of one colour; its red value tells the image apart.
std::string flat_png(uint8_t red) { return png_bytes(3, 2, PngLayout{}, repeated({red, 5, 6}, 6)); }

// Three classes and five images with ids 1, 2, 3, 4 and 10 (images.txt lists
// 10 before 3); images 1, 3 and 10 are for training. Image n's red value is n * 10.
class CubFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    write_text(path("classes.txt"), "1 001.Black_footed_Albatross\n2 002.Laysan_Albatross\n3 003.Sooty_Albatross\n");
    write_text(path("images.txt"),
               "1 001.Black_footed_Albatross/Black_Footed_Albatross_0001_796111.jpg\n"
               "2 002.Laysan_Albatross/Laysan_Albatross_0002_1027.jpg\n"
               "10 002.Laysan_Albatross/Laysan_Albatross_0010_545.png\n"
               "3 001.Black_footed_Albatross/Black_Footed_Albatross_0003_796136.jpg\n"
               "4 003.Sooty_Albatross/Sooty_Albatross_0004_1071.jpg\n");
    write_text(path("train_test_split.txt"), "1 1\n2 0\n3 1\n4 0\n10 1\n");
    write_text(path("image_class_labels.txt"), "1 1\n2 2\n3 1\n4 3\n10 2\n");
    const std::vector<std::pair<std::string, int>> images = {
        {"001.Black_footed_Albatross/Black_Footed_Albatross_0001_796111.jpg", 1},
        {"002.Laysan_Albatross/Laysan_Albatross_0002_1027.jpg", 2},
        {"001.Black_footed_Albatross/Black_Footed_Albatross_0003_796136.jpg", 3},
        {"003.Sooty_Albatross/Sooty_Albatross_0004_1071.jpg", 4},
        {"002.Laysan_Albatross/Laysan_Albatross_0010_545.png", 10}};
    // The .jpg files are PNGs too: exact pixels, and the content decides the format.
    for (const auto& [file, n] : images) write_text(path("images/" + file), flat_png(static_cast<uint8_t>(n * 10)));
  }
  std::string root() const { return dir / "CUB_200_2011"; }
  std::string path(const std::string& name) const { return root() + "/" + name; }
  std::unique_ptr<ComponentUnderTest> dataset() const {
    return make_component(GRHOST_KIND_DATASET, "cub", "{root: " + root() + "}");
  }
  std::string describe_error() const {
    auto d = dataset();
    return plugin_error_of([&] { describe_dataset(*d); });
  }
  TempDir dir;
};

TEST_F(CubFolder, ClassesSplitsAndLabelsInIdOrder) {
  auto d = dataset();
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.classes, (std::vector<std::string>{"Black footed Albatross", "Laysan Albatross", "Sooty Albatross"}));
  EXPECT_EQ(info.splits, (std::vector<std::string>{"train", "test"}));
  EXPECT_EQ(dataset_split_size(*d, 0), 3);
  EXPECT_EQ(dataset_split_size(*d, 1), 2);
  EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{0, 0, 1}));  // ids 1, 3, 10
  EXPECT_EQ(dataset_labels(*d, 1), (std::vector<int64_t>{1, 2}));     // ids 2, 4
  const std::vector<std::pair<int64_t, uint8_t>> expected = {{0, 10}, {0, 30}, {0, 100}, {1, 20}, {1, 40}};
  std::vector<int64_t> seen(2);
  for (const auto& [split, red] : expected) {
    DatasetImage image = read_dataset_image(*d, split, seen[split]++);
    EXPECT_EQ(image.shape, (std::vector<int64_t>{2, 3, 3}));
    EXPECT_EQ(image.pixels[0], red);
  }
  EXPECT_EQ(read_dataset_image(*d, 1, 1).label, 2);
  EXPECT_EQ(plugin_error_of([&] { read_dataset_image(*d, 1, 2); }), "image index 2 is out of range");
}

TEST_F(CubFolder, DecodesJpegImages) {
  const std::vector<uint8_t> px = repeated({90, 160, 30}, 64);
  write_text(path("images/003.Sooty_Albatross/Sooty_Albatross_0004_1071.jpg"), jpeg_bytes(8, 8, TJPF_RGB, px));
  DatasetImage image = read_dataset_image(*dataset(), 1, 1);
  EXPECT_EQ(image.shape, (std::vector<int64_t>{8, 8, 3}));
  // Within 2 of the colour, as ImageFolderDataset.JpegWithinTolerance explains.
  for (size_t i = 0; i < px.size(); ++i) ASSERT_NEAR(image.pixels[i], px[i], 2) << "byte " << i;
}

TEST_F(CubFolder, MissingMetadataFile) {
  std::filesystem::remove(path("classes.txt"));
  EXPECT_EQ(plugin_error_of([&] { dataset(); }), path("classes.txt") + ": missing (expected root to be the CUB_200_2011 folder)");
}

TEST_F(CubFolder, MalformedLine) {
  write_text(path("images.txt"), "1 001.Black_footed_Albatross/a.jpg\n2\n");
  EXPECT_EQ(describe_error(), path("images.txt") + ":2: expected '<image id> <path under images/>'");
  write_text(path("images.txt"), "one 001.Black_footed_Albatross/a.jpg\n");
  EXPECT_EQ(describe_error(), path("images.txt") + ":1: expected '<image id> <path under images/>'");
}

TEST_F(CubFolder, SplitFlagOtherThanZeroOrOne) {
  write_text(path("train_test_split.txt"), "1 1\n2 0\n3 1\n4 2\n10 1\n");
  EXPECT_EQ(describe_error(), path("train_test_split.txt") + ":4: expected '<image id> <1 for train, 0 for test>'");
}

TEST_F(CubFolder, IdOnlyInImagesTxt) {
  write_text(path("image_class_labels.txt"), "1 1\n2 2\n3 1\n10 2\n");
  EXPECT_EQ(describe_error(), path("images.txt") + ":5: image id 4 has no line in " + path("image_class_labels.txt"));
}

TEST_F(CubFolder, IdMissingFromImagesTxt) {
  write_text(path("train_test_split.txt"), "1 1\n2 0\n3 1\n4 0\n10 1\n11 0\n");
  EXPECT_EQ(describe_error(), path("train_test_split.txt") + ":6: image id 11 is not in " + path("images.txt"));
}

TEST_F(CubFolder, IdListedTwice) {
  write_text(path("image_class_labels.txt"), "1 1\n2 2\n3 1\n4 3\n10 2\n\n2 3\n");
  EXPECT_EQ(describe_error(), path("image_class_labels.txt") + ":7: id 2 is listed again (first on line 2)");
}

TEST_F(CubFolder, ClassIdOutOfRange) {
  write_text(path("image_class_labels.txt"), "1 1\n2 2\n3 1\n4 4\n10 2\n");
  EXPECT_EQ(describe_error(),
            path("image_class_labels.txt") + ":4: class id 4 is out of range (" + path("classes.txt") + " lists 3 classes)");
}

TEST_F(CubFolder, ClassIdsMustCountUpFromOne) {
  write_text(path("classes.txt"), "1 001.Black_footed_Albatross\n3 003.Sooty_Albatross\n");
  EXPECT_EQ(describe_error(), path("classes.txt") + ":2: expected class id 2 (class ids count up from 1)");
}

TEST_F(CubFolder, MissingImage) {
  std::filesystem::remove(path("images/003.Sooty_Albatross/Sooty_Albatross_0004_1071.jpg"));
  EXPECT_EQ(describe_error(),
            path("images.txt") + ":5: image " + path("images/003.Sooty_Albatross/Sooty_Albatross_0004_1071.jpg") + " is missing");
}

}  // namespace
}  // namespace grhost::test
