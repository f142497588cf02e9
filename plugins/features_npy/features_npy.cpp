// Model "features-npy": serves features computed elsewhere, one .npy float
// matrix per (dataset, split), with labels from a .npy vector or else from
// the dataset. Paths may hold {dataset} and {split} placeholders.
#include "io/npy.hpp"

#include <grhost/plugin.hpp>

#include <cstring>

namespace {

std::string expand(std::string pattern, const std::string& dataset, const std::string& split) {
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{dataset}", dataset}, {"{split}", split}})
    for (size_t p = pattern.find(key); p != std::string::npos; p = pattern.find(key, p + value.size()))
      pattern.replace(p, key.size(), value);
  return pattern;
}

// Hands an NpyArray's bytes to the host without copying them.
DLManagedTensor* to_dlpack(grhost::io::NpyArray array, DLDataType dtype) {
  struct Owner {
    DLManagedTensor managed;
    grhost::io::NpyArray array;
  };
  auto* owner = new Owner{{}, std::move(array)};
  DLTensor& t = owner->managed.dl_tensor;
  t.data = owner->array.data.data();
  t.device = DLDevice{kDLCPU, 0};
  t.ndim = static_cast<int32_t>(owner->array.shape.size());
  t.dtype = dtype;
  t.shape = owner->array.shape.data();
  owner->managed.manager_ctx = owner;
  owner->managed.deleter = [](DLManagedTensor* self) { delete static_cast<Owner*>(self->manager_ctx); };
  return &owner->managed;
}

class FeaturesNpy : public grhost::Model {
 public:
  static constexpr const char* id = "features-npy";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "features computed elsewhere, read from .npy files";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("features", nullptr,
                            "float32/float64 .npy matrix (samples x dimensions) per dataset and split; "
                            "{dataset} and {split} are replaced"),
        grhost::option_path("labels", "",
                            "integer .npy vector of class indices per dataset and split; empty: the dataset's labels"),
    };
  }

  explicit FeaturesNpy(const grhost::Options& o) : features_(o.get_string("features")), labels_(o.get_string("labels")) {}

  grhost::ModelInfo info() const override { return {}; }  // dimension known once a file is read

  grhost::StoredFeatures stored_features(const std::string& dataset, const std::string& split) override {
    using grhost::io::DType;
    const std::string fpath = expand(features_, dataset, split);
    grhost::io::NpyArray f = read(fpath);
    if (f.shape.size() != 2 || (f.dtype != DType::float32 && f.dtype != DType::float64))
      throw grhost::Error(fpath + ": expected a 2-D float32 or float64 array (samples x dimensions), got a " +
                          std::to_string(f.shape.size()) + "-D " + grhost::io::dtype_name(f.dtype) + " array");
    grhost::StoredFeatures out;
    const int64_t rows = f.shape[0];
    const bool f64 = f.dtype == DType::float64;
    out.features = to_dlpack(std::move(f), DLDataType{kDLFloat, static_cast<uint8_t>(f64 ? 64 : 32), 1});
    if (!labels_.empty()) {
      const std::string lpath = expand(labels_, dataset, split);
      grhost::io::NpyArray l = read(lpath);
      if (l.shape.size() != 1 || (l.dtype != DType::int64 && l.dtype != DType::int32 && l.dtype != DType::uint8)) {
        out.features->deleter(out.features);
        throw grhost::Error(lpath + ": expected a 1-D integer array of class indices, got a " +
                            std::to_string(l.shape.size()) + "-D " + grhost::io::dtype_name(l.dtype) + " array");
      }
      if (l.shape[0] != rows) {
        out.features->deleter(out.features);
        throw grhost::Error(lpath + ": " + std::to_string(l.shape[0]) + " labels, but " + fpath + " has " +
                            std::to_string(rows) + " rows");
      }
      std::vector<int64_t> labels(static_cast<size_t>(l.shape[0]));
      for (size_t i = 0; i < labels.size(); ++i)
        labels[i] = l.dtype == DType::int64 ? l.as<int64_t>()[i] : l.dtype == DType::int32 ? l.as<int32_t>()[i] : l.as<uint8_t>()[i];
      out.labels = grhost::to_dlpack(std::move(labels), {l.shape[0]});
    }
    return out;
  }

 private:
  static grhost::io::NpyArray read(const std::string& path) {
    try {
      return grhost::io::read_npy(path);
    } catch (const std::exception& e) {
      throw grhost::Error(e.what(), GRHOST_IO_ERROR);
    }
  }
  std::string features_, labels_;
};

}  // namespace

GRHOST_PLUGIN("grhost-features-npy", FeaturesNpy)
