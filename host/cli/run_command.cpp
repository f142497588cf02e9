#include "analyse/task_runner.hpp"
#include "cli/commands.hpp"
#include "cli/session.hpp"
#include "extract/feature_store.hpp"
#include "io/atomic_file.hpp"
#include "plan/plan.hpp"
#include "plugins/loader.hpp"
#include "report/report_writer.hpp"
#include "results/job_cache.hpp"
#include "results/table.hpp"
#include "util/errors.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <set>

namespace fs = std::filesystem;

namespace grhost::cli {
namespace {

std::string iso_now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

nlohmann::json plugin_json(const plugins::Component& c, const plugins::Registry& registry) {
  nlohmann::json j{{"kind", plugins::kind_name(c.kind)}, {"id", c.id}, {"version", c.version}, {"file", c.file()}};
  for (const auto& f : registry.files())
    if (f.path == c.file()) {
      j["sdk"] = std::to_string(f.sdk_major) + "." + std::to_string(f.sdk_minor);
      j["library"] = f.name;
      j["build_stamp"] = f.build_stamp;
    }
  return j;
}

}  // namespace

int validate_command(const std::string& path, const CommonOptions& common) {
  auto session = load_session(path, common);
  if (!session) return 2;
  const manifest::Manifest* m = &session->manifest;
  std::cout << path << ": valid: " << m->datasets.size() << " datasets, " << m->models.size() << " models, "
            << m->tasks.size() << " tasks, " << plan::make_plan(*m).size() << " jobs\n";
  return 0;
}

int run_command(const std::string& path, const std::string& output_override, const CommonOptions& common) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string started = iso_now();
  auto session = open_session(path, output_override, common);
  if (!session) return 2;
  manifest::Manifest& m = session->manifest;
  const plugins::Registry& registry = session->registry;
  extract::FeatureStore store(m);
  analyse::TaskRunner runner(m, store);
  results::JobCache cache(m.output);
  const auto jobs = plan::make_plan(m);

  std::vector<results::Row> rows;
  nlohmann::json job_log = nlohmann::json::array();
  size_t failed = 0, reused = 0;
  for (size_t k = 0; k < jobs.size(); ++k) {
    const plan::Job& job = jobs[k];
    const auto j0 = std::chrono::steady_clock::now();
    nlohmann::json entry{{"job", job.name}};
    try {
      const std::string key = runner.cache_key(job);
      entry["key"] = key;
      if (auto hit = cache.load(job.name, key)) {
        rows.insert(rows.end(), hit->rows.begin(), hit->rows.end());
        entry["status"] = "reused";
        ++reused;
        spdlog::info("[{}/{}] {}: reused from an earlier run", k + 1, jobs.size(), job.name);
      } else {
        spdlog::info("[{}/{}] {}: running", k + 1, jobs.size(), job.name);
        const auto t_task = std::chrono::steady_clock::now();
        grhost_results out = runner.run(job);
        // The analysis alone, without reading or extracting features.
        entry["task_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_task).count();
        results::CachedJob done{out.rows, {}};
        for (const auto& mat : out.matrices) {
          std::string rel = results::matrix_path(mat);
          io::write_file_atomic(m.output + "/" + rel, mat.npy);
          done.matrix_files.push_back(rel);
        }
        cache.store(job.name, key, done);
        rows.insert(rows.end(), out.rows.begin(), out.rows.end());
        entry["status"] = "done";
      }
    } catch (const std::exception& e) {
      // One failing job does not stop an overnight run; it is reported and
      // the exit code says so.
      spdlog::error("[{}/{}] {}: {}", k + 1, jobs.size(), job.name, e.what());
      entry["status"] = "failed";
      entry["error"] = e.what();
      ++failed;
    }
    entry["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - j0).count();
    job_log.push_back(entry);
    // Free a dataset's features once no later job uses it.
    if (k + 1 == jobs.size() || jobs[k + 1].dataset != job.dataset) {
      bool later = false;
      for (size_t l = k + 1; l < jobs.size(); ++l) later = later || jobs[l].dataset == job.dataset;
      if (!later) store.release(*job.dataset);
    }
  }

  io::write_file_atomic(m.output + "/results.csv", results::rows_csv(rows));
  io::write_file_atomic(m.output + "/results.json", results::rows_json(rows).dump(1) + "\n");

  nlohmann::json run;
  run["grhost_version"] = GRHOST_VERSION;
  run["sdk_version"] = std::to_string(GRHOST_SDK_VERSION_MAJOR) + "." + std::to_string(GRHOST_SDK_VERSION_MINOR);
  run["torch_build_stamp"] = plugins::host_build_stamp();
  run["manifest"] = fs::absolute(path).lexically_normal().string();
  run["name"] = m.name;
  run["seed"] = m.seed;
  run["threads"] = m.threads;
  run["started"] = started;
  run["finished"] = iso_now();
  run["wall_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::json used = nlohmann::json::array();
  std::set<const plugins::Component*> seen;
  for (const auto* list : {&m.datasets, &m.models, &m.tasks})
    for (const auto& e : *list)
      if (e.component != nullptr && seen.insert(e.component).second) used.push_back(plugin_json(*e.component, registry));
  run["plugins"] = used;
  run["jobs"] = job_log;
  io::write_file_atomic(m.output + "/run.json", run.dump(1) + "\n");

  spdlog::info("{} jobs: {} run, {} reused, {} failed; results in {}", jobs.size(), jobs.size() - reused - failed,
               reused, failed, m.output);
  // The headline numbers on the terminal, so a short run needs no CSV viewer:
  // summaries and single values, not single trials or per-epoch curves.
  for (const auto& r : rows) {
    bool per_epoch = false;
    std::string params;
    for (const auto& [k, v] : r.params) {
      per_epoch = per_epoch || k == "epoch";
      params += (params.empty() ? "" : " ") + k + "=" + v;
    }
    if (r.trial || per_epoch) continue;
    std::cout << fmt::format("{:<16} {:<16} {:<18} {:<32} {} = {:.4f}", r.task, r.model, r.dataset, params, r.metric,
                             r.is_summary ? r.mean : r.value);
    if (r.is_summary) std::cout << fmt::format(" ± {:.4f} (SEM, n={})", r.sem, r.n);
    std::cout << "\n";
  }
  std::cout << m.output << "/results.csv\n";
  // The report last: a run whose report cannot be written (no page assets
  // installed) has still computed everything, so this only warns.
  try {
    std::cout << report::write_report(m.output) << "\n";
  } catch (const std::runtime_error& e) {
    spdlog::warn("no report: {}", e.what());
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace grhost::cli
