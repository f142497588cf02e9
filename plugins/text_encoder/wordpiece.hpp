// BERT's WordPiece tokenizer: the basic tokenizer (clean-up, CJK characters
// as words, optional lower-casing and accent stripping, splits at
// whitespace and punctuation) followed by greedy longest-match-first
// WordPiece over a `vocab.txt`, as Hugging Face's BertTokenizer does it.
// Unicode properties (categories, NFD, lower case) come from utf8proc.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace grhost::text {

class WordPiece {
 public:
  /// Reads `vocab_path` (one token a line; the line number is the id).
  /// Throws std::runtime_error naming the file when it cannot be read, is
  /// empty, or lacks `unk`.
  WordPiece(const std::string& vocab_path, bool lowercase, std::string unk = "[UNK]", size_t max_word_chars = 100);

  /// The basic tokenizer's words. Throws std::invalid_argument on text that
  /// is not UTF-8, naming the byte.
  std::vector<std::string> basic(const std::string& text) const;
  /// Words, then WordPiece: "unaffable" → "un", "##aff", "##able"; a word
  /// with no split into vocabulary pieces (or longer than max_word_chars
  /// characters) is `unk`.
  std::vector<std::string> tokenize(const std::string& text) const;
  /// A token's id; throws std::invalid_argument if the vocabulary lacks it.
  int64_t id(const std::string& token) const;
  std::vector<int64_t> ids(const std::vector<std::string>& tokens) const;
  size_t vocab_size() const { return vocab_.size(); }

 private:
  std::vector<std::string> pieces(const std::string& word) const;
  std::string path_;
  std::unordered_map<std::string, int64_t> vocab_;
  bool lowercase_;
  std::string unk_;
  size_t max_word_chars_;
};

}  // namespace grhost::text
