// Finding plugins: every library in the search path, loaded and checked in
// order; the first component with a given kind and id wins.
#pragma once

#include "plugins/component.hpp"

#include <map>
#include <string>
#include <vector>

namespace grhost::plugins {

/// A library that was refused, and why (the message names the file).
struct Refusal {
  std::string path;
  std::string reason;
};

struct SearchPath {
  std::string path;    // a folder of *.so files, or one library file
  std::string origin;  // "manifest", "--plugin-path", "GRHOST_PLUGIN_PATH", "install prefix"
};

class Registry {
 public:
  /// Loads every library in `paths` (folders are scanned non-recursively,
  /// files sorted by name). Refused libraries are recorded, not fatal.
  void discover(const std::vector<SearchPath>& paths);

  const std::vector<PluginFile>& files() const { return files_; }
  const std::vector<Refusal>& refusals() const { return refusals_; }
  /// Components hidden by an earlier one with the same kind and id.
  const std::vector<std::string>& shadowed() const { return shadowed_; }

  /// The component of `kind` named `id`, or nullptr.
  const Component* find(grhost_kind kind, const std::string& id) const;
  /// Every id of a kind, sorted (for messages).
  std::vector<std::string> ids(grhost_kind kind) const;

 private:
  std::vector<PluginFile> files_;
  std::vector<Refusal> refusals_;
  std::vector<std::string> shadowed_;
  std::map<std::pair<int, std::string>, const Component*> by_id_;
};

/// The default search path after the manifest's own entries:
/// --plugin-path entries, then GRHOST_PLUGIN_PATH (':'-separated), then the
/// install prefix's plugin folder (found relative to the running executable).
std::vector<SearchPath> default_search_path(const std::vector<std::string>& cli_paths);

}  // namespace grhost::plugins
