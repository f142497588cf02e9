#include "extract/feature_cache.hpp"
#include "manifest/convert.hpp"
#include "manifest/diagnostics.hpp"
#include "manifest/manifest.hpp"
#include "util/suggest.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace grhost::manifest {
namespace {

FieldSpec field(std::string name, grhost_option_type type, const char* def, std::string description,
                std::vector<std::string> choices = {}) {
  FieldSpec s;
  s.name = std::move(name);
  s.type = type;
  s.required = def == nullptr;
  if (def != nullptr) s.default_yaml = def;
  s.description = std::move(description);
  s.choices = std::move(choices);
  return s;
}

FieldSpec bounded(FieldSpec s, double lo, double hi) {
  s.has_min = s.has_max = true;
  s.min_value = lo;
  s.max_value = hi;
  return s;
}

// The host's own fields: the top level and the three entry kinds.
const std::vector<FieldSpec>& top_level_specs() {
  static const std::vector<FieldSpec> specs = {
      bounded(field("grhost", GRHOST_OPTION_INT, "1", "manifest format version"), 1, 1),
      field("name", GRHOST_OPTION_STRING, "experiment", "the experiment's name"),
      bounded(field("seed", GRHOST_OPTION_INT, "0", "seed of every random choice"), 0, 9.2e18),
      bounded(field("threads", GRHOST_OPTION_INT, "0", "threads to use; 0 means all cores"), 0, 4096),
      field("output", GRHOST_OPTION_STRING, "runs/{name}", "results folder, relative to the manifest"),
      field("plugin_paths", GRHOST_OPTION_STRING_LIST, "[]", "folders or files searched for plugins first"),
      field("cache", GRHOST_OPTION_STRING, "", "feature cache folder; empty: $GRHOST_CACHE_DIR or ~/.cache/grhost"),
      bounded(field("cache_chunk_rows", GRHOST_OPTION_INT, "1024", "rows per feature-cache chunk"), 1, 1 << 24),
  };
  return specs;
}

const std::vector<FieldSpec>& entry_specs(grhost_kind kind) {
  static const std::vector<FieldSpec> dataset = {
      field("id", GRHOST_OPTION_STRING, nullptr, "the dataset's name in results"),
      field("plugin", GRHOST_OPTION_STRING, "", "dataset plugin id; omit when every model serves stored features"),
      field("classes", GRHOST_OPTION_STRING_LIST, "[]", "class names, for a dataset without plugin"),
      field("train_split", GRHOST_OPTION_STRING, "train", "the split tasks learn from"),
      field("test_split", GRHOST_OPTION_STRING, "test", "the split tasks evaluate on"),
  };
  static const std::vector<FieldSpec> model = {
      field("id", GRHOST_OPTION_STRING, nullptr, "the model's name in results"),
      field("plugin", GRHOST_OPTION_STRING, nullptr, "model plugin id"),
      field("family", GRHOST_OPTION_STRING, "vision", "for the report's colours",
            {"vision", "vision-language", "language"}),
      bounded(field("batch_size", GRHOST_OPTION_INT, "64", "images per forward pass when extracting"), 1, 65536),
  };
  static const std::vector<FieldSpec> task = {
      field("id", GRHOST_OPTION_STRING, "", "the task's name in results; defaults to the plugin id"),
      field("plugin", GRHOST_OPTION_STRING, nullptr, "task plugin id"),
      field("attacks", GRHOST_OPTION_STRING_LIST, "[]",
            "for tasks that attack models (robustness): ids from the manifest's 'attacks' list; empty: all of them"),
  };
  static const std::vector<FieldSpec> attack = {
      field("id", GRHOST_OPTION_STRING, "", "the attack's name in results; defaults to the plugin id"),
      field("plugin", GRHOST_OPTION_STRING, nullptr, "attack plugin id"),
  };
  switch (kind) {
    case GRHOST_KIND_DATASET: return dataset;
    case GRHOST_KIND_MODEL: return model;
    case GRHOST_KIND_ATTACK: return attack;
    default: return task;
  }
}

const char* list_key(grhost_kind kind) {
  switch (kind) {
    case GRHOST_KIND_DATASET: return "datasets";
    case GRHOST_KIND_MODEL: return "models";
    case GRHOST_KIND_ATTACK: return "attacks";
    default: return "tasks";
  }
}

// Entries whose id defaults to their plugin's.
bool id_defaults_to_plugin(grhost_kind kind) { return kind == GRHOST_KIND_TASK || kind == GRHOST_KIND_ATTACK; }

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 100 || !std::isalnum(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

class Loader {
 public:
  Loader(const std::string& path, plugins::Registry& registry) : registry_(registry) {
    m_.path = path;
    m_.dir = fs::absolute(path).parent_path().lexically_normal().string();
  }

  Manifest load(const std::vector<plugins::SearchPath>& search_tail) {
    YAML::Node root = parse();
    ctx_.file = m_.path;
    ctx_.base_dir = m_.dir;
    ctx_.what = "the manifest's top level";
    ctx_.pos = Position{m_.path, 1, 1};
    if (!root.IsMap()) {
      diags_.error(ctx_.pos, "the manifest must be a map with keys such as seed, datasets, models and tasks");
      diags_.throw_if_any();
    }
    auto top = check_map(root, top_level_specs(), ctx_, diags_, {"datasets", "models", "tasks", "attacks"});
    apply_top_level(top);

    std::vector<plugins::SearchPath> search;
    for (const std::string& p : m_.plugin_paths) search.push_back({p, "manifest"});
    search.insert(search.end(), search_tail.begin(), search_tail.end());
    registry_.discover(search);

    for (grhost_kind kind : {GRHOST_KIND_DATASET, GRHOST_KIND_MODEL, GRHOST_KIND_TASK})
      load_entries(root, kind);
    if (root["attacks"].IsDefined()) load_entries(root, GRHOST_KIND_ATTACK);  // optional: only attacking tasks need it
    cross_check();
    check_paths();
    diags_.throw_if_any();
    return std::move(m_);
  }

 private:
  YAML::Node parse() {
    std::ifstream in(m_.path);
    if (!in) throw UserError(m_.path + ": cannot read the manifest: " + std::strerror(errno));
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      return YAML::Load(ss.str());
    } catch (const YAML::ParserException& e) {
      Position p{m_.path, e.mark.line + 1, e.mark.column + 1};
      diags_.error(p, "YAML syntax error: " + e.msg);
      diags_.throw_if_any();
    }
    return {};
  }

  void apply_top_level(std::map<std::string, Value>& top) {
    if (top.count("grhost")) m_.format = top["grhost"].i;
    if (top.count("name")) m_.name = top["name"].s;
    if (top.count("seed")) m_.seed = static_cast<uint64_t>(top["seed"].i);
    if (top.count("threads")) m_.threads = static_cast<int>(top["threads"].i);
    if (m_.threads == 0) m_.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (top.count("output")) {
      fs::path out(replace_all(top["output"].s, "{name}", m_.name));
      m_.output = (out.is_absolute() ? out : fs::path(m_.dir) / out).lexically_normal().string();
      std::error_code ec;
      if (fs::exists(m_.output, ec) && !fs::is_directory(m_.output, ec))
        diags_.error(top["output"].pos, "'output' names '" + m_.output + "', which exists and is not a folder");
    }
    const std::string cache = top.count("cache") ? top["cache"].s : "";
    if (cache.empty()) {
      m_.cache = extract::default_cache_root();
    } else {
      fs::path c(cache);
      m_.cache = (c.is_absolute() ? c : fs::path(m_.dir) / c).lexically_normal().string();
    }
    if (top.count("cache_chunk_rows")) m_.cache_chunk_rows = top["cache_chunk_rows"].i;
    if (top.count("plugin_paths")) {
      const Value& v = top["plugin_paths"];
      for (size_t i = 0; i < v.strings.size(); ++i) {
        fs::path p(v.strings[i]);
        std::string resolved = (p.is_absolute() ? p : fs::path(m_.dir) / p).lexically_normal().string();
        std::error_code ec;
        if (!fs::exists(resolved, ec))
          diags_.error(v.item_pos[i], "plugin path '" + v.strings[i] + "' does not exist (resolved to " + resolved + ")");
        m_.plugin_paths.push_back(resolved);
      }
    }
  }

  void load_entries(const YAML::Node& root, grhost_kind kind) {
    const std::string key = list_key(kind);
    const YAML::Node list = root[key];
    if (!list.IsDefined()) {
      diags_.error(ctx_.pos, "the manifest needs a non-empty '" + key + "' list");
      return;
    }
    if (list.IsNull()) {
      diags_.error(position_of(list, m_.path), "'" + key + "' is empty; it needs a non-empty list of entries");
      return;
    }
    if (!list.IsSequence() || list.size() == 0) {
      diags_.error(position_of(list, m_.path),
                   "'" + key + "' must be a non-empty list of entries (each a map with at least 'id'" +
                       (kind == GRHOST_KIND_DATASET ? std::string("") : std::string(" and 'plugin'")) + ")");
      return;
    }
    std::vector<Entry>& out = kind == GRHOST_KIND_DATASET ? m_.datasets
                              : kind == GRHOST_KIND_MODEL ? m_.models
                              : kind == GRHOST_KIND_ATTACK ? m_.attacks
                                                           : m_.tasks;
    std::map<std::string, Position> ids;
    for (const YAML::Node& item : list) {
      Entry e;
      e.pos = position_of(item, m_.path);
      if (!item.IsMap()) {
        diags_.error(e.pos, "each entry of '" + key + "' must be a map (id, plugin, options, ...)");
        continue;
      }
      MapContext ectx{m_.path, std::string(plugins::kind_name(kind)) + " entry", m_.dir, e.pos};
      auto fields = check_map(item, entry_specs(kind), ectx, diags_, {"options"});
      e.plugin = fields.count("plugin") ? fields["plugin"].s : "";
      e.plugin_pos = fields.count("plugin") ? fields["plugin"].pos : e.pos;
      e.id = fields.count("id") ? fields["id"].s : "";
      Position id_pos = fields.count("id") ? fields["id"].pos : e.pos;
      if (e.id.empty() && id_defaults_to_plugin(kind)) e.id = e.plugin;
      if (!fields.count("id") && !id_defaults_to_plugin(kind)) continue;  // already reported as missing
      if (!valid_id(e.id)) {
        diags_.error(id_pos, "id '" + e.id + "' must start with a letter or digit and hold only letters, digits, '-', '_' or '.'");
        continue;
      }
      auto [it, fresh] = ids.emplace(e.id, id_pos);
      if (!fresh) {
        diags_.error(id_pos, "duplicate " + std::string(plugins::kind_name(kind)) + " id '" + e.id +
                                 "' (first used at line " + std::to_string(it->second.line) + ")");
        continue;
      }
      if (kind == GRHOST_KIND_MODEL) {
        e.family = fields["family"].s;
        e.batch_size = fields["batch_size"].i;
      }
      if (kind == GRHOST_KIND_TASK) {
        e.attacks = fields["attacks"].strings;
        e.attack_pos = fields["attacks"].item_pos;
        e.attacks_pos = fields["attacks"].pos;
      }
      if (kind == GRHOST_KIND_DATASET) {
        e.classes = fields["classes"].strings;
        e.train_split = fields["train_split"].s;
        e.test_split = fields["test_split"].s;
      }
      resolve_component(kind, item, e);
      out.push_back(std::move(e));
    }
  }

  void resolve_component(grhost_kind kind, const YAML::Node& item, Entry& e) {
    const YAML::Node options = item["options"];
    const std::string who = std::string(plugins::kind_name(kind)) + " '" + e.id + "'";
    if (options.IsDefined() && !options.IsNull() && !options.IsMap()) {
      diags_.error(position_of(options, m_.path), "'options' of " + who + " must be a map of option names to values");
      return;
    }
    if (e.plugin.empty()) {
      if (options.IsDefined() && !options.IsNull() && options.size() > 0)
        diags_.error(position_of(options, m_.path), who + " has options but no plugin to take them");
      return;
    }
    e.component = registry_.find(kind, e.plugin);
    if (e.component == nullptr) {
      std::vector<std::string> known = registry_.ids(kind);
      std::string hint = did_you_mean(e.plugin, known);
      diags_.error(e.plugin_pos, "unknown " + std::string(plugins::kind_name(kind)) + " plugin '" + e.plugin + "'" + hint +
                                     (known.empty() ? " (no " + std::string(plugins::kind_name(kind)) +
                                                          " plugins were found; run 'grhost plugins' to see the search path)"
                                                    : " (found: " + join(known) + ")"));
      return;
    }
    MapContext octx{m_.path, "options of " + who, m_.dir,
                    options.IsDefined() && !options.IsNull() ? position_of(options, m_.path) : e.pos};
    e.options = check_map(options.IsDefined() ? options : YAML::Node(YAML::NodeType::Map), e.component->options, octx, diags_);
  }

  void cross_check() {
    check_task_attacks();
    for (const Entry& d : m_.datasets) {
      if (d.component != nullptr) continue;
      for (const Entry& model : m_.models) {
        if (model.component != nullptr && model.component->model.stored_features == nullptr &&
            !model.component->class_level())
          diags_.error(model.plugin_pos, "model '" + model.id + "' computes features from images, but dataset '" + d.id +
                                             "' (line " + std::to_string(d.pos.line) +
                                             ") has no plugin to read images from; give it a 'plugin'");
      }
    }
  }

  // A task that attacks models gets the attacks its entry names (or all of
  // the manifest's); no other task may name any.
  void check_task_attacks() {
    std::vector<std::string> known;
    for (const Entry& a : m_.attacks) known.push_back(a.id);
    for (Entry& t : m_.tasks) {
      if (t.component == nullptr) continue;
      const bool live = t.component->task.scope == GRHOST_SCOPE_LIVE_MODEL;
      if (!live) {
        if (!t.attacks.empty())
          diags_.error(t.attacks_pos, "task '" + t.id + "' (" + t.plugin + ") analyses features and runs no attacks; remove 'attacks'");
        continue;
      }
      if (t.attacks.empty()) {
        if (known.empty())
          diags_.error(t.pos, "task '" + t.id + "' (" + t.plugin +
                                  ") attacks models, but the manifest has no 'attacks' list (e.g. attacks: [{plugin: pgd-linf}])");
        t.attacks = known;
        continue;
      }
      for (size_t i = 0; i < t.attacks.size(); ++i)
        if (std::find(known.begin(), known.end(), t.attacks[i]) == known.end())
          diags_.error(i < t.attack_pos.size() ? t.attack_pos[i] : t.attacks_pos,
                       "task '" + t.id + "' names attack '" + t.attacks[i] + "', which is not in the manifest's 'attacks' list" +
                           did_you_mean(t.attacks[i], known) + (known.empty() ? "" : " (attacks: " + join(known) + ")"));
    }
  }

  // Every PATH option must name an existing file, in every expansion of its
  // {dataset} and {split} placeholders that the run will use.
  void check_paths() {
    auto check_entry = [&](const Entry& e, const std::string& who, const std::vector<const Entry*>& datasets) {
      for (const auto& [name, v] : e.options) {
        if (v.type != GRHOST_OPTION_PATH || v.s.empty()) continue;
        std::set<std::string> checked;
        for (const Entry* d : datasets) {
          for (const std::string& split : {d->train_split, d->test_split}) {
            std::string p = replace_all(replace_all(v.s, "{dataset}", d->id), "{split}", split);
            if (!checked.insert(p).second) continue;
            std::error_code ec;
            if (!fs::exists(p, ec)) {
              bool templ = p != v.s;
              diags_.error(v.pos, "option '" + name + "' of " + who + ": file '" + p + "' does not exist" +
                                      (templ ? " ({dataset}=" + d->id + ", {split}=" + split + ")" : ""));
            }
          }
        }
      }
    };
    std::vector<const Entry*> all;
    for (const Entry& d : m_.datasets) all.push_back(&d);
    for (const Entry& d : m_.datasets) check_entry(d, "dataset '" + d.id + "'", {&d});
    for (const Entry& e : m_.models) check_entry(e, "model '" + e.id + "'", all);
    for (const Entry& e : m_.tasks) check_entry(e, "task '" + e.id + "'", all);
    for (const Entry& e : m_.attacks) check_entry(e, "attack '" + e.id + "'", all);
  }

  plugins::Registry& registry_;
  Manifest m_;
  MapContext ctx_;
  Diagnostics diags_;
};

}  // namespace

