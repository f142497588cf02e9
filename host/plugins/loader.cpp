#include "plugins/loader.hpp"

#include "plugins/host_api.hpp"
#include "util/errors.hpp"

#include <grhost/torch_bridge.hpp>

#include <boost/dll/shared_library.hpp>

#include <cstring>
#include <set>

namespace grhost::plugins {
namespace {

std::string sdk_string(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

/// Copies a plugin struct into a zeroed host-sized one after checking its
/// size: smaller than SDK 1.0's is corrupt, larger than ours means the plugin
/// was built with a header this host does not know.
template <class S>
S sized_copy(const S* from, const std::string& file, const std::string& what) {
  if (from == nullptr) throw PluginError(file + ": " + what + " is NULL");
  // Every struct starts with uint32_t struct_size.
  uint32_t size = 0;
  std::memcpy(&size, from, sizeof(size));
  if (size > sizeof(S))
    throw PluginError(file + ": " + what + " is " + std::to_string(size) + " bytes, larger than the " +
                      std::to_string(sizeof(S)) + " bytes this host (SDK " +
                      sdk_string(GRHOST_SDK_VERSION_MAJOR, GRHOST_SDK_VERSION_MINOR) +
                      ") knows; the plugin was built with a different grhost.h than the SDK version it states");
  // In SDK 1.0 every struct is complete. When a later minor appends fields,
  // this lower bound becomes the struct's frozen 1.0 size, not sizeof(S).
  if (size < sizeof(S))
    throw PluginError(file + ": " + what + " is " + std::to_string(size) + " bytes, smaller than SDK 1.0's " +
                      std::to_string(sizeof(S)) + "; the struct_size field is not set correctly");
  S copy{};
  std::memcpy(&copy, from, size);
  return copy;
}

void require(const void* fn, const std::string& file, const std::string& who, const char* name) {
  if (fn == nullptr)
    throw PluginError(file + ": " + who + " lacks the required function '" + name +
                      "' (its pointer is NULL in the function table)");
}

std::shared_ptr<Component> check_component(const grhost_component* raw, const std::string& file,
                                           const std::shared_ptr<const LoadedLibrary>& lib, int64_t index) {
  const std::string where = "component #" + std::to_string(index);
  grhost_component c = sized_copy(raw, file, where);
  auto out = std::make_shared<Component>();
  out->library = lib;
  if (c.kind < GRHOST_KIND_DATASET || c.kind > GRHOST_KIND_TASK)
    throw PluginError(file + ": " + where + " has unknown kind " + std::to_string(static_cast<int>(c.kind)) +
                      " (expected dataset=1, model=2, attack=3 or task=4)");
  out->kind = c.kind;
  if (c.id == nullptr || *c.id == '\0') throw PluginError(file + ": " + where + " has no id");
  out->id = c.id;
  out->version = c.version != nullptr ? c.version : "";
  out->description = c.description != nullptr ? c.description : "";
  const std::string who = std::string(kind_name(c.kind)) + " '" + out->id + "'";
  if (c.num_options < 0 || (c.num_options > 0 && c.options == nullptr))
    throw PluginError(file + ": " + who + " declares " + std::to_string(c.num_options) + " options but no table");
  std::vector<const grhost_option*> options;
  for (int64_t i = 0; i < c.num_options; ++i) {
    // Options are checked for size too: the host reads their fields directly.
    grhost_option o = sized_copy(c.options[i], file, who + " option #" + std::to_string(i));
    (void)o;
    options.push_back(c.options[i]);
  }
  try {
    out->options = manifest::specs_from_options(options.data(), static_cast<int64_t>(options.size()));
  } catch (const std::exception& e) {
    throw PluginError(file + ": " + who + ": " + e.what());
  }

  switch (c.kind) {
    case GRHOST_KIND_DATASET: {
      out->dataset = sized_copy(static_cast<const grhost_dataset_api*>(c.api), file, who + " function table");
      const auto& t = out->dataset;
      require(reinterpret_cast<const void*>(t.create), file, who, "create");
      require(reinterpret_cast<const void*>(t.destroy), file, who, "destroy");
      require(reinterpret_cast<const void*>(t.describe), file, who, "describe");
      require(reinterpret_cast<const void*>(t.split_size), file, who, "split_size");
      require(reinterpret_cast<const void*>(t.labels), file, who, "labels");
      require(reinterpret_cast<const void*>(t.read_image), file, who, "read_image");
      break;
    }
    case GRHOST_KIND_MODEL: {
      out->model = sized_copy(static_cast<const grhost_model_api*>(c.api), file, who + " function table");
      const auto& t = out->model;
      require(reinterpret_cast<const void*>(t.create), file, who, "create");
      require(reinterpret_cast<const void*>(t.destroy), file, who, "destroy");
      require(reinterpret_cast<const void*>(t.describe), file, who, "describe");
      if (t.embed == nullptr && t.stored_features == nullptr && t.class_embeddings == nullptr)
        throw PluginError(file + ": " + who +
                          " offers none of 'embed', 'stored_features' and 'class_embeddings'; a model needs one");
      break;
    }
    case GRHOST_KIND_ATTACK: {
      out->attack = sized_copy(static_cast<const grhost_attack_api*>(c.api), file, who + " function table");
      const auto& t = out->attack;
      require(reinterpret_cast<const void*>(t.create), file, who, "create");
      require(reinterpret_cast<const void*>(t.destroy), file, who, "destroy");
      require(reinterpret_cast<const void*>(t.perturb), file, who, "perturb");
      break;
    }
    case GRHOST_KIND_TASK: {
      out->task = sized_copy(static_cast<const grhost_task_api*>(c.api), file, who + " function table");
      const auto& t = out->task;
      require(reinterpret_cast<const void*>(t.create), file, who, "create");
      require(reinterpret_cast<const void*>(t.destroy), file, who, "destroy");
      require(reinterpret_cast<const void*>(t.run), file, who, "run");
      if (t.scope != GRHOST_SCOPE_PER_MODEL && t.scope != GRHOST_SCOPE_ACROSS_MODELS && t.scope != GRHOST_SCOPE_LIVE_MODEL)
        throw PluginError(file + ": " + who + " has unknown scope " + std::to_string(static_cast<int>(t.scope)) +
                          " (expected per-model=1, across-models=2 or live-model=3)");
      break;
    }
  }
  return out;
}

}  // namespace

const std::string& host_build_stamp() {
  static const std::string stamp = GRHOST_TORCH_BUILD_STAMP;
  return stamp;
}

PluginFile load_plugin(const std::string& path) {
  auto lib = std::make_shared<LoadedLibrary>();
  lib->path = path;
  try {
    // RTLD_LOCAL keeps plugins' symbols apart; RTLD_NOW reports a missing
    // symbol here, not as a crash in the middle of a run.
    lib->dll = std::make_shared<boost::dll::shared_library>(
        path, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    throw PluginError(path + ": cannot load the library: " + e.what());
  }
  if (!lib->dll->has(GRHOST_PLUGIN_ENTRY_SYMBOL))
    throw PluginError(path + ": not a grhost plugin: it exports no '" GRHOST_PLUGIN_ENTRY_SYMBOL
                      "' function (build it with grhost_add_plugin() and GRHOST_PLUGIN)");
  auto entry = lib->dll->get<const grhost_plugin*(const grhost_host_api*)>(GRHOST_PLUGIN_ENTRY_SYMBOL);

  const grhost_plugin* raw = nullptr;
  try {
    raw = entry(&host_api());
  } catch (const std::exception& e) {
    throw PluginError(path + ": " GRHOST_PLUGIN_ENTRY_SYMBOL " threw an exception across the C boundary: " + e.what());
  } catch (...) {
    throw PluginError(path + ": " GRHOST_PLUGIN_ENTRY_SYMBOL " threw an exception across the C boundary");
  }
  if (raw == nullptr)
    throw PluginError(path + ": " GRHOST_PLUGIN_ENTRY_SYMBOL " returned NULL: the plugin refused to load (see its log lines)");

  // Versions first: a plugin of another major may lay out even the header
  // differently, so nothing else of it is read before this check.
  uint32_t size = 0;
  std::memcpy(&size, raw, sizeof(size));
  if (size < offsetof(grhost_plugin, name))
    throw PluginError(path + ": plugin descriptor is " + std::to_string(size) + " bytes, too small to hold its SDK version");
  const std::string host_sdk = sdk_string(GRHOST_SDK_VERSION_MAJOR, GRHOST_SDK_VERSION_MINOR);
  const std::string plugin_sdk = sdk_string(raw->sdk_major, raw->sdk_minor);
  if (raw->sdk_major != GRHOST_SDK_VERSION_MAJOR)
    throw PluginError(path + ": built for grhost SDK " + plugin_sdk + ", but this host implements SDK " + host_sdk +
                      "; a different major version is incompatible: rebuild the plugin against SDK " +
                      std::to_string(GRHOST_SDK_VERSION_MAJOR) + ".x");
  if (raw->sdk_minor > GRHOST_SDK_VERSION_MINOR)
    throw PluginError(path + ": built for grhost SDK " + plugin_sdk + ", newer than this host's SDK " + host_sdk +
                      "; update grhost, or rebuild the plugin against SDK " + host_sdk);

  grhost_plugin p = sized_copy(raw, path, "plugin descriptor");
  PluginFile out;
  out.path = path;
  out.name = p.name != nullptr ? p.name : "";
  out.sdk_major = p.sdk_major;
  out.sdk_minor = p.sdk_minor;
  out.build_stamp = p.build_stamp != nullptr ? p.build_stamp : "";
  if (!out.build_stamp.empty() && out.build_stamp != host_build_stamp())
    throw PluginError(path + ": built against LibTorch '" + out.build_stamp + "', but this host uses '" +
                      host_build_stamp() + "'; two LibTorch builds cannot share a process: rebuild the plugin "
                      "against the host's LibTorch");
  if (p.num_components <= 0 || p.components == nullptr)
    throw PluginError(path + ": the plugin declares no components");

  std::set<std::pair<int, std::string>> seen;
  for (int64_t i = 0; i < p.num_components; ++i) {
    auto c = check_component(p.components[i], path, lib, i);
    if (!seen.insert({c->kind, c->id}).second)
      throw PluginError(path + ": declares " + kind_name(c->kind) + " '" + c->id + "' twice");
    out.components.push_back(std::move(c));
  }
  return out;
}

}  // namespace grhost::plugins
