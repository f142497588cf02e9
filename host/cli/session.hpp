// What `run` and `extract` share: a validated manifest, its plugins, the
// output folder with its log and resolved manifest, and the thread limits.
#pragma once

#include "cli/commands.hpp"
#include "manifest/manifest.hpp"
#include "plugins/registry.hpp"

#include <tbb/global_control.h>

#include <memory>

namespace grhost::cli {

struct Session {
  plugins::Registry registry;
  manifest::Manifest manifest;
  std::shared_ptr<tbb::global_control> thread_limit;
};

/// Loads and validates `path`; prints every manifest error and returns
/// nullptr on failure.
std::unique_ptr<Session> load_session(const std::string& path, const CommonOptions& common);

/// Also prepares the output folder (log file, manifest.resolved.yaml) and
/// the thread limits; prints why and returns nullptr on failure.
std::unique_ptr<Session> open_session(const std::string& path, const std::string& output_override,
                                      const CommonOptions& common);

}  // namespace grhost::cli
