"""Property-based invariants of finite-time Otto cycles (hypothesis).

The flagship ``tc.quantum_otto_refrigerator`` is drawn over several decades of every parameter, in
both operating regimes (refrigerator: w_b/w_a > T_h/T_c; engine: 1 < w_b/w_a < T_h/T_c), and each
invariant is checked on both evaluation paths (``closed_form`` and ``linear_algebra``). A
user-defined three-level cycle checks the generic path on a structure no closed form covers.

Domain (natural units, hbar = k_B = 1)
--------------------------------------
* T_c in [1e-2, 1e2], T_h / T_c in [1.01, 1e2];
* u = beta_c w_a in [1e-2, 1e2] (high temperature to deep quantum; a 5 GHz qubit at 10 mK has
  beta w ~ 24), so w_a spans 1e-4 .. 1e4;
* v / u = beta_h w_b / (beta_c w_a) at least 1e-3 away from 1 in log (away from the
  refrigerator/engine boundary, where Delta_n_eq vanishes and every evaluation loses relative
  accuracy to the cancellation u - v);
* gamma_c, gamma_h in [1e-3, 1e3], tau_c, tau_h in [1e-3, 1e3] (so x = 2 gamma_c tau_c and
  y = 2 gamma_h tau_h span 2e-6 .. 2e6), adiabat durations 0 or in [1e-3, 1e3].

Extreme values (beta w up to 700, durations 1e-9 .. 1e9) are in test_extremes.py.

Tolerances (all justified from float64 round-off, eps = 2.2e-16)
-----------------------------------------------------------------
* ``FIRST_LAW_RTOL = 1e-13``: the first law is a sum of a handful of stroke-level energies, each
  computed to a few ulps from O(1) populations; the residual is bounded by ~10 eps times the
  energy scale (the largest stroke-level energy or level energy, see ``energy_scale``), i.e.
  ~2e-15 of it. 1e-13 leaves a factor 50.
* ``RTOL = 1e-9``: two computations of the same figure that differ by the rounding of their
  inputs or by algorithm. With |ln(v/u)| >= 1e-3 and u <= 100 the relative condition number
  of Delta_n_eq with respect to u, v (``delta_condition``) is <= ~2e3 (cancellation in v - u)
  + u (Delta ~ e^-u), and f(x, y) is well conditioned (<= 1), so round-off propagates to at
  most ~2e3 * 10 eps ~ 5e-12. 1e-9 leaves a factor ~500 and is still
  far below any physically meaningful difference. The entropy production
  sigma = q_h/T_h - q_c/T_c is a difference of two heats; heats that agree to RTOL give sigma to
  RTOL * (|q_c|/T_c + |q_h|/T_h) (``sigma_tolerance``), whatever the cancellation. Derived
  ratios compound the errors of the heats they are made of (``PROPAGATION``: cop = q_c/work and
  efficiency = work/q_h get 2 RTOL, chi = q_c^2/(work t) 3 RTOL), and a comparison of two
  evaluations that are each within a tolerance of the truth gets twice that tolerance.
* ``POP_ATOL = 1e-14``: populations are probabilities (O(1)); a corner is a few additions and one
  backward-stable 2x2 solve away from exact, i.e. a few ulps of 1 (2.2e-16). Used where the same
  corner is reached along two routes.
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, ClassVar, Mapping

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, note, settings, target
from hypothesis import strategies as st
from numerics import delta_condition, generic_path_rtol

import thermocycles as tc

EPS = float(np.finfo(float).eps)
FIRST_LAW_RTOL = 1e-13
RTOL = 1e-9
POP_ATOL = 1e-14
LOG_MARGIN = 1e-3  # minimal |ln(v/u)|: distance from the refrigerator/engine boundary
# how many heat-level relative errors each figure compounds
PROPAGATION = {"q_c": 1, "q_h": 1, "work": 1, "cycle_time": 1, "cooling_rate": 1, "power": 1,
               "cop": 2, "efficiency": 2, "chi": 3}

METHODS = ["closed_form", "linear_algebra"]
PARAMS = ("T_c", "T_h", "gamma_c", "gamma_h", "w_a", "w_b", "tau_c", "tau_h", "tau_ch", "tau_hc")

# report_multiple_bugs=False: shrink one failure per test (keeps a failing run short)
SETTINGS = settings(max_examples=80, deadline=None, report_multiple_bugs=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
FEW = settings(SETTINGS, max_examples=30)

LEVELS_2 = np.array([1.0, 2.0])  # docs/explanation/physics.md, section 1: eps_g = w, eps_e = 2 w


# -- strategies -------------------------------------------------------------------------------

def log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats whose log10 is uniform on [log10 lo, log10 hi]."""
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda e: 10.0 ** e)


@st.composite
def otto_parameters(draw: Any, regime: str | None = None) -> dict[str, Any]:
    """Valid scalar parameters of the flagship; ``params["_regime"]`` says which regime."""
    regime = regime or draw(st.sampled_from(["refrigerator", "engine"]))
    T_c = draw(log_uniform(1e-2, 1e2))
    ln_t = math.log(draw(log_uniform(1.01, 1e2)))  # ln(T_h / T_c) >= 0.00995 > 2 LOG_MARGIN
    u = draw(log_uniform(1e-2, 1e2))
    if regime == "refrigerator":
        ln_r = ln_t + draw(st.floats(LOG_MARGIN, math.log(1e2)))  # w_b/w_a > T_h/T_c
    else:
        ln_r = draw(st.floats(LOG_MARGIN, ln_t - LOG_MARGIN))  # 1 < w_b/w_a < T_h/T_c
    w_a = u * T_c
    params = dict(
        T_c=T_c, T_h=T_c * math.exp(ln_t), w_a=w_a, w_b=w_a * math.exp(ln_r),
        gamma_c=draw(log_uniform(1e-3, 1e3)), gamma_h=draw(log_uniform(1e-3, 1e3)),
        tau_c=draw(log_uniform(1e-3, 1e3)), tau_h=draw(log_uniform(1e-3, 1e3)),
        tau_ch=draw(st.one_of(st.just(0.0), log_uniform(1e-3, 1e3))),
        tau_hc=draw(st.one_of(st.just(0.0), log_uniform(1e-3, 1e3))),
    )
    # the float parameters must still be on the drawn side of the boundary, with the margin
    v_over_u = (params["w_b"] / params["T_h"]) / (params["w_a"] / params["T_c"])
    assume(abs(math.log(v_over_u)) >= 0.5 * LOG_MARGIN)
    assert (v_over_u > 1) == (regime == "refrigerator")
    params["_regime"] = regime
    return params


# an inner point of the domain that the search tends to find (beta_c w_a = 100, everything else
# moderate), pinned as an explicit example so that every run checks it
DEEP_QUANTUM = dict(T_c=1.0, T_h=10.0, w_a=100.0, w_b=2718.2818284590458, gamma_c=1.0, gamma_h=1.0,
                    tau_c=1.0, tau_h=1.0, tau_ch=0.0, tau_hc=0.0, _regime="refrigerator")


def physical(params: Mapping[str, Any]) -> dict[str, Any]:
    """The factory's keyword arguments (drops bookkeeping keys)."""
    return {k: params[k] for k in PARAMS}


def evaluate(params: Mapping[str, Any], method: str) -> tc.Performance:
    note(f"method={method!r}, parameters={physical(params)!r}")
    perf = tc.quantum_otto_cycle(**physical(params)).performance(method)
    assert perf.method == method
    return perf


# -- independent reference (docs/explanation/physics.md, sections 2-3, exact decimal arithmetic) --------------

