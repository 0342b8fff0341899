# Reference values of sim::detectable_multiplier (tests/test_sim.cpp), computed independently:
# scipy adaptive dblquad over the chi densities of U1, U2 and brentq on the miss probability.
# Run: /usr/bin/python3 tests/data/detectable_multiplier.py
import numpy as np
from scipy import integrate, stats, optimize
def miss(c, t, nu):
    # P(|Z - c U1| <= t U2), U = sqrt(chi2_nu/nu); integrate over u1,u2 with chi densities
    f = lambda u: stats.chi.pdf(u*np.sqrt(nu), nu)*np.sqrt(nu)
    g = lambda u2, u1: f(u1)*f(u2)*(stats.norm.cdf(c*u1 + t*u2) - stats.norm.cdf(c*u1 - t*u2))
    v, e = integrate.dblquad(g, 0, 6, 0, 6, epsabs=1e-12, epsrel=1e-10)
    return v
for nu, alpha, power in [(4, 0.05, 0.99), (63, 1e-8, 0.99), (499, 1e-4, 0.99), (63, 0.05, 0.9)]:
    t = stats.t.isf(alpha/2, nu)
    c = optimize.brentq(lambda c: miss(c, t, nu) - (1-power), t, 10*t + 10, xtol=1e-13)
    print(nu, alpha, power, repr(t), repr(c), repr(t + stats.t.ppf(power, nu)))
