// Logging: the terminal always, and the run's log file once its output
// folder is known.
#pragma once

#include <string>

namespace grhost::cli {

/// Terminal logging at `level` ("debug", "info", "warn", "error").
void setup_logging(const std::string& level);

/// Also log to `path` (appending: a resumed run keeps its history).
void add_log_file(const std::string& path);

}  // namespace grhost::cli
