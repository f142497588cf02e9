// The "svhn" dataset plugin on cropped-digits .mat files the test writes with
// matio (plain and compressed, well-formed and broken).
#include "datasets/dataset_calls.hpp"
#include "support/plugin_instance.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <matio.h>

#include <numeric>

namespace grhost::test {
namespace {

// One variable of a .mat file; matio writes it from `data` without a copy.
struct MatVariable {
  std::string name;
  matio_classes cls;
  matio_types type;
  std::vector<size_t> dims;
  const void* data;
};

void write_mat(const std::string& path, const std::vector<MatVariable>& variables,
               matio_compression compression = MAT_COMPRESSION_NONE) {
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  ASSERT_NE(mat, nullptr) << path;
  for (const MatVariable& v : variables) {
    std::vector<size_t> dims = v.dims;
    matvar_t* var = Mat_VarCreate(v.name.c_str(), v.cls, v.type, static_cast<int>(dims.size()), dims.data(),
                                  const_cast<void*>(v.data), MAT_F_DONT_COPY_DATA);
    ASSERT_NE(var, nullptr) << v.name;
    EXPECT_EQ(Mat_VarWrite(mat, var, compression), 0) << v.name;
    Mat_VarFree(var);
  }
  Mat_Close(mat);
}

// Pixel (row r, column c, channel k) of the n-th image the test writes; it
// differs between channels and between a pixel and its transpose.
uint8_t pixel(int n, int r, int c, int k) { return static_cast<uint8_t>(n * 31 + k * 85 + r * 7 + c * 3); }

// The image as read_image must return it: HWC.
std::vector<uint8_t> expected_hwc(int n) {
  std::vector<uint8_t> out;
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c)
      for (int k = 0; k < 3; ++k) out.push_back(pixel(n, r, c, k));
  return out;
}

// X and y of `count` images numbered from `first`: X column-major, as MATLAB
// stores it (element (r, c, k, i) at r + 32 c + 1024 k + 3072 i); y[i] is
// i % 10 + 1, so 1..10 with 10 for the digit 0.
struct Digits {
  std::vector<uint8_t> x;
  std::vector<double> y;
};

Digits digits(int count, int first) {
  Digits d;
  d.x.resize(static_cast<size_t>(count) * 3072);
  for (int i = 0; i < count; ++i) {
    for (int k = 0; k < 3; ++k)
      for (int c = 0; c < 32; ++c)
        for (int r = 0; r < 32; ++r) d.x[static_cast<size_t>(r + 32 * c + 1024 * k + 3072 * i)] = pixel(first + i, r, c, k);
    d.y.push_back(i % 10 + 1);
  }
  return d;
}

MatVariable x_of(const Digits& d) {
  return {"X", MAT_C_UINT8, MAT_T_UINT8, {32, 32, 3, d.y.size()}, d.x.data()};
}
MatVariable y_of(const Digits& d) { return {"y", MAT_C_DOUBLE, MAT_T_DOUBLE, {d.y.size(), 1}, d.y.data()}; }

void write_svhn(const std::string& path, int count, int first, matio_compression compression = MAT_COMPRESSION_NONE) {
  Digits d = digits(count, first);
  write_mat(path, {x_of(d), y_of(d)}, compression);
}

std::unique_ptr<ComponentUnderTest> svhn(const std::string& root) {
  return make_component(GRHOST_KIND_DATASET, "svhn", "{root: " + root + "}");
}

TEST(SvhnDataset, ReadsTrainAndTest) {
  TempDir dir;
  write_svhn(dir / "train_32x32.mat", 12, 0);
  write_svhn(dir / "test_32x32.mat", 3, 100);
  auto d = svhn(dir.path());
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.classes, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_EQ(info.splits, (std::vector<std::string>{"train", "test"}));
  EXPECT_EQ(dataset_split_size(*d, 0), 12);
  EXPECT_EQ(dataset_split_size(*d, 1), 3);
  EXPECT_EQ(dataset_labels(*d, 0), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2}));  // y = 10 is the digit 0
  int64_t label = -1;
  std::vector<int64_t> shape;
  std::vector<uint8_t> px = image_pixels(*d, 0, 9, &label, &shape);
  EXPECT_EQ(label, 0);
  EXPECT_EQ(shape, (std::vector<int64_t>{32, 32, 3}));
  EXPECT_EQ(px, expected_hwc(9));
  // Pixel (row 1, column 2): 9 * 31 + 1 * 7 + 2 * 3 = 292, plus 85 per channel, mod 256.
  EXPECT_EQ(std::vector<uint8_t>(px.begin() + (1 * 32 + 2) * 3, px.begin() + (1 * 32 + 2) * 3 + 3),
            (std::vector<uint8_t>{36, 121, 206}));
  EXPECT_EQ(image_pixels(*d, 1, 2, &label, &shape), expected_hwc(102));
  EXPECT_EQ(label, 3);
  EXPECT_NE(plugin_error_of([&] { image_pixels(*d, 1, 3, &label, &shape); }).find("image index 3 is out of range"), std::string::npos);
  EXPECT_NE(plugin_error_of([&] { dataset_split_size(*d, 2); }).find("split index 2 does not exist"), std::string::npos);
}

