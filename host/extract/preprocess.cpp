#include "extract/preprocess.hpp"

#include "util/errors.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>

#include <cmath>

namespace grhost::extract {

std::pair<int64_t, int64_t> output_size(const grhost_input_spec& spec, int64_t h, int64_t w) {
  if (spec.resize > 0) {
    // torchvision's rule: the shorter side becomes `resize`, the longer keeps
    // the aspect ratio, truncated to an integer.
    if (w <= h) {
      h = static_cast<int64_t>(static_cast<double>(spec.resize) * h / w);
      w = spec.resize;
    } else {
      w = static_cast<int64_t>(static_cast<double>(spec.resize) * w / h);
      h = spec.resize;
    }
  }
  if (spec.crop > 0) h = w = spec.crop;
  return {h, w};
}

void preprocess_into(const DLTensor& image, const grhost_input_spec& spec, at::Tensor& out, const std::string& what) {
  if (image.device.device_type != kDLCPU || image.ndim != 3 || image.dtype.code != kDLUInt || image.dtype.bits != 8)
    throw UserError(what + ": expected a uint8 HWC image");
  const int64_t h = image.shape[0], w = image.shape[1], c = image.shape[2];
  if (c != 1 && c != 3 && c != 4) throw UserError(what + ": " + std::to_string(c) + " channels; expected 1, 3 or 4");
  if (h <= 0 || w <= 0) throw UserError(what + ": empty image");
  at::Tensor x = at::from_blob(static_cast<uint8_t*>(image.data) + image.byte_offset, {h, w, c}, at::kByte)
                     .permute({2, 0, 1})
                     .to(at::kFloat)
                     .div_(255.0f);
  // Grey stays one channel until the end: resizing it once, not three times,
  // gives the same pixels (channels are resized independently).
  if (c == 4) x = x.narrow(0, 0, 3);  // alpha dropped, as PIL's convert("RGB")
  x = x.contiguous();

  if (spec.resize > 0) {
    auto [nh, nw] = output_size(grhost_input_spec{spec.struct_size, spec.resize, 0, spec.interpolation, {}, {}}, h, w);
    at::Tensor batch = x.unsqueeze(0);
    const std::vector<int64_t> size = {nh, nw};
    const c10::optional<double> no_scale;  // scales follow from the sizes, as F.interpolate(size=...)
    switch (spec.interpolation) {
      case GRHOST_INTERP_BILINEAR: x = at::_upsample_bilinear2d_aa(batch, at::IntArrayRef(size), false, no_scale, no_scale); break;
      case GRHOST_INTERP_BICUBIC: x = at::_upsample_bicubic2d_aa(batch, at::IntArrayRef(size), false, no_scale, no_scale); break;
      case GRHOST_INTERP_NEAREST: x = at::upsample_nearest2d(batch, at::IntArrayRef(size), no_scale, no_scale); break;
      default: throw UserError(what + ": unknown interpolation " + std::to_string(spec.interpolation));
    }
    x = x.squeeze(0);
  }
  if (spec.crop > 0) {
    int64_t ch = x.size(1), cw = x.size(2);
    if (ch < spec.crop || cw < spec.crop) {
      // torchvision pads a too-small image with zeros before cropping.
      int64_t left = cw < spec.crop ? (spec.crop - cw) / 2 : 0, top = ch < spec.crop ? (spec.crop - ch) / 2 : 0;
      int64_t right = cw < spec.crop ? (spec.crop - cw + 1) / 2 : 0, bottom = ch < spec.crop ? (spec.crop - ch + 1) / 2 : 0;
      x = at::constant_pad_nd(x, {left, right, top, bottom}, 0.0);
      ch = x.size(1);
      cw = x.size(2);
    }
    // Python's round() rounds halves to even; nearbyint does too.
    const auto top = static_cast<int64_t>(std::nearbyint((ch - spec.crop) / 2.0));
    const auto left = static_cast<int64_t>(std::nearbyint((cw - spec.crop) / 2.0));
    x = x.narrow(1, top, spec.crop).narrow(2, left, spec.crop);
  }
  if (x.size(1) != out.size(1) || x.size(2) != out.size(2))
    throw UserError(what + ": preprocessed to " + std::to_string(x.size(1)) + "x" + std::to_string(x.size(2)) +
                    " but the batch is " + std::to_string(out.size(1)) + "x" + std::to_string(out.size(2)) +
                    "; images of different sizes need a resize and a crop");
  if (x.size(0) == 1) x = x.expand({3, x.size(1), x.size(2)});
  at::Tensor mean = at::tensor({spec.mean[0], spec.mean[1], spec.mean[2]}).view({3, 1, 1});
  at::Tensor stdv = at::tensor({spec.std[0], spec.std[1], spec.std[2]}).view({3, 1, 1});
  at::sub_out(out, x, mean).div_(stdv);
}

std::string describe(const grhost_input_spec& spec) {
  const char* interp = spec.interpolation == GRHOST_INTERP_BICUBIC ? "bicubic"
                       : spec.interpolation == GRHOST_INTERP_NEAREST ? "nearest"
                                                                     : "bilinear";
  return fmt::format("resize={} crop={} {} mean=({:.9g},{:.9g},{:.9g}) std=({:.9g},{:.9g},{:.9g})", spec.resize, spec.crop,
                     interp, spec.mean[0], spec.mean[1], spec.mean[2], spec.std[0], spec.std[1], spec.std[2]);
}

}  // namespace grhost::extract
