// .npy reading and writing: round trips, the exact header bytes numpy
// writes, and clear errors for broken files.
#include "io/npy.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

namespace grhost::test {
namespace {

TEST(Npy, RoundTripsFloatAndIntArrays) {
  TempDir dir;
  const std::vector<float> f = {1.5f, -2, 3, 4, 5, 6};
  io::write_npy(dir / "f.npy", io::DType::float32, {2, 3}, f.data());
  io::NpyArray a = io::read_npy(dir / "f.npy");
  EXPECT_EQ(a.dtype, io::DType::float32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(std::vector<float>(a.as<float>(), a.as<float>() + 6), f);

  const std::vector<int64_t> l = {7, -1, 3};
  io::write_npy(dir / "l.npy", io::DType::int64, {3}, l.data());
  io::NpyArray b = io::read_npy(dir / "l.npy");
  EXPECT_EQ(b.dtype, io::DType::int64);
  EXPECT_EQ(b.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(std::vector<int64_t>(b.as<int64_t>(), b.as<int64_t>() + 3), l);
}

TEST(Npy, HeaderIsWhatNumpyWrites) {
  // numpy.save of np.zeros((2, 3), np.float32) writes exactly this header:
  // magic, version 1.0, length 118, the dict, space padding to 128 bytes, '\n'.
  const float zeros[6] = {};
  std::string bytes = io::npy_bytes(io::DType::float32, {2, 3}, zeros);
  ASSERT_EQ(bytes.size(), 128u + 24u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(static_cast<unsigned char>(bytes[8]) + 256 * static_cast<unsigned char>(bytes[9]), 118);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(bytes.substr(10, dict.size()), dict);
  EXPECT_EQ(bytes.substr(10 + dict.size(), 127 - 10 - dict.size()), std::string(127 - 10 - dict.size(), ' '));
  EXPECT_EQ(bytes[127], '\n');
  // A 1-D shape keeps its trailing comma, as Python's tuple repr.
  const int64_t one = 0;
  EXPECT_NE(io::npy_bytes(io::DType::int64, {1}, &one).find("'shape': (1,), }"), std::string::npos);
}

TEST(Npy, ErrorsNameTheFileAndTheProblem) {
  TempDir dir;
  write_text(dir / "magic.npy", "NOTNUMPY-and-some-more-bytes");
  EXPECT_THROW(
      {
        try {
          io::read_npy(dir / "magic.npy");
        } catch (const std::runtime_error& e) {
          EXPECT_NE(std::string(e.what()).find(dir / "magic.npy" + ": not a readable .npy file: wrong magic"),
                    std::string::npos);
          throw;
        }
      },
      std::runtime_error);

  const float data[4] = {1, 2, 3, 4};
  std::string full = io::npy_bytes(io::DType::float32, {2, 2}, data);
  write_text(dir / "short.npy", full.substr(0, full.size() - 3));
  try {
    io::read_npy(dir / "short.npy");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated data: expected 16 bytes for shape (2, 2), found 13"), std::string::npos)
        << e.what();
  }

  std::string fortran = full;
  fortran.replace(fortran.find("False"), 5, "True ");
  write_text(dir / "fortran.npy", fortran);
  try {
    io::read_npy(dir / "fortran.npy");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Fortran-ordered arrays are not supported"), std::string::npos) << e.what();
  }

  std::string big_endian = full;
  big_endian.replace(big_endian.find("<f4"), 3, ">f4");
  write_text(dir / "be.npy", big_endian);
  try {
    io::read_npy(dir / "be.npy");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported dtype '>f4'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(io::read_npy(dir / "absent.npy"), std::runtime_error);
}

}  // namespace
}  // namespace grhost::test
