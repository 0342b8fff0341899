#!/usr/bin/python3
# Reference values of tests/test_reproduce_stats.cpp, PSweepAnalysisAgainstNumpy: the analysis of
# dropact.fig2.p-sweep on hand-made test accuracies (3 seeds x 9 values of p), computed with
# numpy.polyfit and scipy.stats.ttest_1samp (numpy 1.24.2, scipy 1.10.1), independently of regcheck.
# Run: /usr/bin/python3 tests/data/stats/psweep_reference.py
import numpy as np
from scipy import stats

p = np.array([0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95, 1.00])
acc = [[0.80, 0.82, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.87],
       [0.81, 0.81, 0.83, 0.86, 0.85, 0.88, 0.87, 0.90, 0.88],
       [0.79, 0.83, 0.84, 0.84, 0.87, 0.86, 0.89, 0.88, 0.89]]
rows = []
for a in acc:
    e = 100 * (1 - np.array(a))                  # test error, percent
    c, b, _ = np.polyfit(p - 0.8, e, 2)          # e = a + b u + c u^2, u = p - 0.8
    rows.append((e[8] - e[7], -(b + 2 * c * 0.05), b + 2 * c * 0.2, c))
r = np.array(rows)
names = ["err(1) - err(0.95)", "-slope(0.85)", "slope(1.00)", "curvature"]
for j, n in enumerate(names):
    print(f"{n}: mean {r[:, j].mean()!r}  one-sided p {stats.ttest_1samp(r[:, j], 0, alternative='greater').pvalue!r}")
m = 100 * (1 - np.array(acc)).mean(axis=0)
c, b, _ = np.polyfit(p - 0.8, m, 2)
print("argmin p", p[np.argmin(m)], "vertex", 0.8 - b / (2 * c))
