#include "extract/feature_store.hpp"

#include "extract/extractor.hpp"
#include "extract/preprocess.hpp"
#include "manifest/convert.hpp"
#include "util/errors.hpp"
#include "util/suggest.hpp"
#include "util/hash.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstring>

namespace grhost::extract {
namespace {

std::string shape_text(const DLTensor& t) {
  std::string s = "(";
  for (int i = 0; i < t.ndim; ++i) s += (i ? ", " : "") + std::to_string(t.shape[i]);
  return s + ")";
}

bool compact(const DLTensor& t) {
  if (t.strides == nullptr) return true;
  int64_t expected = 1;
  for (int i = t.ndim - 1; i >= 0; --i) {
    if (t.shape[i] != 1 && t.strides[i] != expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

// Labels as int64 from an int64 or int32 vector.
std::vector<int64_t> to_labels(const DLTensor& t, const std::string& what) {
  if (t.device.device_type != kDLCPU || !compact(t) || t.ndim != 1)
    throw UserError(what + ": expected a 1-D CPU label vector, got shape " + shape_text(t));
  const char* base = static_cast<const char*>(t.data) + t.byte_offset;
  std::vector<int64_t> out(static_cast<size_t>(t.shape[0]));
  if (t.dtype.code == kDLInt && t.dtype.bits == 64) std::memcpy(out.data(), base, out.size() * 8);
  else if (t.dtype.code == kDLInt && t.dtype.bits == 32)
    for (size_t i = 0; i < out.size(); ++i) out[i] = reinterpret_cast<const int32_t*>(base)[i];
  else throw UserError(what + ": labels must be int64 or int32");
  return out;
}

}  // namespace

grhost_options options_of(const manifest::Entry& e, grhost_kind kind) {
  grhost_options o;
  o.owner = std::string(plugins::kind_name(kind)) + " '" + e.id + "'";
  o.values = e.options;
  return o;
}

plugins::Instance& FeatureStore::model_instance(const manifest::Entry& model) {
  auto& slot = models_[model.id];
  if (!slot) slot = std::make_unique<plugins::Instance>(*model.component, options_of(model, GRHOST_KIND_MODEL));
  return *slot;
}

plugins::Instance* FeatureStore::dataset_instance(const manifest::Entry& dataset) {
  if (dataset.component == nullptr) return nullptr;
  auto& slot = datasets_[dataset.id];
  if (!slot) slot = std::make_unique<plugins::Instance>(*dataset.component, options_of(dataset, GRHOST_KIND_DATASET));
  return slot.get();
}

int64_t FeatureStore::split_index(const manifest::Entry& dataset, const std::string& split) {
  plugins::Instance* inst = dataset_instance(dataset);
  const plugins::Component& c = inst->component();
  grhost_dataset_info di{};
  di.struct_size = sizeof(di);
  plugins::call_plugin(c, "describe", [&] { return c.dataset.describe(inst->raw(), &di); });
  std::vector<std::string> names;
  for (int64_t s = 0; s < di.num_splits; ++s) {
    names.emplace_back(di.split_names[s] != nullptr ? di.split_names[s] : "");
    if (names.back() == split) return s;
  }
  throw UserError("dataset '" + dataset.id + "' has no split '" + split + "' (it has: " + join(names) + ")");
}

std::vector<int64_t> FeatureStore::dataset_labels(const manifest::Entry& dataset, const std::string& split) {
  const int64_t index = split_index(dataset, split);
  plugins::Instance* inst = dataset_instance(dataset);
  const plugins::Component& c = inst->component();
  DLManagedTensor* raw = nullptr;
  plugins::call_plugin(c, "labels", [&] { return c.dataset.labels(inst->raw(), index, &raw); });
  plugins::ManagedTensor labels(raw);
  if (!labels) throw PluginError(c.describe() + ": labels returned no tensor");
  return to_labels(labels->dl_tensor, "dataset '" + dataset.id + "' split '" + split + "' labels");
}

const SplitFeatures& FeatureStore::get(const manifest::Entry& model, const manifest::Entry& dataset,
                                       const std::string& split) {
  const plugins::Component& c = model_instance(model).component();
  // A class-level model's vectors are the same for every split: asked once.
  const std::string key = model.id + "/" + dataset.id + "/" + (c.class_level() ? "*" : split);
  auto found = features_.find(key);
  if (found != features_.end()) return found->second;
  SplitFeatures sf = c.class_level()                     ? per_class(model, dataset)
                     : c.model.stored_features != nullptr ? stored(model, dataset, split)
                                                          : extracted(model, dataset, split);
  const std::string what = "model '" + model.id + "' features for dataset '" + dataset.id + "' split '" + split + "'";
  for (size_t i = 0; i < sf.features.size(); ++i) {
    if (!std::isfinite(sf.features[i]))
      throw UserError(what + ": value at row " + std::to_string(i / sf.dim) + ", column " + std::to_string(i % sf.dim) +
                      " is " + (std::isnan(sf.features[i]) ? "NaN" : "infinite") + "; features must be finite");
  }
  if (static_cast<int64_t>(sf.labels.size()) != sf.rows)
    throw UserError(what + ": " + std::to_string(sf.rows) + " feature rows but " + std::to_string(sf.labels.size()) +
                    " labels");
  for (size_t i = 0; i < sf.labels.size(); ++i)
    if (sf.labels[i] < 0)
      throw UserError(what + ": label " + std::to_string(sf.labels[i]) + " at row " + std::to_string(i) +
                      " is negative; labels are class indices 0..C-1");
  sf.hash = Hasher().bytes(sf.features.data(), sf.features.size() * 4).u64(sf.dim).bytes(sf.labels.data(), sf.labels.size() * 8).hex();
  return features_.emplace(key, std::move(sf)).first->second;
}

SplitFeatures FeatureStore::per_class(const manifest::Entry& model, const manifest::Entry& dataset) {
  if (dataset.classes.empty() && dataset.component == nullptr)
    throw UserError("model '" + model.id + "' gives one vector per class name, but dataset '" + dataset.id +
                    "' names no classes; give it 'classes' or a plugin that names them");
  const DatasetInfo& di = info(dataset);
  std::vector<const char*> names;
  for (const std::string& n : di.class_names) names.push_back(n.c_str());
  plugins::Instance& inst = model_instance(model);
  const plugins::Component& c = inst.component();
  DLManagedTensor* raw = nullptr;
  plugins::call_plugin(c, "class_embeddings", [&] {
    return c.model.class_embeddings(inst.raw(), dataset.id.c_str(), di.num_classes, names.data(), &raw);
  });
  plugins::ManagedTensor t(raw);
  if (!t) throw PluginError(c.describe() + ": class_embeddings returned no tensor");
  const DLTensor& f = t->dl_tensor;
  if (f.device.device_type != kDLCPU || !compact(f) || f.ndim != 2 || f.dtype.code != kDLFloat || f.dtype.bits != 32 ||
      f.shape[0] != di.num_classes)
    throw PluginError(c.describe() + ": class_embeddings must return a float32 matrix of " +
                      std::to_string(di.num_classes) + " rows (one per class of dataset '" + dataset.id + "'), got shape " +
                      shape_text(f));
  SplitFeatures sf;
  sf.rows = f.shape[0];
  sf.dim = f.shape[1];
  const float* base = reinterpret_cast<const float*>(static_cast<const char*>(f.data) + f.byte_offset);
  sf.features.assign(base, base + sf.rows * sf.dim);
  for (int64_t k = 0; k < sf.rows; ++k) sf.labels.push_back(k);
  return sf;
}

SplitFeatures FeatureStore::stored(const manifest::Entry& model, const manifest::Entry& dataset, const std::string& split) {
  plugins::Instance& inst = model_instance(model);
  const plugins::Component& c = inst.component();
  DLManagedTensor *fraw = nullptr, *lraw = nullptr;
  plugins::call_plugin(c, "stored_features", [&] {
    return c.model.stored_features(inst.raw(), dataset.id.c_str(), split.c_str(), &fraw, &lraw);
  });
  plugins::ManagedTensor ft(fraw), lt(lraw);
  const std::string what = "model '" + model.id + "' features for dataset '" + dataset.id + "' split '" + split + "'";
  if (!ft) throw PluginError(c.describe() + ": stored_features returned no features tensor");
  const DLTensor& f = ft->dl_tensor;
  if (f.device.device_type != kDLCPU || !compact(f) || f.ndim != 2 || f.dtype.code != kDLFloat ||
      (f.dtype.bits != 32 && f.dtype.bits != 64))
    throw UserError(what + ": expected a 2-D float32 or float64 matrix (samples x dimensions), got shape " + shape_text(f));

  SplitFeatures sf;
  sf.rows = f.shape[0];
  sf.dim = f.shape[1];
  sf.features.resize(static_cast<size_t>(sf.rows * sf.dim));
  const char* base = static_cast<const char*>(f.data) + f.byte_offset;
  if (f.dtype.bits == 32) std::memcpy(sf.features.data(), base, sf.features.size() * 4);
  else
    for (size_t i = 0; i < sf.features.size(); ++i) sf.features[i] = static_cast<float>(reinterpret_cast<const double*>(base)[i]);
  if (lt) {
    sf.labels = to_labels(lt->dl_tensor, what + " labels");
  } else {
    if (dataset.component == nullptr)
      throw UserError(what + ": the model serves no labels and dataset '" + dataset.id +
                      "' has no plugin to take them from (give the model a labels file)");
    sf.labels = dataset_labels(dataset, split);
  }
  return sf;
}

SplitFeatures FeatureStore::extracted(const manifest::Entry& model, const manifest::Entry& dataset,
                                      const std::string& split) {
  plugins::Instance& minst = model_instance(model);
  const plugins::Component& mc = minst.component();
  if (mc.model.embed == nullptr)
    throw UserError("model '" + model.id + "' offers neither stored features nor embed()");
  plugins::Instance* dinst = dataset_instance(dataset);
  if (dinst == nullptr)
    throw UserError("model '" + model.id + "' computes features from images, but dataset '" + dataset.id +
                    "' has no plugin to read images from");
  grhost_model_info info{};
  info.struct_size = sizeof(info);
  plugins::call_plugin(mc, "describe", [&] { return mc.model.describe(minst.raw(), &info); });
  grhost_dataset_info dinfo{};
  dinfo.struct_size = sizeof(dinfo);
  const plugins::Component& dc = dinst->component();
  plugins::call_plugin(dc, "describe", [&] { return dc.dataset.describe(dinst->raw(), &dinfo); });

  // The key: everything that changes the numbers, and nothing that does not
  // (batch size, threads, the output folder).
  Hasher h;
  h.str("grhost-features-v1");
  h.str(mc.id).str(mc.version).str(info.fingerprint != nullptr ? info.fingerprint : "");
  for (const auto& [name, v] : model.options) h.str(name).str(YAML::Dump(manifest::to_yaml(v)));
  h.str(describe(info.input));
  h.str(dc.id).str(dc.version).str(dinfo.fingerprint != nullptr ? dinfo.fingerprint : "");
  for (const auto& [name, v] : dataset.options) h.str(name).str(YAML::Dump(manifest::to_yaml(v)));
  h.str(split);
  const std::string covers = mc.id + " " + mc.version + " (model '" + model.id + "') on " + dc.id + " " + dc.version +
                             " (dataset '" + dataset.id + "') split '" + split + "', " + describe(info.input);
  FeatureCache cache(manifest_.cache, h.hex(), covers, manifest_.cache_chunk_rows);

  if (auto hit = cache.load()) {
    spdlog::info("{} × {}/{}: features from the cache ({})", model.id, dataset.id, split, cache.folder());
    return SplitFeatures{hit->rows, hit->dim, std::move(hit->features), std::move(hit->labels), ""};
  }
  ExtractRequest rq;
  rq.model = &minst;
  rq.dataset = dinst;
  rq.split = split_index(dataset, split);
  rq.label = model.id + " × " + dataset.id + "/" + split;
  rq.spec = info.input;
  rq.batch_size = model.batch_size;
  rq.threads = manifest_.threads;
  CachedFeatures all = extract_split(rq, cache);
  ++extractions_;
  return SplitFeatures{all.rows, all.dim, std::move(all.features), std::move(all.labels), ""};
}

const DatasetInfo& FeatureStore::info(const manifest::Entry& dataset) {
  auto found = infos_.find(dataset.id);
  if (found != infos_.end()) return found->second;
  DatasetInfo di;
  if (plugins::Instance* inst = dataset_instance(dataset)) {
    const plugins::Component& c = inst->component();
    grhost_dataset_info raw{};
    raw.struct_size = sizeof(raw);
    plugins::call_plugin(c, "describe", [&] { return c.dataset.describe(inst->raw(), &raw); });
    di.num_classes = raw.num_classes;
    for (int64_t k = 0; k < raw.num_classes; ++k)
      di.class_names.emplace_back(raw.class_names != nullptr && raw.class_names[k] != nullptr ? raw.class_names[k] : std::to_string(k));
  } else if (!dataset.classes.empty()) {
    di.class_names = dataset.classes;
    di.num_classes = static_cast<int64_t>(di.class_names.size());
  } else {
    // No names anywhere: classes are the labels seen in every model's splits.
    int64_t max_label = -1;
    for (const auto& model : manifest_.models) {
      if (model_instance(model).component().class_level()) continue;  // it needs the names itself
      for (const std::string& split : {dataset.train_split, dataset.test_split})
        for (int64_t y : get(model, dataset, split).labels) max_label = std::max(max_label, y);
    }
    di.num_classes = max_label + 1;
    for (int64_t k = 0; k < di.num_classes; ++k) di.class_names.push_back(std::to_string(k));
  }
  return infos_.emplace(dataset.id, std::move(di)).first->second;
}

void FeatureStore::release(const manifest::Entry& dataset) {
  for (auto it = features_.begin(); it != features_.end();) {
    const std::string& k = it->first;
    size_t a = k.find('/'), b = k.rfind('/');
    if (k.substr(a + 1, b - a - 1) == dataset.id) it = features_.erase(it);
    else ++it;
  }
}

}  // namespace grhost::extract
