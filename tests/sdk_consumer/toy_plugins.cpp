// Three components from one library, built out of tree against the
// installed SDK: a dataset, a model that serves stored features (labels come
// from the dataset), and a task that writes a row and a matrix.
#include <grhost/plugin.hpp>

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

}  // namespace

GRHOST_PLUGIN("toy-plugins", ToyBlobs, ToyEmbedder, NearestMean)