Manifest load_manifest(const std::string& path, const std::vector<plugins::SearchPath>& search_tail,
                       plugins::Registry& registry) {
  return Loader(path, registry).load(search_tail);
}

std::string resolved_yaml(const Manifest& m) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "grhost" << YAML::Value << m.format;
  out << YAML::Key << "name" << YAML::Value << m.name;
  out << YAML::Key << "seed" << YAML::Value << m.seed;
  out << YAML::Key << "threads" << YAML::Value << m.threads;
  out << YAML::Key << "output" << YAML::Value << m.output;
  out << YAML::Key << "plugin_paths" << YAML::Value << YAML::Flow << m.plugin_paths;
  out << YAML::Key << "cache" << YAML::Value << m.cache;
  out << YAML::Key << "cache_chunk_rows" << YAML::Value << m.cache_chunk_rows;
  auto entries = [&](const char* key, const std::vector<Entry>& list, grhost_kind kind) {
    out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (const Entry& e : list) {
      out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << e.id;
      if (!e.plugin.empty()) out << YAML::Key << "plugin" << YAML::Value << e.plugin;
      if (e.component != nullptr) out << YAML::Key << "plugin_version" << YAML::Value << e.component->version;
      if (kind == GRHOST_KIND_MODEL) {
        out << YAML::Key << "family" << YAML::Value << e.family;
        out << YAML::Key << "batch_size" << YAML::Value << e.batch_size;
      }
      if (kind == GRHOST_KIND_TASK && !e.attacks.empty())
        out << YAML::Key << "attacks" << YAML::Value << YAML::Flow << e.attacks;
      if (kind == GRHOST_KIND_DATASET) {
        if (!e.classes.empty()) out << YAML::Key << "classes" << YAML::Value << YAML::Flow << e.classes;
        out << YAML::Key << "train_split" << YAML::Value << e.train_split;
        out << YAML::Key << "test_split" << YAML::Value << e.test_split;
      }
      if (!e.options.empty()) {
        out << YAML::Key << "options" << YAML::Value << YAML::BeginMap;
        for (const auto& [k, v] : e.options) out << YAML::Key << k << YAML::Value << to_yaml(v);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  };
  entries("datasets", m.datasets, GRHOST_KIND_DATASET);
  entries("models", m.models, GRHOST_KIND_MODEL);
  entries("tasks", m.tasks, GRHOST_KIND_TASK);
  if (!m.attacks.empty()) entries("attacks", m.attacks, GRHOST_KIND_ATTACK);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace grhost::manifest
