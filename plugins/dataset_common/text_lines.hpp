// Reading the small text files that describe datasets (class lists, split
// lists, label CSVs), line by line.
#pragma once

#include <string>
#include <vector>

namespace grhost::datasets {

/// The lines of a text file without their endings ("\n" or "\r\n"), so
/// lines[i] is line i + 1 in error messages. Throws naming the file if it
/// cannot be read.
std::vector<std::string> read_lines(const std::string& path);

}  // namespace grhost::datasets