def reference_otto(params: Mapping[str, Any], prec: int = 60) -> dict[str, float]:
    """Periodic state of the two-level Otto cycle in high-precision decimal arithmetic.

    Derived directly from the master equation (no library formula): on an isochore at (beta, w)
    the excited population relaxes as p_e(t) = p_eq + (p_e(0) - p_eq) exp(-2 gamma t), with
    p_eq = 1 / (1 + exp(beta w)); the adiabats freeze the populations. Periodicity gives
    p1 = [p_h (1 - b) + p_c (1 - a) b] / (1 - a b), a = exp(-2 gamma_c tau_c),
    b = exp(-2 gamma_h tau_h), and p2 = p_c + (p1 - p_c) a. Heat on an isochore is
    w (n_end - n_start) with n = 1 + p_e.
    """
    with localcontext() as ctx:
        ctx.prec = prec
        ctx.Emin, ctx.Emax = decimal.MIN_EMIN, decimal.MAX_EMAX
        d = {k: Decimal(float(params[k])) for k in PARAMS}  # exact binary values
        p_c = 1 / (1 + (d["w_a"] / d["T_c"]).exp())
        p_h = 1 / (1 + (d["w_b"] / d["T_h"]).exp())
        a = (-2 * d["gamma_c"] * d["tau_c"]).exp()
        b = (-2 * d["gamma_h"] * d["tau_h"]).exp()
        p1 = (p_h * (1 - b) + p_c * (1 - a) * b) / (1 - a * b)
        p2 = p_c + (p1 - p_c) * a
        dn = p2 - p1
        sigma = (d["w_b"] / d["T_h"] - d["w_a"] / d["T_c"]) * dn
        return dict(q_c=float(d["w_a"] * dn), q_h=float(d["w_b"] * dn),
                    work=float((d["w_b"] - d["w_a"]) * dn), dn=float(dn), p_e1=float(p1),
                    p_e2=float(p2), entropy_production=float(sigma))


# -- helpers ----------------------------------------------------------------------------------

def stroke_scale(perf: tc.Performance) -> float:
    """Largest stroke-level energy (|heat| and |work| of individual strokes and totals)."""
    values = [abs(perf.work)] + [abs(q) for q in perf.heat.values()]
    for s in perf.strokes:
        values.append(abs(s.work))
        values += [abs(q) for q in s.heat.values()]
    return float(max(values))


def energy_scale(perf: tc.Performance, levels: np.ndarray) -> float:
    """Energy scale of the cycle's bookkeeping: the largest stroke-level energy or level energy.

    Every energy is computed from populations, which carry an absolute round-off of a few eps
    (they are O(1) probabilities), so an energy carries ~eps x the largest level energy. For the
    two-level substance that is ~ the stroke-level energies (E = n w >= w); for a substance with
    its ground level at 0 the stroke energies can be exponentially smaller than the levels.
    """
    top = max(abs(float(c)) for s in perf.strokes for c in (s.control_start, s.control_end))
    return max(stroke_scale(perf), top * float(np.max(np.abs(levels))))


def sigma_tolerance(perf: tc.Performance, params: Mapping[str, Any], rtol: float = RTOL) -> float:
    """Absolute tolerance of sigma = q_h/T_h - q_c/T_c given heats known to ``rtol``."""
    return rtol * (abs(perf.q_c) / params["T_c"] + abs(perf.q_h) / params["T_h"])


