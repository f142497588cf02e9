#include "support/test_support.hpp"

#include "io/atomic_file.hpp"
#include "io/npy.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <sys/wait.h>

namespace grhost::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "grhost-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

CommandResult run_shell(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

CommandResult run_grhost(const std::string& args) {
  // The plugin path is set explicitly so that tests never see plugins from
  // the developer's environment.
  return run_shell("env -u GRHOST_PLUGIN_PATH " GRHOST_TEST_BIN " " + args);
}

void write_text(const std::string& path, const std::string& text) { io::write_file_atomic(path, text); }
std::string read_text(const std::string& path) { return io::read_file(path); }

void write_features(const std::string& path, const std::vector<float>& data, int64_t rows, int64_t dim) {
  io::write_npy(path, io::DType::float32, {rows, dim}, data.data());
}

void write_labels(const std::string& path, const std::vector<int64_t>& labels) {
  io::write_npy(path, io::DType::int64, {static_cast<int64_t>(labels.size())}, labels.data());
}

void write_split(const std::string& dir, const std::string& split, const std::vector<float>& features, int64_t dim,
                 const std::vector<int64_t>& labels) {
  write_features(dir + "/" + split + ".npy", features, static_cast<int64_t>(features.size()) / dim, dim);
  write_labels(dir + "/" + split + "_labels.npy", labels);
}

}  // namespace grhost::test
