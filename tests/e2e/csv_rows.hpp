// Reading results.csv back in tests (grhost's own fields hold no commas here).
#pragma once

#include "support/test_support.hpp"

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace grhost::test {

using CsvRow = std::map<std::string, std::string>;

inline std::vector<CsvRow> read_csv_rows(const std::string& path) {
  std::stringstream in(read_text(path));
  std::string line;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string f;
    while (std::getline(ss, f, ',')) out.push_back(f);
    if (!s.empty() && s.back() == ',') out.push_back("");
    return out;
  };
  std::getline(in, line);
  header = split(line);
  while (std::getline(in, line)) {
    auto fields = split(line);
    CsvRow r;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) r[header[i]] = fields[i];
    rows.push_back(r);
  }
  return rows;
}

}  // namespace grhost::test
