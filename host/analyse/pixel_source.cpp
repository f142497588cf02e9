#include "analyse/pixel_source.hpp"

#include "extract/extractor.hpp"
#include "extract/preprocess.hpp"
#include "plugins/status.hpp"
#include "util/errors.hpp"
#include "util/suggest.hpp"

#include <grhost/tensor.hpp>

#include <ATen/ATen.h>
#include <ATen/DLConvertor.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <exception>

namespace grhost::analyse {

PixelSource::PixelSource(plugins::Instance& dataset, std::map<std::string, int64_t> split_indices, std::string test_split,
                         const grhost_input_spec& spec, int threads)
    : dataset_(dataset), splits_(std::move(split_indices)), test_split_(std::move(test_split)), spec_(spec), threads_(threads) {
  for (int c = 0; c < 3; ++c) {
    spec_.mean[c] = 0.0f;
    spec_.std[c] = 1.0f;
  }
  raw_.struct_size = sizeof(raw_);
  raw_.context = this;
  raw_.split_size = &PixelSource::size_call;
  raw_.read = &PixelSource::read_call;
}

int64_t PixelSource::split_index(const char* split) const {
  const std::string name = split == nullptr || *split == '\0' ? test_split_ : split;
  auto it = splits_.find(name);
  if (it == splits_.end()) {
    std::vector<std::string> names;
    for (const auto& [n, i] : splits_) names.push_back(n);
    throw UserError(dataset_.component().describe() + " has no split '" + name + "' (it has: " + join(names) + ")");
  }
  return it->second;
}

grhost_status* PixelSource::size_call(void* self, const char* split, int64_t* out) {
  return plugins::status_of([&] {
    auto* p = static_cast<PixelSource*>(self);
    const plugins::Component& c = p->dataset_.component();
    const int64_t s = p->split_index(split);
    plugins::call_plugin(c, "split_size", [&] { return c.dataset.split_size(p->dataset_.raw(), s, out); });
  });
}

grhost_status* PixelSource::read_call(void* self, const char* split, const int64_t* indices, int64_t count,
                                      DLManagedTensor** images, DLManagedTensor** labels) {
  return plugins::status_of([&] {
    auto* p = static_cast<PixelSource*>(self);
    const plugins::Component& c = p->dataset_.component();
    const int64_t s = p->split_index(split);
    if (count <= 0 || indices == nullptr) throw UserError("pixel read of no images");
    int64_t n = 0;
    plugins::call_plugin(c, "split_size", [&] { return c.dataset.split_size(p->dataset_.raw(), s, &n); });
    for (int64_t i = 0; i < count; ++i)
      if (indices[i] < 0 || indices[i] >= n)
        throw UserError("image index " + std::to_string(indices[i]) + " is outside the split's " + std::to_string(n) + " images");
    // Every image of the batch gets the size of the first.
    int64_t first_label = 0;
    plugins::ManagedTensor first = extract::read_image(p->dataset_, s, indices[0], &first_label);
    const auto [h, w] = extract::output_size(p->spec_, first->dl_tensor.shape[0], first->dl_tensor.shape[1]);
    first.reset();
    at::Tensor out = at::empty({count, 3, h, w}, at::kFloat);
    std::vector<int64_t> ys(static_cast<size_t>(count));
    tbb::task_arena arena(std::max(1, p->threads_));
    arena.execute([&] {
      tbb::parallel_for(int64_t{0}, count, [&](int64_t i) {
        plugins::ManagedTensor img = extract::read_image(p->dataset_, s, indices[i], &ys[static_cast<size_t>(i)]);
        at::Tensor slot = out[i];
        extract::preprocess_into(img->dl_tensor, p->spec_, slot, c.describe() + " image " + std::to_string(indices[i]));
      });
    });
    *images = at::toDLPack(out);
    *labels = grhost::to_dlpack(std::move(ys), {count});
  });
}

}  // namespace grhost::analyse
