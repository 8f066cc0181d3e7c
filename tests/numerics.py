"""Numerical helpers shared by the test modules (not tests themselves)."""

from __future__ import annotations

import math

from scipy.special import expit


def delta_condition(u: float, v: float) -> float:
    """Relative condition number of Delta_n_eq = g(u) - g(v), g(z) = 1/(1 + e^z), with respect to
    relative perturbations of u and v: (u |g'(u)| + v |g'(v)|) / |g(u) - g(v)|. It is
    ~ (u + v)/|v - u| at high temperature (cancellation) and ~ u at low temperature (e^-u)."""
    g_u, g_v = float(expit(-u)), float(expit(-v))
    num = u * g_u * float(expit(u)) + v * g_v * float(expit(v))
    den = abs(g_u - g_v)
    return max(1.0, num / den) if den > 0 else math.inf


def generic_path_rtol(u: float, v: float) -> float:
    """Accuracy of the generic linear-algebra path relative to a heat: populations are resolved to
    a few eps, so a heat proportional to Delta_n_eq = g(u) - g(v) is known to ~4 eps / |Delta_n_eq|.
    Two generic evaluations that take different routes (a batched matrix exponential scales the
    whole stack together; a single stroke takes a direct route) agree to that, not to an ulp."""
    dn = abs(float(expit(-u)) - float(expit(-v)))
    return 4 * 2.220446049250313e-16 / dn if dn > 0 else math.inf
