// The rsa task through the grhost program, with vision models (features-npy)
// beside language models (label-embeddings, wordnet): the matrices and rows
// it writes, and that per-model tasks leave the language models out.
#include "e2e/csv_rows.hpp"

#include "io/npy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace grhost::test {
namespace {

// 12 rows per class around class centres; `noise` scales the spread.
void write_vision(const std::string& dir, const std::string& name, const std::vector<std::vector<float>>& centres, float noise,
                  uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  for (const std::string split : {"train", "test"}) {
    std::vector<float> x;
    std::vector<int64_t> y;
    for (size_t c = 0; c < centres.size(); ++c)
      for (int k = 0; k < 12; ++k) {
        for (float v : centres[c]) x.push_back(v + noise * normal(rng));
        y.push_back(static_cast<int64_t>(c));
      }
    write_split(dir, name + "_" + split, x, static_cast<int64_t>(centres[0].size()), y);
  }
}

std::vector<double> read_matrix(const std::string& path, int64_t rows, int64_t cols) {
  const io::NpyArray a = io::read_npy(path);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{rows, cols})) << path;
  EXPECT_EQ(a.dtype, io::DType::float64) << path;
  return std::vector<double>(a.as<double>(), a.as<double>() + a.numel());
}

std::string vision_model(const std::string& id) {
  return "  - {id: " + id + ", plugin: features-npy, family: vision, options: {features: '" + id +
         "_{split}.npy', labels: '" + id + "_{split}_labels.npy'}}\n";
}

TEST(RsaRun, VisionAndLanguageModelsSideBySide) {
  TempDir dir;
  std::mt19937_64 rng(1);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<std::vector<float>> centres(5, std::vector<float>(8)), other = centres;
  for (auto& c : centres)
    for (float& v : c) v = normal(rng);
  for (auto& c : other)
    for (float& v : c) v = normal(rng);
  write_vision(dir.path(), "v1", centres, 0.3f, 2);
  write_vision(dir.path(), "v2", centres, 0.35f, 3);  // the same geometry, other noise
  write_vision(dir.path(), "v3", other, 0.3f, 4);
  // Label embeddings stored in another class order, named by a file.
  std::vector<float> text;
  for (int r = 0; r < 5; ++r)
    for (int d = 0; d < 3; ++d) text.push_back(static_cast<float>((r + 1) * (d == r % 3 ? 2 : 1)));
  write_features(dir / "text.npy", text, 5, 3);
  write_text(dir / "text_classes.txt", "shirt\ntrouser\nankle boot\nsneaker\nsandal\n");

  write_text(dir / "m.yaml",
             "seed: 3\nthreads: 2\n"
             "datasets: [{id: d, classes: [Sandal, Sneaker, Ankle boot, Trouser, Shirt]}]\n"
             "models:\n" +
                 vision_model("v1") + vision_model("v2") + vision_model("v3") +
                 "  - {id: text, plugin: label-embeddings, family: language, options: {embeddings: text.npy, classes: "
                 "text_classes.txt}}\n"
                 "  - {id: wn, plugin: wordnet, family: language}\n"
                 "tasks:\n  - plugin: rsa\n  - {plugin: few-shot, options: {shots: [1], trials: 2}}\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml" + " --output " + dir / "out");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string m = dir / "out/matrices/rsa/d/";

  // The label embeddings' RDM: distances of their unit vectors, in the dataset's order.
  const auto rdm_text = read_matrix(m + "rdm_text.npy", 5, 5);
  // Dataset class c is row row_of[c] of text.npy (Sandal is its last row).
  const int row_of[5] = {4, 3, 2, 1, 0};
  auto unit = [&](int c) {
    const float* v = &text[static_cast<size_t>(row_of[c] * 3)];
    const double n = std::sqrt(double(v[0]) * v[0] + double(v[1]) * v[1] + double(v[2]) * v[2]);
    return std::vector<double>{v[0] / n, v[1] / n, v[2] / n};
  };
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) {
      const auto a = unit(i), b = unit(j);
      const double want = std::sqrt(std::pow(a[0] - b[0], 2) + std::pow(a[1] - b[1], 2) + std::pow(a[2] - b[2], 2));
      EXPECT_NEAR(rdm_text[i * 5 + j], want, 1e-6) << i << "," << j;
    }

  // Correlations: unit diagonal, symmetric; v1 and v2 share a geometry, v3 does not.
  const auto pr = read_matrix(m + "rdm_pearson.npy", 5, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(pr[i * 5 + i], 1.0, 1e-12);
    for (int j = 0; j < 5; ++j) EXPECT_EQ(pr[i * 5 + j], pr[j * 5 + i]);
  }
  EXPECT_GT(pr[0 * 5 + 1], 0.9);
  EXPECT_GT(pr[0 * 5 + 1], pr[0 * 5 + 2] + 0.2);
  read_matrix(m + "rdm_spearman.npy", 5, 5);
  const auto z = read_matrix(m + "linkage.npy", 4, 4);
  // The closest pair merges first: v1 and v2, at 1 − r.
  EXPECT_EQ(z[0], 0);
  EXPECT_EQ(z[1], 1);
  EXPECT_NEAR(z[2], 1 - pr[1], 1e-12);
  EXPECT_EQ(z[15], 5);  // the last merge holds every model
  read_matrix(m + "tsne.npy", 5, 2);

  const auto rows = read_csv_rows(dir / "out/results.csv");
  int pearson = 0, linkage = 0, tsne = 0, kl = 0;
  std::set<std::string> fewshot_models;
  for (const auto& row : rows) {
    if (row.at("task") == "few-shot") fewshot_models.insert(row.at("model"));
    if (row.at("task") != "rsa") continue;
    pearson += row.at("metric") == "rdm_pearson";
    linkage += row.at("metric") == "linkage_distance";
    tsne += row.at("metric") == "tsne_x" || row.at("metric") == "tsne_y";
    kl += row.at("metric") == "tsne_kl";
    if (row.at("metric") == "rdm_pearson" && row.at("model") == "v1" &&
        row.at("params") == "split=test;distance=tstat;spread=dimension;ddof=1;with=v2")
      EXPECT_NEAR(std::stod(row.at("value")), pr[1], 1e-9);
  }
  EXPECT_EQ(pearson, 25);
  EXPECT_EQ(linkage, 4);
  EXPECT_EQ(tsne, 10);
  EXPECT_EQ(kl, 1);
  // Per-model tasks leave the language models out.
  EXPECT_EQ(fewshot_models, (std::set<std::string>{"v1", "v2", "v3"}));
}

