// Decoding JPEG and PNG files into the uint8 HWC pixels a dataset hands to
// the host, with Debian's libjpeg-turbo (TurboJPEG API) and libpng. The
// format comes from the file's first bytes, not its name: real collections
// hold PNGs named .jpg (ImageNet's train split has one).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::datasets {

/// Decoded pixels, row-major height x width x channels.
struct Image {
  int64_t height = 0, width = 0, channels = 0;  // channels: 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;
};

/// Decodes the JPEG or PNG file at `path` to 1 channel (grey) or 3 (RGB):
/// alpha is dropped, palettes become RGB, 16-bit samples keep their high
/// byte and CMYK JPEGs are converted to RGB. Safe to call from several
/// threads at once. Throws grhost::Error naming the file and what is wrong
/// (unreadable, not a JPEG or PNG, truncated or corrupt data).
Image decode_image(const std::string& path);

}  // namespace grhost::datasets
