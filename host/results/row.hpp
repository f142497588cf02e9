// One tidy result row, as every task writes them (see shared/spec/analyses.md,
// "Results that every task writes").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace grhost::results {

struct Row {
  std::string model, dataset, split, task, plugin;
  std::vector<std::pair<std::string, std::string>> params;  // the setting, in the task's order
  std::string metric;
  std::optional<int64_t> trial;
  double value = 0;
  bool is_summary = false;
  double mean = 0, std = 0, sem = 0;
  int64_t n = 0;
};

/// A matrix a task produced, written as matrices/<task>/<dataset>/[<model>/]<name>.npy.
struct Matrix {
  std::string task, dataset, model, name;
  std::string npy;  // the file's bytes
};

}  // namespace grhost::results
