/*
 * grhost.h — the C boundary between the grhost host and its plugins.
 *
 * This is the only header a plugin needs (the C++ layer in plugin.hpp is a
 * convenience on top of it). Everything that crosses the boundary is a C type:
 * fixed-width integers, doubles, `const char*`, function pointers and DLPack
 * tensors. No C++ exception, STL type or allocation crosses it.
 *
 * Rules that keep old plugins working as the SDK grows (see docs/writing-a-plugin.md):
 *   - A library exports exactly one symbol, `grhost_plugin_entry`.
 *   - It states the SDK major.minor it was built for. The host refuses another
 *     major, or a minor newer than its own.
 *   - Every struct that crosses starts with `struct_size`, the sizeof() the
 *     plugin was compiled with. Structs only ever grow at the end; the host
 *     copies a smaller struct into a zeroed one of its own size, so functions
 *     added later read as NULL (absent) for older plugins.
 *   - Calls return `grhost_status*`: NULL means success; an error status is
 *     made with `grhost_host_api::make_status` so the host owns its memory.
 *   - Strings a plugin returns (ids, names) must stay valid for as long as the
 *     object they describe (the library, or the instance) lives.
 */
#ifndef GRHOST_GRHOST_H
#define GRHOST_GRHOST_H

#include <stddef.h>
#include <stdint.h>

#include <dlpack/dlpack.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions ---------------------------------------------------------- */

/** SDK version this header describes. A new major breaks the ABI; a new
 *  minor only appends fields or functions at the end of structs. */
#define GRHOST_SDK_VERSION_MAJOR 1
#define GRHOST_SDK_VERSION_MINOR 1

/** Name of the one symbol every plugin library exports. */
#define GRHOST_PLUGIN_ENTRY_SYMBOL "grhost_plugin_entry"

/* ---- statuses ---------------------------------------------------------- */

/** Opaque error object, created by the host (make_status) and freed by it. */
typedef struct grhost_status grhost_status;

typedef enum grhost_status_code {
  GRHOST_OK = 0,
  GRHOST_INVALID_ARGUMENT = 1, /* bad input: shape, dtype, option value */
  GRHOST_NOT_FOUND = 2,        /* a file, split or class that is not there */
  GRHOST_IO_ERROR = 3,         /* reading or writing failed */
  GRHOST_UNSUPPORTED = 4,      /* the call is not offered by this component */
  GRHOST_INTERNAL = 5          /* anything else, including caught exceptions */
} grhost_status_code;

/* ---- opaque handles the host owns -------------------------------------- */

/** Resolved, validated options of one component instance (see option accessors). */
typedef struct grhost_options grhost_options;
/** Where a task writes its result rows and matrices. */
typedef struct grhost_results grhost_results;
/** Opaque per-instance state a plugin allocates in create() and frees in destroy(). */
typedef struct grhost_instance grhost_instance;

/* ---- options: the schema a component declares -------------------------- */

typedef enum grhost_option_type {
  GRHOST_OPTION_BOOL = 1,
  GRHOST_OPTION_INT = 2,
  GRHOST_OPTION_FLOAT = 3,
  GRHOST_OPTION_STRING = 4,
  /** A file path. The host resolves it against the manifest's folder and
   *  checks that it exists. `{dataset}` and `{split}` placeholders are
   *  allowed; the host checks every expansion the run will use. */
  GRHOST_OPTION_PATH = 5,
  GRHOST_OPTION_INT_LIST = 6,
  GRHOST_OPTION_FLOAT_LIST = 7,
  GRHOST_OPTION_STRING_LIST = 8
} grhost_option_type;

typedef struct grhost_option {
  uint32_t struct_size;
  const char* name;        /* key in the manifest's `options:` map */
  grhost_option_type type;
  /** Default as YAML text ("10", "[1, 5, 10]", "cosine"); NULL: the option
   *  is required. */
  const char* default_value;
  /** For STRING and STRING_LIST: the allowed values separated by '|'
   *  ("cosine|dot|euclidean"); NULL: any value. */
  const char* choices;
  /** Inclusive bounds for INT, FLOAT and their lists (every element);
   *  ignored unless has_min / has_max is non-zero. */
  int32_t has_min, has_max;
  double min_value, max_value;
  const char* description; /* one sentence, shown in docs and errors */
} grhost_option;

