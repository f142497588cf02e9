#include "zoo_models.hpp"

#include <cmath>

namespace grhost::zoo {
namespace {

constexpr int64_t kFeatures = 128;

// PyTorch's default for conv and linear layers: U(−1/√fan_in, 1/√fan_in)
// for weights and biases (kaiming_uniform with a = √5).
void add_layer(torch::jit::Module& m, const std::string& name, std::vector<int64_t> shape) {
  int64_t fan_in = 1;
  for (size_t k = 1; k < shape.size(); ++k) fan_in *= shape[k];
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  m.register_parameter(name + "_w", torch::empty(shape).uniform_(-bound, bound), false);
  m.register_parameter(name + "_b", torch::empty({shape[0]}).uniform_(-bound, bound), false);
}

const char* kEncoder = R"JIT(
def features(self, x: Tensor) -> Tensor:
    x = torch.relu(torch.conv2d(x, self.c1_w, self.c1_b, [1, 1], [1, 1]))
    x = torch.max_pool2d(x, [2, 2])
    x = torch.relu(torch.conv2d(x, self.c2_w, self.c2_b, [1, 1], [1, 1]))
    x = torch.max_pool2d(x, [2, 2])
    return torch.relu(torch.matmul(torch.flatten(x, 1), self.h_w.t()) + self.h_b)
)JIT";

void add_encoder(torch::jit::Module& m, int64_t width) {
  add_layer(m, "c1", {width, 3, 3, 3});
  add_layer(m, "c2", {2 * width, width, 3, 3});
  add_layer(m, "h", {kFeatures, 2 * width * 7 * 7});
  m.define(kEncoder);
}

}  // namespace

torch::jit::Module small_cnn(int64_t width, int64_t classes, uint64_t seed) {
  torch::manual_seed(seed);
  torch::jit::Module m("GrhostZooCnn");
  add_encoder(m, width);
  add_layer(m, "fc", {classes, kFeatures});
  m.define(R"JIT(
def forward(self, x: Tensor) -> Tensor:
    return torch.matmul(self.features(x), self.fc_w.t()) + self.fc_b
)JIT");
  return m;
}

torch::jit::Module grounded_cnn(int64_t width, const torch::Tensor& text, uint64_t seed) {
  torch::manual_seed(seed);
  torch::jit::Module m("GrhostZooGroundedCnn");
  add_encoder(m, width);
  add_layer(m, "proj", {text.size(1), kFeatures});
  // CLIP's temperature starts at 1/0.07 and is learnt in log space.
  m.register_parameter("log_scale", torch::full({}, std::log(1 / 0.07)), false);
  const torch::Tensor t = text.to(torch::kFloat);
  m.register_buffer("text", t / t.norm(2, 1, true).clamp_min(1e-8));
  m.define(R"JIT(
def embed(self, x: Tensor) -> Tensor:
    z = torch.matmul(self.features(x), self.proj_w.t()) + self.proj_b
    return z / torch.clamp(torch.norm(z, 2, 1, True), 1e-8)

def forward(self, x: Tensor) -> Tensor:
    return torch.exp(torch.clamp(self.log_scale, 0.0, 4.6052)) * torch.matmul(self.embed(x), self.text.t())
)JIT");
  return m;
}

}  // namespace grhost::zoo
