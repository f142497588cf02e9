// Attacks "pgd-linf", "pgd-l2" and "fgsm": gradient attacks that use only the
// model's logits_vjp, so any model backend can be attacked. Each step
// follows foolbox 3's LinfPGD / L2PGD / FGSM (shared/spec/analyses.md):
//   x ← clip_[lower, upper](x0 + Π_ε(x + α · direction(∇ loss)))
// with the cross-entropy of the true label ascended (untargeted) or of the
// target descended (targeted), and a random start uniform in the ε-ball.
#include "attack_steps.hpp"

#include <grhost/plugin.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>

namespace {

using grhost::attacks::Batch;
using grhost::attacks::Norm;

struct Schedule {
  Norm norm = Norm::linf;
  int64_t steps = 1;
  double rel_stepsize = 0;  // α = rel_stepsize · ε, unless abs_stepsize > 0
  double abs_stepsize = 0;
  bool random_start = false;
};

DLManagedTensor* gradient_attack(const grhost::Differentiable& model, const grhost_attack_request& rq, const Schedule& s) {
  grhost::View<float> images(rq.images, 4, "the attack's images");
  grhost::View<int64_t> labels(rq.labels, 1, "the attack's labels");
  const int64_t n = images.size(0), dim = images.numel() / std::max<int64_t>(n, 1);
  if (labels.size(0) != n)
    throw grhost::Error(std::to_string(n) + " images but " + std::to_string(labels.size(0)) + " labels");
  // One budget per image: the request's, or its list (a batch attacked at several budgets at once).
  std::vector<double> eps(static_cast<size_t>(n), rq.epsilon);
  if (rq.struct_size >= offsetof(grhost_attack_request, epsilons) + sizeof(rq.epsilons) && rq.epsilons != nullptr)
    eps.assign(rq.epsilons, rq.epsilons + n);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(eps[static_cast<size_t>(i)]) || eps[static_cast<size_t>(i)] < 0)
      throw grhost::Error("epsilon must be finite and >= 0 (image " + std::to_string(i) + ")");
  if (!(rq.lower < rq.upper)) throw grhost::Error("the pixel bounds must have lower < upper");
  Batch x0{n, dim, std::vector<float>(images.data(), images.data() + images.numel())};
  for (size_t i = 0; i < x0.values.size(); ++i)
    if (!(x0.values[i] >= rq.lower && x0.values[i] <= rq.upper))
      throw grhost::Error("image " + std::to_string(static_cast<int64_t>(i) / dim) + " has a value outside the bounds [" +
                          std::to_string(rq.lower) + ", " + std::to_string(rq.upper) + "]");
  std::vector<int64_t> shape = {n, images.size(1), images.size(2), images.size(3)};
  // ε = 0 leaves every image where it is (the projection undoes each step).
  if (std::all_of(eps.begin(), eps.end(), [](double e) { return e == 0; })) return grhost::to_dlpack(std::move(x0.values), shape);

  Batch x = s.random_start ? grhost::attacks::random_start(x0, s.norm, eps, rq.lower, rq.upper, rq.seed) : x0;
  std::vector<double> alpha(eps.size());
  for (size_t i = 0; i < eps.size(); ++i) alpha[i] = s.abs_stepsize > 0 ? s.abs_stepsize : s.rel_stepsize * eps[i];
  const double ascent = rq.targeted ? -1.0 : 1.0;  // towards the target: descend its loss
  const int64_t* y = labels.data();
  for (int64_t k = 0; k < s.steps; ++k) {
    DLTensor xt = grhost::borrow(x.values.data(), shape.data(), 4);
    auto [logits, grad] = model.logits_vjp(xt, [&](const DLTensor& out) {
      grhost::View<float> z(&out, 2, "the model's logits");
      if (z.size(0) != n) throw grhost::Error("the model returned " + std::to_string(z.size(0)) + " rows of logits for " + std::to_string(n) + " images");
      try {
        return grhost::to_dlpack(grhost::attacks::cross_entropy_cotangent(z.data(), n, z.size(1), y), {n, z.size(1)});
      } catch (const std::invalid_argument& e) {
        throw grhost::Error(e.what());
      }
    });
    grhost::View<float> gv(&grad->dl_tensor, 4, "the model's input gradient");
    if (gv.numel() != n * dim) throw grhost::Error("the model's input gradient does not have the images' shape");
    grhost::attacks::step_and_project(x, x0, gv.data(), s.norm, alpha, ascent, eps, rq.lower, rq.upper);
  }
  return grhost::to_dlpack(std::move(x.values), shape);
}

std::vector<grhost::OptionSpec> pgd_options() {
  return {
      grhost::option_int("steps", "100", "gradient steps (the study: 100)").min(1).max(100000),
      grhost::option_float("rel_stepsize", "0", "step size as a fraction of epsilon; 0: 2.5 / steps (the study's)").min(0),
      grhost::option_float("abs_stepsize", "0", "step size in pixel units; 0: use rel_stepsize").min(0),
      grhost::option_bool("random_start", "true", "start from a uniform draw in the epsilon-ball (the study: true)"),
  };
}

Schedule pgd_schedule(const grhost::Options& o, Norm norm) {
  Schedule s;
  s.norm = norm;
  s.steps = o.get_int("steps");
  s.rel_stepsize = o.get_float("rel_stepsize");
  if (s.rel_stepsize == 0) s.rel_stepsize = 2.5 / static_cast<double>(s.steps);
  s.abs_stepsize = o.get_float("abs_stepsize");
  s.random_start = o.get_bool("random_start");
  return s;
}

// PGD in the norm N: the two differ in their ids and their norm only.
template <Norm N>
class Pgd : public grhost::Attack {
 public:
  static constexpr const char* id = N == Norm::linf ? "pgd-linf" : "pgd-l2";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = N == Norm::linf
                                                 ? "projected gradient descent in the L-infinity ball (foolbox LinfPGD)"
                                                 : "projected gradient descent in the L2 ball (foolbox L2PGD)";
  static std::vector<grhost::OptionSpec> options() { return pgd_options(); }
  static constexpr bool per_image_epsilon = true;
  explicit Pgd(const grhost::Options& o) : schedule_(pgd_schedule(o, N)) {}
  DLManagedTensor* perturb(const grhost::Differentiable& model, const grhost_attack_request& rq) override {
    return gradient_attack(model, rq, schedule_);
  }

 private:
  Schedule schedule_;
};
using PgdLinf = Pgd<Norm::linf>;
using PgdL2 = Pgd<Norm::l2>;

class Fgsm : public grhost::Attack {
 public:
  static constexpr const char* id = "fgsm";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "fast gradient sign method: one L-infinity step of size epsilon (foolbox FGSM)";
  static std::vector<grhost::OptionSpec> options() { return {}; }
  static constexpr bool per_image_epsilon = true;
  explicit Fgsm(const grhost::Options&) {}
  DLManagedTensor* perturb(const grhost::Differentiable& model, const grhost_attack_request& rq) override {
    Schedule s;  // α = ε: one full step
    s.steps = 1;
    s.rel_stepsize = 1.0;
    return gradient_attack(model, rq, s);
  }
};

}  // namespace

GRHOST_PLUGIN("grhost-attacks", PgdLinf, PgdL2, Fgsm)
