// grhost: evaluate what vision and vision-language models have learned.
#include "cli/commands.hpp"
#include "cli/logging.hpp"
#include "plugins/loader.hpp"

#include <grhost/grhost.h>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"grhost: few-shot, clustering, linear-probe, robustness and RSA analyses of vision models"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("grhost ") + GRHOST_VERSION + " (plugin SDK " +
                           std::to_string(GRHOST_SDK_VERSION_MAJOR) + "." + std::to_string(GRHOST_SDK_VERSION_MINOR) +
                           ", " + grhost::plugins::host_build_stamp() + ")");
  grhost::cli::CommonOptions common;
  std::string log_level = "info";
  app.add_option("--plugin-path", common.plugin_paths,
                 "Folder or library searched for plugins, after the manifest's plugin_paths (repeatable)");
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));

  std::string manifest, output;
  auto* run = app.add_subcommand("run", "Run an experiment manifest; results go to its output folder")->fallthrough();
  run->add_option("manifest", manifest, "The experiment's YAML manifest")->required();
  run->add_option("-o,--output", output, "Output folder (overrides the manifest's 'output')");

  auto* extract = app.add_subcommand("extract", "Compute (or take from the cache) every model's features on every "
                                                "dataset split, and export them as .npy")->fallthrough();
  extract->add_option("manifest", manifest, "The experiment's YAML manifest")->required();
  extract->add_option("-o,--output", output, "Output folder (overrides the manifest's 'output')");

  auto* validate = app.add_subcommand("validate", "Check a manifest and its plugins without running anything")->fallthrough();
  validate->add_option("manifest", manifest, "The experiment's YAML manifest")->required();

  bool details = false;
  auto* plugins = app.add_subcommand("plugins", "List every plugin found: kind, id, version, SDK version, file")->fallthrough();
  plugins->add_flag("--details", details, "Also list each component's options");

  std::string results_dir;
  auto* report = app.add_subcommand("report", "Write report.html (figures, tables, the run's metadata) for a results folder");
  report->add_option("results_dir", results_dir, "A run's output folder (holding results.json)")->required();

  CLI11_PARSE(app, argc, argv);
  grhost::cli::setup_logging(log_level);
  try {
    if (*run) return grhost::cli::run_command(manifest, output, common);
    if (*extract) return grhost::cli::extract_command(manifest, output, common);
    if (*validate) return grhost::cli::validate_command(manifest, common);
    if (*plugins) return grhost::cli::plugins_command(details, common);
    if (*report) return grhost::cli::report_command(results_dir);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
