// Checking YAML nodes against FieldSpecs: types, bounds, choices, unknown and
// duplicate keys, required fields. Errors go to Diagnostics with positions.
#pragma once

#include "manifest/diagnostics.hpp"
#include "manifest/schema.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <string>

namespace grhost::manifest {

/// The 1-based position of a node in `file`.
Position position_of(const YAML::Node& node, const std::string& file);

/// What a map is, for messages: "task 'few-shot' options", "the top level".
struct MapContext {
  std::string file;
  std::string what;
  std::string base_dir;  // relative paths are resolved against it
  Position pos;          // the map's own position, for missing fields
};

/// Checks `map`'s keys against `specs`: unknown keys (with a did-you-mean),
/// duplicate keys, missing required fields; converts every present or
/// defaulted value. Keys in `handled_elsewhere` are skipped silently.
std::map<std::string, Value> check_map(const YAML::Node& map, const std::vector<FieldSpec>& specs,
                                       const MapContext& ctx, Diagnostics& diags,
                                       const std::set<std::string>& handled_elsewhere = {});

/// Converts one value; returns false (after recording an error) if invalid.
bool convert_value(const YAML::Node& node, const FieldSpec& spec, const MapContext& ctx, Diagnostics& diags,
                   Value& out);

/// The value as YAML text, for the resolved manifest.
YAML::Node to_yaml(const Value& v);

}  // namespace grhost::manifest
