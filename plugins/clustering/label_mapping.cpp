#include "label_mapping.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace grhost::clustering {
namespace {

// Minimum-cost perfect matching of a square cost matrix (rows to columns):
// the Hungarian method with potentials, O(n³). Returns column of each row.
std::vector<int64_t> hungarian(const std::vector<std::vector<double>>& cost) {
  const size_t n = cost.size();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(n + 1, 0), way_min(n + 1);
  std::vector<size_t> match(n + 1, 0), way(n + 1, 0);  // match[column] = row, 1-based; 0 = free
  for (size_t row = 1; row <= n; ++row) {
    match[0] = row;
    size_t col0 = 0;
    std::fill(way_min.begin(), way_min.end(), inf);
    std::vector<char> used(n + 1, 0);
    do {
      used[col0] = 1;
      const size_t row0 = match[col0];
      double delta = inf;
      size_t col1 = 0;
      for (size_t col = 1; col <= n; ++col) {
        if (used[col]) continue;
        const double reduced = cost[row0 - 1][col - 1] - u[row0] - v[col];
        if (reduced < way_min[col]) {
          way_min[col] = reduced;
          way[col] = col0;
        }
        if (way_min[col] < delta) {
          delta = way_min[col];
          col1 = col;
        }
      }
      for (size_t col = 0; col <= n; ++col) {
        if (used[col]) {
          u[match[col]] += delta;
          v[col] -= delta;
        } else {
          way_min[col] -= delta;
        }
      }
      col0 = col1;
    } while (match[col0] != 0);
    do {
      const size_t col1 = way[col0];
      match[col0] = match[col1];
      col0 = col1;
    } while (col0 != 0);
  }
  std::vector<int64_t> column_of(n);
  for (size_t col = 1; col <= n; ++col) column_of[match[col] - 1] = static_cast<int64_t>(col - 1);
  return column_of;
}

}  // namespace

std::vector<std::vector<int64_t>> contingency(const std::vector<int64_t>& clusters, const std::vector<int64_t>& classes,
                                              int64_t num_clusters, int64_t num_classes) {
  if (clusters.size() != classes.size())
    throw std::invalid_argument(std::to_string(clusters.size()) + " cluster assignments but " +
                                std::to_string(classes.size()) + " labels");
  std::vector<std::vector<int64_t>> counts(static_cast<size_t>(num_clusters), std::vector<int64_t>(num_classes, 0));
  for (size_t i = 0; i < clusters.size(); ++i) {
    if (clusters[i] < 0 || clusters[i] >= num_clusters || classes[i] < 0 || classes[i] >= num_classes)
      throw std::invalid_argument("sample " + std::to_string(i) + ": cluster or class out of range");
    ++counts[static_cast<size_t>(clusters[i])][static_cast<size_t>(classes[i])];
  }
  return counts;
}

std::vector<int64_t> one_to_one(const std::vector<std::vector<int64_t>>& counts, const std::string& rule) {
  const size_t clusters = counts.size(), classes = clusters == 0 ? 0 : counts[0].size();
  std::vector<int64_t> predicts(clusters, -1);
  if (rule == "greedy") {
    std::vector<std::tuple<int64_t, size_t, size_t>> pairs;  // (-count, class, cluster): sorted ascending
    for (size_t k = 0; k < clusters; ++k)
      for (size_t c = 0; c < classes; ++c) pairs.emplace_back(-counts[k][c], c, k);
    std::sort(pairs.begin(), pairs.end());
    std::vector<char> class_taken(classes, 0);
    for (const auto& [neg, c, k] : pairs) {
      if (predicts[k] >= 0 || class_taken[c]) continue;
      predicts[k] = static_cast<int64_t>(c);
      class_taken[c] = 1;
    }
    return predicts;
  }
  if (rule == "hungarian") {
    // Square, padded with zero counts: a padded class or cluster matches nothing real.
    const size_t n = std::max(clusters, classes);
    std::vector<std::vector<double>> cost(n, std::vector<double>(n, 0.0));
    for (size_t k = 0; k < clusters; ++k)
      for (size_t c = 0; c < classes; ++c) cost[k][c] = -static_cast<double>(counts[k][c]);
    const std::vector<int64_t> column = hungarian(cost);
    for (size_t k = 0; k < clusters; ++k)
      if (static_cast<size_t>(column[k]) < classes) predicts[k] = column[k];
    return predicts;
  }
  throw std::invalid_argument("unknown mapping '" + rule + "' (expected greedy or hungarian)");
}

std::vector<int64_t> paper_predictions(const std::vector<int64_t>& clusters,
                                       const std::vector<std::vector<int64_t>>& counts) {
  const size_t num_clusters = counts.size(), classes = num_clusters == 0 ? 0 : counts[0].size();
  std::vector<int64_t> picked(classes, 0);
  for (size_t c = 0; c < classes; ++c)
    for (size_t k = 1; k < num_clusters; ++k)
      if (counts[k][c] > counts[static_cast<size_t>(picked[c])][c]) picked[c] = static_cast<int64_t>(k);
  // Classes in ascending order overwrite: the highest class wins a shared cluster.
  std::vector<int64_t> cluster_class(num_clusters, 0);
  for (size_t c = 0; c < classes; ++c) cluster_class[static_cast<size_t>(picked[c])] = static_cast<int64_t>(c);
  std::vector<int64_t> predicted(clusters.size());
  for (size_t i = 0; i < clusters.size(); ++i) predicted[i] = cluster_class[static_cast<size_t>(clusters[i])];
  return predicted;
}

std::vector<int64_t> map_clusters(const std::vector<int64_t>& clusters, const std::vector<int64_t>& classes,
                                  int64_t num_clusters, int64_t num_classes, const std::string& rule) {
  const auto counts = contingency(clusters, classes, num_clusters, num_classes);
  if (rule == "paper") return paper_predictions(clusters, counts);
  const std::vector<int64_t> predicts = one_to_one(counts, rule);
  std::vector<int64_t> predicted(clusters.size());
  for (size_t i = 0; i < clusters.size(); ++i) predicted[i] = predicts[static_cast<size_t>(clusters[i])];
  return predicted;
}

double accuracy(const std::vector<int64_t>& predicted, const std::vector<int64_t>& classes) {
  if (predicted.empty()) return 0;
  int64_t correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == classes[i];
  return static_cast<double>(correct) / static_cast<double>(predicted.size());
}

}  // namespace grhost::clustering
