"""Literature benchmarks: the qubit Otto cycle, quasi-static and with finite isochores.

1. Kosloff and Rezek, "The quantum harmonic Otto cycle", Entropy 19, 136 (2017), and the qubit
   version of its quasi-static statements: with fully thermalising heat strokes and ideal adiabats,
   a two-level working substance of gap w run between w_c (cold stroke) and w_h (hot stroke) has
   eta = 1 - w_c/w_h as an engine and COP = w_c/(w_h - w_c) as a refrigerator; it is an engine iff
   T_c/T_h < w_c/w_h < 1 and a refrigerator iff w_c/w_h < T_c/T_h.
2. Feldmann and Kosloff, "Performance of discrete heat engines and heat pumps in finite time",
   PRE 61, 4774 (2000): with finite isochores (contact times tau_c, tau_h) and ideal adiabats the
   excited population relaxes as exp(-Gamma t) with Gamma = k_up + k_down, and per cycle
       Q_h = w_h (p_h - p_c) (1 - x)(1 - y) / (1 - x y),  Q_c = -w_c (p_h - p_c) (1 - x)(1 - y) / (1 - x y),
   x = exp(-Gamma_c tau_c), y = exp(-Gamma_h tau_h), p = 1/(1 + exp(w/T)) the Gibbs excited
   populations: the efficiency 1 - w_c/w_h does not depend on the contact times. With the
   library's default tanh law, Gamma = 2 gamma (k_up + k_down = 2 gamma; docs/explanation/physics.md, section 8).

Every expected number below is written here from these formulas (exact rationals, 50-digit decimals
or numpy), independently of the package; the FK formula is itself checked against solve_ivp through
many cycles (``oracle_master_equation``). Both published claims hold in the model exactly (to 1e-12).
"""

from __future__ import annotations

from decimal import Decimal, getcontext

import numpy as np
import oracle_master_equation as brute
import pytest

import thermocycles as tc
from thermocycles.core.modes import MODE_TOLERANCE
from thermocycles.spec.strokes.thermalization import Thermalization

getcontext().prec = 60


def otto(substance, *, T_c, T_h, w_c, w_h, heat_strokes="thermalization", tau_c=0.0, tau_h=0.0,
         gamma_c=1.0, gamma_h=1.0):
    """The qubit Otto cycle: cold stroke at w_c, adiabat, hot stroke at w_h, adiabat."""
    cold = tc.Reservoir(name="c", temperature=T_c, coupling=gamma_c)
    hot = tc.Reservoir(name="h", temperature=T_h, coupling=gamma_h)
    a, b = tc.Parameter("w_c", w_c), tc.Parameter("w_h", w_h)
    if heat_strokes == "thermalization":
        first = Thermalization(name="c", reservoir=cold, control=a, duration=tau_c)
        third = Thermalization(name="h", reservoir=hot, control=b, duration=tau_h)
    else:
        first = tc.Isochore(name="c", reservoir=cold, control=a, duration=tau_c)
        third = tc.Isochore(name="h", reservoir=hot, control=b, duration=tau_h)
    return tc.Cycle(substance=substance, strokes=[
        first, tc.QuantumAdiabat(name="ch", start=a, end=b, duration=0.1),
        third, tc.QuantumAdiabat(name="hc", start=b, end=a, duration=0.1)])


def excited(w, T):
    """Gibbs excited population of a gap w at temperature T, 1/(1 + e^(w/T)) (numpy)."""
    return 0.5 * (1.0 - np.tanh(0.5 * np.asarray(w) / np.asarray(T)))


# -- 1. Kosloff and Rezek 2017: quasi-static qubit Otto -------------------------------------------

THETAS = np.array([0.1, 0.25, 0.5, 0.8])  # T_c / T_h
RATIOS = np.array([0.05, 0.2, 0.3, 0.45, 0.6, 0.7, 0.9, 0.99, 1.2, 2.0])  # w_c / w_h


def expected_mode(theta, ratio):
    if ratio < theta:
        return "refrigerator"
    if ratio < 1:
        return "engine"
    return "accelerator"  # w_c > w_h: work in, heat still flows from hot to cold


@pytest.mark.parametrize("substance, backend", [
    (tc.TwoLevelSubstance(), "populations"), (tc.TwoLevelSubstance(), "density_matrix"),
    (tc.Qubit(), "populations"), (tc.Qubit(transverse=0.0), "density_matrix")])
