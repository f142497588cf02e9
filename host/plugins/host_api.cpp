#include "plugins/host_api.hpp"

#include "extract/progress.hpp"
#include "io/npy.hpp"
#include "plugins/status.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>

// Out of line: Progress is complete only here.
grhost_results::grhost_results() = default;
grhost_results::~grhost_results() = default;
grhost_results::grhost_results(grhost_results&&) noexcept = default;
grhost_results& grhost_results::operator=(grhost_results&&) noexcept = default;

namespace grhost::plugins {
namespace {

grhost_status* api_make_status(grhost_status_code code, const char* message) {
  return make_status(code, message != nullptr ? message : "(no message)");
}

const char* api_status_message(const grhost_status* s) { return s != nullptr ? s->message.c_str() : ""; }

void api_release_status(grhost_status* s) { delete s; }

void api_log(grhost_log_level level, const char* message) {
  const char* m = message != nullptr ? message : "";
  switch (level) {
    case GRHOST_LOG_DEBUG: spdlog::debug("{}", m); break;
    case GRHOST_LOG_INFO: spdlog::info("{}", m); break;
    case GRHOST_LOG_WARN: spdlog::warn("{}", m); break;
    default: spdlog::error("{}", m); break;
  }
}

// Finds option `name` of the expected type(s), or returns an error status.
grhost_status* lookup(const grhost_options* o, const char* name, std::initializer_list<grhost_option_type> types,
                      const manifest::Value** out) {
  if (o == nullptr || name == nullptr) return make_status(GRHOST_INVALID_ARGUMENT, "option lookup with a NULL argument");
  auto it = o->values.find(name);
  if (it == o->values.end())
    return make_status(GRHOST_NOT_FOUND, o->owner + ": option '" + name + "' is not declared by the component");
  for (grhost_option_type t : types) {
    if (it->second.type == t) {
      *out = &it->second;
      return nullptr;
    }
  }
  return make_status(GRHOST_INVALID_ARGUMENT, o->owner + ": option '" + std::string(name) + "' is " +
                                                  manifest::type_phrase(it->second.type) + ", read with the wrong accessor");
}

grhost_status* api_option_bool(const grhost_options* o, const char* name, int32_t* out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_BOOL}, &v)) return s;
  *out = v->b ? 1 : 0;
  return nullptr;
}
grhost_status* api_option_int(const grhost_options* o, const char* name, int64_t* out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_INT}, &v)) return s;
  *out = v->i;
  return nullptr;
}
grhost_status* api_option_float(const grhost_options* o, const char* name, double* out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_FLOAT}, &v)) return s;
  *out = v->f;
  return nullptr;
}
grhost_status* api_option_string(const grhost_options* o, const char* name, const char** out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_STRING, GRHOST_OPTION_PATH}, &v)) return s;
  *out = v->s.c_str();
  return nullptr;
}
grhost_status* api_option_list_size(const grhost_options* o, const char* name, int64_t* out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_INT_LIST, GRHOST_OPTION_FLOAT_LIST, GRHOST_OPTION_STRING_LIST}, &v))
    return s;
  *out = static_cast<int64_t>(v->type == GRHOST_OPTION_INT_LIST     ? v->ints.size()
                              : v->type == GRHOST_OPTION_FLOAT_LIST ? v->floats.size()
                                                                    : v->strings.size());
  return nullptr;
}
template <class T>
grhost_status* element(const grhost_options* o, const char* name, const std::vector<T>& list, int64_t i) {
  if (i < 0 || static_cast<size_t>(i) >= list.size())
    return make_status(GRHOST_INVALID_ARGUMENT, o->owner + ": option '" + name + "' index " + std::to_string(i) +
                                                    " is out of range (size " + std::to_string(list.size()) + ")");
  return nullptr;
}
grhost_status* api_option_int_at(const grhost_options* o, const char* name, int64_t i, int64_t* out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_INT_LIST}, &v)) return s;
  if (auto* s = element(o, name, v->ints, i)) return s;
  *out = v->ints[static_cast<size_t>(i)];
  return nullptr;
}
grhost_status* api_option_float_at(const grhost_options* o, const char* name, int64_t i, double* out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_FLOAT_LIST}, &v)) return s;
  if (auto* s = element(o, name, v->floats, i)) return s;
  *out = v->floats[static_cast<size_t>(i)];
  return nullptr;
}
grhost_status* api_option_string_at(const grhost_options* o, const char* name, int64_t i, const char** out) {
  const manifest::Value* v = nullptr;
  if (auto* s = lookup(o, name, {GRHOST_OPTION_STRING_LIST}, &v)) return s;
  if (auto* s = element(o, name, v->strings, i)) return s;
  *out = v->strings[static_cast<size_t>(i)].c_str();
  return nullptr;
}

