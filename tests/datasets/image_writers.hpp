// Encoding test images with the libraries the dataset plugins decode with:
// TurboJPEG for JPEG, libpng for PNG. Each returns the file's bytes, for
// write_text.
#pragma once

#include <gtest/gtest.h>
#include <png.h>
#include <turbojpeg.h>

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::test {

/// `count` copies of one pixel's bytes: the pixels of a flat image.
inline std::vector<uint8_t> repeated(const std::vector<uint8_t>& pixel, int count) {
  std::vector<uint8_t> out;
  for (int i = 0; i < count; ++i) out.insert(out.end(), pixel.begin(), pixel.end());
  return out;
}

/// A JPEG of `pixels` (height x width, in TurboJPEG's `pixel_format`: TJPF_RGB,
/// TJPF_GRAY or TJPF_CMYK) at quality 100 with no chroma subsampling (4:4:4),
/// so that quantisation is lossless and only the colour conversion and the
/// DCT's rounding change the pixels.
inline std::string jpeg_bytes(int width, int height, int pixel_format, const std::vector<uint8_t>& pixels) {
  EXPECT_EQ(pixels.size(), static_cast<size_t>(width * height * tjPixelSize[pixel_format]));
  tjhandle tj = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int subsampling = pixel_format == TJPF_GRAY ? TJSAMP_GRAY : TJSAMP_444;
  const int rc = tjCompress2(tj, pixels.data(), width, 0, height, pixel_format, &out, &size, subsampling, 100, TJFLAG_ACCURATEDCT);
  EXPECT_EQ(rc, 0) << tjGetErrorStr2(tj);
  std::string bytes(reinterpret_cast<const char*>(out), size);
  tjFree(out);
  tjDestroy(tj);
  return bytes;
}

/// How a PNG stores its pixels: IHDR's colour type and bit depth, an
/// optional palette (PNG_COLOR_TYPE_PALETTE) and tRNS alpha values, interlacing.
struct PngLayout {
  int color_type = PNG_COLOR_TYPE_RGB;
  int bit_depth = 8;
  std::vector<png_color> palette;
  std::vector<png_byte> palette_alpha;
  bool interlaced = false;
};

namespace detail {
inline void append_png_bytes(png_structp png, png_bytep data, size_t n) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), n);
}
// libpng's errors longjmp here; this function holds no object with a destructor.
inline bool write_png(png_structp png, png_infop info, int width, int height, const PngLayout& layout, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), layout.bit_depth, layout.color_type,
               layout.interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!layout.palette.empty()) png_set_PLTE(png, info, layout.palette.data(), static_cast<int>(layout.palette.size()));
  if (!layout.palette_alpha.empty())
    png_set_tRNS(png, info, layout.palette_alpha.data(), static_cast<int>(layout.palette_alpha.size()), nullptr);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  return true;
}
}  // namespace detail

/// A PNG of `pixels`: `height` rows of equal length, packed as the layout
/// says (palette indices, big-endian 16-bit samples, 1-bit samples 8 to a byte).
inline std::string png_bytes(int width, int height, const PngLayout& layout, const std::vector<uint8_t>& pixels) {
  std::string bytes;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(png, &bytes, detail::append_png_bytes, nullptr);
  const size_t row_bytes = pixels.size() / static_cast<size_t>(height);
  std::vector<png_bytep> rows;
  for (int r = 0; r < height; ++r) rows.push_back(const_cast<png_bytep>(pixels.data()) + static_cast<size_t>(r) * row_bytes);
  EXPECT_TRUE(detail::write_png(png, info, width, height, layout, rows.data())) << "libpng could not write the test image";
  png_destroy_write_struct(&png, &info);
  return bytes;
}

}  // namespace grhost::test
