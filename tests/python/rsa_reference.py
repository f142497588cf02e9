"""Independent references for the RSA tests, from Debian's python3-scipy.

usage: rsa_reference.py DIR
Reads DIR/dist.npy (n x n symmetric distances) and DIR/a.npy, DIR/b.npy
(two vectors); writes DIR/linkage.npy (scipy's average linkage) and
DIR/spearman.npy (scipy.stats.spearmanr of a and b, as a 1-vector).
"""
import sys

import numpy as np
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform
from scipy.stats import spearmanr

d = sys.argv[1]
dist = np.load(f"{d}/dist.npy")
np.save(f"{d}/linkage.npy", linkage(squareform(dist, checks=False), method="average"))
rho = spearmanr(np.load(f"{d}/a.npy"), np.load(f"{d}/b.npy")).correlation
np.save(f"{d}/spearman.npy", np.array([rho], dtype=np.float64))
