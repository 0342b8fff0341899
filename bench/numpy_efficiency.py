#!/usr/bin/python3
"""NumPy plain Monte Carlo for bench/bench_mc_efficiency.cpp's estimands, on the same instance
(the JSON that `bench_mc_efficiency ESTIMAND --instance FILE` writes: the claims' own w or net).

  shift-ratio: Var(X_test) / Var(X_train) of Drop-Activation (Property 5.2, eqs. 13-15), p = 0.95,
               d = 16, the claim's w: per sample x ~ N(0, I_d), P_j ~ Bernoulli(p),
               X_train = sum_j w_j ((1-P_j) x_j + P_j relu(x_j)), X_test = sum_j w_j ((1-p) x_j + p relu(x_j))
               on the same x; ratio of sample variances, 95% half-width by the delta method with
               the full 4x4 covariance of (Y_tr, Y_tr^2, Y_te, Y_te^2), Y = X - theoretical mean.
  penalty:     E_P ||W2 (I - P + P r)(W1 x) - y||^2 (Property 5.1's left side), p = 0.8, d = 64,
               m = 8, n_in = 16, the claim's net: per sample a mask P ~ Bernoulli(p)^d; sample mean,
               95% half-width 1.96 s / sqrt(n).
One thread (BLAS/OpenMP threads 1, set before numpy loads); CPU time by time.process_time().
Output: one JSON line {"estimand", "estimate", "hw95", "cpu_s", "samples"}.
Efficiency = hw95^2 x cpu_s (independent of n for plain Monte Carlo).
Run: /usr/bin/python3 bench/numpy_efficiency.py ESTIMAND INSTANCE.json [--n N] [--chunk C] [--seed S]
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

Z95 = 1.959963984540054  # Phi^{-1}(0.975)


def shift_ratio(inst, n, chunk, rng):
    p = inst["p"]
    w = np.asarray(inst["w"], dtype=float)
    mu = p * w.sum() / math.sqrt(2.0 * math.pi)  # centring only (variances are shift invariant)
    s1 = np.zeros(4)
    s2 = np.zeros((4, 4))
    done = 0
    while done < n:
        m = min(chunk, n - done)
        x = rng.standard_normal((m, w.size))
        keep = rng.random((m, w.size)) < p
        r = np.maximum(x, 0.0)
        a = np.where(keep, r, x) @ w - mu
        b = ((1.0 - p) * x + p * r) @ w - mu
        v = np.stack((a, a * a, b, b * b))
        s1 += v.sum(axis=1)
        s2 += v @ v.T
        done += m
    mean = s1 / n
    cov = s2 / n - np.outer(mean, mean)
    vtr, vte = mean[1] - mean[0] ** 2, mean[3] - mean[2] ** 2
    grad = np.array([2 * mean[0] * vte / vtr**2, -vte / vtr**2, -2 * mean[2] / vtr, 1 / vtr])
    se = math.sqrt(max(grad @ cov @ grad, 0.0) / n)
    return vte / vtr, Z95 * se


def penalty(inst, n, chunk, rng):
    p = inst["p"]
    W1 = np.asarray(inst["W1"], dtype=float).reshape(inst["W1_shape"])
    W2 = np.asarray(inst["W2"], dtype=float).reshape(inst["W2_shape"])
    x = np.asarray(inst["x"], dtype=float)
    y = np.asarray(inst["y"], dtype=float)
    v = W1 @ x
    r = np.maximum(v, 0.0)
    s = ss = 0.0
    done = 0
    while done < n:
        m = min(chunk, n - done)
        keep = rng.random((m, v.size)) < p  # P_j = 1: the ReLU is applied
        h = np.where(keep, r, v)  # (I - P + P r)(v), eq. (4)
        z = h @ W2.T - y
        loss = np.einsum("ij,ij->i", z, z)
        s += loss.sum()
        ss += loss @ loss
        done += m
    mean = s / n
    var = (ss - n * mean * mean) / (n - 1)
    return mean, Z95 * math.sqrt(var / n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("estimand", choices=("shift-ratio", "penalty"))
    ap.add_argument("instance")
    ap.add_argument("--n", type=int, default=2_000_000)
    ap.add_argument("--chunk", type=int, default=16384)
    ap.add_argument("--seed", type=int, default=20261123)
    a = ap.parse_args()
    with open(a.instance) as f:
        inst = json.load(f)
    rng = np.random.default_rng(a.seed)
    c0 = time.process_time()
    est, hw = (shift_ratio if a.estimand == "shift-ratio" else penalty)(inst, a.n, a.chunk, rng)
    dc = time.process_time() - c0
    print(json.dumps({"estimand": a.estimand, "estimate": est, "hw95": hw, "cpu_s": dc, "samples": a.n}))


if __name__ == "__main__":
    main()