def rel_dev(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(scale > 0, np.abs(a - b) / scale, 0.0)
    return float(np.max(r))


# -- first law --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(params=otto_parameters())
def test_first_law(params, method):
    perf = evaluate(params, method)
    scale = energy_scale(perf, LEVELS_2)
    assert scale > 0 and math.isfinite(scale)
    tol = FIRST_LAW_RTOL * scale

    residual = sum(perf.heat.values()) + perf.work
    note(f"residual={residual!r}, energy scale={scale!r}")
    target(abs(residual) / scale, label=f"first-law residual / energy scale ({method})")
    assert abs(residual) <= tol

    # the totals are the sums of the per-stroke ledger
    assert abs(sum(s.work for s in perf.strokes) - perf.work) <= tol
    for name, q in perf.heat.items():
        assert abs(sum(s.heat.get(name, 0.0) for s in perf.strokes) - q) <= tol
    # heat on the isochores only, work on the adiabats only
    for s in perf.strokes:
        if s.kind == "Isochore":
            assert s.work == 0 and list(s.heat) == [s.name]
        else:
            assert s.heat == {}

    # each stroke: heat + work = change of the energy E = sum_i eps_i p_i (docs/explanation/physics.md, section 3)
    for s in perf.strokes:
        e_start = float(s.control_start * LEVELS_2 @ s.populations_start)
        e_end = float(s.control_end * LEVELS_2 @ s.populations_end)
        change = sum(s.heat.values()) + s.work
        bound = FIRST_LAW_RTOL * max(abs(e_start), abs(e_end), scale)
        assert abs(change - (e_end - e_start)) <= bound


# -- second law -------------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(params=otto_parameters())
@example(params=DEEP_QUANTUM)
def test_entropy_production_nonnegative(params, method):
    perf = evaluate(params, method)
    sigma = perf.entropy_production
    assert math.isfinite(sigma)
    # exactly -sum_r heat[r] / T_r (the definition), to round-off of the two terms
    terms = abs(perf.q_c) / params["T_c"] + abs(perf.q_h) / params["T_h"]
    assert abs(sigma - (perf.q_h / params["T_h"] - perf.q_c / params["T_c"])) <= 4 * EPS * terms
    # with |ln(v/u)| >= LOG_MARGIN, sigma / terms = |v - u| / (u + v) >= ~2.5e-4: strictly positive
    assert sigma > 0
    assert perf.entropy_production_rate > 0


@SETTINGS
@given(params=otto_parameters())
def test_entropy_production_closed_form(params):
    """sigma = (beta_h w_b - beta_c w_a)(n2 - n1) per cycle, n2 - n1 from an exact reference."""
    perf = evaluate(params, "closed_form")
    ref = reference_otto(params)
    v_minus_u = params["w_b"] / params["T_h"] - params["w_a"] / params["T_c"]
    expected = v_minus_u * ref["dn"]
    assert perf.entropy_production == pytest.approx(expected, rel=RTOL, abs=0)
    assert perf.entropy_production == pytest.approx(ref["entropy_production"], rel=RTOL, abs=0)
    # and the figures themselves against the exact reference
    for key in ("q_c", "q_h", "work"):
        assert getattr(perf, key) == pytest.approx(ref[key], rel=RTOL, abs=0), key


# -- the two evaluation paths -----------------------------------------------------------------

@SETTINGS
@given(params=otto_parameters())
@example(params=DEEP_QUANTUM)
def test_paths_agree(params):
    cf = evaluate(params, "closed_form")
    la = evaluate(params, "linear_algebra")
    worst = max(rel_dev(getattr(cf, k), getattr(la, k)) for k in ("q_c", "q_h", "work"))
    target(worst, label="max relative deviation closed_form vs linear_algebra")
    note(f"worst relative deviation {worst:.3e}")
    for key in ("q_c", "q_h", "work", "cycle_time", "cop", "efficiency", "cooling_rate", "chi",
                "power"):
        rel = PROPAGATION[key] * RTOL
        assert getattr(la, key) == pytest.approx(getattr(cf, key), rel=rel, abs=0, nan_ok=True), key
    assert la.entropy_production == pytest.approx(cf.entropy_production, rel=0,
                                                  abs=sigma_tolerance(cf, params))
    for name in cf.heat:
        assert la.heat[name] == pytest.approx(cf.heat[name], rel=RTOL, abs=0), name
    assert la.mode == cf.mode
    scale = energy_scale(cf, LEVELS_2)
    for s_cf, s_la in zip(cf.strokes, la.strokes, strict=True):
        assert (s_cf.name, s_cf.kind) == (s_la.name, s_la.kind)
        assert s_la.duration == s_cf.duration
        assert (s_la.control_start, s_la.control_end) == (s_cf.control_start, s_cf.control_end)
        assert s_la.work == pytest.approx(s_cf.work, rel=RTOL, abs=FIRST_LAW_RTOL * scale)
        for r in s_cf.heat:
            assert s_la.heat[r] == pytest.approx(s_cf.heat[r], rel=RTOL, abs=0)
        np.testing.assert_allclose(s_la.populations_start, s_cf.populations_start,
                                   rtol=0, atol=POP_ATOL)
        np.testing.assert_allclose(s_la.populations_end, s_cf.populations_end,
                                   rtol=0, atol=POP_ATOL)


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(params=otto_parameters())
@example(params=DEEP_QUANTUM)
def test_against_exact_reference(params, method):
    """q_c, q_h, work and the corners against the exact decimal reference."""
    perf = evaluate(params, method)
    ref = reference_otto(params)
    dev = rel_dev(perf.q_c, ref["q_c"])
    target(dev, label=f"relative error of q_c ({method})")
    for key in ("q_c", "q_h", "work"):
        assert getattr(perf, key) == pytest.approx(ref[key], rel=RTOL, abs=0), key
    assert perf.entropy_production == pytest.approx(ref["entropy_production"], rel=0,
                                                    abs=sigma_tolerance(perf, params))
    p1 = perf.strokes[0].populations_start
    p2 = perf.strokes[0].populations_end
    np.testing.assert_allclose(p1, [1 - ref["p_e1"], ref["p_e1"]], rtol=0, atol=POP_ATOL)
    np.testing.assert_allclose(p2, [1 - ref["p_e2"], ref["p_e2"]], rtol=0, atol=POP_ATOL)


# -- operating mode, COP, efficiency ----------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(params=otto_parameters())
@example(params=DEEP_QUANTUM)
def test_mode_cop_efficiency(params, method):
    perf = evaluate(params, method)
    w_a, w_b, T_c, T_h = (params[k] for k in ("w_a", "w_b", "T_c", "T_h"))
    if params["_regime"] == "refrigerator":  # w_b / w_a > T_h / T_c
        assert perf.mode == tc.Mode.REFRIGERATOR
        assert perf.q_c > 0 and perf.q_h > 0 and perf.work > 0
        assert perf.cop == pytest.approx(w_a / (w_b - w_a), rel=2 * RTOL, abs=0)
        assert perf.cop < T_c / (T_h - T_c)  # below the Carnot COP
        assert perf.cooling_rate > 0 and perf.chi > 0
        assert perf.chi == pytest.approx(perf.cop * perf.q_c / perf.cycle_time, rel=4 * EPS)
        assert math.isnan(perf.efficiency) and "runs as a refrigerator" in perf.why_nan("efficiency")
    else:  # 1 < w_b / w_a < T_h / T_c
        assert perf.mode == tc.Mode.ENGINE
        assert perf.q_c < 0 and perf.q_h < 0 and perf.work < 0
        assert perf.efficiency == pytest.approx(1 - w_a / w_b, rel=2 * RTOL, abs=0)
        assert 0 < perf.efficiency < 1 - T_c / T_h  # below the Carnot efficiency
        assert perf.power > 0
        assert math.isnan(perf.cop) and math.isnan(perf.chi) and "runs as an engine" in perf.why_nan("cop")
    # the heats are in the ratio of the frequencies: Q_c = w_a dn, Q_h = w_b dn
    assert perf.q_h / perf.q_c == pytest.approx(w_b / w_a, rel=2 * RTOL)
    assert perf.cycle_time == pytest.approx(
        params["tau_c"] + params["tau_ch"] + params["tau_h"] + params["tau_hc"], rel=4 * EPS)


@pytest.mark.parametrize("method", METHODS)
@FEW
@given(params=otto_parameters(regime="engine"), ratio=log_uniform(1.001, 1e2))
def test_compression_reversed_is_accelerator(params, ratio, method):
    """w_b < w_a: beta_h w_b < beta_c w_a always, heat flows hot -> cold while work is done on the
    substance (q_c < 0, q_h < 0, work > 0): an accelerator."""
    params = dict(params, w_b=params["w_a"] / ratio)
    perf = evaluate(params, method)
    assert perf.q_c < 0 and perf.q_h < 0 and perf.work > 0
    assert perf.mode == tc.Mode.ACCELERATOR
    assert perf.entropy_production > 0


# -- populations at the corners ---------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(params=otto_parameters())
@example(params=dict(T_c=1.0, T_h=25.945527214040148, w_a=85.05258154439963, w_b=958.2844663581518,
                     gamma_c=1.0, gamma_h=1.0, tau_c=1.0, tau_h=1.0, tau_ch=0.0, tau_hc=0.0,
                     _regime="engine"))  # found by search: closed form gives p_e = -1.1e-16
def test_corner_populations_are_probabilities(params, method):
    """Every corner is a probability vector: entries in [0, 1] (no tolerance: a negative
    population is not a probability, however small) summing to 1 (to round-off)."""
    perf = evaluate(params, method)
    for s in perf.strokes:
        for p in (s.populations_start, s.populations_end):
            assert p.shape == (2,)
            assert np.all(np.isfinite(p))
            assert np.all(p >= 0) and np.all(p <= 1), p
            assert abs(p.sum() - 1) <= POP_ATOL


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(params=otto_parameters())
def test_corner_populations_chain_and_relax(params, method):
    perf = evaluate(params, method)
    strokes = perf.strokes
    assert [s.name for s in strokes] == ["c", "ch", "h", "hc"]
    # corners chain around the cycle, and the last stroke ends where the first starts
    for s, nxt in zip(strokes, strokes[1:] + strokes[:1]):
        np.testing.assert_allclose(s.populations_end, nxt.populations_start, rtol=0, atol=POP_ATOL)
        assert s.control_end == nxt.control_start
    assert (strokes[0].control_start, strokes[1].control_end) == (params["w_a"], params["w_b"])
    # adiabats freeze the populations (docs/explanation/physics.md, section 1: no quantum friction)
    for s in (strokes[1], strokes[3]):
        np.testing.assert_array_equal(s.populations_end, s.populations_start)
    # isochores: p_e relaxes to 1 / (1 + e^(beta w)) at the rate 2 gamma (docs/explanation/physics.md, section 2)
    for s, T, gamma, tau in ((strokes[0], params["T_c"], params["gamma_c"], params["tau_c"]),
                             (strokes[2], params["T_h"], params["gamma_h"], params["tau_h"])):
        z = s.control_start / T  # <= 1e4 here; 1 / (1 + e^z) without overflow
        p_eq = math.exp(-z) / (1.0 + math.exp(-z))
        expected = p_eq + (s.populations_start[1] - p_eq) * math.exp(-2 * gamma * tau)
        assert s.populations_end[1] == pytest.approx(expected, rel=0, abs=POP_ATOL)
        # relaxation moves towards the reservoir's Gibbs state, never past it
        assert abs(s.populations_end[1] - p_eq) <= abs(s.populations_start[1] - p_eq) + POP_ATOL


# -- broadcasting -----------------------------------------------------------------------------

LAYOUTS = [(), (3,), (2, 1), (2, 3)]


@st.composite
def broadcast_parameters(draw: Any) -> tuple[dict[str, Any], tuple[int, ...]]:
    """A non-empty set of array parameters of mixed shapes (the rest scalars), broadcasting to
    (2, 3) or smaller."""
    def values(shape: tuple[int, ...], lo: float, hi: float) -> Any:
        n = int(np.prod(shape)) if shape else 1
        xs = draw(st.lists(log_uniform(lo, hi), min_size=n, max_size=n))
        return float(xs[0]) if shape == () else np.array(xs).reshape(shape)

    varying = draw(st.sets(st.sampled_from(PARAMS), min_size=1))
    layout = {k: draw(st.sampled_from(LAYOUTS[1:])) if k in varying else () for k in PARAMS}
    params = {
        "T_h": values(layout["T_h"], 1e-1, 1e2),
        "w_a": values(layout["w_a"], 1e-2, 1e2),
        "w_b": values(layout["w_b"], 1e-2, 1e2),
        "gamma_c": values(layout["gamma_c"], 1e-2, 1e2),
        "gamma_h": values(layout["gamma_h"], 1e-2, 1e2),
        "tau_c": values(layout["tau_c"], 1e-2, 1e2),
        "tau_h": values(layout["tau_h"], 1e-2, 1e2),
        "tau_ch": values(layout["tau_ch"], 1e-3, 1e1),
        "tau_hc": values(layout["tau_hc"], 1e-3, 1e1),
    }
    # T_c below every T_h
    t_min = float(np.min(params["T_h"]))
    params["T_c"] = values(layout["T_c"], 1e-2, 1.0)
    params["T_c"] = params["T_c"] * (t_min / 1.05)  # now in [~1e-2 t_min, t_min / 1.05]
    shape = np.broadcast_shapes(*(np.shape(v) for v in params.values()))
    return params, shape


FIGURES = ("q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency",
           "power", "entropy_production", "entropy_production_rate")


@pytest.mark.parametrize("method", METHODS)
@settings(FEW, max_examples=20)
@given(drawn=broadcast_parameters())
def test_broadcasting_matches_scalar_loop(drawn, method):
    """One call with array parameters gives, element by element, the numbers of one scalar call.

    Tolerance: both are evaluations of the same function, each accurate to a few eps times its
    condition number (``delta_condition``; the durations are well conditioned) plus max(u, v) eps
    (an exponential e^{+-z} of a rounded argument z carries a relative error z eps unless the
    formula cancels it analytically). So they agree to 64 eps (cond + max(u, v)) -- a vectorised
    ufunc may differ from the scalar one by an ulp, and a library may pick an equivalent formula
    per batch. Populations are O(1) probabilities with absolute round-off, compared with the same
    bound absolutely. Elements where Delta_n_eq vanishes in float64 (u == v, or both beyond ~745)
    are infinitely ill-conditioned: only their mode is compared.
    """
    params, shape = drawn
    note(f"shape={shape}, parameters={params!r}")
    perf = tc.quantum_otto_cycle(**params).performance(method)
    arrays = {k: np.broadcast_to(v, shape) for k, v in params.items()}
    for index in np.ndindex(*shape):
        scalar = {k: float(v[index]) for k, v in arrays.items()}
        one = tc.quantum_otto_cycle(**scalar).performance(method)
        u, v = scalar["w_a"] / scalar["T_c"], scalar["w_b"] / scalar["T_h"]
        cond = delta_condition(u, v)
        assert str(np.broadcast_to(perf.mode, shape)[index]) == str(one.mode), index
        if math.isinf(cond):
            continue
        tol = 64 * EPS * (cond + max(u, v))
        if method == "linear_algebra":
            tol = max(tol, generic_path_rtol(u, v))
        terms = abs(one.q_c) / scalar["T_c"] + abs(one.q_h) / scalar["T_h"]
        for key in FIGURES:
            got, want = np.broadcast_to(getattr(perf, key), shape)[index], getattr(one, key)
            if key.startswith("entropy_production"):
                atol = tol * terms / (one.cycle_time if key.endswith("rate") else 1.0)
                assert got == pytest.approx(want, rel=0, abs=atol), (key, index)
            else:
                assert got == pytest.approx(want, rel=tol, abs=0, nan_ok=True), (key, index)
        scale = energy_scale(one, LEVELS_2)
        for s_arr, s_one in zip(perf.strokes, one.strokes, strict=True):
            for p_arr, p_one in ((s_arr.populations_start, s_one.populations_start),
                                 (s_arr.populations_end, s_one.populations_end)):
                np.testing.assert_allclose(np.broadcast_to(p_arr, shape + (2,))[index], p_one,
                                           rtol=0, atol=tol)
            assert np.broadcast_to(s_arr.work, shape)[index] == pytest.approx(
                s_one.work, rel=tol, abs=tol * scale)
            for r in s_one.heat:
                assert np.broadcast_to(s_arr.heat[r], shape)[index] == pytest.approx(
                    s_one.heat[r], rel=tol, abs=tol * scale)


@pytest.mark.parametrize("method", METHODS)
@FEW
@given(drawn=broadcast_parameters())
def test_broadcasting_shapes(drawn, method):
    """Every figure, and every ledger entry, has the broadcast shape of the parameters
    (StrokeRecord documents populations of shape (..., N))."""
    params, shape = drawn
    note(f"shape={shape}, parameters={params!r}")
    perf = tc.quantum_otto_cycle(**params).performance(method)
    for key in FIGURES:
        assert np.shape(getattr(perf, key)) == shape, key
    assert np.shape(perf.mode) == shape
    for key in perf.heat:
        assert np.shape(perf.heat[key]) == shape, key
    for s in perf.strokes:
        assert np.shape(s.populations_start) == shape + (2,), s.name
        assert np.shape(s.populations_end) == shape + (2,), s.name


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", PARAMS)
def test_broadcasting_one_parameter_at_a_time(name, method):
    """A sweep over any single parameter: figures and ledger have the sweep's shape, and each
    element equals the scalar evaluation."""
    base = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.7, w_a=1.0, w_b=3.0, tau_c=0.5,
                tau_h=0.4, tau_ch=0.1, tau_hc=0.2)
    sweep = base[name] * np.array([0.9, 1.0, 1.1])
    perf = tc.quantum_otto_cycle(**dict(base, **{name: sweep})).performance(method)
    for i, value in enumerate(sweep):
        one = tc.quantum_otto_cycle(**dict(base, **{name: float(value)})).performance(method)
        for key in FIGURES:
            assert np.shape(getattr(perf, key)) == (3,), key
            assert getattr(perf, key)[i] == pytest.approx(getattr(one, key), rel=1e-13, nan_ok=True), key
        for s_arr, s_one in zip(perf.strokes, one.strokes, strict=True):
            for p_arr, p_one in ((s_arr.populations_start, s_one.populations_start),
                                 (s_arr.populations_end, s_one.populations_end)):
                assert np.shape(p_arr) == (3, 2), (s_arr.name, np.shape(p_arr))
                np.testing.assert_allclose(p_arr[i], p_one, rtol=0, atol=POP_ATOL)


