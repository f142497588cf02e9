#!/usr/bin/python3
"""Feature extraction speed: grhost against a plain PyTorch loop.

  /usr/bin/python3 tools/bench/extraction_bench.py [--images 1000] [--model resnet18]
        [--resize 256] [--crop 224] [--fmnist-size 112] [--batch 64] [--threads 2] [--only jpegs|fmnist]

Both sides extract the same TorchScript model (torchvision architecture,
random weights, penultimate layer) on the same images, with the same batch
size and threads:
  - an image folder of JPEGs (made here with PIL, ImageNet-like sizes), and
  - Fashion-MNIST's test split (10000 images) from Debian's dataset-fashion-mnist,
    resized to --fmnist-size (its images are 28x28).
grhost: `grhost extract` with an empty cache (its own images/s line).
PyTorch: torchvision ImageFolder / FashionMNIST with the usual PIL transforms
(Resize, CenterCrop, ToTensor, Normalize), a DataLoader with 2 workers, and the
model under inference_mode; torch.set_num_threads(threads).
Prints images/s for each, the ratio, and where each side spends its time.
Run it on an otherwise idle machine; it takes a few minutes.
"""
import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FMNIST = "/usr/share/datasets/fashion-mnist"


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--images", type=int, default=1000, help="JPEGs in the image folder")
    p.add_argument("--fmnist-size", type=int, default=112, help="resize and crop for Fashion-MNIST")
    p.add_argument("--only", choices=["jpegs", "fmnist"], help="run one of the two benchmarks")
    p.add_argument("--model", default="resnet18", help="a torchvision classification model name")
    p.add_argument("--resize", type=int, default=256)
    p.add_argument("--crop", type=int, default=224)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--grhost", default=os.path.join(ROOT, "build", "bin", "grhost"))
    p.add_argument("--workdir", default="/tmp/grhost-extraction-bench")
    return p.parse_args()


def make_jpegs(folder, n, classes=10):
    """Smooth random colour fields, 500x375 or 375x500, JPEG quality 90."""
    rng = np.random.default_rng(0)
    for i in range(n):
        cls = os.path.join(folder, f"class{i % classes:02d}")
        os.makedirs(cls, exist_ok=True)
        path = os.path.join(cls, f"img{i:05d}.jpg")
        if os.path.exists(path):
            continue
        small = rng.integers(0, 256, size=(12, 16, 3), dtype=np.uint8)
        img = Image.fromarray(small).resize((500, 375) if i % 3 else (375, 500), Image.BICUBIC)
        img.save(path, quality=90)


def fashion_mnist_for_torchvision(folder):
    """torchvision.datasets.FashionMNIST wants the raw, unzipped files under FashionMNIST/raw."""
    raw = os.path.join(folder, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        target = os.path.join(raw, name)
        if not os.path.exists(target):
            with gzip.open(os.path.join(FMNIST, name + ".gz")) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
    ds = torchvision.datasets.FashionMNIST(folder, train=False, download=False)
    return ds


def pytorch_loop(dataset, model, batch, threads):
    torch.set_num_threads(threads)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch, num_workers=2, shuffle=False)
    waiting = forward = 0.0
    n = 0
    start = time.perf_counter()
    t = start
    with torch.inference_mode():
        for x, _ in loader:
            t1 = time.perf_counter()
            waiting += t1 - t
            model(x)
            t = time.perf_counter()
            forward += t - t1
            n += len(x)
    total = time.perf_counter() - start
    return n / total, total, waiting, forward


def grhost_extract(args, name, dataset_yaml, model_file, split, resize, crop):
    folder = os.path.join(args.workdir, "grhost-" + name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    manifest = os.path.join(folder, "bench.yaml")
    with open(manifest, "w") as f:
        f.write(f"""threads: {args.threads}
cache: cache
output: out
datasets:
  - {{id: {name}, {dataset_yaml}, train_split: {split}, test_split: {split}}}
models:
  - {{id: m, plugin: torchscript, batch_size: {args.batch}, options: {{file: {model_file}, layer: avgpool,
      resize: {resize}, crop: {crop}, device: cpu}}}}
tasks: [{{plugin: few-shot}}]
""")
    start = time.perf_counter()
    out = subprocess.run([args.grhost, "extract", manifest], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        sys.exit(f"grhost extract failed:\n{out.stdout}\n{out.stderr}")
    log = out.stderr
    rate = float(re.search(r"images, ([\d.]+) images/s, took", log).group(1))
    times = re.search(r"model forward and cache writes ([\d.]+) s; reading and preprocessing ([\d.]+) s", log)
    return rate, wall, float(times.group(1)), float(times.group(2))


def report(name, g, p):
    g_rate, g_wall, g_fwd, g_prep = g
    p_rate, p_total, p_wait, p_fwd = p
    print(f"\n{name}")
    print(f"  grhost : {g_rate:8.1f} images/s  (forward + cache {g_fwd:.1f} s; read + preprocess {g_prep:.1f} s "
          f"of work overlapped with it; whole command {g_wall:.1f} s)")
    print(f"  PyTorch: {p_rate:8.1f} images/s  (forward {p_fwd:.1f} s; waiting for the DataLoader {p_wait:.1f} s; "
          f"loop {p_total:.1f} s)")
    print(f"  ratio grhost / PyTorch: {g_rate / p_rate:.2f}x")


def main():
    args = parse()
    os.makedirs(args.workdir, exist_ok=True)
    model = getattr(torchvision.models, args.model)(weights=None).eval()
    model_file = os.path.join(args.workdir, args.model + ".pt")
    torch.jit.save(torch.jit.script(model), model_file)
    features = torch.nn.Sequential(*list(model.children())[:-1]).eval()
    norm = T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    prep = T.Compose([T.Resize(args.resize), T.CenterCrop(args.crop), T.ToTensor(), norm])
    print(f"{args.model}, random weights, penultimate layer; resize {args.resize}, crop {args.crop}, "
          f"batch {args.batch}, {args.threads} threads, {torch.__version__} / torchvision {torchvision.__version__}")

    if args.only in (None, "jpegs"):
        jpegs = os.path.join(args.workdir, "jpegs")
        make_jpegs(os.path.join(jpegs, "val"), args.images)
        g = grhost_extract(args, "jpegs", f"plugin: image-folder, options: {{root: {jpegs}, train: ''}}", model_file,
                           "test", args.resize, args.crop)
        p = pytorch_loop(torchvision.datasets.ImageFolder(os.path.join(jpegs, "val"), prep), features, args.batch,
                         args.threads)
        report(f"image folder: {args.images} JPEGs (500x375), resize {args.resize}, crop {args.crop}", g, p)

    if args.only in (None, "fmnist"):
        fm = fashion_mnist_for_torchvision(os.path.join(args.workdir, "fmnist"))
        size = args.fmnist_size
        fm.transform = T.Compose([T.Grayscale(3), T.Resize(size), T.CenterCrop(size), T.ToTensor(), norm])
        g = grhost_extract(args, "fmnist", f"plugin: idx, options: {{root: {FMNIST}, names: fashion-mnist}}", model_file,
                           "test", size, size)
        p = pytorch_loop(fm, features, args.batch, args.threads)
        report(f"Fashion-MNIST test split: {len(fm)} images (28x28 grey), resize and crop {size}", g, p)


if __name__ == "__main__":
    main()
