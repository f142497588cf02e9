// What a valid manifest resolves to: defaults, paths, lists, thread count.
#include "manifest/manifest.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include <thread>

namespace grhost::test {
namespace {

manifest::Manifest load(const TempDir& dir, const std::string& yaml, plugins::Registry& registry) {
  write_text(dir / "m.yaml", yaml);
  return manifest::load_manifest(dir / "m.yaml", {{GRHOST_TEST_PLUGIN_DIR, "test"}}, registry);
}

TEST(ManifestValues, DefaultsAreFilledAndPathsResolvedAgainstTheManifest) {
  TempDir dir;
  write_features(dir / "train.npy", {1}, 1, 1);
  write_features(dir / "test.npy", {1}, 1, 1);
  plugins::Registry registry;
  auto m = load(dir,
                "datasets: [{id: d}]\n"
                "models: [{id: m, plugin: features-npy, options: {features: '{split}.npy'}}]\n"
                "tasks: [{plugin: few-shot, options: {shots: 3}}]\n",
                registry);
  EXPECT_EQ(m.name, "experiment");
  EXPECT_EQ(m.seed, 0u);
  EXPECT_EQ(m.threads, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  EXPECT_EQ(m.output, dir / "runs/experiment");
  ASSERT_EQ(m.tasks.size(), 1u);
  EXPECT_EQ(m.tasks[0].id, "few-shot");  // the id defaults to the plugin
  // A single number is a one-element list.
  EXPECT_EQ(m.tasks[0].options.at("shots").ints, (std::vector<int64_t>{3}));
  EXPECT_EQ(m.tasks[0].options.at("trials").i, 10);
  EXPECT_TRUE(m.tasks[0].options.at("trials").from_default);
  EXPECT_EQ(m.tasks[0].options.at("score").s, "cosine");
  EXPECT_EQ(m.models[0].options.at("features").s, dir / "{split}.npy");
  EXPECT_EQ(m.models[0].options.at("labels").s, "");
  EXPECT_EQ(m.models[0].family, "vision");
  EXPECT_EQ(m.datasets[0].train_split, "train");
  EXPECT_EQ(m.datasets[0].test_split, "test");

  const std::string resolved = manifest::resolved_yaml(m);
  EXPECT_NE(resolved.find("shots: [3]"), std::string::npos) << resolved;
  EXPECT_NE(resolved.find("trials: 10"), std::string::npos) << resolved;
  EXPECT_NE(resolved.find("plugin_version: 1.0.0"), std::string::npos) << resolved;
}

TEST(ManifestValues, ResolvedManifestWithAnEmptyListReadsBack) {
  // The idx dataset's `classes` defaults to []: an empty list must stay a
  // list in the resolved manifest, not break the map it stands in.
  TempDir dir;
  std::filesystem::create_directories(dir / "idx");
  write_features(dir / "train.npy", {1}, 1, 1);
  write_features(dir / "test.npy", {1}, 1, 1);
  plugins::Registry registry;
  auto m = load(dir,
                "datasets: [{id: d, plugin: idx, options: {root: idx}}]\n"
                "models: [{id: m, plugin: features-npy, family: language, options: {features: '{split}.npy'}}]\n"
                "tasks: [{plugin: few-shot}]\n",
                registry);
  const YAML::Node back = YAML::Load(manifest::resolved_yaml(m));
  EXPECT_TRUE(back["datasets"][0]["options"]["classes"].IsSequence());
  EXPECT_EQ(back["datasets"][0]["options"]["classes"].size(), 0u);
  EXPECT_EQ(back["datasets"][0]["options"]["root"].as<std::string>(), dir / "idx");
  EXPECT_EQ(back["models"][0]["family"].as<std::string>(), "language");
}

TEST(ManifestValues, ExplicitValuesWin) {
  TempDir dir;
  write_features(dir / "f.npy", {1}, 1, 1);
  plugins::Registry registry;
  auto m = load(dir,
                "name: trial-run\nseed: 42\nthreads: 3\noutput: /tmp/elsewhere/{name}\n"
                "datasets: [{id: d, classes: [a, b], train_split: tr, test_split: te}]\n"
                "models: [{id: m, plugin: features-npy, family: vision-language, options: {features: f.npy}}]\n"
                "tasks: [{id: fs, plugin: few-shot, options: {shots: [1, 5], trials: 2, score: dot, ddof: 0}}]\n",
                registry);
  EXPECT_EQ(m.seed, 42u);
  EXPECT_EQ(m.threads, 3);
  EXPECT_EQ(m.output, "/tmp/elsewhere/trial-run");
  EXPECT_EQ(m.datasets[0].classes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(m.datasets[0].train_split, "tr");
  EXPECT_EQ(m.models[0].family, "vision-language");
  EXPECT_EQ(m.tasks[0].id, "fs");
  EXPECT_EQ(m.tasks[0].options.at("shots").ints, (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(m.tasks[0].options.at("score").s, "dot");
  EXPECT_EQ(m.tasks[0].options.at("ddof").i, 0);
}

}  // namespace
}  // namespace grhost::test
