#include "util/suggest.hpp"

#include <gtest/gtest.h>

namespace grhost {
namespace {

TEST(Suggest, EditDistanceByHand) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("seed", "seed"), 0u);
  EXPECT_EQ(edit_distance("Seed", "seed"), 0u);  // case does not count
}

TEST(Suggest, SuggestsOnlyLikelyTypos) {
  const std::vector<std::string> keys = {"seed", "threads", "datasets", "models", "tasks"};
  EXPECT_EQ(closest_match("seeed", keys), "seed");
  EXPECT_EQ(closest_match("modles", keys), "models");
  EXPECT_EQ(closest_match("banana", keys), "");
  EXPECT_EQ(did_you_mean("task", keys), "; did you mean 'tasks'?");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
}

}  // namespace
}  // namespace grhost
