// Model "wordnet": a language model made of WordNet's noun hierarchy. Each
// class name is mapped to a synset, and its vector marks the synset and all
// its hypernyms among those of the dataset's classes, so that two classes
// are as close as the share of their ancestry (after RSA's normalisation,
// ‖x̂_i − x̂_j‖² = 2 − 2 |A_i ∩ A_j| / sqrt(|A_i| |A_j|)).
#include "class_synsets.hpp"

#include <grhost/plugin.hpp>

#include <memory>
#include <stdexcept>

namespace {

using namespace grhost::wordnet;

class WordNet : public grhost::Model {
 public:
  static constexpr const char* id = "wordnet";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description =
      "class names as WordNet synsets, embedded by their hypernyms: a language model for RSA";
  static std::vector<grhost::OptionSpec> options() {
    return {
        grhost::option_path("dict", "/usr/share/wordnet",
                            "folder of WordNet 3.0's files (index.noun, data.noun, noun.exc); Debian's wordnet-base"),
        grhost::option_path("mapping", "",
                            "file of 'class name: synset' lines (e.g. 'Ankle boot: boot.n.01') that override the "
                            "default, the first noun sense of the name"),
    };
  }

  explicit WordNet(const grhost::Options& o) : dict_(o.get_string("dict")), mapping_path_(o.get_string("mapping")) {
    try {
      db_ = std::make_unique<Database>(dict_);
      if (!mapping_path_.empty()) mapping_ = read_mapping(mapping_path_);
    } catch (const std::exception& e) {
      throw grhost::Error(e.what(), GRHOST_INVALID_ARGUMENT);
    }
  }

  grhost::ModelInfo info() const override {
    grhost::ModelInfo i;
    i.fingerprint = "wordnet:" + dict_ + ":" + mapping_path_;
    return i;
  }

  DLManagedTensor* class_embeddings(const std::string& dataset, const std::vector<std::string>& names) override {
    std::vector<int64_t> synsets;
    std::vector<float> x;
    int64_t columns = 0;
    try {
      for (const std::string& n : names) {
        synsets.push_back(class_synset(*db_, n, mapping_));
        grhost::log(GRHOST_LOG_INFO, "wordnet: '" + dataset + "' class '" + n + "' is " + db_->name_of(synsets.back()) +
                                         ": " + db_->synset(synsets.back()).gloss.substr(0, 80));
      }
      x = ancestry_vectors(*db_, synsets, columns);
    } catch (const std::exception& e) {
      throw grhost::Error("dataset '" + dataset + "': " + e.what());
    }
    return grhost::to_dlpack(std::move(x), {static_cast<int64_t>(names.size()), columns});
  }

 private:
  std::string dict_, mapping_path_;
  std::unique_ptr<Database> db_;
  std::map<std::string, std::string> mapping_;
};

}  // namespace

GRHOST_PLUGIN("grhost-wordnet", WordNet)
