#include "analyse/task_runner.hpp"

#include "analyse/live_model.hpp"
#include "analyse/pixel_source.hpp"
#include "extract/extractor.hpp"
#include "manifest/convert.hpp"
#include "util/errors.hpp"
#include "util/hash.hpp"

#include <grhost/tensor.hpp>
#include <linear_probe_core.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <optional>

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

// A component's identity for result keys: a rebuilt plugin (same version,
// new code) must not reuse old results, so its file's size and mtime count.
void hash_component(Hasher& h, const manifest::Entry& e) {
  const plugins::Component& c = *e.component;
  h.str(c.id).str(c.version);
  std::error_code ec;
  const auto size = std::filesystem::file_size(c.file(), ec);
  const auto mtime = std::filesystem::last_write_time(c.file(), ec).time_since_epoch().count();
  h.str(c.file()).u64(static_cast<uint64_t>(size)).u64(static_cast<uint64_t>(mtime));
  for (const auto& [name, v] : e.options) h.str(name).str(YAML::Dump(manifest::to_yaml(v)));
}

grhost_model_info describe_model(plugins::Instance& m) {
  grhost_model_info info{};
  info.struct_size = sizeof(info);
  const plugins::Component& c = m.component();
  plugins::call_plugin(c, "describe", [&] { return c.model.describe(m.raw(), &info); });
  return info;
}

std::string dataset_fingerprint(plugins::Instance& d) {
  grhost_dataset_info info{};
  info.struct_size = sizeof(info);
  const plugins::Component& c = d.component();
  plugins::call_plugin(c, "describe", [&] { return c.dataset.describe(d.raw(), &info); });
  return info.fingerprint != nullptr ? info.fingerprint : "";
}

// The attack handle's perturb: straight into the attack plugin.
grhost_status* perturb_call(void* context, const grhost_differentiable* model, const grhost_attack_request* request,
                            DLManagedTensor** out) {
  auto* inst = static_cast<plugins::Instance*>(context);
  return inst->component().attack.perturb(inst->raw(), model, request, out);
}

}  // namespace

plugins::Instance& TaskRunner::attack_instance(const manifest::Entry& attack) {
  auto& slot = attacks_[attack.id];
  if (!slot) slot = std::make_unique<plugins::Instance>(*attack.component, extract::options_of(attack, GRHOST_KIND_ATTACK));
  return *slot;
}

const manifest::Entry& TaskRunner::attack_entry(const std::string& id) const {
  for (const manifest::Entry& a : manifest_.attacks)
    if (a.id == id) return a;
  throw UserError("no attack '" + id + "' in the manifest");
}

plugins::Instance& TaskRunner::task_instance(const manifest::Entry& task) {
  auto& slot = tasks_[task.id];
  if (!slot) slot = std::make_unique<plugins::Instance>(*task.component, extract::options_of(task, GRHOST_KIND_TASK));
  return *slot;
}

std::string TaskRunner::cache_key(const plan::Job& job) {
  Hasher h;
  const manifest::Entry& t = *job.task;
  hash_component(h, t);
  h.str(job.dataset->id);
  if (t.component->task.scope == GRHOST_SCOPE_LIVE_MODEL) {
    // The live model's weights, its dataset's files and the attacks, not features.
    for (const std::string& a : t.attacks) {
      const manifest::Entry& attack = attack_entry(a);
      h.str(attack.id);
      hash_component(h, attack);
    }
    const manifest::Entry& m = *job.models.at(0);
    hash_component(h, m);
    const grhost_model_info info = describe_model(store_.model_instance(m));
    h.str(info.fingerprint != nullptr ? info.fingerprint : "").u64(static_cast<uint64_t>(info.num_logits));
    if (plugins::Instance* d = store_.dataset_instance(*job.dataset)) {
      hash_component(h, *job.dataset);
      h.str(dataset_fingerprint(*d));
    }
    h.str(job.dataset->test_split).str(job.dataset->train_split);
    if (info.num_logits == 0)  // attacked through a head trained on these
      h.str(store_.get(m, *job.dataset, job.dataset->train_split).hash)
          .str(store_.get(m, *job.dataset, job.dataset->test_split).hash);
    h.u64(seed_).u64(static_cast<uint64_t>(threads_));
    return h.hex();
  }
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
  if (job.task->component->task.scope == GRHOST_SCOPE_LIVE_MODEL) return run_live(job);
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
  return call_task(job, entry_ptrs, {});
}

