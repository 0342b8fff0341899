# Reference values of the engine's known-answer tests (claims/core/engine_known_answers.cpp),
# computed independently of the C++ code: mpmath at 50 digits (Student t quantile as the root of
# its regularized incomplete beta tail, normal quantile by erfinv, exact binomial tails), the
# closed form of the t quantile at 4 dof, and scipy for comparison. The detectable-deviation
# multipliers come from tests/data/detectable_multiplier.py (scipy dblquad + brentq).
# Run: /usr/bin/python3 tests/data/engine_known_answers.py
from mpmath import mp, mpf, betainc, erfinv, erfc, sqrt, acos, cos, binomial, nstr
from scipy import stats

mp.dps = 50


def t_upper(q, nu):
    """x with P(T_nu > x) = q: bisection on I_{nu/(nu+x^2)}(nu/2, 1/2)/2 = q (200 halvings)."""
    q, nu = mpf(q), mpf(nu)
    f = lambda x: betainc(nu / 2, mpf(1) / 2, 0, nu / (nu + x * x), regularized=True) / 2 - q
    lo, hi = mpf(0), mpf(1)
    while f(hi) > 0:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def z_upper(q):
    return -sqrt(2) * erfinv(2 * mpf(q) - 1)


def binom_upper_limit(k, p, q):
    """Smallest c with P(X > c) <= q, X ~ Binomial(k, p), exact sums."""
    p, q = mpf(p), mpf(q)
    tail = mpf(1)
    for c in range(k + 1):
        tail -= binomial(k, c) * p**c * (1 - p)**(k - c)
        if tail <= q:
            return c, tail
    return k, mpf(0)


def show(name, v, ref=None):
    print(f"{name:<44} {nstr(v, 20):<26}" + (f" scipy {ref!r}" if ref is not None else ""))


p = mpf("0.975")
a = 4 * p * (1 - p)
show("t_{0.975,4} closed form", 2 * sqrt(cos(acos(sqrt(a)) / 3) / sqrt(a) - 1))
show("t upper q=0.025 dof 4", t_upper("0.025", 4), stats.t.isf(0.025, 4))
show("t upper q=5e-9 dof 63", t_upper("0.5e-8", 63), stats.t.isf(0.5e-8, 63))
show("z upper q=0.025", z_upper("0.025"), stats.norm.isf(0.025))
show("z upper q=5e-9", z_upper("0.5e-8"), stats.norm.isf(0.5e-8))
show("z_{0.99}", z_upper("0.01"), stats.norm.ppf(0.99))
show("sqrt(1/2)", sqrt(mpf(1) / 2))
show("t_{0.975,4} sqrt(1/2) (t interval of 1..5)", t_upper("0.025", 4) * sqrt(mpf(1) / 2))
show("se of 1..64 = sqrt(65/12)", sqrt(mpf(65) / 12))
show("two-sided p at 2.2 se", erfc(mpf("2.2") / sqrt(2)))
for k in (53, 1000):
    c, tail = binom_upper_limit(k, "0.01", "1e-6")
    t_prev = 1 - sum(binomial(k, i) * mpf("0.01")**i * mpf("0.99")**(k - i) for i in range(c))
    print(f"binomial_upper_limit(k={k}, 0.01, 1e-6) = {c}: P(X > {c}) = {nstr(tail, 6)}, P(X > {c - 1}) = {nstr(t_prev, 6)}; "
          f"scipy binom.isf {stats.binom.isf(1e-6, k, 0.01)}")
