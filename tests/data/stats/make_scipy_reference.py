#!/usr/bin/python3
"""Generates tests/data/stats/scipy_reference.json: random data sets (fixed numpy seed) and the
values scipy.stats computes on them, for tests/test_stats_scipy.cpp. Run once with Debian's
python3-scipy (scipy 1.10): /usr/bin/python3 tests/data/stats/make_scipy_reference.py

Data are stored as decimal text (what a user's CSV holds); scipy reads the same text as doubles.
Values scipy 1.10 does not return (Welch df, CIs, adjusted p-values, power) are computed here
from scipy.stats distributions with independent Python code.
"""
import json
import os

import numpy as np
import scipy
from scipy import optimize, stats

import mpmath as mp

rng = np.random.default_rng(20261204)
ALPHA = 0.05
mp.mp.dps = 40


def t_ppf(q, df):
    """Student-t quantile in 40 digits. Not scipy.stats.t.ppf: scipy 1.10's stdtrit (CDFLIB's cdft
    root finder) is accurate to only ~1e-9 relative (e.g. df = 49, q = 0.975: 2.009575234489209
    against 2.0095752371292397), far from the 1e-10 the cross-checks require."""
    df = mp.mpf(df)
    cdf = lambda t: 1 - mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return float(mp.findroot(lambda t: cdf(t) - mp.mpf(q), 2.0))


def as_text(values, decimals):
    return [f"{v:.{decimals}f}" for v in values]


def as_float(texts):
    return np.array([float(t) for t in texts])


def summary_case(name, texts):
    x = as_float(texts)
    n = len(x)
    mean, sd = x.mean(), x.std(ddof=1)
    se = stats.sem(x)
    q = t_ppf(1 - ALPHA / 2, n - 1)
    lo, hi = mean - q * se, mean + q * se
    boot = {}
    for method in ("BCa", "percentile"):
        # Monte Carlo: scipy's own RNG, 10^5 resamples; the test compares with a tolerance.
        b = stats.bootstrap((x,), np.mean, n_resamples=100000, method=method, confidence_level=1 - ALPHA,
                            random_state=np.random.default_rng(7))
        boot[method] = [b.confidence_interval.low, b.confidence_interval.high]
    return {"name": name, "data": texts, "n": n, "bootstrap_1e5": boot, "mean": mean, "sd": sd, "se": se, "ci_lo": lo, "ci_hi": hi,
            "median": float(np.median(x))}


def welch_case(name, a, b):
    x, y = as_float(a), as_float(b)
    res = stats.ttest_ind(x, y, equal_var=False)
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    df = (va + vb) ** 2 / (va ** 2 / (len(x) - 1) + vb ** 2 / (len(y) - 1))
    diff, se = x.mean() - y.mean(), np.sqrt(va + vb)
    q = t_ppf(1 - ALPHA / 2, df)
    mw = stats.mannwhitneyu(x, y)  # defaults: method='auto', use_continuity=True, two-sided
    return {"name": name, "x": a, "y": b, "t": res.statistic, "p_value": res.pvalue, "df": df, "diff": diff,
            "ci_lo": diff - q * se, "ci_hi": diff + q * se, "u": mw.statistic, "u_p_value": mw.pvalue}


def paired_case(name, a, b):
    x, y = as_float(a), as_float(b)
    res = stats.ttest_rel(x, y)
    d = x - y
    se = d.std(ddof=1) / np.sqrt(len(d))
    q = t_ppf(1 - ALPHA / 2, len(d) - 1)
    return {"name": name, "x": a, "y": b, "t": res.statistic, "p_value": res.pvalue, "df": len(d) - 1,
            "diff": d.mean(), "ci_lo": d.mean() - q * se, "ci_hi": d.mean() + q * se}


def holm(p):
    p = np.asarray(p)
    m, order = len(p), np.argsort(p, kind="stable")
    adj, running = np.empty(m), 0.0
    for r, i in enumerate(order):
        running = max(running, min(1.0, (m - r) * p[i]))
        adj[i] = running
    return adj


def bh(p):
    p = np.asarray(p)
    m, order = len(p), np.argsort(p, kind="stable")
    adj, running = np.empty(m), 1.0
    for r in range(m - 1, -1, -1):
        i = order[r]
        running = min(running, m / (r + 1) * p[i])
        adj[i] = running
    return adj


def anova_case(name, groups):
    xs = [as_float(g) for g in groups]
    res = stats.f_oneway(*xs)
    pairs, p = [], []
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            r = stats.ttest_ind(xs[i], xs[j], equal_var=False)
            pairs.append({"i": i, "j": j, "t": r.statistic, "p_value": r.pvalue})
            p.append(r.pvalue)
    for k, (h, b) in enumerate(zip(holm(p), bh(p))):
        pairs[k]["p_holm"], pairs[k]["p_bh"] = h, b
    return {"name": name, "groups": groups, "f": res.statistic, "p_value": res.pvalue, "pairs": pairs}


