// Calling a dataset component's functions the way the host does, for the
// dataset tests: describe, split sizes, labels, images and the errors they give.
#pragma once

#include "support/plugin_instance.hpp"

#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace grhost::test {

struct DatasetDescription {
  std::vector<std::string> classes, splits;
  std::string fingerprint;
};

inline DatasetDescription describe_dataset(const ComponentUnderTest& d) {
  grhost_dataset_info info{};
  info.struct_size = sizeof(info);
  plugins::call_plugin(d.component(), "describe", [&] { return d.component().dataset.describe(d.instance->raw(), &info); });
  DatasetDescription out;
  for (int64_t i = 0; i < info.num_classes; ++i) out.classes.emplace_back(info.class_names[i]);
  for (int64_t i = 0; i < info.num_splits; ++i) out.splits.emplace_back(info.split_names[i]);
  out.fingerprint = info.fingerprint;
  return out;
}

inline int64_t dataset_split_size(const ComponentUnderTest& d, int64_t split) {
  int64_t n = -1;
  plugins::call_plugin(d.component(), "split_size", [&] { return d.component().dataset.split_size(d.instance->raw(), split, &n); });
  return n;
}

inline std::vector<int64_t> dataset_labels(const ComponentUnderTest& d, int64_t split) {
  DLManagedTensor* raw = nullptr;
  plugins::call_plugin(d.component(), "labels", [&] { return d.component().dataset.labels(d.instance->raw(), split, &raw); });
  plugins::ManagedTensor t(raw);
  const auto* p = static_cast<const int64_t*>(t->dl_tensor.data);
  return std::vector<int64_t>(p, p + t->dl_tensor.shape[0]);
}

/// One image as read_image returns it: HWC shape, pixels and label.
struct DatasetImage {
  std::vector<int64_t> shape;
  std::vector<uint8_t> pixels;
  int64_t label = -1;
};

inline DatasetImage read_dataset_image(const ComponentUnderTest& d, int64_t split, int64_t index) {
  DatasetImage out;
  DLManagedTensor* raw = nullptr;
  plugins::call_plugin(d.component(), "read_image",
                       [&] { return d.component().dataset.read_image(d.instance->raw(), split, index, &raw, &out.label); });
  plugins::ManagedTensor t(raw);
  out.shape.assign(t->dl_tensor.shape, t->dl_tensor.shape + t->dl_tensor.ndim);
  const auto* p = static_cast<const uint8_t*>(t->dl_tensor.data);
  out.pixels.assign(p, p + std::accumulate(out.shape.begin(), out.shape.end(), int64_t{1}, std::multiplies<>()));
  return out;
}

/// read_dataset_image's pixels, with its label and HWC shape through out-parameters.
inline std::vector<uint8_t> image_pixels(const ComponentUnderTest& d, int64_t split, int64_t index, int64_t* label,
                                         std::vector<int64_t>* shape) {
  DatasetImage image = read_dataset_image(d, split, index);
  *label = image.label;
  *shape = image.shape;
  return image.pixels;
}

/// The message a plugin call fails with, without the host's prefix
/// ("dataset 'x' (file): describe failed (I/O error): "); "" if it succeeds.
inline std::string plugin_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::exception& e) {
    const std::string what = e.what();
    const size_t failed = what.find(" failed (");
    const size_t colon = failed == std::string::npos ? std::string::npos : what.find("): ", failed);
    return colon == std::string::npos ? what : what.substr(colon + 3);
  }
  return "";
}

}  // namespace grhost::test
