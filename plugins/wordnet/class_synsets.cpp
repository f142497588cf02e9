#include "class_synsets.hpp"

#include <fstream>
#include <set>
#include <stdexcept>

namespace grhost::wordnet {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

std::map<std::string, std::string> read_mapping(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::map<std::string, std::string> m;
  int64_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    const std::string t = trim(line.substr(0, line.find('#')));
    if (t.empty()) continue;
    const size_t colon = t.rfind(':');  // synset names hold no ':', class names may
    const std::string name = colon == std::string::npos ? "" : trim(t.substr(0, colon));
    const std::string synset = colon == std::string::npos ? "" : trim(t.substr(colon + 1));
    if (name.empty() || synset.empty())
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": expected 'class name: synset', e.g. 'Ankle boot: boot.n.01'");
    if (!m.emplace(lemma_key(name), synset).second)
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": class '" + name + "' is mapped twice");
  }
  return m;
}

int64_t class_synset(const Database& db, const std::string& class_name, const std::map<std::string, std::string>& mapping) {
  if (auto m = mapping.find(lemma_key(class_name)); m != mapping.end()) return db.by_name(m->second);
  std::string rest = class_name;
  while (true) {
    const size_t slash = rest.find('/');
    const std::string alt = trim(rest.substr(0, slash));
    if (!alt.empty()) {
      if (auto s = db.senses(alt); !s.empty()) return s.front();
      const std::string key = lemma_key(alt);
      if (const size_t last = key.rfind('_'); last != std::string::npos)
        if (auto s = db.senses(key.substr(last + 1)); !s.empty()) return s.front();
    }
    if (slash == std::string::npos) break;
    rest = rest.substr(slash + 1);
  }
  throw std::invalid_argument("class '" + class_name + "' is no noun in WordNet (" + db.dir() +
                              "); map it to a synset in the 'mapping' file, e.g. '" + class_name + ": boot.n.01'");
}

std::vector<float> ancestry_vectors(const Database& db, const std::vector<int64_t>& synsets, int64_t& columns) {
  std::vector<std::set<int64_t>> ancestry;
  std::set<int64_t> all;
  for (int64_t s : synsets) {
    ancestry.push_back(db.ancestors(s));
    all.insert(ancestry.back().begin(), ancestry.back().end());
  }
  const std::vector<int64_t> cols(all.begin(), all.end());
  columns = static_cast<int64_t>(cols.size());
  std::vector<float> x(synsets.size() * cols.size(), 0.f);
  for (size_t c = 0; c < synsets.size(); ++c)
    for (size_t k = 0; k < cols.size(); ++k)
      if (ancestry[c].count(cols[k])) x[c * cols.size() + k] = 1.f;
  return x;
}

}  // namespace grhost::wordnet
