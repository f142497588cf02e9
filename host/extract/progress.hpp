// Progress of a long step: a live bar (count, images/s, ETA) on a terminal,
// and a log line every `log_every` seconds otherwise (CI, nohup, Slurm).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace grhost::extract {

class Progress {
 public:
  /// `unit` names what is counted ("images"; a task's steps count "items").
  Progress(std::string label, int64_t total, int64_t already_done = 0, double log_every = 10.0,
           std::string unit = "images");
  /// `n` more items are done; thread-safe.
  void advance(int64_t n);
  /// Ends the bar with a summary line.
  void finish();

 private:
  void render(bool final);
  std::string label_, unit_;
  int64_t total_, done_, start_done_;
  double log_every_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
  std::mutex mutex_;
};

}  // namespace grhost::extract
