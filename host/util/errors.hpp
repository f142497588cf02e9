// The host's error types. Every message is one line that names where the
// problem is (a file, a manifest position, a plugin) and what was expected.
#pragma once

#include <stdexcept>
#include <string>

namespace grhost {

/// Anything the user can fix: a bad manifest, a missing file, bad data.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A plugin refused to load, or one of its calls failed.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace grhost
