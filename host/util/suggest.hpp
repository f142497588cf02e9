// "Did you mean" for misspelt keys, ids and choices.
#pragma once

#include <string>
#include <vector>

namespace grhost {

/// Edit distance (Levenshtein) between two strings.
size_t edit_distance(const std::string& a, const std::string& b);

/// The closest candidate if it is close enough to be a likely typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

/// "; did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

/// "a, b, c" for messages.
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace grhost