# -- scaling invariances ----------------------------------------------------------------------

def scaled(params: Mapping[str, Any], s: float, r: float) -> dict[str, Any]:
    """Energies (T, w) times s, rates times r, durations divided by r."""
    out = dict(params)
    for k in ("T_c", "T_h", "w_a", "w_b"):
        out[k] = params[k] * s
    for k in ("gamma_c", "gamma_h"):
        out[k] = params[k] * r
    for k in ("tau_c", "tau_h", "tau_ch", "tau_hc"):
        out[k] = params[k] / r
    return out


def check_scaling(base: tc.Performance, other: tc.Performance, s: float, r: float, rtol: float,
                  params: Mapping[str, Any]) -> None:
    """``other`` is ``base`` with energies times s and rates times r; both are evaluations whose
    heats are within ``rtol`` of the truth, so they agree to 2 rtol (times ``PROPAGATION``)."""
    # dimensionless figures unchanged
    for key in ("cop", "efficiency"):
        rel = 2 * PROPAGATION[key] * rtol
        assert getattr(other, key) == pytest.approx(getattr(base, key), rel=rel, abs=0, nan_ok=True), key
    assert other.entropy_production == pytest.approx(
        base.entropy_production, rel=0, abs=2 * sigma_tolerance(base, params, rtol))
    assert other.mode == base.mode
    # energies scale by s, times by 1/r, rates (energy per time) by s r
    for key, factor in (("q_c", s), ("q_h", s), ("work", s), ("cycle_time", 1 / r),
                        ("cooling_rate", s * r), ("chi", s * r), ("power", s * r)):
        rel = 2 * PROPAGATION[key] * rtol
        want = getattr(base, key) * factor
        assert getattr(other, key) == pytest.approx(want, rel=rel, abs=0, nan_ok=True), key
    for a, b in zip(base.strokes, other.strokes, strict=True):
        np.testing.assert_allclose(b.populations_start, a.populations_start, rtol=0, atol=POP_ATOL)
        np.testing.assert_allclose(b.populations_end, a.populations_end, rtol=0, atol=POP_ATOL)
    assert other.entropy_production_rate == pytest.approx(
        base.entropy_production_rate * r, rel=0,
        abs=2 * sigma_tolerance(base, params, rtol) * r / base.cycle_time)
    # and n2 - n1 = q_c / w_a is dimensionless
    assert other.q_c / (params["w_a"] * s) == pytest.approx(base.q_c / params["w_a"], rel=2 * rtol,
                                                            abs=0)


