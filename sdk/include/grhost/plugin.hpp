// grhost/plugin.hpp — the one header a C++ plugin includes.
//
//   #include <grhost/plugin.hpp>
//   class MyTask : public grhost::Task { ... };   // see components.hpp
//   GRHOST_PLUGIN("my-plugins", MyTask)
//
// GRHOST_PLUGIN emits the library's only exported symbol, grhost_plugin_entry,
// describing every listed component. The trampolines below are the C
// functions the host calls; each catches every exception and returns it as a
// status, so plugin code may simply throw.
#pragma once

#include <grhost/components.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>

#if defined(_WIN32)
#define GRHOST_EXPORT __declspec(dllexport)
#else
#define GRHOST_EXPORT __attribute__((visibility("default")))
#endif

// What GRHOST_PLUGIN records as the build stamp. grhost/torch_bridge.hpp
// redefines it for plugins that link LibTorch; include that header first.
#ifndef GRHOST_BUILD_STAMP
#define GRHOST_BUILD_STAMP nullptr
#endif

namespace grhost {
namespace detail {

/// Copies a plugin-side struct into a host-provided one, never past the
/// smaller of the two sizes (the host's may be older or newer).
template <class S>
void copy_out(S* out, const S& local) {
  uint32_t host_size = out->struct_size;
  std::memcpy(out, &local, std::min<size_t>(host_size, sizeof(S)));
  out->struct_size = static_cast<uint32_t>(std::min<size_t>(host_size, sizeof(S)));
}

/// Per-instance state: the component plus storage for strings it hands out.
template <class T>
struct Holder {
  std::unique_ptr<T> object;
  std::vector<std::string> names, splits;
  std::vector<const char*> name_ptrs, split_ptrs;
  std::string fingerprint;
};

template <class T> Holder<T>* holder(grhost_instance* p) { return reinterpret_cast<Holder<T>*>(p); }

template <class T>
grhost_status* create(const grhost_options* options, grhost_instance** out) {
  return guarded(T::id, [&] {
    auto h = std::make_unique<Holder<T>>();
    h->object = std::make_unique<T>(Options(options));
    *out = reinterpret_cast<grhost_instance*>(h.release());
  });
}
template <class T> void destroy(grhost_instance* p) { delete holder<T>(p); }

// ---- dataset ---------------------------------------------------------------
template <class T>
grhost_status* dataset_describe(grhost_instance* p, grhost_dataset_info* out) {
  return guarded(T::id, [&] {
    Holder<T>* h = holder<T>(p);
    h->names = h->object->class_names();
    h->splits = h->object->split_names();
    h->fingerprint = h->object->fingerprint();
    h->name_ptrs.clear();
    h->split_ptrs.clear();
    for (auto& s : h->names) h->name_ptrs.push_back(s.c_str());
    for (auto& s : h->splits) h->split_ptrs.push_back(s.c_str());
    grhost_dataset_info info{};
    info.struct_size = sizeof(info);
    info.num_classes = static_cast<int64_t>(h->names.size());
    info.class_names = h->name_ptrs.data();
    info.num_splits = static_cast<int64_t>(h->splits.size());
    info.split_names = h->split_ptrs.data();
    info.fingerprint = h->fingerprint.c_str();
    copy_out(out, info);
  });
}
template <class T>
grhost_status* dataset_split_size(grhost_instance* p, int64_t split, int64_t* out) {
  return guarded(T::id, [&] { *out = holder<T>(p)->object->split_size(split); });
}
template <class T>
grhost_status* dataset_labels(grhost_instance* p, int64_t split, DLManagedTensor** out) {
  return guarded(T::id, [&] { *out = holder<T>(p)->object->labels(split); });
}
template <class T>
grhost_status* dataset_read_image(grhost_instance* p, int64_t split, int64_t index, DLManagedTensor** image,
                                  int64_t* label) {
  return guarded(T::id, [&] { *image = holder<T>(p)->object->read_image(split, index, label); });
}

// ---- model -----------------------------------------------------------------
// An optional call is offered only if T overrides it: then &T::f names T's
// member, not Model's.
#define GRHOST_DETAIL_OVERRIDES(T, f) (!std::is_same_v<decltype(&T::f), decltype(&::grhost::Model::f)>)

template <class T>
grhost_status* model_describe(grhost_instance* p, grhost_model_info* out) {
  return guarded(T::id, [&] {
    Holder<T>* h = holder<T>(p);
    ModelInfo mi = h->object->info();
    h->fingerprint = mi.fingerprint;
    grhost_model_info info{};
    info.struct_size = sizeof(info);
    info.feature_dim = mi.feature_dim;
    info.num_logits = mi.num_logits;
    info.input = mi.input;
    info.input.struct_size = sizeof(info.input);
    info.fingerprint = h->fingerprint.c_str();
    copy_out(out, info);
  });
}
template <class T>
grhost_status* model_embed(grhost_instance* p, const DLTensor* images, DLManagedTensor** out) {
  return guarded(T::id, [&] { *out = holder<T>(p)->object->embed(images); });
}
template <class T>
grhost_status* model_stored_features(grhost_instance* p, const char* dataset, const char* split,
                                     DLManagedTensor** features, DLManagedTensor** labels) {
  return guarded(T::id, [&] {
    StoredFeatures s = holder<T>(p)->object->stored_features(dataset, split);
    *features = s.features;
    *labels = s.labels;
  });
}
template <class T>
grhost_status* model_logits(grhost_instance* p, const DLTensor* images, DLManagedTensor** out) {
  return guarded(T::id, [&] { *out = holder<T>(p)->object->logits(images); });
}
template <class T>
grhost_status* model_logits_vjp(grhost_instance* p, const DLTensor* images, const grhost_cotangent_fn* cotangent,
                                DLManagedTensor** logits, DLManagedTensor** grad) {
  return guarded(T::id, [&] {
    auto r = holder<T>(p)->object->logits_vjp(images, Cotangent(cotangent));
    *logits = r.first;
    *grad = r.second;
  });
}
template <class T>
grhost_status* model_embed_vjp(grhost_instance* p, const DLTensor* images, const grhost_cotangent_fn* cotangent,
                               DLManagedTensor** features, DLManagedTensor** grad) {
  return guarded(T::id, [&] {
    auto r = holder<T>(p)->object->embed_vjp(images, Cotangent(cotangent));
    *features = r.first;
    *grad = r.second;
  });
}

template <class T>
grhost_status* model_class_embeddings(grhost_instance* p, const char* dataset, int64_t num_classes,
                                      const char* const* class_names, DLManagedTensor** out) {
  return guarded(T::id, [&] {
    std::vector<std::string> names;
    for (int64_t c = 0; c < num_classes; ++c) names.emplace_back(class_names[c]);
    *out = holder<T>(p)->object->class_embeddings(dataset, names);
  });
}

// ---- attack ----------------------------------------------------------------
template <class T>
grhost_status* attack_perturb(grhost_instance* p, const grhost_differentiable* model,
                              const grhost_attack_request* request, DLManagedTensor** out) {
  return guarded(T::id, [&] { *out = holder<T>(p)->object->perturb(Differentiable(*model), *request); });
}

// ---- task ------------------------------------------------------------------
inline TaskInput to_task_input(const grhost_task_input& in) {
  TaskInput t;
  t.dataset = in.dataset;
  t.num_classes = in.num_classes;
  for (int64_t c = 0; c < in.num_classes; ++c) t.class_names.emplace_back(in.class_names[c]);
  t.seed = in.seed;
  t.threads = in.threads;
  for (int64_t i = 0; i < in.num_entries; ++i) {
    const grhost_task_entry& e = *in.entries[i];
    TaskEntry te;
    te.model = e.model;
    te.family = e.family != nullptr ? e.family : "";
    te.has_train = e.train_features != nullptr;
    if (te.has_train) {
      te.train_features = View<float>(e.train_features, 2, te.model + " train features");
      te.train_labels = View<int64_t>(e.train_labels, 1, te.model + " train labels");
    }
    // A live-model entry holds the model instead of features.
    if (e.live_model != nullptr) {
      te.live_model = e.live_model;
      te.pixels = e.pixels;
    } else {
      te.test_features = View<float>(e.test_features, 2, te.model + " test features");
      te.test_labels = View<int64_t>(e.test_labels, 1, te.model + " test labels");
    }
    t.entries.push_back(std::move(te));
  }
  for (int64_t a = 0; a < in.num_attacks; ++a) t.attacks.emplace_back(*in.attacks[a]);
  return t;
}
template <class T>
grhost_status* task_run(grhost_instance* p, const grhost_task_input* input, grhost_results* results) {
  return guarded(T::id, [&] { holder<T>(p)->object->run(to_task_input(*input), Results(results)); });
}

// ---- component tables -------------------------------------------------------
template <class T>
const void* api_table() {
  if constexpr (std::is_base_of_v<Dataset, T>) {
    static const grhost_dataset_api api{sizeof(grhost_dataset_api), &create<T>, &destroy<T>, &dataset_describe<T>,
                                        &dataset_split_size<T>, &dataset_labels<T>, &dataset_read_image<T>};
    return &api;
  } else if constexpr (std::is_base_of_v<Model, T>) {
    static const grhost_model_api api{
        sizeof(grhost_model_api),
        &create<T>,
        &destroy<T>,
        &model_describe<T>,
        GRHOST_DETAIL_OVERRIDES(T, embed) ? &model_embed<T> : nullptr,
        GRHOST_DETAIL_OVERRIDES(T, stored_features) ? &model_stored_features<T> : nullptr,
        GRHOST_DETAIL_OVERRIDES(T, logits) ? &model_logits<T> : nullptr,
        GRHOST_DETAIL_OVERRIDES(T, logits_vjp) ? &model_logits_vjp<T> : nullptr,
        GRHOST_DETAIL_OVERRIDES(T, embed_vjp) ? &model_embed_vjp<T> : nullptr,
        GRHOST_DETAIL_OVERRIDES(T, class_embeddings) ? &model_class_embeddings<T> : nullptr};
    return &api;
  } else if constexpr (std::is_base_of_v<Attack, T>) {
    static const grhost_attack_api api{sizeof(grhost_attack_api), &create<T>, &destroy<T>, &attack_perturb<T>,
                                       T::per_image_epsilon ? 1 : 0};
    return &api;
  } else {
    static_assert(std::is_base_of_v<Task, T>, "a component derives from grhost::Dataset, Model, Attack or Task");
    static const grhost_task_api api{sizeof(grhost_task_api), &create<T>, &destroy<T>, T::scope, &task_run<T>};
    return &api;
  }
}

template <class T>
constexpr grhost_kind kind_of() {
  if constexpr (std::is_base_of_v<Dataset, T>) return GRHOST_KIND_DATASET;
  else if constexpr (std::is_base_of_v<Model, T>) return GRHOST_KIND_MODEL;
  else if constexpr (std::is_base_of_v<Attack, T>) return GRHOST_KIND_ATTACK;
  else return GRHOST_KIND_TASK;
}

/// The C description of component T, built once.
template <class T>
const grhost_component* component() {
  struct Storage {
    std::vector<OptionSpec> specs = T::options();
    std::vector<grhost_option> options;
    std::vector<const grhost_option*> pointers;
    grhost_component component{};
    Storage() {
      options.reserve(specs.size());
      for (const OptionSpec& s : specs) {
        grhost_option o{};
        o.struct_size = sizeof(o);
        o.name = s.name.c_str();
        o.type = s.type;
        o.default_value = s.required ? nullptr : s.default_value.c_str();
        o.choices = s.choices.empty() ? nullptr : s.choices.c_str();
        o.has_min = s.has_min;
        o.has_max = s.has_max;
        o.min_value = s.min_value;
        o.max_value = s.max_value;
        o.description = s.description.c_str();
        options.push_back(o);
      }
      for (const grhost_option& o : options) pointers.push_back(&o);
      component.struct_size = sizeof(component);
      component.kind = kind_of<T>();
      component.id = T::id;
      component.version = T::version;
      component.description = T::description;
      component.num_options = static_cast<int64_t>(pointers.size());
      component.options = pointers.data();
      component.api = api_table<T>();
    }
  };
  static const Storage storage;
  return &storage.component;
}

}  // namespace detail
}  // namespace grhost

