// Malformed manifests: each gives one expected message at the expected
// FILE:LINE:COL. The manifests are written out in full so that every
// expected position can be read off the text.
#include "manifest/diagnostics.hpp"
#include "manifest/manifest.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

namespace grhost::test {
namespace {

struct Case {
  const char* name;
  const char* yaml;
  int line, column;
  const char* message;  // a substring of the one-line message
};

// Lines 3-13 of most cases: a valid body the cases alter.
#define VALID_MODELS                     \
  "models:\n"                            \
  "  - id: m\n"                          \
  "    plugin: features-npy\n"           \
  "    options:\n"                       \
  "      features: '{split}.npy'\n"      \
  "      labels: '{split}_labels.npy'\n"

const Case kCases[] = {
    {"YamlSyntax", "seed: 0\ndatasets: [{id: d}\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 3, 1,
     "YAML syntax error: end of sequence flow not found"},
    {"UnknownTopLevelKey", "seeed: 3\ndatasets: [{id: d}]\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 1, 1,
     "unknown key 'seeed' in the manifest's top level; did you mean 'seed'?"},
    {"UnknownOptionKey",
     "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shot\n    options:\n      shot: [1]\n", 11, 7,
     "unknown key 'shot' in options of task 'few-shot'; did you mean 'shots'?"},
    {"UnknownOptionKeyListsChoices",
     "datasets: [{id: d}]\nmodels:\n  - id: m\n    plugin: features-npy\n    options:\n      features: '{split}.npy'\n"
     "      colour: red\ntasks: [{plugin: few-shot}]\n",
     7, 7, "unknown key 'colour' in options of model 'm'; expected one of: features, labels"},
    {"WrongType", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shot\n    options: {trials: ten}\n", 10,
     23, "'trials' in options of task 'few-shot' must be an integer, got 'ten'"},
    {"ListWhereNumberExpected", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shot\n    options: {trials: [1, 2]}\n", 10,
     23, "'trials' in options of task 'few-shot' must be an integer, got a list"},
    {"MissingRequiredField", "datasets: [{id: d}]\nmodels:\n  - id: m\n    options: {features: x.npy}\ntasks: [{plugin: few-shot}]\n",
     3, 5, "model entry is missing the required key 'plugin'"},
    {"MissingRequiredOption", "datasets: [{id: d}]\nmodels:\n  - id: m\n    plugin: features-npy\ntasks: [{plugin: few-shot}]\n", 3,
     5, "options of model 'm' is missing the required key 'features' (a file path"},
    {"UnknownPlugin", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shoot\n", 9, 13,
     "unknown task plugin 'few-shoot'; did you mean 'few-shot'? (found: clustering, few-shot, linear-probe, robustness, rsa)"},
    {"UnknownAttackPlugin",
     "datasets: [{id: d}]\n" VALID_MODELS "attacks: [{plugin: pgd-linf2}]\ntasks:\n  - plugin: robustness\n", 8, 20,
     "unknown attack plugin 'pgd-linf2'; did you mean 'pgd-linf'?"},
    {"TaskNamesAnAttackNotListed",
     "datasets: [{id: d}]\n" VALID_MODELS "attacks: [{plugin: fgsm}]\ntasks:\n  - plugin: robustness\n    attacks: [fgsn]\n",
     11, 15, "task 'robustness' names attack 'fgsn', which is not in the manifest's 'attacks' list; did you mean 'fgsm'?"},
    {"AttacksOnAFeatureTask",
     "datasets: [{id: d}]\n" VALID_MODELS "attacks: [{plugin: fgsm}]\ntasks:\n  - {plugin: few-shot, attacks: [fgsm]}\n", 10,
     33, "task 'few-shot' (few-shot) analyses features and runs no attacks; remove 'attacks'"},
    {"AttackingTaskWithoutAttacks", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: robustness\n", 9, 5,
     "task 'robustness' (robustness) attacks models, but the manifest has no 'attacks' list"},
    {"UnknownModelPluginNoSuggestion", "datasets: [{id: d}]\nmodels:\n  - id: m\n    plugin: resnet50\ntasks: [{plugin: few-shot}]\n",
     4, 13, "unknown model plugin 'resnet50' (found: features-npy, "},
    {"DuplicateModelId",
     "datasets: [{id: d}]\n" VALID_MODELS "  - id: m\n    plugin: features-npy\n    options: {features: train.npy}\n"
     "tasks: [{plugin: few-shot}]\n",
     8, 9, "duplicate model id 'm' (first used at line 3)"},
    {"DuplicateTaskIdFromPlugin", "datasets: [{id: d}]\n" VALID_MODELS "tasks: [{plugin: few-shot}, {plugin: few-shot}]\n", 8, 29,
     "duplicate task id 'few-shot' (first used at line 8)"},
    {"MissingFile",
     "datasets: [{id: d}]\nmodels:\n  - id: m\n    plugin: features-npy\n    options:\n      features: '{split}_missing.npy'\n"
     "tasks: [{plugin: few-shot}]\n",
     6, 17, "_missing.npy' does not exist ({dataset}=d, {split}=train)"},
    {"EmptyOptionList", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shot\n    options: {shots: []}\n", 10, 22,
     "'shots' in options of task 'few-shot' must be a non-empty list of integers, got an empty list"},
    {"EmptyEntryList", "datasets: [{id: d}]\nmodels: []\ntasks: [{plugin: few-shot}]\n", 2, 9,
     "'models' must be a non-empty list of entries"},
    {"MissingEntryList", "datasets: [{id: d}]\n" VALID_MODELS, 1, 1, "the manifest needs a non-empty 'tasks' list"},
    {"NumberBelowMinimum", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shot\n    options: {trials: 0}\n", 10,
     23, "'trials' in options of task 'few-shot' must be at least 1, got 0"},
    {"NumberInListBelowMinimum", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shot\n    options: {shots: [5, -1]}\n",
     10, 26, "'shots' in options of task 'few-shot' element 2 must be at least 1, got -1"},
    {"FractionWhereIntegerExpected", "seed: 1.5\ndatasets: [{id: d}]\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 1, 7,
     "'seed' in the manifest's top level must be an integer, got '1.5' (a number with a fractional part)"},
    {"NegativeSeed", "seed: -4\ndatasets: [{id: d}]\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 1, 7,
     "'seed' in the manifest's top level must be at least 0, got -4"},
    {"BadChoice", "datasets: [{id: d}]\n" VALID_MODELS "tasks:\n  - plugin: few-shot\n    options: {score: cosin}\n", 10, 22,
     "'score' in options of task 'few-shot' must be one of cosine, dot, euclidean, got 'cosin'; did you mean 'cosine'?"},
    {"DuplicateKey", "seed: 1\nseed: 2\ndatasets: [{id: d}]\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 2, 1,
     "duplicate key 'seed' in the manifest's top level (first at line 1)"},
    {"EntryNotAMap", "datasets: [{id: d}]\n" VALID_MODELS "  - m2\ntasks: [{plugin: few-shot}]\n", 8, 5,
     "each entry of 'models' must be a map (id, plugin, options, ...)"},
    {"IdWithSlash", "datasets: [{id: 'a/b'}]\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 1, 17,
     "id 'a/b' must start with a letter or digit and hold only letters, digits, '-', '_' or '.'"},
    {"PluginPathMissing", "plugin_paths: [no/such/folder]\ndatasets: [{id: d}]\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 1,
     16, "plugin path 'no/such/folder' does not exist"},
    {"RootNotAMap", "- seed\n- datasets\n", 1, 1, "the manifest must be a map"},
    {"OptionsOnPluginlessDataset", "datasets:\n  - id: d\n    options: {path: x}\n" VALID_MODELS "tasks: [{plugin: few-shot}]\n", 3,
     14, "dataset 'd' has options but no plugin to take them"},
    {"BadFamily", "datasets: [{id: d}]\n" VALID_MODELS "    family: vison\ntasks: [{plugin: few-shot}]\n", 8, 13,
     "'family' in model entry must be one of vision, vision-language, language, got 'vison'; did you mean 'vision'?"},
};

// gtest prints the case's name, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ManifestErrors : public ::testing::TestWithParam<Case> {};

TEST_P(ManifestErrors, ReportsMessageAtLineAndColumn) {
  const Case& c = GetParam();
  TempDir dir;
  write_features(dir / "train.npy", {1, 0}, 1, 2);
  write_features(dir / "test.npy", {1, 0}, 1, 2);
  write_labels(dir / "train_labels.npy", {0});
  write_labels(dir / "test_labels.npy", {0});
  const std::string path = dir / "bad.yaml";
  write_text(path, c.yaml);

  plugins::Registry registry;
  try {
    manifest::load_manifest(path, {{GRHOST_TEST_PLUGIN_DIR, "test"}}, registry);
    FAIL() << "no error for:\n" << c.yaml;
  } catch (const manifest::ManifestError& e) {
    const std::string expected_pos = path + ":" + std::to_string(c.line) + ":" + std::to_string(c.column);
    bool found = false;
    for (const auto& d : e.diagnostics()) {
      EXPECT_EQ(d.str().find('\n'), std::string::npos) << "each error is one line";
      if (d.pos.str() == expected_pos && d.message.find(c.message) != std::string::npos) found = true;
    }
    EXPECT_TRUE(found) << "expected at " << expected_pos << ": " << c.message << "\ngot:\n" << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Manifest, ManifestErrors, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(ManifestErrorsAll, EveryErrorIsReportedNotJustTheFirst) {
  TempDir dir;
  write_text(dir / "bad.yaml", "seeed: 1\ndatasets: [{id: d}]\nmodels: []\ntasks: [{plugin: nope}]\n");
  plugins::Registry registry;
  try {
    manifest::load_manifest(dir / "bad.yaml", {{GRHOST_TEST_PLUGIN_DIR, "test"}}, registry);
    FAIL();
  } catch (const manifest::ManifestError& e) {
    EXPECT_EQ(e.diagnostics().size(), 3u) << e.what();
  }
}

TEST(ManifestErrorsAll, ValidateCommandPrintsErrorsAndExitsWithTwo) {
  TempDir dir;
  write_text(dir / "bad.yaml", "datasets: [{id: d}]\nmodels: [{id: m, plugin: features-npy, options: {features: x.npy}}]\ntasks: [{plugin: few-shot}]\n");
  CommandResult r = run_grhost("validate " + dir / "bad.yaml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(dir / "bad.yaml" + ":2:60: error: option 'features' of model 'm': file '" + dir / "x.npy" +
                          "' does not exist"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace grhost::test
