// Components from one library, built out of tree against the installed SDK:
// a dataset, a model that serves stored features (labels come from the
// dataset), a task that writes a row and a matrix, and, for the robustness
// task, a live model with logits and their gradient and an attack of its own.
#include <grhost/plugin.hpp>

#include <algorithm>
#include <cmath>

namespace {

// "toy-blobs": `classes` classes, `per_class` samples per class and split;
// sample i has label i % classes and a 2x2 grey image of its label.
class ToyBlobs : public grhost::Dataset {
 public:
  static constexpr const char* id = "toy-blobs";
  static constexpr const char* version = "0.3.0";
  static constexpr const char* description = "tiny synthetic labelled dataset";
  static std::vector<grhost::OptionSpec> options() {
    return {grhost::option_int("classes", "3", "number of classes").min(2).max(26),
            grhost::option_int("per_class", "10", "samples per class and split").min(1)};
  }
  explicit ToyBlobs(const grhost::Options& o) : classes_(o.get_int("classes")), per_class_(o.get_int("per_class")) {}

  std::vector<std::string> class_names() const override {
    std::vector<std::string> names;
    for (int64_t c = 0; c < classes_; ++c) names.push_back(std::string("blob-") + static_cast<char>('a' + c));
    return names;
  }
  std::vector<std::string> split_names() const override { return {"train", "test"}; }
  std::string fingerprint() const override { return std::to_string(classes_) + "x" + std::to_string(per_class_); }
  int64_t split_size(int64_t) const override { return classes_ * per_class_; }
  DLManagedTensor* labels(int64_t split) const override {
    std::vector<int64_t> y(static_cast<size_t>(split_size(split)));
    for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<int64_t>(i) % classes_;
    return grhost::to_dlpack(std::move(y), {split_size(split)});
  }
  DLManagedTensor* read_image(int64_t, int64_t index, int64_t* label) const override {
    *label = index % classes_;
    return grhost::to_dlpack(std::vector<uint8_t>(4, static_cast<uint8_t>(*label * 10)), {2, 2, 1});
  }

 private:
  int64_t classes_, per_class_;
};

// "toy-embedder": features for toy-blobs, one direction per class plus a
// small deterministic wobble; no labels, so the host asks the dataset.
class ToyEmbedder : public grhost::Model {
 public:
  static constexpr const char* id = "toy-embedder";
  static constexpr const char* version = "0.3.0";
  static constexpr const char* description = "stored features for toy-blobs";
  static std::vector<grhost::OptionSpec> options() {
    return {grhost::option_int("classes", "3", "classes of the toy-blobs dataset").min(2),
            grhost::option_int("per_class", "10", "samples per class and split").min(1)};
  }
  explicit ToyEmbedder(const grhost::Options& o) : classes_(o.get_int("classes")), per_class_(o.get_int("per_class")) {}
  grhost::ModelInfo info() const override {
    grhost::ModelInfo i;
    i.feature_dim = classes_;
    i.fingerprint = "toy-embedder-0.3";
    return i;
  }
  grhost::StoredFeatures stored_features(const std::string&, const std::string& split) override {
    const int64_t n = classes_ * per_class_;
    std::vector<float> x(static_cast<size_t>(n * classes_), 0.0f);
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t k = 0; k < classes_; ++k)
        x[static_cast<size_t>(i * classes_ + k)] = 0.1f * static_cast<float>(std::sin(static_cast<double>(i * 7 + k + split.size())));
      x[static_cast<size_t>(i * classes_ + i % classes_)] += 1.0f;
    }
    return {grhost::to_dlpack(std::move(x), {n, classes_}), nullptr};
  }

 private:
  int64_t classes_, per_class_;
};

// "nearest-mean": test accuracy of the nearest train class mean; writes the
// class means as a matrix.
class NearestMean : public grhost::Task {
 public:
  static constexpr const char* id = "nearest-mean";
  static constexpr const char* version = "0.3.0";
  static constexpr const char* description = "nearest class-mean classifier";
  static constexpr grhost_task_scope scope = GRHOST_SCOPE_PER_MODEL;
  static std::vector<grhost::OptionSpec> options() { return {}; }
  explicit NearestMean(const grhost::Options&) {}

