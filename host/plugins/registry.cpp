#include "plugins/registry.hpp"

#include "plugins/loader.hpp"
#include "util/errors.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace grhost::plugins {

void Registry::discover(const std::vector<SearchPath>& paths) {
  std::set<std::string> loaded;  // canonical paths, so a folder listed twice loads once
  for (const SearchPath& sp : paths) {
    std::error_code ec;
    std::vector<fs::path> libs;
    if (fs::is_directory(sp.path, ec)) {
      for (const auto& e : fs::directory_iterator(sp.path, ec))
        if (e.path().extension() == ".so" && fs::is_regular_file(e.path(), ec)) libs.push_back(e.path());
      std::sort(libs.begin(), libs.end());
    } else if (fs::is_regular_file(sp.path, ec)) {
      libs.push_back(sp.path);
    } else {
      spdlog::debug("plugin path {} (from {}) does not exist; skipped", sp.path, sp.origin);
      continue;
    }
    for (const fs::path& lib : libs) {
      std::string canonical = fs::weakly_canonical(lib, ec).string();
      if (!loaded.insert(canonical).second) continue;
      try {
        PluginFile pf = load_plugin(canonical);
        for (const auto& c : pf.components) {
          auto key = std::make_pair(static_cast<int>(c->kind), c->id);
          auto it = by_id_.find(key);
          if (it != by_id_.end()) {
            shadowed_.push_back(std::string(kind_name(c->kind)) + " '" + c->id + "' in " + canonical +
                                " is shadowed by the one in " + it->second->file() + " (earlier in the search path)");
            spdlog::warn("{}", shadowed_.back());
          } else {
            by_id_[key] = c.get();
          }
        }
        files_.push_back(std::move(pf));
      } catch (const PluginError& e) {
        refusals_.push_back({canonical, e.what()});
        spdlog::warn("plugin refused: {}", e.what());
      }
    }
  }
}

const Component* Registry::find(grhost_kind kind, const std::string& id) const {
  auto it = by_id_.find({static_cast<int>(kind), id});
  return it == by_id_.end() ? nullptr : it->second;
}

std::vector<std::string> Registry::ids(grhost_kind kind) const {
  std::vector<std::string> out;
  for (const auto& [key, c] : by_id_)
    if (key.first == static_cast<int>(kind)) out.push_back(key.second);
  return out;  // std::map keeps them sorted
}

std::vector<SearchPath> default_search_path(const std::vector<std::string>& cli_paths) {
  std::vector<SearchPath> out;
  for (const std::string& p : cli_paths) out.push_back({p, "--plugin-path"});
  if (const char* env = std::getenv("GRHOST_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ':'))
      if (!item.empty()) out.push_back({item, "GRHOST_PLUGIN_PATH"});
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back({(exe.parent_path().parent_path() / GRHOST_PLUGIN_SUBDIR).string(), "install prefix"});
  return out;
}

}  // namespace grhost::plugins
