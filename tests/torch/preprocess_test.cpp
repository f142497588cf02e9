// The host's preprocessing against torchvision's (ToTensor → Resize with
// antialias → CenterCrop → Normalize) on grey and RGB images, down- and
// up-sampling, both filters, nearest, and crops larger than the image.
#include "extract/preprocess.hpp"
#include "torch/fixtures.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace grhost::test {
namespace {

// Documented in docs/preprocessing.md: the same ATen kernels, so only float
// rounding in the order of operations may differ.
constexpr double kTolerance = 1e-5;

TEST(Preprocess, MatchesTorchvisionOnEveryCase) {
  std::ifstream cases(fixture("preprocess/cases.txt"));
  ASSERT_TRUE(cases) << "missing fixtures: run the torch_fixtures test first";
  std::string line;
  int count = 0;
  while (std::getline(cases, line)) {
    std::istringstream in(line);
    int k;
    std::string interp;
    grhost_input_spec spec{};
    spec.struct_size = sizeof(spec);
    in >> k >> spec.resize >> spec.crop >> interp >> spec.mean[0] >> spec.mean[1] >> spec.mean[2] >> spec.std[0] >>
        spec.std[1] >> spec.std[2];
    spec.interpolation = interp == "bicubic" ? GRHOST_INTERP_BICUBIC : interp == "nearest" ? GRHOST_INTERP_NEAREST : GRHOST_INTERP_BILINEAR;

    io::NpyArray img = io::read_npy(fixture("preprocess/case" + std::to_string(k) + "_image.npy"));
    io::NpyArray expected = io::read_npy(fixture("preprocess/case" + std::to_string(k) + "_expected.npy"));
    ASSERT_EQ(img.dtype, io::DType::uint8);
    DLTensor t{};
    t.data = img.data.data();
    t.device = {kDLCPU, 0};
    t.ndim = 3;
    t.dtype = {kDLUInt, 8, 1};
    t.shape = img.shape.data();
    auto [h, w] = extract::output_size(spec, img.shape[0], img.shape[1]);
    ASSERT_EQ((std::vector<int64_t>{3, h, w}), expected.shape) << "case " << k << ": output size";
    at::Tensor out = at::empty({3, h, w}, at::kFloat);
    extract::preprocess_into(t, spec, out, "case " + std::to_string(k));
    const double diff = max_abs_diff(expected, out.data_ptr<float>(), {3, h, w});
    std::cout << "case " << k << " (" << extract::describe(spec) << "): max |grhost - torchvision| = " << diff << "\n";
    EXPECT_LE(diff, kTolerance) << "case " << k;
    ++count;
  }
  EXPECT_EQ(count, 7);
}

TEST(Preprocess, RefusesWhatItCannotRead) {
  grhost_input_spec spec{sizeof(grhost_input_spec), 0, 0, GRHOST_INTERP_BILINEAR, {0, 0, 0}, {1, 1, 1}};
  std::vector<uint8_t> px(2 * 2 * 2);
  int64_t shape[3] = {2, 2, 2};
  DLTensor t{};
  t.data = px.data();
  t.device = {kDLCPU, 0};
  t.ndim = 3;
  t.dtype = {kDLUInt, 8, 1};
  t.shape = shape;
  at::Tensor out = at::empty({3, 2, 2}, at::kFloat);
  try {
    extract::preprocess_into(t, spec, out, "img 7");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_STREQ(e.what(), "img 7: 2 channels; expected 1, 3 or 4");
  }
  shape[2] = 1;
  at::Tensor wrong = at::empty({3, 3, 3}, at::kFloat);
  try {
    extract::preprocess_into(t, spec, wrong, "img 8");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("img 8: preprocessed to 2x2 but the batch is 3x3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace grhost::test
