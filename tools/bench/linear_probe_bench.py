#!/usr/bin/python3
"""Linear-probe speed: grhost's linear-probe task against scikit-learn.

  /usr/bin/python3 tools/bench/linear_probe_bench.py [--train 10000] [--test 2000] [--dim 2048]
        [--classes 10] [--l2 1e-4] [--max-iter 1000] [--threads 2]

Both sides fit the same features. They are synthetic but shaped like a
CNN's penultimate layer: each class has a mean in a 64-dimensional latent
space, samples scatter around it (unit Gaussian), a fixed random projection
lifts them to --dim, isotropic noise is added, and a ReLU makes them
non-negative and sparse (about half zeros). numpy's default_rng(0) draws it
all, so every run fits the same data.

grhost: `grhost run` with features-npy and two linear-probe tasks, both
without a validation split: method lbfgs with l2 = --l2, and the study's
Adam (20 epochs, batch 60). The time is the task's own, run.json's job
"task_seconds" (reading the .npy files is not in it).
scikit-learn: LogisticRegression(solver='lbfgs', C = 1/(l2 * n), the same
max_iter and tol, n_jobs=threads) with BLAS limited to --threads, timed
around fit + predict.
scikit-learn runs twice: with tol = 1e-4 * n, the same stopping rule as
grhost's tol 1e-4 (scikit-learn 1.2 applies tol to the summed objective),
and with its default tol 1e-4, n times stricter.
Prints the times, the test accuracies, the ratios, and the cost per
loss-and-gradient evaluation on each side.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train", type=int, default=10000)
    p.add_argument("--test", type=int, default=2000)
    p.add_argument("--dim", type=int, default=2048)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--l2", type=float, default=1e-4)
    p.add_argument("--max-iter", type=int, default=1000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--grhost", default=os.path.join(ROOT, "build", "bin", "grhost"))
    p.add_argument("--workdir", default="/tmp/grhost-linear-probe-bench")
    return p.parse_args()


def make_features(args):
    rng = np.random.default_rng(0)
    latent = 64
    means = rng.normal(0, 0.4, (args.classes, latent))
    lift = rng.normal(0, 1 / np.sqrt(latent), (latent, args.dim))

    def split(n):
        y = rng.integers(0, args.classes, n)
        z = means[y] + rng.normal(0, 1, (n, latent))
        x = np.maximum(z @ lift + rng.normal(0, 0.5, (n, args.dim)), 0)
        return x.astype(np.float32), y.astype(np.int64)

    return split(args.train), split(args.test)


def run_grhost(args, train, test):
    os.makedirs(args.workdir, exist_ok=True)
    for name, (x, y) in (("train", train), ("test", test)):
        np.save(os.path.join(args.workdir, f"{name}.npy"), x)
        np.save(os.path.join(args.workdir, f"{name}_labels.npy"), y)
    manifest = os.path.join(args.workdir, "bench.yaml")
    with open(manifest, "w") as f:
        f.write(f"seed: 0\nthreads: {args.threads}\ndatasets: [{{id: synthetic}}]\n"
                "models:\n  - {id: features, plugin: features-npy, "
                "options: {features: '{split}.npy', labels: '{split}_labels.npy'}}\n"
                "tasks:\n"
                f"  - {{id: lbfgs, plugin: linear-probe, options: {{method: lbfgs, validation: 0, "
                f"l2: [{args.l2!r}], max_iter: {args.max_iter}}}}}\n"
                "  - {id: adam, plugin: linear-probe, options: {validation: 0}}\n")
    out = os.path.join(args.workdir, "out")
    shutil.rmtree(out, ignore_errors=True)  # a previous run's results would be reused, not timed
    subprocess.run([args.grhost, "run", manifest, "--output", out], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "run.json")) as f:
        seconds = {job["job"].split("/")[0]: job["task_seconds"] for job in json.load(f)["jobs"]}
    with open(os.path.join(out, "results.csv")) as f:
        rows = list(csv.DictReader(f))

    def value(task, metric, params):
        return float(next(r["value"] for r in rows
                          if r["task"] == task and r["metric"] == metric and r["params"] == params))

    return {
        "lbfgs": (seconds["lbfgs"], value("lbfgs", "accuracy", "method=lbfgs;selection=fixed"),
                  int(value("lbfgs", "evaluations", f"method=lbfgs;l2={args.l2!r}"))),
        "adam": (seconds["adam"], value("adam", "accuracy", "method=adam;selection=last")),
    }


def run_sklearn(args, train, test, tol):
    model = LogisticRegression(C=1 / (args.l2 * len(train[1])), solver="lbfgs", max_iter=args.max_iter, tol=tol,
                               n_jobs=args.threads)
    with threadpool_limits(args.threads):
        t0 = time.perf_counter()
        model.fit(*train)
        accuracy = model.score(*test)
        seconds = time.perf_counter() - t0
    return seconds, accuracy, int(model.n_iter_[0])


def main():
    args = parse()
    train, test = make_features(args)
    print(f"features: {args.train} train + {args.test} test x {args.dim}, {args.classes} classes, "
          f"{np.mean(train[0] == 0):.0%} zeros; threads {args.threads}; l2 {args.l2} "
          f"(C = {1 / (args.l2 * args.train):.4g}); max_iter {args.max_iter}")
    g = run_grhost(args, train, test)
    g_seconds, g_accuracy, g_evals = g["lbfgs"]
    print(f"grhost lbfgs (tol 1e-4 on the mean objective): {g_seconds:7.2f} s  accuracy {g_accuracy:.4f}  "
          f"{g_evals} evaluations, {1000 * g_seconds / g_evals:.1f} ms each")
    # scikit-learn 1.2 applies tol to the summed objective: tol * n is the same
    # stopping rule as grhost's; its default 1e-4 is n times stricter.
    for label, tol in (("same stopping rule, tol 1e-4 * n", 1e-4 * args.train), ("its default tol 1e-4", 1e-4)):
        s_seconds, s_accuracy, s_iter = run_sklearn(args, train, test, tol)
        print(f"scikit-learn lbfgs ({label}): {s_seconds:7.2f} s  accuracy {s_accuracy:.4f}  {s_iter} iterations, "
              f"{1000 * s_seconds / max(s_iter, 1):.1f} ms each; ratio scikit-learn / grhost lbfgs "
              f"{s_seconds / g_seconds:.2f}, / grhost adam {s_seconds / g['adam'][0]:.2f}")
    print(f"grhost adam (the study's 20 epochs, batch 60): {g['adam'][0]:7.2f} s  accuracy {g['adam'][1]:.4f}")


if __name__ == "__main__":
    sys.exit(main())
