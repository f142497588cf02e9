// Extraction: features of every image of one dataset split through one
// model, as a pipeline that keeps the model busy. Reading and preprocessing
// batch k+1 (in parallel, TBB) overlaps the model's forward pass on batch k
// (serial, in order); at most `tokens` batches are alive, which bounds memory.
// Rows are stored in cache chunks as they arrive, so a killed run resumes.
#pragma once

#include "extract/feature_cache.hpp"
#include "plugins/instance.hpp"

#include <string>

namespace grhost::extract {

struct ExtractRequest {
  plugins::Instance* model = nullptr;
  plugins::Instance* dataset = nullptr;
  int64_t split = 0;         // index into the dataset's split names
  std::string label;         // "resnet50 × imagenet/val", for progress and errors
  grhost_input_spec spec{};  // the model's, as described
  int64_t batch_size = 64;
  int threads = 1;
};

/// One image (uint8 HWC) from the dataset plugin, owned until the scope ends.
plugins::ManagedTensor read_image(plugins::Instance& dataset, int64_t split, int64_t index, int64_t* label);

/// Sets LibTorch's intra-op threads (it defaults to one on Debian's build).
void set_intra_op_threads(int threads);

/// Returns every row's features and the split's labels, reading complete
/// chunks from `cache` and computing the rest; finishes the cache entry.
CachedFeatures extract_split(const ExtractRequest& request, const FeatureCache& cache);

}  // namespace grhost::extract
