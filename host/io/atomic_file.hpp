// Writing files so that a crash never leaves a half-written one: write to a
// temporary name in the same folder, flush, then rename over the target.
#pragma once

#include <string>

namespace grhost::io {

/// Writes `contents` to `path` atomically, creating parent folders.
/// Throws std::runtime_error naming the path on failure.
void write_file_atomic(const std::string& path, const std::string& contents);

/// Reads a whole file; throws std::runtime_error naming the path on failure.
std::string read_file(const std::string& path);

}  // namespace grhost::io
