#include "fewshot_core.hpp"

#include "unit_rows.hpp"

#include <cmath>
#include <stdexcept>

namespace grhost::fewshot {

Score parse_score(const std::string& name) {
  if (name == "cosine") return Score::cosine;
  if (name == "dot") return Score::dot;
  if (name == "euclidean") return Score::euclidean;
  throw std::invalid_argument("unknown score '" + name + "' (expected cosine, dot or euclidean)");
}

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t Rng::below(uint64_t n) {
  if (n == 0) throw std::invalid_argument("Rng::below(0)");
  // Rejection sampling: discard the top partial block so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t r;
  do r = next();
  while (r >= limit);
  return r % n;
}

uint64_t trial_seed(uint64_t seed, int64_t trial) {
  Rng mixer(seed);
  uint64_t a = mixer.next();
  Rng t(a ^ (static_cast<uint64_t>(trial) * 0xd1342543de82ef95ull));
  return t.next();
}

RowMatrix normalise_rows(const float* data, int64_t rows, int64_t dim) { return tasks::unit_rows(data, rows, dim); }

std::vector<std::vector<int64_t>> indices_by_class(const int64_t* labels, int64_t n, int64_t num_classes,
                                                   int64_t min_count, const std::vector<std::string>& class_names) {
  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(num_classes));
  for (int64_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes)
      throw std::invalid_argument("train label " + std::to_string(labels[i]) + " at row " + std::to_string(i) +
                                  " is outside 0.." + std::to_string(num_classes - 1));
    by_class[static_cast<size_t>(labels[i])].push_back(i);
  }
  for (int64_t c = 0; c < num_classes; ++c) {
    const auto count = static_cast<int64_t>(by_class[static_cast<size_t>(c)].size());
    if (count < min_count)
      throw std::invalid_argument("class '" + (c < static_cast<int64_t>(class_names.size()) ? class_names[c] : std::to_string(c)) +
                                  "' (" + std::to_string(c) + ") has " + std::to_string(count) +
                                  " train samples, fewer than shots=" + std::to_string(min_count));
  }
  return by_class;
}

std::vector<std::vector<int64_t>> draw_support(const std::vector<std::vector<int64_t>>& by_class, int64_t shots,
                                               Rng& rng) {
  std::vector<std::vector<int64_t>> support;
  support.reserve(by_class.size());
  for (const auto& pool : by_class) {
    std::vector<int64_t> v = pool;
    const auto n = static_cast<uint64_t>(v.size());
    if (static_cast<uint64_t>(shots) > n)
      throw std::invalid_argument("cannot draw " + std::to_string(shots) + " of " + std::to_string(n) + " samples");
    for (uint64_t i = 0; i < static_cast<uint64_t>(shots); ++i) {
      uint64_t j = i + rng.below(n - i);
      std::swap(v[i], v[j]);
    }
    v.resize(static_cast<size_t>(shots));
    support.push_back(std::move(v));
  }
  return support;
}

RowMatrix prototypes(const RowMatrix& train_hat, const std::vector<std::vector<int64_t>>& support, Score score) {
  RowMatrix p = RowMatrix::Zero(static_cast<Eigen::Index>(support.size()), train_hat.cols());
  for (size_t c = 0; c < support.size(); ++c) {
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(train_hat.cols());
    for (int64_t i : support[c]) sum += train_hat.row(i).transpose().cast<double>();
    sum /= static_cast<double>(support[c].size());
    if (score == Score::cosine) {
      double norm = sum.norm();
      if (norm > 0) sum /= norm;
    }
    p.row(static_cast<Eigen::Index>(c)) = sum.transpose().cast<float>();
  }
  return p;
}

double accuracy(const RowMatrix& test_hat, const int64_t* test_labels, const RowMatrix& protos, Score score) {
  // One GEMM scores every test sample against every prototype.
  RowMatrix s = test_hat * protos.transpose();
  if (score == Score::euclidean) {
    // -||x - p||² = 2 x·p - ||p||² - ||x||²; the last term does not change the argmax.
    Eigen::VectorXf pn = protos.rowwise().squaredNorm();
    s = (2.0f * s).rowwise() - pn.transpose();
  }
  int64_t correct = 0;
  for (Eigen::Index r = 0; r < s.rows(); ++r) {
    Eigen::Index best = 0;
    for (Eigen::Index c = 1; c < s.cols(); ++c)
      if (s(r, c) > s(r, best)) best = c;
    correct += best == test_labels[r] ? 1 : 0;
  }
  return s.rows() == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(s.rows());
}

Summary summarize(const std::vector<double>& values, int ddof) {
  Summary out;
  const auto n = static_cast<double>(values.size());
  if (values.empty()) return out;
  for (double v : values) out.mean += v;
  out.mean /= n;
  double ss = 0;
  for (double v : values) ss += (v - out.mean) * (v - out.mean);
  // Undefined with too few values (numpy gives nan too): say so rather than 0.
  out.std = n - ddof > 0 ? std::sqrt(ss / (n - ddof)) : std::nan("");
  out.sem = out.std / std::sqrt(n);
  return out;
}

}  // namespace grhost::fewshot
