// The "image-folder" dataset plugin on folders of real JPEG and PNG files
// the test encodes: torchvision's ordering, every PNG colour type, JPEG
// within a tolerance, ImageNet's flat validation layout, and broken input.
#include "datasets/dataset_calls.hpp"
#include "datasets/image_writers.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

namespace grhost::test {
namespace {

std::unique_ptr<ComponentUnderTest> image_folder(const std::string& options) {
  return make_component(GRHOST_KIND_DATASET, "image-folder", options);
}

// A 2x2 RGB PNG of one colour; its red value tells the image apart.
std::string flat_png(uint8_t red) { return png_bytes(2, 2, PngLayout{}, repeated({red, 1, 2}, 4)); }

// A w x h RGB JPEG of one colour.
std::string flat_jpeg(uint8_t r, uint8_t g, uint8_t b, int w = 8, int h = 8) {
  return jpeg_bytes(w, h, TJPF_RGB, repeated({r, g, b}, w * h));
}

uint8_t red_of(const ComponentUnderTest& d, int64_t split, int64_t index) {
  return read_dataset_image(d, split, index).pixels.at(0);
}

// Every pixel of `got` is within `tolerance` of `expected`.
void expect_near(const std::vector<uint8_t>& got, const std::vector<uint8_t>& expected, int tolerance) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_LE(std::abs(int{got[i]} - int{expected[i]}), tolerance)
        << "at byte " << i << ": " << int{got[i]} << " vs " << int{expected[i]};
}

TEST(ImageFolderDataset, ClassesAndFilesInTorchvisionOrder) {
  TempDir dir;
  // Classes sort by bytes ("Zebra" before "ant"); hidden folders and stray files are not classes.
  write_text(dir / "train/ant/b.png", flat_png(11));
  write_text(dir / "train/ant/a.JPG", flat_jpeg(10, 0, 0));
  write_text(dir / "train/ant/a2.jpeg", flat_png(12));  // a PNG named .jpeg: the content decides
  write_text(dir / "train/ant/B.Png", flat_png(13));    // "B" sorts before "a"
  write_text(dir / "train/ant/sub/0.png", flat_png(14));  // subfolders come after the folder's own files
  write_text(dir / "train/ant/notes.txt", "not an image");
  write_text(dir / "train/ant/._a.jpg", "macOS metadata");
  write_text(dir / "train/Zebra/z.png", flat_png(20));
  write_text(dir / "train/cat/c.png", flat_png(30));
  write_text(dir / "train/.cache/x.png", flat_png(99));
  write_text(dir / "train/README", "stray file");
  write_text(dir / "val/cat/v.png", flat_png(31));  // the test split may hold fewer classes
  write_text(dir / "val/Zebra/w.png", flat_png(21));

  auto d = image_folder("{root: " + dir.path() + "}");
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.classes, (std::vector<std::string>{"Zebra", "ant", "cat"}));
  EXPECT_EQ(info.splits, (std::vector<std::string>{"train", "test"}));
  ASSERT_EQ(dataset_split_size(*d, 0), 7);
  EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{0, 1, 1, 1, 1, 1, 2}));
  std::vector<int> reds;
  for (int64_t i = 0; i < 7; ++i) reds.push_back(red_of(*d, 0, i));
  EXPECT_NEAR(reds[2], 10, 2);  // the JPEG, within the tolerance JpegWithinTolerance explains
  reds[2] = 10;
  EXPECT_EQ(reds, (std::vector<int>{20, 13, 10, 12, 11, 14, 30}));
  ASSERT_EQ(dataset_split_size(*d, 1), 2);
  EXPECT_EQ(dataset_labels(*d, 1), (std::vector<int64_t>{0, 2}));
  DatasetImage v = read_dataset_image(*d, 1, 1);
  EXPECT_EQ(v.label, 2);
  EXPECT_EQ(v.pixels.at(0), 31);
  EXPECT_EQ(plugin_error_of([&] { read_dataset_image(*d, 1, 2); }), "image index 2 is out of range");
}

