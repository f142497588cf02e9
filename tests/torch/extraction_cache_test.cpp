// The feature cache: a second run does no forward pass; a change to the
// model file, the layer, the preprocessing or the dataset recomputes exactly
// the features it affects; a run killed with SIGKILL mid-extraction resumes
// and ends with the features of an uninterrupted run.
#include "io/npy.hpp"
#include "support/test_support.hpp"
#include "torch/fixtures.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <regex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace grhost::test {
namespace {

// "N feature sets extracted, M from the cache" from `grhost extract`.
std::pair<int, int> extract_counts(const std::string& output) {
  std::smatch m;
  if (!std::regex_search(output, m, std::regex("(\\d+) feature sets extracted, (\\d+) from the cache"))) return {-1, -1};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

class CacheInvalidation : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::copy(fixture("idx"), dir / "a");
    fs::copy(fixture("idx"), dir / "b");
    fs::copy_file(fixture("small_cnn.pt"), dir / "cnn.pt");
    write_manifest("method: features", "crop: 32");
  }
  void write_manifest(const std::string& cnn_features, const std::string& r50_crop) {
    write_text(dir / "m.yaml",
               "threads: 2\ncache: cache\noutput: out\n"
               "datasets:\n"
               "  - {id: a, plugin: idx, options: {root: a, classes: [x, y, z]}}\n"
               "  - {id: b, plugin: idx, options: {root: b, classes: [x, y, z]}}\n"
               "models:\n"
               "  - {id: cnn, plugin: torchscript, options: {file: cnn.pt, " + cnn_features + ", resize: 32, crop: 28}}\n"
               "  - {id: r50, plugin: torchscript, options: {file: " + fixture("resnet50.pt") +
               ", layer: avgpool, resize: 32, " + r50_crop + "}}\n"
               "tasks: [{plugin: few-shot}]\n");
  }
  std::pair<int, int> extract() {
    CommandResult r = run_grhost("extract " + dir / "m.yaml");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return extract_counts(r.output);
  }
  TempDir dir;
};

TEST_F(CacheInvalidation, SecondRunDoesNoForwardPass) {
  EXPECT_EQ(extract(), std::make_pair(8, 0));  // 2 models x 2 datasets x 2 splits
  const std::string first = read_text(dir / "out/features/r50/a/train_features.npy");
  EXPECT_EQ(extract(), std::make_pair(0, 8));
  EXPECT_EQ(read_text(dir / "out/features/r50/a/train_features.npy"), first);
}

TEST_F(CacheInvalidation, ModelFileChangeRecomputesThatModelOnly) {
  extract();
  fs::copy_file(fixture("small_cnn_retrained.pt"), dir / "cnn.pt", fs::copy_options::overwrite_existing);
  EXPECT_EQ(extract(), std::make_pair(4, 4));
}

TEST_F(CacheInvalidation, LayerChangeRecomputesThatModelOnly) {
  extract();
  write_manifest("layer: body", "crop: 32");
  EXPECT_EQ(extract(), std::make_pair(4, 4));
}

TEST_F(CacheInvalidation, PreprocessingChangeRecomputesThatModelOnly) {
  extract();
  write_manifest("method: features", "crop: 28");
  EXPECT_EQ(extract(), std::make_pair(4, 4));
}

TEST_F(CacheInvalidation, DatasetChangeRecomputesThatDatasetOnly) {
  extract();
  // Another image file for dataset a: both its splits, for both models.
  fs::copy_file(dir / "a/train-images-idx3-ubyte.gz", dir / "tmp.gz");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a later mtime even on coarse clocks
  fs::copy_file(dir / "tmp.gz", dir / "a/train-images-idx3-ubyte.gz", fs::copy_options::overwrite_existing);
  EXPECT_EQ(extract(), std::make_pair(4, 4));
}

