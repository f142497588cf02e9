#include "analyse/live_model.hpp"

#include "plugins/status.hpp"
#include "util/errors.hpp"

#include <grhost/tensor.hpp>

#include <ATen/ATen.h>
#include <ATen/DLConvertor.h>

#include <exception>

namespace grhost::analyse {
namespace {

// An at::Tensor over a borrowed CPU float32 DLTensor (no copy).
at::Tensor view_of(const DLTensor& t, int ndim, const std::string& what) {
  if (t.device.device_type != kDLCPU || t.dtype.code != kDLFloat || t.dtype.bits != 32 || t.ndim != ndim)
    throw UserError(what + ": expected a " + std::to_string(ndim) + "-D float32 CPU tensor");
  std::vector<int64_t> shape(t.shape, t.shape + t.ndim);
  at::Tensor v = at::from_blob(static_cast<char*>(t.data) + t.byte_offset, shape, at::kFloat);
  if (t.strides != nullptr) v = v.as_strided(shape, std::vector<int64_t>(t.strides, t.strides + t.ndim));
  return v;
}

at::Tensor take(DLManagedTensor* m, const std::string& what) {
  if (m == nullptr) throw PluginError(what + " returned no tensor");
  return at::fromDLPack(m);  // runs m's deleter when the tensor goes
}

// The features' cotangent from the logits' one, through the head: the head's
// logits go to the attack's cotangent function, and Gᵀ·W comes back.
struct HeadCotangent {
  const LinearHead* head;
  const grhost_cotangent_fn* outer;
  at::Tensor logits;  // kept for the caller
};

grhost_status* head_cotangent(void* context, const DLTensor* features, DLManagedTensor** out) {
  return plugins::status_of([&] {
    auto* hc = static_cast<HeadCotangent*>(context);
    const LinearHead& h = *hc->head;
    at::Tensor f = view_of(*features, 2, "the model's features");
    if (f.size(1) != h.dim)
      throw UserError("the model's features have " + std::to_string(f.size(1)) + " dimensions, the head was trained on " +
                      std::to_string(h.dim));
    at::Tensor w = at::from_blob(const_cast<float*>(h.weights.data()), {h.classes, h.dim}, at::kFloat);
    at::Tensor b = at::from_blob(const_cast<float*>(h.bias.data()), {h.classes}, at::kFloat);
    hc->logits = at::addmm(b, f, w.t()).contiguous();
    DLManagedTensor* lg = at::toDLPack(hc->logits);
    DLManagedTensor* g = nullptr;
    grhost_status* s = hc->outer->compute(hc->outer->context, &lg->dl_tensor, &g);
    lg->deleter(lg);
    if (s != nullptr) {
      std::string message = s->message;
      delete s;
      throw PluginError(message);
    }
    at::Tensor gl = take(g, "the cotangent function");
    *out = at::toDLPack(at::mm(gl.to(at::kFloat).contiguous(), w).contiguous());
  });
}

}  // namespace

LiveModel::LiveModel(plugins::Instance& model, std::string model_id, const grhost_model_info& info,
                     std::optional<LinearHead> head)
    : model_(model), what_("model '" + model_id + "'"), spec_(info.input), head_(std::move(head)) {
  const grhost_model_api& api = model_.component().model;
  if (head_) {
    if (api.embed == nullptr || api.embed_vjp == nullptr)
      throw UserError(what_ + " has no logits, and its plugin (" + model_.component().describe() +
                      ") offers no embed_vjp to attack its features through a head");
  } else if (api.logits == nullptr || api.logits_vjp == nullptr) {
    throw UserError(what_ + ": its plugin (" + model_.component().describe() + ") offers no logits and logits_vjp");
  }
  raw_.struct_size = sizeof(raw_);
  raw_.context = this;
  raw_.num_classes = head_ ? head_->classes : info.num_logits;
  raw_.logits = &LiveModel::logits_call;
  raw_.logits_vjp = &LiveModel::vjp_call;
}

grhost_status* LiveModel::logits_call(void* self, const DLTensor* images, DLManagedTensor** out) {
  return plugins::status_of([&] { *out = static_cast<LiveModel*>(self)->logits(*images); });
}

grhost_status* LiveModel::vjp_call(void* self, const DLTensor* images, const grhost_cotangent_fn* cotangent,
                                   DLManagedTensor** logits, DLManagedTensor** grad) {
  return plugins::status_of([&] {
    if (cotangent == nullptr || cotangent->compute == nullptr) throw UserError("logits_vjp without a cotangent function");
    auto r = static_cast<LiveModel*>(self)->vjp(*images, *cotangent);
    *logits = r.first;
    *grad = r.second;
  });
}

namespace {

// (x − mean) / std per channel, and the factor 1 / std the VJP is scaled by.
struct Normaliser {
  at::Tensor mean, inv_std;
  explicit Normaliser(const grhost_input_spec& s) {
    mean = at::tensor({s.mean[0], s.mean[1], s.mean[2]}, at::kFloat).view({1, 3, 1, 1});
    inv_std = 1.0 / at::tensor({s.std[0], s.std[1], s.std[2]}, at::kFloat).view({1, 3, 1, 1});
  }
  at::Tensor apply(const at::Tensor& x) const { return ((x - mean) * inv_std).contiguous(); }
};

at::Tensor pixels_of(const DLTensor& images) {
  at::Tensor x = view_of(images, 4, "the attack's images");
  if (x.size(1) != 3) throw UserError("the attack's images have " + std::to_string(x.size(1)) + " channels; expected 3 (NCHW RGB)");
  return x;
}

}  // namespace

DLManagedTensor* LiveModel::logits(const DLTensor& images) {
  plugins::ManagedTensor in(at::toDLPack(Normaliser(spec_).apply(pixels_of(images))));
  const plugins::Component& c = model_.component();
  DLManagedTensor* out = nullptr;
  if (head_) plugins::call_plugin(c, "embed", [&] { return c.model.embed(model_.raw(), &in->dl_tensor, &out); });
  else plugins::call_plugin(c, "logits", [&] { return c.model.logits(model_.raw(), &in->dl_tensor, &out); });
  at::Tensor y = take(out, c.describe() + (head_ ? ": embed" : ": logits")).to(at::kFloat).flatten(1);
  if (head_) {
    const LinearHead& h = *head_;
    at::Tensor w = at::from_blob(const_cast<float*>(h.weights.data()), {h.classes, h.dim}, at::kFloat);
    at::Tensor b = at::from_blob(const_cast<float*>(h.bias.data()), {h.classes}, at::kFloat);
    y = at::addmm(b, y, w.t());
  }
  return at::toDLPack(y.contiguous());
}

std::pair<DLManagedTensor*, DLManagedTensor*> LiveModel::vjp(const DLTensor& images, const grhost_cotangent_fn& cotangent) {
  const Normaliser norm(spec_);
  plugins::ManagedTensor in(at::toDLPack(norm.apply(pixels_of(images))));
  const plugins::Component& c = model_.component();
  DLManagedTensor *out_raw = nullptr, *grad_raw = nullptr;
  HeadCotangent hc{head_ ? &*head_ : nullptr, &cotangent, {}};
  grhost_cotangent_fn through_head{&hc, &head_cotangent};
  if (head_) {
    plugins::call_plugin(c, "embed_vjp", [&] { return c.model.embed_vjp(model_.raw(), &in->dl_tensor, &through_head, &out_raw, &grad_raw); });
  } else {
    plugins::call_plugin(c, "logits_vjp", [&] { return c.model.logits_vjp(model_.raw(), &in->dl_tensor, &cotangent, &out_raw, &grad_raw); });
  }
  at::Tensor y = take(out_raw, c.describe() + ": the VJP's outputs");
  at::Tensor g = take(grad_raw, c.describe() + ": the VJP's gradient");
  if (g.sizes() != at::IntArrayRef(in->dl_tensor.shape, 4))
    throw PluginError(c.describe() + ": the VJP's gradient does not have the images' shape");
  if (head_) y = hc.logits;
  // ∂x_norm/∂x = 1 / std, per channel.
  g = g.to(at::kFloat).contiguous();
  g.mul_(norm.inv_std);  // in place: the model handed this tensor over
  return {at::toDLPack(y.to(at::kFloat).flatten(1).contiguous()), at::toDLPack(g)};
}

}  // namespace grhost::analyse
