#include "wordnet_db.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace grhost::wordnet {
namespace {

std::ifstream open_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error(path + ": cannot be read (WordNet 3.0's dictionary files are expected there; Debian's "
                                    "wordnet-base installs them in /usr/share/wordnet)");
  return in;
}

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream s(line);
  std::vector<std::string> w;
  for (std::string t; s >> t;) w.push_back(t);
  return w;
}

}  // namespace

std::string lemma_key(const std::string& name) {
  std::string k;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) {
      if (!k.empty() && k.back() != '_') k += '_';
    } else {
      k += static_cast<char>(std::tolower(u));
    }
  }
  while (!k.empty() && k.back() == '_') k.pop_back();
  return k;
}

Database::Database(const std::string& dir) : dir_(dir) {
  // index.noun: "lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...";
  // lines that start with blanks are the licence.
  {
    const std::string path = dir + "/index.noun";
    std::ifstream in = open_file(path);
    int64_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      if (line.empty() || line[0] == ' ') continue;
      const auto w = split_words(line);
      auto bad = [&] { return std::runtime_error(path + ":" + std::to_string(line_no) + ": not a WordNet index line"); };
      if (w.size() < 6 || w[1] != "n") throw bad();
      const size_t synsets = std::stoul(w[2]), pointers = std::stoul(w[3]);
      const size_t first = 4 + pointers + 2;
      if (w.size() != first + synsets) throw bad();
      std::vector<int64_t> offsets;
      for (size_t k = first; k < w.size(); ++k) offsets.push_back(std::stoll(w[k]));
      index_.emplace(w[0], std::move(offsets));
    }
    if (index_.empty()) throw std::runtime_error(path + ": holds no lemma");
  }
  {
    std::ifstream in = open_file(dir + "/noun.exc");
    for (std::string line; std::getline(in, line);) {
      auto w = split_words(line);
      if (w.size() >= 2) except_[w[0]].assign(w.begin() + 1, w.end());
    }
  }
  open_file(dir + "/data.noun");  // fail now, not at the first synset
}

std::vector<int64_t> Database::lookup(const std::string& key) const {
  auto it = index_.find(key);
  return it == index_.end() ? std::vector<int64_t>{} : it->second;
}

std::vector<int64_t> Database::senses(const std::string& lemma) const {
  const std::string key = lemma_key(lemma);
  // WordNet's morphy for nouns: the word itself, its exceptions, then the
  // detachment rules; the first form that is a lemma wins.
  std::vector<std::string> forms = {key};
  if (auto e = except_.find(key); e != except_.end()) forms.insert(forms.end(), e->second.begin(), e->second.end());
  static const std::pair<const char*, const char*> rules[] = {{"s", ""},     {"ses", "s"}, {"xes", "x"}, {"zes", "z"},
                                                               {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
  for (const auto& [suffix, repl] : rules) {
    const std::string s = suffix;
    if (key.size() > s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0)
      forms.push_back(key.substr(0, key.size() - s.size()) + repl);
  }
  for (const std::string& f : forms)
    if (auto found = lookup(f); !found.empty()) return found;
  return {};
}

Synset Database::synset(int64_t offset) const {
  // data.noun line: "offset lex_filenum ss_type w_cnt(hex) word lex_id ... p_cnt
  // ptr_symbol offset pos source/target ... | gloss", found at its own byte offset.
  const std::string path = dir_ + "/data.noun";
  std::ifstream in = open_file(path);
  in.seekg(offset);
  std::string line;
  if (!in || !std::getline(in, line)) throw std::runtime_error(path + ": no synset at offset " + std::to_string(offset));
  Synset s;
  s.offset = offset;
  const size_t bar = line.find(" | ");
  if (bar != std::string::npos) s.gloss = line.substr(bar + 3);
  const auto w = split_words(line.substr(0, bar));
  auto bad = [&] { return std::runtime_error(path + ": offset " + std::to_string(offset) + " does not start a noun synset"); };
  if (w.size() < 4 || std::stoll(w[0]) != offset || w[2] != "n") throw bad();
  const size_t words = std::stoul(w[3], nullptr, 16);
  size_t k = 4;
  for (size_t i = 0; i < words; ++i, k += 2) {
    if (k + 1 >= w.size()) throw bad();
    std::string lemma = w[k];
    for (char& c : lemma) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.words.push_back(lemma);
  }
  if (k >= w.size()) throw bad();
  const size_t pointers = std::stoul(w[k++]);
  for (size_t i = 0; i < pointers; ++i, k += 4) {
    if (k + 3 >= w.size()) throw bad();
    if ((w[k] == "@" || w[k] == "@i") && w[k + 2] == "n") s.hypernyms.push_back(std::stoll(w[k + 1]));
  }
  return s;
}

int64_t Database::by_name(const std::string& name) const {
  const size_t dot = name.rfind(".n.");
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("synset '" + name + "': " + why + " (expected a name such as boot.n.01)");
  };
  if (dot == std::string::npos || dot == 0) throw bad("not a noun synset name");
  const std::string number = name.substr(dot + 3);
  if (number.empty() || !std::all_of(number.begin(), number.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    throw bad("the sense number is not a number");
  const auto found = lookup(lemma_key(name.substr(0, dot)));
  if (found.empty()) throw bad("WordNet has no noun '" + name.substr(0, dot) + "'");
  const size_t sense = std::stoul(number);
  if (sense < 1 || sense > found.size())
    throw bad("'" + name.substr(0, dot) + "' has " + std::to_string(found.size()) + " noun sense(s)");
  return found[sense - 1];
}

std::string Database::name_of(int64_t offset) const {
  const Synset s = synset(offset);
  const std::string& lemma = s.words.at(0);
  const auto found = lookup(lemma);
  const auto at = std::find(found.begin(), found.end(), offset);
  const size_t sense = at == found.end() ? 1 : static_cast<size_t>(at - found.begin()) + 1;
  std::string n = std::to_string(sense);
  return lemma + ".n." + std::string(n.size() < 2 ? 2 - n.size() : 0, '0') + n;
}

std::set<int64_t> Database::ancestors(int64_t offset) const {
  std::set<int64_t> seen = {offset};
  std::vector<int64_t> todo = {offset};
  while (!todo.empty()) {
    const int64_t o = todo.back();
    todo.pop_back();
    for (int64_t h : synset(o).hypernyms)
      if (seen.insert(h).second) todo.push_back(h);
  }
  return seen;
}

}  // namespace grhost::wordnet