grhost_results TaskRunner::call_task(const plan::Job& job, const std::vector<const grhost_task_entry*>& entries,
                                     const std::vector<const grhost_attack_handle*>& attacks) {
  const extract::DatasetInfo& info = store_.info(*job.dataset);
  std::vector<const char*> names;
  for (const auto& n : info.class_names) names.push_back(n.c_str());
  grhost_task_input input{};
  input.struct_size = sizeof(input);
  input.dataset = job.dataset->id.c_str();
  input.num_classes = info.num_classes;
  input.class_names = names.data();
  input.seed = seed_;
  input.threads = threads_;
  input.num_entries = static_cast<int64_t>(entries.size());
  input.entries = entries.data();
  input.num_attacks = static_cast<int64_t>(attacks.size());
  input.attacks = attacks.data();

  grhost_results results;
  results.task = job.task->id;
  results.plugin = job.task->component->id;
  results.dataset = job.dataset->id;
  // Across-model tasks own their matrices and rows as a whole, even with one model.
  const bool across = job.task->component->task.scope == GRHOST_SCOPE_ACROSS_MODELS;
  results.default_model = job.models.size() == 1 && !across ? job.models[0]->id : "";
  results.default_split = job.dataset->test_split;
  plugins::Instance& inst = task_instance(*job.task);
  const plugins::Component& c = inst.component();
  plugins::call_plugin(c, "run", [&] { return c.task.run(inst.raw(), &input, &results); });
  return results;
}

std::optional<LinearHead> TaskRunner::head_for(const manifest::Entry& m, const plan::Job& job, const grhost_model_info& info) {
  if (info.num_logits != 0) return std::nullopt;
  // No classifier: a linear head on the model's features, trained as the
  // linear-probe task trains one (its default settings), attacks go through.
  const extract::DatasetInfo& di = store_.info(*job.dataset);
  const auto& train = store_.get(m, *job.dataset, job.dataset->train_split);
  const auto& test = store_.get(m, *job.dataset, job.dataset->test_split);
  linear_probe::Settings s;
  s.seed = seed_;
  s.threads = threads_;
  const linear_probe::Split tr{train.features.data(), train.rows, train.dim, train.labels.data(),
                               static_cast<int64_t>(train.labels.size())};
  const linear_probe::Split te{test.features.data(), test.rows, test.dim, test.labels.data(),
                               static_cast<int64_t>(test.labels.size())};
  linear_probe::ProbeResult r;
  try {
    r = linear_probe::train_probe(tr, te, di.num_classes, di.class_names, s);
  } catch (const std::invalid_argument& e) {
    throw UserError("model '" + m.id + "' has no logits, and a head for it cannot be trained on dataset '" +
                    job.dataset->id + "': " + e.what());
  }
  spdlog::info("{} × {}: no logits; attacked through a linear head on its features (Adam, epoch {}, test accuracy {:.4f})",
               m.id, job.dataset->id, r.chosen + 1, r.epochs[r.chosen].test_accuracy);
  return LinearHead{di.num_classes, train.dim, std::move(r.weights), std::move(r.bias)};
}

grhost_results TaskRunner::run_live(const plan::Job& job) {
  const manifest::Entry& m = *job.models.at(0);
  plugins::Instance* dataset = store_.dataset_instance(*job.dataset);
  if (dataset == nullptr)
    throw UserError("task '" + job.task->id + "' attacks models on images, but dataset '" + job.dataset->id +
                    "' has no plugin to read images from");
  plugins::Instance& model = store_.model_instance(m);
  const grhost_model_info info = describe_model(model);
  LiveModel live(model, m.id, info, head_for(m, job, info));
  std::map<std::string, int64_t> splits;
  for (const std::string& s : {job.dataset->train_split, job.dataset->test_split}) splits[s] = store_.split_index(*job.dataset, s);
  PixelSource pixels(*dataset, splits, job.dataset->test_split, info.input, threads_);
  extract::set_intra_op_threads(threads_);

  grhost_task_entry e{};
  e.struct_size = sizeof(e);
  e.model = m.id.c_str();
  e.family = m.family.c_str();
  e.live_model = &live.raw();
  e.pixels = &pixels.raw();

  std::vector<grhost_attack_handle> handles;
  for (const std::string& a : job.task->attacks) {
    const manifest::Entry& attack = attack_entry(a);
    grhost_attack_handle hd{};
    hd.struct_size = sizeof(hd);
    hd.id = attack.id.c_str();
    hd.plugin = attack.component->id.c_str();
    hd.context = &attack_instance(attack);
    hd.perturb = &perturb_call;
    hd.per_image_epsilon = attack.component->attack.per_image_epsilon;
    handles.push_back(hd);
  }
  std::vector<const grhost_attack_handle*> handle_ptrs;
  for (const auto& hd : handles) handle_ptrs.push_back(&hd);
  return call_task(job, {&e}, handle_ptrs);
}

}  // namespace grhost::analyse