// The host reads images from several threads at once, the first calls
// included (they race to list the folders).
TEST(ImageFolderDataset, ReadsFromSeveralThreadsAtOnce) {
  TempDir dir;
  for (int n = 0; n < 12; ++n)
    write_text(dir / ("train/c" + std::to_string(n % 3) + "/" + std::to_string(n) + (n % 2 ? ".jpg" : ".png")),
               n % 2 ? flat_jpeg(static_cast<uint8_t>(n * 20), 0, 0) : flat_png(static_cast<uint8_t>(n * 20)));
  auto d = image_folder("{root: " + dir.path() + ", test: ''}");
  std::vector<std::vector<DatasetImage>> seen(4);
  std::vector<std::thread> threads;
  for (auto& mine : seen)
    threads.emplace_back([&d, &mine] {
      for (int round = 0; round < 5; ++round)
        for (int64_t i = 0; i < 12; ++i) mine.push_back(read_dataset_image(*d, 0, i));
    });
  for (std::thread& t : threads) t.join();
  for (int64_t i = 0; i < 12; ++i) {
    const DatasetImage once = read_dataset_image(*d, 0, i);
    for (const auto& mine : seen)
      for (int round = 0; round < 5; ++round) {
        EXPECT_EQ(mine[static_cast<size_t>(round * 12 + i)].pixels, once.pixels) << "image " << i;
        EXPECT_EQ(mine[static_cast<size_t>(round * 12 + i)].label, once.label) << "image " << i;
      }
  }
}

TEST(ImageFolderDataset, EmptySplitOptionLeavesTheSplitOut) {
  TempDir dir;
  write_text(dir / "images/b/x.png", flat_png(1));
  write_text(dir / "images/a/y.png", flat_png(2));
  auto d = image_folder("{root: " + dir.path() + ", train: '', test: images}");
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.classes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(info.splits, (std::vector<std::string>{"test"}));
  EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(plugin_error_of([&] { dataset_split_size(*d, 1); }), "split index 1 does not exist");
}

