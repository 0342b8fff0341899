#!/usr/bin/python3
"""scipy.stats.bootstrap baseline for bench/stats-vs-scipy: the BCa (or percentile) interval of the
mean of one CSV column, with the given number of resamples. Prints
  scipy wall_s=<s> cpu_s=<s> ci_lo=<x> ci_hi=<x>
Reading the CSV is not timed (regcheck's time includes its exact-decimal reading, a few ms)."""
import argparse
import time

import numpy as np
from scipy import stats

ap = argparse.ArgumentParser()
ap.add_argument("csv")
ap.add_argument("--resamples", type=int, default=10000)
ap.add_argument("--method", default="BCa", choices=["BCa", "percentile"])
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--batch", type=int, default=100, help="resamples per batch (scipy's default, all at once, needs 8 GB here)")
a = ap.parse_args()
x = np.loadtxt(a.csv, delimiter=",", skiprows=1)
w0, c0 = time.perf_counter(), time.process_time()
res = stats.bootstrap((x,), np.mean, n_resamples=a.resamples, method=a.method, batch=a.batch,
                      random_state=np.random.default_rng(a.seed))
w1, c1 = time.perf_counter(), time.process_time()
print(f"scipy wall_s={w1 - w0:.3f} cpu_s={c1 - c0:.3f} ci_lo={res.confidence_interval.low:.10g} ci_hi={res.confidence_interval.high:.10g}")
