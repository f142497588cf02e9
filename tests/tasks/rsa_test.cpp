// The RSA task's steps against independent computations: RDMs against the
// formula evaluated the slow way, correlations against hand-computed values,
// the linkage and Spearman's rho against SciPy, and t-SNE's properties.
#include "support/test_support.hpp"

#include "io/npy.hpp"

#include <class_stats.hpp>
#include <linkage.hpp>
#include <rdm.hpp>
#include <rdm_compare.hpp>
#include <tsne.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace grhost::test {
namespace {

using namespace grhost::rsa;

struct Labelled {
  int64_t classes, dim;
  std::vector<float> x;
  std::vector<int64_t> y;
};

// 3–6 rows per class of random features around class centres.
Labelled random_features(int64_t classes, int64_t dim, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::uniform_int_distribution<int64_t> count(3, 6);
  Labelled l{classes, dim, {}, {}};
  for (int64_t c = 0; c < classes; ++c) {
    std::vector<float> centre(static_cast<size_t>(dim));
    for (float& v : centre) v = normal(rng);
    const int64_t n = count(rng);
    for (int64_t k = 0; k < n; ++k) {
      for (int64_t d = 0; d < dim; ++d) l.x.push_back(centre[static_cast<size_t>(d)] + 0.7f * normal(rng));
      l.y.push_back(c);
    }
  }
  return l;
}

// The RDM of analyses.md computed the slow way: every class's rows
// normalised, mean, spread, then each pair by the formula, in double.
std::vector<double> slow_tstat(const Labelled& l, bool per_dimension, int ddof, double floor) {
  const int64_t C = l.classes, D = l.dim;
  std::vector<std::vector<std::vector<double>>> rows(static_cast<size_t>(C));
  for (size_t r = 0; r < l.y.size(); ++r) {
    std::vector<double> v(l.x.begin() + static_cast<long>(r * D), l.x.begin() + static_cast<long>((r + 1) * D));
    double norm = 0;
    for (double a : v) norm += a * a;
    for (double& a : v) a /= std::sqrt(norm);
    rows[static_cast<size_t>(l.y[r])].push_back(v);
  }
  std::vector<std::vector<double>> mean(C, std::vector<double>(D, 0)), se2(C, std::vector<double>(D, 0));
  for (int64_t c = 0; c < C; ++c) {
    const auto& rc = rows[static_cast<size_t>(c)];
    const double n = static_cast<double>(rc.size());
    for (const auto& v : rc)
      for (int64_t d = 0; d < D; ++d) mean[c][d] += v[d] / n;
    if (per_dimension) {
      for (int64_t d = 0; d < D; ++d) {
        double ss = 0;
        for (const auto& v : rc) ss += (v[d] - mean[c][d]) * (v[d] - mean[c][d]);
        const double sd = std::max(std::sqrt(ss / (n - ddof)), floor);
        se2[c][d] = sd * sd / n;
      }
    } else {
      double all = 0, ss = 0;
      for (const auto& v : rc)
        for (double a : v) all += a;
      all /= n * D;
      for (const auto& v : rc)
        for (double a : v) ss += (a - all) * (a - all);
      const double sd = std::max(std::sqrt(ss / (n * D - ddof)), floor);
      for (int64_t d = 0; d < D; ++d) se2[c][d] = sd * sd / n;
    }
  }
  std::vector<double> out(static_cast<size_t>(C * C), 0);
  for (int64_t i = 0; i < C; ++i)
    for (int64_t j = 0; j < C; ++j) {
      double t2 = 0;
      for (int64_t d = 0; d < D; ++d) t2 += std::pow(mean[i][d] - mean[j][d], 2) / (se2[i][d] + se2[j][d]);
      out[static_cast<size_t>(i * C + j)] = std::sqrt(t2);
    }
  return out;
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double rel) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], rel * std::max(1.0, std::abs(want[k]))) << "entry " << k;
}

std::vector<double> rdm_of(const Labelled& l, Spread spread, int ddof, Distance distance, double floor = 1e-6) {
  const ClassStats s = class_stats(l.x.data(), static_cast<int64_t>(l.y.size()), l.dim, l.y.data(), l.classes, {}, spread, ddof, 2);
  return rdm(s, distance, floor, 2);
}

TEST(RsaRdm, PerDimensionSpreadEqualsTheFormula) {
  // 37 classes: more than two tiles of 16, so tile edges are crossed.
  const Labelled l = random_features(37, 29, 1);
  for (int ddof : {0, 1}) expect_close(rdm_of(l, Spread::dimension, ddof, Distance::tstat), slow_tstat(l, true, ddof, 1e-6), 1e-5);
}

TEST(RsaRdm, ScalarSpreadEqualsTheFormula) {
  const Labelled l = random_features(20, 17, 2);
  for (int ddof : {0, 1}) expect_close(rdm_of(l, Spread::scalar, ddof, Distance::tstat), slow_tstat(l, false, ddof, 1e-6), 1e-5);
}

