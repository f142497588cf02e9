#include "manifest/convert.hpp"

#include "util/suggest.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>

namespace grhost::manifest {
namespace {

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  out = v;
  return true;
}

bool parse_float(const std::string& s, double& out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool parse_bool(const std::string& s, bool& out) {
  if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on") { out = true; return true; }
  if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off") { out = false; return true; }
  return false;
}

std::string number_text(double v) {
  std::string s = std::to_string(v);
  // Trim trailing zeros: 1.000000 -> 1, 0.500000 -> 0.5
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

bool check_bounds(double v, const FieldSpec& spec, const Position& pos, const std::string& what,
                  const std::string& text, Diagnostics& diags) {
  if (spec.has_min && v < spec.min_value) {
    diags.error(pos, what + " must be at least " + number_text(spec.min_value) + ", got " + text);
    return false;
  }
  if (spec.has_max && v > spec.max_value) {
    diags.error(pos, what + " must be at most " + number_text(spec.max_value) + ", got " + text);
    return false;
  }
  return true;
}

bool check_choice(const std::string& v, const FieldSpec& spec, const Position& pos, const std::string& what,
                  Diagnostics& diags) {
  if (spec.choices.empty()) return true;
  for (const std::string& c : spec.choices)
    if (c == v) return true;
  diags.error(pos, what + " must be one of " + join(spec.choices) + ", got '" + v + "'" + did_you_mean(v, spec.choices));
  return false;
}

// One scalar of an element type (INT, FLOAT, STRING, PATH, BOOL).
bool convert_scalar(const YAML::Node& node, grhost_option_type type, const FieldSpec& spec, const MapContext& ctx,
                    const std::string& what, Diagnostics& diags, Value& out) {
  const Position pos = position_of(node, ctx.file);
  if (!node.IsScalar()) {
    diags.error(pos, what + " must be " + type_phrase(type) + ", got a " + (node.IsMap() ? "map" : node.IsSequence() ? "list" : "null value"));
    return false;
  }
  const std::string text = node.Scalar();
  switch (type) {
    case GRHOST_OPTION_BOOL:
      if (!parse_bool(text, out.b)) {
        diags.error(pos, what + " must be a boolean (true or false), got '" + text + "'");
        return false;
      }
      return true;
    case GRHOST_OPTION_INT: {
      double as_float = 0;
      if (!parse_int(text, out.i)) {
        diags.error(pos, what + " must be an integer, got '" + text + "'" +
                             (parse_float(text, as_float) ? " (a number with a fractional part)" : ""));
        return false;
      }
      return check_bounds(static_cast<double>(out.i), spec, pos, what, text, diags);
    }
    case GRHOST_OPTION_FLOAT:
      if (!parse_float(text, out.f)) {
        diags.error(pos, what + " must be a finite number, got '" + text + "'");
        return false;
      }
      return check_bounds(out.f, spec, pos, what, text, diags);
    case GRHOST_OPTION_STRING:
      out.s = text;
      return check_choice(text, spec, pos, what, diags);
    case GRHOST_OPTION_PATH: {
      if (text.empty()) { out.s.clear(); return true; }  // an unset optional path
      std::filesystem::path p(text);
      out.s = p.is_absolute() ? p.lexically_normal().string() : (std::filesystem::path(ctx.base_dir) / p).lexically_normal().string();
      return true;
    }
    default:
      return false;
  }
}

grhost_option_type element_type(grhost_option_type t) {
  switch (t) {
    case GRHOST_OPTION_INT_LIST: return GRHOST_OPTION_INT;
    case GRHOST_OPTION_FLOAT_LIST: return GRHOST_OPTION_FLOAT;
    case GRHOST_OPTION_STRING_LIST: return GRHOST_OPTION_STRING;
    default: return t;
  }
}

bool is_list(grhost_option_type t) {
  return t == GRHOST_OPTION_INT_LIST || t == GRHOST_OPTION_FLOAT_LIST || t == GRHOST_OPTION_STRING_LIST;
}

}  // namespace

Position position_of(const YAML::Node& node, const std::string& file) {
  YAML::Mark m = node.Mark();
  Position p;
  p.file = file;
  p.line = m.line >= 0 ? m.line + 1 : 0;
  p.column = m.column >= 0 ? m.column + 1 : 0;
  return p;
}

bool convert_value(const YAML::Node& node, const FieldSpec& spec, const MapContext& ctx, Diagnostics& diags,
                   Value& out) {
  out.type = spec.type;
  out.pos = position_of(node, ctx.file);
  const std::string what = "'" + spec.name + "'" + (ctx.what.empty() ? "" : " in " + ctx.what);
  if (!is_list(spec.type)) return convert_scalar(node, spec.type, spec, ctx, what, diags, out);

  // A single scalar is accepted as a one-element list: `shots: 5` means [5].
  std::vector<YAML::Node> items;
  if (node.IsSequence()) {
    for (const auto& item : node) items.push_back(item);
    if (items.empty() && spec.default_yaml != "[]") {
      diags.error(out.pos, what + " must be a non-empty " + type_phrase(spec.type).substr(2) + ", got an empty list");
      return false;
    }
  } else if (node.IsScalar()) {
    items.push_back(node);
  } else {
    diags.error(out.pos, what + " must be " + type_phrase(spec.type) + ", got a " + (node.IsMap() ? "map" : "null value"));
    return false;
  }
  bool ok = true;
  for (size_t k = 0; k < items.size(); ++k) {
    Value element;
    const std::string item_what = what + " element " + std::to_string(k + 1);
    if (!convert_scalar(items[k], element_type(spec.type), spec, ctx, item_what, diags, element)) {
      ok = false;
      continue;
    }
    out.item_pos.push_back(position_of(items[k], ctx.file));
    if (spec.type == GRHOST_OPTION_INT_LIST) out.ints.push_back(element.i);
    else if (spec.type == GRHOST_OPTION_FLOAT_LIST) out.floats.push_back(element.f);
    else out.strings.push_back(element.s);
  }
  return ok;
}

std::map<std::string, Value> check_map(const YAML::Node& map, const std::vector<FieldSpec>& specs,
                                       const MapContext& ctx, Diagnostics& diags,
                                       const std::set<std::string>& handled_elsewhere) {
  std::map<std::string, Value> out;
  std::vector<std::string> names;
  for (const FieldSpec& s : specs) names.push_back(s.name);
  for (const std::string& h : handled_elsewhere) names.push_back(h);

  std::map<std::string, Position> seen;
  if (map.IsMap()) {
    for (const auto& kv : map) {
      const Position kpos = position_of(kv.first, ctx.file);
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      if (!kv.first.IsScalar()) {
        diags.error(kpos, "keys in " + ctx.what + " must be plain names");
        continue;
      }
      auto [it, inserted] = seen.emplace(key, kpos);
      if (!inserted) {
        diags.error(kpos, "duplicate key '" + key + "' in " + ctx.what + " (first at line " +
                              std::to_string(it->second.line) + ")");
        continue;
      }
      if (handled_elsewhere.count(key)) continue;
      const FieldSpec* spec = nullptr;
      for (const FieldSpec& s : specs)
        if (s.name == key) spec = &s;
      if (spec == nullptr) {
        std::string hint = did_you_mean(key, names);
        diags.error(kpos, "unknown key '" + key + "' in " + ctx.what + hint +
                              (hint.empty() ? "; expected one of: " + (names.empty() ? std::string("(no keys)") : join(names)) : ""));
        continue;
      }
      Value v;
      if (convert_value(kv.second, *spec, ctx, diags, v)) out[key] = std::move(v);
    }
  }
  for (const FieldSpec& s : specs) {
    if (seen.count(s.name)) continue;
    if (s.required) {
      diags.error(ctx.pos, ctx.what + " is missing the required key '" + s.name + "' (" + type_phrase(s.type) +
                               (s.description.empty() ? "" : ": " + s.description) + ")");
      continue;
    }
    // Defaults are checked like written values; a bad one is the plugin's bug.
    Value v;
    MapContext dctx = ctx;
    dctx.what = ctx.what + " (default of '" + s.name + "')";
    YAML::Node def;
    try {
      def = YAML::Load(s.default_yaml);
    } catch (const YAML::Exception& e) {
      diags.error(ctx.pos, "the default of '" + s.name + "' in " + ctx.what + " is not valid YAML: " + s.default_yaml);
      continue;
    }
    // An empty default means "unset" for strings and paths; YAML reads "" as null.
    if ((s.type == GRHOST_OPTION_PATH || s.type == GRHOST_OPTION_STRING) && s.default_yaml.empty()) def = YAML::Node(std::string());
    if (convert_value(def, s, dctx, diags, v)) {
      v.pos = ctx.pos;
      v.from_default = true;
      for (auto& p : v.item_pos) p = ctx.pos;
      out[s.name] = std::move(v);
    }
  }
  return out;
}

YAML::Node to_yaml(const Value& v) {
  YAML::Node n;
  switch (v.type) {
    case GRHOST_OPTION_BOOL: n = v.b; break;
    case GRHOST_OPTION_INT: n = v.i; break;
    case GRHOST_OPTION_FLOAT: n = v.f; break;
    case GRHOST_OPTION_STRING:
    case GRHOST_OPTION_PATH: n = v.s; break;
    // Lists start as sequences: an empty one is "[]", not a null node that
    // would break the emitted map around it.
    case GRHOST_OPTION_INT_LIST: n = YAML::Node(YAML::NodeType::Sequence); for (auto x : v.ints) n.push_back(x); break;
    case GRHOST_OPTION_FLOAT_LIST: n = YAML::Node(YAML::NodeType::Sequence); for (auto x : v.floats) n.push_back(x); break;
    case GRHOST_OPTION_STRING_LIST:
      n = YAML::Node(YAML::NodeType::Sequence);
      for (const auto& x : v.strings) n.push_back(x);
      break;
  }
  if (n.IsSequence()) n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

}  // namespace grhost::manifest
