// Collects manifest errors so that one validation reports all of them, each
// as one line: FILE:LINE:COL: error: what is wrong, what was expected.
#pragma once

#include "manifest/schema.hpp"
#include "util/errors.hpp"

#include <string>
#include <vector>

namespace grhost::manifest {

struct Diagnostic {
  Position pos;
  std::string message;
  std::string str() const { return pos.str() + ": error: " + message; }
};

/// Thrown when a manifest has errors; what() holds every line.
class ManifestError : public UserError {
 public:
  explicit ManifestError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

class Diagnostics {
 public:
  void error(const Position& pos, std::string message) { list_.push_back({pos, std::move(message)}); }
  bool empty() const { return list_.empty(); }
  /// Throws ManifestError if any error was recorded.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> list_;
};

}  // namespace grhost::manifest