TEST(SvhnDataset, ExtraSplitWhenPresentAndCompressedFiles) {
  TempDir dir;
  write_svhn(dir / "train_32x32.mat", 4, 0, MAT_COMPRESSION_ZLIB);
  write_svhn(dir / "test_32x32.mat", 2, 100, MAT_COMPRESSION_ZLIB);
  write_svhn(dir / "extra_32x32.mat", 11, 200, MAT_COMPRESSION_ZLIB);
  auto d = svhn(dir.path());
  DatasetDescription info = describe_dataset(*d);
  EXPECT_EQ(info.splits, (std::vector<std::string>{"train", "test", "extra"}));
  EXPECT_EQ(info.fingerprint.rfind("3 files, ", 0), 0u) << info.fingerprint;  // extra counts too
  EXPECT_EQ(dataset_split_size(*d, 2), 11);
  EXPECT_EQ(dataset_labels(*d, 2), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}));
  int64_t label = -1;
  std::vector<int64_t> shape;
  EXPECT_EQ(image_pixels(*d, 2, 7, &label, &shape), expected_hwc(207));
  EXPECT_EQ(label, 8);
  EXPECT_EQ(image_pixels(*d, 0, 3, &label, &shape), expected_hwc(3));
}

// MATLAB saves a double array of whole numbers in a smaller integer type;
// matio converts it back to double on reading.
TEST(SvhnDataset, LabelsStoredAsBytes) {
  TempDir dir;
  Digits d = digits(10, 0);
  std::vector<uint8_t> y_bytes(d.y.begin(), d.y.end());
  write_mat(dir / "train_32x32.mat", {x_of(d), {"y", MAT_C_DOUBLE, MAT_T_UINT8, {10, 1}, y_bytes.data()}},
            MAT_COMPRESSION_ZLIB);
  write_svhn(dir / "test_32x32.mat", 2, 100);
  EXPECT_EQ(dataset_labels(*svhn(dir.path()), 0), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}));
}

// MATLAB saves a single image's X as 32 x 32 x 3: its trailing 1 is dropped.
TEST(SvhnDataset, OneImageWithoutItsTrailingDimension) {
  TempDir dir;
  Digits one = digits(1, 5);
  write_mat(dir / "train_32x32.mat", {{"X", MAT_C_UINT8, MAT_T_UINT8, {32, 32, 3}, one.x.data()}, y_of(one)});
  write_svhn(dir / "test_32x32.mat", 2, 100);
  auto d = svhn(dir.path());
  int64_t label = -1;
  std::vector<int64_t> shape;
  EXPECT_EQ(dataset_split_size(*d, 0), 1);
  EXPECT_EQ(image_pixels(*d, 0, 0, &label, &shape), expected_hwc(5));
  EXPECT_EQ(label, 1);
}

TEST(SvhnDataset, MissingFilesAreNamed) {
  TempDir dir;
  write_svhn(dir / "train_32x32.mat", 2, 0);
  std::string err = plugin_error_of([&] { svhn(dir.path()); });
  EXPECT_NE(err.find(dir / "test_32x32.mat" +
                     ": missing (SVHN's cropped digits are train_32x32.mat and test_32x32.mat, optionally "
                     "extra_32x32.mat)"),
            std::string::npos)
      << err;
}

class SvhnBrokenFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    write_svhn(train(), 5, 0);
    write_svhn(dir / "test_32x32.mat", 5, 100);
  }
  std::string train() const { return dir / "train_32x32.mat"; }
  // The error of reading the train split, which must start with the file's path.
  std::string train_error() {
    auto d = svhn(dir.path());
    return plugin_error_of([&] { dataset_split_size(*d, 0); });
  }
  void expect_train_error(const std::string& problem) {
    std::string err = train_error();
    EXPECT_NE(err.find(train() + ": " + problem), std::string::npos) << err;
  }
  TempDir dir;
  Digits five = digits(5, 0);
};

TEST_F(SvhnBrokenFiles, NotAMatFile) {
  write_text(train(), "these are not the digits you are looking for\n");
  expect_train_error("cannot open as a MAT file");
}

TEST_F(SvhnBrokenFiles, Truncated) {
  const std::string bytes = read_text(train());
  write_text(train(), bytes.substr(0, bytes.size() - 100));  // y cut off
  expect_train_error("no variable y (expected double of N x 1); it holds X, or is cut short");
  write_text(train(), bytes.substr(0, 3000));  // cut inside X's data: its header still reads
  expect_train_error("no variable y (expected double of N x 1); it holds X, or is cut short");
  write_text(train(), bytes.substr(0, 130));  // cut inside X's header
  expect_train_error("no variable X (expected uint8 of 32 x 32 x 3 x N); it holds no variables, or is cut short");
}

TEST_F(SvhnBrokenFiles, MissingVariables) {
  write_mat(train(), {y_of(five)});
  expect_train_error("no variable X (expected uint8 of 32 x 32 x 3 x N)");
  write_mat(train(), {x_of(five)});
  expect_train_error("no variable y (expected double of N x 1)");
}

TEST_F(SvhnBrokenFiles, WrongClasses) {
  std::vector<double> x_doubles(five.x.begin(), five.x.end());
  write_mat(train(), {{"X", MAT_C_DOUBLE, MAT_T_DOUBLE, {32, 32, 3, 5}, x_doubles.data()}, y_of(five)});
  expect_train_error("X is double, expected uint8 of 32 x 32 x 3 x N");
  std::vector<uint8_t> y_bytes(five.y.begin(), five.y.end());
  write_mat(train(), {x_of(five), {"y", MAT_C_UINT8, MAT_T_UINT8, {5, 1}, y_bytes.data()}});
  expect_train_error("y is uint8, expected double of N x 1");
}

TEST_F(SvhnBrokenFiles, WrongRankOrSizes) {
  write_mat(train(), {{"X", MAT_C_UINT8, MAT_T_UINT8, {32, 480}, five.x.data()}, y_of(five)});
  expect_train_error("X has 2 dimensions (32 x 480), expected uint8 of 32 x 32 x 3 x N");
  write_mat(train(), {{"X", MAT_C_UINT8, MAT_T_UINT8, {28, 28, 3, 5}, five.x.data()}, y_of(five)});
  expect_train_error("X is 28 x 28 x 3 x 5, expected uint8 of 32 x 32 x 3 x N");
  write_mat(train(), {x_of(five), {"y", MAT_C_DOUBLE, MAT_T_DOUBLE, {1, 5}, five.y.data()}});
  expect_train_error("y is 1 x 5, expected double of N x 1");
}

TEST_F(SvhnBrokenFiles, ImageAndLabelCountsDiffer) {
  write_mat(train(), {x_of(five), {"y", MAT_C_DOUBLE, MAT_T_DOUBLE, {4, 1}, five.y.data()}});
  expect_train_error("X holds 5 images but y holds 4 labels");
}

TEST_F(SvhnBrokenFiles, LabelOutsideOneToTen) {
  five.y[2] = 11;
  write_mat(train(), {x_of(five), y_of(five)});
  expect_train_error("y at index 2 is 11, expected a whole number in 1..10 (10 stands for the digit 0)");
  five.y[2] = 0;
  write_mat(train(), {x_of(five), y_of(five)});
  expect_train_error("y at index 2 is 0, expected a whole number in 1..10 (10 stands for the digit 0)");
}

TEST_F(SvhnBrokenFiles, LabelThatIsNotAWholeNumber) {
  five.y[4] = 3.5;
  write_mat(train(), {x_of(five), y_of(five)});
  expect_train_error("y at index 4 is 3.5, expected a whole number in 1..10 (10 stands for the digit 0)");
}

}  // namespace
}  // namespace grhost::test
