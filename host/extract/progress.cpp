#include "extract/progress.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <unistd.h>

namespace grhost::extract {
namespace {
std::string clock_text(double seconds) {
  auto s = static_cast<int64_t>(seconds + 0.5);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
}
}  // namespace

Progress::Progress(std::string label, int64_t total, int64_t already_done, double log_every, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      done_(already_done),
      start_done_(already_done),
      log_every_(log_every),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::advance(int64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += n;
  auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  if ((tty_ && since > 0.2) || (!tty_ && since > log_every_)) {
    last_ = now;
    render(false);
  }
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  render(true);
}

void Progress::render(bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_ - start_done_) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
  const int width = 24;
  const int filled = total_ > 0 ? static_cast<int>(width * done_ / total_) : width;
  const std::string line =
      fmt::format("{} [{}{}] {}/{} {}, {:.1f} {}/s, {} {}", label_, std::string(filled, '#'),
                  std::string(width - filled, '.'), done_, total_, unit_, rate, unit_, final ? "took" : "ETA",
                  clock_text(final ? elapsed : eta));
  if (tty_) {
    std::fprintf(stderr, "\r%s\033[K%s", line.c_str(), final ? "\n" : "");
    std::fflush(stderr);
    if (final) spdlog::debug("{}", line);
  } else {
    spdlog::info("{}", line);
  }
}

}  // namespace grhost::extract
