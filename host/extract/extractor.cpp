#include "extract/extractor.hpp"

#include "extract/preprocess.hpp"
#include "extract/progress.hpp"
#include "util/errors.hpp"

#include <ATen/ATen.h>
#include <ATen/DLConvertor.h>
#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>
#include <omp.h>
#include <tbb/concurrent_queue.h>
#include <tbb/parallel_pipeline.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>

namespace grhost::extract {
namespace {

struct Batch {
  int64_t begin = 0, count = 0;
  at::Tensor pixels;  // [count, 3, H, W], preprocessed
};

std::vector<int64_t> split_labels(plugins::Instance& dataset, int64_t split, int64_t n) {
  const plugins::Component& c = dataset.component();
  DLManagedTensor* raw = nullptr;
  plugins::call_plugin(c, "labels", [&] { return c.dataset.labels(dataset.raw(), split, &raw); });
  plugins::ManagedTensor t(raw);
  if (!t || t->dl_tensor.ndim != 1 || t->dl_tensor.shape[0] != n || t->dl_tensor.dtype.code != kDLInt ||
      t->dl_tensor.dtype.bits != 64)
    throw PluginError(c.describe() + ": labels must be an int64 vector of " + std::to_string(n) + " entries");
  const auto* p = reinterpret_cast<const int64_t*>(static_cast<const char*>(t->dl_tensor.data) + t->dl_tensor.byte_offset);
  return std::vector<int64_t>(p, p + n);
}

}  // namespace

plugins::ManagedTensor read_image(plugins::Instance& dataset, int64_t split, int64_t index, int64_t* label) {
  const plugins::Component& c = dataset.component();
  DLManagedTensor* raw = nullptr;
  plugins::call_plugin(c, "read_image", [&] { return c.dataset.read_image(dataset.raw(), split, index, &raw, label); });
  if (raw == nullptr) throw PluginError(c.describe() + ": read_image returned no image");
  if (raw->dl_tensor.ndim != 3) {
    raw->deleter(raw);
    throw PluginError(c.describe() + ": read_image must return an HWC image");
  }
  return plugins::ManagedTensor(raw);
}

void set_intra_op_threads(int threads) { at::set_num_threads(std::max(1, threads)); }

CachedFeatures extract_split(const ExtractRequest& rq, const FeatureCache& cache) {
  plugins::Instance& dataset = *rq.dataset;
  plugins::Instance& model = *rq.model;
  const plugins::Component& dc = dataset.component();
  const plugins::Component& mc = model.component();
  int64_t n = 0;
  plugins::call_plugin(dc, "split_size", [&] { return dc.dataset.split_size(dataset.raw(), rq.split, &n); });
  if (n <= 0) throw UserError(rq.label + ": the split is empty");

  // Every image of a batch gets the same size; the first image tells which.
  int64_t first_label = 0;
  plugins::ManagedTensor first = read_image(dataset, rq.split, 0, &first_label);
  const auto [out_h, out_w] = output_size(rq.spec, first->dl_tensor.shape[0], first->dl_tensor.shape[1]);
  first.reset();

  const int64_t chunk_rows = cache.chunk_rows();
  const int64_t chunks = (n + chunk_rows - 1) / chunk_rows;
  std::vector<char> have(static_cast<size_t>(chunks));
  int64_t done_rows = 0;
  for (int64_t k = 0; k < chunks; ++k) {
    have[k] = cache.has_chunk(k);
    if (have[k]) done_rows += std::min(chunk_rows, n - k * chunk_rows);
  }
  if (done_rows > 0) spdlog::info("{}: resuming, {} of {} images already in the cache", rq.label, done_rows, n);

  // Batches never straddle a chunk, so each chunk is written as soon as its last batch is in.
  std::vector<std::pair<int64_t, int64_t>> todo;  // (begin, count)
  for (int64_t k = 0; k < chunks; ++k) {
    if (have[k]) continue;
    const int64_t end = std::min(n, (k + 1) * chunk_rows);
    for (int64_t b = k * chunk_rows; b < end; b += rq.batch_size) todo.emplace_back(b, std::min(rq.batch_size, end - b));
  }

  Progress progress(rq.label, n, done_rows);
  // Where the time goes: summed over the batches of each stage.
  std::atomic<int64_t> prepare_ns{0}, forward_ns{0};
  auto since = [](std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
  };
  int64_t dim = -1;
  std::vector<float> pending;  // rows of the chunk being filled
  int64_t pending_chunk = -1;

  // Read and preprocess one batch (any thread; the dataset's read_image is thread-safe).
  auto prepare = [&](Batch& b) {
    const auto t0 = std::chrono::steady_clock::now();
    // One OpenMP thread for preprocessing ops: batches already run in
    // parallel, and a team per batch would compete with the forward pass.
    at::internal::lazy_init_num_threads();  // ATen sets the team size once per thread; ours comes after
    const int saved_team = omp_get_max_threads();
    omp_set_num_threads(1);
    b.pixels = at::empty({b.count, 3, out_h, out_w}, at::kFloat);
    for (int64_t i = 0; i < b.count; ++i) {
      int64_t label = 0;
      plugins::ManagedTensor img = read_image(dataset, rq.split, b.begin + i, &label);
      at::Tensor slot = b.pixels[i];
      preprocess_into(img->dl_tensor, rq.spec, slot, rq.label + " image " + std::to_string(b.begin + i));
    }
    omp_set_num_threads(saved_team);
    prepare_ns += since(t0);
  };
  // The model's forward pass on one batch, and its rows into the cache (in order).
  auto consume = [&](const Batch& b) {
    const auto t0 = std::chrono::steady_clock::now();
    DLManagedTensor* input = at::toDLPack(b.pixels);
    plugins::ManagedTensor input_owner(input);
    DLManagedTensor* raw = nullptr;
    plugins::call_plugin(mc, "embed", [&] { return mc.model.embed(model.raw(), &input->dl_tensor, &raw); });
    plugins::ManagedTensor out(raw);
    const DLTensor& f = out ? out->dl_tensor : DLTensor{};
    if (!out || f.ndim != 2 || f.shape[0] != b.count || f.dtype.code != kDLFloat || f.dtype.bits != 32 ||
        f.device.device_type != kDLCPU)
      throw PluginError(mc.describe() + ": embed must return float32 CPU features of shape (" + std::to_string(b.count) +
                        ", D)");
    if (dim < 0) dim = f.shape[1];
    if (f.shape[1] != dim) throw PluginError(mc.describe() + ": embed changed its feature dimension mid-split");
    const int64_t chunk = b.begin / chunk_rows;
    if (chunk != pending_chunk) {
      pending.clear();
      pending_chunk = chunk;
    }
    const auto* p = reinterpret_cast<const float*>(static_cast<const char*>(f.data) + f.byte_offset);
    pending.insert(pending.end(), p, p + b.count * dim);
    const int64_t chunk_end = std::min(n, (chunk + 1) * chunk_rows);
    if (b.begin + b.count == chunk_end) cache.write_chunk(chunk, pending.data(), chunk_end - chunk * chunk_rows, dim);
    forward_ns += since(t0);
    progress.advance(b.count);
  };

  // The model always runs on this thread: LibTorch's OpenMP keeps one pool
  // of workers per calling thread, and a forward pass hopping between TBB
  // threads would wake several pools that compete for the same cores. A
  // producer thread feeds it through a bounded queue, preprocessing batches
  // in parallel and handing them over in order.
  const size_t tokens = static_cast<size_t>(std::max(2, rq.threads + 1));
  tbb::concurrent_bounded_queue<std::shared_ptr<Batch>> ready;
  ready.set_capacity(static_cast<std::ptrdiff_t>(tokens));
  std::exception_ptr producer_error;
  std::atomic<bool> stop{false};
  std::thread producer([&] {
    try {
      size_t next = 0;
      tbb::parallel_pipeline(
          tokens,
          tbb::make_filter<void, std::shared_ptr<Batch>>(tbb::filter_mode::serial_in_order,
                                                         [&](tbb::flow_control& fc) -> std::shared_ptr<Batch> {
                                                           if (next == todo.size() || stop) {
                                                             fc.stop();
                                                             return nullptr;
                                                           }
                                                           auto b = std::make_shared<Batch>();
                                                           std::tie(b->begin, b->count) = todo[next++];
                                                           return b;
                                                         }) &
              tbb::make_filter<std::shared_ptr<Batch>, std::shared_ptr<Batch>>(
                  tbb::filter_mode::parallel, [&](std::shared_ptr<Batch> b) {
                    prepare(*b);
                    return b;
                  }) &
              tbb::make_filter<std::shared_ptr<Batch>, void>(tbb::filter_mode::serial_in_order,
                                                             [&](std::shared_ptr<Batch> b) { ready.push(std::move(b)); }));
    } catch (...) {
      producer_error = std::current_exception();
    }
    try {
      ready.push(nullptr);  // the end, or the producer's failure
    } catch (...) {
    }
  });
  try {
    for (std::shared_ptr<Batch> b; (ready.pop(b), b != nullptr);) consume(*b);
  } catch (...) {
    stop = true;
    ready.abort();  // wakes a producer blocked on a full queue
    producer.join();
    throw;
  }
  producer.join();
  if (producer_error) std::rethrow_exception(producer_error);
  progress.finish();
  if (!todo.empty())
    spdlog::info("{}: model forward and cache writes {:.2f} s; reading and preprocessing {:.2f} s of work on parallel threads", rq.label,
                 static_cast<double>(forward_ns.load()) * 1e-9, static_cast<double>(prepare_ns.load()) * 1e-9);

  // Assemble from the chunks on disk: one code path whether resumed or not.
  CachedFeatures all;
  all.rows = n;
  all.features.reserve(static_cast<size_t>(n * std::max<int64_t>(dim, 1)));
  for (int64_t k = 0; k < chunks; ++k) {
    const int64_t d = cache.read_chunk(k, std::min(chunk_rows, n - k * chunk_rows), all.features);
    if (all.dim == 0) all.dim = d;
    if (d != all.dim) throw UserError(cache.folder() + ": chunks of different dimensions; delete the folder to recompute");
  }
  all.labels = split_labels(dataset, rq.split, n);
  cache.finish(all);
  return all;
}

}  // namespace grhost::extract
