"""Numerical helpers shared by the test modules (not tests themselves)."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal, localcontext
from typing import Any, Mapping

from scipy.special import expit

PARAMS = ("T_c", "T_h", "gamma_c", "gamma_h", "w_a", "w_b", "tau_c", "tau_h", "tau_ch", "tau_hc")


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


def reference(params: Mapping[str, Any], prec: int = 80) -> dict[str, Any]:
    """Exact periodic state of the two-level Otto cycle (decimal arithmetic, no library formula).

    From the master equation (docs/explanation/physics.md, sections 2-3): on an isochore the excited
    population relaxes as p_e(t) = p_eq + (p_e(0) - p_eq) exp(-2 gamma t) with p_eq = 1 / (1 + exp(beta w)); the
    adiabats freeze the populations. Periodicity: p1 = [p_h (1 - b) + p_c (1 - a) b] / (1 - a b) with
    a = exp(-2 gamma_c tau_c), b = exp(-2 gamma_h tau_h), and p2 = p_c + (p1 - p_c) a. Heat on an
    isochore is w (n_end - n_start), n = 1 + p_e; work = -(sum of heats).
    Returns floats and the Decimal values (keys ending in ``_D``).
    """
    with localcontext() as ctx:
        ctx.prec = prec
        ctx.Emin, ctx.Emax = decimal.MIN_EMIN, decimal.MAX_EMAX
        d = {k: Decimal(float(params[k])) for k in PARAMS}  # the exact binary inputs
        u, v = d["w_a"] / d["T_c"], d["w_b"] / d["T_h"]
        p_c = 1 / (1 + u.exp())
        p_h = 1 / (1 + v.exp())
        x, y = 2 * d["gamma_c"] * d["tau_c"], 2 * d["gamma_h"] * d["tau_h"]
        a, b = (-x).exp(), (-y).exp()
        p1 = (p_h * (1 - b) + p_c * (1 - a) * b) / (1 - a * b)
        p2 = p_c + (p1 - p_c) * a
        dn = p2 - p1
        f = (1 - a) * (1 - b) / (1 - a * b)
        q_c, q_h, work = d["w_a"] * dn, d["w_b"] * dn, (d["w_b"] - d["w_a"]) * dn
        t_cyc = d["tau_c"] + d["tau_h"] + d["tau_ch"] + d["tau_hc"]
        sigma = q_h / d["T_h"] - q_c / d["T_c"]
        out = dict(q_c=q_c, q_h=q_h, work=work, cycle_time=t_cyc, entropy_production=sigma,
                   entropy_production_rate=sigma / t_cyc, cooling_rate=q_c / t_cyc,
                   cop=d["w_a"] / (d["w_b"] - d["w_a"]), efficiency=1 - d["w_a"] / d["w_b"],
                   power=-work / t_cyc, p_e1=p1, p_e2=p2, p_c=p_c, p_h=p_h, dn=dn, f=f,
                   delta_n_eq=p_c - p_h)
        out["chi"] = out["cop"] * out["cooling_rate"]
        result = {k: float(val) for k, val in out.items()}
        result.update({k + "_D": val for k, val in out.items()})
        return result
