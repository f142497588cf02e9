// Instances of plugin components, and calling into them safely: every call's
// error status, and any exception that escapes a plugin, becomes a
// PluginError that names the component, its file and the call.
#pragma once

#include "plugins/component.hpp"
#include "plugins/host_api.hpp"

#include <functional>
#include <memory>

namespace grhost::plugins {

/// Owns a DLManagedTensor received from a plugin; runs its deleter.
struct DlpackDeleter {
  void operator()(DLManagedTensor* t) const noexcept {
    if (t != nullptr && t->deleter != nullptr) t->deleter(t);
  }
};
using ManagedTensor = std::unique_ptr<DLManagedTensor, DlpackDeleter>;

/// Runs `call`; throws PluginError if it returned an error status or threw.
void call_plugin(const Component& c, const char* function, const std::function<grhost_status*()>& call);

/// A live instance: created from validated options, destroyed with the object.
class Instance {
 public:
  Instance(const Component& component, grhost_options options);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  const Component& component() const { return *component_; }
  grhost_instance* raw() const { return raw_; }
  const grhost_options& options() const { return options_; }

 private:
  const Component* component_;
  std::shared_ptr<const LoadedLibrary> library_;  // keeps the code loaded while we live
  grhost_options options_;                        // plugins may keep pointers into it
  grhost_instance* raw_ = nullptr;
};

}  // namespace grhost::plugins