/* ---- component kinds ---------------------------------------------------- */

typedef enum grhost_kind {
  GRHOST_KIND_DATASET = 1,
  GRHOST_KIND_MODEL = 2,
  GRHOST_KIND_ATTACK = 3,
  GRHOST_KIND_TASK = 4
} grhost_kind;

/** Every kind's table starts with these three members, in this order. */
#define GRHOST_LIFECYCLE_MEMBERS                                                              \
  uint32_t struct_size;                                                                       \
  /* Make an instance from validated options. Required. */                                   \
  grhost_status* (*create)(const grhost_options* options, grhost_instance** out);             \
  /* Free an instance. Required; never fails. */                                              \
  void (*destroy)(grhost_instance* instance)

/* ---- dataset ------------------------------------------------------------ */

typedef struct grhost_dataset_info {
  uint32_t struct_size;
  int64_t num_classes;
  const char* const* class_names; /* num_classes entries */
  int64_t num_splits;
  const char* const* split_names; /* e.g. "train", "test" */
  /** A string that changes whenever the data changes (file sizes and
   *  mtimes, or a content hash); feature caches are keyed by it. */
  const char* fingerprint;
} grhost_dataset_info;

typedef struct grhost_dataset_api {
  GRHOST_LIFECYCLE_MEMBERS;
  /** Fill `out` (struct_size set by the host). Required. */
  grhost_status* (*describe)(grhost_instance* self, grhost_dataset_info* out);
  /** Number of samples in split `split` (an index into split_names). Required. */
  grhost_status* (*split_size)(grhost_instance* self, int64_t split, int64_t* out);
  /** Every label of a split, as an int64 vector of split_size entries. Required. */
  grhost_status* (*labels)(grhost_instance* self, int64_t split, DLManagedTensor** out);
  /** One image as uint8 HWC (C = 1 or 3), and its label. Must be safe to call
   *  from several threads at once. Required. */
  grhost_status* (*read_image)(grhost_instance* self, int64_t split, int64_t index,
                               DLManagedTensor** image, int64_t* label);
} grhost_dataset_api;

/* ---- model -------------------------------------------------------------- */

typedef enum grhost_interpolation {
  GRHOST_INTERP_BILINEAR = 0,
  GRHOST_INTERP_BICUBIC = 1,
  GRHOST_INTERP_NEAREST = 2
} grhost_interpolation;

/** What a model expects the host's preprocessing to produce. */
typedef struct grhost_input_spec {
  uint32_t struct_size;
  int64_t resize;     /* shorter side after resize; 0: no resize */
  int64_t crop;       /* centre crop size (square); 0: no crop */
  grhost_interpolation interpolation;
  float mean[3], std[3];
} grhost_input_spec;

typedef struct grhost_model_info {
  uint32_t struct_size;
  int64_t feature_dim;    /* 0 if unknown until features are served */
  /** Width of the logits: 0, the model has no classifier; -1, it has one
   *  whose width is known only once logits are computed. */
  int64_t num_logits;
  grhost_input_spec input;
  /** Changes whenever the features would (e.g. a hash of the weights file). */
  const char* fingerprint;
} grhost_model_info;

/** Supplies the cotangent of a vector-Jacobian product once the forward
 *  pass is done, so that a loss of the outputs (an attack's cross-entropy)
 *  is differentiated with one forward and one backward pass. */
typedef struct grhost_cotangent_fn {
  void* context;
  /** Given the outputs (float32 N x K), return the cotangent (float32
   *  N x K): d loss / d outputs. */
  grhost_status* (*compute)(void* context, const DLTensor* outputs, DLManagedTensor** cotangent);
} grhost_cotangent_fn;

/* Tensors cross the boundary on the CPU: a model on a GPU moves its inputs
 * there and its outputs back itself. */
