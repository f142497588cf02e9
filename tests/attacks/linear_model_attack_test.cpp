// Attacks on a model whose gradient is known in closed form: a linear
// classifier z = W x + b. The cross-entropy's gradient with respect to the
// pixels is g = Wᵀ (softmax(z) − onehot(y)), so FGSM's image is
// clip(x + ε sign g), one PGD L∞ step's is clip(x + Π_ε(α sign g)) and one
// PGD L2 step's is clip(x + Π_ε(α g / ‖g‖)). The expected images are
// computed here in double precision, apart from the attacks' code.
#include "plugins/instance.hpp"
#include "plugins/status.hpp"
#include "support/plugin_instance.hpp"

#include <grhost/tensor.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace grhost::test {
namespace {

constexpr int64_t kImages = 2, kClasses = 3, kChannels = 3, kSide = 2, kDim = kChannels * kSide * kSide;

struct LinearModel {
  std::vector<double> w, b;  // kClasses x kDim, kClasses
  int64_t calls = 0;

  LinearModel() {
    for (int64_t k = 0; k < kClasses; ++k) {
      for (int64_t j = 0; j < kDim; ++j) w.push_back(std::sin(1.0 + 3.0 * k + 0.7 * j));
      b.push_back(0.1 * k);
    }
  }
  std::vector<double> logits(const float* x) const {
    std::vector<double> z(kClasses);
    for (int64_t k = 0; k < kClasses; ++k) {
      z[k] = b[k];
      for (int64_t j = 0; j < kDim; ++j) z[k] += w[k * kDim + j] * x[j];
    }
    return z;
  }
  // ∂ CE(z, y) / ∂x, independently of the attacks' own cotangent.
  std::vector<double> ce_gradient(const float* x, int64_t y) const {
    std::vector<double> z = logits(x), g(kDim, 0.0);
    double top = z[0], total = 0;
    for (double v : z) top = std::max(top, v);
    for (double v : z) total += std::exp(v - top);
    for (int64_t k = 0; k < kClasses; ++k) {
      const double d = std::exp(z[k] - top) / total - (k == y ? 1.0 : 0.0);
      for (int64_t j = 0; j < kDim; ++j) g[j] += d * w[k * kDim + j];
    }
    return g;
  }
};

grhost_status* linear_logits(void* context, const DLTensor* images, DLManagedTensor** out) {
  const auto* m = static_cast<const LinearModel*>(context);
  const auto* x = static_cast<const float*>(images->data);
  std::vector<float> z;
  for (int64_t i = 0; i < images->shape[0]; ++i)
    for (double v : m->logits(x + i * kDim)) z.push_back(static_cast<float>(v));
  *out = grhost::to_dlpack(std::move(z), {images->shape[0], kClasses});
  return nullptr;
}

// The VJP of z = W x + b: cotangentᵀ W per image.
grhost_status* linear_vjp(void* context, const DLTensor* images, const grhost_cotangent_fn* cotangent,
                          DLManagedTensor** logits, DLManagedTensor** grad) {
  auto* m = static_cast<LinearModel*>(context);
  ++m->calls;
  if (grhost_status* s = linear_logits(context, images, logits)) return s;
  DLManagedTensor* c = nullptr;
  if (grhost_status* s = cotangent->compute(cotangent->context, &(*logits)->dl_tensor, &c)) return s;
  plugins::ManagedTensor owned(c);
  const auto* cv = static_cast<const float*>(c->dl_tensor.data);
  const int64_t n = images->shape[0];
  std::vector<float> g(static_cast<size_t>(n * kDim), 0.0f);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < kClasses; ++k)
      for (int64_t j = 0; j < kDim; ++j) g[i * kDim + j] += static_cast<float>(cv[i * kClasses + k] * m->w[k * kDim + j]);
  *grad = grhost::to_dlpack(std::move(g), {n, kChannels, kSide, kSide});
  return nullptr;
}

class LinearModelAttack : public ::testing::Test {
 protected:
  LinearModel model;
  grhost_differentiable diff{sizeof(grhost_differentiable), &model, kClasses, &linear_logits, &linear_vjp};
  // Pixels inside (0, 1), and one at 0.98 and one at 0.01 that a step may push past the bounds.
  std::vector<float> x;
  std::vector<int64_t> labels = {0, 2};
  int64_t shape[4] = {kImages, kChannels, kSide, kSide};
  int64_t label_shape[1] = {kImages};

  void SetUp() override {
    for (int64_t i = 0; i < kImages * kDim; ++i) x.push_back(0.2f + 0.05f * static_cast<float>(i % 13));
    x[3] = 0.98f;
    x[kDim + 5] = 0.01f;
    // Every gradient component is far from 0, so its sign is certain.
    for (int64_t i = 0; i < kImages; ++i)
      for (double g : model.ce_gradient(x.data() + i * kDim, labels[i])) ASSERT_GT(std::abs(g), 1e-3);
  }

  std::vector<float> attack(const std::string& id, const std::string& options, double epsilon, bool targeted,
                            const std::vector<int64_t>& goal, const std::vector<double>& per_image = {}) {
    auto a = make_component(GRHOST_KIND_ATTACK, id, options);
    DLTensor images = grhost::borrow(x.data(), shape, 4);
    DLTensor y = grhost::borrow(goal.data(), label_shape, 1);
    grhost_attack_request rq{sizeof(rq), &images, &y, targeted ? 1 : 0, epsilon, 0.0f, 1.0f, 7,
                             per_image.empty() ? nullptr : per_image.data()};
    DLManagedTensor* out = nullptr;
    plugins::call_plugin(a->component(), "perturb", [&] { return a->component().attack.perturb(a->instance->raw(), &diff, &rq, &out); });
    plugins::ManagedTensor owned(out);
    const auto* p = static_cast<const float*>(out->dl_tensor.data);
    EXPECT_EQ(std::vector<int64_t>(out->dl_tensor.shape, out->dl_tensor.shape + 4), std::vector<int64_t>(shape, shape + 4));
    return std::vector<float>(p, p + kImages * kDim);
  }