  void run(const grhost::TaskInput& in, const grhost::Results& out) override {
    const grhost::TaskEntry& e = in.entries.at(0);
    const int64_t d = e.train_features.size(1), C = in.num_classes;
    std::vector<double> means(static_cast<size_t>(C * d), 0.0), counts(static_cast<size_t>(C), 0.0);
    for (int64_t i = 0; i < e.train_features.size(0); ++i) {
      const int64_t y = e.train_labels[i];
      counts[y] += 1;
      for (int64_t k = 0; k < d; ++k) means[y * d + k] += e.train_features.row(i)[k];
    }
    for (int64_t c = 0; c < C; ++c)
      for (int64_t k = 0; k < d; ++k) means[c * d + k] /= counts[c];
    int64_t correct = 0;
    for (int64_t i = 0; i < e.test_features.size(0); ++i) {
      int64_t best = 0;
      double best_d = 1e300;
      for (int64_t c = 0; c < C; ++c) {
        double dist = 0;
        for (int64_t k = 0; k < d; ++k) dist += std::pow(e.test_features.row(i)[k] - means[c * d + k], 2);
        if (dist < best_d) { best_d = dist; best = c; }
      }
      correct += best == e.test_labels[i];
    }
    grhost::Row row;
    row.metric = "accuracy";
    row.value = static_cast<double>(correct) / static_cast<double>(e.test_features.size(0));
    out.add(row);
    int64_t shape[2] = {C, d};
    out.add_matrix("class_means", grhost::borrow(means.data(), shape, 2));
  }
};

// "toy-linear": a live model of toy-blobs' images. With m the mean pixel
// and μ_c = 10 c / 255 the pixel value of class c, the logits
// z_c = 2 μ_c m − μ_c² rank classes by −(m − μ_c)² (the nearest value wins),
// and are linear in the pixels: ∂z_c/∂x_j = 2 μ_c / P for P pixels.
class ToyLinear : public grhost::Model {
 public:
  static constexpr const char* id = "toy-linear";
  static constexpr const char* version = "0.3.0";
  static constexpr const char* description = "nearest-pixel-value classifier with logits and gradients";
  static std::vector<grhost::OptionSpec> options() { return {grhost::option_int("classes", "3", "classes").min(2)}; }
  explicit ToyLinear(const grhost::Options& o) : classes_(o.get_int("classes")) {}
  grhost::ModelInfo info() const override {
    grhost::ModelInfo i;
    i.feature_dim = 2;
    i.num_logits = classes_;
    i.fingerprint = "toy-linear-0.3";
    return i;
  }
  DLManagedTensor* embed(const DLTensor* images) override {
    grhost::View<float> x(images, 4, "images");
    std::vector<float> f;
    for (int64_t i = 0; i < x.size(0); ++i) f.insert(f.end(), {mean_pixel(x, i), 1.0f});
    return grhost::to_dlpack(std::move(f), {x.size(0), 2});
  }
  DLManagedTensor* logits(const DLTensor* images) override {
    grhost::View<float> x(images, 4, "images");
    std::vector<float> z;
    for (int64_t i = 0; i < x.size(0); ++i)
      for (int64_t c = 0; c < classes_; ++c) z.push_back(2 * mu(c) * mean_pixel(x, i) - mu(c) * mu(c));
    return grhost::to_dlpack(std::move(z), {x.size(0), classes_});
  }
  std::pair<DLManagedTensor*, DLManagedTensor*> logits_vjp(const DLTensor* images, const grhost::Cotangent& cotangent) override {
    grhost::View<float> x(images, 4, "images");
    const int64_t n = x.size(0), pixels = x.numel() / n;
    DLManagedTensor* z = logits(images);
    grhost::Managed cot = cotangent(z->dl_tensor);
    grhost::View<float> c(&cot->dl_tensor, 2, "cotangent");
    std::vector<float> g(static_cast<size_t>(x.numel()));
    for (int64_t i = 0; i < n; ++i) {
      double gi = 0;
      for (int64_t k = 0; k < classes_; ++k) gi += c.row(i)[k] * 2 * mu(k) / static_cast<double>(pixels);
      std::fill(g.begin() + i * pixels, g.begin() + (i + 1) * pixels, static_cast<float>(gi));
    }
    return {z, grhost::to_dlpack(std::move(g), {n, x.size(1), x.size(2), x.size(3)})};
  }

