// Fingerprints of dataset files for feature-cache keys: path, size and
// modification time, as make and ccache's direct mode do. Reading the bytes
// would be exact but costs a full pass over large datasets on every run.
#pragma once

#include <string>
#include <vector>

namespace grhost::datasets {

/// "N files, <hash of every path, size and mtime>"; a missing file throws.
std::string file_fingerprint(const std::vector<std::string>& files);

/// Joins `dir` and `name` ("dir/name").
std::string join_path(const std::string& dir, const std::string& name);

/// The first of `candidates` (names in `dir`) that exists, or throws naming all.
std::string first_existing(const std::string& dir, const std::vector<std::string>& candidates);

}  // namespace grhost::datasets
