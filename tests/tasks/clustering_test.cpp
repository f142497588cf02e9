// Spectral clustering: each step against a known answer (hand-made mapping
// cases, scikit-learn's metric values, brute force, disconnected graphs,
// separated blobs), and the whole task against scikit-learn's
// SpectralClustering on Fashion-MNIST pixels.
#include "affinity.hpp"
#include "cluster_metrics.hpp"
#include "e2e/csv_rows.hpp"
#include "kmeans.hpp"
#include "label_mapping.hpp"
#include "spectral_embedding.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <regex>

namespace grhost::test {
namespace {

using namespace grhost::clustering;

// Samples laid out from counts[cluster][class].
void from_counts(const std::vector<std::vector<int64_t>>& counts, std::vector<int64_t>& clusters, std::vector<int64_t>& classes) {
  for (size_t k = 0; k < counts.size(); ++k)
    for (size_t c = 0; c < counts[k].size(); ++c)
      for (int64_t i = 0; i < counts[k][c]; ++i) {
        clusters.push_back(static_cast<int64_t>(k));
        classes.push_back(static_cast<int64_t>(c));
      }
}

double mapped_accuracy(const std::vector<std::vector<int64_t>>& counts, const std::string& rule) {
  std::vector<int64_t> clusters, classes;
  from_counts(counts, clusters, classes);
  const auto k = static_cast<int64_t>(counts.size()), c = static_cast<int64_t>(counts[0].size());
  return accuracy(map_clusters(clusters, classes, k, c, rule), classes);
}

TEST(ClusteringMapping, GreedyIsNotOptimal) {
  // Greedy takes (cluster 0, class 0) = 5 first and leaves cluster 1 to class 1
  // (0 matches): 5/13. The optimum pairs cluster 0 with class 1 and cluster 1
  // with class 0: 4 + 4 = 8/13. The study's rule: classes 0 and 1 both pick
  // cluster 0, class 1 wins it; cluster 1 is unpicked and so predicts 0: 8/13.
  const std::vector<std::vector<int64_t>> counts = {{5, 4}, {4, 0}};
  EXPECT_DOUBLE_EQ(mapped_accuracy(counts, "greedy"), 5.0 / 13);
  EXPECT_DOUBLE_EQ(mapped_accuracy(counts, "hungarian"), 8.0 / 13);
  EXPECT_DOUBLE_EQ(mapped_accuracy(counts, "paper"), 8.0 / 13);
}

TEST(ClusteringMapping, ThePapersRuleIsNotOneToOne) {
  // Classes 0 and 1 both pick cluster 0 (5 and 4 of their samples); class 2
  // picks cluster 2 (3 against 2). Class 1, the higher, wins cluster 0;
  // cluster 1 is nobody's and predicts class 0, so its 2 samples of class 2
  // are wrong: 4 + 0 + 3 = 7/15. One-to-one: cluster 0 → 0, cluster 1 → 2,
  // cluster 2 → 1 gives 5 + 2 + 1 = 8/15 (also cluster 2 → 2, cluster 1 → 1).
  const std::vector<std::vector<int64_t>> counts = {{5, 4, 0}, {0, 0, 2}, {0, 1, 3}};
  EXPECT_DOUBLE_EQ(mapped_accuracy(counts, "paper"), 7.0 / 15);
  EXPECT_DOUBLE_EQ(mapped_accuracy(counts, "hungarian"), 8.0 / 15);
  EXPECT_DOUBLE_EQ(mapped_accuracy(counts, "greedy"), 8.0 / 15);
}

TEST(ClusteringMapping, HungarianMatchesBruteForce) {
  uint64_t s = 7;
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 2 + trial % 5;
    std::vector<std::vector<int64_t>> counts(n, std::vector<int64_t>(n));
    for (auto& row : counts)
      for (auto& v : row) v = static_cast<int64_t>((s = s * 6364136223846793005ull + 1442695040888963407ull) >> 60);
    std::vector<size_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    int64_t best = 0;
    do {
      int64_t total = 0;
      for (size_t k = 0; k < n; ++k) total += counts[k][perm[k]];
      best = std::max(best, total);
    } while (std::next_permutation(perm.begin(), perm.end()));
    const std::vector<int64_t> match = one_to_one(counts, "hungarian");
    int64_t total = 0;
    for (size_t k = 0; k < n; ++k) total += counts[k][static_cast<size_t>(match[k])];
    ASSERT_EQ(total, best) << "trial " << trial;
  }
}

TEST(ClusteringMetrics, AgreeWithScikitLearn) {
  // Values from sklearn.metrics (normalized_mutual_info_score, adjusted_rand_score).
  EXPECT_NEAR(normalized_mutual_information({{2, 0}, {1, 1}}), 0.34371101848545077, 1e-14);
  EXPECT_NEAR(adjusted_rand_index({{2, 0}, {1, 1}}), 0.0, 1e-14);
  EXPECT_NEAR(normalized_mutual_information({{5, 4, 0}, {0, 0, 2}, {0, 1, 3}}), 0.5295345582319986, 1e-14);
  EXPECT_NEAR(adjusted_rand_index({{5, 4, 0}, {0, 0, 2}, {0, 1, 3}}), 0.3185840707964602, 1e-14);
  EXPECT_DOUBLE_EQ(normalized_mutual_information({{3, 0}, {0, 4}}), 1.0);
  EXPECT_DOUBLE_EQ(adjusted_rand_index({{3, 0}, {0, 4}}), 1.0);
}

// Three tight blobs in 6-D, 30 samples each, far apart.
std::vector<float> blobs(std::vector<int64_t>& labels) {
  uint64_t s = 3;
  auto noise = [&] { return static_cast<float>(((s = s * 6364136223846793005ull + 1442695040888963407ull) >> 40) % 1000) / 1e4f; };
  std::vector<float> x;
  for (int i = 0; i < 90; ++i) {
    const int c = i % 3;
    labels.push_back(c);
    for (int d = 0; d < 6; ++d) x.push_back((d / 2 == c ? 1.0f : 0.0f) + noise());
  }
  return x;
}

TEST(ClusteringSteps, DisconnectedComponentsEmbedAsConstantRows) {
  // Two components with no affinity between them: the two top eigenvectors
  // of M span the components' sqrt(degree) indicators, so after dividing by
  // sqrt(degree) every row of a component is the same point.
  const std::vector<float> x = {1, 0, 0.9f, 0, 0.8f, 0, 0, 1, 0, 0.7f};  // 5 samples, 2-D
  AffinityOptions o;
  o.absolute = false;  // cos = 0 across components
  NormalizedAffinity a = normalized_affinity(x.data(), 5, 2, o);
  Eigen::MatrixXd e = spectral_embedding(a, 2);
  EXPECT_LT((e.row(0) - e.row(1)).norm(), 1e-6);
  EXPECT_LT((e.row(0) - e.row(2)).norm(), 1e-6);
  EXPECT_LT((e.row(3) - e.row(4)).norm(), 1e-6);
  EXPECT_GT((e.row(0) - e.row(3)).norm(), 0.1);
}

TEST(ClusteringSteps, KMeansFindsSeparatedBlobsAndIsSeeded) {
  std::vector<int64_t> labels;
  const std::vector<float> x = blobs(labels);
  Eigen::MatrixXd m = Eigen::Map<const Eigen::Matrix<float, -1, -1, Eigen::RowMajor>>(x.data(), 90, 6).cast<double>();
  KMeansResult r = kmeans(m, 3, {10, 300, 1e-4, 5});
  const auto counts = contingency(r.labels, labels, 3, 3);
  EXPECT_DOUBLE_EQ(normalized_mutual_information(counts), 1.0);
  EXPECT_EQ(kmeans(m, 3, {10, 300, 1e-4, 5}).labels, r.labels);
  EXPECT_THROW(kmeans(m, 91, {}), std::invalid_argument);
}

TEST(ClusteringSteps, DenseAndSparseAffinitiesBothSeparateBlobs) {
  std::vector<int64_t> labels;
  const std::vector<float> x = blobs(labels);
  for (int64_t max_dense : {1000, 10}) {  // 90 samples: dense, then the k-NN affinity
    AffinityOptions o;
    o.max_dense = max_dense;
    o.neighbors = 40;  // beyond a blob's 30 samples: a connected graph
    NormalizedAffinity a = normalized_affinity(x.data(), 90, 6, o);
    EXPECT_EQ(a.dense, max_dense == 1000);
    KMeansResult r = kmeans(spectral_embedding(a, 3), 3, {10, 300, 1e-4, 1});
    EXPECT_DOUBLE_EQ(accuracy(map_clusters(r.labels, labels, 3, 3, "hungarian"), labels), 1.0) << max_dense;
  }
}

TEST(ClusteringSteps, RefusesADisconnectedNeighbourGraph) {
  std::vector<int64_t> labels;
  const std::vector<float> x = blobs(labels);
  AffinityOptions o;
  o.max_dense = 10;
  o.neighbors = 10;  // each sample's 10 nearest are in its own blob: three parts
  try {
    normalized_affinity(x.data(), 90, 6, o);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "the 10-nearest-neighbour graph falls into 3 disconnected parts; raise 'neighbors' until it is connected");
  }
}

