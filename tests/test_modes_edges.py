"""Operating modes at the edges of the parameter space, on every path and backend (issue 11).

* Boundaries sampled deliberately: zero-duration contacts, zero adiabat time, w_a = w_b, T_h an ulp
  above T_c, the reversible point (exact, and an ulp either side), vanishing couplings. Each path
  (closed form, populations, density matrix) must give the mode that the exact sign rule of the
  Otto cycle gives (levels that scale with w: it cools exactly when w_a / T_c < w_b / T_h), the
  first law, and the same mode as the closed form.
* Net flows below the round-off floor of the path (``Performance.resolution``) are zero: a qubit
  with a transverse field on the density-matrix backend with a zero-duration contact is idle.
* Huge couplings and durations: computed where the answer is well defined (complete
  thermalisation), refused with a pointed message where the rates overflow.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

import thermocycles as tc
from thermocycles.core.modes import GROSS_TOLERANCE, MODE_TOLERANCE, Mode, classify_mode, runs_as
from thermocycles.spec.substances.oscillator import HarmonicOscillator

BASE = dict(T_c=0.7, T_h=1.9, gamma_c=0.8, gamma_h=1.3, w_a=0.9, w_b=3.1, tau_c=0.4, tau_h=0.6,
            tau_ch=0.1, tau_hc=0.05)
UP, DOWN = (lambda x: math.nextafter(x, math.inf)), (lambda x: math.nextafter(x, -math.inf))
REVERSIBLE_W_B = BASE["w_a"] * BASE["T_h"] / BASE["T_c"]  # w_a / T_c = w_b / T_h up to rounding

BOUNDARIES = {
    "tau_c=0": dict(tau_c=0.0),
    "tau_h=0": dict(tau_h=0.0),
    "tau_c=1e-300": dict(tau_c=1e-300),
    "tau_h=1e-300": dict(tau_h=1e-300),
    "tau_adi=0": dict(tau_ch=0.0, tau_hc=0.0),
    "w_a=w_b": dict(w_b=BASE["w_a"]),
    "w_b=w_a+ulp": dict(w_b=UP(BASE["w_a"])),
    "T_h=T_c+ulp": dict(T_h=UP(BASE["T_c"])),
    "reversible exact": dict(T_c=1.0, T_h=2.0, w_a=1.5, w_b=3.0),
    "reversible +ulp": dict(T_c=1.0, T_h=2.0, w_a=1.5, w_b=UP(3.0)),
    "reversible -ulp": dict(T_c=1.0, T_h=2.0, w_a=1.5, w_b=DOWN(3.0)),
    "reversible rounded": dict(w_b=REVERSIBLE_W_B),
    "reversible rounded +ulp": dict(w_b=UP(REVERSIBLE_W_B)),
    "reversible rounded -ulp": dict(w_b=DOWN(REVERSIBLE_W_B)),
    "gamma_c=1e-300": dict(gamma_c=1e-300),
    "gamma_h=1e-300": dict(gamma_h=1e-300),
    "gamma_c=1e-150": dict(gamma_c=1e-150),
    "both gammas=1e-163": dict(gamma_c=1e-163, gamma_h=1e-163),  # the closed form's f underflowed
}

SUBSTANCES = {
    "two-level": (lambda: None, "tanh"),
    "qubit": (lambda: tc.Qubit(), "tanh"),
    "three levels": (lambda: tc.NLevel(factors=[0.0, 1.0, 2.5]), "tanh"),
    "spin 1": (lambda: tc.Spin(j=1), "tanh"),
    "oscillator, 6 levels": (lambda: HarmonicOscillator(levels=6), "bosonic"),
}
PATHS = [("closed_form", "auto"), ("linear_algebra", "populations"), ("linear_algebra", "density_matrix")]


def expected_mode(p: dict) -> Mode:
    """The Otto cycle with levels that scale with w, from the exact signs of its flows.

    Heats are w_a (n2 - n1) and w_b (n2 - n1) (times level factors), with n2 - n1 of the sign of
    w_b / T_h - w_a / T_c (exact rational arithmetic on the double inputs) and non-zero where both
    contacts last and couple.
    """
    if p["tau_c"] * p["gamma_c"] == 0 or p["tau_h"] * p["gamma_h"] == 0:
        return Mode.IDLE
    force = Fraction(p["w_b"]) / Fraction(p["T_h"]) - Fraction(p["w_a"]) / Fraction(p["T_c"])
    if force == 0:
        return Mode.IDLE
    if abs(p["w_b"] - p["w_a"]) <= MODE_TOLERANCE * max(p["w_a"], p["w_b"]):
        return Mode.CONDUCTOR  # work (w_b - w_a)(n2 - n1) below 1e-12 of the heats counts as zero
    return Mode.REFRIGERATOR if force > 0 else Mode.ENGINE


def evaluate(substance, law, p, method, backend):
    cycle = tc.otto_cycle(substance(), law=law, **p)
    if method == "closed_form" and cycle.model.closed_form is None:
        return None
    return cycle.performance(method=method, backend=backend)


def gross_turnover(perf) -> float:
    return sum(abs(float(q)) for s in perf.strokes for q in s.heat.values()) + \
        sum(abs(float(s.work)) for s in perf.strokes)


def check_first_law(perf) -> None:
    """Over the cycle to round-off of the net flows (relative where the path keeps relative
    precision, else of the gross turnover), and per stroke against the corners' mean energies."""
    heats = [float(q) for q in perf.heat.values()]
    scale = sum(abs(q) for q in heats) + abs(float(perf.work))
    if float(perf.resolution) > 0:
        scale = gross_turnover(perf)
    assert abs(sum(heats) + float(perf.work)) <= 1e-12 * scale + 1e-300
    # and per stroke, against the mean energies at the corners
    for s in perf.strokes:
        change = float(s.energy_end) - float(s.energy_start)
        flows = sum(float(q) for q in s.heat.values()) + float(s.work)
        assert abs(change - flows) <= 1e-12 * (abs(float(s.energy_end)) + abs(float(s.energy_start))) + 1e-300


