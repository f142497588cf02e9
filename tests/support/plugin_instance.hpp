// Making an instance of one plugin component straight from a YAML options
// map, to test a plugin's calls without a whole manifest.
#pragma once

#include "plugins/instance.hpp"
#include "plugins/registry.hpp"

#include <memory>
#include <string>

namespace grhost::test {

struct ComponentUnderTest {
  plugins::Registry registry;
  std::unique_ptr<plugins::Instance> instance;
  const plugins::Component& component() const { return instance->component(); }
};

/// Loads the shipped plugins, validates `options_yaml` ("{root: /x}") against
/// the component's schema (throwing ManifestError on a bad value) and
/// creates the instance (throwing PluginError if create fails).
std::unique_ptr<ComponentUnderTest> make_component(grhost_kind kind, const std::string& id, const std::string& options_yaml);

}  // namespace grhost::test