TEST(RsaRdm, TheFloorKeepsAConstantDimensionFinite) {
  // Dimension 0 is 1 in every row of both classes: no spread, no difference,
  // so it adds nothing; dimension 1 separates them.
  Labelled l{2, 2, {1, 0.1f, 1, 0.2f, 1, 0.3f, 1, 0.5f, 1, 0.6f, 1, 0.7f}, {0, 0, 0, 1, 1, 1}};
  const auto r = rdm_of(l, Spread::dimension, 1, Distance::tstat);
  ASSERT_TRUE(std::isfinite(r[1]));
  expect_close(r, slow_tstat(l, true, 1, 1e-6), 1e-5);
}

TEST(RsaRdm, OneVectorPerClassIsTheEuclideanDistanceOfUnitVectors) {
  // A language model: (3, 4) and (0, 2) normalise to (0.6, 0.8) and (0, 1).
  Labelled l{3, 2, {3, 4, 0, 2, -1, 0}, {0, 1, 2}};
  const auto r = rdm_of(l, Spread::dimension, 1, Distance::tstat);
  EXPECT_NEAR(r[0 * 3 + 1], std::sqrt(0.36 + 0.04), 1e-6);
  EXPECT_NEAR(r[0 * 3 + 2], std::sqrt(1.6 * 1.6 + 0.64), 1e-6);
  EXPECT_NEAR(r[1 * 3 + 2], std::sqrt(2.0), 1e-6);
  EXPECT_EQ(r[1 * 3 + 0], r[0 * 3 + 1]);
  EXPECT_EQ(r[4], 0.0);
}

TEST(RsaRdm, CosineAndCorrelationOfClassMeans) {
  // One vector per class, so the class means are the unit vectors.
  Labelled l{3, 3, {1, 0, 0, 1, 1, 0, 1, 2, 3}, {0, 1, 2}};
  const auto cos = rdm_of(l, Spread::dimension, 1, Distance::cosine);
  EXPECT_NEAR(cos[0 * 3 + 1], 1 - 1 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(cos[0 * 3 + 2], 1 - 1 / std::sqrt(14.0), 1e-6);
  EXPECT_NEAR(cos[1 * 3 + 2], 1 - 3 / std::sqrt(28.0), 1e-6);
  const auto corr = rdm_of(l, Spread::dimension, 1, Distance::correlation);
  // (1,0,0) and (1,1,0) centred: (2,-1,-1)/3 and (1,1,-2)/3: r = (2-1+2)/6 = 0.5.
  EXPECT_NEAR(corr[0 * 3 + 1], 0.5, 1e-6);
  // (1,2,3) centred (-1,0,1): with (2,-1,-1): r = -3/sqrt(6·2).
  EXPECT_NEAR(corr[0 * 3 + 2], 1 + 3 / std::sqrt(12.0), 1e-6);
}

TEST(RsaRdm, BadInputIsNamed) {
  Labelled l = random_features(3, 4, 3);
  auto stats = [&](const Labelled& x, int64_t classes, int ddof) {
    return class_stats(x.x.data(), static_cast<int64_t>(x.y.size()), x.dim, x.y.data(), classes, {"a", "b", "c", "d"},
                       Spread::dimension, ddof, 1);
  };
  try {
    stats(l, 4, 1);
    FAIL() << "class d has no samples";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("class 3 ('d') has no samples"), std::string::npos) << e.what();
  }
  Labelled nan = l;
  nan.x[5] = std::nanf("");
  try {
    stats(nan, 3, 1);
    FAIL() << "NaN";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("row 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("non-finite value at dimension 1"), std::string::npos) << e.what();
  }
  Labelled out_of_range = l;
  out_of_range.y[0] = 7;
  EXPECT_THROW(stats(out_of_range, 3, 1), std::invalid_argument);
  // One row in a class, but not in all of them: a spread with ddof 1 needs two.
  Labelled lonely{2, 2, {1, 0, 0, 1, 0, 2}, {0, 1, 1}};
  try {
    stats(lonely, 2, 1);
    FAIL() << "one sample with ddof 1";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("class 0 ('a') has 1 sample(s)"), std::string::npos) << e.what();
  }
}

TEST(RsaCompare, PearsonAndSpearmanByHand) {
  EXPECT_NEAR(pearson({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}), 0.8, 1e-12);
  EXPECT_NEAR(pearson({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
  EXPECT_TRUE(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));
  // Ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]: r = 4.5 / sqrt(4.5 · 5).
  EXPECT_EQ(average_ranks({1, 2, 2, 3}), (std::vector<double>{1, 2.5, 2.5, 4}));
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 3, 2, 4}), 4.5 / std::sqrt(22.5), 1e-12);
  const auto r = correlation_matrix({{1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}, {5, 4, 3, 2, 1}}, Comparison::pearson);
  EXPECT_EQ(r[0], 1.0);
  EXPECT_NEAR(r[1], 0.8, 1e-12);
  EXPECT_NEAR(r[3], 0.8, 1e-12);
  EXPECT_NEAR(r[2], -1.0, 1e-12);
  EXPECT_EQ(upper_triangle({0, 1, 2, 1, 0, 3, 2, 3, 0}, 3), (std::vector<double>{1, 2, 3}));
}

