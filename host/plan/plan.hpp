// The plan: the manifest's tasks × datasets × models as an ordered job list.
// Per-model tasks get one job per (dataset, model); across-model tasks (RSA)
// one job per dataset with every model. The order is the manifest's, so the
// results' order is too.
#pragma once

#include "manifest/manifest.hpp"

#include <string>
#include <vector>

namespace grhost::plan {

struct Job {
  const manifest::Entry* task = nullptr;
  const manifest::Entry* dataset = nullptr;
  std::vector<const manifest::Entry*> models;
  /// "few-shot/fmnist/pixels" (or ".../all-models"): names the job in logs and caches.
  std::string name;
};

std::vector<Job> make_plan(const manifest::Manifest& m);

}  // namespace grhost::plan
