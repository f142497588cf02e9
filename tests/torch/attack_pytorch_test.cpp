// grhost's attacks on a TorchScript model, through the host's live model
// (normalisation inside, the model's VJP back through it): the same
// adversarial images as plain PyTorch's PGD from the same pixels, with
// random start off; and, with random start on, every image within bounds
// and within epsilon. End to end, the robustness task's success rates
// rise with epsilon, and at epsilon 0 equal the clean error rate.
#include "analyse/live_model.hpp"
#include "support/plugin_instance.hpp"
#include "support/test_support.hpp"
#include "torch/fixtures.hpp"

#include <grhost/tensor.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace grhost::test {
namespace {

const char* kModelOptions = "{file: FILE, method: features, logits: forward, resize: 32, crop: 28, "
                            "mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], device: cpu}";

struct Attacker {
  std::unique_ptr<ComponentUnderTest> model;
  std::unique_ptr<analyse::LiveModel> live;
  Attacker() {
    std::string options = kModelOptions;
    options.replace(options.find("FILE"), 4, fixture("small_cnn_trained.pt"));
    model = make_component(GRHOST_KIND_MODEL, "torchscript", options);
    grhost_model_info info{};
    info.struct_size = sizeof(info);
    plugins::call_plugin(model->component(), "describe",
                         [&] { return model->component().model.describe(model->instance->raw(), &info); });
    live = std::make_unique<analyse::LiveModel>(*model->instance, "cnn", info, std::nullopt);
  }

  std::vector<float> run(const std::string& attack, const std::string& options, io::NpyArray& pixels,
                         std::vector<int64_t> labels, double epsilon, bool targeted, uint64_t seed = 1) {
    auto a = make_component(GRHOST_KIND_ATTACK, attack, options);
    DLTensor x = grhost::borrow(pixels.as<float>(), pixels.shape.data(), 4);
    int64_t n[1] = {static_cast<int64_t>(labels.size())};
    DLTensor y = grhost::borrow(labels.data(), n, 1);
    grhost_attack_request rq{sizeof(rq), &x, &y, targeted ? 1 : 0, epsilon, 0.0f, 1.0f, seed};
    DLManagedTensor* out = nullptr;
    plugins::call_plugin(a->component(), "perturb",
                         [&] { return a->component().attack.perturb(a->instance->raw(), &live->raw(), &rq, &out); });
    plugins::ManagedTensor owned(out);
    EXPECT_EQ(std::vector<int64_t>(out->dl_tensor.shape, out->dl_tensor.shape + 4), pixels.shape);
    const auto* p = static_cast<const float*>(out->dl_tensor.data);
    return std::vector<float>(p, p + pixels.numel());
  }
};

std::vector<int64_t> labels_of(const io::NpyArray& a) { return std::vector<int64_t>(a.as<int64_t>(), a.as<int64_t>() + a.numel()); }

TEST(AttackVsPyTorch, PgdWithoutRandomStartGivesPyTorchsImages) {
  Attacker attacker;
  io::NpyArray pixels = io::read_npy(fixture("attack_pixels.npy"));
  const std::vector<int64_t> labels = labels_of(io::read_npy(fixture("attack_labels.npy")));
  std::ifstream cases(fixture("attack_cases.txt"));
  std::string name, attack;
  double eps = 0;
  int steps = 0, targeted = 0, seen = 0;
  while (cases >> name >> attack >> eps >> steps >> targeted) {
    std::vector<int64_t> goal = labels;
    if (targeted)
      for (auto& g : goal) g = (g + 1) % 3;
    const std::vector<float> got = attacker.run(attack, "{steps: " + std::to_string(steps) + ", random_start: false}", pixels,
                                                goal, eps, targeted != 0);
    const io::NpyArray want = io::read_npy(fixture("attack_" + name + ".npy"));
    const double diff = max_abs_diff(want, got.data(), pixels.shape);
    std::cout << name << " (" << attack << ", eps " << eps << ", " << steps << " steps): max |grhost - PyTorch| = " << diff << "\n";
    EXPECT_LE(diff, 1e-5) << name;
    // The images moved: the comparison is not of two unattacked copies.
    EXPECT_GT(max_abs_diff(pixels, got.data(), pixels.shape), eps * 0.1) << name;
    ++seen;
  }
  EXPECT_EQ(seen, 3);
}

TEST(AttackProperties, EveryImageIsWithinBoundsAndWithinEpsilon) {
  Attacker attacker;
  io::NpyArray pixels = io::read_npy(fixture("attack_pixels.npy"));
  const std::vector<int64_t> labels = labels_of(io::read_npy(fixture("attack_labels.npy")));
  const int64_t n = pixels.shape[0], dim = pixels.numel() / n;
  const float* x0 = pixels.as<float>();
  for (const std::string attack : {"pgd-linf", "pgd-l2", "fgsm"}) {
    const bool l2 = attack == "pgd-l2";
    for (double eps : {0.01, 0.1, 0.5, 2.0}) {
      const std::vector<float> adv =
          attacker.run(attack, attack == "fgsm" ? "{}" : "{steps: 5}", pixels, labels, eps, false, 11);
      for (int64_t i = 0; i < n; ++i) {
        double norm = 0;
        for (int64_t j = 0; j < dim; ++j) {
          const float v = adv[static_cast<size_t>(i * dim + j)];
          ASSERT_GE(v, 0.0f);
          ASSERT_LE(v, 1.0f);
          const double d = std::abs(static_cast<double>(v) - x0[i * dim + j]);
          norm = l2 ? norm + d * d : std::max(norm, d);
        }
        if (l2) norm = std::sqrt(norm);
        EXPECT_LE(norm, eps * (1 + 1e-5) + 1e-6) << attack << " eps " << eps << " image " << i;
      }
    }
  }
}

// `metric` rows of one model and attack, by epsilon, from results.csv.
std::map<double, double> rates(const std::string& csv, const std::string& model, const std::string& attack,
                               const std::string& metric, double* clean) {
  std::map<double, double> out;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() < 9 || f[0] != model) continue;
    if (f[6] == "clean_accuracy") *clean = std::stod(f[8]);
    const std::string prefix = "attack=" + attack + ";epsilon=";
    if (f[6] == metric && f[5].rfind(prefix, 0) == 0) out[std::stod(f[5].substr(prefix.size()))] = std::stod(f[8]);
  }
  return out;
}

