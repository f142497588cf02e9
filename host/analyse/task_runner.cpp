#include "analyse/task_runner.hpp"

#include "manifest/convert.hpp"
#include "util/errors.hpp"
#include "util/hash.hpp"

#include <grhost/tensor.hpp>

#include <filesystem>

namespace grhost::analyse {
namespace {

// Borrowed DLPack views of one split's features and labels.
struct SplitViews {
  int64_t fshape[2], lshape[1];
  DLTensor features, labels;
  explicit SplitViews(const extract::SplitFeatures& s) : fshape{s.rows, s.dim}, lshape{s.rows} {
    features = grhost::borrow(s.features.data(), fshape, 2);
    labels = grhost::borrow(s.labels.data(), lshape, 1);
  }
};

void check_labels(const extract::SplitFeatures& s, int64_t num_classes, const std::string& what) {
  for (size_t i = 0; i < s.labels.size(); ++i)
    if (s.labels[i] >= num_classes)
      throw UserError(what + ": label " + std::to_string(s.labels[i]) + " at row " + std::to_string(i) +
                      " is not below the dataset's " + std::to_string(num_classes) + " classes");
}

}  // namespace

plugins::Instance& TaskRunner::task_instance(const manifest::Entry& task) {
  auto& slot = tasks_[task.id];
  if (!slot) slot = std::make_unique<plugins::Instance>(*task.component, extract::options_of(task, GRHOST_KIND_TASK));
  return *slot;
}

std::string TaskRunner::cache_key(const plan::Job& job) {
  Hasher h;
  const manifest::Entry& t = *job.task;
  h.str(t.component->id).str(t.component->version);
  // A rebuilt plugin (same version, new code) must not reuse old results.
  std::error_code ec;
  const auto size = std::filesystem::file_size(t.component->file(), ec);
  const auto mtime = std::filesystem::last_write_time(t.component->file(), ec).time_since_epoch().count();
  h.str(t.component->file()).u64(static_cast<uint64_t>(size)).u64(static_cast<uint64_t>(mtime));
  for (const auto& [name, v] : t.options) h.str(name).str(YAML::Dump(manifest::to_yaml(v)));
  h.str(job.dataset->id);
  for (const std::string& c : store_.info(*job.dataset).class_names) h.str(c);
  for (const manifest::Entry* m : job.models) {
    h.str(m->id).str(m->family);
    h.str(store_.get(*m, *job.dataset, job.dataset->train_split).hash);
    h.str(store_.get(*m, *job.dataset, job.dataset->test_split).hash);
  }
  h.u64(seed_).u64(static_cast<uint64_t>(threads_));
  return h.hex();
}

grhost_results TaskRunner::run(const plan::Job& job) {
  const extract::DatasetInfo& info = store_.info(*job.dataset);
  std::vector<std::unique_ptr<SplitViews>> views;
  std::vector<grhost_task_entry> entries;
  entries.reserve(job.models.size());
  for (const manifest::Entry* m : job.models) {
    const auto& train = store_.get(*m, *job.dataset, job.dataset->train_split);
    const auto& test = store_.get(*m, *job.dataset, job.dataset->test_split);
    const std::string what = "model '" + m->id + "' on dataset '" + job.dataset->id + "'";
    check_labels(train, info.num_classes, what + " split '" + job.dataset->train_split + "'");
    check_labels(test, info.num_classes, what + " split '" + job.dataset->test_split + "'");
    if (train.dim != test.dim)
      throw UserError(what + ": train features have " + std::to_string(train.dim) + " dimensions but test features " +
                      std::to_string(test.dim));
    views.push_back(std::make_unique<SplitViews>(train));
    views.push_back(std::make_unique<SplitViews>(test));
    grhost_task_entry e{};
    e.struct_size = sizeof(e);
    e.model = m->id.c_str();
    e.family = m->family.c_str();
    e.train_features = &views[views.size() - 2]->features;
    e.train_labels = &views[views.size() - 2]->labels;
    e.test_features = &views.back()->features;
    e.test_labels = &views.back()->labels;
    entries.push_back(e);
  }
  std::vector<const grhost_task_entry*> entry_ptrs;
  for (const auto& e : entries) entry_ptrs.push_back(&e);
  std::vector<const char*> names;
  for (const auto& n : info.class_names) names.push_back(n.c_str());

  grhost_task_input input{};
  input.struct_size = sizeof(input);
  input.dataset = job.dataset->id.c_str();
  input.num_classes = info.num_classes;
  input.class_names = names.data();
  input.seed = seed_;
  input.threads = threads_;
  input.num_entries = static_cast<int64_t>(entry_ptrs.size());
  input.entries = entry_ptrs.data();

  grhost_results results;
  results.task = job.task->id;
  results.plugin = job.task->component->id;
  results.dataset = job.dataset->id;
  results.default_model = job.models.size() == 1 ? job.models[0]->id : "";
  results.default_split = job.dataset->test_split;
  plugins::Instance& inst = task_instance(*job.task);
  const plugins::Component& c = inst.component();
  plugins::call_plugin(c, "run", [&] { return c.task.run(inst.raw(), &input, &results); });
  return results;
}

}  // namespace grhost::analyse
