// The on-disk feature cache. One folder per key (the hash of everything that
// changes the numbers); inside it, chunks of rows written as they are
// computed, so a killed extraction resumes at the first missing chunk, and
// once all are there, features.npy, labels.npy and a manifest of the two
// that is checked on every read.
//
//   <root>/<key>/chunk1024-000003.npy   rows [3·1024, 4·1024)
//   <root>/<key>/features.npy       float32, rows x dim
//   <root>/<key>/labels.npy         int64, rows
//   <root>/<key>/complete.json      rows, dim, content hashes, what the key covers
//
// Every file is written to a temporary name and renamed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace grhost::extract {

struct CachedFeatures {
  int64_t rows = 0, dim = 0;
  std::vector<float> features;
  std::vector<int64_t> labels;
};

class FeatureCache {
 public:
  /// `describe` is what the key covers, in words; it is stored beside the data.
  FeatureCache(const std::string& root, const std::string& key, std::string describe, int64_t chunk_rows);

  const std::string& folder() const { return dir_; }
  int64_t chunk_rows() const { return chunk_rows_; }

  /// The complete features, if present and intact; a damaged entry is
  /// reported in the log and treated as absent.
  std::optional<CachedFeatures> load() const;

  bool has_chunk(int64_t chunk) const;
  /// Appends chunk `chunk`'s rows to `out` and returns their dimension;
  /// throws if the file is damaged or does not hold `rows` rows.
  int64_t read_chunk(int64_t chunk, int64_t rows, std::vector<float>& out) const;
  void write_chunk(int64_t chunk, const float* data, int64_t rows, int64_t dim) const;

  /// Writes features.npy, labels.npy and complete.json, then drops the chunks.
  void finish(const CachedFeatures& all) const;

  std::string features_path() const { return dir_ + "/features.npy"; }
  std::string labels_path() const { return dir_ + "/labels.npy"; }

 private:
  std::string chunk_path(int64_t chunk) const;
  std::string dir_;
  std::string describe_;
  int64_t chunk_rows_;
};

/// The default cache root: $GRHOST_CACHE_DIR, else $XDG_CACHE_HOME/grhost,
/// else ~/.cache/grhost.
std::string default_cache_root();

}  // namespace grhost::extract
