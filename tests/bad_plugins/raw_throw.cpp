// A plugin that breaks the rule "no exception crosses the boundary": its
// run() throws straight into the host. The host must catch it and fail the
// job, not crash.
#include <grhost/grhost.h>

#include <cstdlib>
#include <stdexcept>

namespace {
grhost_status* create(const grhost_options*, grhost_instance** out) {
  *out = static_cast<grhost_instance*>(std::malloc(1));
  return nullptr;
}
void destroy(grhost_instance* p) { std::free(p); }
grhost_status* run(grhost_instance*, const grhost_task_input*, grhost_results*) {
  throw std::runtime_error("raw exception from a plugin");
}
const grhost_task_api api = {sizeof(grhost_task_api), create, destroy, GRHOST_SCOPE_PER_MODEL, run};
const grhost_component component = {sizeof(grhost_component), GRHOST_KIND_TASK, "throws-raw", "0.1.0",
                                    "run() throws across the C boundary", 0, nullptr, &api};
const grhost_component* const components[] = {&component};
const grhost_plugin plugin = {sizeof(grhost_plugin), GRHOST_SDK_VERSION_MAJOR, GRHOST_SDK_VERSION_MINOR,
                              "raw-throw", nullptr, 1, components};
}  // namespace

extern "C" __attribute__((visibility("default"))) const grhost_plugin* grhost_plugin_entry(const grhost_host_api*) {
  return &plugin;
}
