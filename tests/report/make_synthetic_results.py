#!/usr/bin/python3
"""A results folder as `grhost run` writes it, with synthetic numbers, for the
report tests: every analysis of the study, or a chosen few.

usage: make_synthetic_results.py OUT_DIR [--models 15] [--datasets 6]
           [--analyses few-shot,clustering,linear-probe,robustness,rsa]
Writes OUT_DIR/results.json, run.json and manifest.resolved.yaml.
"""
import argparse
import json
import math
import os
import random

FAMILIES = ["vision", "vision-language", "language"]


def row(model, dataset, task, plugin, params, metric, value, split="test", trial=None, summary=None):
    r = {"model": model, "dataset": dataset, "split": split, "task": task, "plugin": plugin,
         "params": [[k, str(v)] for k, v in params], "metric": metric, "trial": trial, "value": value}
    if summary:
        r.update(summary)
    return r


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--models", type=int, default=15)
    p.add_argument("--datasets", type=int, default=6)
    p.add_argument("--analyses", default="few-shot,clustering,linear-probe,robustness,rsa")
    a = p.parse_args()
    rng = random.Random(0)
    analyses = set(a.analyses.split(","))
    models = [f"model-{i:02d}" for i in range(a.models)]
    family = {m: FAMILIES[i % 3] for i, m in enumerate(models)}
    datasets = [f"dataset-{j}" for j in range(a.datasets)]
    skill = {m: rng.uniform(0.4, 0.9) for m in models}
    rows = []
    for d in datasets:
        for m in models:
            if family[m] == "language":
                continue  # class-level models stand only in RSA
            if "few-shot" in analyses:
                for shots in (1, 5, 10):
                    trials = [min(1, skill[m] * (1 - 0.5 / shots) + rng.gauss(0, 0.02)) for _ in range(10)]
                    for t, v in enumerate(trials):
                        rows.append(row(m, d, "few-shot", "few-shot", [("shots", shots), ("score", "cosine")], "accuracy", v, trial=t + 1))
                    mean = sum(trials) / 10
                    std = math.sqrt(sum((v - mean) ** 2 for v in trials) / 9)
                    rows.append(row(m, d, "few-shot", "few-shot", [("shots", shots), ("score", "cosine")], "accuracy", mean,
                                    summary={"mean": mean, "std": std, "sem": std / math.sqrt(10), "n": 10}))
            if "clustering" in analyses:
                rows.append(row(m, d, "clustering", "clustering", [("mapping", "hungarian")], "accuracy", skill[m] * 0.8))
                rows.append(row(m, d, "clustering", "clustering", [], "nmi", skill[m] * 0.7))
            if "linear-probe" in analyses:
                for e in range(1, 21):
                    rows.append(row(m, d, "linear-probe", "linear-probe", [("method", "adam"), ("epoch", e)], "accuracy", skill[m]))
                for sel in ("best-validation", "last"):
                    rows.append(row(m, d, "linear-probe", "linear-probe", [("method", "adam"), ("selection", sel)], "accuracy",
                                    min(1, skill[m] + 0.08)))
            if "robustness" in analyses:
                for attack in ("pgd-linf", "pgd-l2"):
                    for targeted in ("false", "true"):
                        for eps in (0, 1e-4, 2e-4, 5e-4, 8e-4, 1e-3, 5e-3, 1e-2, 5e-2, 0.1, 0.5, 1.0):
                            rate = 1 - skill[m] * math.exp(-eps * 200 * (1.2 - skill[m]))
                            rows.append(row(m, d, "robustness", "robustness",
                                            [("attack", attack), ("epsilon", eps), ("targeted", targeted)], "success_rate", rate))
        if "rsa" in analyses:
            n = len(models)
            r = [[1.0 if i == j else 0.3 + 0.6 * (1 - abs(skill[models[i]] - skill[models[j]])) for j in range(n)] for i in range(n)]
            setting = [("split", "test"), ("distance", "tstat"), ("spread", "dimension"), ("ddof", 1)]
            for i in range(n):
                for j in range(n):
                    rows.append(row(models[i], d, "rsa", "rsa", setting + [("with", models[j])], "rdm_pearson", r[i][j]))
            # A chain of merges: model 0 with 1, then that cluster with 2, ...
            for k in range(1, n):
                left = models[0] if k == 1 else f"cluster {n + k - 2}"
                rows.append(row("", d, "rsa", "rsa", setting + [("comparison", "pearson"), ("merge", k), ("left", left),
                                                                 ("right", models[k]), ("size", k + 1)], "linkage_distance", 0.05 * k))
            for i, m in enumerate(models):
                rows.append(row(m, d, "rsa", "rsa", setting, "tsne_x", math.cos(i) * 10))
                rows.append(row(m, d, "rsa", "rsa", setting, "tsne_y", math.sin(i) * 10))
            rows.append(row("", d, "rsa", "rsa", setting, "tsne_kl", 0.1))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(rows, f)
    with open(os.path.join(a.out, "run.json"), "w") as f:
        json.dump({"name": "synthetic", "grhost_version": "0.1.0", "seed": 0, "threads": 2,
                   "jobs": [{"job": "rsa/" + d + "/all-models", "status": "done", "seconds": 1.0} for d in datasets]}, f)
    with open(os.path.join(a.out, "manifest.resolved.yaml"), "w") as f:
        f.write("name: synthetic\nmodels:\n" + "".join(f"  - {{id: {m}, plugin: features-npy, family: {family[m]}}}\n" for m in models))


if __name__ == "__main__":
    main()
