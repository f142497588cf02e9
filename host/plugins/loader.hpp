// Loading one plugin library and checking everything it declares before any
// of its code runs beyond the entry point: versions, struct sizes, required
// functions, option schemas and the LibTorch build stamp.
#pragma once

#include "plugins/component.hpp"

#include <string>

namespace grhost::plugins {

/// The build stamp of this host ("torch=1.13.0;cxx11abi=1").
const std::string& host_build_stamp();

/// Loads and checks `path`. Throws PluginError whose message starts with the
/// file and says why it was refused and what would fix it.
PluginFile load_plugin(const std::string& path);

}  // namespace grhost::plugins