// Every PNG colour type decodes exactly to 8-bit grey or RGB.
TEST(ImageFolderDataset, PngColourTypes) {
  TempDir dir;
  const std::vector<uint8_t> rgb = {10, 20, 30, 40, 50, 60, 70, 80, 90,  // 3 x 2
                                    100, 110, 120, 130, 140, 150, 160, 170, 180};
  PngLayout layout;
  write_text(dir / "train/c/1_rgb.png", png_bytes(3, 2, layout, rgb));
  layout.interlaced = true;
  write_text(dir / "train/c/2_rgb_interlaced.png", png_bytes(3, 2, layout, rgb));
  layout = PngLayout{PNG_COLOR_TYPE_RGB_ALPHA};  // alpha is dropped, not composited: alpha 0 keeps its colour
  write_text(dir / "train/c/3_rgba.png", png_bytes(3, 2, layout, {10, 20, 30, 0, 40, 50, 60, 255, 70, 80, 90, 128,  //
                                                                  100, 110, 120, 1, 130, 140, 150, 2, 160, 170, 180, 3}));
  layout = PngLayout{PNG_COLOR_TYPE_RGB, 16};  // 16-bit samples keep their high byte
  write_text(dir / "train/c/4_rgb16.png",
             png_bytes(3, 2, layout, {10, 255, 20, 0,  30, 128, 40, 1,  50, 2,  60, 3,  70, 4,  80, 5,  90, 6,  //
                                      100, 7, 110, 8, 120, 9, 130, 10, 140, 11, 150, 12, 160, 13, 170, 14, 180, 15}));
  layout = PngLayout{PNG_COLOR_TYPE_PALETTE, 8, {{10, 20, 30}, {40, 50, 60}, {200, 210, 220}}, {0, 255}};  // tRNS ignored
  write_text(dir / "train/c/5_palette.png", png_bytes(3, 2, layout, {0, 1, 2, 2, 1, 0}));
  layout = PngLayout{PNG_COLOR_TYPE_PALETTE, 2, {{10, 20, 30}, {40, 50, 60}, {200, 210, 220}}, {}};  // 4 indices a byte
  write_text(dir / "train/c/6_palette_2bit.png", png_bytes(3, 2, layout, {0b00011000, 0b10010000}));
  layout = PngLayout{PNG_COLOR_TYPE_GRAY};
  write_text(dir / "train/c/7_grey.png", png_bytes(3, 2, layout, {0, 1, 2, 253, 254, 255}));
  layout = PngLayout{PNG_COLOR_TYPE_GRAY_ALPHA, 16};
  write_text(dir / "train/c/8_grey_alpha16.png", png_bytes(3, 2, layout, {7, 9, 0, 0, 8, 9, 0, 0, 9, 9, 0, 0,  //
                                                                          10, 9, 0, 0, 11, 9, 0, 0, 12, 9, 255, 255}));
  layout = PngLayout{PNG_COLOR_TYPE_GRAY, 1};  // 1-bit grey scales to 0 and 255
  write_text(dir / "train/c/9_grey_1bit.png", png_bytes(3, 2, layout, {0b10100000, 0b01000000}));

  auto d = image_folder("{root: " + dir.path() + ", test: ''}");
  ASSERT_EQ(dataset_split_size(*d, 0), 9);
  const std::vector<int64_t> colour = {2, 3, 3}, grey = {2, 3, 1};
  const std::vector<uint8_t> palette_rgb = {10, 20, 30, 40, 50, 60, 200, 210, 220, 200, 210, 220, 40, 50, 60, 10, 20, 30};
  const std::vector<std::pair<std::vector<int64_t>, std::vector<uint8_t>>> expected = {
      {colour, rgb},
      {colour, rgb},
      {colour, rgb},
      {colour, rgb},
      {colour, palette_rgb},
      {colour, palette_rgb},
      {grey, {0, 1, 2, 253, 254, 255}},
      {grey, {7, 8, 9, 10, 11, 12}},
      {grey, {255, 0, 255, 0, 255, 0}},
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    DatasetImage image = read_dataset_image(*d, 0, static_cast<int64_t>(i));
    EXPECT_EQ(image.shape, expected[i].first) << "image " << i + 1;
    EXPECT_EQ(image.pixels, expected[i].second) << "image " << i + 1;
  }
}

// At quality 100 without chroma subsampling every quantisation step is 1,
// so a flat 8x8 block is one exact DC coefficient and only the rounding of
// RGB -> YCbCr -> RGB remains: at most 0.5 per YCbCr value, times at most
// 1.772 (Cb's weight in blue), under 2 per channel.
TEST(ImageFolderDataset, JpegWithinTolerance) {
  TempDir dir;
  // 24 x 16 RGB: two rows of three 8x8 blocks, each its own colour.
  const uint8_t colours[6][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {12, 34, 56}, {200, 150, 100}, {128, 128, 128}};
  std::vector<uint8_t> rgb;
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 24; ++c) rgb.insert(rgb.end(), colours[r / 8 * 3 + c / 8], colours[r / 8 * 3 + c / 8] + 3);
  write_text(dir / "train/c/1_rgb.jpg", jpeg_bytes(24, 16, TJPF_RGB, rgb));
  // Grey: no colour conversion at all; blocks 8 wide.
  std::vector<uint8_t> grey;
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 16; ++c) grey.push_back(c < 8 ? 17 : 230);
  write_text(dir / "train/c/2_grey.jpg", jpeg_bytes(16, 8, TJPF_GRAY, grey));
  // CMYK (stored as YCCK, inverted as Adobe's): R = C * K / 255.
  std::vector<uint8_t> cmyk = repeated({200, 100, 50, 255}, 64);
  const std::vector<uint8_t> darker = repeated({200, 100, 50, 128}, 64);
  cmyk.insert(cmyk.end(), darker.begin(), darker.end());
  write_text(dir / "train/c/3_cmyk.jpg", jpeg_bytes(8, 16, TJPF_CMYK, cmyk));

  auto d = image_folder("{root: " + dir.path() + ", test: ''}");
  DatasetImage image = read_dataset_image(*d, 0, 0);
  EXPECT_EQ(image.shape, (std::vector<int64_t>{16, 24, 3}));
  expect_near(image.pixels, rgb, 2);
  image = read_dataset_image(*d, 0, 1);
  EXPECT_EQ(image.shape, (std::vector<int64_t>{8, 16, 1}));
  expect_near(image.pixels, grey, 2);
  image = read_dataset_image(*d, 0, 2);
  EXPECT_EQ(image.shape, (std::vector<int64_t>{16, 8, 3}));
  std::vector<uint8_t> cmyk_as_rgb = repeated({200, 100, 50}, 64);
  const std::vector<uint8_t> darker_rgb = repeated({100, 50, 25}, 64);  // 200 * 128 / 255 = 100.4, ...
  cmyk_as_rgb.insert(cmyk_as_rgb.end(), darker_rgb.begin(), darker_rgb.end());
  expect_near(image.pixels, cmyk_as_rgb, 2);
}

