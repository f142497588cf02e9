// Small pieces every dataset reader needs in the same form.
#pragma once

#include <grhost/tensor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::datasets {

/// Throws unless 0 <= index < size, with the message every reader gives.
inline void check_image_index(int64_t index, size_t size) {
  if (index < 0 || index >= static_cast<int64_t>(size))
    throw Error("image index " + std::to_string(index) + " is out of range", GRHOST_INVALID_ARGUMENT);
}

/// Labels stored as bytes, handed to the host as an int64 vector.
inline DLManagedTensor* labels_tensor(const std::vector<uint8_t>& labels) {
  const auto n = static_cast<int64_t>(labels.size());
  return to_dlpack(std::vector<int64_t>(labels.begin(), labels.end()), {n});
}

}  // namespace grhost::datasets
