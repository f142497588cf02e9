// The few-shot building blocks, against values computed by hand and known
// properties of sampling without replacement.
#include "fewshot_core.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

namespace grhost::fewshot {
namespace {

TEST(FewShotCore, RngIsDeterministicAndInRange) {
  Rng a(7), b(7), c(8);
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.below(13);
    EXPECT_LT(x, 13u);
    EXPECT_EQ(x, b.below(13));
  }
  EXPECT_NE(Rng(7).next(), c.next());
  EXPECT_NE(trial_seed(0, 1), trial_seed(0, 2));
  EXPECT_NE(trial_seed(0, 1), trial_seed(1, 1));
  EXPECT_EQ(trial_seed(5, 3), trial_seed(5, 3));
}

TEST(FewShotCore, SupportIsDrawnWithinClassWithoutReplacementAndUniformly) {
  // Class 0: rows 0, 2, 4, 6; class 1: rows 1, 3, 5, 7, 9; class 2: row 8.
  const int64_t labels[] = {0, 1, 0, 1, 0, 1, 0, 1, 2, 1};
  auto by_class = indices_by_class(labels, 10, 3, 1, {"a", "b", "c"});
  EXPECT_EQ(by_class[1], (std::vector<int64_t>{1, 3, 5, 7, 9}));
  Rng rng(123);
  std::map<int64_t, int> picked;
  const int draws = 20000;
  for (int t = 0; t < draws; ++t) {
    auto s = draw_support(by_class, 1, rng);
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(labels[s[0][0]], 0);
    EXPECT_EQ(labels[s[1][0]], 1);
    EXPECT_EQ(s[2][0], 8);  // the only sample of class 2
    ++picked[s[1][0]];
  }
  // Each of class 1's five rows is drawn 1/5 of the time (4000 ± 4.5 sigma).
  for (int64_t row : by_class[1]) EXPECT_NEAR(picked[row], draws / 5, 250) << "row " << row;

  Rng rng2(9);
  auto all = draw_support({by_class[0]}, 4, rng2);
  std::set<int64_t> distinct(all[0].begin(), all[0].end());
  EXPECT_EQ(distinct, (std::set<int64_t>{0, 2, 4, 6}));  // 4 of 4: every row, once
  EXPECT_THROW(draw_support(by_class, 2, rng2), std::invalid_argument);  // class 2 has one row
}

TEST(FewShotCore, TooFewSamplesNamesTheClass) {
  const int64_t labels[] = {0, 0, 1};
  try {
    indices_by_class(labels, 3, 2, 2, {"shirt", "sandal"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "class 'sandal' (1) has 1 train samples, fewer than shots=2");
  }
}

TEST(FewShotCore, NormalisesRowsAndKeepsZeroRowsZero) {
  const float x[] = {3, 4, 0, 0, -1, 0};
  RowMatrix n = normalise_rows(x, 3, 2);
  EXPECT_FLOAT_EQ(n(0, 0), 0.6f);
  EXPECT_FLOAT_EQ(n(0, 1), 0.8f);
  EXPECT_EQ(n(1, 0), 0.0f);
  EXPECT_EQ(n(1, 1), 0.0f);
  EXPECT_FLOAT_EQ(n(2, 0), -1.0f);
}

// The hand-made case of docs/analyses/few-shot.md: class A from (1,0),(0,1)
// and class B from (1,0),(2,0), so p_A = (0.5, 0.5) and p_B = (1, 0).
TEST(FewShotCore, HandCaseScoresDifferAsComputedByHand) {
  const float train[] = {1, 0, 0, 1, 1, 0, 2, 0};
  const float test[] = {0.8f, 0.6f, 0.6f, 0.8f, 1, 0.1f, 0, 1};
  const int64_t test_labels[] = {0, 0, 1, 1};
  RowMatrix tr = normalise_rows(train, 4, 2), te = normalise_rows(test, 4, 2);
  const std::vector<std::vector<int64_t>> support = {{0, 1}, {2, 3}};

  RowMatrix dot = prototypes(tr, support, Score::dot);
  EXPECT_FLOAT_EQ(dot(0, 0), 0.5f);
  EXPECT_FLOAT_EQ(dot(0, 1), 0.5f);
  RowMatrix cos = prototypes(tr, support, Score::cosine);
  EXPECT_FLOAT_EQ(cos(0, 0), static_cast<float>(std::sqrt(0.5)));
  // (0.8, 0.6): cos A 0.990 > cos B 0.8, but dot A 0.7 < dot B 0.8.
  // (0, 1) of class B is nearer A under every score.
  EXPECT_DOUBLE_EQ(accuracy(te, test_labels, cos, Score::cosine), 0.75);
  EXPECT_DOUBLE_EQ(accuracy(te, test_labels, dot, Score::dot), 0.5);
  EXPECT_DOUBLE_EQ(accuracy(te, test_labels, prototypes(tr, support, Score::euclidean), Score::euclidean), 0.75);
}

TEST(FewShotCore, TiesGoToTheLowerClass) {
  const float test[] = {1, 1};
  const int64_t label0[] = {0}, label1[] = {1};
  RowMatrix te = normalise_rows(test, 1, 2);
  RowMatrix protos(2, 2);
  protos << 1, 0, 0, 1;  // equal scores
  EXPECT_DOUBLE_EQ(accuracy(te, label0, protos, Score::cosine), 1.0);
  EXPECT_DOUBLE_EQ(accuracy(te, label1, protos, Score::cosine), 0.0);
}

TEST(FewShotCore, SummaryByHand) {
  Summary s1 = summarize({0.5, 0.7}, 1);
  EXPECT_DOUBLE_EQ(s1.mean, 0.6);
  EXPECT_NEAR(s1.std, std::sqrt(0.02), 1e-15);  // ((0.1)² + (0.1)²) / (2 - 1)
  EXPECT_NEAR(s1.sem, 0.1, 1e-15);              // sqrt(0.02) / sqrt(2)
  Summary s0 = summarize({0.5, 0.7}, 0);
  EXPECT_NEAR(s0.std, 0.1, 1e-15);
  EXPECT_NEAR(s0.sem, 0.1 / std::sqrt(2.0), 1e-15);
  EXPECT_TRUE(std::isnan(summarize({0.5}, 1).std));  // undefined, as numpy says
}

}  // namespace
}  // namespace grhost::fewshot
