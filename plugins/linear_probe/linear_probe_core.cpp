#include "linear_probe_core.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace grhost::linear_probe {
namespace {

std::string class_label(int64_t c, const std::vector<std::string>& names) {
  const std::string name = c < static_cast<int64_t>(names.size()) ? names[static_cast<size_t>(c)] : std::to_string(c);
  return "class '" + name + "' (" + std::to_string(c) + ")";
}

void check_split(const Split& s, const std::string& split, int64_t num_classes) {
  if (s.rows != s.num_labels)
    throw std::invalid_argument(split + " split: " + std::to_string(s.num_labels) + " labels for " +
                                std::to_string(s.rows) + " feature rows");
  for (int64_t i = 0; i < s.num_labels; ++i)
    if (s.labels[i] < 0 || s.labels[i] >= num_classes)
      throw std::invalid_argument(split + " label " + std::to_string(s.labels[i]) + " at row " + std::to_string(i) +
                                  " is outside 0.." + std::to_string(num_classes - 1));
  const float* end = s.features + s.rows * s.dim;
  const float* bad = std::find_if(s.features, end, [](float v) { return !std::isfinite(v); });
  if (bad != end) {
    const int64_t at = bad - s.features;
    throw std::invalid_argument(split + " features: value at row " + std::to_string(at / s.dim) + ", column " +
                                std::to_string(at % s.dim) + " is not finite");
  }
}

// Tensors that alias the caller's memory: LibTorch only reads them.
torch::Tensor features_of(const Split& s) {
  return torch::from_blob(const_cast<float*>(s.features), {s.rows, s.dim}, torch::kFloat32);
}
torch::Tensor labels_of(const Split& s) {
  return torch::from_blob(const_cast<int64_t*>(s.labels), {s.num_labels}, torch::kInt64);
}
torch::Tensor index_tensor(const std::vector<int64_t>& v) {
  return torch::tensor(torch::ArrayRef<int64_t>(v), torch::kInt64);
}

double accuracy(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& w, const torch::Tensor& b) {
  if (x.size(0) == 0) return std::numeric_limits<double>::quiet_NaN();
  torch::NoGradGuard no_grad;
  // argmax returns the first of tied maxima, as numpy.argmax.
  const torch::Tensor predicted = torch::addmm(b, x, w.t()).argmax(1);
  return predicted.eq(y).sum().item<double>() / static_cast<double>(x.size(0));
}

// The parts of train the trainers see, gathered once.
struct Data {
  torch::Tensor fit_x, fit_y, val_x, val_y, test_x, test_y;
};

// Restores LibTorch's intra-op thread count when the probe ends: it is
// process-wide, and the host sets it for extraction.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : saved_(at::get_num_threads()) { at::set_num_threads(std::max(1, threads)); }
  ~ThreadScope() { at::set_num_threads(saved_); }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int saved_;
};

// Copies of a probe's parameters, for the one that is chosen.
void keep(const torch::Tensor& w, const torch::Tensor& b, ProbeResult& r) {
  torch::NoGradGuard no_grad;
  const torch::Tensor wc = w.detach().contiguous(), bc = b.detach().contiguous();
  r.weights.assign(wc.data_ptr<float>(), wc.data_ptr<float>() + wc.numel());
  r.bias.assign(bc.data_ptr<float>(), bc.data_ptr<float>() + bc.numel());
}

