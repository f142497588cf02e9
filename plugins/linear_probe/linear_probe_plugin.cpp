// Task "linear-probe": a linear classifier trained on a model's train
// features and scored on its test features, per (model, dataset). Rows: the
// test accuracy of the chosen and of the last epoch (or L2 strength), the
// per-epoch (per-strength) curves, and the chosen hyperparameter.
#include "linear_probe_core.hpp"

#include <grhost/torch_bridge.hpp>  // before plugin.hpp: records the LibTorch build stamp
#include <grhost/plugin.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace {

using namespace grhost::linear_probe;
using Params = std::vector<std::pair<std::string, std::string>>;

// The shortest text that reads back as the same double ("1e-06", "0.001"),
// so that an l2 parameter matches the value written in the manifest.
std::string shortest(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

class LinearProbe : public grhost::Task {
 public:
  static constexpr const char* id = "linear-probe";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "linear probe on features: Adam (the study) or L-BFGS logistic regression";
  static constexpr grhost_task_scope scope = GRHOST_SCOPE_PER_MODEL;
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_string("method", "adam",
                              "adam: the study's mini-batch Adam (torch.optim.Adam); lbfgs: full-batch multinomial "
                              "logistic regression (scikit-learn's LogisticRegression(solver='lbfgs'))")
            .one_of("adam|lbfgs"),
        grhost::option_int("epochs", "20", "adam: passes over the train features (the study: 20)").min(1).max(100000),
        grhost::option_int("batch_size", "60", "adam: samples per step; the last batch of an epoch may be smaller (the study: 60)")
            .min(1),
        grhost::option_float("lr", "1e-3", "adam: learning rate (the study: 1e-3)").min(0),
        grhost::option_float("weight_decay", "5e-4",
                             "adam: torch.optim.Adam's weight_decay, an L2 term on W and b added to the gradient "
                             "(the study: 5e-4)")
            .min(0),
        grhost::option_float("validation", "0.1",
                             "fraction of each class's train samples held out to choose the epoch (adam) or the l2 "
                             "strength (lbfgs); 0: no selection, the last epoch (the study)")
            .min(0).max(0.9),
        grhost::option_float_list("l2", "[1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]",
                                  "lbfgs: strengths lambda of the penalty lambda/2 * ||W||^2 added to the mean "
                                  "cross-entropy (b not penalised); scikit-learn's C = 1 / (lambda * n_fit)")
            .min(0),
        grhost::option_int("max_iter", "1000", "lbfgs: most L-BFGS iterations per strength (scikit-learn's max_iter)")
            .min(1),
        grhost::option_float("tol", "1e-4",
                             "lbfgs: stop when every gradient component of the mean objective is at most tol "
                             "(scikit-learn 1.2's tol applies to the summed objective: its tol = this tol * n_fit)")
            .min(0),
    };
  }

  explicit LinearProbe(const grhost::Options& o) : method_name_(o.get_string("method")) {
    settings_.method = parse_method(method_name_);
    settings_.epochs = o.get_int("epochs");
    settings_.batch_size = o.get_int("batch_size");
    settings_.lr = o.get_float("lr");
    settings_.weight_decay = o.get_float("weight_decay");
    settings_.validation = o.get_float("validation");
    settings_.l2 = o.get_float_list("l2");
    settings_.max_iter = o.get_int("max_iter");
    settings_.tol = o.get_float("tol");
  }

  void run(const grhost::TaskInput& in, const grhost::Results& out) override {
    const grhost::TaskEntry& e = in.entries.at(0);
    if (!e.has_train) throw grhost::Error("linear-probe needs a train split to fit the probe on");
    Settings s = settings_;
    s.seed = in.seed;
    s.threads = in.threads;
    ProbeResult r;
    try {
      r = train_probe(split_of(e.train_features, e.train_labels), split_of(e.test_features, e.test_labels),
                      in.num_classes, in.class_names, s);
    } catch (const std::invalid_argument& err) {
      throw grhost::Error(err.what());
    }
    if (s.method == Method::adam) write_adam(r, out);
    else write_lbfgs(r, out);
  }

 private:
  static Split split_of(const grhost::View<float>& x, const grhost::View<int64_t>& y) {
    return Split{x.data(), x.size(0), x.size(1), y.data(), y.size(0)};
  }

  void add(const grhost::Results& out, const std::string& metric, const std::string& split, Params params,
           double value) const {
    grhost::Row row;
    row.metric = metric;
    row.split = split;
    row.params = std::move(params);
    row.value = value;
    out.add(row);
  }

  void write_adam(const ProbeResult& r, const grhost::Results& out) const {
    for (size_t k = 0; k < r.epochs.size(); ++k) {
      const Params p = {{"method", method_name_}, {"epoch", std::to_string(k + 1)}};
      add(out, "train_loss", "train", p, r.epochs[k].train_loss);
      if (r.selected_on_validation) add(out, "accuracy", "validation", p, r.epochs[k].validation_accuracy);
      add(out, "accuracy", "", p, r.epochs[k].test_accuracy);
    }
    add(out, "accuracy", "", {{"method", method_name_}, {"selection", "last"}}, r.epochs.back().test_accuracy);
    const std::string selection = r.selected_on_validation ? "best-validation" : "last";
    if (r.selected_on_validation)
      add(out, "accuracy", "", {{"method", method_name_}, {"selection", selection}}, r.epochs[r.chosen].test_accuracy);
    add(out, "chosen_epoch", "", {{"method", method_name_}, {"selection", selection}}, static_cast<double>(r.chosen + 1));
  }

  void write_lbfgs(const ProbeResult& r, const grhost::Results& out) const {
    for (const L2Scores& fit : r.sweep) {
      const Params p = {{"method", method_name_}, {"l2", shortest(fit.l2)}};
      add(out, "train_loss", "train", p, fit.train_loss);
      add(out, "evaluations", "train", p, static_cast<double>(fit.evaluations));
      if (r.selected_on_validation) add(out, "accuracy", "validation", p, fit.validation_accuracy);
      add(out, "accuracy", "", p, fit.test_accuracy);
    }
    // Without a validation part there is a single strength: fixed, not chosen.
    const Params p = {{"method", method_name_}, {"selection", r.selected_on_validation ? "best-validation" : "fixed"}};
    add(out, "accuracy", "", p, r.sweep[r.chosen].test_accuracy);
    add(out, "chosen_l2", "", p, r.sweep[r.chosen].l2);
  }

  std::string method_name_;
  Settings settings_;
};

}  // namespace

GRHOST_PLUGIN("grhost-linear-probe", LinearProbe)
