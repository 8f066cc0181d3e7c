"""Onsager analysis where L underflows (issue 11): beta_c w_a from 1 to 2000.

L ~ exp(-beta_c w_a) is a normal double up to beta_c w_a ~ 708 and 0 beyond ~745. Before, L came
back as zeros with ``tight_coupling`` False and no error (and from ~600 the verdicts already failed:
L11 L22 underflowed). Now:

* finite differences (both paths) while underflow costs less than 1e-6 of L (beta_c w_a < ~700 at
  rates and times of order 1), with steps capped at the forces' natural scale (X1 + w_a X2 ~ 1);
* beyond, the two-level Otto closed form gives L scaled, ``L = exp(log_scale) L_scaled``;
* a cycle without that closed form gets a pointed AnalysisError.

The oracle: the Onsager matrix as central differences of the exact fluxes of docs/explanation/physics.md, section 4,
J1 = (n2 - n1)/t_cyc and J2 = w_b (n2 - n1)/t_cyc, in 60-digit decimal arithmetic (no underflow,
no code of the library, not the closed form's derivation).
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal

import numpy as np
import pytest

from thermocycles.analysis.irreversible import IrreversibleAnalysis, _verdicts
from thermocycles.errors import AnalysisError
from thermocycles.factories.otto import quantum_otto_cycle

BASE = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5,
            tau_ch=0.1, tau_hc=0.1)


def decimal_onsager(p: dict, digits: int = 60) -> list[list[Decimal]]:
    """L_ij = dJ_i/dX_j at X = 0 by central differences (step 1e-25) in decimal arithmetic."""
    with decimal.localcontext(decimal.Context(prec=digits, Emin=-10**9, Emax=10**9)):
        D = {k: Decimal(v) for k, v in p.items()}
        beta_c, w_a = 1 / D["T_c"], D["w_a"]
        x, y = 2 * D["gamma_c"] * D["tau_c"], 2 * D["gamma_h"] * D["tau_h"]
        f = (1 - (-x).exp()) * (1 - (-y).exp()) / (1 - (-(x + y)).exp())
        t = D["tau_c"] + D["tau_h"] + D["tau_ch"] + D["tau_hc"]

        def excited(z: Decimal) -> Decimal:  # equilibrium p_e = 1/(1 + e^z) = (1 - tanh(z/2))/2
            e = (-z).exp()
            return e / (1 + e)

        def fluxes(x1: Decimal, x2: Decimal) -> tuple[Decimal, Decimal]:
            w_b = w_a + x1 / beta_c  # X1 = beta_c Dw
            # n2 - n1 = [n_eq(u) - n_eq(v)] f with n_eq = 1 + p_e
            dn = (excited(beta_c * w_a) - excited((beta_c + x2) * w_b)) * f
            return dn / t, w_b * dn / t

        h = Decimal(10) ** -25
        plus1, minus1 = fluxes(h, Decimal(0)), fluxes(-h, Decimal(0))
        plus2, minus2 = fluxes(Decimal(0), h), fluxes(Decimal(0), -h)
        return [[(plus1[i] - minus1[i]) / (2 * h), (plus2[i] - minus2[i]) / (2 * h)] for i in range(2)]


def log_abs(x: Decimal) -> float:
    with decimal.localcontext(decimal.Context(prec=40)):
        return float(abs(x).ln())


# beta_c w_a across the range, reached by raising w_a or by lowering T_c, with other rates/times
SWEEP = [1.0, 10.0, 100.0, 300.0, 600.0, 690.0, 700.0, 705.0, 710.0, 745.0, 750.0, 800.0, 1000.0,
         1500.0, 2000.0]
CASES = [dict(w_a=u, w_b=3.0 * u) for u in SWEEP] + [
    dict(T_c=1 / u, T_h=2 / u, w_a=1.0, w_b=3.0, gamma_c=0.3, gamma_h=5.0, tau_c=2.0, tau_h=0.01)
    for u in (50.0, 704.0, 800.0, 1999.0)]


def case_id(c: dict) -> str:
    return f"beta_c w_a={c['w_a'] / c.get('T_c', 1.0):g}" + (" (T_c)" if "T_c" in c else "")


@pytest.mark.parametrize("changes", CASES, ids=case_id)
def test_closed_form_path_gives_L_exact_or_scaled_never_zero(changes):
    p = {**BASE, **changes}
    res = IrreversibleAnalysis().run(quantum_otto_cycle(**p))
    oracle = decimal_onsager(p)
    for i in range(2):
        for j in range(2):
            # log|L_ij| = log_scale + log|L_scaled_ij|, to 1e-9 relative (1e-12 when scaled)
            got = res.log_scale + math.log(abs(res.L_scaled[i, j]))
            tol = 1e-9 if res.log_scale == 0 else 1e-12
            assert got == pytest.approx(log_abs(oracle[i][j]), abs=tol), (i, j)
            # the error estimate bounds the true error
            true_error = abs(Decimal(res.L_scaled[i, j]) * Decimal(res.log_scale).exp() - oracle[i][j])
            bound = Decimal(res.error_scaled[i, j]) * Decimal(res.log_scale).exp()
            assert true_error <= bound or res.log_scale != 0, (i, j)
    assert res.tight_coupling and res.second_law and res.reciprocal
    assert res.coupling == pytest.approx(1.0, abs=1e-9)
    l11 = oracle[0][0]
    if l11 > Decimal("1e-300"):
        assert res.log_scale == 0.0  # finite differences, unscaled
    if l11 < Decimal("1e-306"):
        assert res.log_scale < -600  # scaled: the closed form
    with np.errstate(under="ignore"):
        np.testing.assert_allclose(res.L_natural, res.L_scaled * np.exp(res.log_scale), rtol=1e-12, atol=0)


@pytest.mark.parametrize("changes", CASES, ids=case_id)
def test_generic_path_exact_below_the_underflow_and_refuses_above(changes):
    p = {**BASE, **changes}
    analysis = IrreversibleAnalysis(method="linear_algebra")
    l11 = decimal_onsager(p)[0][0]
    if l11 < Decimal("1e-306"):
        with pytest.raises(AnalysisError, match=r"^IrreversibleAnalysis: L underflows double precision at "
                                                r"beta_c w_a = [0-9.]+ \(L11 = \S+; .*closed form") as info:
            analysis.run(quantum_otto_cycle(**p))
        assert len(str(info.value)) < 300
        return
    if l11 < Decimal("1e-300"):  # either, depending on the accuracy reached
        try:
            res = analysis.run(quantum_otto_cycle(**p))
        except AnalysisError:
            return
    else:
        res = analysis.run(quantum_otto_cycle(**p))
    assert res.log_scale == 0.0
    oracle = decimal_onsager(p)
    for i in range(2):
        for j in range(2):
            assert math.log(abs(res.L_natural[i, j])) == pytest.approx(log_abs(oracle[i][j]), abs=1e-8)
            assert abs(Decimal(res.L_natural[i, j]) - oracle[i][j]) <= Decimal(res.error_estimate[i, j])
    assert res.tight_coupling and res.second_law and res.reciprocal


def test_issue_11_case_beta_w_800_is_not_zeros_with_tight_coupling_false():
    res = IrreversibleAnalysis().run(quantum_otto_cycle(**{**BASE, "w_a": 800.0, "w_b": 2400.0}))
    assert res.tight_coupling and res.coupling == pytest.approx(1.0, abs=1e-12)
    assert np.all(res.L_scaled != 0) and -802 < res.log_scale < -800
    # the COP at maximum chi of the linear model is eps_plus (tight coupling), from the scaled L
    assert res.cop_at_max_chi(2.0) == pytest.approx((math.sqrt(9 + 16) - 3) / 2, rel=1e-9)


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-30, 1.0, 1e30, 1e200, 1e300])
def test_verdicts_do_not_depend_on_the_scale_of_L(scale):
    """L11 L22 underflowed from beta_c w_a ~ 600 (q = inf, tight_coupling False): verdicts are now
    computed on L scaled to unit diagonal, for every common factor of L and its error."""
    res = IrreversibleAnalysis().run(quantum_otto_cycle(**{**BASE, "w_a": 5.0, "w_b": 15.0}))
    for L, err in [(res.L_natural, res.error_estimate),
                   (np.array([[1.0, 0.5], [0.5, 1.0]]), np.full((2, 2), 1e-12)),   # q = 0.5
                   (np.array([[1.0, 0.5], [0.3, 1.0]]), np.full((2, 2), 1e-12)),   # not reciprocal
                   (np.array([[1.0, 3.0], [3.0, 1.0]]), np.full((2, 2), 1e-12))]:  # breaks the 2nd law
        ref = _verdicts(L, err, 1e-7)
        got = _verdicts(L * scale, err * scale, 1e-7)
        assert got == pytest.approx(ref, rel=1e-12, nan_ok=True)
