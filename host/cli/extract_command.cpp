#include "cli/commands.hpp"
#include "cli/session.hpp"
#include "extract/feature_store.hpp"
#include "io/npy.hpp"

#include <spdlog/spdlog.h>

#include <iostream>

namespace grhost::cli {

// Features of every model on every dataset split the manifest names, through
// the feature cache, exported to <output>/features/MODEL/DATASET/SPLIT_{features,labels}.npy.
int extract_command(const std::string& path, const std::string& output_override, const CommonOptions& common) {
  auto session = open_session(path, output_override, common);
  if (!session) return 2;
  const manifest::Manifest& m = session->manifest;
  extract::FeatureStore store(m);
  size_t failed = 0;
  for (const auto& dataset : m.datasets) {
    for (const auto& model : m.models) {
      for (const std::string& split : {dataset.train_split, dataset.test_split}) {
        try {
          const extract::SplitFeatures& f = store.get(model, dataset, split);
          const std::string base = m.output + "/features/" + model.id + "/" + dataset.id + "/" + split;
          io::write_npy(base + "_features.npy", io::DType::float32, {f.rows, f.dim}, f.features.data());
          io::write_npy(base + "_labels.npy", io::DType::int64, {f.rows}, f.labels.data());
          std::cout << base << "_features.npy  (" << f.rows << " x " << f.dim << ")\n";
        } catch (const std::exception& e) {
          spdlog::error("{} × {}/{}: {}", model.id, dataset.id, split, e.what());
          ++failed;
        }
      }
    }
    store.release(dataset);
  }
  spdlog::info("{} feature sets extracted, {} from the cache, {} failed", store.extractions(),
               m.models.size() * m.datasets.size() * 2 - store.extractions() - failed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace grhost::cli