@pytest.mark.parametrize("boundary", list(BOUNDARIES))
@pytest.mark.parametrize("substance", list(SUBSTANCES))
def test_mode_at_the_boundaries_on_every_path(substance, boundary):
    """The boundary matrix: substance x path x boundary gives the exact mode and the first law."""
    make, law = SUBSTANCES[substance]
    p = dict(BASE, **BOUNDARIES[boundary])
    expected = expected_mode(p)
    modes = {}
    for method, backend in PATHS:
        perf = evaluate(make, law, p, method, backend)
        if perf is None:
            continue
        modes[backend if method != "closed_form" else "closed form"] = perf.mode
        check_first_law(perf)
        if expected == Mode.REFRIGERATOR:
            assert float(perf.cop) > 0 and perf.why_nan("cop") is None
        else:
            assert math.isnan(perf.cop)
    assert modes and all(m == expected for m in modes.values()), (expected, modes)


def test_both_contacts_zero_is_refused_on_every_path():
    p = dict(BASE, tau_c=0.0, tau_h=0.0)
    for method, backend in PATHS:
        with pytest.raises(tc.CycleError, match="zero duration"):
            tc.otto_cycle(**p).performance(method=method, backend=backend)


# -- a path without relative precision: the density matrix with a turning eigenbasis -----------------

@pytest.mark.parametrize("zero", ["tau_c", "tau_h", "gamma_c", "gamma_h"])
@pytest.mark.parametrize("transverse", [0.3, 2.0])
def test_zero_contact_with_a_transverse_field_is_idle(zero, transverse):
    """Issue 11: tau_h = 0 gave 'unphysical', tau_c = 0 'engine'/'refrigerator' (round-off flows of
    ~1e-17 from strokes of size ~1); the cycle is idle."""
    p = dict(BASE, **{zero: 0.0 if zero.startswith("tau") else 1e-300})
    perf = tc.otto_cycle(tc.Qubit(transverse=transverse), **p).performance()
    assert perf.backend == "density_matrix"
    assert perf.mode == Mode.IDLE
    assert math.isnan(perf.cop) and math.isnan(perf.efficiency) and math.isnan(float(perf.chi))
    assert "idle" in perf.why_nan("cop")
    assert float(perf.resolution) == pytest.approx(GROSS_TOLERANCE * gross_turnover(perf), rel=1e-9)
    # the round-off itself is far below the floor here (a margin of >= 100)
    assert max(abs(float(perf.q_c)), abs(float(perf.q_h)), abs(float(perf.work))) <= 1e-2 * float(perf.resolution)
    check_first_law(perf)


