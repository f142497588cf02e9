// The manifest's schema: one FieldSpec per key, whether the key is one of the
// host's own fields or an option a plugin component declared. Both are
// validated by the same code, so errors read the same everywhere.
#pragma once

#include <grhost/grhost.h>

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::manifest {

/// A place in the manifest, printed as FILE:LINE:COL (1-based).
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;
};

struct FieldSpec {
  std::string name;
  grhost_option_type type = GRHOST_OPTION_STRING;
  bool required = false;
  std::string default_yaml;          // used when not required and absent
  std::vector<std::string> choices;  // empty: any value
  bool has_min = false, has_max = false;
  double min_value = 0, max_value = 0;
  std::string description;
};

/// A validated value. Lists keep each element's position for later checks.
struct Value {
  grhost_option_type type = GRHOST_OPTION_STRING;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // STRING; PATH resolved against the manifest's folder
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;
  Position pos;                    // where the value was written (or the entry, for defaults)
  std::vector<Position> item_pos;  // per list element
  bool from_default = false;
};

/// "an integer", "a list of numbers", ... for messages.
std::string type_phrase(grhost_option_type type);

/// The schema of a plugin component's options, from its C declarations.
/// Throws std::runtime_error describing the first malformed declaration.
std::vector<FieldSpec> specs_from_options(const grhost_option* const* options, int64_t count);

}  // namespace grhost::manifest
