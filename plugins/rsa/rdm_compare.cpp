#include "rdm_compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace grhost::rsa {

std::vector<double> upper_triangle(const std::vector<double>& m, int64_t n) {
  std::vector<double> out;
  out.reserve(static_cast<size_t>(n * (n - 1) / 2));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) out.push_back(m[static_cast<size_t>(i * n + j)]);
  return out;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2)
    throw std::invalid_argument("correlation of vectors of " + std::to_string(a.size()) + " and " +
                                std::to_string(b.size()) + " values; two equal lengths of at least 2 are needed");
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t k = 0; k < a.size(); ++k) {
    sab += (a[k] - ma) * (b[k] - mb);
    saa += (a[k] - ma) * (a[k] - ma);
    sbb += (b[k] - mb) * (b[k] - mb);
  }
  if (saa == 0 || sbb == 0) return std::numeric_limits<double>::quiet_NaN();
  // Rounding can put |r| a hair above 1.
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
  std::vector<double> rank(v.size());
  for (size_t start = 0; start < order.size();) {
    size_t end = start + 1;
    while (end < order.size() && v[order[end]] == v[order[start]]) ++end;
    // Positions start..end-1 hold equal values: each gets the mean of ranks start+1..end.
    const double r = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (size_t k = start; k < end; ++k) rank[order[k]] = r;
    start = end;
  }
  return rank;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  return pearson(average_ranks(a), average_ranks(b));
}

std::vector<double> correlation_matrix(const std::vector<std::vector<double>>& triangles, Comparison how) {
  const size_t m = triangles.size();
  std::vector<std::vector<double>> ranked;
  if (how == Comparison::spearman)
    for (const auto& t : triangles) ranked.push_back(average_ranks(t));
  const auto& v = how == Comparison::spearman ? ranked : triangles;
  std::vector<double> r(m * m, 1.0);
  for (size_t i = 0; i < m; ++i)
    for (size_t j = i + 1; j < m; ++j) r[i * m + j] = r[j * m + i] = pearson(v[i], v[j]);
  return r;
}

}  // namespace grhost::rsa