TEST(ClusteringSteps, RefusesWhatWouldFailLater) {
  const std::vector<float> x = {1, 0, 0, 0, 1, 0.1f};  // the middle sample is all zeros
  try {
    normalized_affinity(x.data(), 3, 2, {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "sample 1 has no affinity to any other (a zero feature vector, or orthogonal to all)");
  }
  AffinityOptions tight;
  tight.memory_limit_bytes = 16;  // 3 x 3 floats are 36 bytes
  try {
    normalized_affinity(x.data(), 3, 2, tight);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lower max_dense to use the k-nearest-neighbour affinity, or raise memory_limit_gb"),
              std::string::npos);
  }
}

// The task through grhost against scikit-learn's SpectralClustering on the
// same |cos| affinity: 3000 Fashion-MNIST test images, raw pixels.
TEST(ClusteringTask, AgreesWithScikitLearnOnFashionMnist) {
  TempDir dir;
  CommandResult prep = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tools/fashion_mnist_pixels.py " + dir.path() +
                                 " --limit 3000");
  ASSERT_EQ(prep.exit_code, 0) << prep.output;
  write_text(dir / "m.yaml",
             "threads: 2\noutput: out\ndatasets: [{id: fashion-mnist}]\n"
             "models: [{id: pixels, plugin: features-npy, options: {features: '{dataset}/{split}_features.npy', "
             "labels: '{dataset}/{split}_labels.npy'}}]\n"
             "tasks: [{plugin: clustering, options: {mapping: [hungarian, greedy, paper]}}]\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::map<std::string, double> ours;
  for (const auto& row : read_csv_rows(dir / "out/results.csv"))
    ours[row.at("metric") + row.at("params")] = std::stod(row.at("value"));

  const std::string script =
      "import numpy as np\n"
      "from sklearn.cluster import SpectralClustering\n"
      "from sklearn.metrics import normalized_mutual_info_score as nmi, adjusted_rand_score as ari\n"
      "from scipy.optimize import linear_sum_assignment\n"
      "x = np.load('" + dir / "fashion-mnist/test_features.npy" + "'); y = np.load('" + dir / "fashion-mnist/test_labels.npy" + "')\n"
      "x = x / np.linalg.norm(x, axis=1, keepdims=True)\n"
      "c = SpectralClustering(n_clusters=10, affinity='precomputed', random_state=0, n_init=10).fit_predict(np.abs(x @ x.T))\n"
      "m = np.zeros((10, 10), int)\n"
      "np.add.at(m, (c, y), 1)\n"
      "r, k = linear_sum_assignment(-m)\n"
      "print('accuracy', m[r, k].sum() / len(y), 'nmi', nmi(y, c), 'ari', ari(y, c))\n";
  write_text(dir / "ref.py", script);
  CommandResult ref = run_shell("/usr/bin/python3 " + dir / "ref.py");
  ASSERT_EQ(ref.exit_code, 0) << ref.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(ref.output, m, std::regex("accuracy ([\\d.]+) nmi ([\\d.]+) ari ([\\d.]+)"))) << ref.output;
  const double sk_acc = std::stod(m[1]), sk_nmi = std::stod(m[2]), sk_ari = std::stod(m[3]);
  std::cout << "accuracy (hungarian): grhost " << ours["accuracymapping=hungarian"] << ", scikit-learn " << sk_acc
            << "; NMI: grhost " << ours["nmi"] << ", scikit-learn " << sk_nmi << "; ARI: grhost " << ours["ari"]
            << ", scikit-learn " << sk_ari << "\n";
  EXPECT_NEAR(ours["accuracymapping=hungarian"], sk_acc, 0.01);
  EXPECT_NEAR(ours["nmi"], sk_nmi, 0.01);
  EXPECT_LE(ours["accuracymapping=paper"], ours["accuracymapping=hungarian"] + 1e-12);  // the optimum bounds the rest
  EXPECT_LE(ours["accuracymapping=greedy"], ours["accuracymapping=hungarian"] + 1e-12);
}