TEST(RobustnessRun, SuccessRisesWithEpsilonAndStartsAtTheCleanErrorRate) {
  TempDir dir;
  std::ifstream acc_file(fixture("attack_clean_accuracy.txt"));
  double python_clean = -1;
  acc_file >> python_clean;
  std::string options = kModelOptions, untrained = kModelOptions;
  options.replace(options.find("FILE"), 4, fixture("small_cnn_trained.pt"));
  untrained.replace(untrained.find("FILE"), 4, fixture("small_cnn.pt"));
  write_text(dir / "m.yaml", "seed: 5\nthreads: 2\ncache: cache\n"
                             "datasets:\n  - {id: blobs, plugin: idx, options: {root: " + fixture("attack_idx") +
                                 ", classes: [a, b, c]}}\n"
                                 "models:\n  - {id: cnn, plugin: torchscript, options: " + options + "}\n"
                                 "  - {id: untrained, plugin: torchscript, options: " + untrained + "}\n"
                             "attacks:\n  - {plugin: pgd-linf, options: {steps: 10}}\n  - {plugin: pgd-l2, options: {steps: 10}}\n"
                             // Budgets where 10 steps of 2.5 ε / 10 converge: at ε = 1 such L∞ steps
                             // (0.25 a pixel) overshoot, and success may fall.
                             "tasks:\n  - {id: linf, plugin: robustness, attacks: [pgd-linf],\n"
                             "     options: {epsilons: [0, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5], samples: 0, batch_size: 16}}\n"
                             "  - {id: l2, plugin: robustness, attacks: [pgd-l2],\n"
                             "     options: {epsilons: [0, 0.1, 0.3, 1, 2, 3, 5, 10], samples: 0, batch_size: 16}}\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string csv = read_text(dir / "runs/experiment/results.csv");
  for (const std::string attack : {"pgd-linf", "pgd-l2"}) {
    double clean = -1;
    const auto all = rates(csv, "cnn", attack, "success_rate", &clean);
    ASSERT_EQ(all.size(), 8u) << csv;
    // The whole test split, as PyTorch classified it.
    EXPECT_DOUBLE_EQ(clean, python_clean);
    EXPECT_DOUBLE_EQ(all.at(0), 1.0 - clean) << attack << ": epsilon 0 is the clean error rate";
    double previous = -1;
    for (const auto& [eps, rate] : all) {
      EXPECT_GE(rate, previous) << attack << " at epsilon " << eps;
      previous = rate;
    }
    EXPECT_EQ(all.rbegin()->second, 1.0) << attack << ": the largest budget fools the model on every image";
    EXPECT_DOUBLE_EQ(rates(csv, "cnn", attack, "success_rate_clean_correct", &clean).at(0), 0.0);

    // A model with random weights gets most images wrong: those count as
    // successes at every epsilon (foolbox's convention), and only the others are attacked.
    const auto rnd = rates(csv, "untrained", attack, "success_rate", &clean);
    ASSERT_GT(clean, 0.0);
    ASSERT_LT(clean, 1.0);
    EXPECT_DOUBLE_EQ(rnd.at(0), 1.0 - clean);
    for (const auto& [eps, rate] : rnd) EXPECT_GE(rate, 1.0 - clean - 1e-12) << attack << " at epsilon " << eps;
    const auto on_correct = rates(csv, "untrained", attack, "success_rate_clean_correct", &clean);
    for (const auto& [eps, rate] : rnd)
      EXPECT_NEAR(rate, (1.0 - clean) + clean * on_correct.at(eps), 1e-12) << "the two rates must agree at epsilon " << eps;
  }
  EXPECT_TRUE(std::ifstream(dir / "runs/experiment/matrices/linf/blobs/cnn/robustness_pgd-linf.npy").good());
}

// The value of one row of results.csv: model, task, params and metric given.
double row_value(const std::string& csv, const std::string& model, const std::string& task, const std::string& params,
                 const std::string& metric) {
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() >= 9 && f[0] == model && f[3] == task && f[5] == params && f[6] == metric) return std::stod(f[8]);
  }
  ADD_FAILURE() << "no row " << model << " " << task << " " << params << " " << metric << " in\n" << csv;
  return NAN;
}

