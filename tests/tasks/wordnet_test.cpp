// The WordNet reader and the wordnet model's class vectors, on Debian's
// wordnet-base, against NLTK's reader of the same files.
#include "support/test_support.hpp"

#include <class_synsets.hpp>
#include <wordnet_db.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace grhost::test {
namespace {

using namespace grhost::wordnet;

const char* kDict = "/usr/share/wordnet";

const Database& db() {
  static const Database d(kDict);
  return d;
}

const std::vector<std::string> kFashion = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

TEST(WordNet, LemmasMorphologyAndNames) {
  // Offsets as NLTK prints them for these lemmas (synset.offset()).
  EXPECT_EQ(db().senses("sneaker").front(), 3472535);  // gym_shoe.n.01, sneaker's first sense
  EXPECT_EQ(db().name_of(3472535), "gym_shoe.n.01");
  EXPECT_EQ(db().senses("Trousers"), db().senses("trouser"));  // the suffix rule
  EXPECT_EQ(db().senses("mice"), db().senses("mouse"));        // noun.exc
  EXPECT_EQ(db().by_name("boot.n.01"), 2872752);
  EXPECT_EQ(db().by_name("boot.n.02"), db().senses("boot")[1]);
  EXPECT_TRUE(db().senses("ankle boot").empty());
  const Synset boot = db().synset(2872752);
  EXPECT_EQ(boot.words.front(), "boot");
  EXPECT_NE(boot.gloss.find("footwear"), std::string::npos) << boot.gloss;
}

TEST(WordNet, ClassNamesFindTheirSynsets) {
  const std::map<std::string, std::string> none;
  EXPECT_EQ(class_synset(db(), "Ankle boot", none), 2872752);       // its last word
  EXPECT_EQ(class_synset(db(), "T-shirt/top", none), 3595614);      // its first alternative
  EXPECT_EQ(class_synset(db(), "no-such-thing/top", none), db().senses("top").front());
  TempDir dir;
  write_text(dir / "map.txt", "# overrides\nAnkle boot: boot.n.02\n\nsneaker : sandal.n.01\n");
  const auto mapping = read_mapping(dir / "map.txt");
  EXPECT_EQ(class_synset(db(), "ankle BOOT", mapping), db().senses("boot")[1]);
  EXPECT_EQ(class_synset(db(), "Sneaker", mapping), db().senses("sandal").front());
  try {
    class_synset(db(), "Qwxyz", none);
    FAIL() << "no such noun";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("class 'Qwxyz' is no noun in WordNet"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'mapping' file"), std::string::npos) << e.what();
  }
  write_text(dir / "bad.txt", "Ankle boot boot.n.01\n");
  try {
    read_mapping(dir / "bad.txt");
    FAIL() << "no colon";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:1: expected 'class name: synset'"), std::string::npos) << e.what();
  }
  write_text(dir / "bad2.txt", "Ankle boot: boot.n.99\n");
  EXPECT_THROW(class_synset(db(), "Ankle boot", read_mapping(dir / "bad2.txt")), std::invalid_argument);
  EXPECT_THROW(Database("/nonexistent-wordnet"), std::runtime_error);
}

TEST(WordNet, AncestorsAgreeWithNltk) {
  std::vector<std::string> names;
  std::vector<int64_t> offsets;
  for (const std::string& c : kFashion) {
    offsets.push_back(class_synset(db(), c, {}));
    names.push_back(db().name_of(offsets.back()));
  }
  TempDir dir;
  std::string args;
  for (const auto& n : names) args += " " + n;
  CommandResult ref = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/python/wordnet_reference.py " +
                                std::string(kDict) + " " + dir.path() + args);
  ASSERT_EQ(ref.exit_code, 0) << "needs Debian's python3-nltk:\n" << ref.output;
  std::istringstream lines(ref.output);
  size_t k = 0;
  for (std::string line; std::getline(lines, line); ++k) {
    std::istringstream w(line);
    std::string name;
    int64_t offset;
    w >> name >> offset;
    ASSERT_LT(k, names.size());
    EXPECT_EQ(name, names[k]);
    EXPECT_EQ(offset, offsets[k]) << name;
    std::set<int64_t> want;
    for (int64_t a; w >> a;) want.insert(a);
    EXPECT_EQ(db().ancestors(offsets[k]), want) << name;
  }
  EXPECT_EQ(k, names.size());
}

}  // namespace
}  // namespace grhost::test
