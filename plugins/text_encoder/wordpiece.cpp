#include "wordpiece.hpp"

#include <utf8proc.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace grhost::text {
namespace {

std::vector<utf8proc_int32_t> decode(const std::string& s) {
  std::vector<utf8proc_int32_t> out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t at = 0, n = static_cast<utf8proc_ssize_t>(s.size());
  while (at < n) {
    utf8proc_int32_t cp;
    const utf8proc_ssize_t len = utf8proc_iterate(p + at, n - at, &cp);
    if (len < 0) throw std::invalid_argument("text is not UTF-8 at byte " + std::to_string(at) + ": '" + s + "'");
    out.push_back(cp);
    at += len;
  }
  return out;
}

void append(std::string& s, utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  const utf8proc_ssize_t len = utf8proc_encode_char(cp, buf);
  s.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
}

bool is_whitespace(utf8proc_int32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

// Tab, newline and return count as whitespace, not control.
bool is_control(utf8proc_int32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CS: return true;
    default: return false;
  }
}

// ASCII's non-alphanumeric symbols ($, ^, `) count as punctuation, as in BERT.
bool is_punctuation(utf8proc_int32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF: case UTF8PROC_CATEGORY_PO: return true;
    default: return false;
  }
}

// The CJK Unified Ideographs blocks BERT treats as one-character words.
bool is_cjk(utf8proc_int32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Lower case, then NFD without its non-spacing marks: "Héllo" → "hello".
std::vector<utf8proc_int32_t> lower_strip_accents(const std::vector<utf8proc_int32_t>& word) {
  std::string lowered;
  for (utf8proc_int32_t c : word) append(lowered, utf8proc_tolower(c));
  utf8proc_uint8_t* nfd = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(lowered.c_str()),
                                          static_cast<utf8proc_ssize_t>(lowered.size()), &nfd,
                                          static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_STABLE));
  if (n < 0) throw std::invalid_argument(std::string("cannot normalise '") + lowered + "': " + utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(nfd, &std::free);
  std::vector<utf8proc_int32_t> out;
  for (utf8proc_int32_t c : decode(std::string(reinterpret_cast<const char*>(nfd), static_cast<size_t>(n))))
    if (utf8proc_category(c) != UTF8PROC_CATEGORY_MN) out.push_back(c);
  return out;
}

}  // namespace

WordPiece::WordPiece(const std::string& vocab_path, bool lowercase, std::string unk, size_t max_word_chars)
    : path_(vocab_path), lowercase_(lowercase), unk_(std::move(unk)), max_word_chars_(max_word_chars) {
  std::ifstream in(vocab_path);
  if (!in) throw std::runtime_error(vocab_path + ": cannot read the vocabulary");
  int64_t line_no = 0;
  for (std::string line; std::getline(in, line); ++line_no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // A token listed twice keeps its first id, as BERT's load_vocab.
    vocab_.emplace(line, line_no);
  }
  if (vocab_.empty()) throw std::runtime_error(vocab_path + ": the vocabulary is empty (one token a line expected)");
  if (!vocab_.count(unk_)) throw std::runtime_error(vocab_path + ": the vocabulary has no unknown-word token '" + unk_ + "'");
}

std::vector<std::string> WordPiece::basic(const std::string& text) const {
  // Clean-up and CJK spacing, then whitespace splitting, then (per word)
  // lower case and accents, then splits around every punctuation mark.
  std::vector<std::vector<utf8proc_int32_t>> words(1);
  for (utf8proc_int32_t c : decode(text)) {
    if (c == 0 || c == 0xFFFD || is_control(c)) continue;
    if (is_whitespace(c) || is_cjk(c)) {
      if (!words.back().empty()) words.emplace_back();
      if (is_cjk(c)) {
        words.back().push_back(c);
        words.emplace_back();
      }
      continue;
    }
    words.back().push_back(c);
  }
  std::vector<std::string> out;
  for (auto& w : words) {
    if (w.empty()) continue;
    if (lowercase_) w = lower_strip_accents(w);
    std::string cur;
    for (utf8proc_int32_t c : w) {
      if (is_punctuation(c)) {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
        out.emplace_back();
        append(out.back(), c);
      } else {
        append(cur, c);
      }
    }
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

std::vector<std::string> WordPiece::pieces(const std::string& word) const {
  const std::vector<utf8proc_int32_t> chars = decode(word);
  if (chars.size() > max_word_chars_) return {unk_};
  // Byte offset of every character boundary, for substrings.
  std::vector<size_t> at = {0};
  for (utf8proc_int32_t c : chars) {
    std::string s;
    append(s, c);
    at.push_back(at.back() + s.size());
  }
  std::vector<std::string> out;
  for (size_t start = 0; start < chars.size();) {
    size_t end = chars.size();
    std::string found;
    for (; end > start; --end) {
      const std::string sub = (start > 0 ? "##" : "") + word.substr(at[start], at[end] - at[start]);
      if (vocab_.count(sub)) {
        found = sub;
        break;
      }
    }
    if (found.empty()) return {unk_};
    out.push_back(found);
    start = end;
  }
  return out;
}

std::vector<std::string> WordPiece::tokenize(const std::string& text) const {
  std::vector<std::string> out;
  for (const std::string& w : basic(text)) {
    const auto p = pieces(w);
    out.insert(out.end(), p.begin(), p.end());
  }
  return out;
}

int64_t WordPiece::id(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) throw std::invalid_argument(path_ + ": the vocabulary has no token '" + token + "'");
  return it->second;
}

std::vector<int64_t> WordPiece::ids(const std::vector<std::string>& tokens) const {
  std::vector<int64_t> out;
  for (const auto& t : tokens) out.push_back(id(t));
  return out;
}

}  // namespace grhost::text
