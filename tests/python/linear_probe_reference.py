#!/usr/bin/python3
"""scikit-learn's answer for the linear-probe tests, on Fashion-MNIST pixels.

  /usr/bin/python3 tests/python/linear_probe_reference.py OUT_DIR --train N --test M --C C [C ...]

Writes the first N train and M test images of Debian's dataset-fashion-mnist
as OUT_DIR/{train,test}.npy (float32 pixels/255) and {train,test}_labels.npy
(int64), the layout the tests point features-npy at; then fits
LogisticRegression(solver='lbfgs', max_iter=1000, tol=1e-4) for each C and
prints one line per C: "C=<C> accuracy=<test accuracy>".
"""
import argparse
import os
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from fashion_mnist_pixels import FILES, SOURCE, read_idx  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out_dir")
    p.add_argument("--train", type=int, required=True)
    p.add_argument("--test", type=int, required=True)
    p.add_argument("--C", type=float, nargs="+", required=True)
    args = p.parse_args()
    data = {}
    for split, n in (("train", args.train), ("test", args.test)):
        images, labels = FILES[split]
        x = read_idx(os.path.join(SOURCE, images))[:n].reshape(n, -1).astype(np.float32) / 255.0
        y = read_idx(os.path.join(SOURCE, labels))[:n].astype(np.int64)
        np.save(os.path.join(args.out_dir, f"{split}.npy"), x)
        np.save(os.path.join(args.out_dir, f"{split}_labels.npy"), y)
        data[split] = (x, y)
    for c in args.C:
        model = LogisticRegression(C=c, solver="lbfgs", max_iter=1000, tol=1e-4)
        model.fit(*data["train"])
        print(f"C={c!r} accuracy={model.score(*data['test'])!r}", flush=True)


if __name__ == "__main__":
    main()
