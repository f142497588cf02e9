// What the TorchScript model plugins share: loading a file with a clear
// error, a content hash for cache keys, the device choice, and picking one
// tensor out of a method's output.
#pragma once

#include <grhost/error.hpp>

#include <torch/cuda.h>
#include <torch/script.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace grhost::torchscript {

/// A stable content hash (the same on every build), for the cache key.
inline std::string file_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw grhost::Error(path + ": cannot open", GRHOST_IO_ERROR);
  uint64_t h = 0x9e3779b97f4a7c15ull, n = 0;
  std::vector<char> buf(1 << 20);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      h = (h ^ static_cast<unsigned char>(buf[static_cast<size_t>(i)])) * 0x100000001b3ull;
    }
    n += static_cast<uint64_t>(in.gcount());
  }
  std::ostringstream s;
  s << std::hex << h << "-" << std::dec << n;
  return s.str();
}

/// The `device` option (auto|cpu|cuda) as a torch::Device.
inline torch::Device choose_device(const std::string& option) {
  if (option == "cuda" && !torch::cuda::is_available())
    throw grhost::Error("device: cuda was asked for, but this LibTorch sees no CUDA device");
  if (option == "cuda" || (option == "auto" && torch::cuda::is_available())) return torch::Device(torch::kCUDA);
  return torch::Device(torch::kCPU);
}

/// Loads a TorchScript file in eval mode, or says why it cannot.
inline torch::jit::Module load_module(const std::string& file, const torch::Device& device) {
  torch::jit::Module m;
  try {
    m = torch::jit::load(file, device);
  } catch (const c10::Error& e) {
    throw grhost::Error(file + ": not a TorchScript file this LibTorch (" TORCH_VERSION ") can load: " +
                            e.msg().substr(0, e.msg().find('\n')),
                        GRHOST_IO_ERROR);
  }
  m.eval();
  return m;
}

/// " (it has: forward, encode_text)", for a method that is not there.
inline std::string methods_hint(const torch::jit::Module& m) {
  std::string names;
  for (const auto& method : m.get_methods()) names += (names.empty() ? "" : ", ") + method.name();
  return " (it has: " + names + ")";
}

/// The tensor a method returned: the output itself (index -1), or element
/// `index` of a tuple or list.
inline torch::Tensor pick_output(const c10::IValue& out, int64_t index) {
  if (out.isTensor()) {
    if (index >= 0) throw grhost::Error("'output: " + std::to_string(index) + "' was given, but the output is one tensor");
    return out.toTensor();
  }
  std::vector<c10::IValue> items;
  if (out.isTuple()) items = out.toTupleRef().elements().vec();
  else if (out.isList()) items = out.toList().vec();
  else throw grhost::Error("the model's output is neither a tensor nor a tuple or list of tensors");
  if (index < 0 || index >= static_cast<int64_t>(items.size()))
    throw grhost::Error("the model returns " + std::to_string(items.size()) + " outputs; choose one with 'output: 0..." +
                        std::to_string(items.size() - 1) + "'");
  if (!items[static_cast<size_t>(index)].isTensor()) throw grhost::Error("output " + std::to_string(index) + " is not a tensor");
  return items[static_cast<size_t>(index)].toTensor();
}

}  // namespace grhost::torchscript
