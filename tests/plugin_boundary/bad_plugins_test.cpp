// Bad plugins are refused with a message naming the file and the reason,
// and the host goes on (listing) or stops the job cleanly (running).
#include "support/test_support.hpp"

#include <grhost/grhost.h>
#include <gtest/gtest.h>

#include <string>

namespace grhost::test {
namespace {

const std::string kBad = GRHOST_TEST_BAD_PLUGIN_DIR;
// The host's SDK version, and the minor one past it, as messages print them.
const std::string kSdk = "1." + std::to_string(GRHOST_SDK_VERSION_MINOR);
const std::string kNextMinor = "1." + std::to_string(GRHOST_SDK_VERSION_MINOR + 1);

// `grhost plugins` with one bad library on the path: exit 0, the shipped
// plugins still listed, the bad one refused with `reason`.
void expect_refused(const std::string& lib, const std::string& reason) {
  const std::string file = kBad + "/" + lib;
  CommandResult r = run_grhost("plugins --plugin-path " + file);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("few-shot"), std::string::npos) << "shipped plugins must still load:\n" << r.output;
  EXPECT_NE(r.output.find("refused:\n  " + file + ": " + reason), std::string::npos)
      << "expected the refusal of " << file << " with: " << reason << "\n" << r.output;
}

TEST(BadPlugins, ValidReferencePluginLoads) {
  CommandResult r = run_grhost("plugins --plugin-path " + kBad + "/bad_none.so");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("fails-in-run"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("refused"), std::string::npos) << r.output;
}

TEST(BadPlugins, LibraryWithoutEntryPoint) {
  expect_refused("bad_no_entry.so", "not a grhost plugin: it exports no 'grhost_plugin_entry' function");
}

TEST(BadPlugins, EntryPointReturningNull) {
  expect_refused("bad_null_entry.so", "grhost_plugin_entry returned NULL: the plugin refused to load");
}

TEST(BadPlugins, SdkMajorMismatch) {
  expect_refused("bad_major.so",
                 "built for grhost SDK 2." + std::to_string(GRHOST_SDK_VERSION_MINOR) + ", but this host implements SDK " + kSdk + "; a different major version is "
                 "incompatible: rebuild the plugin against SDK 1.x");
}

TEST(BadPlugins, NewerSdkMinorThanHost) {
  expect_refused("bad_minor.so",
                 "built for grhost SDK " + kNextMinor + ", newer than this host's SDK " + kSdk +
                     "; update grhost, or rebuild the plugin against SDK " + kSdk);
}

TEST(BadPlugins, StructLargerThanHostKnows) {
  expect_refused("bad_large_struct.so", "component #0 is " + std::to_string(sizeof(grhost_component) + 16) +
                                            " bytes, larger than the " + std::to_string(sizeof(grhost_component)) +
                                            " bytes this host (SDK " + kSdk + ") knows");
}

TEST(BadPlugins, MissingRequiredFunction) {
  expect_refused("bad_missing_function.so",
                 "task 'fails-in-run' lacks the required function 'run' (its pointer is NULL in the function table)");
}

TEST(BadPlugins, LibTorchBuildStampDiffers) {
  expect_refused("bad_stamp.so", "built against LibTorch 'torch=0.9.0;cxx11abi=1', but this host uses 'torch=");
}

TEST(BadPlugins, NotALibraryAtAll) {
  TempDir dir;
  write_text(dir / "junk.so", "this is not an ELF file");
  CommandResult r = run_grhost("plugins --plugin-path " + dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(dir / "junk.so" + ": cannot load the library"), std::string::npos) << r.output;
}

// A run whose task plugin fails: the job fails with the plugin's message,
// the other jobs still run, results are written, and the exit code is 1.
class FailingCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    write_split(dir.path(), "train", {1, 0, 0, 1, 1, 0.1f, 0.1f, 1}, 2, {0, 1, 0, 1});
    write_split(dir.path(), "test", {1, 0, 0, 1}, 2, {0, 1});
  }
  CommandResult run_task(const std::string& task) {
    write_text(dir / "m.yaml",
               "plugin_paths: [" + kBad + "/bad_none.so, " + kBad + "/bad_raw_throw.so, " + kBad +
                   "/bad_sdk_throw.so]\n"
                   "output: out\n"
                   "datasets: [{id: toy}]\n"
                   "models:\n"
                   "  - {id: m, plugin: features-npy, options: {features: '{split}.npy', labels: '{split}_labels.npy'}}\n"
                   "tasks:\n"
                   "  - plugin: " + task + "\n"
                   "  - {plugin: few-shot, options: {shots: [1], trials: 2}}\n");
    return run_grhost("run " + dir / "m.yaml");
  }
  void expect_clean_failure(const CommandResult& r, const std::string& message) {
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    // The other task still ran and everything was written.
    const std::string csv = read_text(dir / "out/results.csv");
    EXPECT_NE(csv.find("m,toy,test,few-shot,few-shot,shots=1;score=cosine,accuracy,,"), std::string::npos) << csv;
    EXPECT_NE(read_text(dir / "out/run.json").find("\"status\": \"failed\""), std::string::npos);
  }
  TempDir dir;
};

TEST_F(FailingCalls, RunReturnsErrorStatus) {
  expect_clean_failure(run_task("fails-in-run"),
                       "task 'fails-in-run' (" + kBad + "/bad_none.so): run failed (I/O error): disk on fire");
}

TEST_F(FailingCalls, CreateReturnsErrorStatus) {
  expect_clean_failure(run_task("fails-in-create"),
                       "task 'fails-in-create' (" + kBad +
                           "/bad_none.so): create failed (invalid argument): this component refuses every configuration");
}

TEST_F(FailingCalls, RawExceptionAcrossTheBoundary) {
  expect_clean_failure(run_task("throws-raw"),
                       "run threw a C++ exception across the C boundary: raw exception from a plugin");
}

TEST_F(FailingCalls, ExceptionInsideSdkTrampoline) {
  expect_clean_failure(run_task("throws-in-sdk"), "run failed (internal error): throws-in-sdk: index 7 past the end");
}

}  // namespace
}  // namespace grhost::test
