// grhost-zoo: trains the quick start's reference zoo on Fashion-MNIST's
// train split (Debian's dataset-fashion-mnist) and saves each model as
// TorchScript for grhost's torchscript plugin. The four models differ the
// way the study's models differ:
//   random       the architecture, untrained
//   supervised   cross-entropy on the labels
//   adversarial  cross-entropy on PGD-L∞ adversarial examples (Madry et al.)
//   grounded     an image tower trained CLIP-style: the cosine between its
//                projected features and the class names' WordNet embeddings
//                (the wordnet model's vectors), as logits
// Seeded; a model whose settings and data have not changed is not trained
// again (OUT/NAME.json records what it was trained from).
#include "zoo_models.hpp"

#include <class_synsets.hpp>
#include <idx_file.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;
using namespace grhost::zoo;

namespace {

// Bump when training changes, so that cached models are trained again.
constexpr const char* kZooVersion = "zoo-1";
const std::vector<std::string> kClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
// Fashion-MNIST train pixels' mean and std (in [0, 1]); the manifest gives
// grhost the same, so that it feeds the models what they were trained on.
constexpr double kMean = 0.2860, kStd = 0.3530;

struct Settings {
  int64_t width = 32, batch = 128, epochs = 2;
  double lr = 1e-3;
  double epsilon = 0.1, step = 0.04;  // adversarial training: L∞ budget and PGD step, in pixels
  int64_t pgd_steps = 3;
  uint64_t seed = 0;
};

struct Split {
  torch::Tensor x;  // N × 1 × 28 × 28 float pixels in [0, 1]
  torch::Tensor y;  // N int64
};

Split read_split(const std::string& dir, const std::string& prefix) {
  const auto images = grhost::idx::read_idx(dir + "/" + prefix + "-images-idx3-ubyte.gz", 3);
  const auto labels = grhost::idx::read_idx(dir + "/" + prefix + "-labels-idx1-ubyte.gz", 1);
  const int64_t n = images.shape[0];
  Split s;
  s.x = torch::from_blob(const_cast<uint8_t*>(images.data.data()), {n, 1, 28, 28}, torch::kUInt8).to(torch::kFloat).div(255);
  s.y = torch::from_blob(const_cast<uint8_t*>(labels.data.data()), {n}, torch::kUInt8).to(torch::kLong);
  return s;
}

// The model sees normalised three-channel images, as grhost prepares them.
torch::Tensor normalise(const torch::Tensor& pixels) { return ((pixels - kMean) / kStd).expand({-1, 3, -1, -1}); }

torch::Tensor logits(torch::jit::Module& m, const torch::Tensor& pixels) { return m.forward({normalise(pixels)}).toTensor(); }

// Untargeted PGD-L∞ from a random start, on the model's cross-entropy.
torch::Tensor pgd(torch::jit::Module& m, const torch::Tensor& x, const torch::Tensor& y, const Settings& s) {
  torch::Tensor adv = (x + torch::empty_like(x).uniform_(-s.epsilon, s.epsilon)).clamp(0, 1).detach();
  for (int64_t k = 0; k < s.pgd_steps; ++k) {
    adv.requires_grad_(true);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits(m, adv), y);
    const torch::Tensor g = torch::autograd::grad({loss}, {adv})[0];
    adv = torch::min(torch::max(adv.detach() + s.step * g.sign(), x - s.epsilon), x + s.epsilon).clamp(0, 1);
  }
  return adv.detach();
}

double accuracy(torch::jit::Module& m, const Split& test) {
  torch::NoGradGuard guard;
  int64_t right = 0;
  for (int64_t i = 0; i < test.x.size(0); i += 1000) {
    const auto x = test.x.slice(0, i, i + 1000), y = test.y.slice(0, i, i + 1000);
    right += logits(m, x).argmax(1).eq(y).sum().item<int64_t>();
  }
  return static_cast<double>(right) / static_cast<double>(test.x.size(0));
}

