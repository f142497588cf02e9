// Task "robustness": the success rate of each attack against epsilon, per
// (model, dataset), on a seeded sample of a split (shared/spec/analyses.md,
// "Adversarial robustness"). Untargeted, an image is a success when the
// model's prediction is not its label, and images the model already gets
// wrong count as successes at every epsilon (foolbox's convention);
// targeted, a success is a prediction equal to the target
// (label + target_offset) mod C. Both rates are reported over all images
// and over the images the model classifies correctly. Untargeted, only the
// images the model classifies correctly are attacked: the rest are
// successes already, so attacking them would change no number. At
// epsilon 0 no attack runs: the clean predictions decide. Attacks that take
// a budget per image get several epsilons of a batch in one call.
#include <grhost/plugin.hpp>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

int64_t argmax_row(const float* z, int64_t k) { return std::max_element(z, z + k) - z; }

// Predictions of n x k logits, checked against the labels' class count.
std::vector<int64_t> predictions(const grhost::Managed& logits, int64_t n, int64_t num_classes) {
  grhost::View<float> z(&logits->dl_tensor, 2, "the model's logits");
  if (z.size(0) != n) throw grhost::Error("the model returned " + std::to_string(z.size(0)) + " rows of logits for " + std::to_string(n) + " images");
  if (z.size(1) < num_classes)
    throw grhost::Error("the model's logits have " + std::to_string(z.size(1)) + " classes, fewer than the dataset's " +
                        std::to_string(num_classes));
  std::vector<int64_t> p(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) p[static_cast<size_t>(i)] = argmax_row(z.row(i), z.size(1));
  return p;
}