// ImageNet as Kaggle ships it: train/<synset>/..., a flat val/ folder,
// LOC_val_solution.csv (rows in no particular order) and LOC_synset_mapping.txt.
class ImageFolderImageNet : public ::testing::Test {
 protected:
  void SetUp() override {
    write_text(dir / "train/n01440764/n01440764_1.JPEG", flat_png(1));
    write_text(dir / "train/n01443537/n01443537_1.JPEG", flat_png(2));
    write_text(dir / "val/ILSVRC2012_val_00000001.JPEG", flat_jpeg(100, 0, 0));
    write_text(dir / "val/ILSVRC2012_val_00000002.JPEG", flat_png(102));
    write_text(dir / "val/ILSVRC2012_val_00000003.JPEG", flat_png(103));
    write_text(dir / "val/ILSVRC2012_val_00000004.JPEG", flat_png(104));  // not in the CSV: left out
    write_text(solution(),
               "ImageId,PredictionString\r\n"
               "ILSVRC2012_val_00000003,n01440764 10 10 20 20 n01440764 1 1 5 5\r\n"
               "ILSVRC2012_val_00000001,n01443537 0 0 8 8\r\n"
               "ILSVRC2012_val_00000002,n01440764 3 4 5 6\r\n");
    write_text(mapping(),
               "n01440764 tench, Tinca tinca\n"
               "n01443537 goldfish, Carassius auratus\n"
               "n01484850 great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias\n");
  }
  std::string solution() const { return dir / "LOC_val_solution.csv"; }
  std::string mapping() const { return dir / "LOC_synset_mapping.txt"; }
  std::string options(const std::string& extra = "") const {
    return "{root: " + dir.path() + ", labels_file: " + solution() + ", class_names: " + mapping() + extra + "}";
  }
  TempDir dir;
};

TEST_F(ImageFolderImageNet, FlatValidationFolderWithLabelsCsv) {
  auto d = image_folder(options());
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.classes, (std::vector<std::string>{"tench", "goldfish"}));  // train's classes only
  EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{0, 1}));
  ASSERT_EQ(dataset_split_size(*d, 1), 3);
  EXPECT_EQ(dataset_labels(*d, 1), (std::vector<int64_t>{1, 0, 0}));  // in image id order
  DatasetImage first = read_dataset_image(*d, 1, 0);
  EXPECT_EQ(first.label, 1);
  EXPECT_EQ(first.shape, (std::vector<int64_t>{8, 8, 3}));
  EXPECT_NEAR(first.pixels[0], 100, 2);
  EXPECT_EQ(red_of(*d, 1, 2), 103);
}

