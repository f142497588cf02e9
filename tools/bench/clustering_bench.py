#!/usr/bin/python3
"""Spectral clustering speed: grhost's clustering task against scikit-learn.

  /usr/bin/python3 tools/bench/clustering_bench.py [--samples 10000] [--dims 2048]
        [--classes 10] [--threads 2]

The same features for both: a seeded mixture of --classes Gaussian clusters
in --dims dimensions (means at random unit directions, within-class noise
strong enough that the clusters overlap, as real features do).
grhost: `grhost run` with the features-npy model and the clustering task
(hungarian mapping, n_init 10); its time is the analysis's own
(run.json's task_seconds: features already in memory, as for scikit-learn).
scikit-learn: the same |cos| affinity with numpy, then
SpectralClustering(affinity="precomputed", n_init=10) and the Hungarian
mapping with scipy; timed from the features to the labels.
Prints both times, the ratio and both accuracies and NMIs.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import SpectralClustering
from sklearn.metrics import normalized_mutual_info_score

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def features(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.normal(size=(k, d))
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    y = np.arange(n) % k
    x = means[y] + rng.normal(scale=1.6 / np.sqrt(d), size=(n, d)) * np.sqrt(d) / 8
    return x.astype(np.float32), y.astype(np.int64)


def hungarian_accuracy(clusters, y, k):
    m = np.zeros((k, k), int)
    np.add.at(m, (clusters, y), 1)
    r, c = linear_sum_assignment(-m)
    return m[r, c].sum() / len(y)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--samples", type=int, default=10000)
    p.add_argument("--dims", type=int, default=2048)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--grhost", default=os.path.join(ROOT, "build", "bin", "grhost"))
    p.add_argument("--workdir", default="/tmp/grhost-clustering-bench")
    args = p.parse_args()

    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    x, y = features(args.samples, args.dims, args.classes)
    for split in ("train", "test"):  # the task uses the test split only
        np.save(os.path.join(args.workdir, f"{split}_features.npy"), x)
        np.save(os.path.join(args.workdir, f"{split}_labels.npy"), y)
    manifest = os.path.join(args.workdir, "bench.yaml")
    with open(manifest, "w") as f:
        f.write(f"""threads: {args.threads}
output: out
datasets: [{{id: mixture}}]
models: [{{id: m, plugin: features-npy, options: {{features: '{{split}}_features.npy', labels: '{{split}}_labels.npy'}}}}]
tasks: [{{plugin: clustering, options: {{mapping: [hungarian], n_init: 10}}}}]
""")
    run = subprocess.run([args.grhost, "run", manifest], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"grhost run failed:\n{run.stdout}\n{run.stderr}")
    out = os.path.join(args.workdir, "out")
    job = json.load(open(os.path.join(out, "run.json")))["jobs"][0]
    g_seconds, g_job = job["task_seconds"], job["seconds"]
    rows = {}
    for line in open(os.path.join(out, "results.csv")).read().splitlines()[1:]:
        cols = line.split(",")
        rows[cols[6]] = float(cols[8])

    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    t = time.perf_counter()
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    clusters = SpectralClustering(n_clusters=args.classes, affinity="precomputed", random_state=0,
                                  n_init=10).fit_predict(np.abs(xn @ xn.T))
    s_seconds = time.perf_counter() - t
    s_acc = hungarian_accuracy(clusters, y, args.classes)
    s_nmi = normalized_mutual_info_score(y, clusters)

    print(f"{args.samples} x {args.dims} features, {args.classes} classes, {args.threads} threads")
    print(f"  grhost       : {g_seconds:7.1f} s   accuracy {rows['accuracy']:.4f}   NMI {rows['nmi']:.4f}"
          f"   (whole job with reading both splits' .npy: {g_job:.1f} s)")
    print(f"  scikit-learn : {s_seconds:7.1f} s   accuracy {s_acc:.4f}   NMI {s_nmi:.4f}")
    print(f"  ratio scikit-learn / grhost: {s_seconds / g_seconds:.1f}x")


if __name__ == "__main__":
    main()
