// The report in a real browser: headless Chromium (Debian's) driven by
// playwright-core (tests/report/render_report.mjs) opens report.html with
// every network request blocked, and says which sections and figures it
// drew, what the console said and how long it took.
#include "support/test_support.hpp"

#include "../torch/fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

namespace grhost::test {
namespace {

nlohmann::json render(const std::string& report, const std::string& screenshot = "") {
  CommandResult r = run_shell("node " GRHOST_TEST_SOURCE_DIR "/tests/report/render_report.mjs " + report + " " + screenshot);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const size_t brace = r.output.rfind("\n{");
  try {
    return nlohmann::json::parse(r.output.substr(brace == std::string::npos ? 0 : brace + 1));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "no JSON from the browser driver: " << e.what() << "\n" << r.output;
    return nlohmann::json::object();
  }
}

std::set<std::string> figures_of(const nlohmann::json& page) {
  std::set<std::string> out;
  for (const auto& f : page["figures"]) out.insert(f["figure"].get<std::string>());
  return out;
}

void expect_clean(const nlohmann::json& page) {
  EXPECT_FALSE(page.contains("error")) << page.dump(1);
  EXPECT_EQ(page["consoleErrors"].size(), 0u) << page["consoleErrors"].dump(1);
  EXPECT_EQ(page["failedRequests"].size(), 0u) << page["failedRequests"].dump(1);
  EXPECT_EQ(page["blockedRequests"].size(), 0u) << "the page asked the network for: " << page["blockedRequests"].dump(1);
  for (const auto& f : page["figures"]) {
    EXPECT_TRUE(f["rendered"].get<bool>()) << f.dump();
    EXPECT_GT(f["points"].get<int>(), 0) << f.dump();
    EXPECT_GT(f["width"].get<double>(), 50) << f.dump();
    EXPECT_GT(f["height"].get<double>(), 50) << f.dump();
  }
}

TEST(ReportBrowser, RealRunShowsEveryFigureOffline) {
  TempDir dir;
  const std::string cnn = std::string("{file: ") + fixture("small_cnn_trained.pt") +
                          ", method: features, logits: forward, resize: 32, crop: 28, mean: [0.5, 0.5, 0.5], "
                          "std: [0.25, 0.25, 0.25], device: cpu}";
  const std::string random_cnn = std::string("{file: ") + fixture("small_cnn.pt") +
                                 ", method: features, logits: forward, resize: 32, crop: 28, mean: [0.5, 0.5, 0.5], "
                                 "std: [0.25, 0.25, 0.25], device: cpu}";
  write_features(dir / "text_a.npy", {1, 0, 0, 0.8f, 0.6f, 0, 0, 0.3f, 1}, 3, 3);
  write_features(dir / "text_b.npy", {1, 0.2f, 0, 0.1f, 1, 0, 0, 0.1f, 1}, 3, 3);
  write_text(dir / "m.yaml",
             "name: report-test\nseed: 1\nthreads: 2\ncache: cache\n"
             "datasets:\n  - {id: blobs, plugin: idx, options: {root: " + fixture("attack_idx") + ", classes: [a, b, c]}}\n"
             "models:\n"
             "  - {id: trained, plugin: torchscript, family: vision, options: " + cnn + "}\n"
             "  - {id: untrained, plugin: torchscript, family: vision, options: " + random_cnn + "}\n"
             "  - {id: text-a, plugin: label-embeddings, family: language, options: {embeddings: text_a.npy}}\n"
             "  - {id: text-b, plugin: label-embeddings, family: vision-language, options: {embeddings: text_b.npy}}\n"
             "attacks:\n  - {plugin: pgd-linf, options: {steps: 5}}\n"
             "tasks:\n"
             "  - {plugin: few-shot, options: {shots: [1, 3], trials: 3}}\n"
             "  - {plugin: clustering, options: {n_init: 2}}\n"
             "  - {plugin: linear-probe, options: {epochs: 3}}\n"
             "  - {plugin: robustness, options: {epsilons: [0, 0.01, 0.05, 0.2], samples: 20, batch_size: 20}}\n"
             "  - plugin: rsa\n");
  CommandResult run = run_grhost("run " + dir / "m.yaml");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string report = dir / "runs/report-test/report.html";
  ASSERT_NE(run.output.find(report), std::string::npos) << "grhost run names its report:\n" << run.output;

  // The screenshot stays in the build tree, for a person to look at.
  const nlohmann::json page = render(report, std::string(GRHOST_TEST_OUTPUT_DIR) + "/report_real_run.png");
  expect_clean(page);
  EXPECT_EQ(page["sections"], nlohmann::json({"generalization", "robustness", "rsa", "results", "run"}));
  EXPECT_EQ(figures_of(page), (std::set<std::string>{"bars", "small-multiples", "robustness", "dendrogram", "tsne", "heatmap"}));
  EXPECT_GT(page["tableRows"].get<int>(), 50);
  // Sorting by value puts the smallest first.
  const auto sorted = page["sortedValues"].get<std::vector<double>>();
  ASSERT_GE(sorted.size(), 10u);
  for (size_t k = 1; k < sorted.size(); ++k) EXPECT_LE(sorted[k - 1], sorted[k]);
  // A figure saves as SVG and as PNG.
  EXPECT_EQ(page["exports"]["svg"]["head"].get<std::string>().substr(0, 4), "<svg") << page["exports"].dump();
  EXPECT_GT(page["exports"]["svg"]["bytes"].get<int>(), 1000);
  EXPECT_EQ(page["exports"]["svg"]["name"], "few-shot-accuracy-shots-1-score-cosine-bars.svg");
  // PNG's signature, \x89 P N G \r \n (the \x89 arrives as UTF-8 through JSON).
  EXPECT_NE(page["exports"]["png"]["head"].get<std::string>().find("PNG\r\n"), std::string::npos) << page["exports"].dump();
  std::printf("real run: first screen %.2f s, every chart %.2f s more\n", page["loadSeconds"].get<double>(),
              page["allChartsSeconds"].get<double>());

  // A report rebuilt from the results folder alone is the same page.
  const std::string first = read_text(report);
  CommandResult again = run_grhost("report " + dir / "runs/report-test");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(read_text(report), first);
}

TEST(ReportBrowser, AnalysesThatDidNotRunLeaveNoPanel) {
  TempDir dir;
  CommandResult made = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/report/make_synthetic_results.py " +
                                 dir.path() + " --models 5 --datasets 2 --analyses few-shot,rsa");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ASSERT_EQ(run_grhost("report " + dir.path()).exit_code, 0);
  const nlohmann::json page = render(dir / "report.html");
  expect_clean(page);
  EXPECT_EQ(page["sections"], nlohmann::json({"generalization", "rsa", "results", "run"}));
  EXPECT_EQ(figures_of(page), (std::set<std::string>{"bars", "small-multiples", "dendrogram", "tsne", "heatmap"}));
  // Few-shot's three settings, and no clustering or linear-probe panel.
  int bars = 0;
  for (const auto& f : page["figures"]) bars += f["figure"] == "bars";
  EXPECT_EQ(bars, 3);