// PyTorch's nn.Linear initialisation, U(-1/sqrt(dim), 1/sqrt(dim)) for W and
// b, then the study's loop: Adam on shuffled mini-batches (the last one
// partial, as DataLoader's default), scored after every epoch.
// The chosen epoch (the earliest best on validation, else the last) is kept
// in r as training goes.
void train_adam(const Data& d, int64_t num_classes, const Settings& s, at::Generator& gen, bool select, ProbeResult& r) {
  const int64_t n = d.fit_x.size(0), dim = d.fit_x.size(1);
  const double bound = 1.0 / std::sqrt(static_cast<double>(dim));
  torch::Tensor w = torch::empty({num_classes, dim}).uniform_(-bound, bound, gen).requires_grad_();
  torch::Tensor b = torch::empty({num_classes}).uniform_(-bound, bound, gen).requires_grad_();
  torch::optim::Adam adam({w, b}, torch::optim::AdamOptions(s.lr).weight_decay(s.weight_decay));
  // A step's work (batch x dim x classes, ~1 MFLOP) is too small to share:
  // on 2 threads the synchronisation made the study's probe 7x slower.
  ThreadScope one_thread(1);
  std::vector<EpochScores>& out = r.epochs;
  for (int64_t epoch = 0; epoch < s.epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(n, gen, torch::kInt64);
    double loss_sum = 0;
    for (int64_t start = 0; start < n; start += s.batch_size) {
      const int64_t end = std::min(n, start + s.batch_size);
      const torch::Tensor rows = order.slice(0, start, end);
      adam.zero_grad();
      torch::Tensor loss =
          torch::nn::functional::cross_entropy(torch::addmm(b, d.fit_x.index_select(0, rows), w.t()),
                                               d.fit_y.index_select(0, rows));
      loss.backward();
      adam.step();
      loss_sum += loss.item<double>() * static_cast<double>(end - start);
    }
    out.push_back({loss_sum / static_cast<double>(n), accuracy(d.val_x, d.val_y, w, b),
                   accuracy(d.test_x, d.test_y, w, b)});
    const size_t k = out.size() - 1;
    // The earliest epoch among the best: the least training that reaches it.
    const bool better = select ? k == 0 || out[k].validation_accuracy > out[r.chosen].validation_accuracy
                               : epoch + 1 == s.epochs;
    if (better) {
      r.chosen = k;
      keep(w, b, r);
    }
  }
}

// scikit-learn's multinomial LogisticRegression minimises
// C * sum(cross-entropy) + ||W||² / 2; divided by C n that is the mean
// cross-entropy + ||W||² / (2 C n), the same minimiser with a gradient n C
// times smaller, which float32 can resolve. Full batch, from zero, L-BFGS
// with a strong-Wolfe line search and scipy's default history of 10.
L2Scores train_lbfgs(const Data& d, int64_t num_classes, double l2, const Settings& s, torch::Tensor& w_out,
                     torch::Tensor& b_out) {
  const int64_t dim = d.fit_x.size(1);
  torch::Tensor w = torch::zeros({num_classes, dim}).requires_grad_();
  torch::Tensor b = torch::zeros({num_classes}).requires_grad_();
  torch::optim::LBFGS lbfgs({w, b}, torch::optim::LBFGSOptions(1)
                                        .max_iter(s.max_iter)
                                        .max_eval(s.max_iter * 5 / 4)
                                        .tolerance_grad(s.tol)
                                        .tolerance_change(1e-9)
                                        .history_size(10)
                                        .line_search_fn("strong_wolfe"));
  // An evaluation's time is two GEMMs, which the BLAS (OpenBLAS) threads
  // itself; LibTorch's OpenMP team beside it competed for the same cores:
  // 49 ms an evaluation on 2 threads against 25 ms with one OpenMP thread.
  ThreadScope one_thread(1);
  L2Scores out;
  out.l2 = l2;
  lbfgs.step([&] {
    ++out.evaluations;
    lbfgs.zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(torch::addmm(b, d.fit_x, w.t()), d.fit_y) +
                         0.5 * l2 * w.pow(2).sum();
    loss.backward();
    return loss;
  });
  {
    torch::NoGradGuard no_grad;
    out.train_loss = torch::nn::functional::cross_entropy(torch::addmm(b, d.fit_x, w.t()), d.fit_y).item<double>();
  }
  out.validation_accuracy = accuracy(d.val_x, d.val_y, w, b);
  out.test_accuracy = accuracy(d.test_x, d.test_y, w, b);
  w_out = w;
  b_out = b;
  return out;
}

}  // namespace

Method parse_method(const std::string& name) {
  if (name == "adam") return Method::adam;
  if (name == "lbfgs") return Method::lbfgs;
  throw std::invalid_argument("unknown method '" + name + "' (expected adam or lbfgs)");
}

