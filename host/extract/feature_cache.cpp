#include "extract/feature_cache.hpp"

#include "io/atomic_file.hpp"
#include "io/npy.hpp"
#include "util/errors.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace grhost::extract {

std::string default_cache_root() {
  if (const char* d = std::getenv("GRHOST_CACHE_DIR"); d != nullptr && *d != '\0') return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') return std::string(x) + "/grhost";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return std::string(h) + "/.cache/grhost";
  return ".grhost-cache";
}

FeatureCache::FeatureCache(const std::string& root, const std::string& key, std::string describe, int64_t chunk_rows)
    : dir_(root + "/features/" + key), describe_(std::move(describe)), chunk_rows_(chunk_rows) {
  fs::create_directories(dir_);
}

// The chunk size is in the name: chunks of another size never pass for these.
std::string FeatureCache::chunk_path(int64_t chunk) const {
  return fmt::format("{}/chunk{}-{:06d}.npy", dir_, chunk_rows_, chunk);
}

bool FeatureCache::has_chunk(int64_t chunk) const {
  std::error_code ec;
  return fs::exists(chunk_path(chunk), ec);
}

int64_t FeatureCache::read_chunk(int64_t chunk, int64_t rows, std::vector<float>& out) const {
  io::NpyArray a = io::read_npy(chunk_path(chunk));
  if (a.dtype != io::DType::float32 || a.shape.size() != 2 || a.shape[0] != rows)
    throw std::runtime_error(chunk_path(chunk) + ": damaged chunk (expected float32, " + std::to_string(rows) +
                             " rows); delete it to recompute");
  out.insert(out.end(), a.as<float>(), a.as<float>() + a.numel());
  return a.shape[1];
}

void FeatureCache::write_chunk(int64_t chunk, const float* data, int64_t rows, int64_t dim) const {
  io::write_npy(chunk_path(chunk), io::DType::float32, {rows, dim}, data);
}

std::optional<CachedFeatures> FeatureCache::load() const {
  const std::string marker = dir_ + "/complete.json";
  std::error_code ec;
  if (!fs::exists(marker, ec)) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(io::read_file(marker));
    io::NpyArray f = io::read_npy(features_path());
    io::NpyArray l = io::read_npy(labels_path());
    CachedFeatures c;
    c.rows = j.at("rows").get<int64_t>();
    c.dim = j.at("dim").get<int64_t>();
    if (f.dtype != io::DType::float32 || f.shape != std::vector<int64_t>{c.rows, c.dim} || l.dtype != io::DType::int64 ||
        l.shape != std::vector<int64_t>{c.rows})
      throw std::runtime_error("shapes differ from complete.json");
    if (Hasher().bytes(f.data.data(), f.data.size()).hex() != j.at("features_hash").get<std::string>() ||
        Hasher().bytes(l.data.data(), l.data.size()).hex() != j.at("labels_hash").get<std::string>())
      throw std::runtime_error("content differs from the hash recorded in complete.json");
    c.features.assign(f.as<float>(), f.as<float>() + f.numel());
    c.labels.assign(l.as<int64_t>(), l.as<int64_t>() + l.numel());
    return c;
  } catch (const std::exception& e) {
    spdlog::warn("feature cache {} is damaged ({}); it is recomputed", dir_, e.what());
    fs::remove(marker, ec);
    return std::nullopt;
  }
}

void FeatureCache::finish(const CachedFeatures& all) const {
  io::write_npy(features_path(), io::DType::float32, {all.rows, all.dim}, all.features.data());
  io::write_npy(labels_path(), io::DType::int64, {all.rows}, all.labels.data());
  nlohmann::json j;
  j["rows"] = all.rows;
  j["dim"] = all.dim;
  j["features_hash"] = Hasher().bytes(all.features.data(), all.features.size() * sizeof(float)).hex();
  j["labels_hash"] = Hasher().bytes(all.labels.data(), all.labels.size() * sizeof(int64_t)).hex();
  j["covers"] = describe_;
  // The marker last: features and labels are complete before anything trusts them.
  io::write_file_atomic(dir_ + "/complete.json", j.dump(1) + "\n");
  for (int64_t k = 0; k * chunk_rows_ < all.rows; ++k) {
    std::error_code ec;
    fs::remove(chunk_path(k), ec);
  }
}

}  // namespace grhost::extract