grhost_status* api_add_row(grhost_results* r, const grhost_result_row* raw) {
  if (r == nullptr || raw == nullptr) return make_status(GRHOST_INVALID_ARGUMENT, "add_row with a NULL argument");
  grhost_result_row row{};
  std::memcpy(&row, raw, std::min<size_t>(raw->struct_size, sizeof(row)));
  if (row.metric == nullptr || *row.metric == '\0')
    return make_status(GRHOST_INVALID_ARGUMENT, "task '" + r->task + "': add_row without a metric name");
  if (row.num_params < 0 || (row.num_params > 0 && (row.param_names == nullptr || row.param_values == nullptr)))
    return make_status(GRHOST_INVALID_ARGUMENT, "task '" + r->task + "': add_row with a malformed parameter list");
  results::Row out;
  out.model = (row.model != nullptr && *row.model != '\0') ? row.model : r->default_model;
  out.dataset = r->dataset;
  out.split = (row.split != nullptr && *row.split != '\0') ? row.split : r->default_split;
  out.task = r->task;
  out.plugin = r->plugin;
  for (int64_t i = 0; i < row.num_params; ++i) {
    if (row.param_names[i] == nullptr || row.param_values[i] == nullptr)
      return make_status(GRHOST_INVALID_ARGUMENT, "task '" + r->task + "': add_row with a NULL parameter");
    out.params.emplace_back(row.param_names[i], row.param_values[i]);
  }
  out.metric = row.metric;
  if (row.trial >= 0) out.trial = row.trial;
  out.value = row.value;
  out.is_summary = row.is_summary != 0;
  out.mean = row.mean;
  out.std = row.std;
  out.sem = row.sem;
  out.n = row.n;
  r->rows.push_back(std::move(out));
  return nullptr;
}

grhost_status* api_add_matrix(grhost_results* r, const char* name, const DLTensor* m) {
  if (r == nullptr || name == nullptr || m == nullptr)
    return make_status(GRHOST_INVALID_ARGUMENT, "add_matrix with a NULL argument");
  std::string n = name;
  bool ok = !n.empty() && n.size() <= 100;
  for (char c : n) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  if (!ok || n[0] == '.')
    return make_status(GRHOST_INVALID_ARGUMENT, "task '" + r->task + "': matrix name '" + n +
                                                    "' must be 1-100 characters of letters, digits, '-', '_' or '.'");
  if (m->device.device_type != kDLCPU || m->strides != nullptr)
    return make_status(GRHOST_INVALID_ARGUMENT, "task '" + r->task + "': matrix '" + n + "' must be a compact CPU tensor");
  io::DType dtype;
  if (m->dtype.code == kDLFloat && m->dtype.bits == 32) dtype = io::DType::float32;
  else if (m->dtype.code == kDLFloat && m->dtype.bits == 64) dtype = io::DType::float64;
  else if (m->dtype.code == kDLInt && m->dtype.bits == 64) dtype = io::DType::int64;
  else return make_status(GRHOST_INVALID_ARGUMENT, "task '" + r->task + "': matrix '" + n + "' must be float32, float64 or int64");
  std::vector<int64_t> shape(m->shape, m->shape + m->ndim);
  results::Matrix out;
  out.task = r->task;
  out.dataset = r->dataset;
  out.model = r->default_model;
  out.name = n;
  out.npy = io::npy_bytes(dtype, shape, static_cast<const char*>(m->data) + m->byte_offset);
  r->matrices.push_back(std::move(out));
  return nullptr;
}

void api_progress(grhost_results* r, const char* label, int64_t done, int64_t total) {
  if (r == nullptr || total <= 0) return;
  const std::string l = label != nullptr ? label : "";
  if (!r->progress || r->progress_label != l || done < r->progress_done) {
    if (r->progress) r->progress->finish();
    r->progress = std::make_unique<grhost::extract::Progress>(l, total, 0, 10.0, "items");
    r->progress_label = l;
    r->progress_done = 0;
  }
  if (done > r->progress_done) r->progress->advance(done - r->progress_done);
  r->progress_done = std::max(r->progress_done, done);
  if (done >= total) {
    r->progress->finish();
    r->progress.reset();
    r->progress_label.clear();
  }
}

}  // namespace

const grhost_host_api& host_api() {
  static const grhost_host_api api = {
      sizeof(grhost_host_api),
      GRHOST_SDK_VERSION_MAJOR,
      GRHOST_SDK_VERSION_MINOR,
      &api_make_status,
      &api_status_message,
      &api_release_status,
      &api_log,
      &api_option_bool,
      &api_option_int,
      &api_option_float,
      &api_option_string,
      &api_option_list_size,
      &api_option_int_at,
      &api_option_float_at,
      &api_option_string_at,
      &api_add_row,
      &api_add_matrix,
      &api_progress,
  };
  return api;
}

}  // namespace grhost::plugins
