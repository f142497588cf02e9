// Running one job of the plan: the task's instance is made once per task
// entry; each job gets its features from the FeatureStore, is checked, and
// is handed to the plugin as borrowed DLPack tensors.
#pragma once

#include "extract/feature_store.hpp"
#include "plan/plan.hpp"
#include "plugins/host_api.hpp"

#include <map>
#include <memory>

namespace grhost::analyse {

class TaskRunner {
 public:
  TaskRunner(extract::FeatureStore& store, uint64_t seed, int threads) : store_(store), seed_(seed), threads_(threads) {}

  /// Runs `job`; the rows and matrices it wrote are in the returned object.
  grhost_results run(const plan::Job& job);

  /// The key under which a job's results may be reused: it changes with the
  /// task's plugin, version, library file (path, size, mtime) and options,
  /// the features and labels, the class names, the seed and the thread count.
  std::string cache_key(const plan::Job& job);

 private:
  plugins::Instance& task_instance(const manifest::Entry& task);

  extract::FeatureStore& store_;
  uint64_t seed_;
  int threads_;
  std::map<std::string, std::unique_ptr<plugins::Instance>> tasks_;
};

}  // namespace grhost::analyse
