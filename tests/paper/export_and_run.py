#!/usr/bin/python3
"""The study's manifest end to end without network: tools/export_study_models.py
with random weights, then configs/paper/study.yaml with its dataset list
reduced to a small real one, run by grhost.

usage: export_and_run.py GRHOST_BINARY WORK_DIR
Exports RN50 and ICMLM (torchvision ResNet-50s, weights=None), writes a
3-class IDX dataset of Fashion-MNIST images (12 train and 4 test images a
class, from Debian's dataset-fashion-mnist), keeps the paper manifest's
models that were exported and all its tasks, runs `grhost run`, and checks
the rows each task writes for each model. Prints "N passed, M failed".
"""
import gzip
import os
import struct
import subprocess
import sys

import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FMNIST = "/usr/share/datasets/fashion-mnist"
checks = {"passed": 0, "failed": 0}


def check(ok, what):
    checks["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + what)


def read_idx(path):
    with gzip.open(path) as f:
        data = f.read()
    ndim = data[3]
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def write_idx(path, array):
    with gzip.open(path, "wb") as f:
        f.write(bytes([0, 0, 8, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape) + array.tobytes())


def tiny_dataset(out, per_class_train=12, per_class_test=4):
    os.makedirs(out, exist_ok=True)
    for split, prefix, n in (("train", "train", per_class_train), ("test", "t10k", per_class_test)):
        x = read_idx(f"{FMNIST}/{prefix}-images-idx3-ubyte.gz")
        y = read_idx(f"{FMNIST}/{prefix}-labels-idx1-ubyte.gz")
        keep = np.concatenate([np.flatnonzero(y == c)[:n] for c in range(3)])
        write_idx(f"{out}/{prefix}-images-idx3-ubyte.gz", np.ascontiguousarray(x[keep]))
        write_idx(f"{out}/{prefix}-labels-idx1-ubyte.gz", np.ascontiguousarray(y[keep]))


def main():
    grhost, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    models_dir = os.path.join(work, "models")
    export = subprocess.run([sys.executable, f"{ROOT}/tools/export_study_models.py", models_dir, "--only", "RN50,ICMLM",
                             "--random-weights"], capture_output=True, text=True)
    check(export.returncode == 0, "the export script runs with random weights\n" + export.stdout + export.stderr)
    exported = {f[:-3] for f in os.listdir(models_dir) if f.endswith(".pt")} if os.path.isdir(models_dir) else set()
    check(exported == {"RN50", "ICMLM"}, f"it writes RN50.pt and ICMLM.pt (found {sorted(exported)})")

    tiny_dataset(os.path.join(work, "tiny"))
    with open(f"{ROOT}/configs/paper/study.yaml") as f:
        manifest = yaml.safe_load(f)
    manifest["datasets"] = [{"id": "tiny", "plugin": "idx",
                             "options": {"root": os.path.join(work, "tiny"), "classes": ["T-shirt/top", "Trouser", "Pullover"]}}]
    kept = []
    for m in manifest["models"]:
        name = os.path.basename(m["options"]["file"])[:-3]
        if name in exported:
            m["options"]["file"] = os.path.join(models_dir, name + ".pt")
            kept.append(m)
    manifest["models"] = kept
    manifest["threads"] = 2
    manifest["output"] = os.path.join(work, "run")
    manifest["cache"] = os.path.join(work, "cache")
    with open(os.path.join(work, "reduced.yaml"), "w") as f:
        yaml.safe_dump(manifest, f, sort_keys=False)
    check([m["id"] for m in kept] == ["RN50", "ICMLM"], "the paper manifest names both exported models")

    run = subprocess.run([grhost, "run", os.path.join(work, "reduced.yaml")], capture_output=True, text=True)
    check(run.returncode == 0, "grhost runs the reduced paper manifest\n" + run.stdout[-3000:] + run.stderr[-3000:])
    rows = []
    results = os.path.join(work, "run", "results.csv")
    if os.path.exists(results):
        lines = open(results).read().splitlines()
        header = lines[0].split(",")
        rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    for model in ("RN50", "ICMLM"):
        for task, metric, params in (("few-shot", "accuracy", "shots=10;score=dot"),
                                     ("clustering", "accuracy", "mapping=paper"),
                                     ("linear-probe", "accuracy", "method=adam;selection=last")):
            hits = [r for r in rows if r["model"] == model and r["task"] == task and r["metric"] == metric
                    and r["params"] == params and r["mean" if task == "few-shot" else "value"] != ""]
            value = float(hits[0]["mean" if task == "few-shot" else "value"]) if hits else -1
            check(len(hits) == 1 and 0 <= value <= 1, f"{model} {task} {params}: {metric} {value}")
    check(os.path.exists(os.path.join(work, "run", "report.html")), "the run ends in its report")
    print(f"{checks['passed']} passed, {checks['failed']} failed")
    sys.exit(1 if checks["failed"] else 0)


if __name__ == "__main__":
    main()
