// The reference zoo's networks, built as TorchScript modules in C++ (the
// methods compiled from TorchScript source), so that the files the zoo
// saves are what grhost's torchscript plugin loads: `features` (the
// penultimate layer) and `forward` (class logits).
#pragma once

#include <torch/script.h>

#include <cstdint>

namespace grhost::zoo {

/// A small CNN for 3 × 28 × 28 inputs: two 3×3 convolutions (width and 2
/// width channels, ReLU, 2×2 max-pooling), a 128-unit ReLU layer (the
/// features), and a linear classifier (the logits).
/// Weights drawn as PyTorch's default initialisation draws them.
torch::jit::Module small_cnn(int64_t width, int64_t classes, uint64_t seed);

/// The same encoder whose logits are the cosines between a projection of
/// its features and fixed class embeddings (`text`, classes × E), times a
/// learnt temperature: a CLIP-style image tower grounded in class names.
torch::jit::Module grounded_cnn(int64_t width, const torch::Tensor& text, uint64_t seed);

}  // namespace grhost::zoo
