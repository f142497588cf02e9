#include "cifar_file.hpp"

#include <fstream>
#include <stdexcept>

namespace grhost::cifar {

void read_batch(const std::string& path, size_t label_bytes, size_t label_index, size_t num_classes, Batches& out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const size_t record = label_bytes + kImageBytes;
  const auto size = static_cast<size_t>(in.tellg());
  if (size % record != 0)
    throw std::runtime_error(path + ": truncated: " + std::to_string(size) + " bytes is not a multiple of the " +
                             std::to_string(record) + "-byte record");
  in.seekg(0);
  const size_t count = size / record, first = out.labels.size();
  out.labels.resize(first + count);
  out.pixels.resize((first + count) * kImageBytes);
  std::vector<char> label(label_bytes);
  for (size_t i = 0; i < count; ++i) {
    in.read(label.data(), static_cast<std::streamsize>(label_bytes));
    in.read(reinterpret_cast<char*>(out.pixels.data() + (first + i) * kImageBytes), kImageBytes);
    if (!in) throw std::runtime_error(path + ": read failed at record " + std::to_string(i));
    const auto y = static_cast<uint8_t>(label[label_index]);
    if (y >= num_classes)
      throw std::runtime_error(path + ": label " + std::to_string(y) + " at record " + std::to_string(i) +
                               " is not below the " + std::to_string(num_classes) + " class names");
    out.labels[first + i] = y;
  }
}

std::vector<std::string> read_class_names(const std::string& path, size_t expected) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<std::string> names;
  const char* blank = " \t\r";
  for (std::string line; std::getline(in, line);) {
    const size_t begin = line.find_first_not_of(blank);
    if (begin == std::string::npos) continue;  // the files end with empty lines
    names.push_back(line.substr(begin, line.find_last_not_of(blank) + 1 - begin));
  }
  if (names.size() != expected)
    throw std::runtime_error(path + ": " + std::to_string(names.size()) + " class names, expected " +
                             std::to_string(expected) + " (one a line)");
  return names;
}

}  // namespace grhost::cifar
