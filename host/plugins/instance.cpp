#include "plugins/instance.hpp"

#include "plugins/status.hpp"
#include "util/errors.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace grhost::plugins {
namespace {

using CreateFn = grhost_status* (*)(const grhost_options*, grhost_instance**);
using DestroyFn = void (*)(grhost_instance*);

// Every kind's table starts with create and destroy (GRHOST_LIFECYCLE_MEMBERS).
std::pair<CreateFn, DestroyFn> lifecycle(const Component& c) {
  switch (c.kind) {
    case GRHOST_KIND_DATASET: return {c.dataset.create, c.dataset.destroy};
    case GRHOST_KIND_MODEL: return {c.model.create, c.model.destroy};
    case GRHOST_KIND_ATTACK: return {c.attack.create, c.attack.destroy};
    case GRHOST_KIND_TASK: break;
  }
  return {c.task.create, c.task.destroy};
}

}  // namespace

void call_plugin(const Component& c, const char* function, const std::function<grhost_status*()>& call) {
  grhost_status* status = nullptr;
  try {
    status = call();
  } catch (const std::exception& e) {
    // Only reachable for plugins that bypass the SDK's trampolines.
    throw PluginError(c.describe() + ": " + function + " threw a C++ exception across the C boundary: " + e.what());
  } catch (...) {
    throw PluginError(c.describe() + ": " + function + " threw an exception across the C boundary");
  }
  if (status != nullptr) {
    std::string message = c.describe() + ": " + function + " failed (" + status_code_name(status->code) +
                          "): " + status->message;
    delete status;
    throw PluginError(message);
  }
}

Instance::Instance(const Component& component, grhost_options options)
    : component_(&component), library_(component.library), options_(std::move(options)) {
  auto create = lifecycle(component).first;
  call_plugin(component, "create", [&] { return create(&options_, &raw_); });
  if (raw_ == nullptr) throw PluginError(component.describe() + ": create succeeded but returned no instance");
}

Instance::~Instance() {
  if (raw_ == nullptr) return;
  auto destroy = lifecycle(*component_).second;
  try {
    destroy(raw_);
  } catch (...) {
    spdlog::error("{}: destroy threw an exception across the C boundary; ignored", component_->describe());
  }
}

}  // namespace grhost::plugins
