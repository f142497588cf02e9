// Few-shot through the whole host: a case computed by hand, an independent
// re-computation for the study's and the default settings, and
// byte-identical results for the same manifest and seed.
#include "e2e/csv_rows.hpp"
#include "fewshot_core.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace grhost::test {
namespace {

std::string models_yaml() {
  return "models:\n  - id: m\n    plugin: features-npy\n    options: {features: '{split}.npy', labels: '{split}_labels.npy'}\n";
}

TEST(FewShotRun, HandCaseThroughTheHost) {
  TempDir dir;
  // Class 0 from (1,0),(0,1); class 1 from (1,0),(2,0): with shots=2 every
  // sample is drawn, so each trial is the hand computation in
  // unit/fewshot_core_test.cpp: cosine 3/4, dot 2/4, euclidean 3/4.
  write_split(dir.path(), "train", {1, 0, 0, 1, 1, 0, 2, 0}, 2, {0, 0, 1, 1});
  write_split(dir.path(), "test", {0.8f, 0.6f, 0.6f, 0.8f, 1, 0.1f, 0, 1}, 2, {0, 0, 1, 1});
  write_text(dir / "m.yaml", "seed: 3\noutput: out\ndatasets: [{id: hand, classes: [A, B]}]\n" + models_yaml() +
                                 "tasks:\n"
                                 "  - {id: cos, plugin: few-shot, options: {shots: [2], trials: 3}}\n"
                                 "  - {id: dot, plugin: few-shot, options: {shots: [2], trials: 3, score: dot, ddof: 0}}\n"
                                 "  - {id: euc, plugin: few-shot, options: {shots: [2], trials: 3, score: euclidean}}\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::map<std::string, std::string> expected = {{"cos", "0.75"}, {"dot", "0.5"}, {"euc", "0.75"}};
  auto rows = read_csv_rows(dir / "out/results.csv");
  ASSERT_EQ(rows.size(), 12u);  // 3 tasks x (3 trials + 1 summary)
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("model"), "m");
    EXPECT_EQ(row.at("dataset"), "hand");
    EXPECT_EQ(row.at("split"), "test");
    EXPECT_EQ(row.at("metric"), "accuracy");
    EXPECT_EQ(row.at("value"), expected.at(row.at("task"))) << row.at("task");
    if (row.at("trial").empty()) {
      EXPECT_EQ(row.at("mean"), expected.at(row.at("task")));
      EXPECT_EQ(row.at("std"), "0");
      EXPECT_EQ(row.at("sem"), "0");
      EXPECT_EQ(row.at("n"), "3");
    }
  }
}

// Deterministic pseudo-random features: four overlapping clusters.
struct Data {
  std::vector<float> train, test;
  std::vector<int64_t> train_y, test_y;
};
Data make_data(int64_t classes, int64_t per_class, int64_t n_test, int64_t dim) {
  uint64_t s = 12345;
  auto uniform = [&] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>((s >> 11) * (1.0 / 9007199254740992.0));
  };
  Data d;
  auto sample = [&](int64_t c, std::vector<float>& out) {
    for (int64_t k = 0; k < dim; ++k) out.push_back((k % classes == c ? 1.0f : 0.0f) + 1.5f * (uniform() - 0.5f));
  };
  for (int64_t i = 0; i < classes * per_class; ++i) {
    d.train_y.push_back(i % classes);
    sample(i % classes, d.train);
  }
  for (int64_t i = 0; i < n_test; ++i) {
    d.test_y.push_back((i * 7) % classes);
    sample((i * 7) % classes, d.test);
  }
  return d;
}

// The documented algorithm in plain double loops; only the index draws are
// shared with the plugin (they are tested on their own in the unit tests).
double reference_accuracy(const Data& d, int64_t classes, int64_t dim, int64_t shots, uint64_t seed, int64_t trial,
                          bool cosine) {
  auto unit = [&](const float* x) {
    std::vector<double> v(x, x + dim);
    double n = 0;
    for (double a : v) n += a * a;
    for (double& a : v) a /= std::sqrt(n);
    return v;
  };
  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(classes));
  for (size_t i = 0; i < d.train_y.size(); ++i) by_class[static_cast<size_t>(d.train_y[i])].push_back(static_cast<int64_t>(i));
  fewshot::Rng rng(fewshot::trial_seed(seed, trial));
  auto support = fewshot::draw_support(by_class, shots, rng);
  std::vector<std::vector<double>> protos;
  for (const auto& idx : support) {
    std::vector<double> p(static_cast<size_t>(dim), 0.0);
    for (int64_t i : idx) {
      auto u = unit(&d.train[static_cast<size_t>(i * dim)]);
      for (int64_t k = 0; k < dim; ++k) p[k] += u[k] / static_cast<double>(idx.size());
    }
    if (cosine) {
      double n = 0;
      for (double a : p) n += a * a;
      for (double& a : p) a /= std::sqrt(n);
    }
    protos.push_back(p);
  }
  int correct = 0;
  for (size_t t = 0; t < d.test_y.size(); ++t) {
    auto x = unit(&d.test[t * static_cast<size_t>(dim)]);
    int64_t best = 0;
    double best_score = -1e300;
    for (int64_t c = 0; c < classes; ++c) {
      double sc = 0;
      for (int64_t k = 0; k < dim; ++k) sc += x[k] * protos[c][k];
      if (sc > best_score) { best_score = sc; best = c; }
    }
    correct += best == d.test_y[t];
  }
  return static_cast<double>(correct) / static_cast<double>(d.test_y.size());
}