 private:
  static float mu(int64_t c) { return static_cast<float>(c) * 10.0f / 255.0f; }
  static float mean_pixel(const grhost::View<float>& x, int64_t i) {
    const int64_t pixels = x.numel() / x.size(0);
    double s = 0;
    for (int64_t j = 0; j < pixels; ++j) s += x.data()[i * pixels + j];
    return static_cast<float>(s / static_cast<double>(pixels));
  }
  int64_t classes_;
};

// "toy-step": one step of size epsilon along the sign of the cross-entropy's
// gradient, written here from the model's logits_vjp alone.
class ToyStep : public grhost::Attack {
 public:
  static constexpr const char* id = "toy-step";
  static constexpr const char* version = "0.3.0";
  static constexpr const char* description = "one signed gradient step";
  static std::vector<grhost::OptionSpec> options() { return {}; }
  explicit ToyStep(const grhost::Options&) {}
  DLManagedTensor* perturb(const grhost::Differentiable& model, const grhost_attack_request& rq) override {
    grhost::View<float> x(rq.images, 4, "images");
    grhost::View<int64_t> y(rq.labels, 1, "labels");
    auto [z, g] = model.logits_vjp(*rq.images, [&](const DLTensor& logits) {
      grhost::View<float> l(&logits, 2, "logits");
      std::vector<float> cot(static_cast<size_t>(l.numel()));
      for (int64_t i = 0; i < l.size(0); ++i) {  // softmax − one-hot
        double total = 0;
        for (int64_t k = 0; k < l.size(1); ++k) total += std::exp(l.row(i)[k]);
        for (int64_t k = 0; k < l.size(1); ++k)
          cot[static_cast<size_t>(i * l.size(1) + k)] = static_cast<float>(std::exp(l.row(i)[k]) / total - (k == y[i]));
      }
      return grhost::to_dlpack(std::move(cot), {l.size(0), l.size(1)});
    });
    grhost::View<float> gv(&g->dl_tensor, 4, "gradient");
    const float step = static_cast<float>(rq.targeted ? -rq.epsilon : rq.epsilon);
    std::vector<float> adv(x.data(), x.data() + x.numel());
    for (int64_t j = 0; j < x.numel(); ++j)
      adv[static_cast<size_t>(j)] = std::clamp(adv[static_cast<size_t>(j)] + (gv[j] > 0 ? step : gv[j] < 0 ? -step : 0.0f), rq.lower, rq.upper);
    return grhost::to_dlpack(std::move(adv), {x.size(0), x.size(1), x.size(2), x.size(3)});
  }
};

}  // namespace

// A language model: each class name as its letter counts (SDK 1.1's
// class_embeddings), for the shipped RSA task beside the embedder.
class ToyLetters : public grhost::Model {
 public:
  static constexpr const char* id = "toy-letters";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "class names as letter counts";
  static std::vector<grhost::OptionSpec> options() { return {}; }
  explicit ToyLetters(const grhost::Options&) {}
  grhost::ModelInfo info() const override { return {}; }
  DLManagedTensor* class_embeddings(const std::string&, const std::vector<std::string>& names) override {
    std::vector<float> v(names.size() * 26, 0.f);
    for (size_t c = 0; c < names.size(); ++c)
      for (char ch : names[c])
        if (ch >= 'a' && ch <= 'z') v[c * 26 + static_cast<size_t>(ch - 'a')] += 1;
    return grhost::to_dlpack(std::move(v), {static_cast<int64_t>(names.size()), 26});
  }
};

GRHOST_PLUGIN("toy-plugins", ToyBlobs, ToyEmbedder, NearestMean, ToyLinear, ToyStep, ToyLetters)
