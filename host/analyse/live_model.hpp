// A model as attacks see it: a grhost_differentiable from pixels in [0, 1]
// to logits. The model's normalisation ((x − mean) / std) happens here, so
// attacks work in pixel space and every model is attacked the same way; the
// VJP is carried back through it (÷ std per channel). A model without a
// classifier is attacked through a linear head W·f + b on its features
// (trained on cached features, as the linear-probe task trains one), using
// the model's embed_vjp.
#pragma once

#include "plugins/instance.hpp"

#include <grhost/grhost.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace grhost::analyse {

/// A linear classifier on features: logits = features · weightsᵀ + bias.
struct LinearHead {
  int64_t classes = 0, dim = 0;
  std::vector<float> weights;  // classes x dim, row-major
  std::vector<float> bias;     // classes
};

class LiveModel {
 public:
  /// `head`: empty to use the model's own logits (it must offer logits and
  /// logits_vjp), or a head for its features (it must offer embed and embed_vjp).
  LiveModel(plugins::Instance& model, std::string model_id, const grhost_model_info& info, std::optional<LinearHead> head);
  LiveModel(const LiveModel&) = delete;
  LiveModel& operator=(const LiveModel&) = delete;

  /// Valid while this object lives.
  const grhost_differentiable& raw() const { return raw_; }
  bool uses_head() const { return head_.has_value(); }

 private:
  static grhost_status* logits_call(void* self, const DLTensor* images, DLManagedTensor** out);
  static grhost_status* vjp_call(void* self, const DLTensor* images, const grhost_cotangent_fn* cotangent,
                                 DLManagedTensor** logits, DLManagedTensor** grad);
  DLManagedTensor* logits(const DLTensor& images);
  std::pair<DLManagedTensor*, DLManagedTensor*> vjp(const DLTensor& images, const grhost_cotangent_fn& cotangent);

  plugins::Instance& model_;
  std::string what_;  // "model 'x'" for messages
  grhost_input_spec spec_;
  std::optional<LinearHead> head_;
  grhost_differentiable raw_{};
};

}  // namespace grhost::analyse
