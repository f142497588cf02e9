// Which WordNet synset a dataset's class name means.
#pragma once

#include "wordnet_db.hpp"

#include <map>
#include <string>
#include <vector>

namespace grhost::wordnet {

/// A mapping file: lines `class name: synset` (e.g. `Ankle boot: boot.n.01`),
/// blank lines and `#` comments ignored. Throws naming the file and line.
std::map<std::string, std::string> read_mapping(const std::string& path);

/// The synset of a class name: the mapping's, or else the first noun sense
/// (WordNet's most frequent) of the name, of its alternatives split at '/'
/// in turn ("T-shirt/top"), and of its last word ("ankle boot" → boot).
/// Throws std::invalid_argument naming the class when nothing is found.
int64_t class_synset(const Database& db, const std::string& class_name, const std::map<std::string, std::string>& mapping);

/// Each synset's ancestry as a 0/1 row over every synset in some synset's
/// ancestry (in offset order): classes × columns, row-major. Two rows share
/// a 1 where the classes share an ancestor.
std::vector<float> ancestry_vectors(const Database& db, const std::vector<int64_t>& synsets, int64_t& columns);

}  // namespace grhost::wordnet
