// Linear probe, as shared/spec/analyses.md defines it: a linear layer
// W x + b trained on train features with cross-entropy, accuracy on test.
// Two trainers: the study's Adam on mini-batches, and full-batch L-BFGS
// multinomial logistic regression (scikit-learn's objective). A validation
// part held out of train picks the epoch (Adam) or the L2 strength (L-BFGS).
//
// LibTorch stays inside linear_probe_core.cpp: this header needs none of it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::linear_probe {

enum class Method { adam, lbfgs };
Method parse_method(const std::string& name);

/// One split, borrowed: `rows` x `dim` row-major features and `num_labels` labels.
struct Split {
  const float* features = nullptr;
  int64_t rows = 0, dim = 0;
  const int64_t* labels = nullptr;
  int64_t num_labels = 0;
};

struct Settings {
  Method method = Method::adam;
  // Adam (torch.optim.Adam; weight_decay is its L2 term, on W and b).
  int64_t epochs = 20, batch_size = 60;
  double lr = 1e-3, weight_decay = 5e-4;
  // L-BFGS: minimise mean cross-entropy + l2/2 * ||W||², b not penalised.
  std::vector<double> l2 = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};
  int64_t max_iter = 1000;
  // Stop when max |gradient| of that mean objective <= tol; scikit-learn
  // 1.2 applies its tol to the summed objective, whose gradient is n times larger.
  double tol = 1e-4;
  // Fraction of each class's train samples held out; 0: no selection.
  double validation = 0.1;
  uint64_t seed = 0;
  int threads = 1;
};

/// Adam: scores after each epoch.
struct EpochScores {
  double train_loss = 0;           // mean cross-entropy over the epoch's mini-batches, before each step
  double validation_accuracy = 0;  // NaN without a validation part
  double test_accuracy = 0;
};

/// L-BFGS: scores of the fit for one L2 strength.
struct L2Scores {
  double l2 = 0;
  double train_loss = 0;  // mean cross-entropy at the solution, without the penalty
  double validation_accuracy = 0;
  double test_accuracy = 0;
  int64_t evaluations = 0;  // loss-and-gradient evaluations L-BFGS used
};

struct ProbeResult {
  std::vector<EpochScores> epochs;  // Adam: entry k-1 is epoch k
  std::vector<L2Scores> sweep;      // L-BFGS: one entry per l2, in the given order
  size_t chosen = 0;                // index into epochs or sweep
  bool selected_on_validation = false;
  // The chosen probe itself: logits = weights · x + bias.
  std::vector<float> weights;       // num_classes x dim, row-major
  std::vector<float> bias;          // num_classes
};

/// Train rows split into the part that fits and the part that validates:
/// stratified, round(fraction * n_c) of class c's rows (at least 1, at most
/// n_c - 1) drawn by a seeded permutation. Both lists ascending.
struct TrainParts {
  std::vector<int64_t> fit, validation;
};

/// Checks the inputs, splits train, trains and scores. Throws
/// std::invalid_argument naming the problem (class, row, count).
ProbeResult train_probe(const Split& train, const Split& test, int64_t num_classes,
                        const std::vector<std::string>& class_names, const Settings& settings);

/// The split train_probe uses for `settings.seed` (exposed for tests).
TrainParts split_train(const Split& train, int64_t num_classes, const std::vector<std::string>& class_names,
                       double fraction, uint64_t seed);

}  // namespace grhost::linear_probe
