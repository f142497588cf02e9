// grhost/tensor.hpp — DLPack tensors on the plugin side.
//
// Inputs arrive as borrowed `const DLTensor*`; View<T> checks dtype, rank and
// layout once and then indexes without further checks. Outputs leave as
// `DLManagedTensor*` owning a std::vector; the receiver calls its deleter,
// which runs in the plugin's runtime, so memory is freed where it was made.
#pragma once

#include <grhost/error.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace grhost {

namespace detail {
template <class T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DLDataType value{kDLFloat, 32, 1}; static constexpr const char* name = "float32"; };
template <> struct dtype_of<double> { static constexpr DLDataType value{kDLFloat, 64, 1}; static constexpr const char* name = "float64"; };
template <> struct dtype_of<int64_t> { static constexpr DLDataType value{kDLInt, 64, 1}; static constexpr const char* name = "int64"; };
template <> struct dtype_of<uint8_t> { static constexpr DLDataType value{kDLUInt, 8, 1}; static constexpr const char* name = "uint8"; };

inline bool same_dtype(DLDataType a, DLDataType b) { return a.code == b.code && a.bits == b.bits && a.lanes == b.lanes; }
}  // namespace detail

/// Owns a DLManagedTensor received from the host or another plugin; its
/// deleter runs when the owner goes.
struct ManagedDeleter {
  void operator()(DLManagedTensor* t) const noexcept {
    if (t != nullptr && t->deleter != nullptr) t->deleter(t);
  }
};
using Managed = std::unique_ptr<DLManagedTensor, ManagedDeleter>;

/// A checked, read-only view of a CPU, C-contiguous DLTensor of element type T.
template <class T>
class View {
 public:
  View() = default;
  /// `what` names the tensor in error messages ("train_features").
  View(const DLTensor* t, int expected_ndim, const std::string& what) {
    if (t == nullptr) throw Error(what + ": tensor is missing");
    if (t->device.device_type != kDLCPU) throw Error(what + ": expected a CPU tensor");
    if (!detail::same_dtype(t->dtype, detail::dtype_of<T>::value))
      throw Error(what + ": expected dtype " + detail::dtype_of<T>::name);
    if (t->ndim != expected_ndim)
      throw Error(what + ": expected " + std::to_string(expected_ndim) + " dimensions, got " + std::to_string(t->ndim));
    if (t->strides != nullptr) {  // NULL strides mean compact row-major
      int64_t expected = 1;
      for (int i = t->ndim - 1; i >= 0; --i) {
        if (t->shape[i] != 1 && t->strides[i] != expected) throw Error(what + ": expected a C-contiguous tensor");
        expected *= t->shape[i];
      }
    }
    data_ = reinterpret_cast<const T*>(static_cast<const char*>(t->data) + t->byte_offset);
    shape_.assign(t->shape, t->shape + t->ndim);
  }
  const T* data() const noexcept { return data_; }
  int64_t size(int dim) const { return shape_.at(static_cast<size_t>(dim)); }
  int64_t numel() const noexcept {
    int64_t n = 1;
    for (int64_t s : shape_) n *= s;
    return n;
  }
  const T& operator[](int64_t i) const noexcept { return data_[i]; }
  /// Row r of a 2-D view.
  const T* row(int64_t r) const noexcept { return data_ + r * shape_[1]; }

 private:
  const T* data_ = nullptr;
  std::vector<int64_t> shape_;
};

/// A DLManagedTensor that owns `data`; ownership passes to whoever receives it.
template <class T>
DLManagedTensor* to_dlpack(std::vector<T> data, std::vector<int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  if (n != static_cast<int64_t>(data.size())) throw Error("to_dlpack: shape does not match the data size", GRHOST_INTERNAL);
  struct Owner {
    DLManagedTensor managed;
    std::vector<T> data;
    std::vector<int64_t> shape;
  };
  auto* owner = new Owner{{}, std::move(data), std::move(shape)};
  DLTensor& t = owner->managed.dl_tensor;
  t.data = owner->data.data();
  t.device = DLDevice{kDLCPU, 0};
  t.ndim = static_cast<int32_t>(owner->shape.size());
  t.dtype = detail::dtype_of<T>::value;
  t.shape = owner->shape.data();
  t.strides = nullptr;
  t.byte_offset = 0;
  owner->managed.manager_ctx = owner;
  owner->managed.deleter = [](DLManagedTensor* self) { delete static_cast<Owner*>(self->manager_ctx); };
  return &owner->managed;
}

/// A borrowed DLTensor over caller-owned memory (for handing data to the host).
template <class T>
DLTensor borrow(const T* data, int64_t* shape, int32_t ndim) {
  DLTensor t{};
  t.data = const_cast<T*>(data);
  t.device = DLDevice{kDLCPU, 0};
  t.ndim = ndim;
  t.dtype = detail::dtype_of<T>::value;
  t.shape = shape;
  return t;
}

}  // namespace grhost