TEST_F(ImageFolderImageNet, WithoutTrainTheClassesComeFromClassNames) {
  auto d = image_folder(options(", train: ''"));
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.classes, (std::vector<std::string>{"tench", "goldfish", "great white shark"}));
  EXPECT_EQ(info.splits, (std::vector<std::string>{"test"}));
  EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{1, 0, 0}));
}

TEST_F(ImageFolderImageNet, FingerprintFollowsTheFiles) {
  const std::string before = describe_dataset(*image_folder(options())).fingerprint;
  EXPECT_EQ(describe_dataset(*image_folder(options())).fingerprint, before);
  write_text(dir / "val/ILSVRC2012_val_00000002.JPEG", flat_png(102) + "trailing bytes");
  EXPECT_NE(describe_dataset(*image_folder(options())).fingerprint, before);
}

TEST_F(ImageFolderImageNet, UnknownClassInLabelsCsv) {
  write_text(solution(), "ImageId,PredictionString\nILSVRC2012_val_00000001,n09999999 0 0 8 8\n");
  auto d = image_folder(options());
  EXPECT_EQ(plugin_error_of([&] { describe_dataset(*d); }),
            solution() + ":2: class 'n09999999' is not among the classes (" + dir / "train" + ")");
}

TEST_F(ImageFolderImageNet, MissingImageInLabelsCsv) {
  write_text(solution(), "ImageId,PredictionString\nILSVRC2012_val_00000009,n01440764 0 0 8 8\n");
  auto d = image_folder(options());
  EXPECT_EQ(plugin_error_of([&] { describe_dataset(*d); }),
            solution() + ":2: image " + dir / "val/ILSVRC2012_val_00000009.JPEG" + " is missing");
}

TEST_F(ImageFolderImageNet, MalformedLabelsCsv) {
  write_text(solution(), "ImageId,Label\n");
  EXPECT_EQ(plugin_error_of([&] { describe_dataset(*image_folder(options())); }),
            solution() + ":1: expected the header 'ImageId,PredictionString'");
  write_text(solution(), "ImageId,PredictionString\nILSVRC2012_val_00000001\n");
  EXPECT_EQ(plugin_error_of([&] { describe_dataset(*image_folder(options())); }),
            solution() + ":2: expected '<ImageId>,<class folder> <box>...', as in "
                         "'ILSVRC2012_val_00008726,n02119789 255 142 454 329'");
}

TEST_F(ImageFolderImageNet, ClassNamesMustNameEveryClassFolder) {
  write_text(mapping(), "n01440764 tench, Tinca tinca\n");
  EXPECT_EQ(plugin_error_of([&] { describe_dataset(*image_folder(options())); }),
            mapping() + ": no line names class folder 'n01443537'");
  write_text(mapping(), "n01440764 tench\n\nn01443537\n");
  EXPECT_EQ(plugin_error_of([&] { describe_dataset(*image_folder(options())); }),
            mapping() + ":3: expected '<class folder> <name>', as in 'n01440764 tench, Tinca tinca'");
}

// Broken files and folders, each reported with the path and what is wrong.
class ImageFolderBroken : public ::testing::Test {
 protected:
  void SetUp() override {
    write_text(dir / "train/cat/1.png", flat_png(1));
    write_text(dir / "train/dog/1.jpg", flat_jpeg(2, 2, 2));
    write_text(dir / "val/cat/1.png", flat_png(3));
  }
  std::unique_ptr<ComponentUnderTest> dataset() const { return image_folder("{root: " + dir.path() + "}"); }
  std::string describe_error() const {
    auto d = dataset();
    return plugin_error_of([&] { describe_dataset(*d); });
  }
  std::string read_error(const std::string& bytes) const {
    write_text(dir / "train/dog/1.jpg", bytes);
    auto d = dataset();
    return plugin_error_of([&] { read_dataset_image(*d, 0, 1); });
  }
  TempDir dir;
};

