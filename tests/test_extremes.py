"""Extreme but valid parameters of the flagship: finite, correct numbers and no warnings.

Covered: beta w from 1e-8 (high temperature, Delta_n_eq ~ (v - u)/4) to 700 (deep quantum,
Delta_n_eq ~ e^-u - e^-v, heats ~ 1e-302), contact times from 1e-9 (f(x, y) ~ x y/(x + y)) to 1e9
(f -> 1), extreme rates and adiabat durations, and mixtures of all of these; in both operating
regimes, on both evaluation paths, for scalars and for one vectorised call.

Every number is compared with an exact reference computed in ``decimal`` arithmetic (80
significant digits, unbounded exponent range; ``numerics.reference``) directly from the master
equation (docs/explanation/physics.md, sections 2-3), and, where the brief asks for it, with the asymptotic forms.

Inputs are chosen so that the library receives u = beta_c w_a and v = beta_h w_b exactly
(T_c = 1, T_h = 2, w_b = 2 v; gamma = 1/2, so x = 2 gamma tau = tau exactly): the figures are
then well conditioned and the closed form must reproduce the reference to a few ulps.

Tolerances (eps = 2.2e-16)
--------------------------
* ``RTOL_CF = 1e-13`` for the closed form: a chain of ~10 correctly-rounded operations (expm1,
  expit, products) with exact inputs gives ~10 eps = 2e-15; a factor 50 margin.
* ``RTOL = 1e-9`` for the generic linear-algebra path, as in test_invariants.py; the README
  promises the two paths agree "to round-off". The generic path works on O(1) populations, which
  float64 holds to an absolute ~eps; the heats live in the difference of the two reservoirs'
  equilibrium populations, Delta_n_eq, so no population-based method can resolve them better
  than ~eps / |Delta_n_eq| relative (1e-8 at beta w = 1e-8, where the populations are
  1/2 +- 1e-9). ``la_rtol`` adds 4 eps / |Delta_n_eq| to RTOL for that; it is negligible except
  in the extreme high-temperature limit.
* Below the normal range (|q| < 2.2e-308) relative accuracy is impossible in float64: values that
  pass through subnormals also get an absolute floor of 16 subnormal ulps (4.9e-324) times the
  largest frequency, the granularity of the products the heats are made of (``figure_tolerance``).
* ``FIRST_LAW_RTOL = 1e-13``: sum(heat) + work against the energy scale 2 max(w_a, w_b), as in
  test_invariants.py.
* ``POP_ATOL = 1e-14`` for populations (probabilities, O(1)); entropy production gets the
  tolerance of its two terms, ``rtol * (|q_c|/T_c + |q_h|/T_h)``.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any, Mapping

import numpy as np
import pytest
from numerics import PARAMS, delta_condition, reference

import thermocycles as tc

EPS = float(np.finfo(float).eps)
TINY = float(np.finfo(float).tiny)  # smallest normal number, 2.2e-308
SUBNORMAL_ULP = 2.0 ** -1074  # 4.9e-324
RTOL_CF = 1e-13
RTOL = 1e-9
FIRST_LAW_RTOL = 1e-13
POP_ATOL = 1e-14

FIGURES = ("q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency", "power",
           "entropy_production", "entropy_production_rate")


def figure(perf: tc.Performance, key: str) -> Any:
    """A figure, as its ratio in every mode for cop, chi and efficiency (which are NaN by design
    outside their mode: the numerics behind them must still be finite)."""
    return perf.algebraic(key) if key in ("cop", "chi", "efficiency") else getattr(perf, key)


# -- exact reference --------------------------------------------------------------------------

# -- parameters -------------------------------------------------------------------------------

def otto(u: float, v: float, x: float, y: float, tau_adi: tuple[float, float] = (0.1, 0.1),
         **overrides: Any) -> dict[str, Any]:
    """Parameters with beta_c w_a = u, beta_h w_b = v, 2 gamma_c tau_c = x, 2 gamma_h tau_h = y,
    all exactly representable in what the library computes (T_c = 1, T_h = 2, gamma = 1/2)."""
    params = dict(T_c=1.0, T_h=2.0, gamma_c=0.5, gamma_h=0.5, w_a=u, w_b=2.0 * v, tau_c=x,
                  tau_h=y, tau_ch=tau_adi[0], tau_hc=tau_adi[1])
    params.update(overrides)
    return params


def evaluate(params: Mapping[str, Any], method: str) -> tc.Performance:
    """Evaluate with every warning turned into an error (overflow, invalid, LinAlgWarning, ...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        perf = tc.quantum_otto_cycle(**params).performance(method)
        # force every lazily computed figure inside the warning guard
        for key in FIGURES:
            getattr(perf, key)
        perf.mode, perf.strokes  # noqa: B018
    return perf


def figure_tolerance(key: str, ref: Mapping[str, Any], params: Mapping[str, Any],
                     rtol: float) -> float:
    """Absolute tolerance for figure ``key``: ``rtol`` relative, plus the subnormal floor for the
    heats and work, propagated to the derived figures."""
    w = max(params["w_a"], params["w_b"])
    floor = 16 * SUBNORMAL_ULP * w  # absolute granularity of a heat computed through subnormals
    t_cyc = ref["cycle_time"]
    terms = abs(ref["q_c"]) / params["T_c"] + abs(ref["q_h"]) / params["T_h"]
    if key in ("q_c", "q_h", "work"):
        return rtol * abs(ref[key]) + floor
    if key == "cycle_time":
        return 4 * EPS * ref[key]
    if key in ("cooling_rate", "power"):
        return rtol * abs(ref[key]) + floor / t_cyc
    if key == "entropy_production":
        return rtol * terms + 2 * floor
    if key == "entropy_production_rate":
        return (rtol * terms + 2 * floor) / t_cyc
    if key in ("cop", "efficiency"):  # ratio of two heats: relative errors add
        rel = 2 * rtol + floor / abs(ref["q_c"]) + floor / abs(ref["work"])
        return rel * abs(ref[key])
    if key == "chi":
        rel = 3 * rtol + 2 * floor / abs(ref["q_c"]) + floor / abs(ref["work"])
        return rel * abs(ref[key])
    raise KeyError(key)


def la_rtol(params: Mapping[str, Any]) -> float:
    """Tolerance of the generic path: RTOL plus the representation limit 4 eps / |Delta_n_eq|."""
    return RTOL + 4 * EPS / abs(reference(params)["delta_n_eq"])


def check_against_reference(perf: tc.Performance, params: Mapping[str, Any], rtol: float,
                            keys: tuple[str, ...] = FIGURES) -> dict[str, Any]:
    ref = reference(params)
    regime = "refrigerator" if ref["dn"] > 0 else "engine"
    for key in keys:  # cop = w_a/(w_b - w_a) and efficiency = 1 - w_a/w_b in both regimes
        # (as ratios: the figure itself is NaN outside its mode, checked below)
        got = perf.algebraic(key) if key in ("cop", "chi", "efficiency") else getattr(perf, key)
        assert np.isfinite(got), (key, got)
        assert abs(got - ref[key]) <= figure_tolerance(key, ref, params, rtol), (key, got, ref[key])
    # signs and mode
    if regime == "refrigerator":
        assert perf.q_c > 0 and perf.q_h > 0 and perf.work > 0
        assert perf.mode == tc.Mode.REFRIGERATOR
        assert perf.cop == perf.algebraic("cop") and math.isnan(perf.efficiency)
    else:
        assert perf.q_c < 0 and perf.q_h < 0 and perf.work < 0
        assert perf.mode == tc.Mode.ENGINE
        assert perf.efficiency == perf.algebraic("efficiency") and math.isnan(perf.cop) and math.isnan(perf.chi)
    assert perf.entropy_production > 0
    # corners: probabilities, equal to the exact ones
    p1, p2 = perf.strokes[0].populations_start, perf.strokes[0].populations_end
    for s in perf.strokes:
        for p in (s.populations_start, s.populations_end):
            assert np.all(np.isfinite(p)) and np.all(p >= 0) and np.all(p <= 1), p
            assert abs(p.sum() - 1) <= POP_ATOL
    np.testing.assert_allclose(p1, [1 - ref["p_e1"], ref["p_e1"]], rtol=0, atol=POP_ATOL)
    np.testing.assert_allclose(p2, [1 - ref["p_e2"], ref["p_e2"]], rtol=0, atol=POP_ATOL)
    # first law to round-off of the energy scale (E = n w >= w for two levels)
    scale = 2 * max(params["w_a"], params["w_b"])
    assert abs(sum(perf.heat.values()) + perf.work) <= FIRST_LAW_RTOL * scale
    return ref


# -- the extreme grid -------------------------------------------------------------------------

# beta_c w_a from the high-temperature limit to the largest value the closed form documents
BETA_W = [1e-8, 1e-4, 1e-2, 1.0, 30.0, 100.0, 300.0, 600.0, 700.0]
# v / u: refrigerator (v > u) and engine (u/2 < v < u, i.e. 1 < w_b/w_a < T_h/T_c = 2)
RATIOS = {"fridge": 2.0, "engine": 0.75}
# (x, y) = (2 gamma_c tau_c, 2 gamma_h tau_h): fast, slow and mixed
DURATIONS = [(1e-9, 1e-9), (1e-9, 1.0), (1.0, 1e-9), (1e-9, 1e9), (1e9, 1e-9), (1e-6, 1e-6),
             (1.0, 1.0), (1e3, 1e3), (1e6, 1.0), (1e9, 1e9)]
ADIABATS = [(0.0, 0.0), (1e-9, 1e-9), (0.1, 0.1), (1e9, 1e9)]

GRID = [
    pytest.param(u, RATIOS[regime] * u, x, y, ADIABATS[k % len(ADIABATS)],
                 id=f"u={u:g}-{regime}-x={x:g}-y={y:g}")
    for k, (u, regime, (x, y)) in enumerate(itertools.product(BETA_W, RATIOS, DURATIONS))
]


@pytest.mark.parametrize("u, v, x, y, adi", GRID)
def test_closed_form_extremes_exact(u, v, x, y, adi):
    params = otto(u, v, x, y, adi)
    check_against_reference(evaluate(params, "closed_form"), params, RTOL_CF)


@pytest.mark.parametrize("u, v, x, y, adi", GRID)
def test_auto_uses_closed_form_at_extremes(u, v, x, y, adi):
    params = otto(u, v, x, y, adi)
    auto, cf = evaluate(params, "auto"), evaluate(params, "closed_form")
    assert auto.method == "closed_form"
    for key in FIGURES:  # identical, NaN where a figure does not apply to the mode
        np.testing.assert_equal(getattr(auto, key), getattr(cf, key), err_msg=key)


@pytest.mark.parametrize("u, v", [(700.0, 700.5), (699.0, 700.0), (600.0, 600.5), (40.0, 40.001)])
@pytest.mark.parametrize("x, y", [(1e-3, 1e-3), (1.0, 1.0), (1e9, 1e9), (1e-9, 1e9)])
def test_closed_form_nearly_equal_large_u(u, v, x, y):
    """v - u small against u ~ 700: tanh(v/2) - tanh(u/2) would round to 0, the library must not."""
    params = otto(u, v, x, y)
    check_against_reference(evaluate(params, "closed_form"), params, RTOL_CF)


# -- asymptotic forms -------------------------------------------------------------------------

@pytest.mark.parametrize("u", [40.0, 100.0, 300.0, 600.0, 700.0])
@pytest.mark.parametrize("dv", [0.5, 5.0, "2u"])
@pytest.mark.parametrize("x, y", [(0.1, 0.1), (1.0, 1.0), (1e9, 1e9)])
def test_low_temperature_asymptotics(u, dv, x, y):
    """beta w >> 1: Delta_n_eq = 1/(1 + e^u) - 1/(1 + e^v) = (e^-u - e^-v)(1 + O(e^-u)), so
    q_c = w_a (e^-u - e^-v) f(x, y) with a relative correction below 2 e^-40 ~ 1e-17."""
    v = 2 * u if dv == "2u" else u + dv
    params = otto(u, v, x, y)
    perf = evaluate(params, "closed_form")
    ref = reference(params)
    delta_asym = math.exp(-u) * -math.expm1(-(v - u))  # e^-u - e^-v without cancellation
    q_asym = u * delta_asym * ref["f"]
    assert ref["dn"] >= TINY  # no subnormal on the way: a relative comparison is meaningful
    assert perf.q_c == pytest.approx(q_asym, rel=RTOL_CF + 2 * math.exp(-u), abs=0)
    q_h_asym = 2 * v * delta_asym * ref["f"]
    assert perf.q_h == pytest.approx(q_h_asym, rel=RTOL_CF + 2 * math.exp(-u), abs=0)
    assert perf.cop == pytest.approx(u / (2 * v - u), rel=RTOL_CF)
    assert perf.mode == tc.Mode.REFRIGERATOR


@pytest.mark.parametrize("u", [1e-2, 1e-3, 1e-5, 1e-8])
@pytest.mark.parametrize("k", [2.0, 0.75, 1.001])
@pytest.mark.parametrize("x, y", [(1e-9, 1e-9), (1.0, 1.0), (1e9, 1e9)])
def test_high_temperature_asymptotics(u, k, x, y):
    """beta w << 1: tanh(z/2) = z/2 - z^3/24 + z^5/240, so
    Delta_n_eq = (v - u)/4 [1 - (u^2 + u v + v^2)/12 + O(z^4)]. The library must reproduce the
    leading form and its first correction (the O(z^4) remainder is < (5/120) z^4)."""
    v = k * u
    params = otto(u, v, x, y)
    perf = evaluate(params, "closed_form")
    ref = reference(params)
    q_lead = u * (v - u) / 4 * ref["f"]  # w_a (v - u)/4 f
    correction = -(u * u + u * v + v * v) / 12
    remainder = 5 / 120 * max(u, v) ** 4
    assert perf.q_c / q_lead - 1 == pytest.approx(correction, rel=0, abs=remainder + RTOL_CF)
    assert abs(perf.q_c / q_lead - 1) <= abs(correction) + remainder + RTOL_CF
    check_against_reference(perf, params, RTOL_CF)


@pytest.mark.parametrize("x, y", [(1e-9, 1e-9), (1e-9, 3e-9), (5e-8, 1e-9), (1e-7, 1e-7)])
@pytest.mark.parametrize("u, v", [(1e-2, 2e-2), (1.0, 2.0), (30.0, 60.0), (600.0, 1200.0)])
def test_fast_cycle_asymptotics(x, y, u, v):
    """x, y << 1: f(x, y) = x y/(x + y) [1 + O((x + y)^2)] (the first-order terms cancel), so
    q_c = w_a Delta_n_eq x y / (x + y) to ~1e-14 relative at these durations."""
    params = otto(u, v, x, y)
    perf = evaluate(params, "closed_form")
    ref = reference(params)
    q_asym = u * ref["delta_n_eq"] * x * y / (x + y)
    assert perf.q_c == pytest.approx(q_asym, rel=RTOL_CF + (x + y) ** 2, abs=0)
    check_against_reference(perf, params, RTOL_CF)


@pytest.mark.parametrize("x, y", [(1e3, 1e3), (1e6, 1e9), (1e9, 1e9), (1e9, 1e3)])
@pytest.mark.parametrize("u, v", [(1e-8, 2e-8), (1e-2, 7.5e-3), (1.0, 2.0), (30.0, 22.5),
                                  (700.0, 1400.0)])
def test_slow_cycle_limit(x, y, u, v):
    """x, y >> 1: f = 1 exactly in float64 (e^-1000 = 0), the corners are the Gibbs states of the
    two reservoirs, and q_c = w_a Delta_n_eq."""
    params = otto(u, v, x, y)
    perf = evaluate(params, "closed_form")
    ref = reference(params)
    assert ref["f"] == 1.0
    assert perf.q_c == pytest.approx(u * ref["delta_n_eq"], rel=RTOL_CF, abs=0)
    p1, p2 = perf.strokes[0].populations_start, perf.strokes[0].populations_end
    np.testing.assert_allclose(p1, [1 - ref["p_h"], ref["p_h"]], rtol=0, atol=POP_ATOL)  # hot
    np.testing.assert_allclose(p2, [1 - ref["p_c"], ref["p_c"]], rtol=0, atol=POP_ATOL)  # cold
    check_against_reference(perf, params, RTOL_CF)


# -- extreme rates, durations and overall scales ----------------------------------------------

RATES = [(1e9, 1e-9), (1e-9, 1e9), (1e12, 1e-12), (1e-12, 1e12), (1e9, 1e9 / 2), (1e-9, 1e-9)]
RATE_GRID = [
    pytest.param(method, gamma, tau, u, v, id=f"{method}-gamma={gamma:g}-tau={tau:g}-u={u:g}")
    for method, (gamma, tau), (u, v) in itertools.product(
        ["closed_form", "linear_algebra"], RATES, [(1e-4, 2e-4), (1.0, 2.0), (300.0, 600.0)])
    # the generic path: only where it is meant to work (2 gamma tau in [1e-6, 1e6], beta w <= 30)
    if method == "closed_form" or (1e-6 <= 2 * gamma * tau <= 1e6 and max(u, v) <= 30)
]


@pytest.mark.parametrize("method, gamma, tau, u, v", RATE_GRID)
def test_extreme_rates_and_durations(method, gamma, tau, u, v):
    """Extreme coupling rates and contact times (x = 2 gamma tau from 2e-18 to 1e18), adiabats as
    long as the contacts."""
    params = otto(u, v, 0.0, 0.0, (tau, tau), gamma_c=gamma, gamma_h=gamma, tau_c=tau, tau_h=tau)
    perf = evaluate(params, method)
    check_against_reference(perf, params, RTOL_CF if method == "closed_form" else la_rtol(params))


@pytest.mark.parametrize("s", [2.0 ** -500, 2.0 ** -100, 2.0 ** 100, 2.0 ** 500])
@pytest.mark.parametrize("r", [2.0 ** -300, 2.0 ** 300])
@pytest.mark.parametrize("u, v, x, y", [(1.0, 2.0, 1.0, 1.0), (30.0, 22.5, 1e-6, 1e3),
                                        (1e-4, 2e-4, 1e6, 1e-9)])
def test_extreme_energy_and_time_units(s, r, u, v, x, y):
    """All energies times s and rates times r (durations / r), by powers of two: exact in binary
    floating point, so the closed form must give exactly s q_c, and no figure may over/underflow
    while the true value is representable."""
    base = otto(u, v, x, y)
    scaled = dict(base)
    for k in ("T_c", "T_h", "w_a", "w_b"):
        scaled[k] = base[k] * s
    for k in ("gamma_c", "gamma_h"):
        scaled[k] = base[k] * r
    for k in ("tau_c", "tau_h", "tau_ch", "tau_hc"):
        scaled[k] = base[k] / r
    p0, p1 = evaluate(base, "closed_form"), evaluate(scaled, "closed_form")
    for key, factor in (("q_c", s), ("q_h", s), ("work", s), ("cycle_time", 1 / r),
                        ("cop", 1.0), ("entropy_production", 1.0)):
        np.testing.assert_equal(getattr(p1, key), getattr(p0, key) * factor, err_msg=key)  # NaN: cop of an engine
    for key, factor in (("cooling_rate", s * r), ("chi", s * r), ("power", s * r),
                        ("entropy_production_rate", r)):
        want = getattr(p0, key) * factor
        got = getattr(p1, key)
        if np.isfinite(want) and want != 0 and abs(want) >= TINY:
            assert got == pytest.approx(want, rel=4 * EPS), key
    assert p1.mode == p0.mode


# -- the generic linear-algebra path ----------------------------------------------------------

LA_BETA_W = [1e-2, 1.0, 10.0, 24.0]  # 24 ~ a 5 GHz qubit at 10 mK
LA_DURATIONS = [(1e-6, 1e-6), (1e-3, 1e-3), (1.0, 1.0), (1e3, 1e3), (1e6, 1e6), (1e-6, 1.0),
                (1.0, 1e-6), (1e-6, 1e6), (1e6, 1e-6)]
LA_GRID = [
    pytest.param(u, RATIOS[regime] * u, x, y, id=f"u={u:g}-{regime}-x={x:g}-y={y:g}")
    for u, regime, (x, y) in itertools.product(LA_BETA_W, RATIOS, LA_DURATIONS)
]


@pytest.mark.parametrize("u, v, x, y", LA_GRID)
def test_linear_algebra_moderate_grid(u, v, x, y):
    """Where the generic path is meant to work: moderate beta w, durations 1e-6 .. 1e6."""
    params = otto(u, v, x, y)
    perf = evaluate(params, "linear_algebra")
    assert perf.method == "linear_algebra"
    check_against_reference(perf, params, la_rtol(params))


SHORT_GRID = [
    pytest.param(u, RATIOS[regime] * u, x, id=f"u={u:g}-{regime}-x={x:g}")
    for u, regime, x in itertools.product([1e-8, 1e-2, 1.0, 30.0, 100.0, 300.0, 700.0], RATIOS,
                                          [1e-9, 1e-6, 1e-3])
]


@pytest.mark.parametrize("u, v, x", SHORT_GRID)
def test_linear_algebra_short_strokes_any_beta_w(u, v, x):
    """Short strokes (|R tau| < 1): the generic path keeps full relative precision at any beta w
    (its StrokeMap is built as R Phi for them)."""
    params = otto(u, v, x, x)
    check_against_reference(evaluate(params, "linear_algebra"), params, la_rtol(params))


@pytest.mark.parametrize("u", BETA_W, ids=[f"u={u:g}" for u in BETA_W])
def test_linear_algebra_extremes_are_finite_and_physical(u):
    """Beyond its accuracy range the generic path must still return finite numbers, probability
    vectors, the right operating mode and a positive entropy production (the second law), or
    raise a clear error -- never a qualitatively wrong answer. One test per beta w; the message
    lists every point of the duration grid that fails, and why."""
    problems = []
    for regime, (x, y) in itertools.product(RATIOS, DURATIONS):
        v = RATIOS[regime] * u
        params = otto(u, v, x, y)
        where = f"{regime} x={x:g} y={y:g}"
        try:
            perf = evaluate(params, "linear_algebra")
        except Exception as exc:
            problems.append(f"{where}: raises {type(exc).__name__}")
            continue
        bad = [k for k in FIGURES if not np.isfinite(figure(perf, k))]
        if bad:
            problems.append(f"{where}: not finite: {bad}")
        pmin = min(float(np.min(p)) for s in perf.strokes
                   for p in (s.populations_start, s.populations_end))
        if pmin < 0:
            problems.append(f"{where}: negative population {pmin:.2e}")
        expected = tc.Mode.REFRIGERATOR if v > u else tc.Mode.ENGINE
        if perf.mode != expected:
            problems.append(f"{where}: mode {perf.mode}, expected {expected}")
        if not perf.entropy_production > 0:
            problems.append(f"{where}: entropy production {perf.entropy_production:.3e}")
        ref = reference(params)
        err = abs(perf.q_c / ref["q_c"] - 1)
        if err > 1e-3:  # not an accuracy test (see the grids above): qualitatively wrong
            problems.append(f"{where}: q_c off by {err:.1e} relative")
    assert not problems, f"beta_c w_a = {u:g}:\n  " + "\n  ".join(problems)


# -- one vectorised call over the whole grid --------------------------------------------------

def grid_rows(method: str) -> list[tuple[str, dict[str, Any]]]:
    """Every point of the extreme grid (closed form), or of the generic path's grids."""
    if method == "closed_form":
        return [(p.id, otto(u, v, x, y, adi)) for p in GRID for (u, v, x, y, adi) in [p.values]]
    return ([(p.id, otto(u, v, x, y)) for p in LA_GRID for (u, v, x, y) in [p.values]]
            + [(p.id, otto(u, v, x, x)) for p in SHORT_GRID for (u, v, x) in [p.values]])


@pytest.mark.parametrize("method", ["closed_form", "linear_algebra"])
def test_vectorised_extremes_match_scalars_and_warn_nothing(method):
    """Array evaluation of all the points at once: no warning (np.where evaluates both branches,
    a classic source of spurious overflow warnings), everything finite, and the same numbers as
    one scalar call per point (whether or not those are accurate).

    "Same" to 64 eps (cond + max(u, v)), cond the condition number of the figures
    (``delta_condition``), max(u, v) eps the error of an exponential of a rounded argument of that
    size: a vectorised ufunc may differ from its scalar loop by an ulp, and a library may choose an
    equivalent formula per batch; plus the subnormal floor for heats that underflow."""
    rows = grid_rows(method)
    arrays = {k: np.array([row[k] for _, row in rows]) for k in PARAMS}
    perf = evaluate(arrays, method)
    for key in FIGURES:
        values = np.asarray(figure(perf, key))
        assert values.shape == (len(rows),)
        finite = np.isfinite(values)
        assert finite.all(), (key, [rows[i][0] for i in np.flatnonzero(~finite)])
    for i, (name, row) in enumerate(rows):
        one = evaluate(row, method)
        u, v = row["w_a"] / row["T_c"], row["w_b"] / row["T_h"]
        rtol = 64 * EPS * (delta_condition(u, v) + max(u, v))
        if method == "linear_algebra":
            # scipy's batched matrix exponential scales a whole stack together, so a batched
            # generic evaluation may differ from a scalar one by that path's own accuracy
            rtol = max(rtol, la_rtol(row) - RTOL)
        floor = 16 * SUBNORMAL_ULP * max(row["w_a"], row["w_b"]) / min(1.0, one.cycle_time)
        for key in FIGURES:
            assert np.asarray(figure(perf, key))[i] == pytest.approx(
                figure(one, key), rel=rtol, abs=floor), (key, name)
