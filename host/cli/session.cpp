#include "cli/session.hpp"

#include "cli/logging.hpp"
#include "extract/extractor.hpp"
#include "io/atomic_file.hpp"
#include "manifest/diagnostics.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace grhost::cli {

std::unique_ptr<Session> load_session(const std::string& path, const CommonOptions& common) {
  auto s = std::make_unique<Session>();
  try {
    s->manifest = manifest::load_manifest(path, plugins::default_search_path(common.plugin_paths), s->registry);
    return s;
  } catch (const manifest::ManifestError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
    std::cerr << e.diagnostics().size() << (e.diagnostics().size() == 1 ? " error" : " errors") << " in " << path << "\n";
  } catch (const UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
  }
  return nullptr;
}

std::unique_ptr<Session> open_session(const std::string& path, const std::string& output_override,
                                      const CommonOptions& common) {
  auto s = load_session(path, common);
  if (!s) return nullptr;
  manifest::Manifest& m = s->manifest;
  if (!output_override.empty()) m.output = fs::absolute(output_override).lexically_normal().string();
  try {
    fs::create_directories(m.output);
  } catch (const std::exception& e) {
    std::cerr << "error: cannot create the output folder " << m.output << ": " << e.what() << "\n";
    return nullptr;
  }
  add_log_file(m.output + "/grhost.log");
  spdlog::info("'{}' from {} into {}", m.name, path, m.output);
  io::write_file_atomic(m.output + "/manifest.resolved.yaml", manifest::resolved_yaml(m));
  // Every TBB loop (host and plugins) and LibTorch's intra-op pool stay
  // within the manifest's threads.
  s->thread_limit = std::make_shared<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                          static_cast<size_t>(m.threads));
  extract::set_intra_op_threads(m.threads);
  return s;
}

}  // namespace grhost::cli
