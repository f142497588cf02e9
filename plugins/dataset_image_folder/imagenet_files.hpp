// ImageNet's two text files as Kaggle's ILSVRC distribution ships them:
// LOC_synset_mapping.txt (readable class names) and LOC_val_solution.csv
// (labels of the flat validation folder).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace grhost::image_folder {

/// Readable class names keyed by class folder, from lines
/// "<folder> <name>[, <other names>]": "n01440764 tench, Tinca tinca" gives
/// "tench". Blank lines are skipped. Throws naming file and line for a
/// line without a name or a folder listed twice.
std::map<std::string, std::string> read_class_names(const std::string& path);

/// One row of a labels CSV: an image and its class folder.
struct LabelledImage {
  std::string image_id;
  std::string class_folder;
  int line = 0;  // in the CSV, for error messages
};

/// The rows of a CSV with the header "ImageId,PredictionString" and rows
/// "<image id>,<class folder> <box> [<class folder> <box>...]": the label is
/// the first token of PredictionString. Blank lines are skipped. Throws
/// naming file and line for a wrong header, a malformed row or an image id
/// listed twice.
std::vector<LabelledImage> read_labels_csv(const std::string& path);

}  // namespace grhost::image_folder
