// Agreement between clusters and classes that needs no mapping, as
// scikit-learn computes them: normalised mutual information (arithmetic mean
// of the two entropies, natural log) and the adjusted Rand index.
#pragma once

#include <cstdint>
#include <vector>

namespace grhost::clustering {

/// From counts[cluster][class].
double normalized_mutual_information(const std::vector<std::vector<int64_t>>& counts);
double adjusted_rand_index(const std::vector<std::vector<int64_t>>& counts);

}  // namespace grhost::clustering
