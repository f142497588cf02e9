// The "torchscript" model against PyTorch: the same preprocessed input gives
// the same features (a small CNN's features() method, and ResNet-50's
// penultimate layer through `layer: avgpool`) and logits; and end to end,
// grhost's own preprocessing and extraction give PyTorch's features too.
#include "support/plugin_instance.hpp"
#include "support/test_support.hpp"
#include "torch/fixtures.hpp"
#include "plugins/status.hpp"

#include <grhost/tensor.hpp>

#include <gtest/gtest.h>

namespace grhost::test {
namespace {

constexpr double kTolerance = 1e-4;  // the bound; measured values are printed

io::NpyArray call(const ComponentUnderTest& m, bool logits, const io::NpyArray& input) {
  DLTensor t{};
  t.data = const_cast<unsigned char*>(input.data.data());
  t.device = {kDLCPU, 0};
  t.ndim = 4;
  t.dtype = {kDLFloat, 32, 1};
  t.shape = const_cast<int64_t*>(input.shape.data());
  DLManagedTensor* raw = nullptr;
  const auto& api = m.component().model;
  plugins::call_plugin(m.component(), logits ? "logits" : "embed", [&] {
    return logits ? api.logits(m.instance->raw(), &t, &raw) : api.embed(m.instance->raw(), &t, &raw);
  });
  plugins::ManagedTensor out(raw);
  io::NpyArray a;
  a.shape.assign(out->dl_tensor.shape, out->dl_tensor.shape + out->dl_tensor.ndim);
  const auto* p = static_cast<const unsigned char*>(out->dl_tensor.data);
  a.data.assign(p, p + a.numel() * 4);
  return a;
}

void expect_same(const std::string& what, const io::NpyArray& got, const std::string& reference) {
  io::NpyArray ref = io::read_npy(reference);
  const double diff = max_abs_diff(ref, got.as<float>(), got.shape);
  std::cout << what << ": max |grhost - PyTorch| = " << diff << "\n";
  EXPECT_LE(diff, kTolerance) << what;
}

TEST(TorchScriptModel, SmallCnnFeaturesAndLogitsMatchPyTorch) {
  auto m = make_component(GRHOST_KIND_MODEL, "torchscript",
                          "{file: " + fixture("small_cnn.pt") + ", method: features, logits: forward, device: cpu}");
  io::NpyArray input = io::read_npy(fixture("small_cnn_input.npy"));
  expect_same("small CNN features", call(*m, false, input), fixture("small_cnn_features.npy"));
  expect_same("small CNN logits", call(*m, true, input), fixture("small_cnn_logits.npy"));
}

TEST(TorchScriptModel, LogitsVectorJacobianProductMatchesPyTorchAutograd) {
  auto m = make_component(GRHOST_KIND_MODEL, "torchscript",
                          "{file: " + fixture("small_cnn.pt") + ", method: features, logits: forward, device: cpu}");
  io::NpyArray input = io::read_npy(fixture("small_cnn_input.npy"));
  io::NpyArray cot = io::read_npy(fixture("small_cnn_cotangent.npy"));
  auto dl = [](io::NpyArray& a) {
    DLTensor t{};
    t.data = a.data.data();
    t.device = {kDLCPU, 0};
    t.ndim = static_cast<int32_t>(a.shape.size());
    t.dtype = {kDLFloat, 32, 1};
    t.shape = a.shape.data();
    return t;
  };
  DLTensor x = dl(input);
  // The cotangent comes once the logits are known; here the fixture's, after
  // checking that it is asked for with the logits' shape.
  grhost_cotangent_fn c{&cot, [](void* context, const DLTensor* outputs, DLManagedTensor** out) -> grhost_status* {
    const auto* a = static_cast<const io::NpyArray*>(context);
    if (std::vector<int64_t>(outputs->shape, outputs->shape + outputs->ndim) != a->shape)
      return plugins::make_status(GRHOST_INVALID_ARGUMENT, "cotangent asked for with the wrong shape");
    *out = grhost::to_dlpack(std::vector<float>(a->as<float>(), a->as<float>() + a->numel()), a->shape);
    return nullptr;
  }};
  DLManagedTensor *logits_raw = nullptr, *grad_raw = nullptr;
  ASSERT_NE(m->component().model.logits_vjp, nullptr);
  plugins::call_plugin(m->component(), "logits_vjp",
                       [&] { return m->component().model.logits_vjp(m->instance->raw(), &x, &c, &logits_raw, &grad_raw); });
  plugins::ManagedTensor logits(logits_raw), grad(grad_raw);
  auto as_array = [](const plugins::ManagedTensor& t) {
    io::NpyArray a;
    a.shape.assign(t->dl_tensor.shape, t->dl_tensor.shape + t->dl_tensor.ndim);
    const auto* p = static_cast<const unsigned char*>(t->dl_tensor.data);
    a.data.assign(p, p + a.numel() * 4);
    return a;
  };
  expect_same("small CNN logits (with the VJP)", as_array(logits), fixture("small_cnn_logits.npy"));
  io::NpyArray g = as_array(grad);
  EXPECT_EQ(g.shape, input.shape);
  expect_same("small CNN cotangent·∂logits/∂input", g, fixture("small_cnn_vjp.npy"));
}

TEST(TorchScriptModel, ResNet50PenultimateLayerMatchesPyTorch) {
  auto m = make_component(GRHOST_KIND_MODEL, "torchscript", "{file: " + fixture("resnet50.pt") + ", layer: avgpool}");
  io::NpyArray f = call(*m, false, io::read_npy(fixture("resnet50_input.npy")));
  EXPECT_EQ(f.shape, (std::vector<int64_t>{6, 2048}));
  expect_same("ResNet-50 avgpool features", f, fixture("resnet50_features.npy"));
}

TEST(TorchScriptModel, DescribesItsInputSpecAndFileHash) {
  auto m = make_component(GRHOST_KIND_MODEL, "torchscript",
                          "{file: " + fixture("small_cnn.pt") + ", resize: 40, crop: 32, interpolation: bicubic, mean: [0.1, 0.2, 0.3]}");
  grhost_model_info info{};
  info.struct_size = sizeof(info);
  plugins::call_plugin(m->component(), "describe", [&] { return m->component().model.describe(m->instance->raw(), &info); });
  EXPECT_EQ(info.input.resize, 40);
  EXPECT_EQ(info.input.crop, 32);
  EXPECT_EQ(info.input.interpolation, GRHOST_INTERP_BICUBIC);
  EXPECT_FLOAT_EQ(info.input.mean[2], 0.3f);
  EXPECT_FLOAT_EQ(info.input.std[0], 0.229f);  // ImageNet's by default
  EXPECT_EQ(std::string(info.fingerprint).rfind("torchscript:", 0), 0u);
  EXPECT_NE(m->component().model.logits_vjp, nullptr);  // offered: attacks use it
}

std::string create_error(const std::string& options) {
  try {
    make_component(GRHOST_KIND_MODEL, "torchscript", options);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(TorchScriptModel, ClearErrors) {
  const std::string cnn = fixture("small_cnn.pt");
  EXPECT_NE(create_error("{file: " + cnn + ", method: encode_image}").find("the model has no method 'encode_image' (it has: "),
            std::string::npos);
  EXPECT_NE(create_error("{file: " + cnn + ", layer: body.7}").find("no child '7' at depth 1 of the layer path (children there: 0, 1, 2, 3, 4, 5)"),
            std::string::npos)
      << create_error("{file: " + cnn + ", layer: body.7}");
  EXPECT_NE(create_error("{file: " + cnn + ", precision: float16, device: cpu}").find("autocasts on CUDA only"), std::string::npos);
  TempDir dir;
  write_text(dir / "junk.pt", "not a zip archive");
  EXPECT_NE(create_error("{file: " + dir / "junk.pt" + "}").find(dir / "junk.pt" + ": not a TorchScript file this LibTorch"),
            std::string::npos)
      << create_error("{file: " + dir / "junk.pt" + "}");
}

// End to end: grhost reads the IDX fixture, preprocesses, extracts and
// exports; PyTorch did the same with torchvision and the models in Python.
TEST(TorchScriptModel, ExtractEndToEndMatchesPyTorch) {
  TempDir dir;
  write_text(dir / "m.yaml",
             "threads: 2\ncache: cache\noutput: out\n"
             "datasets: [{id: tiny, plugin: idx, options: {root: " + fixture("idx") + ", classes: [a, b, c]}}]\n"
             "models:\n"
             "  - {id: cnn, plugin: torchscript, batch_size: 4, options: {file: " + fixture("small_cnn.pt") +
             ", method: features, resize: 32, crop: 28, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]}}\n"
             "  - {id: r50, plugin: torchscript, options: {file: " + fixture("resnet50.pt") +
             ", layer: avgpool, resize: 72, crop: 64, interpolation: bicubic}}\n"
             "tasks: [{plugin: few-shot, options: {shots: [1, 2], trials: 3}}]\n");
  CommandResult r = run_grhost("extract " + dir / "m.yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const auto& [id, name] : {std::pair<std::string, std::string>{"cnn", "small_cnn"}, {"r50", "resnet50"}}) {
    io::NpyArray got = io::read_npy(dir / "out/features/" + id + "/tiny/test_features.npy");
    expect_same(id + " through grhost extract", got, fixture(name + "_features.npy"));
    io::NpyArray labels = io::read_npy(dir / "out/features/" + id + "/tiny/test_labels.npy");
    EXPECT_EQ(std::vector<int64_t>(labels.as<int64_t>(), labels.as<int64_t>() + 6), (std::vector<int64_t>{0, 2, 1, 0, 2, 1}));
  }
  // numpy reads the exports as they are.
  CommandResult np = run_shell("/usr/bin/python3 -c \"import numpy as n; f = n.load('" + dir / "out/features/r50/tiny/test_features.npy" +
                               "'); l = n.load('" + dir / "out/features/r50/tiny/test_labels.npy" +
                               "'); print(f.dtype, f.shape, l.dtype, l.tolist())\"");
  EXPECT_EQ(np.output, "float32 (6, 2048) int64 [0, 2, 1, 0, 2, 1]\n") << np.output;
  // And the analyses run on extracted features.
  CommandResult run = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("features from the cache"), std::string::npos) << run.output;
  EXPECT_NE(read_text(dir / "out/results.csv").find("r50,tiny,test,few-shot,few-shot,shots=2;score=cosine,accuracy,,"),
            std::string::npos);
}

}  // namespace
}  // namespace grhost::test
