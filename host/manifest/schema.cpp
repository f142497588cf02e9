#include "manifest/schema.hpp"

#include <sstream>
#include <stdexcept>

namespace grhost::manifest {

std::string Position::str() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string type_phrase(grhost_option_type type) {
  switch (type) {
    case GRHOST_OPTION_BOOL: return "a boolean (true or false)";
    case GRHOST_OPTION_INT: return "an integer";
    case GRHOST_OPTION_FLOAT: return "a number";
    case GRHOST_OPTION_STRING: return "a string";
    case GRHOST_OPTION_PATH: return "a file path";
    case GRHOST_OPTION_INT_LIST: return "a list of integers";
    case GRHOST_OPTION_FLOAT_LIST: return "a list of numbers";
    case GRHOST_OPTION_STRING_LIST: return "a list of strings";
  }
  return "an unknown type";
}

std::vector<FieldSpec> specs_from_options(const grhost_option* const* options, int64_t count) {
  std::vector<FieldSpec> out;
  for (int64_t i = 0; i < count; ++i) {
    const grhost_option& o = *options[i];
    if (o.name == nullptr || *o.name == '\0') throw std::runtime_error("option #" + std::to_string(i) + " has no name");
    if (o.type < GRHOST_OPTION_BOOL || o.type > GRHOST_OPTION_STRING_LIST)
      throw std::runtime_error("option '" + std::string(o.name) + "' has unknown type " + std::to_string(o.type));
    FieldSpec s;
    s.name = o.name;
    s.type = o.type;
    s.required = o.default_value == nullptr;
    if (!s.required) s.default_yaml = o.default_value;
    if (o.choices != nullptr) {
      std::stringstream ss(o.choices);
      std::string c;
      while (std::getline(ss, c, '|'))
        if (!c.empty()) s.choices.push_back(c);
    }
    s.has_min = o.has_min != 0;
    s.has_max = o.has_max != 0;
    s.min_value = o.min_value;
    s.max_value = o.max_value;
    s.description = o.description != nullptr ? o.description : "";
    for (const FieldSpec& prev : out)
      if (prev.name == s.name) throw std::runtime_error("option '" + s.name + "' is declared twice");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace grhost::manifest
