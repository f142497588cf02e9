#include "plugins/instance.hpp"

#include "plugins/status.hpp"
#include "util/errors.hpp"

#include <spdlog/spdlog.h>

namespace grhost::plugins {

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
  auto create = component.kind == GRHOST_KIND_DATASET ? component.dataset.create
                : component.kind == GRHOST_KIND_MODEL ? component.model.create
                : component.kind == GRHOST_KIND_ATTACK ? component.attack.create
                                                       : component.task.create;
  call_plugin(component, "create", [&] { return create(&options_, &raw_); });
  if (raw_ == nullptr) throw PluginError(component.describe() + ": create succeeded but returned no instance");
}

Instance::~Instance() {
  if (raw_ == nullptr) return;
  auto destroy = component_->kind == GRHOST_KIND_DATASET ? component_->dataset.destroy
                 : component_->kind == GRHOST_KIND_MODEL ? component_->model.destroy
                 : component_->kind == GRHOST_KIND_ATTACK ? component_->attack.destroy
                                                          : component_->task.destroy;
  try {
    destroy(raw_);
  } catch (...) {
    spdlog::error("{}: destroy threw an exception across the C boundary; ignored", component_->describe());
  }
}

}  // namespace grhost::plugins
