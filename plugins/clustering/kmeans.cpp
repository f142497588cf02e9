#include "kmeans.hpp"

#include <tbb/parallel_for.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace grhost::clustering {
namespace {

// splitmix64: the same draws on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)

 private:
  uint64_t state_;
};

// Index i with probability weights[i] / total (the last positive weight if rounding runs past).
int64_t sample(const Eigen::VectorXd& weights, double total, Rng& rng) {
  const double target = rng.uniform() * total;
  double acc = 0;
  int64_t last = 0;
  for (Eigen::Index i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    acc += weights[i];
    last = i;
    if (acc > target) return i;
  }
  return last;
}

Eigen::MatrixXd kmeans_plus_plus(const Eigen::MatrixXd& x, int64_t k, Rng& rng) {
  const Eigen::Index n = x.rows();
  const int64_t trials = 2 + static_cast<int64_t>(std::log(static_cast<double>(k)));
  Eigen::MatrixXd centers(k, x.cols());
  centers.row(0) = x.row(static_cast<Eigen::Index>(rng.next() % static_cast<uint64_t>(n)));
  Eigen::VectorXd closest = (x.rowwise() - centers.row(0)).rowwise().squaredNorm();
  for (int64_t c = 1; c < k; ++c) {
    const double potential = closest.sum();
    double best_potential = std::numeric_limits<double>::infinity();
    Eigen::VectorXd best_closest;
    int64_t best = 0;
    for (int64_t t = 0; t < trials; ++t) {
      const int64_t candidate = potential > 0 ? sample(closest, potential, rng) : static_cast<int64_t>(rng.next() % n);
      Eigen::VectorXd d = (x.rowwise() - x.row(candidate)).rowwise().squaredNorm();
      Eigen::VectorXd merged = closest.cwiseMin(d);
      const double p = merged.sum();
      if (p < best_potential) {
        best_potential = p;
        best_closest = std::move(merged);
        best = candidate;
      }
    }
    centers.row(c) = x.row(best);
    closest = std::move(best_closest);
  }
  return centers;
}

// Nearest centre of every row (ties to the lower centre) and the squared distance.
double assign(const Eigen::MatrixXd& x, const Eigen::MatrixXd& centers, std::vector<int64_t>& labels,
              Eigen::VectorXd& dist) {
  tbb::parallel_for(Eigen::Index{0}, x.rows(), [&](Eigen::Index i) {
    Eigen::Index best = 0;
    double best_d = (centers.row(0) - x.row(i)).squaredNorm();
    for (Eigen::Index c = 1; c < centers.rows(); ++c) {
      const double d = (centers.row(c) - x.row(i)).squaredNorm();
      if (d < best_d) {
        best_d = d;
        best = c;
      }
    }
    labels[static_cast<size_t>(i)] = best;
    dist[i] = best_d;
  });
  return dist.sum();
}

KMeansResult lloyd(const Eigen::MatrixXd& x, Eigen::MatrixXd centers, const KMeansOptions& options, double tol) {
  const Eigen::Index n = x.rows(), k = centers.rows();
  KMeansResult r;
  r.labels.resize(static_cast<size_t>(n));
  Eigen::VectorXd dist(n);
  for (r.iterations = 1; r.iterations <= options.max_iter; ++r.iterations) {
    assign(x, centers, r.labels, dist);
    Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(k, x.cols());
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(k);
    for (Eigen::Index i = 0; i < n; ++i) {
      sums.row(r.labels[static_cast<size_t>(i)]) += x.row(i);
      counts[r.labels[static_cast<size_t>(i)]] += 1;
    }
    Eigen::MatrixXd next = centers;
    for (Eigen::Index c = 0; c < k; ++c) {
      if (counts[c] > 0) {
        next.row(c) = sums.row(c) / counts[c];
      } else {
        Eigen::Index far = 0;
        dist.maxCoeff(&far);
        next.row(c) = x.row(far);
        dist[far] = 0;  // another empty cluster takes the next farthest point
      }
    }
    const double shift = (next - centers).squaredNorm();
    centers = std::move(next);
    if (shift <= tol) break;
  }
  r.iterations = std::min(r.iterations, options.max_iter);
  r.inertia = assign(x, centers, r.labels, dist);
  r.centers = std::move(centers);
  return r;
}

}  // namespace

KMeansResult kmeans(const Eigen::MatrixXd& x, int64_t k, const KMeansOptions& options) {
  if (k < 1 || k > x.rows())
    throw std::invalid_argument("k-means with " + std::to_string(k) + " clusters needs at least as many samples; got " +
                                std::to_string(x.rows()));
  // scikit-learn's tolerance: relative to the data's mean per-feature variance.
  const Eigen::RowVectorXd mean = x.colwise().mean();
  const double variance = (x.rowwise() - mean).array().square().colwise().mean().mean();
  const double tol = options.tol * variance;
  Rng seeds(options.seed);
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int64_t run = 0; run < options.n_init; ++run) {
    Rng rng(seeds.next());
    KMeansResult r = lloyd(x, kmeans_plus_plus(x, k, rng), options, tol);
    if (r.inertia < best.inertia) best = std::move(r);
  }
  return best;
}

}  // namespace grhost::clustering
