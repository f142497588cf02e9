#include "cli/commands.hpp"
#include "manifest/schema.hpp"
#include "plugins/registry.hpp"

#include <fmt/format.h>

#include <iostream>

namespace grhost::cli {

int plugins_command(bool details, const CommonOptions& common) {
  plugins::Registry registry;
  const auto search = plugins::default_search_path(common.plugin_paths);
  registry.discover(search);

  std::cout << "search path:\n";
  for (const auto& sp : search) std::cout << "  " << sp.path << "  (" << sp.origin << ")\n";
  std::cout << fmt::format("\n{:<8} {:<24} {:<10} {:<5} {}\n", "KIND", "ID", "VERSION", "SDK", "FILE");
  for (const auto& file : registry.files()) {
    for (const auto& c : file.components) {
      std::cout << fmt::format("{:<8} {:<24} {:<10} {:<5} {}\n", plugins::kind_name(c->kind), c->id, c->version,
                               fmt::format("{}.{}", file.sdk_major, file.sdk_minor), file.path);
      if (!details) continue;
      if (!c->description.empty()) std::cout << "         " << c->description << "\n";
      for (const auto& o : c->options)
        std::cout << fmt::format("         - {}: {}{}{}. {}\n", o.name, manifest::type_phrase(o.type),
                                 o.required ? ", required" : ", default " + (o.default_yaml.empty() ? std::string("none") : o.default_yaml),
                                 o.choices.empty() ? "" : ", one of " + fmt::format("{}", fmt::join(o.choices, "|")),
                                 o.description);
    }
  }
  for (const auto& s : registry.shadowed()) std::cout << "shadowed: " << s << "\n";
  if (!registry.refusals().empty()) {
    std::cout << "\nrefused:\n";
    for (const auto& r : registry.refusals()) std::cout << "  " << r.reason << "\n";
  }
  return 0;
}

}  // namespace grhost::cli