TEST(RsaCompare, LinkageAndSpearmanAgreeWithScipy) {
  // Distances between 9 random points (distinct, so the merges are unique),
  // and two vectors with ties for Spearman.
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(0, 1);
  const int64_t n = 9;
  std::vector<double> pts(n * 3);
  for (double& v : pts) v = u(rng);
  std::vector<double> dist(n * n, 0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += std::pow(pts[i * 3 + k] - pts[j * 3 + k], 2);
      dist[i * n + j] = std::sqrt(s);
    }
  std::vector<double> a(40), b(40);
  for (size_t k = 0; k < a.size(); ++k) {
    a[k] = std::floor(u(rng) * 8);  // ties
    b[k] = a[k] + u(rng) * 4;
  }
  TempDir dir;
  io::write_npy(dir / "dist.npy", io::DType::float64, {n, n}, dist.data());
  io::write_npy(dir / "a.npy", io::DType::float64, {40}, a.data());
  io::write_npy(dir / "b.npy", io::DType::float64, {40}, b.data());
  CommandResult ref = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/python/rsa_reference.py " + dir.path());
  ASSERT_EQ(ref.exit_code, 0) << "needs Debian's python3-scipy:\n" << ref.output;

  const io::NpyArray z = io::read_npy(dir / "linkage.npy");
  ASSERT_EQ(z.shape, (std::vector<int64_t>{n - 1, 4}));
  const std::vector<double> want(z.as<double>(), z.as<double>() + z.numel());
  const std::vector<double> got = average_linkage(dist, n);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-12) << "row " << k / 4 << " column " << k % 4;
  EXPECT_NEAR(spearman(a, b), *io::read_npy(dir / "spearman.npy").as<double>(), 1e-12);
}

TEST(RsaCompare, LinkageByHand) {
  // a–b 1, c 4 from both, d 10 from all: (a,b) at 1, then c at 4, then d at 10.
  const std::vector<double> d = {0, 1, 4, 10, 1, 0, 4, 10, 4, 4, 0, 10, 10, 10, 10, 0};
  EXPECT_EQ(average_linkage(d, 4), (std::vector<double>{0, 1, 1, 2, 2, 4, 4, 3, 3, 5, 10, 4}));
  EXPECT_THROW(average_linkage({0}, 1), std::invalid_argument);
}

// Three groups of four points, 0.05 apart within a group and 1 across.
std::vector<double> grouped_distances(int64_t& n) {
  n = 12;
  std::vector<double> d(static_cast<size_t>(n * n), 0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (i != j) d[static_cast<size_t>(i * n + j)] = i / 4 == j / 4 ? 0.05 + 0.001 * ((i + j) % 3) : 1.0;
  return d;
}

TEST(RsaTsne, SeparatedGroupsStaySeparated) {
  int64_t n;
  const auto d = grouped_distances(n);
  TsneSettings s;
  s.seed = 7;
  const TsneResult r = tsne(d, n, s);
  auto dist2 = [&](int64_t i, int64_t j) {
    return std::hypot(r.embedding[i * 2] - r.embedding[j * 2], r.embedding[i * 2 + 1] - r.embedding[j * 2 + 1]);
  };
  double within = 0, across = 1e300;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) (i / 4 == j / 4 ? within = std::max(within, dist2(i, j)) : across = std::min(across, dist2(i, j)));
  EXPECT_LT(within * 2, across) << "within " << within << ", across " << across;
}

TEST(RsaTsne, KlDecreasesAndTheSeedFixesTheMap) {
  int64_t n;
  const auto d = grouped_distances(n);
  TsneSettings s;
  s.seed = 3;
  const TsneResult a = tsne(d, n, s), b = tsne(d, n, s);
  EXPECT_EQ(a.embedding, b.embedding);
  ASSERT_GT(a.kl.size(), 300u);
  // From where early exaggeration ends (iteration 250), KL falls: the map
  // kept is far better than the one the first phase left, and good in
  // itself (scikit-learn's TSNE reaches 0.06 on these distances).
  EXPECT_LT(a.final_kl, 0.5 * a.kl[250]);
  EXPECT_LT(a.final_kl, 0.2);
  s.seed = 4;
  EXPECT_NE(tsne(d, n, s).embedding, a.embedding);
  // Joint probabilities: symmetric, summing to one.
  const auto p = joint_probabilities(d, n, 3);
  double total = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      total += p[i * n + j];
      EXPECT_DOUBLE_EQ(p[i * n + j], p[j * n + i]);
    }
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_THROW(tsne(d, 3, s), std::invalid_argument);
}

}  // namespace
}  // namespace grhost::test
