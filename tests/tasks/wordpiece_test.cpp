// The WordPiece tokenizer against BERT's algorithm written on Python's own
// Unicode database (tests/python/wordpiece_reference.py), on sentences that
// reach each rule, with a vocabulary the test writes; and a case by hand.
#include "support/test_support.hpp"

#include <wordpiece.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace grhost::test {
namespace {

using grhost::text::WordPiece;

const char* kVocab =
    "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nphoto\nof\nan\nthe\n.\n,\n!\n?\n-\n/\n$\n'\nun\n##aff\n##able\nank\n##le\n"
    "boot\nsneak\n##er\n##s\nt\nshirt\ntop\nhello\ncafe\nCAFÉ\nHello\n中\n国\nis\nhere\nδ\n##ελ\n##τα\nδέλτα\nпри\n##вет\n"
    "1\n##2\n##3\n12\nx\n##y\nnaive\nj\n##o\n##s\n##e\n";

const std::vector<std::string> kSentences = {
    "A photo of an Ankle boot.",
    "unaffable",
    "Héllo, CAFÉ!",
    "中国 is here中",
    "T-shirt/top",
    "Δέλτα δέλτα",
    "Привет",
    "  tabs\tand\nnewlines\r\n  ",
    "bell\x07 and zero\xe2\x80\x8dwidth",           // a control (Cc) and a format (Cf) character
    "$123 12 123",
    std::string(101, 'x'),                         // longer than 100 characters: [UNK]
    std::string(100, 'x') + "y",
    "sneakers sneaker xyzzy",
    "na\xc3\xafve Jos\xc3\xa9",                    // ï and é, precomposed
    "Jose\xcc\x81",                                // é as e + combining acute
    "don't \xe2\x80\x9cquoted\xe2\x80\x9d \xc2\xbfqu\xc3\xa9?",  // curly quotes, ¿ (Po)
    "",
};

TEST(WordPiece, MatchesTheReferenceImplementation) {
  TempDir dir;
  write_text(dir / "vocab.txt", kVocab);
  write_text(dir / "sentences.json", nlohmann::json(kSentences).dump());
  for (bool lower : {true, false}) {
    const std::string out = dir / (lower ? "lower.json" : "cased.json");
    CommandResult ref = run_shell("/usr/bin/python3 " GRHOST_TEST_SOURCE_DIR "/tests/python/wordpiece_reference.py " +
                                  dir / "vocab.txt " + dir / "sentences.json " + out + (lower ? " 1" : " 0"));
    ASSERT_EQ(ref.exit_code, 0) << ref.output;
    const auto want = nlohmann::json::parse(read_text(out)).get<std::vector<std::vector<std::string>>>();
    const WordPiece wp(dir / "vocab.txt", lower);
    ASSERT_EQ(want.size(), kSentences.size());
    for (size_t k = 0; k < kSentences.size(); ++k)
      EXPECT_EQ(wp.tokenize(kSentences[k]), want[k]) << "sentence " << k << " '" << kSentences[k] << "' lowercase " << lower;
  }
}

TEST(WordPiece, ByHand) {
  TempDir dir;
  write_text(dir / "vocab.txt", kVocab);
  const WordPiece wp(dir / "vocab.txt", true);
  EXPECT_EQ(wp.tokenize("A photo of an Ankle boot."),
            (std::vector<std::string>{"a", "photo", "of", "an", "ank", "##le", "boot", "."}));
  EXPECT_EQ(wp.tokenize("unaffable"), (std::vector<std::string>{"un", "##aff", "##able"}));
  EXPECT_EQ(wp.tokenize("Héllo, CAFÉ!"), (std::vector<std::string>{"hello", ",", "cafe", "!"}));
  EXPECT_EQ(wp.tokenize("xyzzy"), (std::vector<std::string>{"[UNK]"}));
  EXPECT_EQ(wp.ids({"[CLS]", "a", "[SEP]"}), (std::vector<int64_t>{2, 5, 3}));
  const WordPiece cased(dir / "vocab.txt", false);
  EXPECT_EQ(cased.tokenize("Hello CAFÉ"), (std::vector<std::string>{"Hello", "CAFÉ"}));
  EXPECT_THROW(wp.tokenize("bad \xff byte"), std::invalid_argument);
  EXPECT_THROW(wp.id("nope"), std::invalid_argument);
  write_text(dir / "no_unk.txt", "a\nb\n");
  try {
    WordPiece bad(dir / "no_unk.txt", true);
    FAIL() << "no [UNK]";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no_unk.txt: the vocabulary has no unknown-word token '[UNK]'"), std::string::npos);
  }
}

}  // namespace
}  // namespace grhost::test
