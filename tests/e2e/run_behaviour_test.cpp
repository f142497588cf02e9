// What a run leaves behind, how a rerun resumes, and how bad data is
// refused with a message instead of a wrong number.
#include "e2e/csv_rows.hpp"
#include "io/npy.hpp"

#include <nlohmann/json.hpp>

#include <grhost/grhost.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

namespace grhost::test {
namespace {

class RunBehaviour : public ::testing::Test {
 protected:
  void SetUp() override {
    write_split(dir.path(), "train", {1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f}, 2, {0, 0, 1, 1});
    write_split(dir.path(), "test", {1, 0.2f, 0.2f, 1}, 2, {0, 1});
    write_text(dir / "m.yaml",
               "name: tiny\nseed: 1\nthreads: 1\noutput: out\ndatasets: [{id: d}]\n"
               "models:\n  - {id: m, plugin: features-npy, options: {features: '{split}.npy', labels: '{split}_labels.npy'}}\n"
               "tasks: [{plugin: few-shot, options: {shots: [1, 2], trials: 2}}]\n");
  }
  CommandResult run() { return run_grhost("run " + dir / "m.yaml"); }
  TempDir dir;
};

TEST_F(RunBehaviour, WritesResultsManifestRunInfoAndLog) {
  CommandResult r = run();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* f : {"results.csv", "results.json", "manifest.resolved.yaml", "run.json", "grhost.log"})
    EXPECT_TRUE(std::filesystem::exists(dir / "out/" + f)) << f;
  auto run_json = nlohmann::json::parse(read_text(dir / "out/run.json"));
  EXPECT_EQ(run_json["seed"], 1);
  EXPECT_EQ(run_json["threads"], 1);
  EXPECT_EQ(run_json["grhost_version"], GRHOST_VERSION);
  EXPECT_EQ(run_json["sdk_version"], "1." + std::to_string(GRHOST_SDK_VERSION_MINOR));
  ASSERT_EQ(run_json["plugins"].size(), 2u);
  EXPECT_EQ(run_json["plugins"][1]["id"], "few-shot");
  EXPECT_EQ(run_json["plugins"][1]["version"], "1.0.0");
  EXPECT_EQ(run_json["jobs"][0]["status"], "done");
  EXPECT_TRUE(run_json["jobs"][0]["seconds"].is_number());
  auto results = nlohmann::json::parse(read_text(dir / "out/results.json"));
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[2]["params"][0][0], "shots");
  EXPECT_EQ(results[2]["n"], 2);
  EXPECT_NE(read_text(dir / "out/grhost.log").find("'tiny' from " + dir / "m.yaml"), std::string::npos);
}

TEST_F(RunBehaviour, RerunReusesFinishedJobsAndRedoesChangedOnes) {
  ASSERT_EQ(run().exit_code, 0);
  const std::string first = read_text(dir / "out/results.csv");
  CommandResult again = run();
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("reused from an earlier run"), std::string::npos) << again.output;
  EXPECT_EQ(read_text(dir / "out/results.csv"), first);
  EXPECT_EQ(nlohmann::json::parse(read_text(dir / "out/run.json"))["jobs"][0]["status"], "reused");

  // New test features: the job's key changes, so it runs again.
  write_features(dir / "test.npy", {1, 0.2f, 1, 0.3f}, 2, 2);
  CommandResult changed = run();
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_EQ(nlohmann::json::parse(read_text(dir / "out/run.json"))["jobs"][0]["status"], "done");
  EXPECT_NE(read_text(dir / "out/results.csv"), first);
}

TEST_F(RunBehaviour, NonFiniteFeaturesAreRefused) {
  write_features(dir / "test.npy", {1, std::numeric_limits<float>::quiet_NaN(), 0, 1}, 2, 2);
  CommandResult r = run();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("model 'm' features for dataset 'd' split 'test': value at row 0, column 1 is NaN; "
                          "features must be finite"),
            std::string::npos)
      << r.output;
}

TEST_F(RunBehaviour, LabelCountMismatchIsRefused) {
  write_labels(dir / "test_labels.npy", {0, 1, 1});
  CommandResult r = run();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(dir / "test_labels.npy" + ": 3 labels, but " + dir / "test.npy" + " has 2 rows"),
            std::string::npos)
      << r.output;
}

TEST_F(RunBehaviour, LabelBeyondTheDeclaredClassesIsRefused) {
  write_text(dir / "m.yaml",
             "output: out\ndatasets: [{id: d, classes: [only-one]}]\n"
             "models:\n  - {id: m, plugin: features-npy, options: {features: '{split}.npy', labels: '{split}_labels.npy'}}\n"
             "tasks: [{plugin: few-shot, options: {shots: [1]}}]\n");
  CommandResult r = run();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("split 'train': label 1 at row 2 is not below the dataset's 1 classes"), std::string::npos)
      << r.output;
}

TEST_F(RunBehaviour, TooFewSamplesForTheShotsIsRefused) {
  write_text(dir / "m.yaml",
             "output: out\ndatasets: [{id: d, classes: [left, right]}]\n"
             "models:\n  - {id: m, plugin: features-npy, options: {features: '{split}.npy', labels: '{split}_labels.npy'}}\n"
             "tasks: [{plugin: few-shot, options: {shots: [3]}}]\n");
  CommandResult r = run();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("class 'left' (0) has 2 train samples, fewer than shots=3"), std::string::npos) << r.output;
}

TEST_F(RunBehaviour, WrongFeatureShapeIsRefused) {
  const float cube[8] = {};
  io::write_npy(dir / "test.npy", io::DType::float32, {2, 2, 2}, cube);
  CommandResult r = run();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(dir / "test.npy" + ": expected a 2-D float32 or float64 array (samples x dimensions), got a 3-D "
                                             "float32 array"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace grhost::test
