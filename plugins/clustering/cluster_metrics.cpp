#include "cluster_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace grhost::clustering {
namespace {

struct Margins {
  std::vector<double> rows, cols;
  double total = 0;
};

Margins margins(const std::vector<std::vector<int64_t>>& counts) {
  Margins m;
  m.rows.assign(counts.size(), 0);
  m.cols.assign(counts.empty() ? 0 : counts[0].size(), 0);
  for (size_t i = 0; i < counts.size(); ++i)
    for (size_t j = 0; j < counts[i].size(); ++j) {
      m.rows[i] += static_cast<double>(counts[i][j]);
      m.cols[j] += static_cast<double>(counts[i][j]);
      m.total += static_cast<double>(counts[i][j]);
    }
  return m;
}

double entropy(const std::vector<double>& sizes, double total) {
  double h = 0;
  for (double s : sizes)
    if (s > 0) h -= s / total * std::log(s / total);
  return h;
}

double pairs(double n) { return n * (n - 1) / 2; }

}  // namespace

double normalized_mutual_information(const std::vector<std::vector<int64_t>>& counts) {
  const Margins m = margins(counts);
  if (m.total == 0) return 1.0;
  double mi = 0;
  for (size_t i = 0; i < counts.size(); ++i)
    for (size_t j = 0; j < counts[i].size(); ++j) {
      const double nij = static_cast<double>(counts[i][j]);
      if (nij > 0) mi += nij / m.total * std::log(m.total * nij / (m.rows[i] * m.cols[j]));
    }
  const double hu = entropy(m.rows, m.total), hv = entropy(m.cols, m.total);
  // scikit-learn: both labelings constant (zero entropy) agree perfectly.
  if (hu == 0 && hv == 0) return 1.0;
  return std::max(0.0, mi) / ((hu + hv) / 2);
}

double adjusted_rand_index(const std::vector<std::vector<int64_t>>& counts) {
  const Margins m = margins(counts);
  double index = 0, a = 0, b = 0;
  for (const auto& row : counts)
    for (int64_t nij : row) index += pairs(static_cast<double>(nij));
  for (double r : m.rows) a += pairs(r);
  for (double c : m.cols) b += pairs(c);
  const double expected = a * b / pairs(m.total), max_index = (a + b) / 2;
  // scikit-learn's special case: identical trivial partitions score 1.
  if (max_index == expected) return 1.0;
  return (index - expected) / (max_index - expected);
}

}  // namespace grhost::clustering