TrainParts split_train(const Split& train, int64_t num_classes, const std::vector<std::string>& class_names,
                       double fraction, uint64_t seed) {
  std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(num_classes));
  for (int64_t i = 0; i < train.num_labels; ++i) by_class[static_cast<size_t>(train.labels[i])].push_back(i);
  const int64_t needed = fraction > 0 ? 2 : 1;
  for (int64_t c = 0; c < num_classes; ++c) {
    const auto count = static_cast<int64_t>(by_class[static_cast<size_t>(c)].size());
    if (count < needed)
      throw std::invalid_argument(class_label(c, class_names) + " has " + std::to_string(count) + " train samples" +
                                  (fraction > 0 ? "; a validation split needs at least 2 per class (or validation: 0)"
                                                : "; the probe needs at least 1 per class"));
  }
  TrainParts parts;
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (const auto& rows : by_class) {
    const auto n = static_cast<int64_t>(rows.size());
    const int64_t held = fraction > 0 ? std::clamp<int64_t>(std::llround(fraction * static_cast<double>(n)), 1, n - 1) : 0;
    const torch::Tensor order = torch::randperm(n, gen, torch::kInt64);
    const int64_t* o = order.data_ptr<int64_t>();
    for (int64_t k = 0; k < n; ++k) (k < held ? parts.validation : parts.fit).push_back(rows[static_cast<size_t>(o[k])]);
  }
  std::sort(parts.fit.begin(), parts.fit.end());
  std::sort(parts.validation.begin(), parts.validation.end());
  return parts;
}

ProbeResult train_probe(const Split& train, const Split& test, int64_t num_classes,
                        const std::vector<std::string>& class_names, const Settings& s) {
  if (num_classes < 2) throw std::invalid_argument("a linear probe needs at least 2 classes");
  if (train.dim != test.dim)
    throw std::invalid_argument("train features have " + std::to_string(train.dim) + " dimensions but test features " +
                                std::to_string(test.dim));
  if (test.rows == 0) throw std::invalid_argument("the test split is empty");
  check_split(train, "train", num_classes);
  check_split(test, "test", num_classes);
  const bool select = s.validation > 0;
  if (s.method == Method::adam && (s.epochs < 1 || s.batch_size < 1))
    throw std::invalid_argument("epochs and batch_size must be at least 1");
  if (s.method == Method::lbfgs && s.l2.empty()) throw std::invalid_argument("l2 lists no strength");
  if (s.method == Method::lbfgs && !select && s.l2.size() > 1)
    throw std::invalid_argument("l2 lists " + std::to_string(s.l2.size()) +
                                " strengths but validation is 0: nothing can choose between them");

  ThreadScope threads(s.threads);
  const TrainParts parts = split_train(train, num_classes, class_names, s.validation, s.seed);
  const torch::Tensor x = features_of(train), y = labels_of(train);
  const torch::Tensor fit = index_tensor(parts.fit), val = index_tensor(parts.validation);
  const Data d{x.index_select(0, fit), y.index_select(0, fit), x.index_select(0, val),
               y.index_select(0, val), features_of(test), labels_of(test)};

  ProbeResult r;
  r.selected_on_validation = select;
  if (s.method == Method::adam) {
    // A stream of its own, so the split does not shift the initialisation.
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(s.seed ^ 0x9e3779b97f4a7c15ull);
    train_adam(d, num_classes, s, gen, select, r);
  } else {
    for (double l2 : s.l2) {
      torch::Tensor w, b;
      r.sweep.push_back(train_lbfgs(d, num_classes, l2, s, w, b));
      // Ties go to the strongest L2: the simplest of the equally good models.
      const size_t k = r.sweep.size() - 1;
      const L2Scores &a = r.sweep[k], &best = r.sweep[r.chosen];
      if (k == 0 || a.validation_accuracy > best.validation_accuracy ||
          (a.validation_accuracy == best.validation_accuracy && a.l2 > best.l2)) {
        r.chosen = k;
        keep(w, b, r);
      }
    }
  }
  return r;
}

}  // namespace grhost::linear_probe
