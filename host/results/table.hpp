// Result rows as results.csv (tidy, one row per line, for pandas or R) and
// as JSON (results.json and the per-job caches). Numbers are written in the
// shortest form that reads back to the same double, so reruns are
// byte-identical.
#pragma once

#include "results/row.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace grhost::results {

/// The CSV's columns, in order.
const std::vector<std::string>& csv_columns();

std::string rows_csv(const std::vector<Row>& rows);
nlohmann::json rows_json(const std::vector<Row>& rows);
/// Throws std::runtime_error if `j` is not what rows_json wrote.
std::vector<Row> rows_from_json(const nlohmann::json& j);

/// Shortest round-trip text of a double ("0.8", "1e-05", "nan").
std::string format_number(double v);

/// Where a matrix goes, relative to the run's output folder.
std::string matrix_path(const Matrix& m);

}  // namespace grhost::results