def power(delta, sd, n, alpha):
    df = 2 * n - 2
    tc = t_ppf(1 - alpha / 2, df)
    nc = abs(delta) / (sd * np.sqrt(2 / n))
    return stats.nct.sf(tc, df, nc) + stats.nct.cdf(-tc, df, nc)


def power_case(delta, sd, n, alpha, target):
    need = 2
    while power(delta, sd, need, alpha) < target:
        need += 1
    upper = 15 * sd * np.sqrt(2 / n)  # noncentrality 15: power 1 to double precision
    detect = optimize.brentq(lambda d: power(d, sd, n, alpha) - target, 1e-3 * sd, upper, xtol=1e-15, rtol=1e-15)
    return {"delta": delta, "sd": sd, "n": n, "alpha": alpha, "power": target, "power_at_n": power(delta, sd, n, alpha),
            "power_at_n_mpmath": power_mpmath(delta, sd, n, alpha), "runs_needed": need, "detectable_difference": detect}


def power_mpmath(delta, sd, n, alpha):
    """The same power without scipy.stats.nct (which wraps Boost.Math, the code under test): 40-digit
    quadrature of P(|Z + nc| > tc sqrt(V / df)) over V ~ chi^2(df), Z ~ N(0, 1)."""
    df = 2 * n - 2
    tc = mp.mpf(t_ppf(1 - alpha / 2, df))  # double-rounded: moves the power by ~1e-16
    nc = mp.mpf(abs(delta)) / (mp.mpf(sd) * mp.sqrt(mp.mpf(2) / n))
    k = mp.mpf(df) / 2
    dens = lambda v: mp.exp((k - 1) * mp.log(v) - v / 2 - k * mp.log(2) - mp.loggamma(k))
    tail = lambda v: mp.ncdf(-tc * mp.sqrt(v / df) + nc) + mp.ncdf(-tc * mp.sqrt(v / df) - nc)
    return float(mp.quad(lambda v: dens(v) * tail(v), [0, df, 4 * df, mp.inf]))


doc = {"generator": "tests/data/stats/make_scipy_reference.py", "scipy": scipy.__version__, "numpy": np.__version__,
       "seed": 20261204, "alpha": ALPHA}
doc["summary"] = [
    summary_case("acc-n5", as_text(rng.normal(0.91, 0.01, 5), 4)),
    summary_case("acc-n30", as_text(rng.normal(0.87, 0.02, 30), 5)),
    summary_case("offset-1e6-n200", as_text(1e6 + rng.normal(0, 1, 200), 6)),
    summary_case("skewed-n50", as_text(rng.exponential(2.0, 50), 6)),
]
doc["welch"] = [
    welch_case("small-exact-5-7", as_text(rng.normal(0.9, 0.01, 5), 6), as_text(rng.normal(0.89, 0.02, 7), 6)),
    welch_case("exact-3-20", as_text(rng.normal(1.0, 1.0, 3), 6), as_text(rng.normal(0.0, 1.0, 20), 6)),
    welch_case("ties-6-6", as_text(rng.normal(0.9, 0.01, 6), 2), as_text(rng.normal(0.9, 0.01, 6), 2)),
    welch_case("asymptotic-30-40", as_text(rng.normal(0.0, 1.0, 30), 5), as_text(rng.normal(0.3, 2.0, 40), 5)),
    welch_case("ties-asymptotic-25-25", as_text(rng.integers(0, 10, 25), 0), as_text(rng.integers(2, 12, 25), 0)),
]
base = rng.normal(0.85, 0.03, 12)
doc["paired"] = [
    paired_case("seeds-12", as_text(base + rng.normal(0.01, 0.005, 12), 5), as_text(base, 5)),
    paired_case("seeds-40", as_text(rng.normal(0.0, 1.0, 40), 5), as_text(rng.normal(0.2, 1.0, 40), 5)),
]
doc["anova"] = [
    anova_case("three-methods", [as_text(rng.normal(mu, 0.02, k), 5) for mu, k in [(0.9, 8), (0.91, 10), (0.88, 9)]]),
    anova_case("five-groups", [as_text(rng.normal(mu, 1.0, 20), 4) for mu in [0.0, 0.1, 0.5, 0.2, 1.0]]),
]
doc["power"] = [power_case(1.0, 1.0, 20, 0.05, 0.8), power_case(0.01, 0.02, 10, 0.05, 0.9),
                power_case(0.5, 1.0, 64, 0.01, 0.8), power_case(2.0, 0.7, 5, 0.05, 0.95)]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scipy_reference.json")
with open(out, "w") as f:
    json.dump(doc, f, indent=1, default=float)
    f.write("\n")
print("wrote", out)