def test_transverse_field_round_off_of_idle_cycles_is_far_below_the_floor():
    """Measure the net flows of idle cycles (one contact of zero duration) relative to the gross
    turnover over random transverse-field qubits on the density-matrix backend: all below
    GROSS_TOLERANCE."""
    rng = np.random.default_rng(11)
    worst = 0.0
    for _ in range(12):
        p = dict(T_c=rng.uniform(0.1, 2.0), T_h=rng.uniform(2.0, 6.0), gamma_c=rng.uniform(0.1, 3.0),
                 gamma_h=rng.uniform(0.1, 3.0), w_a=rng.uniform(0.1, 3.0), w_b=rng.uniform(0.1, 6.0),
                 tau_c=rng.uniform(0.01, 3.0), tau_h=rng.uniform(0.01, 3.0), tau_ch=0.1, tau_hc=0.1)
        p[rng.choice(["tau_c", "tau_h"])] = 0.0
        perf = tc.otto_cycle(tc.Qubit(transverse=rng.uniform(0.05, 3.0)), **p).performance()
        assert perf.mode == Mode.IDLE
        net = max(abs(float(perf.q_c)), abs(float(perf.q_h)), abs(float(perf.work)))
        worst = max(worst, net / (float(perf.resolution) / GROSS_TOLERANCE))
    # measured: up to ~2e-13 (a turnover small next to the energies, w_a ~ w_b): the floor 1e-12
    # holds with a margin of only ~5 there (see the report; an energy-content scale would widen it)
    assert worst < GROSS_TOLERANCE


def test_precise_paths_have_no_floor_and_keep_signs_near_reversibility():
    """Where the periodic solve keeps relative precision the resolution is 0: a cycle 1e-15 from
    reversibility is still a refrigerator (its flows are ~1e-16 of its turnover)."""
    p = dict(BASE, w_b=REVERSIBLE_W_B * (1 + 4e-15))
    for method, backend in PATHS:
        perf = tc.otto_cycle(**p).performance(method=method, backend=backend)
        assert float(perf.resolution) == 0.0
        assert perf.mode == expected_mode(p) == Mode.REFRIGERATOR


def test_mixed_arrays_of_boundary_and_ordinary_points():
    """One array holding zero durations, an exact reversible point, ulps either side and ordinary
    points: element-wise the same modes and masks as the scalars, on every path."""
    w_b = np.array([3.1, 3.1, 3.0, UP(3.0), DOWN(3.0), 1.5, 2.2])
    tau_c = np.array([0.0, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4])
    tau_h = np.array([0.6, 0.0, 0.6, 0.6, 0.6, 0.6, 0.6])
    p = dict(BASE, T_c=1.0, T_h=2.0, w_a=1.5, w_b=w_b, tau_c=tau_c, tau_h=tau_h)
    for substance in (None, tc.Qubit(transverse=0.4)):
        for method, backend in PATHS:
            cycle = tc.otto_cycle(substance, **p)
            if method == "closed_form" and cycle.model.closed_form is None:
                continue
            if backend == "populations" and substance is not None:
                continue
            perf = cycle.performance(method=method, backend=backend)
            for i in range(len(w_b)):
                point = dict(p, w_b=float(w_b[i]), tau_c=float(tau_c[i]), tau_h=float(tau_h[i]))
                single = tc.otto_cycle(substance, **point).performance(method=method, backend=backend)
                assert perf.mode[i] == single.mode.value, (method, backend, i)
                for figure in ("cop", "efficiency", "chi"):
                    a, b = float(np.asarray(getattr(perf, figure))[i]), float(getattr(single, figure))
                    assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9)
                if substance is None:
                    assert single.mode == expected_mode(point)
            if substance is not None:
                assert list(perf.mode[:2]) == ["idle", "idle"]


def test_classify_mode_and_runs_as_with_a_resolution():
    q_c = np.array([1e-17, 1.0, -1e-17, 2e-15])
    q_h = np.array([0.0, 3.0, -3e-17, 3e-15])
    work = np.array([2e-17, 2.0, -2e-17, 1e-15])
    resolution = np.array([1e-14, 1e-14, 1e-14, 1e-16])
    assert list(classify_mode(q_c, q_h, work, resolution)) == ["idle", "refrigerator", "idle", "refrigerator"]
    assert list(classify_mode(q_c, q_h, work)) == ["refrigerator", "refrigerator", "engine", "refrigerator"]
    for mode in (Mode.REFRIGERATOR, Mode.ENGINE):
        mask = runs_as(mode, q_c, q_h, work, resolution)
        np.testing.assert_array_equal(mask, classify_mode(q_c, q_h, work, resolution) == mode.value)
        for i in range(4):
            args = (float(q_c[i]), float(q_h[i]), float(work[i]), float(resolution[i]))
            assert runs_as(mode, *args) is bool(mask[i])
            assert (classify_mode(*args) == mode) is bool(mask[i])


