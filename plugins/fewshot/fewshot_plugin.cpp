// Task "few-shot": prototype few-shot accuracy per (model, dataset), for each
// number of shots, over seeded trials; a row per trial and a summary row
// (mean, std, SEM, n) per setting.
#include "fewshot_core.hpp"

#include <grhost/plugin.hpp>

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace {

using namespace grhost::fewshot;

class FewShot : public grhost::Task {
 public:
  static constexpr const char* id = "few-shot";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "prototype few-shot accuracy (Devillers et al. 2021, section 3.1)";
  static constexpr grhost_task_scope scope = GRHOST_SCOPE_PER_MODEL;
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_int_list("shots", "[1, 5, 10]", "train samples drawn per class (the study: 1, 5, 10)").min(1),
        grhost::option_int("trials", "10", "random draws per number of shots (the study: 10)").min(1).max(100000),
        grhost::option_string("score", "cosine",
                              "cosine: prototypes re-normalised; dot: not re-normalised (the study's code); "
                              "euclidean: nearest prototype")
            .one_of("cosine|dot|euclidean"),
        grhost::option_int("ddof", "1",
                           "degrees of freedom of the std over trials: 1 (sample std, as scipy.stats.sem), "
                           "0 (numpy.std's default, as the study)")
            .min(0).max(1),
    };
  }

  explicit FewShot(const grhost::Options& o)
      : shots_(o.get_int_list("shots")),
        trials_(o.get_int("trials")),
        score_name_(o.get_string("score")),
        score_(parse_score(score_name_)),
        ddof_(static_cast<int>(o.get_int("ddof"))) {}

  void run(const grhost::TaskInput& in, const grhost::Results& out) override {
    const grhost::TaskEntry& e = in.entries.at(0);
    if (!e.has_train) throw grhost::Error("few-shot needs a train split to draw prototypes from");
    const int64_t n_train = e.train_features.size(0), n_test = e.test_features.size(0);
    const int64_t dim = e.train_features.size(1);
    if (n_test == 0) throw grhost::Error("the test split is empty");
    int64_t max_shots = 0;
    for (int64_t s : shots_) max_shots = std::max(max_shots, s);

    std::vector<std::vector<int64_t>> by_class;
    try {
      by_class = indices_by_class(e.train_labels.data(), n_train, in.num_classes, max_shots, in.class_names);
    } catch (const std::invalid_argument& err) {
      throw grhost::Error(err.what());
    }
    const RowMatrix train_hat = normalise_rows(e.train_features.data(), n_train, dim);
    const RowMatrix test_hat = normalise_rows(e.test_features.data(), n_test, e.test_features.size(1));

    // Every (shots, trial) pair is independent and writes its own slot, so
    // the result does not depend on how threads are scheduled.
    std::vector<double> acc(shots_.size() * static_cast<size_t>(trials_));
    tbb::task_arena arena(std::max(1, in.threads));
    arena.execute([&] {
      tbb::parallel_for(size_t{0}, acc.size(), [&](size_t k) {
        const int64_t shots = shots_[k / static_cast<size_t>(trials_)];
        const int64_t trial = static_cast<int64_t>(k % static_cast<size_t>(trials_)) + 1;
        Rng rng(trial_seed(in.seed, trial));
        const auto support = draw_support(by_class, shots, rng);
        acc[k] = accuracy(test_hat, e.test_labels.data(), prototypes(train_hat, support, score_), score_);
      });
    });

    for (size_t s = 0; s < shots_.size(); ++s) {
      const std::vector<std::pair<std::string, std::string>> params = {{"shots", std::to_string(shots_[s])},
                                                                       {"score", score_name_}};
      std::vector<double> values(acc.begin() + static_cast<long>(s * trials_),
                                 acc.begin() + static_cast<long>((s + 1) * trials_));
      for (int64_t t = 0; t < trials_; ++t) {
        grhost::Row row;
        row.metric = "accuracy";
        row.params = params;
        row.trial = t + 1;
        row.value = values[static_cast<size_t>(t)];
        out.add(row);
      }
      const Summary sum = summarize(values, ddof_);
      grhost::Row row;
      row.metric = "accuracy";
      row.params = params;
      row.value = sum.mean;
      row.is_summary = true;
      row.mean = sum.mean;
      row.std = sum.std;
      row.sem = sum.sem;
      row.n = trials_;
      out.add(row);
    }
  }

 private:
  std::vector<int64_t> shots_;
  int64_t trials_;
  std::string score_name_;
  Score score_;
  int ddof_;
};

}  // namespace

GRHOST_PLUGIN("grhost-fewshot", FewShot)
