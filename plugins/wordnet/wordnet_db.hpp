// The noun part of a WordNet 3.0 database in its original files (Debian's
// wordnet-base: /usr/share/wordnet/index.noun, data.noun, noun.exc): lemma
// look-up with WordNet's morphology, synsets read by their byte offset, and
// hypernym closures.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace grhost::wordnet {

struct Synset {
  int64_t offset = 0;              // byte offset in data.noun: the synset's id
  std::vector<std::string> words;  // lemmas in the synset's order ("gym_shoe", "sneaker", ...)
  std::vector<int64_t> hypernyms;  // '@' and '@i' pointers: classes and instances
  std::string gloss;
};

class Database {
 public:
  /// Opens `dir`; throws std::runtime_error naming the file that is missing
  /// or malformed.
  explicit Database(const std::string& dir);

  /// Noun senses of a lemma ("ankle boot", "Boots"), most frequent first:
  /// the lemma itself, or else its base forms by WordNet's morphology
  /// (noun.exc, then the suffix rules). Empty when there is none.
  std::vector<int64_t> senses(const std::string& lemma) const;
  /// The synset at `offset`; throws if there is none.
  Synset synset(int64_t offset) const;
  /// "boot.n.01" (NLTK's naming: a lemma, n, its sense number from 1).
  int64_t by_name(const std::string& name) const;
  /// NLTK's name of a synset: its first lemma and that lemma's sense number.
  std::string name_of(int64_t offset) const;
  /// The synset and all its hypernyms, transitively.
  std::set<int64_t> ancestors(int64_t offset) const;

  const std::string& dir() const { return dir_; }

 private:
  std::vector<int64_t> lookup(const std::string& key) const;
  std::string dir_;
  std::map<std::string, std::vector<int64_t>> index_;       // lemma → offsets, from index.noun
  std::map<std::string, std::vector<std::string>> except_;  // inflected → base forms, from noun.exc
};

/// A class name as WordNet spells a lemma: lower case, blanks as '_'.
std::string lemma_key(const std::string& name);

}  // namespace grhost::wordnet
