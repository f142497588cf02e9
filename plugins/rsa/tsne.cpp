#include "tsne.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

namespace grhost::rsa {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();  // scikit-learn's MACHINE_EPSILON (float64)
constexpr int kDims = 2;

// Student-t kernel w_ij = 1 / (1 + ‖y_i − y_j‖²), Q = w / Σ w, the KL
// divergence and its gradient 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j).
double kl_and_gradient(const std::vector<double>& p, const std::vector<double>& y, int64_t n, std::vector<double>& grad) {
  std::vector<double> w(static_cast<size_t>(n * n), 0.0);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) {
      double d2 = 0;
      for (int k = 0; k < kDims; ++k) {
        const double diff = y[static_cast<size_t>(i * kDims + k)] - y[static_cast<size_t>(j * kDims + k)];
        d2 += diff * diff;
      }
      const double v = 1.0 / (1.0 + d2);
      w[static_cast<size_t>(i * n + j)] = w[static_cast<size_t>(j * n + i)] = v;
      sum += 2 * v;
    }
  double kl = 0;
  std::fill(grad.begin(), grad.end(), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double pij = p[static_cast<size_t>(i * n + j)];
      const double q = std::max(w[static_cast<size_t>(i * n + j)] / sum, kEps);
      kl += pij * std::log(std::max(pij, kEps) / q);
      const double f = 4.0 * (pij - q) * w[static_cast<size_t>(i * n + j)];
      for (int k = 0; k < kDims; ++k)
        grad[static_cast<size_t>(i * kDims + k)] += f * (y[static_cast<size_t>(i * kDims + k)] - y[static_cast<size_t>(j * kDims + k)]);
    }
  return kl;
}

}  // namespace

std::vector<double> joint_probabilities(const std::vector<double>& dist, int64_t n, double perplexity) {
  const double target = std::log(perplexity);  // entropy in nats
  std::vector<double> cond(static_cast<size_t>(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    // Bisection on the precision beta, doubling or halving while unbounded,
    // as scikit-learn's _binary_search_perplexity (100 steps, tolerance 1e-5).
    double beta = 1, lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 100; ++step) {
      double sum = 0;
      for (int64_t j = 0; j < n; ++j) {
        const double v = j == i ? 0.0 : std::exp(-dist[static_cast<size_t>(i * n + j)] * beta);
        cond[static_cast<size_t>(i * n + j)] = v;
        sum += v;
      }
      if (sum == 0) sum = 1e-8;  // scikit-learn's EPSILON_DBL
      double weighted = 0;
      for (int64_t j = 0; j < n; ++j) {
        cond[static_cast<size_t>(i * n + j)] /= sum;
        weighted += dist[static_cast<size_t>(i * n + j)] * cond[static_cast<size_t>(i * n + j)];
      }
      const double entropy = std::log(sum) + beta * weighted;
      const double diff = entropy - target;
      if (std::abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi == std::numeric_limits<double>::infinity() ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo == -std::numeric_limits<double>::infinity() ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  std::vector<double> p(static_cast<size_t>(n * n), 0.0);
  double total = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) total += cond[static_cast<size_t>(i * n + j)] + cond[static_cast<size_t>(j * n + i)];
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (i != j)
        p[static_cast<size_t>(i * n + j)] =
            std::max((cond[static_cast<size_t>(i * n + j)] + cond[static_cast<size_t>(j * n + i)]) / total, kEps);
  return p;
}

TsneResult tsne(const std::vector<double>& dist, int64_t n, const TsneSettings& s) {
  if (s.perplexity < 1 || static_cast<double>(n) <= s.perplexity)
    throw std::invalid_argument("t-SNE with perplexity " + std::to_string(s.perplexity) + " needs more than " +
                                std::to_string(s.perplexity) + " models, got " + std::to_string(n));
  for (double d : dist)
    if (!std::isfinite(d) || d < 0) throw std::invalid_argument("t-SNE distances must be finite and non-negative");
  const std::vector<double> p = joint_probabilities(dist, n, s.perplexity);
  const double rate = s.learning_rate > 0 ? s.learning_rate
                                          : std::max(static_cast<double>(n) / s.early_exaggeration / 4.0, 50.0);

  TsneResult r;
  r.embedding.resize(static_cast<size_t>(n * kDims));
  std::mt19937_64 rng(s.seed);
  std::normal_distribution<double> normal(0.0, 1e-4);
  for (double& v : r.embedding) v = normal(rng);

  std::vector<double> update(r.embedding.size(), 0.0), gains(r.embedding.size(), 1.0), grad(r.embedding.size());
  std::vector<double> pe(p.size());
  // With a handful of points the momentum makes KL oscillate late in the
  // run (scikit-learn's too); the map kept is the one of lowest KL after
  // exaggeration, not whichever the last step left.
  std::vector<double> best;
  double best_kl = std::numeric_limits<double>::infinity();
  for (int64_t it = 0; it < s.iterations; ++it) {
    const bool exaggerated = it < s.exaggeration_iterations;
    const double factor = exaggerated ? s.early_exaggeration : 1.0;
    for (size_t k = 0; k < p.size(); ++k) pe[k] = p[k] * factor;
    r.kl.push_back(kl_and_gradient(pe, r.embedding, n, grad));
    if (!exaggerated && r.kl.back() < best_kl) {
      best_kl = r.kl.back();
      best = r.embedding;
    }
    const double momentum = exaggerated ? 0.5 : 0.8;
    double grad_norm = 0;
    for (size_t k = 0; k < grad.size(); ++k) {
      // Delta-bar-delta gains: grow where the step keeps its direction.
      const bool same_direction = update[k] * grad[k] < 0;
      gains[k] = std::max(same_direction ? gains[k] + 0.2 : gains[k] * 0.8, 0.01);
      const double g = grad[k] * gains[k];
      update[k] = momentum * update[k] - rate * g;
      r.embedding[k] += update[k];
      grad_norm += g * g;  // scikit-learn tests the gradient after the gains
    }
    if (!exaggerated && std::sqrt(grad_norm) < s.min_grad_norm) break;
  }
  r.final_kl = kl_and_gradient(p, r.embedding, n, grad);
  if (r.final_kl > best_kl) {
    r.embedding = best;
    r.final_kl = best_kl;
  }
  return r;
}

}  // namespace grhost::rsa