  // clip(x + Π_ε(α · direction(±g))) for one step from x.
  std::vector<double> expected(bool l2, double alpha, double epsilon, bool targeted, const std::vector<int64_t>& goal) const {
    std::vector<double> out;
    for (int64_t i = 0; i < kImages; ++i) {
      std::vector<double> g = model.ce_gradient(x.data() + i * kDim, goal[i]), d(kDim);
      double norm = 0;
      for (double v : g) norm += v * v;
      norm = std::sqrt(norm);
      const double sign = targeted ? -1.0 : 1.0;
      for (int64_t j = 0; j < kDim; ++j) d[j] = sign * alpha * (l2 ? g[j] / norm : (g[j] > 0 ? 1.0 : -1.0));
      if (l2) {
        const double len = alpha;  // ‖α g / ‖g‖‖
        if (len > epsilon)
          for (double& v : d) v *= epsilon / len;
      } else {
        for (double& v : d) v = std::clamp(v, -epsilon, epsilon);
      }
      for (int64_t j = 0; j < kDim; ++j) out.push_back(std::clamp(x[i * kDim + j] + d[j], 0.0, 1.0));
    }
    return out;
  }

  static void expect_images(const std::vector<float>& got, const std::vector<double>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-6) << "value " << k;
  }
};

TEST_F(LinearModelAttack, FgsmIsOneSignedStepOfEpsilon) {
  expect_images(attack("fgsm", "{}", 0.05, false, labels), expected(false, 0.05, 0.05, false, labels));
  EXPECT_EQ(model.calls, 1);
}

TEST_F(LinearModelAttack, TargetedFgsmDescendsTheTargetsLoss) {
  const std::vector<int64_t> targets = {1, 0};
  expect_images(attack("fgsm", "{}", 0.05, true, targets), expected(false, 0.05, 0.05, true, targets));
}

TEST_F(LinearModelAttack, OnePgdLinfStepWithinTheBall) {
  expect_images(attack("pgd-linf", "{steps: 1, abs_stepsize: 0.02, random_start: false}", 0.05, false, labels),
                expected(false, 0.02, 0.05, false, labels));
}

TEST_F(LinearModelAttack, OnePgdLinfStepIsProjectedOntoTheBall) {
  // The study's step rule with one step: α = 2.5 ε, cut back to ε.
  expect_images(attack("pgd-linf", "{steps: 1, random_start: false}", 0.04, false, labels),
                expected(false, 0.1, 0.04, false, labels));
}

TEST_F(LinearModelAttack, OnePgdL2StepFollowsTheNormalisedGradient) {
  expect_images(attack("pgd-l2", "{steps: 1, abs_stepsize: 0.1, random_start: false}", 0.5, false, labels),
                expected(true, 0.1, 0.5, false, labels));
  const std::vector<int64_t> targets = {2, 1};
  expect_images(attack("pgd-l2", "{steps: 1, abs_stepsize: 0.1, random_start: false}", 0.5, true, targets),
                expected(true, 0.1, 0.5, true, targets));
}

TEST_F(LinearModelAttack, OnePgdL2StepIsProjectedOntoTheBall) {
  expect_images(attack("pgd-l2", "{steps: 1, abs_stepsize: 1.0, random_start: false}", 0.3, false, labels),
                expected(true, 1.0, 0.3, false, labels));
}

TEST_F(LinearModelAttack, OneBudgetPerImageIsEachImagesOwnAttack) {
  // Image 0 at ε = 0.01 and image 1 at ε = 0.04 in one call: each as if attacked alone.
  const std::vector<float> both = attack("pgd-linf", "{steps: 1, random_start: false}", 0.04, false, labels, {0.01, 0.04});
  const std::vector<double> small = expected(false, 0.025, 0.01, false, labels), large = expected(false, 0.1, 0.04, false, labels);
  std::vector<double> want(small.begin(), small.begin() + kDim);
  want.insert(want.end(), large.begin() + kDim, large.end());
  expect_images(both, want);
  EXPECT_EQ(model.calls, 1);
}

TEST_F(LinearModelAttack, EpsilonZeroReturnsTheImagesWithoutCallingTheModel) {
  const std::vector<float> got = attack("pgd-linf", "{steps: 5}", 0.0, false, labels);
  EXPECT_EQ(got, x);
  EXPECT_EQ(model.calls, 0);
}

TEST_F(LinearModelAttack, StepsCallTheGradientOncePerStep) {
  attack("pgd-l2", "{steps: 7}", 0.1, false, labels);
  EXPECT_EQ(model.calls, 7);
}

TEST_F(LinearModelAttack, BadRequestsGetAClearError) {
  auto message = [&](const std::vector<int64_t>& goal, double epsilon) {
    try {
      attack("pgd-linf", "{steps: 1}", epsilon, false, goal);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({0, 5}, 0.1).find("label 5 of image 1 is not one of the model's 3 classes"), std::string::npos)
      << message({0, 5}, 0.1);
  EXPECT_NE(message(labels, -1.0).find("epsilon must be finite and >= 0"), std::string::npos) << message(labels, -1.0);
  x[0] = 1.5f;
  EXPECT_NE(message(labels, 0.1).find("image 0 has a value outside the bounds"), std::string::npos) << message(labels, 0.1);
}

}  // namespace
}  // namespace grhost::test
