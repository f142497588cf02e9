#include "results/job_cache.hpp"

#include "io/atomic_file.hpp"
#include "results/table.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace grhost::results {

std::string JobCache::path(const std::string& job) const {
  std::string flat = job;
  for (char& c : flat)
    if (c == '/') c = '~';  // ids cannot hold '~', so the mapping is one-to-one
  return dir_ + "/.jobs/" + flat + ".json";
}

std::optional<CachedJob> JobCache::load(const std::string& job, const std::string& key) const {
  const std::string p = path(job);
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(io::read_file(p));
    if (j.at("key").get<std::string>() != key) return std::nullopt;
    CachedJob c;
    c.rows = rows_from_json(j.at("rows"));
    c.matrix_files = j.at("matrices").get<std::vector<std::string>>();
    for (const std::string& f : c.matrix_files)
      if (!std::filesystem::exists(dir_ + "/" + f, ec)) return std::nullopt;
    return c;
  } catch (const std::exception& e) {
    spdlog::warn("{}: unreadable job cache ({}); the job runs again", p, e.what());
    return std::nullopt;
  }
}

void JobCache::store(const std::string& job, const std::string& key, const CachedJob& done) const {
  nlohmann::json j;
  j["key"] = key;
  j["rows"] = rows_json(done.rows);
  j["matrices"] = done.matrix_files;
  io::write_file_atomic(path(job), j.dump(1) + "\n");
}

}  // namespace grhost::results
