// The function table the host hands every plugin, and the host-side objects
// behind its opaque handles (grhost_options, grhost_results).
#pragma once

#include "manifest/schema.hpp"
#include "results/row.hpp"

#include <grhost/grhost.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

/// An instance's validated options, by name.
struct grhost_options {
  std::string owner;  // "task 'few-shot'", for messages
  std::map<std::string, grhost::manifest::Value> values;
};

namespace grhost::extract { class Progress; }

/// Collects what one task run writes.
struct grhost_results {
  std::string task, plugin, dataset, default_model, default_split;
  std::vector<grhost::results::Row> rows;
  std::vector<grhost::results::Matrix> matrices;
  // The step a task reports progress on (host_api().progress).
  std::unique_ptr<grhost::extract::Progress> progress;
  std::string progress_label;
  int64_t progress_done = 0;

  grhost_results();
  ~grhost_results();
  grhost_results(grhost_results&&) noexcept;
  grhost_results& operator=(grhost_results&&) noexcept;
};

namespace grhost::plugins {

/// The table passed to every grhost_plugin_entry; lives for the process.
const grhost_host_api& host_api();

}  // namespace grhost::plugins
