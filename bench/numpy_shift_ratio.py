#!/usr/bin/python3
"""NumPy baseline for bench/bench_mc.cpp: the Monte Carlo shift-ratio estimate of Drop-Activation
(Property 5.2, eqs. 13-15) with d = 64, p = 0.95, random w, single thread.

Per sample: x ~ N(0, I_d), P_j ~ Bernoulli(p); X_train = sum_j w_j ((1-P_j) x_j + P_j relu(x_j)),
X_test = sum_j w_j ((1-p) x_j + p relu(x_j)) on the same x. Moments of (X - mu) are accumulated
in chunks (memory bounded by chunk * d doubles); the ratio of variances is printed with the
throughput. Run: /usr/bin/python3 bench/numpy_shift_ratio.py [--n N] [--d D] [--chunk C]
Output (last line): samples_per_s=<rate> ratio=<estimate> theory=<eq. 15>
"""
import os

# One thread, set before numpy loads its BLAS: the comparison is per core.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def shift_ratio_theory(p):
    a = 0.5 - 1.0 / (2.0 * math.pi)
    return (a * p * p - p + 1.0) / (1.0 - 0.5 * p - p * p / (2.0 * math.pi))


def estimate(n, d, p, chunk, seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(d)
    mu = p * w.sum() / math.sqrt(2.0 * math.pi)
    s = np.zeros(4)  # sums of Y_tr, Y_tr^2, Y_te, Y_te^2 with Y = X - mu
    done = 0
    while done < n:
        m = min(chunk, n - done)
        x = rng.standard_normal((m, d))
        keep = rng.random((m, d)) < p  # P_j = 1: nonlinearity kept
        r = np.maximum(x, 0.0)
        train = np.where(keep, r, x) @ w - mu
        test = ((1.0 - p) * x + p * r) @ w - mu
        s += (train.sum(), train @ train, test.sum(), test @ test)
        done += m
    m1, m2, m3, m4 = s / n
    return (m4 - m3 * m3) / (m2 - m1 * m1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--p", type=float, default=0.95)
    ap.add_argument("--chunk", type=int, default=16384)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--cpu-rate", action="store_true", help="also print the rate per CPU second")
    a = ap.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    ratio = estimate(a.n, a.d, a.p, a.chunk, a.seed)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    extra = f" cpu_samples_per_s={a.n / dc:.6g}" if a.cpu_rate else ""
    print(f"samples_per_s={a.n / dt:.6g}{extra} ratio={ratio:.6f} theory={shift_ratio_theory(a.p):.6f} seconds={dt:.3f}")


if __name__ == "__main__":
    main()