typedef struct grhost_model_api {
  GRHOST_LIFECYCLE_MEMBERS;
  /** Required. */
  grhost_status* (*describe)(grhost_instance* self, grhost_model_info* out);
  /** Features of preprocessed images (float32 NCHW) as float32 N x D.
   *  Optional: NULL for a model that only serves stored features. */
  grhost_status* (*embed)(grhost_instance* self, const DLTensor* images, DLManagedTensor** out);
  /** Features computed elsewhere for (dataset id, split name): float32 N x D,
   *  and labels (int64 N) or NULL to take them from the dataset. Optional:
   *  NULL for models that compute from images. */
  grhost_status* (*stored_features)(grhost_instance* self, const char* dataset, const char* split,
                                    DLManagedTensor** features, DLManagedTensor** labels);
  /** Logits (float32 N x num_logits) of preprocessed images. Optional. */
  grhost_status* (*logits)(grhost_instance* self, const DLTensor* images, DLManagedTensor** out);
  /** Vector-Jacobian product of the logits: the forward pass, then
   *  `cotangent->compute(logits)`, then the backward pass. Returns the logits
   *  and cotangentᵀ · ∂logits/∂images (same shape as images). Optional;
   *  attacks need it (or embed_vjp). */
  grhost_status* (*logits_vjp)(grhost_instance* self, const DLTensor* images,
                               const grhost_cotangent_fn* cotangent, DLManagedTensor** logits,
                               DLManagedTensor** grad_images);
  /** The same for the features (N x D): lets the host attack a model without
   *  a classifier through a linear head trained on its features. Optional. */
  grhost_status* (*embed_vjp)(grhost_instance* self, const DLTensor* images,
                              const grhost_cotangent_fn* cotangent, DLManagedTensor** features,
                              DLManagedTensor** grad_images);
  /** Since SDK 1.1. One vector per class name, for models of language (a
   *  text encoder, WordNet, label embeddings computed elsewhere): float32
   *  num_classes x D, row c for class_names[c], the classes of the
   *  manifest's dataset `dataset`. Optional. A model that
   *  offers this and neither embed nor stored_features is a class-level
   *  model: tasks over several models (RSA) see its vectors as a split with
   *  one row per class (labels 0..C-1); per-model tasks leave it out. */
  grhost_status* (*class_embeddings)(grhost_instance* self, const char* dataset, int64_t num_classes,
                                     const char* const* class_names, DLManagedTensor** out);
} grhost_model_api;

/* ---- attack ------------------------------------------------------------- */

/** A model as an attack sees it: pixels in [lower, upper] (NCHW float32,
 *  before normalisation, which happens inside) to logits, and the VJP of
 *  the logits. The host makes it from any model: its own logits, or its
 *  features through a trained linear head. */
typedef struct grhost_differentiable {
  uint32_t struct_size;
  void* context;
  int64_t num_classes; /* the logits' width */
  grhost_status* (*logits)(void* context, const DLTensor* images, DLManagedTensor** out);
  grhost_status* (*logits_vjp)(void* context, const DLTensor* images, const grhost_cotangent_fn* cotangent,
                               DLManagedTensor** logits, DLManagedTensor** grad_images);
} grhost_differentiable;

typedef struct grhost_attack_request {
  uint32_t struct_size;
  const DLTensor* images; /* float32 NCHW in [lower, upper] */
  const DLTensor* labels; /* int64 N: true labels, or targets when targeted */
  int32_t targeted;       /* 0: move away from labels; 1: towards them */
  double epsilon;         /* perturbation budget in the attack's norm */
  float lower, upper;     /* pixel bounds */
  uint64_t seed;          /* for random starts */
  /** NULL: `epsilon` for every image. Otherwise one budget per image (N
   *  entries; `epsilon` is then their maximum), so that one call attacks
   *  a batch at several budgets. Only given to attacks whose table sets
   *  per_image_epsilon. */
  const double* epsilons;
} grhost_attack_request;

typedef struct grhost_attack_api {
  GRHOST_LIFECYCLE_MEMBERS;
  /** Adversarial images, same shape as request->images, within
   *  [lower, upper] and within epsilon of the images. Required. */
  grhost_status* (*perturb)(grhost_instance* self, const grhost_differentiable* model,
                            const grhost_attack_request* request, DLManagedTensor** out);
  /** Non-zero: perturb honours request->epsilons (one budget per image). */
  int32_t per_image_epsilon;
} grhost_attack_api;

/** An attack a live-model task may run: an instance of an attack plugin as
 *  the manifest's `attacks:` list configures it. */
