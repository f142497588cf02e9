/* A task plugin written against the raw C API. Built once per defect
 * (BAD_<DEFECT>); BAD_NONE is the valid plugin the others deviate from.
 * Its components: task "fails-in-run" (run returns an error status) and
 * task "fails-in-create" (create returns one). */
#include <grhost/grhost.h>

#include <stddef.h>
#include <stdlib.h>

static const grhost_host_api* host;

static grhost_status* create_ok(const grhost_options* options, grhost_instance** out) {
  (void)options;
  *out = (grhost_instance*)malloc(1);
  return NULL;
}
static grhost_status* create_fails(const grhost_options* options, grhost_instance** out) {
  (void)options;
  (void)out;
  return host->make_status(GRHOST_INVALID_ARGUMENT, "this component refuses every configuration");
}
static void destroy(grhost_instance* instance) { free(instance); }
static grhost_status* run_fails(grhost_instance* self, const grhost_task_input* input, grhost_results* results) {
  (void)self;
  (void)input;
  (void)results;
  return host->make_status(GRHOST_IO_ERROR, "disk on fire");
}

static const grhost_task_api fails_in_run_api = {
    sizeof(grhost_task_api), create_ok, destroy, GRHOST_SCOPE_PER_MODEL,
#ifdef BAD_MISSING_FUNCTION
    NULL
#else
    run_fails
#endif
};
static const grhost_task_api fails_in_create_api = {sizeof(grhost_task_api), create_fails, destroy,
                                                    GRHOST_SCOPE_PER_MODEL, run_fails};

/* A component followed by bytes this host does not know about. */
static struct {
  grhost_component component;
  char future_fields[16];
} fails_in_run = {{
#ifdef BAD_LARGE_STRUCT
    sizeof(grhost_component) + 16,
#else
    sizeof(grhost_component),
#endif
    GRHOST_KIND_TASK, "fails-in-run", "0.1.0", "a task whose run always fails", 0, NULL, &fails_in_run_api}, {0}};

static const grhost_component fails_in_create = {sizeof(grhost_component), GRHOST_KIND_TASK, "fails-in-create", "0.1.0",
                                                 "a task whose create always fails", 0, NULL, &fails_in_create_api};

static const grhost_component* const components[] = {&fails_in_run.component, &fails_in_create};

static const grhost_plugin plugin = {
    sizeof(grhost_plugin),
#ifdef BAD_MAJOR
    GRHOST_SDK_VERSION_MAJOR + 1,
#else
    GRHOST_SDK_VERSION_MAJOR,
#endif
#ifdef BAD_MINOR
    GRHOST_SDK_VERSION_MINOR + 1,
#else
    GRHOST_SDK_VERSION_MINOR,
#endif
    "bad-plugin",
#ifdef BAD_STAMP
    "torch=0.9.0;cxx11abi=1",
#else
    NULL,
#endif
    2, components};

#ifdef BAD_NO_ENTRY
__attribute__((visibility("default"))) const grhost_plugin* not_the_entry(const grhost_host_api* h) {
  host = h;
  return &plugin;
}
#else
__attribute__((visibility("default"))) const grhost_plugin* grhost_plugin_entry(const grhost_host_api* h) {
  host = h;
#ifdef BAD_NULL_ENTRY
  return NULL;
#else
  return &plugin;
#endif
}
#endif
