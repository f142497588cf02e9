// Features and labels per (model, dataset, split), obtained once per run and
// shared by every task: from the model's stored features, with labels from
// the model or else the dataset. Every matrix is checked (shape, finite
// values, label range) before a task sees it.
#pragma once

#include "manifest/manifest.hpp"
#include "plugins/instance.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace grhost::extract {

struct SplitFeatures {
  int64_t rows = 0, dim = 0;
  std::vector<float> features;  // rows x dim, row-major
  std::vector<int64_t> labels;  // rows
  std::string hash;             // of features and labels, for result caches
};

/// What a task needs to know about a dataset besides features.
struct DatasetInfo {
  int64_t num_classes = 0;
  std::vector<std::string> class_names;
};

class FeatureStore {
 public:
  explicit FeatureStore(const manifest::Manifest& m) : manifest_(m) {}

  const SplitFeatures& get(const manifest::Entry& model, const manifest::Entry& dataset, const std::string& split);
  /// Class count and names: from the dataset plugin, the manifest's
  /// `classes`, or else the largest label seen plus one.
  const DatasetInfo& info(const manifest::Entry& dataset);
  /// Drops a dataset's features once no later job needs them.
  void release(const manifest::Entry& dataset);
  /// How many (model, dataset, split) feature sets were computed, not read from a cache.
  int64_t extractions() const { return extractions_; }

  /// The one instance of each model and dataset plugin entry (live-model
  /// tasks use them too). A dataset without plugin has none (nullptr).
  plugins::Instance& model_instance(const manifest::Entry& model);
  plugins::Instance* dataset_instance(const manifest::Entry& dataset);
  /// The index of `split` among the dataset plugin's split names.
  int64_t split_index(const manifest::Entry& dataset, const std::string& split);

 private:
  /// A class-level model's vectors for the dataset's class names: one row a
  /// class, labels 0..C-1, whatever the split.
  SplitFeatures per_class(const manifest::Entry& model, const manifest::Entry& dataset);
  SplitFeatures stored(const manifest::Entry& model, const manifest::Entry& dataset, const std::string& split);
  SplitFeatures extracted(const manifest::Entry& model, const manifest::Entry& dataset, const std::string& split);
  std::vector<int64_t> dataset_labels(const manifest::Entry& dataset, const std::string& split);

  const manifest::Manifest& manifest_;
  std::map<std::string, std::unique_ptr<plugins::Instance>> models_, datasets_;
  std::map<std::string, SplitFeatures> features_;  // key: model/dataset/split
  std::map<std::string, DatasetInfo> infos_;
  int64_t extractions_ = 0;
};

/// grhost_options for a manifest entry (shared with the task runner).
grhost_options options_of(const manifest::Entry& e, grhost_kind kind);

}  // namespace grhost::extract
