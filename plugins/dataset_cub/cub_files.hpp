// CUB-200-2011's metadata files, read and cross-checked: images.txt
// ("<image id> <path under images/>"), train_test_split.txt ("<image id>
// <1 train, 0 test>"), image_class_labels.txt ("<image id> <class id>") and
// classes.txt ("<class id> <NNN.Name_With_Underscores>"), ids from 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grhost::cub {

/// The four metadata files, in the order the reader checks them.
extern const char* const kMetadataFiles[4];

struct CubImage {
  std::string path;   // absolute: <root>/images/<relative path>
  bool train = false;
  int64_t label = 0;  // class id - 1
};

struct CubCatalogue {
  std::vector<std::string> class_names;  // by label: "001.Black_footed_Albatross" as "Black footed Albatross"
  std::vector<CubImage> images;          // in image id order
};

/// Reads the metadata files in `root` and checks that every image id has a
/// line in each file, that class ids are in range and that every image
/// exists. Throws grhost::Error naming the file and line.
CubCatalogue read_cub(const std::string& root);

}  // namespace grhost::cub
