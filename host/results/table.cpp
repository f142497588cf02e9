#include "results/table.hpp"

#include <fmt/format.h>

#include <cmath>

namespace grhost::results {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string params_text(const Row& r) {
  std::string s;
  for (const auto& [k, v] : r.params) s += (s.empty() ? "" : ";") + k + "=" + v;
  return s;
}

}  // namespace

const std::vector<std::string>& csv_columns() {
  static const std::vector<std::string> cols = {"model", "dataset", "split", "task", "plugin", "params", "metric",
                                                "trial", "value", "mean",    "std",   "sem",  "n"};
  return cols;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

std::string rows_csv(const std::vector<Row>& rows) {
  std::string out;
  for (size_t i = 0; i < csv_columns().size(); ++i) out += (i ? "," : "") + csv_columns()[i];
  out += "\n";
  for (const Row& r : rows) {
    std::vector<std::string> f = {r.model, r.dataset, r.split, r.task, r.plugin, params_text(r), r.metric,
                                  r.trial ? std::to_string(*r.trial) : "", format_number(r.value)};
    if (r.is_summary) {
      f.push_back(format_number(r.mean));
      f.push_back(format_number(r.std));
      f.push_back(format_number(r.sem));
      f.push_back(std::to_string(r.n));
    } else {
      f.insert(f.end(), {"", "", "", ""});
    }
    for (size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + csv_field(f[i]);
    out += "\n";
  }
  return out;
}

nlohmann::json rows_json(const std::vector<Row>& rows) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Row& r : rows) {
    nlohmann::json j;
    j["model"] = r.model;
    j["dataset"] = r.dataset;
    j["split"] = r.split;
    j["task"] = r.task;
    j["plugin"] = r.plugin;
    // Kept as [name, value] pairs: the task's parameter order is meaningful.
    nlohmann::json p = nlohmann::json::array();
    for (const auto& [k, v] : r.params) p.push_back({k, v});
    j["params"] = p;
    j["metric"] = r.metric;
    j["trial"] = r.trial ? nlohmann::json(*r.trial) : nlohmann::json(nullptr);
    j["value"] = r.value;
    if (r.is_summary) {
      j["mean"] = r.mean;
      j["std"] = r.std;
      j["sem"] = r.sem;
      j["n"] = r.n;
    }
    arr.push_back(std::move(j));
  }
  return arr;
}

std::vector<Row> rows_from_json(const nlohmann::json& arr) {
  std::vector<Row> rows;
  for (const auto& j : arr) {
    Row r;
    r.model = j.at("model").get<std::string>();
    r.dataset = j.at("dataset").get<std::string>();
    r.split = j.at("split").get<std::string>();
    r.task = j.at("task").get<std::string>();
    r.plugin = j.at("plugin").get<std::string>();
    for (const auto& p : j.at("params")) r.params.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
    r.metric = j.at("metric").get<std::string>();
    if (!j.at("trial").is_null()) r.trial = j.at("trial").get<int64_t>();
    r.value = j.at("value").is_null() ? NAN : j.at("value").get<double>();
    r.is_summary = j.contains("mean");
    if (r.is_summary) {
      r.mean = j.at("mean").is_null() ? NAN : j.at("mean").get<double>();
      r.std = j.at("std").is_null() ? NAN : j.at("std").get<double>();
      r.sem = j.at("sem").is_null() ? NAN : j.at("sem").get<double>();
      r.n = j.at("n").get<int64_t>();
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string matrix_path(const Matrix& m) {
  std::string p = "matrices/" + m.task + "/" + m.dataset + "/";
  if (!m.model.empty()) p += m.model + "/";
  return p + m.name + ".npy";
}

}  // namespace grhost::results
