// Running one job of the plan: the task's instance is made once per task
// entry; each job gets its features from the FeatureStore, is checked, and
// is handed to the plugin as borrowed DLPack tensors.
#pragma once

#include "extract/feature_store.hpp"
#include "plan/plan.hpp"
#include "plugins/host_api.hpp"

#include <map>
#include <memory>
#include <optional>

namespace grhost::analyse {

class TaskRunner {
 public:
  TaskRunner(const manifest::Manifest& manifest, extract::FeatureStore& store)
      : manifest_(manifest), store_(store), seed_(manifest.seed), threads_(manifest.threads) {}

  /// Runs `job`; the rows and matrices it wrote are in the returned object.
  grhost_results run(const plan::Job& job);

  /// The key under which a job's results may be reused: it changes with the
  /// task's plugin, version, library file (path, size, mtime) and options,
  /// the features and labels, the class names, the seed and the thread count;
  /// for a live-model task, the attacks, the model's and the dataset's
  /// plugins, options and fingerprints instead of features.
  std::string cache_key(const plan::Job& job);

 private:
  plugins::Instance& task_instance(const manifest::Entry& task);
  plugins::Instance& attack_instance(const manifest::Entry& attack);
  const manifest::Entry& attack_entry(const std::string& id) const;
  /// The task's run() on these entries (and attacks, for live-model tasks).
  grhost_results call_task(const plan::Job& job, const std::vector<const grhost_task_entry*>& entries,
                           const std::vector<const grhost_attack_handle*>& attacks);
  /// A live-model job: the model as a differentiable, the dataset as pixels.
  grhost_results run_live(const plan::Job& job);
  std::optional<struct LinearHead> head_for(const manifest::Entry& model, const plan::Job& job, const grhost_model_info& info);

  const manifest::Manifest& manifest_;
  extract::FeatureStore& store_;
  uint64_t seed_;
  int threads_;
  std::map<std::string, std::unique_ptr<plugins::Instance>> tasks_, attacks_;
};

}  // namespace grhost::analyse
