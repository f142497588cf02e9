// The linear-probe task through the grhost program: the rows it writes,
// byte-identical results for the same seed, errors for bad input, and
// agreement with scikit-learn's LogisticRegression on Fashion-MNIST pixels.
#include "e2e/csv_rows.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>

namespace grhost::test {
namespace {

const std::string kModels =
    "models:\n  - {id: m, plugin: features-npy, options: {features: '{split}.npy', labels: '{split}_labels.npy'}}\n";

// `classes` overlapping clusters in `dim` dimensions (class c raises the
// coordinates k with k % classes == c by 1, noise ±0.75): learnable, not trivial.
void write_clusters(const std::string& dir, const std::string& split, int64_t n, int64_t classes, int64_t dim,
                    uint64_t seed) {
  uint64_t s = seed;
  std::vector<float> x;
  std::vector<int64_t> y;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = (i * 7) % classes;
    y.push_back(c);
    for (int64_t k = 0; k < dim; ++k) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      const float noise = static_cast<float>((s >> 11) * (1.0 / 9007199254740992.0)) - 0.5f;
      x.push_back((k % classes == c ? 1.0f : 0.0f) + 1.5f * noise);
    }
  }
  write_split(dir, split, x, dim, y);
}

int count(const std::vector<CsvRow>& rows, const std::string& task, const std::string& metric,
          const std::string& split) {
  int n = 0;
  for (const auto& r : rows) n += r.at("task") == task && r.at("metric") == metric && r.at("split") == split;
  return n;
}

// The test-split row of `task` with this metric and params.
const CsvRow& find(const std::vector<CsvRow>& rows, const std::string& task, const std::string& metric,
                   const std::string& params) {
  for (const auto& r : rows)
    if (r.at("task") == task && r.at("metric") == metric && r.at("params") == params && r.at("split") == "test")
      return r;
  throw std::runtime_error("no row " + task + " " + metric + " " + params);
}

TEST(LinearProbeRun, RowsOfBothMethodsAndTheSameBytesForTheSameSeed) {
  TempDir dir;
  write_clusters(dir.path(), "train", 300, 3, 6, 1);
  write_clusters(dir.path(), "test", 90, 3, 6, 2);
  const std::string tasks =
      "tasks:\n"
      "  - {id: adam, plugin: linear-probe, options: {epochs: 5}}\n"
      "  - {id: study, plugin: linear-probe, options: {epochs: 5, validation: 0}}\n"
      "  - {id: lbfgs, plugin: linear-probe, options: {method: lbfgs, l2: [1e-3, 1e-1]}}\n";
  write_text(dir / "m.yaml", "seed: 5\nthreads: 2\ndatasets: [{id: d}]\n" + kModels + tasks);
  ASSERT_EQ(run_grhost("run " + dir / "m.yaml" + " --output " + dir / "a").exit_code, 0);
  CommandResult again = run_grhost("run " + dir / "m.yaml" + " --output " + dir / "b");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  const std::string a = read_text(dir / "a/results.csv");
  EXPECT_EQ(a, read_text(dir / "b/results.csv"));

  const auto rows = read_csv_rows(dir / "a/results.csv");
  // Adam: per epoch a train loss, a validation and a test accuracy; then the
  // chosen and the last epoch's test accuracy and the chosen epoch.
  EXPECT_EQ(count(rows, "adam", "train_loss", "train"), 5);
  EXPECT_EQ(count(rows, "adam", "accuracy", "validation"), 5);
  EXPECT_EQ(count(rows, "adam", "accuracy", "test"), 5 + 2);
  const int chosen = std::stoi(find(rows, "adam", "chosen_epoch", "method=adam;selection=best-validation").at("value"));
  ASSERT_GE(chosen, 1);
  ASSERT_LE(chosen, 5);
  EXPECT_EQ(find(rows, "adam", "accuracy", "method=adam;selection=best-validation").at("value"),
            find(rows, "adam", "accuracy", "method=adam;epoch=" + std::to_string(chosen)).at("value"));
  EXPECT_EQ(find(rows, "adam", "accuracy", "method=adam;selection=last").at("value"),
            find(rows, "adam", "accuracy", "method=adam;epoch=5").at("value"));
  // The study's setting: no validation part, the last epoch.
  EXPECT_EQ(count(rows, "study", "accuracy", "validation"), 0);
  EXPECT_EQ(find(rows, "study", "chosen_epoch", "method=adam;selection=last").at("value"), "5");
  // L-BFGS: per strength a train loss, evaluations, validation and test accuracy.
  EXPECT_EQ(count(rows, "lbfgs", "accuracy", "validation"), 2);
  const std::string chosen_l2 = find(rows, "lbfgs", "chosen_l2", "method=lbfgs;selection=best-validation").at("value");
  ASSERT_TRUE(chosen_l2 == "0.001" || chosen_l2 == "0.1") << chosen_l2;
  EXPECT_EQ(find(rows, "lbfgs", "accuracy", "method=lbfgs;selection=best-validation").at("value"),
            find(rows, "lbfgs", "accuracy", "method=lbfgs;l2=" + chosen_l2).at("value"));
  // The clusters are learnable: well above the 1/3 of chance.
  EXPECT_GT(std::stod(find(rows, "lbfgs", "accuracy", "method=lbfgs;l2=0.001").at("value")), 0.8);

  // Another seed: another split, initialisation and shuffling.
  write_text(dir / "m2.yaml", "seed: 6\nthreads: 2\ndatasets: [{id: d}]\n" + kModels + tasks);
  ASSERT_EQ(run_grhost("run " + dir / "m2.yaml" + " --output " + dir / "c").exit_code, 0);
  EXPECT_NE(a, read_text(dir / "c/results.csv"));
}

