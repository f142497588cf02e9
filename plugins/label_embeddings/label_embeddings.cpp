// Model "label-embeddings": one vector per class name, computed elsewhere
// (a text encoder run in Python, GloVe, a CLIP text tower) and stored as a
// .npy matrix, so that language models stand beside vision models in RSA.
// Rows follow the dataset's class order, or the names in a text file.
#include "io/npy.hpp"

#include <grhost/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

namespace {

std::string expand_dataset(std::string pattern, const std::string& dataset) {
  const std::string key = "{dataset}";
  for (size_t p = pattern.find(key); p != std::string::npos; p = pattern.find(key, p + dataset.size()))
    pattern.replace(p, key.size(), dataset);
  return pattern;
}

// Class names compare without case and surrounding blanks ("Ankle boot" is "ankle boot ").
std::string name_key(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  std::string k = a == std::string::npos ? "" : s.substr(a, b - a + 1);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

class LabelEmbeddings : public grhost::Model {
 public:
  static constexpr const char* id = "label-embeddings";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "one vector per class name, computed elsewhere (.npy): a language model for RSA";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("embeddings", nullptr,
                            "float32/float64 .npy matrix, one row per class; {dataset} is replaced by the dataset's id"),
        grhost::option_path("classes", "",
                            "text file naming each row's class, one per line ({dataset} replaced); empty: rows are "
                            "in the dataset's class order"),
    };
  }

  explicit LabelEmbeddings(const grhost::Options& o) : embeddings_(o.get_string("embeddings")), classes_(o.get_string("classes")) {}

  grhost::ModelInfo info() const override { return {}; }

  DLManagedTensor* class_embeddings(const std::string& dataset, const std::vector<std::string>& names) override {
    using grhost::io::DType;
    const std::string path = expand_dataset(embeddings_, dataset);
    grhost::io::NpyArray a;
    try {
      a = grhost::io::read_npy(path);
    } catch (const std::exception& e) {
      throw grhost::Error(e.what(), GRHOST_IO_ERROR);
    }
    if (a.shape.size() != 2 || (a.dtype != DType::float32 && a.dtype != DType::float64))
      throw grhost::Error(path + ": expected a 2-D float32 or float64 array (classes x dimensions), got a " +
                          std::to_string(a.shape.size()) + "-D " + grhost::io::dtype_name(a.dtype) + " array");
    const int64_t rows = a.shape[0], dim = a.shape[1];
    auto value = [&](int64_t r, int64_t d) {
      return a.dtype == DType::float32 ? a.as<float>()[r * dim + d] : static_cast<float>(a.as<double>()[r * dim + d]);
    };
    const std::vector<int64_t> row_of = rows_for(dataset, names, rows, path);
    std::vector<float> out;
    out.reserve(names.size() * static_cast<size_t>(dim));
    for (int64_t r : row_of)
      for (int64_t d = 0; d < dim; ++d) out.push_back(value(r, d));
    return grhost::to_dlpack(std::move(out), {static_cast<int64_t>(names.size()), dim});
  }

 private:
  // The matrix row of each of the dataset's classes.
  std::vector<int64_t> rows_for(const std::string& dataset, const std::vector<std::string>& names, int64_t rows,
                                const std::string& path) const {
    std::vector<int64_t> row_of;
    if (classes_.empty()) {
      if (rows != static_cast<int64_t>(names.size()))
        throw grhost::Error(path + ": " + std::to_string(rows) + " rows, but dataset '" + dataset + "' has " +
                            std::to_string(names.size()) + " classes (give 'classes' to name each row)");
      for (int64_t r = 0; r < rows; ++r) row_of.push_back(r);
      return row_of;
    }
    const std::string list = expand_dataset(classes_, dataset);
    std::ifstream in(list);
    if (!in) throw grhost::Error(list + ": cannot be read", GRHOST_IO_ERROR);
    std::map<std::string, int64_t> by_name;
    int64_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      const std::string k = name_key(line);
      if (k.empty()) continue;
      if (!by_name.emplace(k, static_cast<int64_t>(by_name.size())).second)
        throw grhost::Error(list + ":" + std::to_string(line_no) + ": class '" + k + "' is named twice");
    }
    if (static_cast<int64_t>(by_name.size()) != rows)
      throw grhost::Error(list + ": names " + std::to_string(by_name.size()) + " classes, but " + path + " has " +
                          std::to_string(rows) + " rows");
    std::string missing;
    for (const std::string& n : names) {
      auto it = by_name.find(name_key(n));
      if (it == by_name.end()) missing += (missing.empty() ? "'" : ", '") + n + "'";
      else row_of.push_back(it->second);
    }
    if (!missing.empty())
      throw grhost::Error(list + ": no row for class(es) " + missing + " of dataset '" + dataset + "'");
    return row_of;
  }

  std::string embeddings_, classes_;
};

}  // namespace

GRHOST_PLUGIN("grhost-label-embeddings", LabelEmbeddings)