def test_kosloff_rezek_2017_quasi_static_efficiency_cop_and_modes(substance, backend):
    T_h, w_h = 2.0, 3.0
    theta, ratio = np.meshgrid(THETAS, RATIOS, indexing="ij")
    perf = otto(substance, T_c=theta * T_h, T_h=T_h, w_c=ratio * w_h, w_h=w_h).performance(backend=backend)
    modes = np.asarray(perf.mode)
    for i, j in np.ndindex(theta.shape):
        assert modes[i, j] == expected_mode(theta[i, j], ratio[i, j]), (theta[i, j], ratio[i, j])
    engine, fridge = modes == "engine", modes == "refrigerator"
    assert engine.sum() == 19 and fridge.sum() == 13 and (modes == "accelerator").sum() == 8  # all sampled
    assert np.allclose(np.asarray(perf.efficiency)[engine], (1 - ratio)[engine], rtol=1e-12, atol=0)
    assert np.allclose(np.asarray(perf.cop)[fridge], (ratio / (1 - ratio))[fridge], rtol=1e-12, atol=0)
    # the heats themselves: Q_c = w_c (p_c - p_h), Q_h = w_h (p_c - p_h) released into the hot reservoir
    dp = excited(ratio * w_h, theta * T_h) - excited(w_h, T_h)
    assert np.allclose(perf.q_c, ratio * w_h * dp, rtol=1e-12, atol=0)
    assert np.allclose(perf.q_h, w_h * dp, rtol=1e-12, atol=0)
    assert np.all(np.asarray(perf.entropy_production) >= 0)


def test_kosloff_rezek_2017_long_isochores_are_the_quasi_static_limit():
    """Finite isochores of 2 gamma tau = 80 give the Thermalization figures to round-off."""
    T_h, w_h = 2.0, 3.0
    theta, ratio = np.meshgrid(THETAS, RATIOS, indexing="ij")
    kwargs = dict(T_c=theta * T_h, T_h=T_h, w_c=ratio * w_h, w_h=w_h)
    full = otto(tc.TwoLevelSubstance(), **kwargs).performance()
    long = otto(tc.TwoLevelSubstance(), heat_strokes="isochore", tau_c=40.0, tau_h=40.0, **kwargs).performance()
    assert np.allclose(long.q_c, full.q_c, rtol=1e-12, atol=0)
    assert np.allclose(long.q_h, full.q_h, rtol=1e-12, atol=0)
    assert np.array_equal(np.asarray(long.mode), np.asarray(full.mode))


def test_kosloff_rezek_2017_qubit_and_two_level_substance_agree():
    """Qubit(transverse=0) (levels -w/2, w/2) and TwoLevelSubstance (w, 2w) have the same gap: the same
    heats and cycle work; each adiabat's work differs by the offset 3/2 (w_end - w_start)."""
    kwargs = dict(T_c=np.array([0.3, 1.0, 1.9]), T_h=2.0, w_c=1.0, w_h=3.0)
    two = otto(tc.TwoLevelSubstance(), **kwargs)
    for backend in ("populations", "density_matrix"):
        a, b = two.performance(backend=backend), otto(tc.Qubit(), **kwargs).performance(backend=backend)
        for key in ("c", "h"):
            assert np.allclose(a.heat[key], b.heat[key], rtol=1e-14, atol=0)
        assert np.allclose(a.work, b.work, rtol=1e-14, atol=0)
        assert np.allclose(a.strokes[1].work - b.strokes[1].work, 1.5 * (3.0 - 1.0), rtol=1e-14)
        assert np.allclose(a.strokes[3].work - b.strokes[3].work, 1.5 * (1.0 - 3.0), rtol=1e-14)


def exact_figures(T_c, T_h, w_c, w_h):
    """(q_c, q_h into hot, work on the substance) of the quasi-static two-level cycle, 60 digits, from
    the exact rational values of the doubles."""
    def p(w, T):
        return 1 / (1 + (Decimal(w) / Decimal(T)).exp())  # Decimal(float) is exact

    dp = p(w_c, T_c) - p(w_h, T_h)
    return Decimal(w_c) * dp, Decimal(w_h) * dp, (Decimal(w_h) - Decimal(w_c)) * dp


def mode_from_signs(q_c, q_h, work):
    """The README's rules (refrigerator / engine / heater / accelerator / conductor / idle), applied to
    exact values with the library's documented relative tolerance MODE_TOLERANCE."""
    tol = Decimal(MODE_TOLERANCE) * max(abs(q_c), abs(q_h), abs(work))
    pos = [v > tol for v in (q_c, q_h, work)]
    neg = [v < -tol for v in (q_c, q_h, work)]
    if max(abs(q_c), abs(q_h), abs(work)) == 0:
        return "idle"
    if pos[2] and pos[0]:
        return "refrigerator"
    if pos[2] and not pos[0] and not neg[1]:
        return "heater"
    if pos[2] and neg[0] and neg[1]:
        return "accelerator"
    if neg[2] and not pos[0] and neg[1]:
        return "engine"
    if not pos[2] and not neg[2] and neg[0] and neg[1]:
        return "conductor"
    if not any(pos) and not any(neg):
        return "idle"
    return "unphysical"


