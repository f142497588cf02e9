// Plugin discovery: what `grhost plugins` shows, and the search order
// (manifest plugin_paths, --plugin-path, GRHOST_PLUGIN_PATH, install prefix).
#include "support/test_support.hpp"

#include <grhost/grhost.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

namespace grhost::test {
namespace {

const std::string kShipped = GRHOST_TEST_PLUGIN_DIR;
// The SDK version "plugins" prints for shipped plugins: the host's own.
const std::string kSdkPattern = "1\\." + std::to_string(GRHOST_SDK_VERSION_MINOR);
const std::string kBad = GRHOST_TEST_BAD_PLUGIN_DIR;

TEST(Discovery, ListsShippedPluginsWithKindIdVersionSdkAndFile) {
  CommandResult r = run_grhost("plugins");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("model +features-npy +1\\.0\\.0 +" + kSdkPattern + " +" + kShipped +
                                                     "/grhost_features_npy\\.so")))
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("task +few-shot +1\\.0\\.0 +" + kSdkPattern + " +" + kShipped +
                                                     "/grhost_fewshot\\.so")))
      << r.output;
  EXPECT_NE(r.output.find(kShipped + "  (install prefix)"), std::string::npos) << r.output;
}

TEST(Discovery, DetailsListEachOptionWithTypeAndDefault) {
  CommandResult r = run_grhost("plugins --details");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("- shots: a list of integers, default [1, 5, 10]."), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("- features: a file path, required."), std::string::npos) << r.output;
}

TEST(Discovery, CommandLinePathComesBeforeEnvironmentAndShadowsIt) {
  TempDir a, b;
  std::filesystem::copy_file(kBad + "/bad_none.so", a / "copy.so");
  std::filesystem::copy_file(kBad + "/bad_none.so", b / "copy.so");
  CommandResult r = run_shell("GRHOST_PLUGIN_PATH=" + b.path() + " " GRHOST_TEST_BIN " plugins --plugin-path " + a.path());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(r.output.find(a.path() + "  (--plugin-path)"), r.output.find(b.path() + "  (GRHOST_PLUGIN_PATH)")) << r.output;
  EXPECT_NE(r.output.find("task 'fails-in-run' in " + b / "copy.so" + " is shadowed by the one in " + a / "copy.so"),
            std::string::npos)
      << r.output;
}

TEST(Discovery, ManifestPluginPathComesFirst) {
  TempDir dir;
  std::filesystem::create_directories(dir / "mine");
  std::filesystem::copy_file(kShipped + "/grhost_fewshot.so", dir / "mine/fewshot_copy.so");
  write_features(dir / "f.npy", {1, 0, 0, 1}, 2, 2);
  write_labels(dir / "l.npy", {0, 1});
  write_text(dir / "m.yaml",
             "plugin_paths: [mine]\noutput: out\ndatasets: [{id: d}]\n"
             "models: [{id: m, plugin: features-npy, options: {features: f.npy, labels: l.npy}}]\n"
             "tasks: [{plugin: few-shot, options: {shots: [1], trials: 1}}]\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml" + " --plugin-path " + kShipped);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string run_json = read_text(dir / "out/run.json");
  EXPECT_NE(run_json.find("\"file\": \"" + dir / "mine/fewshot_copy.so" + "\""), std::string::npos) << run_json;
}

}  // namespace
}  // namespace grhost::test
