#!/usr/bin/python3
"""PGD throughput: grhost's robustness task against a plain PyTorch loop.

  /usr/bin/python3 tools/bench/pgd_bench.py [--model resnet18] [--size 112] [--images 40]
        [--batch 10] [--steps 20] [--epsilon 0.01] [--threads 2]

Both sides attack the same TorchScript model (a torchvision architecture with
random weights, normalisation inside the attacked function) on the same
Fashion-MNIST test images (Debian's dataset-fashion-mnist), resized to
--size, with targeted L-infinity PGD (random start, the study's step of
2.5/steps of epsilon, target (label + 1) mod 1000), the same batch size and
threads. Targeted, so that both sides attack every image: untargeted,
grhost skips the images the model already gets wrong (they are successes
whatever the attack does), which with random weights is nearly all of them. Each side's time covers the same
work: reading and preprocessing the images, the clean forward pass, every
PGD step (a forward and a backward pass) and the forward pass on the
adversarial images.
grhost: `grhost run` with the robustness task and the pgd-linf attack; the
task's own time from run.json (task_seconds).
PyTorch: torchvision transforms, then the textbook PGD loop with
torch.autograd.grad; torch.set_num_threads(threads).
Each epsilon is attacked on its own, as in the study; grhost's pgd-linf takes
a budget per image, so the robustness task attacks a batch at several
epsilons in one call (max_batch rows, 40 by default), which a plain loop
does not. --max-batch 0 turns that off.
Prints images x steps per second (per epsilon) for each and the ratio.
Run it on an otherwise idle machine.
"""
import argparse
import gzip
import json
import os
import shutil
import subprocess
import time

import numpy as np
import torch
import torchvision
from torchvision import transforms as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FMNIST = "/usr/share/datasets/fashion-mnist"
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="resnet18", help="a torchvision classification model name")
    p.add_argument("--size", type=int, default=112, help="resize and crop of the 28x28 images")
    p.add_argument("--images", type=int, default=40)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--epsilons", default="0.001,0.002,0.005,0.01", help="comma-separated budgets")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max-batch", type=int, default=40, help="the robustness task's max_batch (0: one call per epsilon)")
    p.add_argument("--memory-format", default="auto", choices=["auto", "contiguous", "channels_last"],
                   help="grhost's torchscript memory_format (auto: channels_last from 96x96 up)")
    p.add_argument("--grhost", default=os.path.join(ROOT, "build", "bin", "grhost"))
    p.add_argument("--workdir", default="/tmp/grhost-pgd-bench")
    return p.parse_args()


def fmnist_test(n):
    with gzip.open(os.path.join(FMNIST, "t10k-images-idx3-ubyte.gz")) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(os.path.join(FMNIST, "t10k-labels-idx1-ubyte.gz")) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
    return x, y


def run_grhost(a, model_file, order):
    out = os.path.join(a.workdir, "run")
    shutil.rmtree(out, ignore_errors=True)
    manifest = os.path.join(a.workdir, "pgd.yaml")
    with open(manifest, "w") as f:
        f.write(f"""
seed: 0
threads: {a.threads}
output: run
cache: cache
datasets:
  - {{id: fmnist, plugin: idx, options: {{root: {FMNIST}}}}}
models:
  - id: net
    plugin: torchscript
    options: {{file: {model_file}, logits: forward, resize: {a.size}, crop: {a.size}, device: cpu,
               memory_format: {a.memory_format}}}
attacks:
  - {{plugin: pgd-linf, options: {{steps: {a.steps}}}}}
tasks:
  - plugin: robustness
    options: {{epsilons: [{a.epsilons}], samples: {a.images}, sample_seed: 0, batch_size: {a.batch},
               targeted: true, target_offset: 1, max_batch: {a.max_batch}}}
""")
    subprocess.run([a.grhost, "run", manifest], check=True, capture_output=True)
    with open(os.path.join(out, "run.json")) as f:
        jobs = json.load(f)["jobs"]
    return jobs[0]["task_seconds"]


def run_pytorch(a, model_file, order):
    torch.set_num_threads(a.threads)
    model = torch.jit.load(model_file).eval()
    x_all, y_all = fmnist_test(10000)
    prep = T.Compose([T.ToTensor(), T.Lambda(lambda t: t.expand(3, -1, -1)),
                      T.Resize(a.size, antialias=True), T.CenterCrop(a.size)])
    mean, std = torch.tensor(MEAN).view(1, 3, 1, 1), torch.tensor(STD).view(1, 3, 1, 1)
    f = lambda x: model((x - mean) / std)
    gen = torch.Generator().manual_seed(0)
    t0 = time.perf_counter()
    for begin in range(0, len(order), a.batch):
        idx = order[begin:begin + a.batch]
        x0 = torch.stack([prep(x_all[i]) for i in idx])
        target = (torch.from_numpy(y_all[idx]) + 1) % 1000
        with torch.no_grad():
            f(x0).argmax(1)
        for eps in epsilons(a):  # the study's loop: each budget attacked on its own
            alpha = 2.5 / a.steps * eps
            x = (x0 + torch.empty_like(x0).uniform_(-eps, eps, generator=gen)).clamp(0, 1)
            for _ in range(a.steps):
                x.requires_grad_(True)
                loss = torch.nn.functional.cross_entropy(f(x), target, reduction="sum")
                (g,) = torch.autograd.grad(loss, x)
                with torch.no_grad():  # descend the target's loss
                    x = (x0 + (x - alpha * g.sign() - x0).clamp(-eps, eps)).clamp(0, 1)
            with torch.no_grad():
                f(x).argmax(1)
    return time.perf_counter() - t0


def epsilons(a):
    return [float(e) for e in a.epsilons.split(",")]


def main():
    a = parse()
    os.makedirs(a.workdir, exist_ok=True)
    model_file = os.path.join(a.workdir, f"{a.model}.pt")
    torch.manual_seed(0)
    torch.jit.save(torch.jit.script(getattr(torchvision.models, a.model)(weights=None).eval()), model_file)
    order = np.random.default_rng(0).permutation(10000)[:a.images]
    work = a.images * a.steps * len(epsilons(a))
    print(f"{a.model} at {a.size}x{a.size}, {a.images} images, batch {a.batch}, epsilons {a.epsilons}, "
          f"{a.steps} PGD steps, {a.threads} threads")
    g = run_grhost(a, model_file, order)
    p = run_pytorch(a, model_file, order)
    print(f"grhost : {g:7.2f} s  {work / g:8.1f} images x steps / s")
    print(f"PyTorch: {p:7.2f} s  {work / p:8.1f} images x steps / s")
    print(f"ratio (grhost / PyTorch throughput): {p / g:.2f}x")


if __name__ == "__main__":
    main()
