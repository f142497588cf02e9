// grhost/options.hpp — declaring a component's options and reading them.
//
// A component lists its options as OptionSpec values; the host turns them
// into the manifest schema, validates the manifest, fills defaults, and hands
// the component an Options object in its constructor.
#pragma once

#include <grhost/error.hpp>

#include <string>
#include <vector>

namespace grhost {

/// One declared option. Build with the helpers below, e.g.
///   grhost::option_int("trials", "10", "trials per setting").min(1)
struct OptionSpec {
  std::string name;
  grhost_option_type type;
  bool required = false;
  std::string default_value;  // YAML text; ignored when required
  std::string choices;        // "a|b|c" or empty for any
  bool has_min = false, has_max = false;
  double min_value = 0, max_value = 0;
  std::string description;

  OptionSpec& min(double v) { has_min = true; min_value = v; return *this; }
  OptionSpec& max(double v) { has_max = true; max_value = v; return *this; }
  OptionSpec& one_of(std::string values) { choices = std::move(values); return *this; }
};

namespace detail {
inline OptionSpec make_option(std::string name, grhost_option_type type, const char* default_value,
                              std::string description) {
  OptionSpec o;
  o.name = std::move(name);
  o.type = type;
  o.required = default_value == nullptr;
  if (default_value != nullptr) o.default_value = default_value;
  o.description = std::move(description);
  return o;
}
}  // namespace detail

// Pass nullptr as the default to make an option required.
inline OptionSpec option_bool(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_BOOL, def, std::move(d)); }
inline OptionSpec option_int(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_INT, def, std::move(d)); }
inline OptionSpec option_float(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_FLOAT, def, std::move(d)); }
inline OptionSpec option_string(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_STRING, def, std::move(d)); }
inline OptionSpec option_path(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_PATH, def, std::move(d)); }
inline OptionSpec option_int_list(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_INT_LIST, def, std::move(d)); }
inline OptionSpec option_float_list(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_FLOAT_LIST, def, std::move(d)); }
inline OptionSpec option_string_list(std::string n, const char* def, std::string d) { return detail::make_option(std::move(n), GRHOST_OPTION_STRING_LIST, def, std::move(d)); }

/// Read access to an instance's validated options.
class Options {
 public:
  explicit Options(const grhost_options* raw) : raw_(raw) {}

  bool get_bool(const char* name) const { int32_t v = 0; check(host().option_bool(raw_, name, &v)); return v != 0; }
  int64_t get_int(const char* name) const { int64_t v = 0; check(host().option_int(raw_, name, &v)); return v; }
  double get_float(const char* name) const { double v = 0; check(host().option_float(raw_, name, &v)); return v; }
  /// STRING and PATH options.
  std::string get_string(const char* name) const { const char* v = nullptr; check(host().option_string(raw_, name, &v)); return v; }

  std::vector<int64_t> get_int_list(const char* name) const {
    std::vector<int64_t> out(static_cast<size_t>(list_size(name)));
    for (size_t i = 0; i < out.size(); ++i) check(host().option_int_at(raw_, name, static_cast<int64_t>(i), &out[i]));
    return out;
  }
  std::vector<double> get_float_list(const char* name) const {
    std::vector<double> out(static_cast<size_t>(list_size(name)));
    for (size_t i = 0; i < out.size(); ++i) check(host().option_float_at(raw_, name, static_cast<int64_t>(i), &out[i]));
    return out;
  }
  std::vector<std::string> get_string_list(const char* name) const {
    std::vector<std::string> out(static_cast<size_t>(list_size(name)));
    for (size_t i = 0; i < out.size(); ++i) {
      const char* v = nullptr;
      check(host().option_string_at(raw_, name, static_cast<int64_t>(i), &v));
      out[i] = v;
    }
    return out;
  }

 private:
  int64_t list_size(const char* name) const { int64_t n = 0; check(host().option_list_size(raw_, name, &n)); return n; }
  const grhost_options* raw_;
};

}  // namespace grhost