@pytest.mark.parametrize("backend", ["populations", "density_matrix"])
def test_kosloff_rezek_2017_modes_at_and_near_the_boundaries(backend):
    """The boundaries w_c/w_h = T_c/T_h (reversible: nothing flows) and w_c/w_h = 1 (no work), sampled at
    and around them. What the library reports, measured and asserted:

    * w_c/w_h = T_c/T_h exactly: idle (every heat exactly 0);
    * w_c/w_h = (T_c/T_h)(1 -+ d), d = 1e-2 ... 1e-15: refrigerator below, engine above, down to the last
      representable step (the heats keep their relative precision, ~1e-16 of themselves);
    * w_c/w_h = 1 exactly: conductor (no work; heat from hot to cold);
    * w_c/w_h = 1 -+ d: engine below, accelerator above, for d >= 1e-10; for d = 1e-14 the work is
      below MODE_TOLERANCE (1e-12) of the heats and the library reports conductor, as its rule says.

    Never unphysical; every mode equals the rules applied to the exact (60-digit) heats and work.
    """
    T_c, T_h, w_h = 1.0, 4.0, 2.0  # T_c / T_h = 1/4 exactly
    theta = T_c / T_h
    ratios = [theta]
    for d in (1e-2, 1e-6, 1e-10, 1e-13, 1e-15):
        ratios += [theta * (1 - d), theta * (1 + d)]
    ratios += [1.0]
    for d in (1e-2, 1e-10, 1e-14):
        ratios += [1 - d, 1 + d]
    w_c = np.array(ratios) * w_h
    perf = otto(tc.TwoLevelSubstance(), T_c=T_c, T_h=T_h, w_c=w_c, w_h=w_h).performance(backend=backend)
    modes = np.asarray(perf.mode)
    for k, w in enumerate(w_c):
        exact = exact_figures(T_c, T_h, float(w), w_h)
        assert modes[k] != "unphysical"
        assert modes[k] == mode_from_signs(*exact), (float(w) / w_h, modes[k])
        for got, want in zip((perf.q_c[k], perf.q_h[k], perf.work[k]), exact):
            assert abs(Decimal(float(got)) - want) <= Decimal(1e-13) * abs(want) + Decimal(1e-300)
    assert modes[0] == "idle" and perf.q_c[0] == 0.0
    assert list(modes[1:11]) == ["refrigerator", "engine"] * 5
    assert list(modes[11:]) == ["conductor", "engine", "accelerator", "engine", "accelerator",
                                "conductor", "conductor"]


# -- 2. Feldmann and Kosloff 2000: finite isochores -------------------------------------------------

TAUS = np.array([1e-7, 1e-3, 0.05, 0.5, 5.0, 500.0])


def feldmann_kosloff(*, T_c, T_h, w_c, w_h, gamma_c, gamma_h, tau_c, tau_h):
    """(Q_c absorbed from cold, Q_h absorbed from hot, W on the substance) per cycle, Gamma = 2 gamma."""
    one_minus_x = -np.expm1(-2 * gamma_c * tau_c)
    one_minus_y = -np.expm1(-2 * gamma_h * tau_h)
    one_minus_xy = -np.expm1(-2 * gamma_c * tau_c - 2 * gamma_h * tau_h)
    factor = one_minus_x * one_minus_y / one_minus_xy
    dp = excited(w_h, T_h) - excited(w_c, T_c)  # > 0 in the engine regime
    q_h = w_h * dp * factor
    q_c = -w_c * dp * factor
    return q_c, q_h, -(q_c + q_h)


ENGINE = dict(T_c=0.5, T_h=3.0, w_c=1.0, w_h=2.5, gamma_c=0.7, gamma_h=1.3)  # T_c/T_h = 1/6 < w_c/w_h = 0.4
FRIDGE = dict(T_c=1.0, T_h=2.0, w_c=1.0, w_h=3.0, gamma_c=1.0, gamma_h=0.4)  # w_c/w_h = 1/3 < 1/2


def test_feldmann_kosloff_2000_closed_form_against_solve_ivp_through_many_cycles():
    """The formula written above is right: brute-force periodic state (solve_ivp, cycles until the
    start state changes by < 1e-14)."""
    for params, taus in ((ENGINE, (0.3, 0.8)), (FRIDGE, (1.5, 0.2))):
        q_c, q_h, work = feldmann_kosloff(**params, tau_c=taus[0], tau_h=taus[1])
        ref = brute.otto_two_level(T_c=params["T_c"], T_h=params["T_h"], gamma_c=params["gamma_c"],
                                   gamma_h=params["gamma_h"], w_a=params["w_c"], w_b=params["w_h"],
                                   tau_c=taus[0], tau_h=taus[1], tau_ch=0.1, tau_hc=0.1)
        assert ref.q_c == pytest.approx(q_c, rel=1e-8)
        assert -ref.q_h == pytest.approx(q_h, rel=1e-8)
        assert ref.work == pytest.approx(work, rel=1e-8)