void train(torch::jit::Module& m, const std::string& name, const Split& data, const Settings& s) {
  std::vector<torch::Tensor> params;
  for (const auto& p : m.parameters()) {
    p.set_requires_grad(true);
    params.push_back(p);
  }
  torch::optim::Adam opt(params, torch::optim::AdamOptions(s.lr));
  const int64_t n = data.x.size(0);
  torch::Generator gen = at::detail::createCPUGenerator(s.seed);
  for (int64_t epoch = 1; epoch <= s.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const torch::Tensor order = torch::randperm(n, gen);
    double loss_sum = 0;
    int64_t batches = 0;
    for (int64_t i = 0; i < n; i += s.batch) {
      const torch::Tensor idx = order.slice(0, i, std::min(n, i + s.batch));
      torch::Tensor x = data.x.index_select(0, idx), y = data.y.index_select(0, idx);
      if (name == "adversarial") x = pgd(m, x, y, s);
      opt.zero_grad();
      const torch::Tensor loss = torch::nn::functional::cross_entropy(logits(m, x), y);
      loss.backward();
      opt.step();
      loss_sum += loss.item<double>();
      ++batches;
    }
    std::printf("  %s: epoch %lld/%lld, loss %.4f, %.0f s\n", name.c_str(), static_cast<long long>(epoch),
                static_cast<long long>(s.epochs), loss_sum / static_cast<double>(batches),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    std::fflush(stdout);
  }
  for (const auto& p : params) p.set_requires_grad(false);
}

// Everything a model's weights depend on: a changed file or setting trains anew.
std::string cache_key(const std::string& name, const Settings& s, const std::string& data_dir, const std::string& wordnet) {
  std::ostringstream k;
  k << kZooVersion << ";" << name << ";w" << s.width << ";b" << s.batch << ";e" << s.epochs << ";lr" << s.lr << ";eps"
    << s.epsilon << ";st" << s.step << ";k" << s.pgd_steps << ";seed" << s.seed;
  for (const char* f : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"})
    k << ";" << f << ":" << fs::file_size(fs::path(data_dir) / f);
  if (name == "grounded") k << ";" << wordnet << ":" << fs::file_size(fs::path(wordnet) / "data.noun");
  return k.str();
}

torch::Tensor wordnet_vectors(const std::string& dict) {
  const grhost::wordnet::Database db(dict);
  std::vector<int64_t> synsets;
  for (const auto& c : kClasses) synsets.push_back(grhost::wordnet::class_synset(db, c, {}));
  int64_t columns = 0;
  std::vector<float> v = grhost::wordnet::ancestry_vectors(db, synsets, columns);
  return torch::tensor(v).reshape({static_cast<int64_t>(kClasses.size()), columns});
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Train grhost's reference zoo on Fashion-MNIST and save it as TorchScript"};
  std::string out, data = "/usr/share/datasets/fashion-mnist", wordnet = "/usr/share/wordnet";
  int threads = 2;
  std::vector<std::string> only;
  Settings s;
  app.add_option("out", out, "Folder for NAME.pt and NAME.json")->required();
  app.add_option("--data", data, "Fashion-MNIST's IDX files (gzipped)");
  app.add_option("--wordnet", wordnet, "WordNet 3.0's files, for the grounded model's class embeddings");
  app.add_option("--threads", threads, "LibTorch threads");
  const std::vector<std::string> names = {"random", "supervised", "adversarial", "grounded"};
  app.add_option("--only", only, "Train only these models, comma-separated (random, supervised, adversarial, grounded)")
      ->delimiter(',')
      ->check(CLI::IsMember(names));
  app.add_option("--epochs", s.epochs, "Epochs per trained model");
  app.add_option("--seed", s.seed, "Seed of the initialisation and the batch order");
  CLI11_PARSE(app, argc, argv);

  try {
    torch::set_num_threads(threads);
    fs::create_directories(out);
    const Split train_split = read_split(data, "train"), test_split = read_split(data, "t10k");
    std::printf("grhost-zoo: Fashion-MNIST %lld train, %lld test images; %d threads\n",
                static_cast<long long>(train_split.x.size(0)), static_cast<long long>(test_split.x.size(0)), threads);
    for (const std::string& name : names) {
      if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
      const fs::path pt = fs::path(out) / (name + ".pt"), record = fs::path(out) / (name + ".json");
      const std::string key = cache_key(name, s, data, wordnet);
      if (fs::exists(pt) && fs::exists(record)) {
        const auto j = nlohmann::json::parse(std::ifstream(record), nullptr, false);
        if (!j.is_discarded() && j.value("key", "") == key) {
          std::printf("  %s: cached (test accuracy %.4f) %s\n", name.c_str(), j.value("test_accuracy", 0.0), pt.c_str());
          continue;
        }
      }
      const auto t0 = std::chrono::steady_clock::now();
      torch::jit::Module m = name == "grounded" ? grounded_cnn(s.width, wordnet_vectors(wordnet), s.seed)
                                                : small_cnn(s.width, static_cast<int64_t>(kClasses.size()), s.seed);
      if (name != "random") train(m, name, train_split, s);
      m.eval();
      const double acc = accuracy(m, test_split);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      // Written under temporary names and renamed: a killed run leaves no half model.
      const fs::path tmp_pt = pt.string() + ".tmp", tmp_record = record.string() + ".tmp";
      m.save(tmp_pt.string());
      fs::rename(tmp_pt, pt);
      std::ofstream(tmp_record) << nlohmann::json{{"key", key}, {"test_accuracy", acc}, {"seconds", seconds}}.dump(1) << "\n";
      fs::rename(tmp_record, record);
      std::printf("  %s: test accuracy %.4f (%.0f s) %s\n", name.c_str(), acc, seconds, pt.c_str());
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "grhost-zoo: %s\n", e.what());
    return 1;
  }
  return 0;
}
