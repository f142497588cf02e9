// A dataset's images as a live-model task gets them (grhost_pixel_source):
// decoded, resized and cropped for one model by the host's preprocessing,
// as float32 NCHW pixels in [0, 1], without the model's normalisation (the
// live model applies it, so that attacks work in pixel space).
#pragma once

#include "manifest/manifest.hpp"
#include "plugins/instance.hpp"

#include <grhost/grhost.h>

#include <map>
#include <string>

namespace grhost::analyse {

class PixelSource {
 public:
  /// `split_indices`: split name → index into the dataset's split names;
  /// `test_split` is what "" means.
  PixelSource(plugins::Instance& dataset, std::map<std::string, int64_t> split_indices, std::string test_split,
              const grhost_input_spec& spec, int threads);
  PixelSource(const PixelSource&) = delete;
  PixelSource& operator=(const PixelSource&) = delete;

  const grhost_pixel_source& raw() const { return raw_; }

 private:
  int64_t split_index(const char* split) const;
  static grhost_status* size_call(void* self, const char* split, int64_t* out);
  static grhost_status* read_call(void* self, const char* split, const int64_t* indices, int64_t count,
                                  DLManagedTensor** images, DLManagedTensor** labels);

  plugins::Instance& dataset_;
  std::map<std::string, int64_t> splits_;
  std::string test_split_;
  grhost_input_spec spec_;  // the model's, with mean 0 and std 1
  int threads_;
  grhost_pixel_source raw_{};
};

}  // namespace grhost::analyse
