// Average-linkage agglomerative clustering (UPGMA), written as SciPy's
// linkage matrix (analyses.md, RSA step 5).
#pragma once

#include <cstdint>
#include <vector>

namespace grhost::rsa {

/// Merges of `n` items with symmetric distances `dist` (n × n, row-major),
/// as scipy.cluster.hierarchy.linkage(squareform(dist), method="average")
/// returns them: (n − 1) × 4 rows [a, b, distance, size], row-major. Items
/// are 0..n−1, the cluster made by row k is n + k, a < b in each row, and
/// rows come in order of distance (ties in merge order). Throws
/// std::invalid_argument for n < 2 or a distance that is negative or not finite.
std::vector<double> average_linkage(const std::vector<double>& dist, int64_t n);

}  // namespace grhost::rsa
