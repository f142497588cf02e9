// grhost/components.hpp — base classes for the four component kinds.
//
// Derive from one, give the class these static members, and list it in
// GRHOST_PLUGIN (plugin.hpp):
//   static constexpr const char* id = "my-task";          // unique per kind
//   static constexpr const char* version = "1.0.0";
//   static constexpr const char* description = "one line";
//   static std::vector<grhost::OptionSpec> options();      // may be empty
//   explicit MyTask(const grhost::Options& options);      // throws on bad values
// Tasks also declare `static constexpr grhost_task_scope scope`.
// Optional model calls (embed, stored_features, logits, logits_vjp,
// embed_vjp, class_embeddings) are offered to the host only when the class overrides them.
#pragma once

#include <grhost/live.hpp>
#include <grhost/options.hpp>
#include <grhost/tensor.hpp>

#include <string>
#include <utility>
#include <vector>

namespace grhost {

/// A dataset: class names, splits, labels and images (uint8 HWC).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual std::vector<std::string> class_names() const = 0;
  virtual std::vector<std::string> split_names() const = 0;
  /// Changes whenever the data changes; feature caches are keyed by it.
  virtual std::string fingerprint() const = 0;
  virtual int64_t split_size(int64_t split) const = 0;
  /// All labels of a split (int64, split_size entries).
  virtual DLManagedTensor* labels(int64_t split) const = 0;
  /// One image as uint8 HWC and its label; called from several threads at once.
  virtual DLManagedTensor* read_image(int64_t split, int64_t index, int64_t* label) const = 0;
};

/// Features and labels served from storage by Model::stored_features.
struct StoredFeatures {
  DLManagedTensor* features = nullptr;  // float32 N x D
  DLManagedTensor* labels = nullptr;    // int64 N, or nullptr to use the dataset's labels
};

/// What a model tells the host about itself.
struct ModelInfo {
  int64_t feature_dim = 0;  // 0 if not known before features are served
  int64_t num_logits = 0;   // 0: no classifier; -1: one whose width shows once logits are computed
  grhost_input_spec input{sizeof(grhost_input_spec), 0, 0, GRHOST_INTERP_BILINEAR, {0, 0, 0}, {1, 1, 1}};
  std::string fingerprint;  // changes whenever the features would
};

/// A model: features of images, optionally logits and their gradients, or
/// features computed elsewhere.
class Model {
 public:
  virtual ~Model() = default;
  virtual ModelInfo info() const = 0;
  virtual DLManagedTensor* embed(const DLTensor* images) { (void)images; throw Error("embed is not offered", GRHOST_UNSUPPORTED); }
  virtual StoredFeatures stored_features(const std::string& dataset, const std::string& split) {
    (void)dataset; (void)split;
    throw Error("stored_features is not offered", GRHOST_UNSUPPORTED);
  }
  virtual DLManagedTensor* logits(const DLTensor* images) { (void)images; throw Error("logits is not offered", GRHOST_UNSUPPORTED); }
  /// Returns {logits, cotangentᵀ · ∂logits/∂images}: the forward pass, then
  /// `cotangent(logits)` once, then the backward pass.
  virtual std::pair<DLManagedTensor*, DLManagedTensor*> logits_vjp(const DLTensor* images, const Cotangent& cotangent) {
    (void)images; (void)cotangent;
    throw Error("logits_vjp is not offered", GRHOST_UNSUPPORTED);
  }
  /// The same for the features.
  virtual std::pair<DLManagedTensor*, DLManagedTensor*> embed_vjp(const DLTensor* images, const Cotangent& cotangent) {
    (void)images; (void)cotangent;
    throw Error("embed_vjp is not offered", GRHOST_UNSUPPORTED);
  }
  /// One vector per class name of the manifest's dataset `dataset` (float32
  /// classes x D): what a language model offers instead of embed or
  /// stored_features.
  virtual DLManagedTensor* class_embeddings(const std::string& dataset, const std::vector<std::string>& class_names) {
    (void)dataset; (void)class_names;
    throw Error("class_embeddings is not offered", GRHOST_UNSUPPORTED);
  }
};

/// An attack: adversarial images from the model's forward and gradient calls
/// only, so it works for any model backend.
class Attack {
 public:
  virtual ~Attack() = default;
  /// Same shape as request.images; within [lower, upper] and
  /// within request.epsilon of the images in the attack's norm.
  virtual DLManagedTensor* perturb(const Differentiable& model, const grhost_attack_request& request) = 0;
  /// Redeclare as true in a subclass whose perturb reads request.epsilons
  /// (one budget per image), so that tasks may attack several budgets at once.
  static constexpr bool per_image_epsilon = false;
};

/// One model's features on the task's dataset (borrowed for the run() call).
struct TaskEntry {
  std::string model;
  std::string family;
  bool has_train = false;
  View<float> train_features;
  View<int64_t> train_labels;
  View<float> test_features;
  View<int64_t> test_labels;
  // Live-model tasks only (their features above are empty).
  const grhost_differentiable* live_model = nullptr;
  const grhost_pixel_source* pixels = nullptr;
};

struct TaskInput {
  std::string dataset;
  int64_t num_classes = 0;
  std::vector<std::string> class_names;
  uint64_t seed = 0;
  int threads = 1;
  std::vector<TaskEntry> entries;
  std::vector<AttackHandle> attacks;  // live-model tasks: the manifest's attacks for this task
};

/// One tidy result row; see grhost_result_row.
struct Row {
  std::string model;  // empty: the single entry's model
  std::string split;  // empty: the dataset's test split
  std::string metric;
  std::vector<std::pair<std::string, std::string>> params;
  int64_t trial = -1;
  double value = 0;
  bool is_summary = false;
  double mean = 0, std = 0, sem = 0;
  int64_t n = 0;
};

/// Where a task writes rows and matrices.
class Results {
 public:
  explicit Results(grhost_results* raw) : raw_(raw) {}
  void add(const Row& row) const {
    std::vector<const char*> names, values;
    for (const auto& p : row.params) { names.push_back(p.first.c_str()); values.push_back(p.second.c_str()); }
    grhost_result_row r{};
    r.struct_size = sizeof(r);
    r.model = row.model.c_str();
    r.split = row.split.c_str();
    r.metric = row.metric.c_str();
    r.num_params = static_cast<int64_t>(names.size());
    r.param_names = names.data();
    r.param_values = values.data();
    r.trial = row.trial;
    r.value = row.value;
    r.is_summary = row.is_summary ? 1 : 0;
    r.mean = row.mean; r.std = row.std; r.sem = row.sem; r.n = row.n;
    check(host().add_row(raw_, &r));
  }
  /// Writes `<name>.npy` in the run's matrices folder.
  void add_matrix(const std::string& name, const DLTensor& m) const { check(host().add_matrix(raw_, name.c_str(), &m)); }
  /// `done` of `total` items of step `label`; done == total ends the step.
  void progress(const std::string& label, int64_t done, int64_t total) const {
    if (host().progress != nullptr) host().progress(raw_, label.c_str(), done, total);
  }

 private:
  grhost_results* raw_;
};

/// An analysis over features.
class Task {
 public:
  virtual ~Task() = default;
  virtual void run(const TaskInput& input, const Results& results) = 0;
};

}  // namespace grhost
