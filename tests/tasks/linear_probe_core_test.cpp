// The linear-probe trainers against answers known without them: separable
// classes, the optimum of a symmetric one-dimensional problem solved by
// bisection, the validation split's counts, and the errors bad input gets.
#include "linear_probe_core.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

namespace grhost::linear_probe {
namespace {

struct Owned {
  std::vector<float> x;
  std::vector<int64_t> y;
  int64_t dim = 0;
  Split split() const {
    return Split{x.data(), static_cast<int64_t>(y.size()), dim, y.data(), static_cast<int64_t>(y.size())};
  }
};

// Class c sits at 10 * e_c, jittered by at most ±1 per coordinate: any
// reasonable linear classifier separates the classes without error.
Owned separable(int64_t classes, int64_t per_class, uint64_t salt) {
  Owned d;
  d.dim = classes;
  uint64_t s = salt;
  auto jitter = [&] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>((s >> 11) * (2.0 / 9007199254740992.0) - 1.0);
  };
  for (int64_t i = 0; i < classes * per_class; ++i) {
    const int64_t c = i % classes;
    d.y.push_back(c);
    for (int64_t k = 0; k < classes; ++k) d.x.push_back((k == c ? 10.0f : 0.0f) + jitter());
  }
  return d;
}

TEST(LinearProbeCore, SeparableClassesAreLearnedWithoutError) {
  const Owned train = separable(3, 200, 1), test = separable(3, 10, 2);
  Settings adam;
  adam.seed = 4;
  // 200 steps of at most lr each must undo PyTorch's initialisation, up to
  // ±1/sqrt(3) per weight: the study's lr of 1e-3 would move a weight 0.2.
  adam.lr = 1e-2;
  const ProbeResult a = train_probe(train.split(), test.split(), 3, {}, adam);
  ASSERT_EQ(a.epochs.size(), 20u);
  EXPECT_TRUE(a.selected_on_validation);
  EXPECT_EQ(a.epochs.back().test_accuracy, 1.0);
  // The earliest epoch with the best validation accuracy is chosen.
  size_t first_best = 0;
  for (size_t k = 0; k < a.epochs.size(); ++k)
    if (a.epochs[k].validation_accuracy > a.epochs[first_best].validation_accuracy) first_best = k;
  EXPECT_EQ(a.epochs[first_best].validation_accuracy, 1.0);
  EXPECT_EQ(a.chosen, first_best);
  // Training lowers the loss.
  EXPECT_LT(a.epochs.back().train_loss, a.epochs.front().train_loss);

  Settings lbfgs;
  lbfgs.method = Method::lbfgs;
  lbfgs.l2 = {1e-3, 1e-2};
  const ProbeResult l = train_probe(train.split(), test.split(), 3, {}, lbfgs);
  ASSERT_EQ(l.sweep.size(), 2u);
  for (const L2Scores& fit : l.sweep) {
    EXPECT_EQ(fit.validation_accuracy, 1.0);
    EXPECT_EQ(fit.test_accuracy, 1.0);
  }
  EXPECT_EQ(l.chosen, 1u);  // a tie goes to the stronger L2
}

// Two classes at x = -1 and x = +1 (one dimension). By symmetry the optimum
// has b0 = b1 and w1 = -w0 = u/2, every sample's cross-entropy is
// log(1 + e^-u), and the objective log(1 + e^-u) + lambda u² / 4 (lambda/2 * ||W||²)
// is stationary where lambda u / 2 = 1 / (1 + e^u).
double optimal_loss(double lambda) {
  double lo = 0, hi = 50;
  for (int i = 0; i < 200; ++i) {
    const double u = (lo + hi) / 2;
    (lambda * u / 2 < 1 / (1 + std::exp(u)) ? lo : hi) = u;
  }
  return std::log1p(std::exp(-lo));
}

Owned symmetric_pair(int64_t per_class) {
  Owned d;
  d.dim = 1;
  for (int64_t i = 0; i < 2 * per_class; ++i) {
    d.y.push_back(i % 2);
    d.x.push_back(i % 2 == 0 ? -1.0f : 1.0f);
  }
  return d;
}

TEST(LinearProbeCore, LbfgsReachesTheAnalyticOptimum) {
  const Owned d = symmetric_pair(4);
  Settings s;
  s.method = Method::lbfgs;
  s.validation = 0;
  s.tol = 1e-6;
  for (double lambda : {0.01, 0.1, 1.0}) {
    s.l2 = {lambda};
    const ProbeResult r = train_probe(d.split(), d.split(), 2, {}, s);
    ASSERT_EQ(r.sweep.size(), 1u);
    // float32 resolves the objective to about 1e-8, flat enough at the
    // optimum to leave u uncertain by ~4e-4 and the loss by ~4e-5.
    EXPECT_NEAR(r.sweep[0].train_loss, optimal_loss(lambda), 1e-4) << "lambda " << lambda;
    EXPECT_EQ(r.sweep[0].test_accuracy, 1.0);
  }
}

TEST(LinearProbeCore, AdamWeightDecayConvergesToTheSameOptimum) {
  // torch.optim.Adam's weight_decay wd adds wd * theta to the gradient: the
  // penalty wd/2 * ||theta||², on b as well, which by symmetry leaves b = 0.
  const Owned d = symmetric_pair(4);
  Settings s;
  s.validation = 0;
  s.batch_size = 8;  // full batch: the loss of epoch k is the loss before step k
  s.epochs = 3000;
  s.lr = 0.01;
  s.weight_decay = 0.1;
  const ProbeResult r = train_probe(d.split(), d.split(), 2, {}, s);
  EXPECT_NEAR(r.epochs.back().train_loss, optimal_loss(0.1), 1e-4);
  EXPECT_EQ(r.chosen, r.epochs.size() - 1);
  EXPECT_FALSE(r.selected_on_validation);
}

TEST(LinearProbeCore, ValidationSplitIsStratifiedAndSeeded) {
  Owned d;
  d.dim = 1;
  // 10 of class 0, 20 of class 1, 3 of class 2, interleaved.
  for (int64_t c : {10, 20, 3})
    for (int64_t i = 0; i < c; ++i) d.y.push_back(c == 10 ? 0 : c == 20 ? 1 : 2);
  d.x.assign(d.y.size(), 0.0f);
  const TrainParts p = split_train(d.split(), 3, {}, 0.1, 7);
  // round(0.1 n_c), at least one: 1 + 2 + 1.
  ASSERT_EQ(p.validation.size(), 4u);
  EXPECT_EQ(p.fit.size(), d.y.size() - 4);
  std::vector<int> held(3, 0);
  for (int64_t i : p.validation) ++held[static_cast<size_t>(d.y[static_cast<size_t>(i)])];
  EXPECT_EQ(held, (std::vector<int>{1, 2, 1}));
  std::set<int64_t> all(p.fit.begin(), p.fit.end());
  all.insert(p.validation.begin(), p.validation.end());
  EXPECT_EQ(all.size(), d.y.size());
  EXPECT_EQ(split_train(d.split(), 3, {}, 0.1, 7).validation, p.validation);
  EXPECT_NE(split_train(d.split(), 3, {}, 0.1, 8).validation, p.validation);
  EXPECT_TRUE(split_train(d.split(), 3, {}, 0, 7).validation.empty());
}

std::string error_of(const Split& train, const Split& test, int64_t classes, const Settings& s) {
  try {
    train_probe(train, test, classes, {"shirt", "sandal", "bag"}, s);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(LinearProbeCore, BadInputGetsAClearError) {
  const Owned good = separable(3, 4, 1);
  Settings s;
  Owned missing = good;  // no sample of class 2 ('bag')
  for (int64_t& y : missing.y) y = y == 2 ? 0 : y;
  EXPECT_EQ(error_of(missing.split(), good.split(), 3, s),
            "class 'bag' (2) has 0 train samples; a validation split needs at least 2 per class (or validation: 0)");
  Settings no_validation;
  no_validation.validation = 0;
  EXPECT_EQ(error_of(missing.split(), good.split(), 3, no_validation),
            "class 'bag' (2) has 0 train samples; the probe needs at least 1 per class");
  Owned single = separable(3, 1, 1);
  EXPECT_EQ(error_of(single.split(), good.split(), 3, s),
            "class 'shirt' (0) has 1 train samples; a validation split needs at least 2 per class (or validation: 0)");

  Split short_labels = good.split();
  short_labels.num_labels = 11;
  EXPECT_EQ(error_of(short_labels, good.split(), 3, s), "train split: 11 labels for 12 feature rows");
  Owned out_of_range = good;
  out_of_range.y[5] = 3;
  EXPECT_EQ(error_of(good.split(), out_of_range.split(), 3, s), "test label 3 at row 5 is outside 0..2");
  Owned nan = good;
  nan.x[4] = std::numeric_limits<float>::quiet_NaN();  // row 1, column 1
  EXPECT_EQ(error_of(nan.split(), good.split(), 3, s), "train features: value at row 1, column 1 is not finite");

  Settings sweep_without_validation;
  sweep_without_validation.method = Method::lbfgs;
  sweep_without_validation.validation = 0;
  EXPECT_EQ(error_of(good.split(), good.split(), 3, sweep_without_validation),
            "l2 lists 7 strengths but validation is 0: nothing can choose between them");
}

}  // namespace
}  // namespace grhost::linear_probe
