// Turning clusters into class predictions, three ways (shared/spec/analyses.md):
//   paper      the study's permute_labels: each class picks the cluster holding
//              most of its samples (ties to the lower cluster; several classes
//              may pick one); then, classes in ascending order, every sample of
//              a picked cluster gets that class, so the highest class wins a
//              shared cluster; samples of unpicked clusters get class 0.
//   greedy     one-to-one: the largest remaining count first (ties: lower
//              class, then lower cluster).
//   hungarian  one-to-one maximising the matched samples (optimal).
// A cluster left without a class predicts -1 (always wrong).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::clustering {

/// counts[cluster][class]: samples of each class in each cluster.
std::vector<std::vector<int64_t>> contingency(const std::vector<int64_t>& clusters, const std::vector<int64_t>& classes,
                                              int64_t num_clusters, int64_t num_classes);

/// The class each cluster predicts (size num_clusters), by `rule`:
/// "paper", "greedy" or "hungarian". For "paper" use paper_predictions.
std::vector<int64_t> one_to_one(const std::vector<std::vector<int64_t>>& counts, const std::string& rule);

/// The study's prediction for every sample.
std::vector<int64_t> paper_predictions(const std::vector<int64_t>& clusters,
                                       const std::vector<std::vector<int64_t>>& counts);

/// Predictions of every sample under `rule`, and their accuracy.
std::vector<int64_t> map_clusters(const std::vector<int64_t>& clusters, const std::vector<int64_t>& classes,
                                  int64_t num_clusters, int64_t num_classes, const std::string& rule);
double accuracy(const std::vector<int64_t>& predicted, const std::vector<int64_t>& classes);

}  // namespace grhost::clustering
