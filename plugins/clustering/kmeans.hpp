// k-means as scikit-learn's KMeans (algorithm "lloyd"): greedy k-means++
// seeding (2 + ⌊ln k⌋ candidates per centre, the one lowering the potential
// most), Lloyd iterations until the centres move less than tol × the mean
// per-feature variance (squared), n_init seeded restarts, the lowest inertia
// kept. An emptied cluster takes the point farthest from its centre.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <vector>

namespace grhost::clustering {

struct KMeansOptions {
  int64_t n_init = 10;
  int64_t max_iter = 300;
  double tol = 1e-4;
  uint64_t seed = 0;
};

struct KMeansResult {
  std::vector<int64_t> labels;  // cluster of each row
  Eigen::MatrixXd centers;      // k x dims
  double inertia = 0;           // sum of squared distances to the assigned centres
  int64_t iterations = 0;       // of the kept run
};

/// Clusters the rows of `x` into k groups. Throws std::invalid_argument if
/// k is not in 1..rows.
KMeansResult kmeans(const Eigen::MatrixXd& x, int64_t k, const KMeansOptions& options);

}  // namespace grhost::clustering
