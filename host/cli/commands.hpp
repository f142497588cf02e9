// The grhost subcommands. Each returns the process exit code:
// 0 success, 1 a job or plugin failed, 2 bad input (manifest, arguments).
#pragma once

#include <string>
#include <vector>

namespace grhost::cli {

struct CommonOptions {
  std::vector<std::string> plugin_paths;  // --plugin-path, in order
};

int run_command(const std::string& manifest, const std::string& output_override, const CommonOptions& common);
int extract_command(const std::string& manifest, const std::string& output_override, const CommonOptions& common);
int validate_command(const std::string& manifest, const CommonOptions& common);
int plugins_command(bool details, const CommonOptions& common);
int report_command(const std::string& results_dir);

}  // namespace grhost::cli
