// Which WordNet synset a dataset's class name means.
#pragma once

#include "wordnet_db.hpp"

#include <map>
#include <string>

namespace grhost::wordnet {

/// A mapping file: lines `class name: synset` (e.g. `Ankle boot: boot.n.01`),
/// blank lines and `#` comments ignored. Throws naming the file and line.
std::map<std::string, std::string> read_mapping(const std::string& path);

/// The synset of a class name: the mapping's, or else the first noun sense
/// (WordNet's most frequent) of the name, of its alternatives split at '/'
/// in turn ("T-shirt/top"), and of its last word ("ankle boot" → boot).
/// Throws std::invalid_argument naming the class when nothing is found.
int64_t class_synset(const Database& db, const std::string& class_name, const std::map<std::string, std::string>& mapping);

}  // namespace grhost::wordnet