/// Emits grhost_plugin_entry for a library offering the listed component
/// classes: GRHOST_PLUGIN("my-plugins", MyModel, MyTask)
#define GRHOST_PLUGIN(NAME, ...)                                                                  \
  extern "C" GRHOST_EXPORT const grhost_plugin* grhost_plugin_entry(const grhost_host_api* host) { \
    ::grhost::detail::host_slot() = host;                                                         \
    try {                                                                                          \
      static const grhost_component* const components[] = {                                        \
          GRHOST_DETAIL_COMPONENTS(__VA_ARGS__)};                                                  \
      static const grhost_plugin plugin = {sizeof(grhost_plugin),                                  \
                                           GRHOST_SDK_VERSION_MAJOR,                               \
                                           GRHOST_SDK_VERSION_MINOR,                               \
                                           NAME,                                                   \
                                           GRHOST_BUILD_STAMP,                                     \
                                           sizeof(components) / sizeof(components[0]),             \
                                           components};                                            \
      return &plugin;                                                                              \
    } catch (const std::exception& e) {                                                            \
      ::grhost::log(GRHOST_LOG_ERROR, std::string(NAME ": ") + e.what());                          \
      return nullptr;                                                                              \
    }                                                                                              \
  }

// Maps each listed class to grhost::detail::component<Class>() (up to 8).
#define GRHOST_DETAIL_C(T) ::grhost::detail::component<T>()
#define GRHOST_DETAIL_PICK(_1, _2, _3, _4, _5, _6, _7, _8, NAME, ...) NAME
#define GRHOST_DETAIL_C1(a) GRHOST_DETAIL_C(a)
#define GRHOST_DETAIL_C2(a, ...) GRHOST_DETAIL_C(a), GRHOST_DETAIL_C1(__VA_ARGS__)
#define GRHOST_DETAIL_C3(a, ...) GRHOST_DETAIL_C(a), GRHOST_DETAIL_C2(__VA_ARGS__)
#define GRHOST_DETAIL_C4(a, ...) GRHOST_DETAIL_C(a), GRHOST_DETAIL_C3(__VA_ARGS__)
#define GRHOST_DETAIL_C5(a, ...) GRHOST_DETAIL_C(a), GRHOST_DETAIL_C4(__VA_ARGS__)
#define GRHOST_DETAIL_C6(a, ...) GRHOST_DETAIL_C(a), GRHOST_DETAIL_C5(__VA_ARGS__)
#define GRHOST_DETAIL_C7(a, ...) GRHOST_DETAIL_C(a), GRHOST_DETAIL_C6(__VA_ARGS__)
#define GRHOST_DETAIL_C8(a, ...) GRHOST_DETAIL_C(a), GRHOST_DETAIL_C7(__VA_ARGS__)
#define GRHOST_DETAIL_COMPONENTS(...)                                                                 \
  GRHOST_DETAIL_PICK(__VA_ARGS__, GRHOST_DETAIL_C8, GRHOST_DETAIL_C7, GRHOST_DETAIL_C6, GRHOST_DETAIL_C5, \
                     GRHOST_DETAIL_C4, GRHOST_DETAIL_C3, GRHOST_DETAIL_C2, GRHOST_DETAIL_C1)(__VA_ARGS__)