typedef struct grhost_attack_handle {
  uint32_t struct_size;
  const char* id;     /* the manifest's attack id, e.g. "pgd" */
  const char* plugin; /* the attack component's id, e.g. "pgd-linf" */
  void* context;
  grhost_status* (*perturb)(void* context, const grhost_differentiable* model,
                            const grhost_attack_request* request, DLManagedTensor** out);
  /** The attack's per_image_epsilon: request->epsilons may be given. */
  int32_t per_image_epsilon;
} grhost_attack_handle;

/** Images of the job's dataset for a live-model task: decoded and resized
 *  and cropped for the job's model, as float32 NCHW pixels in [0, 1]
 *  without the model's normalisation (the differentiable applies it). */
typedef struct grhost_pixel_source {
  uint32_t struct_size;
  void* context;
  /** Number of images in `split` (NULL or "": the dataset's test split). */
  grhost_status* (*split_size)(void* context, const char* split, int64_t* out);
  /** Images indices[0..count) of `split` (float32 N x 3 x H x W), and their
   *  labels (int64 N). */
  grhost_status* (*read)(void* context, const char* split, const int64_t* indices, int64_t count,
                         DLManagedTensor** images, DLManagedTensor** labels);
} grhost_pixel_source;

/* ---- task --------------------------------------------------------------- */

typedef enum grhost_task_scope {
  /** run() is called once per (model, dataset) with one entry. */
  GRHOST_SCOPE_PER_MODEL = 1,
  /** run() is called once per dataset with an entry per model. */
  GRHOST_SCOPE_ACROSS_MODELS = 2,
  /** run() is called once per (model, dataset) with one entry that holds
   *  the live model and the dataset's pixels instead of features, and with
   *  the attacks the manifest gives the task (robustness). */
  GRHOST_SCOPE_LIVE_MODEL = 3
} grhost_task_scope;

/** One model's features on one dataset (or, for a live-model task, the model
 *  itself). Borrowed: valid during run() only. */
typedef struct grhost_task_entry {
  uint32_t struct_size;
  const char* model;          /* the manifest's model id */
  const char* family;         /* "vision", "vision-language", "language" or "" */
  const DLTensor* train_features; /* float32 N x D, or NULL if the split is absent */
  const DLTensor* train_labels;   /* int64 N */
  const DLTensor* test_features;  /* float32 M x D */
  const DLTensor* test_labels;    /* int64 M */
  /** GRHOST_SCOPE_LIVE_MODEL only (the features above are then NULL): the
   *  model as a function of pixels, and the dataset's pixels for it. */
  const grhost_differentiable* live_model;
  const grhost_pixel_source* pixels;
} grhost_task_entry;

typedef struct grhost_task_input {
  uint32_t struct_size;
  const char* dataset;        /* the manifest's dataset id */
  int64_t num_classes;
  const char* const* class_names;
  uint64_t seed;              /* the manifest's seed */
  int32_t threads;            /* how many threads the task may use */
  int64_t num_entries;
  const grhost_task_entry* const* entries;
  /** GRHOST_SCOPE_LIVE_MODEL only: the attacks to run, in the manifest's order. */
  int64_t num_attacks;
  const grhost_attack_handle* const* attacks;
} grhost_task_input;

typedef struct grhost_task_api {
  GRHOST_LIFECYCLE_MEMBERS;
  grhost_task_scope scope;
  /** Analyse and write rows/matrices through host->add_row / add_matrix. Required. */
  grhost_status* (*run)(grhost_instance* self, const grhost_task_input* input,
                        grhost_results* results);
} grhost_task_api;

/** One tidy result row. The host adds dataset, split and task ids. */
typedef struct grhost_result_row {
  uint32_t struct_size;
  const char* model;          /* NULL or "": the single entry's model */
  const char* split;          /* the split evaluated; NULL or "": the dataset's test split */
  const char* metric;         /* e.g. "accuracy" */
  int64_t num_params;
  const char* const* param_names;  /* the setting: e.g. {"shots", "score"} */
  const char* const* param_values; /* e.g. {"5", "cosine"} */
  int64_t trial;              /* the trial's number (grhost's tasks count from 1), or -1 */
  double value;               /* the value; for a summary, the mean */
  int32_t is_summary;         /* non-zero: mean/std/sem/n are filled */
  double mean, std, sem;
  int64_t n;
} grhost_result_row;

