#include "attack_steps.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

namespace grhost::attacks {
namespace {

double l2_norm(const float* v, int64_t dim) {
  double s = 0;
  for (int64_t j = 0; j < dim; ++j) s += static_cast<double>(v[j]) * v[j];
  return std::sqrt(s);
}

}  // namespace

std::vector<float> cross_entropy_cotangent(const float* logits, int64_t n, int64_t k, const int64_t* labels) {
  std::vector<float> out(static_cast<size_t>(n * k));
  for (int64_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || labels[i] >= k)
      throw std::invalid_argument("label " + std::to_string(labels[i]) + " of image " + std::to_string(i) +
                                  " is not one of the model's " + std::to_string(k) + " classes");
    const float* z = logits + i * k;
    const double top = *std::max_element(z, z + k);
    double total = 0;
    for (int64_t c = 0; c < k; ++c) total += std::exp(static_cast<double>(z[c]) - top);
    for (int64_t c = 0; c < k; ++c)
      out[static_cast<size_t>(i * k + c)] =
          static_cast<float>(std::exp(static_cast<double>(z[c]) - top) / total - (c == labels[i] ? 1.0 : 0.0));
  }
  return out;
}

void step_and_project(Batch& x, const Batch& x0, const float* g, Norm norm, const std::vector<double>& step_size,
                      double sign, const std::vector<double>& epsilon, float lower, float upper) {
  std::vector<float> d(static_cast<size_t>(x.dim));
  for (int64_t i = 0; i < x.n; ++i) {
    const auto eps = static_cast<float>(epsilon[static_cast<size_t>(i)]);
    float* xi = x.row(i);
    const float* oi = x0.row(i);
    const float* gi = g + i * x.dim;
    if (norm == Norm::linf) {
      const auto a = static_cast<float>(step_size[static_cast<size_t>(i)] * sign);
      for (int64_t j = 0; j < x.dim; ++j) {
        const float moved = xi[j] + (gi[j] > 0 ? a : gi[j] < 0 ? -a : 0.0f);
        xi[j] = std::clamp(oi[j] + std::clamp(moved - oi[j], -eps, eps), lower, upper);
      }
      continue;
    }
    const auto a = static_cast<float>(step_size[static_cast<size_t>(i)] * sign / std::max(l2_norm(gi, x.dim), 1e-12));
    for (int64_t j = 0; j < x.dim; ++j) d[static_cast<size_t>(j)] = xi[j] + a * gi[j] - oi[j];
    const auto f = static_cast<float>(std::min(1.0, epsilon[static_cast<size_t>(i)] / std::max(l2_norm(d.data(), x.dim), 1e-12)));
    for (int64_t j = 0; j < x.dim; ++j) xi[j] = std::clamp(oi[j] + d[static_cast<size_t>(j)] * f, lower, upper);
  }
}

Batch random_start(const Batch& x0, Norm norm, const std::vector<double>& eps, float lower, float upper, uint64_t seed) {
  Batch x = x0;
  std::mt19937_64 gen(seed);
  std::vector<double> u(static_cast<size_t>(x.dim + 2));
  for (int64_t i = 0; i < x.n; ++i) {
    float* xi = x.row(i);
    const double epsilon = eps[static_cast<size_t>(i)];
    if (norm == Norm::linf) {
      std::uniform_real_distribution<double> uniform(-epsilon, epsilon);
      for (int64_t j = 0; j < x.dim; ++j) xi[j] += static_cast<float>(uniform(gen));
    } else {
      std::normal_distribution<double> normal(0.0, 1.0);
      double len = 0;
      for (double& v : u) {
        v = normal(gen);
        len += v * v;
      }
      len = std::sqrt(len);
      for (int64_t j = 0; j < x.dim; ++j) xi[j] += static_cast<float>(epsilon * u[static_cast<size_t>(j)] / len);
    }
    for (int64_t j = 0; j < x.dim; ++j) xi[j] = std::clamp(xi[j], lower, upper);
  }
  return x;
}

}  // namespace grhost::attacks
