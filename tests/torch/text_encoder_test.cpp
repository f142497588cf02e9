// The text-encoder model: class names through a TorchScript encoder give the
// same vectors as PyTorch in Python on the reference tokenization
// (tests/python/make_text_encoder.py), and bad settings are named.
#include "support/test_support.hpp"

#include "io/npy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

namespace grhost::test {
namespace {

const std::vector<std::string> kClasses = {"Ankle boot", "T-shirt/top", "Sneaker", "Héllo CAFÉ", "unaffable thing", "xyzzy"};

std::string manifest(const std::string& dir, const std::string& extra_options, const std::string& output = "0") {
  std::string classes;
  for (const auto& c : kClasses) classes += (classes.empty() ? "'" : ", '") + c + "'";
  return "datasets: [{id: d, classes: [" + classes + "]}]\n"
         "models:\n  - {id: bert, plugin: text-encoder, family: language, options: {file: " + dir +
         "/text_encoder.pt, vocab: " + dir + "/vocab.txt, output: " + output + extra_options + "}}\n"
         "tasks: [{plugin: rsa}]\n";
}

TEST(TextEncoder, ClassVectorsEqualPyTorchOnTheReferenceTokens) {
  TempDir dir;
  std::string args;
  for (const auto& c : kClasses) args += " '" + c + "'";
  CommandResult made = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/python/make_text_encoder.py " +
                                 dir.path() + args);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  write_text(dir / "m.yaml", manifest(dir.path(), ""));
  CommandResult r = run_grhost("extract " + dir / "m.yaml" + " --output " + dir / "out");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("'Ankle boot' is [CLS] a photo of ank ##le boot . [SEP] (label tokens 4..6)"), std::string::npos)
      << r.output;
  const io::NpyArray got = io::read_npy(dir / "out/features/bert/d/test_features.npy");
  const io::NpyArray want = io::read_npy(dir / "expected.npy");
  ASSERT_EQ(got.shape, (std::vector<int64_t>{6, 16}));
  ASSERT_EQ(want.shape, got.shape);
  double diff = 0;
  for (int64_t i = 0; i < got.numel(); ++i) diff = std::max(diff, std::abs(double(got.as<float>()[i]) - want.as<float>()[i]));
  std::printf("text-encoder against PyTorch: max abs difference %.3g\n", diff);
  EXPECT_LT(diff, 1e-5);
  // Different labels, different vectors (the label's tokens are what is pooled).
  double apart = 0;
  for (int64_t k = 0; k < 16; ++k) apart += std::abs(double(got.as<float>()[k]) - got.as<float>()[16 + k]);
  EXPECT_GT(apart, 1e-3);

  // The whole run: RSA on the encoder's vectors.
  r = run_grhost("run " + dir / "m.yaml" + " --output " + dir / "out");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::ifstream(dir / "out/matrices/rsa/d/rdm_bert.npy").good());
}

TEST(TextEncoder, BadSettingsAreNamed) {
  TempDir dir;
  CommandResult made = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/python/make_text_encoder.py " + dir.path());
  ASSERT_EQ(made.exit_code, 0) << made.output;
  write_text(dir / "a.yaml", manifest(dir.path(), ", prompt: 'a photo'"));
  CommandResult r = run_grhost("run " + dir / "a.yaml" + " --output " + dir / "out");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("prompt 'a photo' must hold {label} exactly once"), std::string::npos) << r.output;
  write_text(dir / "b.yaml", manifest(dir.path(), ", cls_token: '<s>'"));
  r = run_grhost("run " + dir / "b.yaml" + " --output " + dir / "out");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("vocab.txt: the vocabulary has no token '<s>'"), std::string::npos) << r.output;
  write_text(dir / "c.yaml", manifest(dir.path(), "", "-1"));
  r = run_grhost("run " + dir / "c.yaml" + " --output " + dir / "out");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("the model returns 2 outputs; choose one with 'output: 0...1'"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace grhost::test