/* ---- what a library offers ---------------------------------------------- */

typedef struct grhost_component {
  uint32_t struct_size;
  grhost_kind kind;
  const char* id;          /* unique per kind, lower-case, e.g. "few-shot" */
  const char* version;     /* the component's own version, e.g. "1.0.0" */
  const char* description; /* one line */
  int64_t num_options;
  const grhost_option* const* options;
  /** Points to the kind's table: grhost_dataset_api, grhost_model_api,
   *  grhost_attack_api or grhost_task_api. */
  const void* api;
} grhost_component;

typedef struct grhost_plugin {
  uint32_t struct_size;
  uint32_t sdk_major;  /* GRHOST_SDK_VERSION_MAJOR the plugin was built with */
  uint32_t sdk_minor;  /* GRHOST_SDK_VERSION_MINOR the plugin was built with */
  const char* name;    /* the library's name, e.g. "grhost-fewshot" */
  /** NULL for plugins that do not link LibTorch; otherwise what
   *  GRHOST_TORCH_BUILD_STAMP (grhost/torch_bridge.hpp) expands to. The host
   *  refuses a stamp that differs from its own: one process, one LibTorch. */
  const char* build_stamp;
  int64_t num_components;
  const grhost_component* const* components;
} grhost_plugin;

/* ---- what the host offers ------------------------------------------------ */

typedef enum grhost_log_level {
  GRHOST_LOG_DEBUG = 0,
  GRHOST_LOG_INFO = 1,
  GRHOST_LOG_WARN = 2,
  GRHOST_LOG_ERROR = 3
} grhost_log_level;

typedef struct grhost_host_api {
  uint32_t struct_size;
  uint32_t sdk_major, sdk_minor; /* the host's SDK version */
  /** A new error status; the host copies `message`. */
  grhost_status* (*make_status)(grhost_status_code code, const char* message);
  /** The message of a status (valid until it is released). */
  const char* (*status_message)(const grhost_status* status);
  /** Free a status the plugin received from a host call and will not return. */
  void (*release_status)(grhost_status* status);
  /** Log through the host's logger (terminal and the run's log file). */
  void (*log)(grhost_log_level level, const char* message);

  /* Option accessors. The host validated every option against the schema
   * and filled defaults, so asking for a declared option with its declared
   * type succeeds; anything else returns an error status. */
  grhost_status* (*option_bool)(const grhost_options* o, const char* name, int32_t* out);
  grhost_status* (*option_int)(const grhost_options* o, const char* name, int64_t* out);
  grhost_status* (*option_float)(const grhost_options* o, const char* name, double* out);
  /** STRING and PATH options (paths come resolved; placeholders kept). The
   *  pointer lives as long as the options. */
  grhost_status* (*option_string)(const grhost_options* o, const char* name, const char** out);
  /** Number of elements of a list option. */
  grhost_status* (*option_list_size)(const grhost_options* o, const char* name, int64_t* out);
  grhost_status* (*option_int_at)(const grhost_options* o, const char* name, int64_t i,
                                  int64_t* out);
  grhost_status* (*option_float_at)(const grhost_options* o, const char* name, int64_t i,
                                    double* out);
  grhost_status* (*option_string_at)(const grhost_options* o, const char* name, int64_t i,
                                     const char** out);

  /** Task output: one tidy row; the host copies everything. */
  grhost_status* (*add_row)(grhost_results* results, const grhost_result_row* row);
  /** Task output: a named matrix, written as `<name>.npy` (float32/float64/int64). */
  grhost_status* (*add_matrix)(grhost_results* results, const char* name, const DLTensor* m);
  /** Task progress: `done` of `total` items of the step `label` (a bar on a
   *  terminal, a log line now and then otherwise). Call with done == total
   *  to end the step. */
  void (*progress)(grhost_results* results, const char* label, int64_t done, int64_t total);
} grhost_host_api;

/** The entry point's type. The host calls it once after loading the library;
 *  the plugin keeps `host` (it lives as long as the process) and returns a
 *  table that must stay valid until the library is unloaded. Returning NULL
 *  refuses to load. */
typedef const grhost_plugin* (*grhost_plugin_entry_fn)(const grhost_host_api* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GRHOST_GRHOST_H */
