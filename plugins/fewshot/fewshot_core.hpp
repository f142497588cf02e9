// Few-shot learning with prototypes, as shared/spec/analyses.md defines it:
// for each trial, draw `shots` train samples per class without replacement,
// average their L2-normalised features into a prototype per class, and
// classify every test sample by its best-scoring prototype.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::fewshot {

enum class Score {
  cosine,     // <x̂, p̂_c>: the prototype re-normalised (default)
  dot,        // <x̂, p_c>: the prototype not re-normalised (the study's code)
  euclidean,  // -||x̂ - p_c||: nearest prototype in the normalised space
};
Score parse_score(const std::string& name);

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A small, portable PRNG (splitmix64): the same draws on every platform,
/// unlike std::uniform_int_distribution.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  /// Uniform in [0, n), without modulo bias.
  uint64_t below(uint64_t n);

 private:
  uint64_t state_;
};

/// The seed of trial `trial` (counted from 1) under the manifest's `seed`.
uint64_t trial_seed(uint64_t seed, int64_t trial);

/// Row-wise x / ||x||₂ (a zero row stays zero, as scikit-learn's normalize).
RowMatrix normalise_rows(const float* data, int64_t rows, int64_t dim);

/// Train indices of each class, ascending. Throws std::invalid_argument if a
/// class has fewer than `min_count` samples (naming it with `class_names`).
std::vector<std::vector<int64_t>> indices_by_class(const int64_t* labels, int64_t n, int64_t num_classes,
                                                   int64_t min_count, const std::vector<std::string>& class_names);

/// `shots` indices per class, drawn uniformly without replacement: the first
/// `shots` positions of a Fisher–Yates shuffle of each class's indices,
/// classes in ascending order, all from one Rng.
std::vector<std::vector<int64_t>> draw_support(const std::vector<std::vector<int64_t>>& by_class, int64_t shots,
                                               Rng& rng);

/// Prototypes (num_classes x dim): the mean of each class's support rows of
/// `train_hat`; re-normalised when the score is cosine.
RowMatrix prototypes(const RowMatrix& train_hat, const std::vector<std::vector<int64_t>>& support, Score score);

/// Fraction of test rows whose best-scoring prototype is their label; ties
/// go to the lower class index, as numpy.argmax.
double accuracy(const RowMatrix& test_hat, const int64_t* test_labels, const RowMatrix& protos, Score score);

struct Summary {
  double mean = 0, std = 0, sem = 0;
};
/// Mean, standard deviation with `ddof` degrees of freedom, and SEM = std/√n.
Summary summarize(const std::vector<double>& values, int ddof);

}  // namespace grhost::fewshot
