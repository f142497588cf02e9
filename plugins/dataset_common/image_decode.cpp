#include "image_decode.hpp"

#include <grhost/error.hpp>

#include <png.h>
#include <turbojpeg.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

namespace grhost::datasets {
namespace {

const uint8_t kJpegSignature[] = {0xFF, 0xD8, 0xFF};
const uint8_t kPngSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

template <size_t N>
bool starts_with(const std::vector<uint8_t>& data, const uint8_t (&signature)[N]) {
  return data.size() >= N && std::memcmp(data.data(), signature, N) == 0;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(path + ": cannot open the image file", GRHOST_NOT_FOUND);
  std::vector<uint8_t> data(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size())))
    throw Error(path + ": cannot read the image file", GRHOST_IO_ERROR);
  return data;
}

// ---- JPEG ------------------------------------------------------------------

struct TjDestroy {
  void operator()(void* handle) const { tjDestroy(handle); }
};

// Checks a TurboJPEG call's result (`rc`). Fatal errors throw, and so does
// data that ends before the image does, which libjpeg only warns about (it
// fills the missing rows with grey) and which a header cut short shows as a
// 0 x 0 picture (`no_image`). Other warnings, such as stray bytes before a
// marker, leave a usable image, as PIL also assumes, and are logged.
void check_jpeg(int rc, void* tj, const std::string& path, bool no_image) {
  const std::string message = rc != 0 ? tjGetErrorStr2(tj) : "";
  if (rc != 0 && tjGetErrorCode(tj) == TJERR_FATAL) throw Error(path + ": corrupt JPEG data: " + message, GRHOST_IO_ERROR);
  if (no_image || message.find("Premature end") != std::string::npos)
    throw Error(path + ": truncated JPEG: the data ends before the image does", GRHOST_IO_ERROR);
  if (rc != 0) log(GRHOST_LOG_WARN, path + ": " + message + " (decoded anyway)");
}

// CMYK as libjpeg returns it is inverted (Adobe's convention, which
// libjpeg-turbo's own CMYK conversions also use): R = C * K / 255, rounded.
std::vector<uint8_t> inverted_cmyk_to_rgb(const std::vector<uint8_t>& cmyk) {
  std::vector<uint8_t> rgb(cmyk.size() / 4 * 3);
  for (size_t p = 0, q = 0; p < cmyk.size(); p += 4, q += 3) {
    const unsigned k = cmyk[p + 3];
    for (size_t c = 0; c < 3; ++c) rgb[q + c] = static_cast<uint8_t>((2 * cmyk[p + c] * k + 255) / 510);
  }
  return rgb;
}

// Decoded with TurboJPEG's defaults (accurate integer IDCT, smooth chroma
// upsampling), the same libjpeg settings PIL uses.
Image decode_jpeg(const std::string& path, const std::vector<uint8_t>& data) {
  std::unique_ptr<void, TjDestroy> tj(tjInitDecompress());
  if (!tj) throw Error(path + ": cannot start the JPEG decoder: " + tjGetErrorStr2(nullptr), GRHOST_INTERNAL);
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  const int header = tjDecompressHeader3(tj.get(), data.data(), data.size(), &width, &height, &subsampling, &colorspace);
  check_jpeg(header, tj.get(), path, width < 1 || height < 1);
  const bool grey = colorspace == TJCS_GRAY;
  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;  // TurboJPEG decodes these only to CMYK
  const int format = grey ? TJPF_GRAY : cmyk ? TJPF_CMYK : TJPF_RGB;
  std::vector<uint8_t> decoded(static_cast<size_t>(width) * static_cast<size_t>(height) * tjPixelSize[format]);
  check_jpeg(tjDecompress2(tj.get(), data.data(), data.size(), decoded.data(), width, 0, height, format, 0), tj.get(), path,
             false);
  Image image;
  image.height = height;
  image.width = width;
  image.channels = grey ? 1 : 3;
  image.pixels = cmyk ? inverted_cmyk_to_rgb(decoded) : std::move(decoded);
  return image;
}