  made = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/report/make_synthetic_results.py " + dir.path() +
                   " --models 5 --datasets 2 --analyses robustness");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ASSERT_EQ(run_grhost("report " + dir.path()).exit_code, 0);
  const nlohmann::json robust = render(dir / "report.html");
  expect_clean(robust);
  EXPECT_EQ(robust["sections"], nlohmann::json({"robustness", "results", "run"}));
  EXPECT_EQ(figures_of(robust), (std::set<std::string>{"robustness"}));
}

TEST(ReportBrowser, FifteenModelsOnSixDatasetsOpenInUnderTwoSeconds) {
  TempDir dir;
  CommandResult made = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/report/make_synthetic_results.py " +
                                 dir.path() + " --models 15 --datasets 6");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ASSERT_EQ(run_grhost("report " + dir.path()).exit_code, 0);
  const nlohmann::json page = render(dir / "report.html", std::string(GRHOST_TEST_OUTPUT_DIR) + "/report_15x6.png");
  expect_clean(page);
  EXPECT_EQ(page["sections"], nlohmann::json({"generalization", "robustness", "rsa", "results", "run"}));
  const double load = page["loadSeconds"].get<double>();
  std::printf("15 models x 6 datasets: first screen drawn %.2f s after navigation (%s), every chart %.2f s more\n", load,
              page["timings"].dump().c_str(), page["allChartsSeconds"].get<double>());
  EXPECT_LT(load, 2.0) << page["timings"].dump();
}

TEST(ReportBrowser, AFolderWithoutResultsIsNamed) {
  TempDir dir;
  CommandResult r = run_grhost("report " + dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(dir / "results.json: not found"), std::string::npos) << r.output;
  write_text(dir / "results.json", "[{\"model\": ");
  r = run_grhost("report " + dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("results.json: not valid JSON"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace grhost::test