TEST(ClusteringTask, ClearErrorsForWhatCannotBeClustered) {
  TempDir dir;
  write_split(dir.path(), "train", {1, 0, 0, 1}, 2, {0, 1});
  write_split(dir.path(), "test", {1, 0, 0.9f, 0.1f, 0.1f, 0.9f}, 2, {0, 0, 1});
  write_text(dir / "m.yaml",
             "output: out\ndatasets: [{id: d, classes: [a, b, c]}]\n"
             "models: [{id: m, plugin: features-npy, options: {features: '{split}.npy', labels: '{split}_labels.npy'}}]\n"
             "tasks: [{plugin: clustering}]\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("class 'c' has no samples in the test split; clustering with k = the number of classes needs them all"),
            std::string::npos)
      << r.output;
  write_text(dir / "m.yaml",
             "output: out\ndatasets: [{id: d, classes: [a, b]}]\n"
             "models: [{id: m, plugin: features-npy, options: {features: '{split}.npy', labels: '{split}_labels.npy'}}]\n"
             "tasks: [{plugin: clustering}]\n");
  write_split(dir.path(), "test", {1, 0, 0, 1}, 2, {0, 1});
  r = run_grhost("run " + dir / "m.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("2 clusters need more than 2 test samples"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace grhost::test
