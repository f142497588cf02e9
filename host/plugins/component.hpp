// A component a plugin library offers, as the host holds it after checking:
// its identity, its option schema, and a host-sized copy of its function table.
#pragma once

#include "manifest/schema.hpp"

#include <grhost/grhost.h>

#include <memory>
#include <string>
#include <vector>

namespace boost::dll { class shared_library; }

namespace grhost::plugins {

/// A loaded library. Everything made from it holds this, so the library stays
/// loaded while any of its components or instances lives.
struct LoadedLibrary {
  std::string path;
  std::shared_ptr<boost::dll::shared_library> dll;
};

struct Component {
  grhost_kind kind{};
  std::string id, version, description;
  std::vector<manifest::FieldSpec> options;
  std::shared_ptr<const LoadedLibrary> library;
  // Exactly one of these is filled, per `kind`; functions a smaller (older)
  // table lacks are NULL.
  grhost_dataset_api dataset{};
  grhost_model_api model{};
  grhost_attack_api attack{};
  grhost_task_api task{};

  const std::string& file() const { return library->path; }
  /// A model of language that offers only class_embeddings: it has one
  /// vector per class name and no images' features, so only tasks over
  /// several models (RSA) take it.
  bool class_level() const {
    return kind == GRHOST_KIND_MODEL && model.class_embeddings != nullptr && model.embed == nullptr &&
           model.stored_features == nullptr;
  }
  /// "task 'few-shot' (/path/lib.so)" for messages.
  std::string describe() const;
};

/// A library that loaded and passed every check.
struct PluginFile {
  std::string path;
  std::string name;
  uint32_t sdk_major = 0, sdk_minor = 0;
  std::string build_stamp;  // empty: does not link LibTorch
  std::vector<std::shared_ptr<const Component>> components;
};

const char* kind_name(grhost_kind kind);

}  // namespace grhost::plugins