class Robustness : public grhost::Task {
 public:
  static constexpr const char* id = "robustness";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "attack success rate against epsilon (Devillers et al. 2021, section 3.4)";
  static constexpr grhost_task_scope scope = GRHOST_SCOPE_LIVE_MODEL;
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_float_list("epsilons", "[0, 1e-4, 2e-4, 5e-4, 8e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1.0]",
                                  "perturbation budgets, each attacked independently (the study's list)")
            .min(0),
        grhost::option_int("samples", "1000", "images drawn from the split by a seeded permutation; 0: all (the study: 1000)")
            .min(0),
        grhost::option_int("sample_seed", "-1", "seed of that permutation; -1: the manifest's seed").min(-1),
        grhost::option_string("split", "", "the split attacked; empty: the dataset's test split"),
        grhost::option_bool("targeted", "false", "towards (label + target_offset) mod classes instead of away from the label"),
        grhost::option_int("target_offset", "1", "the target's offset from the label (the study: 800 of 1000)").min(1),
        grhost::option_int("batch_size", "10", "images read and attacked together (the study: 10)").min(1).max(65536),
        grhost::option_int("max_batch", "40",
                           "rows per attack call for attacks that take a budget per image (pgd-linf, pgd-l2, fgsm): "
                           "a batch's images at several epsilons are attacked in one call up to this many rows "
                           "(larger calls use the cores and devices better); 0: one call per epsilon")
            .min(0).max(65536),
    };
  }

  explicit Robustness(const grhost::Options& o)
      : epsilons_(o.get_float_list("epsilons")),
        samples_(o.get_int("samples")),
        sample_seed_(o.get_int("sample_seed")),
        split_(o.get_string("split")),
        targeted_(o.get_bool("targeted")),
        offset_(o.get_int("target_offset")),
        batch_(o.get_int("batch_size")),
        max_batch_(o.get_int("max_batch")) {
    if (epsilons_.empty()) throw grhost::Error("epsilons lists no value");
  }

  void run(const grhost::TaskInput& in, const grhost::Results& out) override {
    const grhost::TaskEntry& e = in.entries.at(0);
    if (e.live_model == nullptr || e.pixels == nullptr) throw grhost::Error("robustness needs the live model and its pixels");
    if (in.attacks.empty()) throw grhost::Error("no attacks to run");
    const grhost::Differentiable model(*e.live_model);
    const grhost::PixelSource pixels(*e.pixels);
    const int64_t classes = in.num_classes;
    if (targeted_ && offset_ % classes == 0)
      throw grhost::Error("target_offset " + std::to_string(offset_) + " is a multiple of the " + std::to_string(classes) +
                          " classes: every target would be the label");

    const std::vector<int64_t> chosen = sample(pixels.size(split_), in.seed);
    const auto n = static_cast<int64_t>(chosen.size());
    const auto n_eps = static_cast<int64_t>(epsilons_.size());
    const auto n_att = static_cast<int64_t>(in.attacks.size());
    // successes[a][k][i]: attack a at epsilon k on image i.
    std::vector<std::vector<std::vector<int64_t>>> success(
        static_cast<size_t>(n_att), std::vector<std::vector<int64_t>>(static_cast<size_t>(n_eps), std::vector<int64_t>(static_cast<size_t>(n))));
    std::vector<int64_t> clean_correct(static_cast<size_t>(n));
    // Progress in attacked (image, epsilon) rows; the rows found not to need an attack count at the end.
    int64_t total_rows = 0, done_rows = 0;
    for (double eps : epsilons_) total_rows += eps > 0 ? n * n_att : 0;
    const std::string progress = e.model + " × " + in.dataset + " attacks";

    for (int64_t begin = 0; begin < n; begin += batch_) {
      const int64_t count = std::min(batch_, n - begin);
      std::vector<int64_t> idx(chosen.begin() + begin, chosen.begin() + begin + count);
      auto [images, labels_t] = pixels.read(split_, idx);
      grhost::View<int64_t> labels(&labels_t->dl_tensor, 1, "labels");
      std::vector<int64_t> y(labels.data(), labels.data() + count), goal = y;
      for (int64_t i = 0; i < count; ++i) {
        if (y[static_cast<size_t>(i)] < 0 || y[static_cast<size_t>(i)] >= classes)
          throw grhost::Error("image " + std::to_string(idx[static_cast<size_t>(i)]) + " has label " +
                              std::to_string(y[static_cast<size_t>(i)]) + ", not one of the " + std::to_string(classes) + " classes");
        if (targeted_) goal[static_cast<size_t>(i)] = (y[static_cast<size_t>(i)] + offset_) % classes;
      }
      const std::vector<int64_t> clean = predictions(model.logits(images->dl_tensor), count, classes);
      for (int64_t i = 0; i < count; ++i) clean_correct[static_cast<size_t>(begin + i)] = clean[static_cast<size_t>(i)] == y[static_cast<size_t>(i)];

      // Untargeted, an image the model already gets wrong is a success at
      // every epsilon whatever the attack does: only the others are attacked.
      std::vector<int64_t> attacked;
      for (int64_t i = 0; i < count; ++i)
        if (targeted_ || clean[static_cast<size_t>(i)] == y[static_cast<size_t>(i)]) attacked.push_back(i);
      grhost::View<float> pixels_v(&images->dl_tensor, 4, "pixels");
      for (int64_t a = 0; a < n_att; ++a) {
        const grhost::AttackHandle& attack = in.attacks[static_cast<size_t>(a)];
        // The rows to attack, (epsilon k, image i), in groups of one model call.
        std::vector<std::vector<std::pair<int64_t, int64_t>>> groups;
        for (int64_t k = 0; k < n_eps; ++k) {
          auto& hits = success[static_cast<size_t>(a)][static_cast<size_t>(k)];
          for (int64_t i = 0; i < count; ++i) {
            const auto u = static_cast<size_t>(i);
            // ε = 0 leaves the images as they are: their clean predictions decide.
            hits[static_cast<size_t>(begin) + u] = targeted_ ? clean[u] == goal[u] : clean[u] != y[u];
          }
          if (epsilons_[static_cast<size_t>(k)] == 0 || attacked.empty()) continue;
          // An attack that takes a budget per image gets several epsilons in one call.
          const bool pack = attack.per_image_epsilon() && max_batch_ > 0 && !groups.empty() &&
                            groups.back().size() + attacked.size() <= static_cast<size_t>(max_batch_);
          if (!pack) groups.emplace_back();
          for (int64_t i : attacked) groups.back().emplace_back(k, i);
        }
        for (size_t gi = 0; gi < groups.size(); ++gi) {
          const auto& rows = groups[gi];
          const auto m = static_cast<int64_t>(rows.size());
          const int64_t per_image = pixels_v.numel() / count;
          std::vector<float> sub_pixels;
          std::vector<int64_t> sub_goal;
          std::vector<double> sub_eps;
          for (const auto& [k, i] : rows) {
            sub_pixels.insert(sub_pixels.end(), pixels_v.data() + i * per_image, pixels_v.data() + (i + 1) * per_image);
            sub_goal.push_back(goal[static_cast<size_t>(i)]);
            sub_eps.push_back(epsilons_[static_cast<size_t>(k)]);
          }
          int64_t sub_shape[4] = {m, pixels_v.size(1), pixels_v.size(2), pixels_v.size(3)};
          int64_t goal_shape[1] = {m};
          const DLTensor sub_images = grhost::borrow(sub_pixels.data(), sub_shape, 4);
          const DLTensor goal_t = grhost::borrow(sub_goal.data(), goal_shape, 1);
          grhost_attack_request rq{};
          rq.struct_size = sizeof(rq);
          rq.images = &sub_images;
          rq.labels = &goal_t;
          rq.targeted = targeted_ ? 1 : 0;
          rq.epsilon = *std::max_element(sub_eps.begin(), sub_eps.end());
          rq.epsilons = attack.per_image_epsilon() ? sub_eps.data() : nullptr;
          rq.lower = 0.0f;
          rq.upper = 1.0f;
          rq.seed = draw_seed(in.seed, begin, a, static_cast<int64_t>(gi));
          grhost::Managed adv = attack.perturb(model, rq);
          check_adversarial(adv, sub_images, attack.id());
          const std::vector<int64_t> pred = predictions(model.logits(adv->dl_tensor), m, classes);
          for (int64_t r = 0; r < m; ++r) {
            const auto [k, i] = rows[static_cast<size_t>(r)];
            const auto u = static_cast<size_t>(i), p = static_cast<size_t>(r);
            success[static_cast<size_t>(a)][static_cast<size_t>(k)][static_cast<size_t>(begin) + u] =
                targeted_ ? pred[p] == goal[u] : pred[p] != y[u];
          }
          done_rows += m;
          out.progress(progress, done_rows, total_rows);
        }
      }
    }
    out.progress(progress, total_rows, total_rows);

    const int64_t correct = std::accumulate(clean_correct.begin(), clean_correct.end(), int64_t{0});
    grhost::Row acc;
    acc.split = split_;
    acc.metric = "clean_accuracy";
    acc.params = {{"images", std::to_string(n)}};
    acc.value = static_cast<double>(correct) / static_cast<double>(n);
    out.add(acc);
    std::vector<int64_t> sample_shape = {n};
    out.add_matrix("robustness_images", grhost::borrow(chosen.data(), sample_shape.data(), 1));
    for (int64_t a = 0; a < n_att; ++a) {
      const std::string attack = in.attacks[static_cast<size_t>(a)].id();
      std::vector<double> curve;  // epsilon, success rate, success rate over clean-correct images
      std::vector<int64_t> per_image;
      for (int64_t k = 0; k < n_eps; ++k) {
        const auto& s = success[static_cast<size_t>(a)][static_cast<size_t>(k)];
        int64_t all = 0, on_correct = 0;
        for (int64_t i = 0; i < n; ++i) {
          all += s[static_cast<size_t>(i)];
          on_correct += s[static_cast<size_t>(i)] && clean_correct[static_cast<size_t>(i)];
        }
        const double rate = static_cast<double>(all) / static_cast<double>(n);
        const double rate_correct = correct > 0 ? static_cast<double>(on_correct) / static_cast<double>(correct) : std::nan("");
        const double eps = epsilons_[static_cast<size_t>(k)];
        for (const auto& [metric, value] : {std::pair{"success_rate", rate}, std::pair{"success_rate_clean_correct", rate_correct}}) {
          grhost::Row r;
          r.split = split_;
          r.metric = metric;
          r.params = {{"attack", attack}, {"epsilon", number(eps)}, {"targeted", targeted_ ? "true" : "false"}};
          r.value = value;
          out.add(r);
        }
        curve.insert(curve.end(), {eps, rate, rate_correct});
        per_image.insert(per_image.end(), s.begin(), s.end());
      }
      std::vector<int64_t> curve_shape = {n_eps, 3}, image_shape = {n_eps, n};
      out.add_matrix("robustness_" + attack, grhost::borrow(curve.data(), curve_shape.data(), 2));
      out.add_matrix("robustness_" + attack + "_success", grhost::borrow(per_image.data(), image_shape.data(), 2));
    }
  }

 private:
  // The first `samples_` of a seeded permutation of the split (all when 0).
  std::vector<int64_t> sample(int64_t size, uint64_t manifest_seed) const {
    if (size <= 0) throw grhost::Error("the split '" + split_ + "' has no images");
    std::vector<int64_t> order(static_cast<size_t>(size));
    std::iota(order.begin(), order.end(), int64_t{0});
    std::mt19937_64 gen(sample_seed_ >= 0 ? static_cast<uint64_t>(sample_seed_) : manifest_seed);
    for (int64_t i = size - 1; i > 0; --i) {  // Fisher-Yates, with the generator's raw draws
      const auto j = static_cast<int64_t>(gen() % static_cast<uint64_t>(i + 1));
      std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
    }
    if (samples_ > 0 && samples_ < size) order.resize(static_cast<size_t>(samples_));
    return order;
  }

  // Random starts differ per batch, attack and epsilon, and repeat per seed.
  static uint64_t draw_seed(uint64_t seed, int64_t begin, int64_t attack, int64_t eps) {
    uint64_t z = seed ^ (static_cast<uint64_t>(begin) * 0x9e3779b97f4a7c15ull) ^ (static_cast<uint64_t>(attack) << 48) ^
                 (static_cast<uint64_t>(eps) << 56);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  static void check_adversarial(const grhost::Managed& adv, const DLTensor& images, const std::string& attack) {
    const DLTensor& t = adv->dl_tensor;
    bool same = t.ndim == images.ndim;
    for (int d = 0; same && d < t.ndim; ++d) same = t.shape[d] == images.shape[d];
    if (!same) throw grhost::Error("attack '" + attack + "' returned images of another shape than it was given");
  }

  std::vector<double> epsilons_;
  int64_t samples_, sample_seed_;
  std::string split_;
  bool targeted_;
  int64_t offset_, batch_, max_batch_;
};

}  // namespace

GRHOST_PLUGIN("grhost-robustness", Robustness)
