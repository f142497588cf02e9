#include "support/plugin_instance.hpp"

#include "manifest/convert.hpp"

#include <stdexcept>

namespace grhost::test {

std::unique_ptr<ComponentUnderTest> make_component(grhost_kind kind, const std::string& id, const std::string& options_yaml) {
  auto out = std::make_unique<ComponentUnderTest>();
  out->registry.discover({{GRHOST_TEST_PLUGIN_DIR, "test"}});
  const plugins::Component* c = out->registry.find(kind, id);
  if (c == nullptr) throw std::runtime_error("no component " + id);
  manifest::Diagnostics diags;
  manifest::MapContext ctx{"(test)", "options of " + id, "/", {"(test)", 1, 1}};
  grhost_options options;
  options.owner = id;
  options.values = manifest::check_map(YAML::Load(options_yaml), c->options, ctx, diags);
  diags.throw_if_any();
  out->instance = std::make_unique<plugins::Instance>(*c, std::move(options));
  return out;
}

}  // namespace grhost::test
