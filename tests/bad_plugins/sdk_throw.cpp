// A plugin written with the SDK's C++ layer whose run() throws: the
// trampoline must turn the exception into an error status.
#include <grhost/plugin.hpp>

#include <stdexcept>

namespace {
class ThrowsInRun : public grhost::Task {
 public:
  static constexpr const char* id = "throws-in-sdk";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "run() throws; the SDK converts it";
  static constexpr grhost_task_scope scope = GRHOST_SCOPE_PER_MODEL;
  static std::vector<grhost::OptionSpec> options() { return {}; }
  explicit ThrowsInRun(const grhost::Options&) {}
  void run(const grhost::TaskInput&, const grhost::Results&) override {
    throw std::out_of_range("index 7 past the end");
  }
};
}  // namespace

GRHOST_PLUGIN("sdk-throw", ThrowsInRun)
