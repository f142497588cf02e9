// grhost/torch_bridge.hpp — for plugins that link LibTorch.
//
// Include it before GRHOST_PLUGIN is used: it makes the plugin record which
// LibTorch it was built against. Two LibTorch copies cannot share a process,
// so the host refuses a plugin whose stamp differs from its own.
#pragma once

#include <cstddef>  // defines _GLIBCXX_USE_CXX11_ABI
#include <torch/version.h>

#define GRHOST_DETAIL_STR2(x) #x
#define GRHOST_DETAIL_STR(x) GRHOST_DETAIL_STR2(x)

/// "torch=<version>;cxx11abi=<0|1>": the LibTorch version and C++ ABI flag.
#define GRHOST_TORCH_BUILD_STAMP "torch=" TORCH_VERSION ";cxx11abi=" GRHOST_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI)

#undef GRHOST_BUILD_STAMP
#define GRHOST_BUILD_STAMP GRHOST_TORCH_BUILD_STAMP

// ---- DLPack <-> at::Tensor, without copies ----------------------------------
// at::fromDLPack needs a DLManagedTensor and takes ownership; the boundary
// mostly lends plain DLTensors, so these helpers cover both cases, on any
// device (CPU or CUDA).
#include <ATen/DLConvertor.h>
#include <ATen/Functions.h>
#include <grhost/tensor.hpp>

namespace grhost {
namespace detail {

inline at::TensorOptions torch_options(const DLTensor& t) {
  at::TensorOptions o = at::TensorOptions().dtype(at::toScalarType(t.dtype));
  if (t.device.device_type == kDLCPU) return o.device(at::kCPU);
  if (t.device.device_type == kDLCUDA) return o.device(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(t.device.device_id)));
  throw Error("tensor on DLPack device type " + std::to_string(static_cast<int>(t.device.device_type)) +
              "; only CPU and CUDA tensors are supported");
}

inline std::vector<int64_t> torch_strides(const DLTensor& t) {
  std::vector<int64_t> s(static_cast<size_t>(t.ndim));
  if (t.strides != nullptr) {
    s.assign(t.strides, t.strides + t.ndim);
    return s;
  }
  int64_t step = 1;  // NULL strides: compact row-major
  for (int i = t.ndim - 1; i >= 0; --i) {
    s[static_cast<size_t>(i)] = step;
    step *= t.shape[i];
  }
  return s;
}

}  // namespace detail

/// An at::Tensor over a borrowed DLTensor: no copy; the lender keeps the memory alive.
inline at::Tensor torch_view(const DLTensor& t) {
  return at::from_blob(static_cast<char*>(t.data) + t.byte_offset, at::IntArrayRef(t.shape, static_cast<size_t>(t.ndim)),
                       detail::torch_strides(t), detail::torch_options(t));
}

/// An at::Tensor that takes over a DLManagedTensor: its deleter runs when the tensor's memory is freed.
inline at::Tensor to_torch(Managed managed) {
  if (!managed) throw Error("to_torch: no tensor");
  DLManagedTensor* m = managed.release();
  const DLTensor& t = m->dl_tensor;
  return at::from_blob(
      static_cast<char*>(t.data) + t.byte_offset, at::IntArrayRef(t.shape, static_cast<size_t>(t.ndim)),
      detail::torch_strides(t), [m](void*) { if (m->deleter != nullptr) m->deleter(m); }, detail::torch_options(t));
}

/// A DLManagedTensor sharing `t`'s memory, for returning across the boundary.
inline DLManagedTensor* to_dlpack(const at::Tensor& t) { return at::toDLPack(t); }

}  // namespace grhost