def test_resolution_survives_units_and_pickling():
    import pickle

    p = dict(BASE, tau_c=0.0)
    perf = tc.otto_cycle(tc.Qubit(transverse=0.3), **p).performance()
    again = pickle.loads(pickle.dumps(perf))
    assert again.mode == perf.mode == Mode.IDLE
    assert float(again.resolution) == float(perf.resolution) > 0
    assert perf.natural().mode == Mode.IDLE


# -- huge couplings and durations ---------------------------------------------------------------

HUGE_SUBSTANCES = {
    "two-level": (lambda: None, "tanh"),
    "three levels": (lambda: tc.NLevel(factors=[0.0, 1.0, 2.5]), "tanh"),
    "oscillator, 8 levels": (lambda: HarmonicOscillator(levels=8), "bosonic"),
}


@pytest.mark.parametrize("field", ["gamma_c", "gamma_h", "tau_c", "tau_h"])
@pytest.mark.parametrize("value", [1e20, 1e200, 1e300])
@pytest.mark.parametrize("substance", list(HUGE_SUBSTANCES))
def test_huge_coupling_or_duration_thermalises_completely(substance, field, value):
    """gamma x tau up to ~1e300 on the populations backend: the contact ends in its Gibbs state, as
    with an ordinary long contact (gamma tau = 200) -- computed, no NaN."""
    make, law = HUGE_SUBSTANCES[substance]
    long_contact = dict(BASE, **{field: (200.0 / BASE["gamma_" + field[-1]]) if field.startswith("tau")
                                 else 200.0 / BASE["tau_" + field[-1]]})
    reference = tc.otto_cycle(make(), law=law, **long_contact).performance(method="linear_algebra")
    with warnings.catch_warnings():  # (scipy's expm may warn of an intermediate overflow at 1e20)
        warnings.simplefilter("ignore")
        perf = tc.otto_cycle(make(), law=law, **dict(BASE, **{field: value})).performance(
            method="linear_algebra", backend="populations")
    for figure in ("q_c", "q_h", "work"):
        assert float(getattr(perf, figure)) == pytest.approx(float(getattr(reference, figure)), rel=1e-9)
    assert perf.mode == reference.mode == Mode.REFRIGERATOR
    check_first_law(perf)


@pytest.mark.parametrize("field", ["gamma_c", "gamma_h"])
@pytest.mark.parametrize("path", PATHS[1:])
def test_coupling_beyond_double_precision_is_named(field, path):
    """Rates that overflow are refused with the reservoir, field and value (issue 11: the generic
    path blamed 'a non-zero contact time')."""
    with pytest.raises(tc.ParameterError, match=rf"Reservoir '{field[-1]}'\.coupling = 1e\+308 .*overflow"):
        tc.otto_cycle(**dict(BASE, **{field: 1e308})).performance(method=path[0], backend=path[1])


@pytest.mark.parametrize("field", ["gamma_c", "tau_c", "w_a"])
def test_density_matrix_beyond_its_range_names_the_values(field):
    """The density-matrix backend's coherence block of equally spaced levels cannot take rate x
    time (or energy x time) products of 1e100: a pointed error naming the value, never NaN."""
    p = dict(BASE, **{field: 1e100})
    if field == "w_a":
        p["w_b"] = 3e100
    with pytest.raises(tc.CycleError) as info:
        tc.otto_cycle(HarmonicOscillator(levels=8), law="bosonic", **p).performance(backend="density_matrix")
    message = str(info.value)
    assert "contact time" not in message and "double precision" in message and "1e+100" in message
    assert len(message) < 300


# -- extreme inverse temperatures ---------------------------------------------------------------

@pytest.mark.parametrize("beta_w", [700.0, 800.0, 1e4, 1e300])
@pytest.mark.parametrize("substance", ["two-level", "three levels", "oscillator, 6 levels"])
def test_extreme_inverse_temperatures_give_numbers_or_zero_never_nan(substance, beta_w):
    """beta_c w_a ~ 800 or 1e4: the cold contact's excited populations underflow. Results are finite,
    with the exact mode (an engine: w_a / T_c > w_b / T_h; the hot side keeps the flows O(1))."""
    make, law = SUBSTANCES[substance]
    p = dict(BASE, T_c=BASE["w_a"] / beta_w)
    for method, backend in PATHS:
        perf = evaluate(make, law, p, method, backend)
        if perf is None:
            continue
        values = [float(perf.q_c), float(perf.q_h), float(perf.work)]
        assert all(math.isfinite(v) for v in values), (method, backend, values)
        assert perf.mode == expected_mode(p), (method, backend, values)
        check_first_law(perf)
