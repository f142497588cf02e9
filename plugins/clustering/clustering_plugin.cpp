// Task "clustering": unsupervised spectral clustering of a model's features
// on the test split, with k = the number of classes (Devillers et al. 2021,
// section 3.2, and shared/spec/analyses.md): affinity |cos|, normalised
// Laplacian embedding, k-means; accuracy under a cluster-to-class mapping,
// NMI and adjusted Rand index.
#include "affinity.hpp"
#include "cluster_metrics.hpp"
#include "kmeans.hpp"
#include "label_mapping.hpp"
#include "spectral_embedding.hpp"

#include <grhost/plugin.hpp>

#include <tbb/task_arena.h>

#include <chrono>
#include <stdexcept>

namespace {

using namespace grhost::clustering;

class Clustering : public grhost::Task {
 public:
  static constexpr const char* id = "clustering";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "spectral clustering accuracy, NMI and ARI (Devillers et al. 2021, section 3.2)";
  static constexpr grhost_task_scope scope = GRHOST_SCOPE_PER_MODEL;
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_string_list("mapping", "[hungarian]",
                                   "cluster-to-class mappings to report: hungarian (optimal one-to-one), greedy "
                                   "(one-to-one, largest counts first) or paper (the study's permute_labels)")
            .one_of("hungarian|greedy|paper"),
        grhost::option_bool("absolute", "true", "affinity |cos| as the study; false: negative cosines become 0"),
        grhost::option_int("n_init", "10", "k-means restarts; the lowest inertia is kept (the study: 10)").min(1),
        grhost::option_int("max_iter", "300", "k-means iterations per restart (scikit-learn's default)").min(1),
        grhost::option_float("tol", "1e-4", "k-means tolerance, relative to the embedding's variance (scikit-learn's)").min(0),
        grhost::option_int("max_dense", "20000",
                           "the most samples for a dense affinity; beyond, each keeps its strongest neighbours")
            .min(2),
        grhost::option_int("neighbors", "10", "neighbours per sample in the sparse affinity").min(1),
        grhost::option_float("memory_limit_gb", "8", "refuse a dense affinity larger than this instead of running out of memory")
            .min(0.001),
        grhost::option_float("eigen_tol", "1e-7", "relative tolerance of the eigenvalues").min(1e-14).max(1e-2),
    };
  }

  explicit Clustering(const grhost::Options& o)
      : mappings_(o.get_string_list("mapping")), n_init_(o.get_int("n_init")), max_iter_(o.get_int("max_iter")),
        tol_(o.get_float("tol")), eigen_tol_(o.get_float("eigen_tol")) {
    affinity_.absolute = o.get_bool("absolute");
    affinity_.max_dense = o.get_int("max_dense");
    affinity_.neighbors = o.get_int("neighbors");
    affinity_.memory_limit_bytes = o.get_float("memory_limit_gb") * (1ull << 30);
  }

  void run(const grhost::TaskInput& in, const grhost::Results& out) override {
    const grhost::TaskEntry& e = in.entries.at(0);
    const int64_t n = e.test_features.size(0), k = in.num_classes;
    std::vector<int64_t> classes(e.test_labels.data(), e.test_labels.data() + n);
    std::vector<int64_t> per_class(static_cast<size_t>(k), 0);
    for (int64_t y : classes) ++per_class[static_cast<size_t>(y)];
    for (int64_t c = 0; c < k; ++c)
      if (per_class[static_cast<size_t>(c)] == 0)
        throw grhost::Error("class '" + in.class_names[static_cast<size_t>(c)] +
                            "' has no samples in the test split; clustering with k = the number of classes needs them all");
    if (k >= n)
      throw grhost::Error(std::to_string(k) + " clusters need more than " + std::to_string(n) + " test samples");

    KMeansResult km;
    tbb::task_arena arena(std::max(1, in.threads));
    // Where the time goes, in the log: the three steps' wall times.
    using clock = std::chrono::steady_clock;
    auto seconds = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
    try {
      arena.execute([&] {
        const auto t0 = clock::now();
        const NormalizedAffinity a = normalized_affinity(e.test_features.data(), n, e.test_features.size(1), affinity_);
        const auto t1 = clock::now();
        int64_t products = 0;
        const Eigen::MatrixXd embedding = spectral_embedding(a, k, {eigen_tol_, 3000}, &products);
        const auto t2 = clock::now();
        km = kmeans(embedding, k, {n_init_, max_iter_, tol_, in.seed});
        grhost::log(GRHOST_LOG_INFO, e.model + " on " + in.dataset + ": " + (a.dense ? "dense" : "k-NN") + " affinity " +
                                         std::to_string(seconds(t0, t1)) + " s, embedding " + std::to_string(seconds(t1, t2)) + " s (" +
                                         std::to_string(products) + " matrix-vector products), k-means " +
                                         std::to_string(seconds(t2, clock::now())) + " s");
      });
    } catch (const std::exception& err) {
      throw grhost::Error(err.what());
    }

    const auto counts = contingency(km.labels, classes, k, k);
    for (const std::string& rule : mappings_) {
      grhost::Row row;
      row.metric = "accuracy";
      row.params = {{"mapping", rule}};
      row.value = accuracy(map_clusters(km.labels, classes, k, k, rule), classes);
      out.add(row);
    }
    for (const auto& [metric, value] : {std::pair<const char*, double>{"nmi", normalized_mutual_information(counts)},
                                        {"ari", adjusted_rand_index(counts)},
                                        {"inertia", km.inertia}}) {
      grhost::Row row;
      row.metric = metric;
      row.value = value;
      out.add(row);
    }
    // The contingency table (clusters x classes), for confusion plots.
    std::vector<int64_t> flat;
    for (const auto& r : counts) flat.insert(flat.end(), r.begin(), r.end());
    int64_t shape[2] = {k, k};
    out.add_matrix("contingency", grhost::borrow(flat.data(), shape, 2));
  }

 private:
  std::vector<std::string> mappings_;
  int64_t n_init_, max_iter_;
  double tol_, eigen_tol_;
  AffinityOptions affinity_;
};

}  // namespace

GRHOST_PLUGIN("grhost-clustering", Clustering)
