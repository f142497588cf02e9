// The host's preprocessing, identical for every model: uint8 HWC image →
// float [0,1] → grey replicated to RGB → resize of the shorter side
// (antialiased bilinear or bicubic, or nearest) → centre crop → (x − mean) / std.
// It is torchvision's ToTensor → Resize(antialias=True) → CenterCrop →
// Normalize on tensors, with the same ATen kernels (docs/preprocessing.md).
#pragma once

#include <grhost/grhost.h>

#include <cstdint>
#include <string>

namespace at { class Tensor; }

namespace grhost::extract {

/// The output size (height, width) of `spec` for an input of h x w.
std::pair<int64_t, int64_t> output_size(const grhost_input_spec& spec, int64_t h, int64_t w);

/// Preprocesses one image (uint8 HWC, C = 1, 3 or 4) into `out`, a float
/// [3, H, W] tensor of the size output_size gives. `what` names the image in errors.
void preprocess_into(const DLTensor& image, const grhost_input_spec& spec, at::Tensor& out, const std::string& what);

/// "resize=256 crop=224 bicubic mean=(...) std=(...)": part of cache keys and logs.
std::string describe(const grhost_input_spec& spec);

}  // namespace grhost::extract