TEST(RsaRun, WordNetPlacesFootwearTogetherInFashionMnist) {
  TempDir dir;
  write_text(dir / "m.yaml",
             "datasets: [{id: fmnist, classes: [T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, "
             "Bag, Ankle boot]}]\n"
             "models: [{id: wn, plugin: wordnet, family: language}]\n"
             "tasks: [{plugin: rsa}]\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml" + " --output " + dir / "out");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("class 'Ankle boot' is boot.n.01"), std::string::npos) << r.output;
  const auto d = read_matrix(dir / "out/matrices/rsa/fmnist/rdm_wn.npy", 10, 10);
  auto at = [&](int i, int j) { return d[i * 10 + j]; };
  const int tshirt = 0, trouser = 1, pullover = 2, coat = 4, sandal = 5, shirt = 6, sneaker = 7, bag = 8, boot = 9;
  // Footwear: each pair closer than any of them to trousers or bags.
  for (int a : {sandal, sneaker, boot})
    for (int b : {sandal, sneaker, boot})
      if (a != b)
        for (int other : {trouser, bag}) EXPECT_LT(at(a, b), at(a, other)) << a << " " << b << " " << other;
  // Garments: shirts, T-shirts and pullovers closer to each other than to footwear.
  for (int a : {tshirt, shirt, pullover, coat})
    for (int b : {sandal, sneaker, boot}) EXPECT_LT(at(a, shirt == a ? tshirt : shirt), at(a, b)) << a << " " << b;
}

TEST(RsaRun, BadLanguageModelInputIsNamed) {
  TempDir dir;
  write_features(dir / "text.npy", std::vector<float>(6, 1.f), 2, 3);
  write_text(dir / "m.yaml",
             "datasets: [{id: d, classes: [a, b, c]}]\n"
             "models: [{id: text, plugin: label-embeddings, options: {embeddings: text.npy}}]\n"
             "tasks: [{plugin: rsa}]\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml" + " --output " + dir / "out");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("text.npy: 2 rows, but dataset 'd' has 3 classes"), std::string::npos) << r.output;

  write_text(dir / "w.yaml",
             "datasets: [{id: d, classes: [Sandal, Qwxyzzy]}]\n"
             "models: [{id: wn, plugin: wordnet}]\n"
             "tasks: [{plugin: rsa}]\n");
  r = run_grhost("run " + dir / "w.yaml" + " --output " + dir / "out2");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("class 'Qwxyzzy' is no noun in WordNet"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace grhost::test
