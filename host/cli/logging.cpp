#include "cli/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace grhost::cli {

void setup_logging(const std::string& level) {
  // Logs go to stderr: stdout carries command output (plugin lists, paths).
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("grhost", console);
  logger->set_pattern("%^[%H:%M:%S %l]%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void add_log_file(const std::string& path) {
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
  file->set_pattern("[%Y-%m-%d %H:%M:%S.%e %l] %v");
  file->set_level(spdlog::level::debug);
  spdlog::default_logger()->sinks().push_back(file);
  spdlog::default_logger()->flush_on(spdlog::level::info);
}

}  // namespace grhost::cli