@pytest.mark.parametrize("path", ["closed_form", "populations", "density_matrix", "qubit_density_matrix"])
def test_feldmann_kosloff_2000_heats_and_efficiency_on_a_grid_of_contact_times(path):
    """tau_c, tau_h from 1e-7 (x, y ~ 1 - 1e-7) to 500 (x = y = 0, full thermalisation), every path."""
    tau_c, tau_h = TAUS[:, None], TAUS[None, :]
    substance = tc.Qubit() if path == "qubit_density_matrix" else tc.TwoLevelSubstance()
    p = ENGINE
    cycle = otto(substance, heat_strokes="isochore", tau_c=tau_c, tau_h=tau_h, T_c=p["T_c"], T_h=p["T_h"],
                 w_c=p["w_c"], w_h=p["w_h"], gamma_c=p["gamma_c"], gamma_h=p["gamma_h"])
    if path == "closed_form":
        perf = cycle.performance(method="closed_form")
        assert perf.method == "closed_form"
    else:
        perf = cycle.performance(method="linear_algebra", backend=path.replace("qubit_", ""))
    q_c, q_h, work = feldmann_kosloff(**p, tau_c=tau_c, tau_h=tau_h)
    assert np.allclose(perf.heat["c"], q_c, rtol=1e-11, atol=0)
    assert np.allclose(perf.heat["h"], q_h, rtol=1e-11, atol=0)
    assert np.allclose(perf.work, work, rtol=1e-11, atol=0)
    assert np.all(np.asarray(perf.mode) == "engine")
    # the efficiency does not depend on the isochore times
    assert np.allclose(perf.efficiency, 1 - p["w_c"] / p["w_h"], rtol=1e-12, atol=0)
    assert np.ptp(np.asarray(perf.efficiency)) < 1e-14


def test_feldmann_kosloff_2000_refrigerator_cop_independent_of_contact_times_and_paths_agree():
    tau_c, tau_h = TAUS[:, None], TAUS[None, :]
    p = FRIDGE
    cycle = otto(tc.TwoLevelSubstance(), heat_strokes="isochore", tau_c=tau_c, tau_h=tau_h, T_c=p["T_c"],
                 T_h=p["T_h"], w_c=p["w_c"], w_h=p["w_h"], gamma_c=p["gamma_c"], gamma_h=p["gamma_h"])
    closed = cycle.performance(method="closed_form")
    generic = cycle.performance(method="linear_algebra")
    dm = cycle.performance(backend="density_matrix")
    for perf in (closed, generic, dm):
        assert np.all(np.asarray(perf.mode) == "refrigerator")
        assert np.allclose(perf.cop, p["w_c"] / (p["w_h"] - p["w_c"]), rtol=1e-12, atol=0)
    q_c, _, _ = feldmann_kosloff(**p, tau_c=tau_c, tau_h=tau_h)
    assert np.allclose(generic.q_c, q_c, rtol=1e-11, atol=0)
    assert np.allclose(generic.q_c, closed.q_c, rtol=1e-12, atol=0)
    assert np.allclose(dm.q_c, closed.q_c, rtol=1e-12, atol=0)


def test_feldmann_kosloff_2000_relaxation_rate_is_two_gamma_with_the_tanh_law():
    """The convention: with the tanh law the contact relaxes at Gamma = 2 gamma, so the FK formula
    needs x = exp(-2 gamma_c tau_c); taking Gamma = gamma instead is off by far more than round-off."""
    p = ENGINE
    perf = otto(tc.TwoLevelSubstance(), heat_strokes="isochore", tau_c=0.4, tau_h=0.9, T_c=p["T_c"],
                T_h=p["T_h"], w_c=p["w_c"], w_h=p["w_h"], gamma_c=p["gamma_c"],
                gamma_h=p["gamma_h"]).performance()
    right = feldmann_kosloff(**p, tau_c=0.4, tau_h=0.9)
    wrong = feldmann_kosloff(**{**p, "gamma_c": p["gamma_c"] / 2, "gamma_h": p["gamma_h"] / 2}, tau_c=0.4, tau_h=0.9)
    assert perf.heat["h"] == pytest.approx(right[1], rel=1e-13)
    assert abs(perf.heat["h"] / wrong[1] - 1) > 0.1
