// Model "text-encoder": a language model from a TorchScript text encoder (a
// BERT, GPT-2 or CLIP text tower exported with torch.jit) and its WordPiece
// vocabulary. Each class name is put in the prompt ("a photo of {label}."),
// tokenized as BERT does, and the encoder's contextual embeddings of the
// label's tokens (the spec's rule; their mean for a label of several pieces)
// are the class's vector.
#include <grhost/torch_bridge.hpp>  // before GRHOST_PLUGIN: records the LibTorch build stamp
#include <grhost/plugin.hpp>

#include "torchscript_common.hpp"
#include "wordpiece.hpp"

#include <ATen/DLConvertor.h>

#include <memory>

namespace {

using grhost::text::WordPiece;

class TextEncoder : public grhost::Model {
 public:
  static constexpr const char* id = "text-encoder";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description =
      "class names through a TorchScript text encoder with a WordPiece vocabulary: a language model for RSA";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("file", nullptr, "the TorchScript text encoder (torch.jit.save)"),
        grhost::option_path("vocab", nullptr, "its WordPiece vocabulary (BERT's vocab.txt: one token a line)"),
        grhost::option_string("prompt", "a photo of {label}.", "the sentence each class name is put in ({label} once)"),
        grhost::option_bool("lowercase", "true", "lower-case and strip accents before WordPiece (uncased BERT)"),
        grhost::option_string("method", "forward",
                              "the method called with the token ids (1 x T int64) and, with attention_mask, a mask of "
                              "ones; it returns the last layer's states, 1 x T x H or T x H"),
        grhost::option_int("output", "-1", "when the method returns a tuple or list, the index of the states; -1: not one")
            .min(-1),
        grhost::option_bool("attention_mask", "true", "pass the attention mask as the method's second argument"),
        grhost::option_string("pool", "label",
                              "label: the mean of the label's tokens' states (the study's rule); label-first, "
                              "label-last; cls: the first token's; mean: every token's")
            .one_of("label|label-first|label-last|cls|mean"),
        grhost::option_string("cls_token", "'[CLS]'", "the token before the sentence; empty: none"),
        grhost::option_string("sep_token", "'[SEP]'", "the token after the sentence; empty: none"),
        grhost::option_string("unk_token", "'[UNK]'", "the vocabulary's unknown-word token"),
        grhost::option_int("max_length", "512", "the most tokens the encoder takes").min(2),
        grhost::option_string("device", "auto", "auto (CUDA when there is one), cpu or cuda").one_of("auto|cpu|cuda"),
    };
  }

  explicit TextEncoder(const grhost::Options& o)
      : file_(o.get_string("file")),
        prompt_(o.get_string("prompt")),
        method_(o.get_string("method")),
        output_(o.get_int("output")),
        mask_(o.get_bool("attention_mask")),
        pool_(o.get_string("pool")),
        cls_(o.get_string("cls_token")),
        sep_(o.get_string("sep_token")),
        max_length_(o.get_int("max_length")),
        device_(grhost::torchscript::choose_device(o.get_string("device"))) {
    const size_t at = prompt_.find("{label}");
    if (at == std::string::npos || prompt_.find("{label}", at + 1) != std::string::npos)
      throw grhost::Error("prompt '" + prompt_ + "' must hold {label} exactly once");
    try {
      tokenizer_ = std::make_unique<WordPiece>(o.get_string("vocab"), o.get_bool("lowercase"), o.get_string("unk_token"));
      for (const std::string& special : {cls_, sep_})
        if (!special.empty()) tokenizer_->id(special);
    } catch (const std::exception& e) {
      throw grhost::Error(e.what(), GRHOST_INVALID_ARGUMENT);
    }
    module_ = grhost::torchscript::load_module(file_, device_);
    if (!module_.find_method(method_))
      throw grhost::Error(file_ + ": the model has no method '" + method_ + "'" + grhost::torchscript::methods_hint(module_));
    info_.fingerprint = "text-encoder:" + grhost::torchscript::file_hash(file_) + ":" +
                        grhost::torchscript::file_hash(o.get_string("vocab"));
  }

  grhost::ModelInfo info() const override { return info_; }

  DLManagedTensor* class_embeddings(const std::string& dataset, const std::vector<std::string>& names) override {
    std::vector<torch::Tensor> rows;
    for (size_t c = 0; c < names.size(); ++c) rows.push_back(embed_class(dataset, names[c], c == 0));
    return at::toDLPack(torch::stack(rows).contiguous());
  }

 private:
  struct Sentence {
    std::vector<std::string> tokens;
    int64_t label_begin = 0, label_end = 0;  // the label's tokens: [begin, end)
  };

  // [CLS] prefix label suffix [SEP]. The three parts are tokenized apart,
  // which is the same as the whole when {label} stands between blanks or
  // punctuation (as in the default prompt), and says where the label is.
  Sentence sentence(const std::string& label) const {
    const size_t at = prompt_.find("{label}");
    Sentence s;
    if (!cls_.empty()) s.tokens.push_back(cls_);
    for (const auto& t : tokenizer_->tokenize(prompt_.substr(0, at))) s.tokens.push_back(t);
    s.label_begin = static_cast<int64_t>(s.tokens.size());
    for (const auto& t : tokenizer_->tokenize(label)) s.tokens.push_back(t);
    s.label_end = static_cast<int64_t>(s.tokens.size());
    for (const auto& t : tokenizer_->tokenize(prompt_.substr(at + 7))) s.tokens.push_back(t);
    if (!sep_.empty()) s.tokens.push_back(sep_);
    return s;
  }

  torch::Tensor embed_class(const std::string& dataset, const std::string& label, bool log_it) {
    Sentence s;
    try {
      s = sentence(label);
    } catch (const std::invalid_argument& e) {
      throw grhost::Error("dataset '" + dataset + "' class '" + label + "': " + e.what());
    }
    if (s.label_end == s.label_begin)
      throw grhost::Error("dataset '" + dataset + "' class '" + label + "' gives no token (only blanks or control characters?)");
    const auto n = static_cast<int64_t>(s.tokens.size());
    if (n > max_length_)
      throw grhost::Error("dataset '" + dataset + "' class '" + label + "': " + std::to_string(n) +
                          " tokens, more than max_length " + std::to_string(max_length_));
    if (log_it) {
      std::string text;
      for (const auto& t : s.tokens) text += (text.empty() ? "" : " ") + t;
      grhost::log(GRHOST_LOG_INFO, "text-encoder: '" + label + "' is " + text + " (label tokens " +
                                       std::to_string(s.label_begin) + ".." + std::to_string(s.label_end - 1) + ")");
    }
    std::vector<int64_t> ids = tokenizer_->ids(s.tokens);
    torch::Tensor x = torch::tensor(ids, torch::kLong).unsqueeze(0).to(device_);
    std::vector<c10::IValue> args = {x};
    if (mask_) args.emplace_back(torch::ones_like(x));
    torch::Tensor states;
    try {
      torch::InferenceMode guard;
      states = grhost::torchscript::pick_output(module_.get_method(method_)(args), output_);
    } catch (const c10::Error& e) {
      throw grhost::Error(file_ + ": the encoder failed on class '" + label + "' (" + std::to_string(n) +
                          " tokens): " + e.msg().substr(0, e.msg().find('\n')));
    }
    if (states.dim() == 3 && states.size(0) == 1) states = states[0];
    if (states.dim() != 2 || states.size(0) != n)
      throw grhost::Error(file_ + ": method '" + method_ + "' returned shape " + shape_of(states) + " for " +
                          std::to_string(n) + " tokens; expected 1 x " + std::to_string(n) + " x H (the last layer's states)");
    states = states.to(torch::kCPU, torch::kFloat);
    if (pool_ == "label") return states.slice(0, s.label_begin, s.label_end).mean(0);
    if (pool_ == "label-first") return states[s.label_begin];
    if (pool_ == "label-last") return states[s.label_end - 1];
    if (pool_ == "cls") return states[0];
    return states.mean(0);
  }

  static std::string shape_of(const torch::Tensor& t) {
    std::string s;
    for (int64_t d : t.sizes()) s += (s.empty() ? "" : " x ") + std::to_string(d);
    return s;
  }

  std::string file_, prompt_, method_;
  int64_t output_;
  bool mask_;
  std::string pool_, cls_, sep_;
  int64_t max_length_;
  torch::Device device_;
  std::unique_ptr<WordPiece> tokenizer_;
  torch::jit::Module module_;
  grhost::ModelInfo info_;
};

}  // namespace

GRHOST_PLUGIN("grhost-text-encoder", TextEncoder)
