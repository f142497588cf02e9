#!/usr/bin/python3
"""The t-statistic RDM: grhost's rsa task against a vectorised NumPy version.

  /usr/bin/python3 tools/bench/rsa_bench.py [--classes 1000] [--images 50] [--dims 2048]
        [--threads 2] [--spread dimension|scalar]

Both compute the RDM of analyses.md on the same features (a seeded mixture:
class centres plus noise, ReLU'd like a CNN's pooled features): rows
normalised, class means and spreads, then
RDM[i,j] = ‖(μ_i − μ_j) / sqrt(s_i²/n_i + s_j²/n_j)‖₂.
grhost: `grhost run` with the rsa task on one features-npy model; the task's
own time from run.json (task_seconds, without reading the .npy files).
NumPy: the same formula with broadcasting over blocks of 16 rows of the
RDM (float32, as grhost's pair kernel), OPENBLAS/OMP threads set to --threads.
Prints both times, the largest relative difference between the two RDMs and
the ratio. Run it on an otherwise idle machine.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def features(classes, images, dims, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((classes, dims), dtype=np.float32)
    x = np.repeat(centres, images, axis=0) + 1.5 * rng.standard_normal((classes * images, dims), dtype=np.float32)
    np.maximum(x, 0, out=x)
    y = np.repeat(np.arange(classes, dtype=np.int64), images)
    return x, y


def numpy_rdm(x, y, classes, spread, ddof=1, floor=1e-6, block=16):
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    n = np.bincount(y, minlength=classes).astype(np.float32)
    order = np.argsort(y, kind="stable")
    xs = xn[order].reshape(classes, -1, x.shape[1])  # every class has the same count here
    mu = xs.mean(axis=1)
    if spread == "dimension":
        s = np.maximum(xs.std(axis=1, ddof=ddof), floor)
        w = s * s / n[:, None]
    else:
        s = np.maximum(xs.reshape(classes, -1).std(axis=1, ddof=ddof), floor)
        w = (s * s / n)[:, None]
    rdm = np.zeros((classes, classes), np.float64)
    for i in range(0, classes, block):
        diff = mu[i:i + block, None, :] - mu[None, :, :]
        if spread == "dimension":
            t2 = (diff * diff / (w[i:i + block, None, :] + w[None, :, :])).sum(axis=2)
        else:
            t2 = (diff * diff).sum(axis=2) / (w[i:i + block] + w[:, 0][None, :])
        rdm[i:i + block] = np.sqrt(t2)
    return rdm


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--images", type=int, default=50)
    p.add_argument("--dims", type=int, default=2048)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--spread", default="dimension", choices=["dimension", "scalar"])
    p.add_argument("--grhost", default=os.path.join(ROOT, "build", "bin", "grhost"))
    p.add_argument("--workdir", default="/tmp/grhost-rsa-bench")
    a = p.parse_args()

    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    x, y = features(a.classes, a.images, a.dims)
    np.save(os.path.join(a.workdir, "features.npy"), x)
    np.save(os.path.join(a.workdir, "labels.npy"), y)
    manifest = os.path.join(a.workdir, "bench.yaml")
    with open(manifest, "w") as f:
        f.write(f"""threads: {a.threads}
output: out
datasets: [{{id: mixture}}]
models: [{{id: m, plugin: features-npy, options: {{features: features.npy, labels: labels.npy}}}}]
tasks: [{{plugin: rsa, options: {{spread: {a.spread}}}}}]
""")
    run = subprocess.run([a.grhost, "run", manifest], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"grhost run failed:\n{run.stdout}\n{run.stderr}")
    out = os.path.join(a.workdir, "out")
    job = json.load(open(os.path.join(out, "run.json")))["jobs"][0]
    g_seconds = job["task_seconds"]
    g_rdm = np.load(os.path.join(out, "matrices", "rsa", "mixture", "rdm_m.npy"))

    t = time.perf_counter()
    n_rdm = numpy_rdm(x, y, a.classes, a.spread)
    n_seconds = time.perf_counter() - t
    rel = np.abs(g_rdm - n_rdm).max() / np.abs(n_rdm).max()

    print(f"{a.classes} classes x {a.images} images x {a.dims} dimensions, spread {a.spread}, {a.threads} threads")
    print(f"  grhost : {g_seconds:7.2f} s   (whole job with reading the .npy twice: {job['seconds']:.1f} s)")
    print(f"  NumPy  : {n_seconds:7.2f} s")
    print(f"  largest difference, relative to the largest entry: {rel:.1e}")
    print(f"  ratio NumPy / grhost: {n_seconds / g_seconds:.1f}x")


if __name__ == "__main__":
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(var, "2")
    import numpy as np  # after the thread settings, which NumPy's BLAS reads at import

    main()
