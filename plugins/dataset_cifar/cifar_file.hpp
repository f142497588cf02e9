// CIFAR's binary version: batch files of fixed-size records (label bytes,
// then a 32x32 image as three planes: 1024 red, 1024 green, 1024 blue bytes,
// each row-major), and class-name files with one name a line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace grhost::cifar {

constexpr size_t kImageSide = 32;
constexpr size_t kImageBytes = 3 * kImageSide * kImageSide;

/// The images and labels of one or more batch files, in file order.
struct Batches {
  std::vector<uint8_t> labels;  // one per image
  std::vector<uint8_t> pixels;  // kImageBytes per image, planar as stored
};

/// Appends the records of `path` to `out`. A record is `label_bytes` label
/// bytes, of which the one at `label_index` is kept, then kImageBytes of
/// pixels. Checks that the file is a whole number of records and that every
/// kept label is below `num_classes`. Throws std::runtime_error naming the
/// file and what is wrong.
void read_batch(const std::string& path, size_t label_bytes, size_t label_index, size_t num_classes, Batches& out);

/// The non-empty lines of `path`, without surrounding white space; throws
/// std::runtime_error unless there are exactly `expected` of them.
std::vector<std::string> read_class_names(const std::string& path, size_t expected);

}  // namespace grhost::cifar