TEST(RobustnessRun, AModelWithoutLogitsIsAttackedThroughTheLinearProbesHead) {
  TempDir dir;
  std::string options = kModelOptions;
  options.replace(options.find("FILE"), 4, fixture("small_cnn.pt"));
  options.replace(options.find(", logits: forward"), 17, "");  // features only: no classifier
  write_text(dir / "m.yaml", "seed: 2\nthreads: 2\ncache: cache\n"
                             "datasets:\n  - {id: blobs, plugin: idx, options: {root: " + fixture("attack_idx") +
                                 ", classes: [a, b, c]}}\n"
                                 "models:\n  - {id: features-only, plugin: torchscript, options: " + options + "}\n"
                             "attacks:\n  - {plugin: pgd-l2, options: {steps: 10}}\n"
                             "tasks:\n  - plugin: linear-probe\n"
                             "  - {plugin: robustness, options: {epsilons: [0, 0.5, 3, 20], samples: 0, batch_size: 20}}\n");
  CommandResult r = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("no logits; attacked through a linear head"), std::string::npos) << r.output;
  const std::string csv = read_text(dir / "runs/experiment/results.csv");
  // The head is the linear-probe task's own (default settings, same seed), so the
  // attacked model's clean accuracy on the whole test split is the probe's.
  const double probe = row_value(csv, "features-only", "linear-probe", "method=adam;selection=best-validation", "accuracy");
  const double clean = row_value(csv, "features-only", "robustness", "images=60", "clean_accuracy");
  EXPECT_DOUBLE_EQ(clean, probe);
  EXPECT_DOUBLE_EQ(row_value(csv, "features-only", "robustness", "attack=pgd-l2;epsilon=0;targeted=false", "success_rate"),
                   1.0 - clean);
  // Gradients reach the pixels through the head and the model's embed_vjp.
  EXPECT_GT(row_value(csv, "features-only", "robustness", "attack=pgd-l2;epsilon=20;targeted=false", "success_rate"),
            1.0 - clean);
}

}  // namespace
}  // namespace grhost::test
