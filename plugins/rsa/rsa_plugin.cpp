// Task "rsa": representational similarity analysis across every model of a
// run on one labelled split (Devillers et al. 2021, section 3.4, and
// shared/spec/analyses.md): an RDM per model, the models × models
// correlation of their RDMs, an average-linkage dendrogram on 1 − r and an
// exact t-SNE map of the RDMs. Vision models give class means and spreads;
// language models give one vector per class.
#include "class_stats.hpp"
#include "linkage.hpp"
#include "rdm.hpp"
#include "rdm_compare.hpp"
#include "tsne.hpp"

#include <grhost/plugin.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace {

using namespace grhost::rsa;

void add_value(const grhost::Results& out, const std::string& model, const std::string& metric,
               std::vector<std::pair<std::string, std::string>> params, double value) {
  grhost::Row row;
  row.model = model;
  row.metric = metric;
  row.params = std::move(params);
  row.value = value;
  out.add(row);
}

// A float64 matrix for add_matrix.
void add_matrix(const grhost::Results& out, const std::string& name, const std::vector<double>& data, int64_t rows,
                int64_t cols) {
  int64_t shape[2] = {rows, cols};
  out.add_matrix(name, grhost::borrow(data.data(), shape, 2));
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

class Rsa : public grhost::Task {
 public:
  static constexpr const char* id = "rsa";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description =
      "representational similarity analysis: RDMs, their correlations, a dendrogram and a t-SNE map "
      "(Devillers et al. 2021, section 3.4)";
  static constexpr grhost_task_scope scope = GRHOST_SCOPE_ACROSS_MODELS;
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_string("split", "test", "the labelled split the RDMs are computed on: test or train")
            .one_of("test|train"),
        grhost::option_string("distance", "tstat",
                              "tstat: Welch's t between class means (the study); cosine or correlation: 1 − cos or "
                              "1 − r of the class means; euclidean: ‖μ_i − μ_j‖")
            .one_of("tstat|euclidean|cosine|correlation"),
        grhost::option_string("spread", "dimension",
                              "tstat's spread s_c: dimension (a std per dimension, Equation 1) or scalar (one std "
                              "over all of a class's values, the study's code)")
            .one_of("dimension|scalar"),
        grhost::option_int("ddof", "1", "delta degrees of freedom of the spread: 1 (sample std, Welch) or 0 (numpy.std, the study)")
            .min(0).max(1),
        grhost::option_float("spread_floor", "1e-6", "each std is raised to at least this, so that no pair divides by zero")
            .min(0),
        grhost::option_string("comparison", "pearson",
                              "the RDM correlation the dendrogram and t-SNE use: pearson (the study) or spearman; "
                              "both are always reported")
            .one_of("pearson|spearman"),
        grhost::option_float("perplexity", "3", "t-SNE perplexity (the study: 3); t-SNE needs more models than this").min(1),
        grhost::option_int("tsne_iterations", "1000", "t-SNE gradient steps (scikit-learn's n_iter)").min(251),
        grhost::option_float("learning_rate", "0", "t-SNE learning rate; 0: scikit-learn's auto, max(n / 48, 50)").min(0),
    };
  }

  explicit Rsa(const grhost::Options& o)
      : split_(o.get_string("split")), distance_name_(o.get_string("distance")), spread_name_(o.get_string("spread")),
        distance_(parse_distance(distance_name_)), spread_(spread_name_ == "scalar" ? Spread::scalar : Spread::dimension),
        ddof_(static_cast<int>(o.get_int("ddof"))), floor_(o.get_float("spread_floor")),
        comparison_(o.get_string("comparison")) {
    tsne_.perplexity = o.get_float("perplexity");
    tsne_.iterations = o.get_int("tsne_iterations");
    tsne_.learning_rate = o.get_float("learning_rate");
  }

  void run(const grhost::TaskInput& in, const grhost::Results& out) override {
    const int64_t m = static_cast<int64_t>(in.entries.size());
    std::vector<std::vector<double>> triangles;
    for (int64_t k = 0; k < m; ++k) {
      const grhost::TaskEntry& e = in.entries[static_cast<size_t>(k)];
      const bool train = split_ == "train";
      if (train && !e.has_train) throw grhost::Error("model '" + e.model + "' has no train split to compute an RDM on");
      const grhost::View<float>& f = train ? e.train_features : e.test_features;
      const grhost::View<int64_t>& y = train ? e.train_labels : e.test_labels;
      std::vector<double> r;
      try {
        const ClassStats s = class_stats(f.data(), f.size(0), f.size(1), y.data(), in.num_classes, in.class_names, spread_,
                                         ddof_, in.threads);
        r = rdm(s, distance_, floor_, in.threads);
      } catch (const std::invalid_argument& err) {
        throw grhost::Error("model '" + e.model + "': " + err.what());
      }
      add_matrix(out, "rdm_" + e.model, r, in.num_classes, in.num_classes);
      triangles.push_back(upper_triangle(r, in.num_classes));
      out.progress("RDMs", k + 1, m);
    }
    const std::vector<double> pearson = correlation_matrix(triangles, Comparison::pearson);
    const std::vector<double> spearman = correlation_matrix(triangles, Comparison::spearman);
    add_matrix(out, "rdm_pearson", pearson, m, m);
    add_matrix(out, "rdm_spearman", spearman, m, m);
    const auto setting = params();
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < m; ++j) {
        auto p = setting;
        p.emplace_back("with", in.entries[static_cast<size_t>(j)].model);
        add_value(out, in.entries[static_cast<size_t>(i)].model, "rdm_pearson", p, pearson[static_cast<size_t>(i * m + j)]);
        add_value(out, in.entries[static_cast<size_t>(i)].model, "rdm_spearman", p, spearman[static_cast<size_t>(i * m + j)]);
      }
    if (m < 2) {
      grhost::log(GRHOST_LOG_WARN, "rsa on '" + in.dataset + "': one model, so no dendrogram and no t-SNE map");
      return;
    }

    const std::vector<double>& r = comparison_ == "spearman" ? spearman : pearson;
    std::vector<double> dist(r.size());
    for (size_t k = 0; k < r.size(); ++k) {
      if (std::isnan(r[k]))
        throw grhost::Error("the RDMs of '" + in.entries[k / static_cast<size_t>(m)].model + "' and '" +
                            in.entries[k % static_cast<size_t>(m)].model +
                            "' cannot be correlated: one of them is constant (all its classes equally far apart)");
      dist[k] = std::max(0.0, 1.0 - r[k]);
    }
    write_linkage(in, out, average_linkage(dist, m), m);

    if (static_cast<double>(m) <= tsne_.perplexity) {
      grhost::log(GRHOST_LOG_WARN, "rsa on '" + in.dataset + "': t-SNE with perplexity " + fmt(tsne_.perplexity) +
                                       " needs more than that many models, the run has " + std::to_string(m) +
                                       "; no t-SNE map");
      return;
    }
    // The map of the models' RDMs under the correlation distance between
    // them (scikit-learn's TSNE(metric="correlation")): 1 − Pearson's r of
    // the triangles, whichever comparison the dendrogram uses.
    std::vector<double> tdist(pearson.size());
    for (size_t k = 0; k < pearson.size(); ++k) tdist[k] = std::max(0.0, 1.0 - pearson[k]);
    TsneSettings ts = tsne_;
    ts.seed = in.seed;
    const TsneResult t = tsne(tdist, m, ts);
    add_matrix(out, "tsne", t.embedding, m, 2);
    for (int64_t i = 0; i < m; ++i) {
      add_value(out, in.entries[static_cast<size_t>(i)].model, "tsne_x", setting, t.embedding[static_cast<size_t>(i * 2)]);
      add_value(out, in.entries[static_cast<size_t>(i)].model, "tsne_y", setting, t.embedding[static_cast<size_t>(i * 2 + 1)]);
    }
    add_value(out, "", "tsne_kl", setting, t.final_kl);
  }

 private:
  std::vector<std::pair<std::string, std::string>> params() const {
    std::vector<std::pair<std::string, std::string>> p = {{"split", split_}, {"distance", distance_name_}};
    if (distance_ == Distance::tstat) {
      p.emplace_back("spread", spread_name_);
      p.emplace_back("ddof", std::to_string(ddof_));
    }
    return p;
  }

  // The linkage matrix, and a row per merge naming what it joins (a model
  // id, or "cluster N" for the cluster made by merge N − models).
  void write_linkage(const grhost::TaskInput& in, const grhost::Results& out, const std::vector<double>& z, int64_t m) {
    add_matrix(out, "linkage", z, m - 1, 4);
    auto name = [&](double v) {
      const auto k = static_cast<int64_t>(v);
      return k < m ? in.entries[static_cast<size_t>(k)].model : "cluster " + std::to_string(k);
    };
    for (int64_t k = 0; k + 1 < m; ++k) {
      auto p = params();
      p.emplace_back("comparison", comparison_);
      p.emplace_back("merge", std::to_string(k + 1));
      p.emplace_back("left", name(z[static_cast<size_t>(k * 4)]));
      p.emplace_back("right", name(z[static_cast<size_t>(k * 4 + 1)]));
      p.emplace_back("size", std::to_string(static_cast<int64_t>(z[static_cast<size_t>(k * 4 + 3)])));
      add_value(out, "", "linkage_distance", p, z[static_cast<size_t>(k * 4 + 2)]);
    }
  }

  std::string split_, distance_name_, spread_name_;
  Distance distance_;
  Spread spread_;
  int ddof_;
  double floor_;
  std::string comparison_;
  TsneSettings tsne_;
};

}  // namespace

GRHOST_PLUGIN("grhost-rsa", Rsa)
