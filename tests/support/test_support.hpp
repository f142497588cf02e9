// Helpers shared by the tests: temporary folders, running the grhost
// program, writing small .npy inputs and manifests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::test {

/// A fresh folder under the system temp dir, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

/// Runs a shell command, capturing its output.
CommandResult run_shell(const std::string& command);

/// Runs the grhost program with `args` (already shell-quoted as needed).
CommandResult run_grhost(const std::string& args);

void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

void write_features(const std::string& path, const std::vector<float>& data, int64_t rows, int64_t dim);
void write_labels(const std::string& path, const std::vector<int64_t>& labels);

/// `{split}.npy` (rows x dim features) and `{split}_labels.npy` in `dir`, the
/// layout the tests' manifests point features-npy at.
void write_split(const std::string& dir, const std::string& split, const std::vector<float>& features, int64_t dim,
                 const std::vector<int64_t>& labels);

}  // namespace grhost::test
