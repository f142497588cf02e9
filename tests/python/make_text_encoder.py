#!/usr/bin/python3
"""A tiny TorchScript text encoder and the features grhost's text-encoder
model must give, made with Debian's python3-torch (PyTorch 1.13).

  /usr/bin/python3 tests/python/make_text_encoder.py OUT_DIR CLASS...

Writes OUT_DIR/vocab.txt, OUT_DIR/text_encoder.pt (one self-attention block
over token and position embeddings, random weights; forward(ids, mask)
returns (states 1 x T x 16, their mean)), and OUT_DIR/expected.npy: for each
class, the mean of the states at the label's tokens in
"[CLS] a photo of {label}. [SEP]", tokenized by the reference WordPiece
(wordpiece_reference.py, lower-cased).
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wordpiece_reference import tokenize  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "photo", "of", ".", "ank", "##le", "boot", "t", "-", "shirt", "/",
         "top", "sneak", "##er", "hello", "cafe", "un", "##aff", "##able", "thing"]


class Encoder(torch.nn.Module):
    def __init__(self, vocab, hidden=16):
        super().__init__()
        self.tokens = torch.nn.Embedding(vocab, hidden)
        self.positions = torch.nn.Parameter(0.1 * torch.randn(64, hidden))
        self.qkv = torch.nn.Linear(hidden, 3 * hidden)
        self.norm = torch.nn.LayerNorm(hidden)
        self.mlp = torch.nn.Linear(hidden, hidden)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor):
        x = self.tokens(ids) + self.positions[: ids.size(1)]
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        scores = q @ k.transpose(1, 2) / 4.0 + (1.0 - mask[:, None, :].float()) * -1e4
        x = self.norm(x + torch.softmax(scores, dim=-1) @ v)
        x = x + torch.tanh(self.mlp(x))
        return x, x.mean(1)


def main():
    out, classes = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(VOCAB) + "\n")
    model = torch.jit.script(Encoder(len(VOCAB)).eval())
    model.save(os.path.join(out, "text_encoder.pt"))
    vocab = set(VOCAB)
    ids_of = {t: i for i, t in enumerate(VOCAB)}
    rows = []
    for label in classes:
        prefix, suffix = tokenize("a photo of ", vocab, True), tokenize(".", vocab, True)
        label_tokens = tokenize(label, vocab, True)
        tokens = ["[CLS]"] + prefix + label_tokens + suffix + ["[SEP]"]
        ids = torch.tensor([[ids_of[t] for t in tokens]])
        with torch.no_grad():
            states = model(ids, torch.ones_like(ids))[0][0]
        begin = 1 + len(prefix)
        rows.append(states[begin:begin + len(label_tokens)].mean(0).numpy())
    if rows:
        np.save(os.path.join(out, "expected.npy"), np.stack(rows).astype(np.float32))


if __name__ == "__main__":
    main()