# scale factors 10^(k/4), k in [-12, 12]: six decades, none a power of two (integers shrink fast)
SCALES = st.integers(-12, 12).map(lambda k: 10.0 ** (k / 4))


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(params=otto_parameters(), s=SCALES, r=SCALES)
def test_scaling_invariance(params, s, r, method):
    """Energies (T, w) times s, rates times r, durations / r: the same cycle in other units."""
    base = evaluate(params, method)
    other = evaluate(scaled(params, s, r), method)
    check_scaling(base, other, s, r, RTOL, params)


@SETTINGS
@given(params=otto_parameters(), ks=st.integers(-20, 20), kr=st.integers(-20, 20))
def test_scaling_by_powers_of_two_is_exact_in_closed_form(params, ks, kr):
    """Scaling by powers of two is exact in binary floating point, and so is the closed form."""
    s, r = 2.0 ** ks, 2.0 ** kr
    base = evaluate(params, "closed_form")
    other = evaluate(scaled(params, s, r), "closed_form")
    check_scaling(base, other, s, r, 2 * EPS, params)
    assert other.q_c == base.q_c * s
    assert other.algebraic("cop") == base.algebraic("cop")  # cop itself is NaN for an engine
    assert np.isnan(other.cop) == np.isnan(base.cop) == (params["_regime"] == "engine")


# -- a user-defined cycle: three-level substance ----------------------------------------------

LEVELS_3 = np.array([0.0, 1.0, 2.5])


@attrs.frozen(kw_only=True)
class ThreeLevel(tc.Substance):
    """Three levels at 0, w and 2.5 w (unequal gaps, so not a harmonic ladder)."""

    n_levels: ClassVar[int] = 3

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.asarray(control)[..., None] * LEVELS_3


def three_level_cycle(p: Mapping[str, Any]) -> tc.Cycle:
    cold = tc.Reservoir(name="c", temperature=p["T_c"], coupling=p["gamma_c"])
    hot = tc.Reservoir(name="h", temperature=p["T_h"], coupling=p["gamma_h"])
    w_a, w_b = tc.Parameter("w_a", p["w_a"]), tc.Parameter("w_b", p["w_b"])
    return tc.Cycle(substance=ThreeLevel(), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=p["tau_c"]),
        tc.QuantumAdiabat(name="ch", start=w_a, end=w_b, duration=p["tau_ch"]),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=p["tau_h"]),
        tc.QuantumAdiabat(name="hc", start=w_b, end=w_a, duration=p["tau_hc"]),
    ])


def reference_three_level(p: Mapping[str, Any]) -> dict[str, Any]:
    """Independent float64 reference: rate matrices k_{i->j} = gamma (1 + tanh(beta (eps_i -
    eps_j) / 2)) (docs/explanation/physics.md, section 2), isochore maps from scipy's expm, periodic state from the null
    vector of M - I. Only for moderate parameters (no care for extreme ranges)."""
    import scipy.linalg

    def relax(w: float, T: float, gamma: float, tau: float) -> np.ndarray:
        eps = w * LEVELS_3
        R = np.zeros((3, 3))
        for i in range(3):
            for j in range(3):
                if i != j:
                    R[j, i] = gamma * (1 + math.tanh((eps[i] - eps[j]) / (2 * T)))
        R -= np.diag(R.sum(axis=0))
        return scipy.linalg.expm(R * tau)

    Mc = relax(p["w_a"], p["T_c"], p["gamma_c"], p["tau_c"])
    Mh = relax(p["w_b"], p["T_h"], p["gamma_h"], p["tau_h"])
    M = Mh @ Mc
    A = np.vstack([(M - np.eye(3))[:2], np.ones(3)])
    p1 = np.linalg.solve(A, [0.0, 0.0, 1.0])
    p2 = Mc @ p1
    q_c = p["w_a"] * LEVELS_3 @ (p2 - p1)
    q_h = -p["w_b"] * LEVELS_3 @ (p1 - p2)  # released into the hot reservoir
    return dict(p1=p1, p2=p2, q_c=q_c, q_h=q_h)


@SETTINGS
@given(params=otto_parameters())
def test_three_level_first_and_second_law(params):
    """First and second law of an Otto cycle with a user-defined three-level substance.

    The levels scale uniformly with w, so with m = sum_i c_i p_i (eps_i = c_i w) the heats are
    Q_c = w_a (m2 - m1) and Q_h = w_b (m2 - m1), and sigma = (v - u)(m2 - m1) >= 0 (second law)
    forces the sign of m2 - m1: the cycle cools exactly when v > u, as for two levels.
    """
    note(f"parameters={physical(params)!r}")
    cycle = three_level_cycle(physical(params))
    assert cycle.model.closed_form is None  # only the generic path applies
    with pytest.raises(tc.ParameterError):
        cycle.performance("closed_form")
    perf = cycle.performance()
    assert perf.method == "linear_algebra"
    scale = energy_scale(perf, LEVELS_3)
    residual = sum(perf.heat.values()) + perf.work
    note(f"residual={residual!r}, energy scale={scale!r}")
    target(abs(residual) / scale, label="three-level first-law residual / energy scale")
    assert abs(residual) <= FIRST_LAW_RTOL * scale
    sigma = perf.entropy_production
    assert math.isfinite(sigma)
    assert sigma > 0  # |ln(v/u)| >= LOG_MARGIN: away from the reversible boundary
    # per stroke: heat + work = change of sum_i eps_i p_i
    for s in perf.strokes:
        for p in (s.populations_start, s.populations_end):
            assert np.all(p >= 0) and np.all(p <= 1), p
            assert abs(p.sum() - 1) <= POP_ATOL
        e_start = float(s.control_start * LEVELS_3 @ s.populations_start)
        e_end = float(s.control_end * LEVELS_3 @ s.populations_end)
        change = sum(s.heat.values()) + s.work
        bound = FIRST_LAW_RTOL * max(abs(e_start), abs(e_end), scale)
        assert abs(change - (e_end - e_start)) <= bound
    # levels scale uniformly with w: Q_h / Q_c = w_b / w_a, so the Otto COP and modes hold again
    assert perf.q_h / perf.q_c == pytest.approx(params["w_b"] / params["w_a"], rel=2 * RTOL)
    expected_mode = tc.Mode.REFRIGERATOR if params["_regime"] == "refrigerator" else tc.Mode.ENGINE
    assert perf.mode == expected_mode


