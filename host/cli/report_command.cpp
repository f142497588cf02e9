#include "cli/commands.hpp"
#include "report/report_writer.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <stdexcept>

namespace grhost::cli {

// The report of a finished run's results folder (an old one too): its data
// comes from the folder's files alone.
int report_command(const std::string& results_dir) {
  try {
    std::cout << report::write_report(results_dir) << "\n";
    return 0;
  } catch (const std::runtime_error& e) {
    spdlog::error("report: {}", e.what());
    return 2;
  }
}

}  // namespace grhost::cli