TEST_F(CacheInvalidation, DamagedCacheEntryIsRecomputed) {
  extract();
  for (const auto& e : fs::recursive_directory_iterator(dir / "cache"))
    if (e.path().filename() == "features.npy") {
      std::string bytes = read_text(e.path().string());
      bytes[bytes.size() - 1] ^= 0x55;  // one flipped byte
      write_text(e.path().string(), bytes);
      break;
    }
  CommandResult r = run_grhost("extract " + dir / "m.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("is damaged (content differs from the hash recorded in complete.json); it is recomputed"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(extract_counts(r.output), std::make_pair(1, 7));
}

// An IDX dataset of n random 28x28 images, large enough to kill mid-way.
void write_random_idx(const std::string& dir, uint32_t n_train, uint32_t n_test) {
  fs::create_directories(dir);
  uint64_t s = 42;
  auto byte = [&] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<char>(s >> 56);
  };
  for (const auto& [prefix, n] : {std::pair<std::string, uint32_t>{"train", n_train}, {"t10k", n_test}}) {
    std::string img = {0, 0, 8, 3}, lbl = {0, 0, 8, 1};
    for (uint32_t v : {n, 28u, 28u})
      for (int b = 3; b >= 0; --b) img.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
    for (int b = 3; b >= 0; --b) lbl.push_back(static_cast<char>((n >> (8 * b)) & 0xff));
    for (uint32_t i = 0; i < n * 28 * 28; ++i) img.push_back(byte());
    for (uint32_t i = 0; i < n; ++i) lbl.push_back(static_cast<char>(i % 10));
    write_text(dir + "/" + prefix + "-images-idx3-ubyte", img);
    write_text(dir + "/" + prefix + "-labels-idx1-ubyte", lbl);
  }
}

int count_chunks(const std::string& cache) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(cache, ec))
    if (e.path().extension() == ".npy" && e.path().filename().string().rfind("chunk", 0) == 0) ++n;
  return n;
}

TEST(CacheResume, SigkillMidExtractionThenRerunEqualsAnUninterruptedRun) {
  TempDir dir;
  write_random_idx(dir / "data", 768, 16);
  auto manifest = [&](const std::string& cache) {
    return "threads: 2\ncache: " + cache + "\ncache_chunk_rows: 32\noutput: out\n"
           "datasets: [{id: noise, plugin: idx, options: {root: data}}]\n"
           "models: [{id: r50, plugin: torchscript, batch_size: 16, options: {file: " + fixture("resnet50.pt") +
           ", layer: avgpool, resize: 32, crop: 32}}]\n"
           "tasks: [{plugin: few-shot}]\n";
  };
  write_text(dir / "killed.yaml", manifest("cache-killed"));
  write_text(dir / "clean.yaml", manifest("cache-clean"));

  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string cmd = "exec env -u GRHOST_PLUGIN_PATH " GRHOST_TEST_BIN " extract " + dir / "killed.yaml" + " > " +
                            dir / "killed.log" + " 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it once a few chunks of the train split are on disk.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (count_chunks(dir / "cache-killed") < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "grhost finished before it could be killed:\n" << read_text(dir / "killed.log");
  const int chunks_at_kill = count_chunks(dir / "cache-killed");
  ASSERT_GE(chunks_at_kill, 3);
  ASSERT_LT(chunks_at_kill, 24) << "the train split (24 chunks) was already complete";

  CommandResult resumed = run_grhost("extract " + dir / "killed.yaml");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(resumed.output, m, std::regex("resuming, (\\d+) of 768 images already in the cache")))
      << resumed.output;
  EXPECT_GE(std::stoi(m[1]), 3 * 32);
  const std::string resumed_features = read_text(dir / "out/features/r50/noise/train_features.npy");

  CommandResult clean = run_grhost("extract " + dir / "clean.yaml");
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_EQ(read_text(dir / "out/features/r50/noise/train_features.npy"), resumed_features)
      << "resumed features differ from an uninterrupted run's";
  EXPECT_EQ(count_chunks(dir / "cache-killed"), 0) << "chunks are dropped once the entry is complete";
}

}  // namespace
}  // namespace grhost::test