TEST(FewShotRun, MatchesAnIndependentRecomputationInBothSettings) {
  const int64_t classes = 4, per_class = 12, n_test = 60, dim = 8;
  const uint64_t seed = 11;
  const int trials = 5;
  Data d = make_data(classes, per_class, n_test, dim);
  TempDir dir;
  write_split(dir.path(), "train", d.train, dim, d.train_y);
  write_split(dir.path(), "test", d.test, dim, d.test_y);
  write_text(dir / "m.yaml", "seed: 11\noutput: out\ndatasets: [{id: blobs}]\n" + models_yaml() +
                                 "tasks:\n"
                                 "  - {id: default, plugin: few-shot, options: {shots: [1, 3], trials: 5}}\n"
                                 "  - {id: paper, plugin: few-shot, options: {shots: [1, 3], trials: 5, score: dot, ddof: 0}}\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto rows = read_csv_rows(dir / "out/results.csv");
  ASSERT_EQ(rows.size(), 2u * 2u * (trials + 1));

  for (const std::string task : {"default", "paper"}) {
    const bool cosine = task == "default";
    const int ddof = cosine ? 1 : 0;
    for (int64_t shots : {1, 3}) {
      std::vector<double> acc;
      for (int t = 1; t <= trials; ++t) acc.push_back(reference_accuracy(d, classes, dim, shots, seed, t, cosine));
      double mean = 0, ss = 0;
      for (double a : acc) mean += a / trials;
      for (double a : acc) ss += (a - mean) * (a - mean);
      const double sd = std::sqrt(ss / (trials - ddof)), sem = sd / std::sqrt(static_cast<double>(trials));
      const std::string params = "shots=" + std::to_string(shots) + ";score=" + (cosine ? "cosine" : "dot");
      int seen = 0;
      for (const auto& row : rows) {
        if (row.at("task") != task || row.at("params") != params) continue;
        ++seen;
        if (!row.at("trial").empty()) {
          EXPECT_DOUBLE_EQ(std::stod(row.at("value")), acc[std::stoi(row.at("trial")) - 1]) << task << " " << params;
        } else {
          EXPECT_NEAR(std::stod(row.at("mean")), mean, 1e-12);
          EXPECT_NEAR(std::stod(row.at("std")), sd, 1e-12);
          EXPECT_NEAR(std::stod(row.at("sem")), sem, 1e-12);
          EXPECT_EQ(row.at("n"), "5");
        }
      }
      EXPECT_EQ(seen, trials + 1) << task << " " << params;
    }
  }
}

TEST(FewShotRun, SameManifestAndSeedGiveByteIdenticalResults) {
  Data d = make_data(3, 10, 30, 6);
  TempDir dir;
  write_split(dir.path(), "train", d.train, 6, d.train_y);
  write_split(dir.path(), "test", d.test, 6, d.test_y);
  write_text(dir / "m.yaml", "seed: 5\nthreads: 2\ndatasets: [{id: d}]\n" + models_yaml() +
                                 "tasks: [{plugin: few-shot, options: {shots: [1, 2, 5], trials: 20}}]\n");
  ASSERT_EQ(run_grhost("run " + dir / "m.yaml" + " --output " + dir / "a").exit_code, 0);
  ASSERT_EQ(run_grhost("run " + dir / "m.yaml" + " --output " + dir / "b").exit_code, 0);
  const std::string a = read_text(dir / "a/results.csv");
  EXPECT_EQ(a, read_text(dir / "b/results.csv"));
  EXPECT_EQ(std::count(a.begin(), a.end(), '\n'), 1 + 3 * 21);
  // A different seed draws different supports.
  write_text(dir / "m2.yaml", "seed: 6\nthreads: 2\ndatasets: [{id: d}]\n" + models_yaml() +
                                  "tasks: [{plugin: few-shot, options: {shots: [1, 2, 5], trials: 20}}]\n");
  ASSERT_EQ(run_grhost("run " + dir / "m2.yaml" + " --output " + dir / "c").exit_code, 0);
  EXPECT_NE(a, read_text(dir / "c/results.csv"));
}

}  // namespace
}  // namespace grhost::test