@FEW
@given(params=otto_parameters())
def test_three_level_against_independent_reference(params):
    """Moderate parameters only (beta w <= 5, 2 gamma tau in [1e-3, 1e3]) where a plain float64
    expm + null-vector reference is itself accurate to ~1e-12 relative."""
    u = params["w_a"] / params["T_c"]
    v = params["w_b"] / params["T_h"]
    assume(max(u, v) <= 5 and abs(math.log(v / u)) >= 1e-2)
    assume(1e-3 <= 2 * params["gamma_c"] * params["tau_c"] <= 1e3)
    assume(1e-3 <= 2 * params["gamma_h"] * params["tau_h"] <= 1e3)
    perf = three_level_cycle(physical(params)).performance()
    ref = reference_three_level(params)
    np.testing.assert_allclose(perf.strokes[0].populations_start, ref["p1"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(perf.strokes[0].populations_end, ref["p2"], rtol=0, atol=1e-12)
    # the reference's q is a difference of O(1) populations: its absolute error is ~1e-13 w
    atol = 1e-11 * max(params["w_a"], params["w_b"])
    assert perf.q_c == pytest.approx(ref["q_c"], rel=1e-8, abs=atol)
    assert perf.q_h == pytest.approx(ref["q_h"], rel=1e-8, abs=atol)


# -- the boundaries of the domain -------------------------------------------------------------
#
# The properties above keep |ln(v/u)| >= LOG_MARGIN; the ones below sample the edges on purpose:
# points exactly on, and one or a few ulps either side of, the reversible point v = u (w_b / w_a =
# T_h / T_c, where the refrigerator turns into an engine and the Carnot bounds are reached), zero
# contact and adiabat durations, w_a = w_b, T_c = T_h, and couplings from 1e-300 to 1e300. Every
# expected value comes from exact arithmetic on the double inputs (fractions / decimal), never from
# the library.
#
# Tolerances (eps = 2.2e-16)
# * first law: sum(heat) + work is a sum of 4 stroke energies, each a correctly rounded product or
#   difference of a few terms; the round-off is bounded by ~8 eps times the GROSS turnover
#   T = sum over strokes of (|work| + sum |heat|), not by the net figures (which vanish at the
#   boundary while the adiabat works stay O(w) on the generic path). ``TURNOVER_RTOL = 64 eps``;
#   where the stroke energies are subnormal (below 2.2e-308 rounding is absolute) add a few
#   subnormal ulps times the largest frequency (an occupation change rounded absolutely, times w).
# * second law: sigma = q_h/T_h - q_c/T_c >= -4 eps (|q_c|/T_c + |q_h|/T_h) (the rounding of its
#   two terms; exactly 0 is allowed: idle or reversible), and where the heats leave the normal
#   range (below 2.2e-308 rounding is absolute) a few subnormal ulps (2^-1074) times the largest
#   frequency (q = w dn with dn subnormal) times 1/T (a deep run found both factors needed).
# * Carnot: the COP (efficiency) of a refrigerator (engine) is at most the Carnot value of the
#   exact inputs times (1 + 1e-12): a cycle an ulp from reversibility may reach Carnot to
#   round-off but never exceed it by more; where the figures are subnormal (< 2.2e-308, absolute
#   rounding 2^-1075) the ratio is known only to 2^-1074 / |figure| relative, which is added.
# Normal runs draw FEW (30) examples per boundary property (the exact references are slow); a deep
# run (THERMOCYCLES_DEEP, see conftest.py) draws many more.

TINY = float(np.finfo(float).tiny)
SUBNORMAL_ULP = 2.0 ** -1074
TURNOVER_RTOL = 64 * EPS
# the heats keep this relative precision at any distance from reversibility (the library computes
# v - u without cancellation; test_reversibility_precision.py), and so do cop and efficiency
NEAR_REVERSIBLE_RTOL = 1e-8
BOUNDARY_KINDS = ("reversible_exact", "reversible_rounded", "ulps", "relative", "equal_w", "equal_T",
                  "generic")


def couplings() -> st.SearchStrategy[float]:
    """Very small, ordinary and very large coupling rates."""
    return st.one_of(log_uniform(1e-300, 1e-3), log_uniform(1e-3, 1e3), log_uniform(1e3, 1e300),
                     st.sampled_from([1e-300, 1.0, 1e300]))


def durations(zero: bool = True) -> st.SearchStrategy[float]:
    strategies = [log_uniform(1e-6, 1e6), st.sampled_from([1e-6, 1.0, 1e6])]
    return st.one_of(st.just(0.0), *strategies) if zero else st.one_of(*strategies)


def exact_ratio(a: float, b: float, c: float) -> float:
    """a * b / c correctly rounded (the float nearest the exact value)."""
    return float(Fraction(a) * Fraction(b) / Fraction(c))


def step_ulps(x: float, k: int) -> float:
    direction = math.inf if k > 0 else 0.0
    for _ in range(abs(k)):
        x = math.nextafter(x, direction)
    return x


@st.composite
def boundary_parameters(draw: Any) -> dict[str, Any]:
    """Valid scalar parameters on or next to an edge of the domain; ``_kind`` says which edge."""
    kind = draw(st.sampled_from(BOUNDARY_KINDS))
    T_c = draw(log_uniform(1e-3, 1e3))
    w_a = T_c * draw(st.one_of(log_uniform(1e-4, 50.0), st.sampled_from([1e-4, 1.0, 50.0])))
    if kind == "reversible_exact":  # powers of two: v == u exactly in binary floating point
        k = draw(st.integers(1, 6))
        T_h, w_b = T_c * 2.0 ** k, w_a * 2.0 ** k
    elif kind == "equal_T":
        T_h = T_c
        w_b = draw(st.one_of(st.just(w_a), st.integers(-3, 3).map(lambda k: step_ulps(w_a, k)),
                             log_uniform(0.5, 2.0).map(lambda r: w_a * r)))
    else:
        T_h = T_c * draw(st.one_of(log_uniform(1.0 + 1e-9, 1e2), st.just(math.nextafter(1.0, 2.0))))
        assume(T_h > T_c)
        w_rev = exact_ratio(w_a, T_h, T_c)  # the reversible w_b, correctly rounded
        if kind == "reversible_rounded":
            w_b = w_rev
        elif kind == "ulps":
            w_b = step_ulps(w_rev, draw(st.sampled_from([-4, -2, -1, 1, 2, 4])))
        elif kind == "relative":
            w_b = w_rev * (1.0 + draw(st.sampled_from([-1.0, 1.0])) * 10.0 ** draw(st.floats(-15.0, -3.0)))
        elif kind == "equal_w":
            w_b = w_a
        else:
            w_b = w_a * draw(log_uniform(1e-1, 1e2))
    tau_c, tau_h = draw(durations()), draw(durations())
    assume(tau_c > 0 or tau_h > 0)  # both zero: no periodic state (test_both_contacts_zero)
    return dict(T_c=T_c, T_h=T_h, w_a=w_a, w_b=w_b, gamma_c=draw(couplings()), gamma_h=draw(couplings()),
                tau_c=tau_c, tau_h=tau_h, tau_ch=draw(durations()), tau_hc=draw(durations()), _kind=kind)


def turnover(perf: tc.Performance) -> float:
    """Gross energy turnover: sum over strokes of |work| + sum |heat|."""
    return float(sum(abs(s.work) + sum(abs(q) for q in s.heat.values()) for s in perf.strokes))


def _one_minus_exp_neg(x: Decimal) -> Decimal:
    """1 - e^-x in decimal arithmetic without cancellation (a series for small x)."""
    if x > Decimal("1e-6"):
        return 1 - (-x).exp()
    term, total, n = x, Decimal(0), 1
    while term != 0 and abs(term) > abs(total) * Decimal("1e-90"):
        total += term
        n += 1
        term = -term * x / n
    return total


def boundary_reference(params: Mapping[str, Any]) -> dict[str, Any]:
    """Exact heats of the two-level Otto cycle (decimal, 100 digits) for any couplings.

    As ``reference_otto`` (master equation, docs/explanation/physics.md, sections 2-3) but in the cancellation-free form
    n2 - n1 = Delta_n_eq f with f = A B / (A + B - A B), A = 1 - e^-x, B = 1 - e^-y, x = 2 gamma_c
    tau_c, y = 2 gamma_h tau_h (1 - ab = A + B - AB), so that couplings of 1e-300 (where e^-x
    rounds to 1 at any practical precision) are exact too. Returns floats, and ``dn_D`` (Decimal).
    """
    with localcontext() as ctx:
        ctx.prec = 100
        ctx.Emin, ctx.Emax = decimal.MIN_EMIN, decimal.MAX_EMAX
        d = {k: Decimal(float(params[k])) for k in PARAMS}  # exact binary values
        delta = 1 / (1 + (d["w_a"] / d["T_c"]).exp()) - 1 / (1 + (d["w_b"] / d["T_h"]).exp())
        A = _one_minus_exp_neg(2 * d["gamma_c"] * d["tau_c"])
        B = _one_minus_exp_neg(2 * d["gamma_h"] * d["tau_h"])
        f = A * B / (A + B - A * B) if A + B > 0 else Decimal(0)
        dn = delta * f
        return dict(q_c=float(d["w_a"] * dn), q_h=float(d["w_b"] * dn),
                    work=float((d["w_b"] - d["w_a"]) * dn), dn=float(dn), dn_D=dn)


def exact_mode(params: Mapping[str, Any]) -> tc.Mode | None:
    """The mode from the exact heats (decimal reference) by the documented rule (a figure below
    MODE_TOLERANCE times the largest counts as zero), or None where the exact heats are not
    representable as normal floats or sit within 1e-3 (relative) of that rule's threshold."""
    from thermocycles.core.modes import MODE_TOLERANCE

    ref = boundary_reference(params)
    q_c, q_h, work = ref["q_c"], ref["q_h"], ref["work"]
    scale = max(abs(q_c), abs(q_h), abs(work))
    if scale == 0:
        return tc.Mode.IDLE if ref["dn_D"] == 0 else None
    if scale < 1e-290 or not math.isfinite(scale):
        return None
    tol = MODE_TOLERANCE * scale

    def sign(x: float) -> int | None:
        if abs(abs(x) - tol) <= 1e-3 * tol:
            return None  # on the classifier's own threshold: either answer is right
        return 0 if abs(x) <= tol else (1 if x > 0 else -1)

    s = (sign(q_c), sign(q_h), sign(work))
    if None in s:
        return None
    table = {(1, 1, 1): tc.Mode.REFRIGERATOR, (-1, -1, -1): tc.Mode.ENGINE,
             (-1, -1, 1): tc.Mode.ACCELERATOR, (-1, -1, 0): tc.Mode.CONDUCTOR, (0, 0, 0): tc.Mode.IDLE}
    return table.get(s)  # type: ignore[arg-type]


@pytest.mark.parametrize("method", METHODS)
@FEW
@given(params=boundary_parameters())
@example(params={"T_c": 10.0, "T_h": 10.000000000000002, "w_a": 10.0, "w_b": 10.0, "gamma_c": 0.001,
                 "gamma_h": 1e-295, "tau_c": 1.0, "tau_h": 1.0, "tau_ch": 0.0, "tau_hc": 0.0,
                 "_kind": "ulps"})  # turnover 1.4e-310 (subnormal), residual -5e-324 (found by CI)
def test_boundary_first_law_to_turnover(params, method):
    """sum(heat) + work = 0 to round-off of the gross turnover; totals are the stroke sums."""
    perf = evaluate(params, method)
    gross = turnover(perf)
    assert math.isfinite(gross)
    residual = sum(perf.heat.values()) + perf.work
    note(f"residual={residual!r}, turnover={gross!r}")
    if gross > 0:
        target(abs(residual) / gross, label=f"first-law residual / turnover ({method})")
    bound = TURNOVER_RTOL * gross + 4 * SUBNORMAL_ULP * max(1.0, params["w_a"], params["w_b"])
    assert abs(residual) <= bound
    assert abs(sum(s.work for s in perf.strokes) - perf.work) <= bound
    for name, q in perf.heat.items():
        assert abs(sum(s.heat.get(name, 0.0) for s in perf.strokes) - q) <= bound


@pytest.mark.parametrize("method", METHODS)
@FEW
@given(params=boundary_parameters())
# found by a deep run (THERMOCYCLES_DEEP=20000): subnormal heats, rounding amplified by w and 1/T
@example(params=dict(T_c=0.01, T_h=0.1, w_a=0.01, w_b=0.09999999999999995, gamma_c=0.001, gamma_h=1e-292,
                     tau_c=1.0, tau_h=1.0, tau_ch=0.0, tau_hc=0.0, _kind="ulps"))
@example(params=dict(T_c=1.0, T_h=1.0000000000000002, w_a=50.0, w_b=500.0, gamma_c=1e-295, gamma_h=0.001,
                     tau_c=1.0, tau_h=1.0, tau_ch=0.0, tau_hc=0.0, _kind="generic"))
def test_boundary_second_law_and_carnot(params, method):
    """sigma >= -round-off; a refrigerator's COP <= Carnot COP, an engine's efficiency <= Carnot."""
    perf = evaluate(params, method)
    T_c, T_h = params["T_c"], params["T_h"]
    terms = abs(perf.q_c) / T_c + abs(perf.q_h) / T_h
    assert math.isfinite(perf.entropy_production)
    # (plus 4 subnormal ulps: below 2.2e-308 each term is rounded to an absolute 2^-1075)
    # a heat below 2.2e-308 carries an absolute rounding of a few 2^-1074 times the frequency it was
    # multiplied by (q = w dn with dn subnormal), which q/T amplifies by 1/T
    w_max = max(1.0, params["w_a"], params["w_b"])
    floor = 4 * SUBNORMAL_ULP * w_max * (1 + 1 / T_c + 1 / T_h)
    assert perf.entropy_production >= -4 * EPS * terms - floor
    assert perf.entropy_production_rate >= -4 * EPS * terms / perf.cycle_time - floor / perf.cycle_time - floor
    # the Carnot values of the exact inputs, correctly rounded (1 - T_c/T_h in floats loses up
    # to an absolute ulp of 1, i.e. 1e-7 relative when T_h / T_c = 1 + 1e-9)
    t_c, t_h = Fraction(T_c), Fraction(T_h)
    # below the normal range (2.2e-308) a figure is rounded to an absolute 2^-1075, so a ratio of
    # two of them is known to that relative to each
    def ratio_rtol(num: float, den: float) -> float:
        return 1e-12 + 4 * w_max * (SUBNORMAL_ULP / abs(float(num)) + SUBNORMAL_ULP / abs(float(den)))

    if perf.mode == tc.Mode.REFRIGERATOR and T_h > T_c:
        rtol = ratio_rtol(perf.q_c, perf.work)
        assert perf.cop <= float(t_c / (t_h - t_c)) * (1 + rtol)
        exact = Fraction(params["w_a"]) / (Fraction(params["w_b"]) - Fraction(params["w_a"]))
        assert perf.cop == pytest.approx(float(exact), rel=NEAR_REVERSIBLE_RTOL + rtol)
    if perf.mode == tc.Mode.ENGINE:
        rtol = ratio_rtol(perf.work, perf.q_h)
        assert perf.efficiency <= float((t_h - t_c) / t_h) * (1 + rtol)
        exact = 1 - Fraction(params["w_a"]) / Fraction(params["w_b"])
        assert perf.efficiency == pytest.approx(float(exact), rel=NEAR_REVERSIBLE_RTOL + rtol)


@FEW
@given(params=boundary_parameters())
# found by search: x = y = 2e-163, f(x, y) ~ x y / (x + y) = 1e-163, but the product x y underflows
@example(params=dict(T_c=1.0, T_h=2.0, w_a=1.0, w_b=3.0, gamma_c=1e-163, gamma_h=1e-163, tau_c=1.0,
                     tau_h=1.0, tau_ch=0.0, tau_hc=0.0, _kind="generic"))
# found by a deep run: heats ~1e-313 (subnormal); the closed form's W rounds to 0 (conductor), the
# generic path's to a few subnormal ulps below 0 (engine): neither sign is resolved in doubles
@example(params=dict(T_c=10.0 ** 1.5, T_h=31.62277663330657, w_a=0.0031622776601683794,
                     w_b=0.003162277663014429, gamma_c=0.001, gamma_h=1e-298, tau_c=1.0, tau_h=1.0,
                     tau_ch=0.0, tau_hc=0.0, _kind="relative"))
def test_boundary_mode_consistency(params):
    """The closed form and the generic path give the same mode, and it is the mode of the exact
    heats (where those are representable and not on the classifier's threshold)."""
    cf = evaluate(params, "closed_form")
    la = evaluate(params, "linear_algebra")
    expected = exact_mode(params)
    note(f"closed form: {cf.mode}, generic: {la.mode}, exact: {expected}")
    if expected is not None:
        assert cf.mode == expected
        assert la.mode == expected
    else:  # the paths agree wherever doubles resolve their flows: above the absolute rounding of
        # subnormal results (the floor of test_boundary_heats_against_exact_reference)
        floor = 16 * SUBNORMAL_ULP * max(1.0, params["w_a"], params["w_b"])
        if all(abs(getattr(p, key)) > floor for p in (cf, la) for key in ("q_c", "q_h", "work")):
            assert cf.mode == la.mode


@pytest.mark.parametrize("method", METHODS)
@FEW
@given(params=boundary_parameters())
def test_boundary_heats_against_exact_reference(params, method):
    """q_c, q_h and work against the exact decimal reference to NEAR_REVERSIBLE_RTOL, also an ulp
    from reversibility, with an absolute floor of 16 subnormal ulps x the largest frequency where
    the heats leave the normal range."""
    perf = evaluate(params, method)
    ref = boundary_reference(params)
    rtol = NEAR_REVERSIBLE_RTOL
    floor = 16 * SUBNORMAL_ULP * max(1.0, params["w_a"], params["w_b"])
    for key in ("q_c", "q_h", "work"):
        got, want = getattr(perf, key), ref[key]
        assert abs(got - want) <= rtol * abs(want) + floor, (key, got, want)


@pytest.mark.parametrize("method", METHODS)
@FEW
@given(T_c=log_uniform(1e-3, 1e3), k=st.integers(1, 6), u=log_uniform(1e-4, 50.0),
       gamma=couplings(), tau=durations(zero=False))
def test_boundary_continuity_across_reversibility(T_c, k, u, gamma, tau, method):
    """Crossing the reversible point (w_b = w_a T_h / T_c, exact here: T_h / T_c = 2^k) the heats
    pass continuously through zero: exactly zero (idle) on it, and at relative distances
    +-1 ulp .. +-1e-4 of w_b the sign of the side (engine below, refrigerator above), sizes
    growing with the distance, and q_c(+d) = -q_c(-d) to first order in d."""
    T_h, w_a = T_c * 2.0 ** k, u * T_c
    w_rev = w_a * 2.0 ** k
    base = dict(T_c=T_c, T_h=T_h, w_a=w_a, w_b=w_rev, gamma_c=gamma, gamma_h=gamma, tau_c=tau, tau_h=tau,
                tau_ch=0.0, tau_hc=0.0)
    on = evaluate(base, method)
    assert (perf_q := (on.q_c, on.q_h, on.work)) == (0.0, 0.0, 0.0) or all(q == 0 for q in perf_q)
    assert on.mode == tc.Mode.IDLE
    previous = {1: 0.0, -1: 0.0}
    for d in (EPS / 2, 1e-15, 1e-12, 1e-9, 1e-6, 1e-4):
        q, dist = {}, {}
        for side in (1, -1):
            w_b = w_rev * (1 + side * d) if d > EPS else step_ulps(w_rev, side)
            perf = evaluate(dict(base, w_b=w_b), method)
            ref = boundary_reference(dict(base, w_b=w_b))
            q[side] = perf.q_c
            dist[side] = abs(float((Fraction(w_b) - Fraction(w_rev)) / Fraction(w_rev)))
            if abs(ref["q_c"]) < 1e-290:
                continue  # below the normal range: no sign to demand
            assert math.copysign(1, perf.q_c) == side and perf.q_c != 0, (d, side, perf.q_c)
            assert perf.mode == (tc.Mode.REFRIGERATOR if side > 0 else tc.Mode.ENGINE), (d, side)
            assert abs(perf.q_c) >= abs(previous[side]) * (1 - 1e-9), (d, side)  # grows with d
            previous[side] = perf.q_c
        if min(abs(q[1]), abs(q[-1])) > 1e-290:
            # the slopes q_c / d on the two sides (d: the distance actually realised, exactly)
            # agree to first order: q_c is smooth in w_b, so they differ by O(d (1 + v)), plus
            # the library's relative precision near reversibility (1e-8, test_reversibility_precision)
            v = w_rev / T_h
            slope_up, slope_down = q[1] / dist[1], -q[-1] / dist[-1]
            bound = 4 * (dist[1] + dist[-1]) * (1 + v) + 1e-8
            assert abs(slope_up - slope_down) <= bound * abs(slope_up), (d, q, dist)


@pytest.mark.parametrize("method", METHODS)
def test_both_contacts_zero_is_a_cycle_error(method):
    """No contact at all: no unique periodic state; a CycleError naming the durations."""
    params = dict(T_c=1.0, T_h=2.0, w_a=1.0, w_b=3.0, gamma_c=1.0, gamma_h=1.0, tau_c=0.0, tau_h=0.0,
                  tau_ch=0.1, tau_hc=0.1)
    with pytest.raises(tc.CycleError, match="zero duration"):
        tc.quantum_otto_cycle(**params).performance(method)


# -- the deep-run switch (conftest.py) --------------------------------------------------------

def test_deep_run_switch_overrides_every_count():
    """THERMOCYCLES_DEEP replaces the count a property's own @settings gives (conftest.deepen, the
    hook every collected test goes through), and removes the deadline."""
    from conftest import deepen

    calls = []

    @settings(max_examples=3, deadline=1000)
    @given(x=st.floats(0, 1))
    def prop(x):
        calls.append(x)

    assert deepen([prop, prop, len], 17) == 1  # once per test; non-hypothesis objects untouched
    prop()
    assert len(calls) >= 17
    current = prop._hypothesis_internal_use_settings
    assert current.max_examples == 17 and current.deadline is None
