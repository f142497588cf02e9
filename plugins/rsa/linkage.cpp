#include "linkage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace grhost::rsa {
namespace {

struct Merge {
  int64_t a, b;  // representative items of the two clusters merged
  double distance;
};

// Root of item x in a union-find over items, for relabelling merges.
int64_t find_root(std::vector<int64_t>& parent, int64_t x) {
  while (parent[static_cast<size_t>(x)] != x) x = parent[static_cast<size_t>(x)] = parent[static_cast<size_t>(parent[static_cast<size_t>(x)])];
  return x;
}

}  // namespace

std::vector<double> average_linkage(const std::vector<double>& dist, int64_t n) {
  if (n < 2) throw std::invalid_argument("a dendrogram needs at least 2 models, got " + std::to_string(n));
  for (size_t k = 0; k < dist.size(); ++k)
    if (!std::isfinite(dist[k]) || dist[k] < 0)
      throw std::invalid_argument("distance " + std::to_string(dist[k]) + " between items " + std::to_string(k / n) +
                                  " and " + std::to_string(k % n) + " is not a finite, non-negative number");
  // The plain O(n³) algorithm: always merge the closest pair of live
  // clusters, then update distances by the Lance–Williams rule for the
  // average, d(k, a∪b) = (|a| d(k,a) + |b| d(k,b)) / (|a| + |b|). Models are
  // few (tens), and average linkage is reducible, so this finds the same
  // merges as SciPy's nearest-neighbour chain.
  std::vector<double> d = dist;
  std::vector<int64_t> size(static_cast<size_t>(n), 1);
  std::vector<bool> live(static_cast<size_t>(n), true);
  auto at = [&](int64_t i, int64_t j) -> double& { return d[static_cast<size_t>(i * n + j)]; };
  std::vector<Merge> merges;
  for (int64_t step = 0; step + 1 < n; ++step) {
    double best = std::numeric_limits<double>::infinity();
    int64_t bi = -1, bj = -1;
    for (int64_t i = 0; i < n; ++i) {
      if (!live[static_cast<size_t>(i)]) continue;
      for (int64_t j = i + 1; j < n; ++j)
        if (live[static_cast<size_t>(j)] && at(i, j) < best) best = at(i, j), bi = i, bj = j;
    }
    merges.push_back({bi, bj, best});
    const double sa = static_cast<double>(size[static_cast<size_t>(bi)]), sb = static_cast<double>(size[static_cast<size_t>(bj)]);
    for (int64_t k = 0; k < n; ++k) {
      if (!live[static_cast<size_t>(k)] || k == bi || k == bj) continue;
      at(bi, k) = at(k, bi) = (sa * at(bi, k) + sb * at(bj, k)) / (sa + sb);
    }
    size[static_cast<size_t>(bi)] += size[static_cast<size_t>(bj)];
    live[static_cast<size_t>(bj)] = false;  // bi now stands for the union
  }

  // SciPy sorts merges by distance (stably) and then names clusters in that
  // order; do the same with a union-find over the merged items.
  std::stable_sort(merges.begin(), merges.end(), [](const Merge& x, const Merge& y) { return x.distance < y.distance; });
  std::vector<int64_t> parent(static_cast<size_t>(n)), label(static_cast<size_t>(n)), members(static_cast<size_t>(n), 1);
  std::iota(parent.begin(), parent.end(), int64_t{0});
  std::iota(label.begin(), label.end(), int64_t{0});
  std::vector<double> z;
  z.reserve(static_cast<size_t>((n - 1) * 4));
  for (size_t k = 0; k < merges.size(); ++k) {
    const int64_t ra = find_root(parent, merges[k].a), rb = find_root(parent, merges[k].b);
    const int64_t la = label[static_cast<size_t>(ra)], lb = label[static_cast<size_t>(rb)];
    const int64_t total = members[static_cast<size_t>(ra)] + members[static_cast<size_t>(rb)];
    z.insert(z.end(), {static_cast<double>(std::min(la, lb)), static_cast<double>(std::max(la, lb)), merges[k].distance,
                       static_cast<double>(total)});
    parent[static_cast<size_t>(rb)] = ra;
    members[static_cast<size_t>(ra)] = total;
    label[static_cast<size_t>(ra)] = n + static_cast<int64_t>(k);
  }
  return z;
}

}  // namespace grhost::rsa