TEST_F(ImageFolderBroken, CorruptJpeg) {
  std::string bytes = flat_jpeg(2, 2, 2);
  const size_t sof = bytes.find("\xFF\xC0");  // the frame header: marker, length, then the sample precision
  ASSERT_NE(sof, std::string::npos);
  bytes[sof + 4] = 12;
  EXPECT_EQ(read_error(bytes), dir / "train/dog/1.jpg" + ": corrupt JPEG data: Unsupported JPEG data precision 12");
}

// Cut in the compressed data (libjpeg warns) and in the header (no picture at all).
TEST_F(ImageFolderBroken, TruncatedJpeg) {
  const std::string bytes = flat_jpeg(2, 2, 2, 64, 64);
  const size_t sos = bytes.find("\xFF\xDA");  // start of scan: the compressed data follows
  ASSERT_NE(sos, std::string::npos);
  for (size_t cut : {bytes.size() - 10, sos - 5, size_t{100}})
    EXPECT_EQ(read_error(bytes.substr(0, cut)), dir / "train/dog/1.jpg" + ": truncated JPEG: the data ends before the image does")
        << "cut at " << cut << " of " << bytes.size();
}

TEST_F(ImageFolderBroken, PngThatIsText) {
  write_text(dir / "train/cat/1.png", "just some text\n");
  auto d = dataset();
  EXPECT_EQ(plugin_error_of([&] { read_dataset_image(*d, 0, 0); }),
            dir / "train/cat/1.png" +
                ": not a JPEG or PNG image (expected the file to start with JPEG's bytes FF D8 FF or PNG's 89 'PNG')");
}

TEST_F(ImageFolderBroken, TruncatedPng) {
  const std::string bytes = flat_png(9);
  EXPECT_EQ(read_error(bytes.substr(0, bytes.size() - 20)),
            dir / "train/dog/1.jpg" + ": truncated PNG: the data ends before the image does");
}

TEST_F(ImageFolderBroken, CorruptPng) {
  std::string bytes = flat_png(9);
  const size_t idat = bytes.find("IDAT");  // a chunk: length (4 bytes, big-endian), type, data, CRC
  ASSERT_NE(idat, std::string::npos);
  size_t length = 0;
  for (size_t i = idat - 4; i < idat; ++i) length = length << 8 | static_cast<uint8_t>(bytes[i]);
  bytes[idat + 4 + length] = static_cast<char>(bytes[idat + 4 + length] ^ 0x55);
  EXPECT_EQ(read_error(bytes), dir / "train/dog/1.jpg" + ": corrupt PNG data: IDAT: CRC error");
}

TEST_F(ImageFolderBroken, TestClassMissingFromTrain) {
  write_text(dir / "val/bird/1.png", flat_png(4));
  EXPECT_EQ(describe_error(),
            dir / "val/bird" + ": class folder 'bird' is not among the train split's classes (" + dir / "train" + ")");
}

TEST_F(ImageFolderBroken, EmptyClassFolder) {
  std::filesystem::create_directories(dir / "train/emu");
  write_text(dir / "train/emu/notes.txt", "no images here");
  EXPECT_EQ(describe_error(), dir / "train/emu" + ": no images in this class folder (expected .jpg, .jpeg or .png files)");
}

TEST_F(ImageFolderBroken, EmptySplit) {
  std::filesystem::remove_all(dir / "val");
  std::filesystem::create_directories(dir / "val/.hidden");
  EXPECT_EQ(describe_error(), dir / "val" + ": no class folders (expected one subfolder per class)");
}

TEST_F(ImageFolderBroken, MissingSplitFolder) {
  EXPECT_EQ(plugin_error_of([&] { image_folder("{root: " + dir.path() + ", test: test}"); }),
            dir / "test" + ": the test split's folder is missing (set test: \"\" to go without it)");
}

}  // namespace
}  // namespace grhost::test
