#!/usr/bin/python3
"""Writes Fashion-MNIST's raw pixels as .npy "features" that grhost's
features-npy model serves: a real-data baseline that needs no model at all.

  /usr/bin/python3 tools/fashion_mnist_pixels.py OUT_DIR [--limit N]

Reads Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) and
writes OUT_DIR/fashion-mnist/{train,test}_features.npy (float32, pixels/255)
and {train,test}_labels.npy (int64). --limit keeps the first N images of
each split (for quick checks). Only the standard library and numpy are used.
"""
import argparse
import gzip
import os
import struct
import sys

import numpy as np

SOURCE = "/usr/share/datasets/fashion-mnist"
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    out = os.path.join(args.out_dir, "fashion-mnist")
    os.makedirs(out, exist_ok=True)
    for split, (images, labels) in FILES.items():
        x = read_idx(os.path.join(SOURCE, images))
        y = read_idx(os.path.join(SOURCE, labels)).astype(np.int64)
        if args.limit:
            x, y = x[:args.limit], y[:args.limit]
        features = x.reshape(len(x), -1).astype(np.float32) / 255.0
        # Written to a temporary name first, so an interrupted run leaves no half file.
        for name, array in ((f"{split}_features.npy", features), (f"{split}_labels.npy", y)):
            tmp = os.path.join(out, name + ".tmp.npy")
            np.save(tmp, array)
            os.replace(tmp, os.path.join(out, name))
        print(f"{split}: {features.shape[0]} images x {features.shape[1]} pixels -> {out}")


if __name__ == "__main__":
    main()