TEST(LinearProbeRun, BadInputStopsTheJobWithAClearMessage) {
  TempDir dir;
  // Three declared classes, but the train split has none of 'bag'.
  write_split(dir.path(), "train", {1, 0, 0, 1, 1, 0.1f, 0.1f, 1}, 2, {0, 1, 0, 1});
  write_split(dir.path(), "test", {1, 0, 0, 1}, 2, {0, 2});
  write_text(dir / "m.yaml", "output: out\ndatasets: [{id: d, classes: [shirt, sandal, bag]}]\n" + kModels +
                                 "tasks: [{plugin: linear-probe, options: {validation: 0}}]\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("class 'bag' (2) has 0 train samples; the probe needs at least 1 per class"),
            std::string::npos)
      << r.output;

  // The host refuses non-finite features before the task sees them.
  write_features(dir / "train.npy", {1, 0, 0, std::numeric_limits<float>::quiet_NaN(), 1, 0, 0, 1}, 4, 2);
  r = run_grhost("run " + dir / "m.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("split 'train': value at row 1, column 1 is NaN; features must be finite"), std::string::npos)
      << r.output;
}

// Both trainers against LogisticRegression(solver='lbfgs') on real data:
// the first 4000 train and 2000 test images of Fashion-MNIST, raw pixels.
// L-BFGS with l2 = 1e-4 solves scikit-learn's problem for C = 1/(1e-4 n),
// so the two should agree to a fraction of a point; the study's Adam
// (weight decay 5e-4, 20 epochs) approximately minimises the problem for
// C = 1/(5e-4 n), and should land within a point of it.
TEST(LinearProbeRun, AgreesWithScikitLearnOnFashionMnistPixels) {
  TempDir dir;
  const double n = 4000;
  const double c_lbfgs = 1 / (1e-4 * n), c_adam = 1 / (5e-4 * n);
  char cs[64];
  std::snprintf(cs, sizeof cs, "%.17g %.17g", c_lbfgs, c_adam);
  CommandResult ref = run_shell("/usr/bin/python3 " + std::string(GRHOST_TEST_SOURCE_DIR) +
                                "/tests/python/linear_probe_reference.py " + dir.path() +
                                " --train 4000 --test 2000 --C " + cs + " 2>&1");
  ASSERT_EQ(ref.exit_code, 0) << "needs Debian's python3-sklearn and dataset-fashion-mnist:\n" << ref.output;
  std::vector<double> sklearn;
  const std::regex line("C=\\S+ accuracy=(\\S+)");
  for (std::sregex_iterator it(ref.output.begin(), ref.output.end(), line), end; it != end; ++it)
    sklearn.push_back(std::stod((*it)[1].str()));
  ASSERT_EQ(sklearn.size(), 2u) << ref.output;

  write_text(dir / "m.yaml", "seed: 1\nthreads: 2\noutput: out\ndatasets: [{id: fmnist}]\n" + kModels +
                                 "tasks:\n"
                                 "  - {id: lbfgs, plugin: linear-probe, options: {method: lbfgs, validation: 0, l2: [1e-4]}}\n"
                                 "  - {id: study, plugin: linear-probe, options: {validation: 0}}\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto rows = read_csv_rows(dir / "out/results.csv");
  const double lbfgs = std::stod(find(rows, "lbfgs", "accuracy", "method=lbfgs;selection=fixed").at("value"));
  const double adam = std::stod(find(rows, "study", "accuracy", "method=adam;selection=last").at("value"));
  EXPECT_NEAR(lbfgs, sklearn[0], 0.01);
  EXPECT_NEAR(adam, sklearn[1], 0.01);
  // Not a vacuous agreement: pixels give a linear classifier about 83%.
  EXPECT_GT(lbfgs, 0.78);
}

}  // namespace
}  // namespace grhost::test
