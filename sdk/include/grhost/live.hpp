// grhost/live.hpp — models as differentiable functions, for attacks and
// live-model tasks (robustness).
//
// Each class wraps a C struct of grhost.h and turns error statuses into
// grhost::Error, so plugin code reads like ordinary C++:
//
//   grhost::Managed logits = model.logits(images);
//   auto [logits, grad] = model.logits_vjp(images, [&](const DLTensor& logits) {
//     return cross_entropy_gradient(logits, labels);   // a DLManagedTensor*
//   });
#pragma once

#include <grhost/tensor.hpp>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace grhost {

/// The cotangent callback a model receives in its VJPs: call it once with the
/// forward pass's outputs, between the forward and the backward pass.
class Cotangent {
 public:
  explicit Cotangent(const grhost_cotangent_fn* raw) : raw_(raw) {
    if (raw_ == nullptr || raw_->compute == nullptr) throw Error("the VJP was called without a cotangent function");
  }
  Managed operator()(const DLTensor& outputs) const {
    DLManagedTensor* out = nullptr;
    check(raw_->compute(raw_->context, &outputs, &out));
    if (out == nullptr) throw Error("the cotangent function returned no tensor");
    return Managed(out);
  }

 private:
  const grhost_cotangent_fn* raw_;
};

namespace detail {

/// A grhost_cotangent_fn calling a C++ callable F(const DLTensor&) that
/// returns a DLManagedTensor* (ownership passes to the model) or a Managed.
template <class F>
grhost_cotangent_fn cotangent_fn(F& f) {
  grhost_cotangent_fn fn{};
  fn.context = &f;
  fn.compute = [](void* context, const DLTensor* outputs, DLManagedTensor** out) -> grhost_status* {
    return guarded("cotangent", [&] {
      auto result = (*static_cast<F*>(context))(*outputs);
      if constexpr (std::is_same_v<decltype(result), Managed>) *out = result.release();
      else *out = result;
    });
  };
  return fn;
}

}  // namespace detail

/// A model as an attack sees it: pixels (before normalisation) to logits.
class Differentiable {
 public:
  explicit Differentiable(const grhost_differentiable& raw) : raw_(raw) {}
  int64_t num_classes() const noexcept { return raw_.num_classes; }
  const grhost_differentiable& raw() const noexcept { return raw_; }

  Managed logits(const DLTensor& images) const {
    DLManagedTensor* out = nullptr;
    check(raw_.logits(raw_.context, &images, &out));
    if (out == nullptr) throw Error("the model returned no logits");
    return Managed(out);
  }

  /// {logits, cotangentᵀ · ∂logits/∂images}, with one forward and one
  /// backward pass; `cotangent(logits)` gives d loss / d logits.
  template <class F>
  std::pair<Managed, Managed> logits_vjp(const DLTensor& images, F&& cotangent) const {
    grhost_cotangent_fn fn = detail::cotangent_fn(cotangent);
    DLManagedTensor *logits = nullptr, *grad = nullptr;
    check(raw_.logits_vjp(raw_.context, &images, &fn, &logits, &grad));
    if (logits == nullptr || grad == nullptr) throw Error("the model's VJP returned no tensor");
    return {Managed(logits), Managed(grad)};
  }

 private:
  grhost_differentiable raw_;
};

/// An attack as a live-model task runs it.
class AttackHandle {
 public:
  explicit AttackHandle(const grhost_attack_handle& raw) : raw_(raw) {}
  std::string id() const { return raw_.id != nullptr ? raw_.id : ""; }
  std::string plugin() const { return raw_.plugin != nullptr ? raw_.plugin : ""; }
  /// Whether perturb honours grhost_attack_request::epsilons.
  bool per_image_epsilon() const { return raw_.per_image_epsilon != 0; }
  /// Adversarial images, same shape as request.images.
  Managed perturb(const Differentiable& model, const grhost_attack_request& request) const {
    DLManagedTensor* out = nullptr;
    check(raw_.perturb(raw_.context, &model.raw(), &request, &out));
    if (out == nullptr) throw Error("attack '" + id() + "' returned no images");
    return Managed(out);
  }

 private:
  grhost_attack_handle raw_;
};

/// The job's dataset as pixels for the job's model (see grhost_pixel_source).
class PixelSource {
 public:
  explicit PixelSource(const grhost_pixel_source& raw) : raw_(raw) {}
  /// Images in `split`; "" is the dataset's test split.
  int64_t size(const std::string& split) const {
    int64_t n = 0;
    check(raw_.split_size(raw_.context, split.c_str(), &n));
    return n;
  }
  /// {images (float32 N x 3 x H x W in [0, 1]), labels (int64 N)}.
  std::pair<Managed, Managed> read(const std::string& split, const std::vector<int64_t>& indices) const {
    DLManagedTensor *images = nullptr, *labels = nullptr;
    check(raw_.read(raw_.context, split.c_str(), indices.data(), static_cast<int64_t>(indices.size()), &images, &labels));
    if (images == nullptr || labels == nullptr) throw Error("the host returned no pixels");
    return {Managed(images), Managed(labels)};
  }

 private:
  grhost_pixel_source raw_;
};

}  // namespace grhost
