#include "text_lines.hpp"

#include <grhost/error.hpp>

#include <fstream>

namespace grhost::datasets {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open", GRHOST_NOT_FOUND);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in.bad()) throw Error(path + ": cannot read", GRHOST_IO_ERROR);
  return lines;
}

}  // namespace grhost::datasets
