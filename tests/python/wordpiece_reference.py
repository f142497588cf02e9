"""The WordPiece test's reference tokenizer: BERT's algorithm (as Hugging
Face's BertTokenizer runs it) written on Python's own Unicode database.

usage: wordpiece_reference.py VOCAB SENTENCES_JSON OUT_JSON LOWERCASE(0|1)
Writes, for each sentence, its list of tokens.
"""
import json
import sys
import unicodedata


def is_whitespace(ch):
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def is_control(ch):
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_cjk(cp):
    return any(lo <= cp <= hi for lo, hi in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF),
                                             (0x2A700, 0x2B73F), (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF),
                                             (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])


def basic(text, lowercase):
    cleaned = []
    for ch in text:
        if ord(ch) in (0, 0xFFFD) or is_control(ch):
            continue
        if is_cjk(ord(ch)):
            cleaned.append(f" {ch} ")
        else:
            cleaned.append(" " if is_whitespace(ch) else ch)
    out = []
    for word in "".join(cleaned).split():
        if lowercase:
            word = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")
        current = ""
        for ch in word:
            if is_punctuation(ch):
                if current:
                    out.append(current)
                current = ""
                out.append(ch)
            else:
                current += ch
        if current:
            out.append(current)
    return out


def wordpiece(word, vocab, unk="[UNK]", max_chars=100):
    if len(word) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            sub = ("##" if start > 0 else "") + word[start:end]
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return [unk]
        pieces.append(found)
        start = end
    return pieces


def tokenize(text, vocab, lowercase):
    return [p for w in basic(text, lowercase) for p in wordpiece(w, vocab)]


def main():
    vocab_path, sentences_path, out_path, lowercase = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    with open(vocab_path, encoding="utf-8") as f:
        vocab = {line.rstrip("\n") for line in f}
    with open(sentences_path, encoding="utf-8") as f:
        sentences = json.load(f)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump([tokenize(s, vocab, lowercase) for s in sentences], f, ensure_ascii=False)


if __name__ == "__main__":
    main()
