// Comparing models through their RDMs (analyses.md, RSA step 4).
#pragma once

#include <cstdint>
#include <vector>

namespace grhost::rsa {

/// The strictly upper triangle of an n × n row-major matrix, row by row
/// (scipy's squareform order).
std::vector<double> upper_triangle(const std::vector<double>& m, int64_t n);

/// Pearson's r of two equally long vectors; NaN when either is constant.
double pearson(const std::vector<double>& a, const std::vector<double>& b);

/// Ranks from 1, ties given their average rank (scipy.stats.rankdata).
std::vector<double> average_ranks(const std::vector<double>& v);

/// Spearman's ρ: Pearson's r of the average ranks (scipy.stats.spearmanr).
double spearman(const std::vector<double>& a, const std::vector<double>& b);

enum class Comparison { pearson, spearman };

/// models × models correlation matrix of the RDMs' upper triangles (unit
/// diagonal). Spearman ranks each triangle once.
std::vector<double> correlation_matrix(const std::vector<std::vector<double>>& triangles, Comparison how);

}  // namespace grhost::rsa