// ---- PNG -------------------------------------------------------------------
// libpng reports errors by longjmp. The two functions that call setjmp hold
// only trivially destructible locals, so a jump back into them skips no
// destructor; everything with one lives in decode_png.

struct PngSource {
  const std::vector<uint8_t>* data = nullptr;
  size_t offset = 0;
  bool truncated = false;
  char error[256] = "";
};

void png_on_error(png_structp png, png_const_charp message) {
  auto* source = static_cast<PngSource*>(png_get_error_ptr(png));
  std::snprintf(source->error, sizeof source->error, "%s", message);
  png_longjmp(png, 1);
}

// Warnings are about metadata (an odd colour profile, a bad ancillary
// chunk's checksum) that does not change the pixels; PIL ignores them too.
void png_on_warning(png_structp, png_const_charp) {}

void png_read_bytes(png_structp png, png_bytep out, size_t n) {
  auto* source = static_cast<PngSource*>(png_get_io_ptr(png));
  if (source->data->size() - source->offset < n) {
    source->truncated = true;
    png_error(png, "the data ends early");
  }
  std::memcpy(out, source->data->data() + source->offset, n);
  source->offset += n;
}

// Reads the header and asks for 8-bit grey or RGB rows: palettes expand to
// RGB, low-bit grey to 8 bits, 16-bit samples keep their high byte (as PIL
// does for colour), alpha (also from a tRNS chunk) is dropped, and no gamma
// correction is applied.
bool png_start(png_structp png, png_infop info) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  const png_byte type = png_get_color_type(png, info);
  if (type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
  png_set_strip_alpha(png);
  png_set_strip_16(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  return true;
}

bool png_read_rows(png_structp png, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  return true;
}

struct PngDestroy {
  png_structp png;
  png_infop info;
  ~PngDestroy() { png_destroy_read_struct(&png, &info, nullptr); }
};

Image decode_png(const std::string& path, const std::vector<uint8_t>& data) {
  PngSource source;
  source.data = &data;
  PngDestroy structs{png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, png_on_error, png_on_warning), nullptr};
  if (structs.png == nullptr) throw Error(path + ": cannot start the PNG decoder", GRHOST_INTERNAL);
  structs.info = png_create_info_struct(structs.png);
  if (structs.info == nullptr) throw Error(path + ": cannot start the PNG decoder", GRHOST_INTERNAL);
  png_set_read_fn(structs.png, &source, png_read_bytes);

  const auto failed = [&] {
    return Error(path + (source.truncated ? ": truncated PNG: the data ends before the image does"
                                          : std::string(": corrupt PNG data: ") + source.error),
                 GRHOST_IO_ERROR);
  };
  if (!png_start(structs.png, structs.info)) throw failed();
  Image image;
  image.height = png_get_image_height(structs.png, structs.info);
  image.width = png_get_image_width(structs.png, structs.info);
  image.channels = png_get_channels(structs.png, structs.info);
  image.pixels.resize(static_cast<size_t>(image.height * image.width * image.channels));
  std::vector<png_bytep> rows(static_cast<size_t>(image.height));
  for (size_t r = 0; r < rows.size(); ++r) rows[r] = image.pixels.data() + r * static_cast<size_t>(image.width * image.channels);
  if (!png_read_rows(structs.png, rows.data())) throw failed();
  return image;
}

}  // namespace

Image decode_image(const std::string& path) {
  const std::vector<uint8_t> data = read_file(path);
  if (starts_with(data, kJpegSignature)) return decode_jpeg(path, data);
  if (starts_with(data, kPngSignature)) return decode_png(path, data);
  throw Error(path + ": not a JPEG or PNG image (expected the file to start with JPEG's bytes FF D8 FF or PNG's 89 'PNG')",
              GRHOST_IO_ERROR);
}

}  // namespace grhost::datasets
