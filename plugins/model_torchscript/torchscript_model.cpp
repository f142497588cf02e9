// Model "torchscript": any TorchScript file (torch.jit.script or trace, saved
// with PyTorch 1.13 or older). Features come from the forward pass, a named
// method, or the model's children run in order up to a named layer; an
// output index picks one element of a tuple output. Logits from a method
// (forward by default) when asked for.
#include <grhost/torch_bridge.hpp>  // before GRHOST_PLUGIN: records the LibTorch build stamp
#include <grhost/plugin.hpp>

#include <ATen/DLConvertor.h>
#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include "torchscript_common.hpp"

#include <sstream>

namespace {

std::vector<std::string> split_path(const std::string& dotted) {
  std::vector<std::string> parts;
  std::stringstream ss(dotted);
  std::string p;
  while (std::getline(ss, p, '.'))
    if (!p.empty()) parts.push_back(p);
  return parts;
}

grhost_interpolation parse_interpolation(const std::string& s) {
  if (s == "bicubic") return GRHOST_INTERP_BICUBIC;
  if (s == "nearest") return GRHOST_INTERP_NEAREST;
  return GRHOST_INTERP_BILINEAR;
}

class TorchScriptModel : public grhost::Model {
 public:
  static constexpr const char* id = "torchscript";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "any TorchScript vision model (features, optionally logits)";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("file", nullptr, "the TorchScript file (torch.jit.save)"),
        grhost::option_string("method", "forward", "the method whose output is the features (e.g. encode_image)"),
        grhost::option_string("layer", "",
                              "instead of a method: run the model's children in order up to this one (dotted path, "
                              "e.g. avgpool); for models whose forward is their children in sequence, as torchvision's "
                              "ResNet and VGG"),
        grhost::option_int("output", "-1", "when the output is a tuple or list, the index of the features; -1: not one")
            .min(-1),
        grhost::option_string("logits", "", "the method giving class logits (e.g. forward); empty: none"),
        grhost::option_int("resize", "256", "shorter side after resize; 0: none").min(0),
        grhost::option_int("crop", "224", "centre crop size; 0: none").min(0),
        grhost::option_string("interpolation", "bilinear", "resize filter (antialiased)").one_of("bilinear|bicubic|nearest"),
        grhost::option_float_list("mean", "[0.485, 0.456, 0.406]", "per-channel mean (RGB), subtracted after scaling to [0, 1]"),
        grhost::option_float_list("std", "[0.229, 0.224, 0.225]", "per-channel standard deviation (RGB)").min(1e-12),
        grhost::option_string("memory_format", "auto",
                              "channels_last feeds the model NHWC input (oneDNN's faster convolutions), contiguous NCHW; "
                              "auto: channels_last from 96x96 pixels up; results differ by float rounding only")
            .one_of("auto|contiguous|channels_last"),
        grhost::option_string("device", "auto", "auto (CUDA when there is one), cpu or cuda").one_of("auto|cpu|cuda"),
        grhost::option_string("precision", "float32", "float16 or bfloat16: autocast on CUDA").one_of("float32|float16|bfloat16"),
    };
  }

  explicit TorchScriptModel(const grhost::Options& o)
      : file_(o.get_string("file")),
        method_(o.get_string("method")),
        layer_(split_path(o.get_string("layer"))),
        output_(o.get_int("output")),
        logits_method_(o.get_string("logits")),
        memory_format_(o.get_string("memory_format")),
        device_(torch::kCPU) {
    device_ = grhost::torchscript::choose_device(o.get_string("device"));
    const std::string precision = o.get_string("precision");
    if (precision != "float32" && !device_.is_cuda())
      throw grhost::Error("precision: " + precision + " autocasts on CUDA only; this model runs on the CPU");
    autocast_ = precision == "float16" ? at::kHalf : precision == "bfloat16" ? at::kBFloat16 : at::kFloat;

    const auto mean = o.get_float_list("mean"), stdv = o.get_float_list("std");
    if (mean.size() != 3 || stdv.size() != 3) throw grhost::Error("mean and std need three values each (R, G, B)");
    info_.input.resize = o.get_int("resize");
    info_.input.crop = o.get_int("crop");
    info_.input.interpolation = parse_interpolation(o.get_string("interpolation"));
    for (int c = 0; c < 3; ++c) {
      info_.input.mean[c] = static_cast<float>(mean[static_cast<size_t>(c)]);
      info_.input.std[c] = static_cast<float>(stdv[static_cast<size_t>(c)]);
    }
    module_ = grhost::torchscript::load_module(file_, device_);
    if (layer_.empty() && !module_.find_method(method_))
      throw grhost::Error(file_ + ": the model has no method '" + method_ + "'" + methods_hint());
    if (!logits_method_.empty() && !module_.find_method(logits_method_))
      throw grhost::Error(file_ + ": the model has no method '" + logits_method_ + "' for logits" + methods_hint());
    if (!layer_.empty()) check_layer_path(module_, 0);
    info_.fingerprint = "torchscript:" + grhost::torchscript::file_hash(file_);
    info_.num_logits = logits_method_.empty() ? 0 : -1;  // the width shows on the first call
  }

  grhost::ModelInfo info() const override { return info_; }

  DLManagedTensor* embed(const DLTensor* images) override {
    torch::Tensor f = run([&](const torch::Tensor& x) { return features_of(x); }, images);
    if (f.dim() < 2) throw grhost::Error("the features have " + std::to_string(f.dim()) + " dimensions; expected (N, ...)");
    return at::toDLPack(f.flatten(1).to(torch::kCPU, torch::kFloat).contiguous());
  }

  std::pair<DLManagedTensor*, DLManagedTensor*> logits_vjp(const DLTensor* images, const grhost::Cotangent& cotangent) override {
    require_logits();
    return vjp([&](const torch::Tensor& x) { return pick(module_.get_method(logits_method_)({x})); }, images, cotangent);
  }

  std::pair<DLManagedTensor*, DLManagedTensor*> embed_vjp(const DLTensor* images, const grhost::Cotangent& cotangent) override {
    return vjp([&](const torch::Tensor& x) { return features_of(x); }, images, cotangent);
  }

  DLManagedTensor* logits(const DLTensor* images) override {
    require_logits();
    torch::Tensor y = run([&](const torch::Tensor& x) { return pick(module_.get_method(logits_method_)({x})); }, images);
    return at::toDLPack(y.flatten(1).to(torch::kCPU, torch::kFloat).contiguous());
  }

 private:
  void require_logits() const {
    if (logits_method_.empty()) throw grhost::Error("this model was configured without logits ('logits' option)", GRHOST_UNSUPPORTED);
  }

  // {outputs, cotangentᵀ · ∂outputs/∂images} by reverse mode, in float32
  // (attacks need exact gradients, so no autocast): one forward pass, the
  // caller's cotangent of the outputs, one backward pass.
  template <class F>
  std::pair<DLManagedTensor*, DLManagedTensor*> vjp(F&& forward, const DLTensor* images, const grhost::Cotangent& cotangent) {
    grhost::View<float> v(images, 4, "images");
    torch::AutoGradMode grad_mode(true);  // the host may call from an inference-mode scope
    try {
      torch::Tensor x = grhost::torch_view(*images).to(device_).detach().requires_grad_(true);
      torch::Tensor y = forward(input_layout(x, true)).flatten(1).to(torch::kFloat);
      DLManagedTensor* outputs = at::toDLPack(y.detach().to(torch::kCPU).contiguous());
      torch::Tensor c;
      try {
        c = grhost::to_torch(cotangent(outputs->dl_tensor)).to(device_, torch::kFloat);
      } catch (...) {
        outputs->deleter(outputs);
        throw;
      }
      if (c.sizes() != y.sizes()) {
        outputs->deleter(outputs);
        throw grhost::Error("the cotangent has shape " + shape_of(c) + ", the outputs " + shape_of(y));
      }
      torch::Tensor grad = torch::autograd::grad({y}, {x}, {c})[0];
      return {outputs, at::toDLPack(grad.to(torch::kCPU, torch::kFloat).contiguous())};
    } catch (const c10::Error& e) {
      throw grhost::Error(file_ + ": the backward pass failed on a batch of shape " + std::to_string(v.size(0)) + "x" +
                              std::to_string(v.size(1)) + "x" + std::to_string(v.size(2)) + "x" + std::to_string(v.size(3)) +
                              ": " + e.msg().substr(0, e.msg().find('\n')),
                          GRHOST_INTERNAL);
    }
  }

  static std::string shape_of(const torch::Tensor& t) {
    std::string s;
    for (int64_t d : t.sizes()) s += (s.empty() ? "" : "x") + std::to_string(d);
    return s;
  }

  template <class F>
  torch::Tensor run(F&& forward, const DLTensor* images) {
    grhost::View<float> v(images, 4, "images");
    torch::Tensor x = torch::from_blob(const_cast<float*>(v.data()), {v.size(0), v.size(1), v.size(2), v.size(3)},
                                       torch::kFloat)
                          .to(device_);
    x = input_layout(x);
    torch::InferenceMode guard;
    try {
      if (autocast_ != at::kFloat) {
        at::autocast::set_enabled(true);
        at::autocast::set_autocast_gpu_dtype(autocast_);
      }
      torch::Tensor out = forward(x);
      if (autocast_ != at::kFloat) at::autocast::set_enabled(false);
      return out;
    } catch (const c10::Error& e) {
      if (autocast_ != at::kFloat) at::autocast::set_enabled(false);
      throw grhost::Error(file_ + ": the model failed on a batch of shape " + std::to_string(v.size(0)) + "x" +
                              std::to_string(v.size(1)) + "x" + std::to_string(v.size(2)) + "x" + std::to_string(v.size(3)) +
                              ": " + e.msg().substr(0, e.msg().find('\n')),
                          GRHOST_INTERNAL);
    }
  }

  // The memory format the model gets its input in. Measured with ResNet-18
  // on 2 cores: NHWC is 25% faster at 224x224, 17% at 112x112, and 15%
  // slower at 64x64 (docs/models.md).
  // A forward and backward pass (the VJPs) gains less: on ResNet-18, NHWC
  // was 20-40% slower at 112x112 and 2-9% faster at 224x224.
  torch::Tensor input_layout(const torch::Tensor& x, bool backward = false) const {
    const int64_t from = backward ? 192 * 192 : 96 * 96;
    const bool nhwc = memory_format_ == "channels_last" || (memory_format_ == "auto" && x.size(2) * x.size(3) >= from);
    return nhwc ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
  }

  torch::Tensor features_of(const torch::Tensor& x) {
    if (layer_.empty()) return pick(module_.get_method(method_)({x}));
    torch::Tensor y = x;
    run_children(module_, 0, y);
    return y;
  }

  // Runs `m`'s children in order until layer_[depth], descending into it for
  // the rest of the path.
  void run_children(const torch::jit::Module& m, size_t depth, torch::Tensor& y) const {
    for (const auto& child : m.named_children()) {
      torch::jit::Module c = child.value;  // a handle; forward() is not const
      if (child.name == layer_[depth]) {
        if (depth + 1 == layer_.size()) y = c.forward({y}).toTensor();
        else run_children(c, depth + 1, y);
        return;
      }
      y = c.forward({y}).toTensor();
    }
  }

  void check_layer_path(const torch::jit::Module& m, size_t depth) const {
    std::string names;
    for (const auto& child : m.named_children()) {
      if (child.name == layer_[depth]) {
        if (depth + 1 < layer_.size()) check_layer_path(child.value, depth + 1);
        return;
      }
      names += (names.empty() ? "" : ", ") + child.name;
    }
    throw grhost::Error(file_ + ": no child '" + layer_[depth] + "' at depth " + std::to_string(depth) +
                        " of the layer path (children there: " + names + ")");
  }

  torch::Tensor pick(const c10::IValue& out) const { return grhost::torchscript::pick_output(out, output_); }

  std::string methods_hint() const { return grhost::torchscript::methods_hint(module_); }

  std::string file_, method_;
  std::vector<std::string> layer_;
  int64_t output_;
  std::string logits_method_;
  std::string memory_format_;
  torch::Device device_;
  at::ScalarType autocast_ = at::kFloat;
  torch::jit::Module module_;
  grhost::ModelInfo info_;
};

}  // namespace

GRHOST_PLUGIN("grhost-model-torchscript", TorchScriptModel)
