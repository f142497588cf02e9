#include "plan/plan.hpp"

namespace grhost::plan {

std::vector<Job> make_plan(const manifest::Manifest& m) {
  std::vector<Job> jobs;
  for (const auto& task : m.tasks) {
    const bool across = task.component->task.scope == GRHOST_SCOPE_ACROSS_MODELS;
    for (const auto& dataset : m.datasets) {
      if (across) {
        Job j{&task, &dataset, {}, task.id + "/" + dataset.id + "/all-models"};
        for (const auto& model : m.models) j.models.push_back(&model);
        jobs.push_back(std::move(j));
        continue;
      }
      for (const auto& model : m.models) {
        // A language model's class vectors are no split of images' features:
        // per-model tasks (few-shot, clustering, probes, attacks) leave it out.
        if (model.component != nullptr && model.component->class_level()) continue;
        jobs.push_back(Job{&task, &dataset, {&model}, task.id + "/" + dataset.id + "/" + model.id});
      }
    }
  }
  return jobs;
}

}  // namespace grhost::plan
