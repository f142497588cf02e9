// The experiment manifest: what to run, validated against the host's fields
// and every plugin's declared options before anything runs.
#pragma once

#include "manifest/schema.hpp"
#include "plugins/registry.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace grhost::manifest {

/// One entry of `datasets:`, `models:`, `tasks:` or `attacks:`.
struct Entry {
  std::string id;
  Position pos;                       // the entry's first key
  std::string plugin;                 // component id; empty for a dataset without plugin
  Position plugin_pos;
  const plugins::Component* component = nullptr;
  std::map<std::string, Value> options;  // validated, defaults filled
  // models
  std::string family;
  int64_t batch_size = 64;            // images per forward pass when extracting
  // datasets
  std::vector<std::string> classes;   // optional names for a plugin-less dataset
  std::string train_split, test_split;
  // tasks that attack models: ids of entries of `attacks:` (all of them when
  // the entry names none)
  std::vector<std::string> attacks;
  std::vector<Position> attack_pos;
  Position attacks_pos;
};

struct Manifest {
  std::string path;      // as given
  std::string dir;       // its folder: relative paths are resolved against it
  int64_t format = 1;
  std::string name;
  uint64_t seed = 0;
  int threads = 0;       // resolved: 0 in the file means all cores
  std::string output;    // resolved folder
  std::vector<std::string> plugin_paths;
  std::string cache;                 // feature cache root, resolved
  int64_t cache_chunk_rows = 1024;   // rows per cache chunk: what a killed extraction can lose
  std::vector<Entry> datasets, models, tasks, attacks;
};

/// Parses and validates `path`. Plugins are discovered into `registry` from
/// the manifest's plugin_paths followed by `search_tail`. Throws
/// ManifestError listing every problem, one line each.
Manifest load_manifest(const std::string& path, const std::vector<plugins::SearchPath>& search_tail,
                       plugins::Registry& registry);

/// The manifest with every default filled in and every path resolved.
std::string resolved_yaml(const Manifest& m);

}  // namespace grhost::manifest
