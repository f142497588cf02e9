// grhost-zoo on a small dataset in Fashion-MNIST's file layout (the attack
// fixture): it trains and saves TorchScript that the torchscript plugin
// loads, and a rerun trains only what changed.
#include "support/test_support.hpp"
#include "torch/fixtures.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace grhost::test {
namespace {

const std::string kZoo = std::filesystem::path(GRHOST_TEST_BIN).parent_path() / "grhost-zoo";

TEST(Zoo, TrainsSavesLoadsAndCaches) {
  TempDir dir;
  const std::string base = kZoo + " " + dir / "zoo" + " --data " + fixture("attack_idx") + " --threads 2 ";
  CommandResult r = run_shell(base + "--only random,supervised,grounded --epochs 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string m : {"random", "supervised", "grounded"}) {
    EXPECT_NE(r.output.find("  " + m + ": test accuracy"), std::string::npos) << r.output;
    EXPECT_TRUE(std::filesystem::exists(dir / ("zoo/" + m + ".pt"))) << m;
    EXPECT_TRUE(std::filesystem::exists(dir / ("zoo/" + m + ".json"))) << m;
  }
  EXPECT_EQ(r.output.find("adversarial"), std::string::npos) << r.output;

  // The same settings: nothing is trained again. Another epoch count: the
  // trained models are, the untrained one is not.
  r = run_shell(base + "--only random,supervised,grounded --epochs 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string m : {"random", "supervised", "grounded"})
    EXPECT_NE(r.output.find("  " + m + ": cached"), std::string::npos) << r.output;
  r = run_shell(base + "--only random,supervised --epochs 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("supervised: epoch 2/2"), std::string::npos) << r.output;

  // What the quick start does with them: features (128) and logits through grhost.
  write_text(dir / "m.yaml",
             "threads: 2\ncache: cache\n"
             "datasets: [{id: d, plugin: idx, options: {root: " + fixture("attack_idx") + ", classes: [a, b, c]}}]\n"
             "models:\n"
             "  - {id: grounded, plugin: torchscript, options: {file: zoo/grounded.pt, method: features, logits: forward,"
             " resize: 0, crop: 0, mean: [0.286, 0.286, 0.286], std: [0.353, 0.353, 0.353], device: cpu}}\n"
             "tasks: [{plugin: few-shot, options: {shots: [1], trials: 1}}]\n");
  r = run_grhost("extract " + dir / "m.yaml" + " --output " + dir / "out");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const io::NpyArray f = io::read_npy(dir / "out/features/grounded/d/test_features.npy");
  EXPECT_EQ(f.shape, (std::vector<int64_t>{60, 128}));

  r = run_shell(kZoo + " " + dir / "zoo2" + " --data " + dir / "nowhere");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(dir / "nowhere/train-images-idx3-ubyte.gz"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace grhost::test
