#include "report/report_writer.hpp"

#include "io/atomic_file.hpp"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace grhost::report {
namespace fs = std::filesystem;
namespace {

// The libraries and grhost's own page code, in the order the page loads them.
const char* const kScripts[] = {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "report.js"};

// JSON inside <script>: "</script" would end the element early; "<\/" is
// the same JSON string.
std::string json_in_script(const nlohmann::json& j) {
  std::string s = j.dump();
  for (size_t p = s.find("</"); p != std::string::npos; p = s.find("</", p + 3)) s.replace(p, 2, "<\\/");
  return s;
}

// A script's code goes in as it is ("</" in a regex literal must stay), so
// one that holds "</script" is refused rather than broken.
std::string script_code(const std::string& path) {
  std::string code = io::read_file(path);
  std::string lower = code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.find("</script") != std::string::npos)
    throw std::runtime_error(path + ": holds '</script', which cannot be inlined into the page");
  return code;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

nlohmann::json read_json(const std::string& path) {
  try {
    return nlohmann::json::parse(io::read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + e.what() + ")");
  }
}

// Each model's id and family, in the manifest's order (the report orders
// and colours models by them).
nlohmann::json models(const std::string& manifest_text, const std::string& path) {
  nlohmann::json out = nlohmann::json::array();
  try {
    const YAML::Node root = YAML::Load(manifest_text);
    for (const auto& m : root["models"]) {
      const std::string family = m["family"] ? m["family"].as<std::string>() : "vision";
      out.push_back({{"id", m["id"].as<std::string>()}, {"family", family.empty() ? "vision" : family}});
    }
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(path + ": cannot read the models' families (" + e.what() + ")");
  }
  return out;
}

}  // namespace

std::string assets_dir() {
  if (const char* env = std::getenv("GRHOST_REPORT_ASSETS"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return (exe.parent_path().parent_path() / "share" / "grhost" / "report").string();
}

std::string write_report(const std::string& results_dir) {
  const fs::path dir(results_dir);
  const std::string results_path = (dir / "results.json").string();
  if (!fs::exists(results_path))
    throw std::runtime_error(results_path + ": not found; a report is made from a run's results folder");
  nlohmann::json data;
  data["rows"] = read_json(results_path);
  const fs::path run_path = dir / "run.json";
  data["run"] = fs::exists(run_path) ? read_json(run_path.string()) : nlohmann::json::object();
  const fs::path manifest_path = dir / "manifest.resolved.yaml";
  const std::string manifest = fs::exists(manifest_path) ? io::read_file(manifest_path.string()) : "";
  data["manifest"] = manifest;
  data["models"] = models(manifest, manifest_path.string());

  const std::string assets = assets_dir();
  std::string title = data["run"].value("name", std::string("grhost run"));
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
                     " — grhost report</title>\n<style>\n" + io::read_file(assets + "/report.css") + "</style>\n";
  for (const char* s : kScripts) {
    const std::string path = assets + "/" + s;
    if (!fs::exists(path))
      throw std::runtime_error(path + ": the report's script is missing (build grhost, or set GRHOST_REPORT_ASSETS)");
    html += "<script>\n" + script_code(path) + "\n</script>\n";
  }
  html += "</head>\n<body>\n<div id=\"report\"></div>\n<script type=\"application/json\" id=\"grhost-data\">" +
          json_in_script(data) + "</script>\n<script>grhostReport(document.getElementById('report'), "
          "JSON.parse(document.getElementById('grhost-data').textContent));</script>\n</body>\n</html>\n";
  const std::string out = (dir / "report.html").string();
  io::write_file_atomic(out, html);
  return out;
}

}  // namespace grhost::report
