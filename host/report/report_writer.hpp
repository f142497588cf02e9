// The report: one self-contained report.html for a results folder. It holds
// the charting library (Vega, Vega-Lite and vega-embed, from the npm
// registry, copied beside the program at build time), grhost's page script
// and the run's own data (results.json, run.json, the resolved manifest), so
// it opens from disk with no network and can be rebuilt from an old run.
#pragma once

#include <string>

namespace grhost::report {

/// Where the page's assets are: GRHOST_REPORT_ASSETS if set, else
/// <prefix>/share/grhost/report beside the grhost program.
std::string assets_dir();

/// Writes `<results_dir>/report.html` atomically and returns its path.
/// Throws std::runtime_error naming the file that is missing or malformed.
std::string write_report(const std::string& results_dir);

}  // namespace grhost::report
