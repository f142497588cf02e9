// Finished jobs are remembered in the output folder (.jobs/<job>.json, with
// the job's cache key), so a rerun after a crash or an edit redoes only the
// jobs whose inputs changed. Written atomically after the job's matrices.
#pragma once

#include "results/row.hpp"

#include <optional>
#include <string>
#include <vector>

namespace grhost::results {

struct CachedJob {
  std::vector<Row> rows;
  std::vector<std::string> matrix_files;  // relative to the output folder
};

class JobCache {
 public:
  explicit JobCache(std::string output_dir) : dir_(std::move(output_dir)) {}
  /// The job's results if they were stored under the same key and every
  /// matrix file is still there.
  std::optional<CachedJob> load(const std::string& job, const std::string& key) const;
  void store(const std::string& job, const std::string& key, const CachedJob& done) const;

 private:
  std::string path(const std::string& job) const;
  std::string dir_;
};

}  // namespace grhost::results
