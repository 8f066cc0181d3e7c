"""The cycle-family factories: Otto (any substance), Carnot-type and Stirling-type, engine and
refrigerator.

Each factory builds, names its parameters and runs its docstring example; engine and refrigerator
factories refuse, with the condition, parameters that run in another mode. The Otto factories agree
with the flagship exactly; the Carnot and Stirling cycles of the two-level substance agree with a
brute-force integration written here (``solve_ivp`` on the master equation, heat and work as
integrals, through many cycles; numpy and scipy only). The Carnot engine's efficiency and the
Carnot refrigerator's COP approach the Carnot values as ``Sigma / tau`` (measured), the Stirling
cycle stays below them, and every cycle obeys the first law and produces entropy.
"""

from __future__ import annotations

import doctest
import math
import re
from typing import Any, ClassVar, Mapping

import attrs
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import thermocycles as tc
from thermocycles.core.modes import Mode
from thermocycles.factories import carnot, otto, stirling
from thermocycles.factories.carnot import carnot_cycle, carnot_engine, carnot_refrigerator
from thermocycles.factories.otto import otto_cycle, otto_engine, otto_refrigerator
from thermocycles.factories.stirling import stirling_cycle, stirling_engine, stirling_refrigerator

EPS = float(np.finfo(float).eps)
OTTO = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.7, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.4,
            tau_ch=0.1, tau_hc=0.2)
CARNOT = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.8, tau_h=3.0, tau_c=4.0)
STIRLING = dict(T_c=1.0, T_h=3.0, gamma_c=1.0, gamma_h=0.8, tau_h=4.0, tau_c=3.0, tau_hc=2.0, tau_ch=1.5)
Q_ = tc.Q_


def every(*parts: str) -> str:
    """A regex matching a message that contains every part (literal), in any order."""
    return "".join(rf"(?=[\s\S]*?{re.escape(p)})" for p in parts)


def check_first_and_second_law(perf: tc.Performance) -> None:
    scale = max(abs(float(q)) for q in perf.heat.values())
    assert abs(sum(float(q) for q in perf.heat.values()) + float(perf.work)) <= 1e-13 * scale
    assert float(perf.entropy_production) >= -1e-14 * scale
    for s in perf.strokes:  # per stroke: the change of Tr(H rho) is the heat plus the work
        exchanged = sum(float(q) for q in s.heat.values()) + float(s.work)
        assert float(s.energy_end - s.energy_start) == pytest.approx(exchanged, abs=1e-13 * scale), s.name


# -- brute force: the two-level substance (levels w, 2 w), tanh law, through many cycles ---------

def rates(w: float, T: float, gamma: float) -> tuple[float, float]:
    """k_up, k_down of docs/explanation/physics.md, section 2."""
    sigma = math.tanh(w / (2 * T))
    return gamma * (1 - sigma), gamma * (1 + sigma)


def run_stroke(stroke: tuple, p_e: float) -> tuple[float, float, float]:
    """(p_e at the end, heat into the substance, work on it) of one stroke.

    ("ramp", T, gamma, w0, w1, tau): contact while w moves linearly (an isotherm);
    ("contact", T, gamma, w, tau): at fixed w (an isochore); ("adiabat", w0, w1): populations frozen.
    Energy E = w (1 + p_e): heat rate w dp_e/dt, work rate (1 + p_e) dw/dt.
    """
    if stroke[0] == "adiabat":
        _, w0, w1 = stroke
        return p_e, 0.0, (1 + p_e) * (w1 - w0)
    if stroke[0] == "contact":
        _, T, gamma, w, tau = stroke
        w0, w1 = w, w
    else:
        _, T, gamma, w0, w1, tau = stroke
    dw = (w1 - w0) / tau

    def rhs(t, y):
        w = w0 + dw * t
        k_up, k_down = rates(w, T, gamma)
        dp = k_up * (1 - y[0]) - k_down * y[0]
        return [dp, w * dp, (1 + y[0]) * dw]

    sol = solve_ivp(rhs, (0.0, tau), [p_e, 0.0, 0.0], method="DOP853", rtol=1e-12, atol=1e-15)
    assert sol.success
    return float(sol.y[0, -1]), float(sol.y[1, -1]), float(sol.y[2, -1])


def brute_force(strokes: list[tuple], names: list[str | None]) -> dict[str, Any]:
    """Run whole cycles from p_e = 1/2 until the start of the cycle repeats to 1e-15."""
    p_e = 0.5
    for _ in range(500):
        start, heat, work = p_e, {}, 0.0
        for stroke, reservoir in zip(strokes, names):
            p_e, q, w = run_stroke(stroke, p_e)
            work += w
            if reservoir is not None:
                heat[reservoir] = heat.get(reservoir, 0.0) + q
        if abs(p_e - start) < 1e-15:
            return dict(heat=heat, work=work, p_e=p_e)
    raise AssertionError("the brute-force cycle did not converge")


def carnot_strokes(p: Mapping[str, float]) -> tuple[list[tuple], list[str | None]]:
    return ([("ramp", p["T_h"], p["gamma_h"], p["w_1"], p["w_2"], p["tau_h"]), ("adiabat", p["w_2"], p["w_3"]),
             ("ramp", p["T_c"], p["gamma_c"], p["w_3"], p["w_4"], p["tau_c"]), ("adiabat", p["w_4"], p["w_1"])],
            ["h", None, "c", None])


def stirling_strokes(p: Mapping[str, float]) -> tuple[list[tuple], list[str | None]]:
    return ([("ramp", p["T_h"], p["gamma_h"], p["w_1"], p["w_2"], p["tau_h"]),
             ("contact", p["T_c"], p["gamma_c"], p["w_2"], p["tau_hc"]),
             ("ramp", p["T_c"], p["gamma_c"], p["w_2"], p["w_1"], p["tau_c"]),
             ("contact", p["T_h"], p["gamma_h"], p["w_1"], p["tau_ch"])],
            ["h", "c", "c", "h"])


def compare_with_brute_force(cycle: tc.Cycle, strokes: tuple[list[tuple], list[str | None]]) -> None:
    ref = brute_force(*strokes)
    perf = cycle.performance()
    scale = max(abs(q) for q in ref["heat"].values())
    for name, q in ref["heat"].items():
        assert perf.heat[name] == pytest.approx(q, rel=1e-8, abs=1e-10 * scale), name
    assert perf.work == pytest.approx(ref["work"], rel=1e-8, abs=1e-10 * scale)
    assert perf.strokes[0].populations_start[1] == pytest.approx(ref["p_e"], abs=1e-10)


# -- Otto -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [OTTO, dict(OTTO, w_b=1.5), dict(OTTO, w_b=np.array([1.5, 2.0, 3.0]),
                                                                   tau_c=np.array([[0.5], [2.0]]))],
                         ids=["refrigerator", "engine", "arrays"])
def test_otto_cycle_is_the_flagship_for_two_levels(params):
    """Same cycle (attrs equality), same parameter names, the closed form, identical numbers."""
    ours, flagship = otto_cycle(**params), tc.quantum_otto_cycle(**params)
    assert ours == flagship
    assert ours.parameter_names == flagship.parameter_names == (
        "T_c", "gamma_c", "T_h", "gamma_h", "w_a", "w_b", "tau_c", "tau_ch", "tau_h", "tau_hc")
    a, b = ours.performance(), flagship.performance()
    assert a.method == b.method == "closed_form"
    for key in ("q_c", "q_h", "work", "cop", "chi", "efficiency", "entropy_production"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key), err_msg=key)


def test_otto_cycle_with_units_is_the_flagship():
    si = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
              w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"),
              tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))
    assert otto_cycle(**si) == tc.quantum_otto_cycle(**si)
    assert otto_refrigerator(**si).performance().chi == tc.quantum_otto_refrigerator(**si).performance().chi


def test_otto_cycle_other_laws_and_adiabats():
    """Independent identities: the fermionic law is the tanh law at half the coupling; a unitary
    ramp of a commuting substance is the ideal adiabat."""
    fermionic = otto_cycle(**OTTO, law="fermionic").performance()
    half = tc.quantum_otto_cycle(**dict(OTTO, gamma_c=0.5, gamma_h=0.35)).performance()
    assert fermionic.method == "linear_algebra"
    for key in ("q_c", "q_h", "work"):
        assert getattr(fermionic, key) == pytest.approx(getattr(half, key), rel=1e-12), key
    unitary = otto_cycle(**OTTO, adiabat="unitary", schedule="cosine")
    assert [type(s).__name__ for s in unitary.strokes] == ["Isochore", "UnitaryStroke", "Isochore", "UnitaryStroke"]
    assert unitary.strokes[1].schedule == "cosine"
    assert unitary.performance().q_c == pytest.approx(tc.quantum_otto_cycle(**OTTO).performance().q_c, rel=1e-12)


@attrs.frozen(kw_only=True)
class ThreeLevels(tc.Substance):
    """Levels 0, w, 3 w: the gaps scale together, every pair coupled."""

    n_levels: ClassVar[int] = 3

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.asarray(control, dtype=float)[..., None] * np.array([0.0, 1.0, 3.0])


def three_level_otto_brute_force(p: Mapping[str, float]) -> dict[str, float]:
    """The N-level Otto cycle written out: pairwise tanh rates, isochores by solve_ivp, frozen
    populations on the adiabats, periodic state by running cycles."""
    c = np.array([0.0, 1.0, 3.0])

    def contact(pops, T, gamma, w, tau):
        eps = c * w
        R = gamma * (1 + np.tanh((eps[None, :] - eps[:, None]) / (2 * T)))  # R[j, i]: i -> j
        np.fill_diagonal(R, 0.0)
        R -= np.diag(R.sum(axis=0))
        sol = solve_ivp(lambda t, y: R @ y, (0, tau), pops, method="DOP853", rtol=1e-12, atol=1e-15)
        end = sol.y[:, -1]
        return end, float(eps @ (end - pops))

    pops = np.ones(3) / 3
    for _ in range(500):
        start = pops
        pops, q_c = contact(pops, p["T_c"], p["gamma_c"], p["w_a"], p["tau_c"])
        w_in = float(pops @ c) * (p["w_b"] - p["w_a"])
        pops, q_hot = contact(pops, p["T_h"], p["gamma_h"], p["w_b"], p["tau_h"])
        w_out = float(pops @ c) * (p["w_a"] - p["w_b"])
        if np.max(np.abs(pops - start)) < 1e-15:
            return dict(q_c=q_c, q_h=-q_hot, work=w_in + w_out)
    raise AssertionError("no convergence")


@pytest.mark.parametrize("w_b", [3.0, 1.5], ids=["refrigerator", "engine"])
def test_otto_factories_for_any_substance_against_brute_force(w_b):
    p = dict(OTTO, w_b=w_b)
    ref = three_level_otto_brute_force(p)
    cycle = otto_cycle(ThreeLevels(), **p)
    perf = cycle.performance()
    for key in ("q_c", "q_h", "work"):
        assert getattr(perf, key) == pytest.approx(ref[key], rel=1e-9), key
    check_first_and_second_law(perf)
    factory, mode = (otto_refrigerator, Mode.REFRIGERATOR) if w_b == 3.0 else (otto_engine, Mode.ENGINE)
    assert factory(ThreeLevels(), **p) == cycle
    assert perf.mode == mode
    other = otto_engine if factory is otto_refrigerator else otto_refrigerator
    with pytest.raises(tc.ParameterError, match="Use otto_cycle") as info:  # no two-level sentence here
        other(ThreeLevels(), **p)
    assert "two-level" not in str(info.value)


def test_otto_engine_and_refrigerator_figures():
    fridge = otto_refrigerator(**OTTO).performance()
    assert fridge.mode == Mode.REFRIGERATOR and fridge.cop == pytest.approx(0.5, rel=4 * EPS)
    engine = otto_engine(**dict(OTTO, T_h=4.0, w_b=2.0)).performance()
    assert engine.mode == Mode.ENGINE and engine.efficiency == pytest.approx(0.5, rel=4 * EPS)
    assert math.isnan(engine.cop) and "runs as an engine" in engine.why_nan("cop")
    check_first_and_second_law(fridge)
    check_first_and_second_law(engine)


def test_coherent_otto_engine():
    cycle = otto_engine(tc.Qubit(transverse=0.3), **dict(OTTO, T_h=4.0, w_b=2.0), adiabat="unitary")
    assert cycle.parameter_names[0] == "Delta"
    perf = cycle.performance()
    assert perf.backend == "density_matrix" and perf.mode == Mode.ENGINE
    check_first_and_second_law(perf)


def test_refrigerator_factories_refuse_an_engine_and_say_why():
    engine_params = dict(OTTO, w_b=1.5)
    for factory, general in ((otto_refrigerator, "otto_cycle"),
                             (tc.quantum_otto_refrigerator, "quantum_otto_cycle")):
        with pytest.raises(tc.ParameterError, match=every(
                f"{factory.__name__}: these parameters do not refrigerate", "the cycle runs as an engine",
                "a refrigerator needs q_c > 0 and work > 0", "refrigerates exactly when w_b/w_a > T_h/T_c",
                "here w_b/w_a = 1.5 and T_h/T_c = 2", f"Use {general}(...)")):
            factory(**engine_params)
    with pytest.raises(tc.ParameterError, match=every(
            "otto_engine: these parameters do not run as an engine", "runs as a refrigerator",
            "1 < w_b/w_a < T_h/T_c", "here w_b/w_a = 3 and T_h/T_c = 2", "Use otto_cycle(...)")):
        otto_engine(**OTTO)
    with pytest.raises(tc.ParameterError, match=every("at 1 of 3 parameter points", "element (1,)", "is idle")):
        otto_refrigerator(**dict(OTTO, w_b=np.array([3.0, 2.0, 4.0])))
    with pytest.raises(tc.ParameterError, match=every("runs as an accelerator", "w_b/w_a = 0.5")):
        tc.quantum_otto_refrigerator(**dict(OTTO, w_b=0.5))


def test_otto_bad_input():
    with pytest.raises(tc.ParameterError, match=every("otto_cycle: T_h must be greater than T_c", "T_c=2.0, T_h=1.0")):
        otto_cycle(**dict(OTTO, T_c=2.0, T_h=1.0))
    with pytest.raises(tc.ParameterError, match=every("otto_engine: T_h must be greater than T_c", "element (1,)")):
        otto_engine(**dict(OTTO, T_h=np.array([4.0, 1.0])))
    with pytest.raises(tc.ParameterError, match=every("otto_cycle: adiabat must be one of", "'adiabatic'")):
        otto_cycle(**OTTO, adiabat="adiabatic")
    with pytest.raises(tc.ParameterError, match=every("schedule applies to adiabat='unitary'", "'cosine'")):
        otto_cycle(**OTTO, schedule="cosine")
    with pytest.raises(tc.ParameterError, match=every("otto_refrigerator: substance must be a Substance", "'qubit'")):
        otto_refrigerator("qubit", **OTTO)
    with pytest.raises(tc.ParameterError, match=every("Reservoir.law must be one of", "'classical'")):
        otto_cycle(**OTTO, law="classical")
    with pytest.raises(tc.CycleError, match="no unique periodic steady state"):
        otto_refrigerator(**dict(OTTO, tau_c=0.0, tau_h=0.0))  # evaluated when built: says so at once


# -- Carnot ---------------------------------------------------------------------------------------

def carnot_params(cycle: tc.Cycle) -> dict[str, float]:
    return {name: float(value) for name, value in cycle.model.defaults.items()}


def test_carnot_cycle_names_and_defaults():
    cycle = carnot_cycle(**CARNOT, w_1=4.0, w_2=2.0)
    assert cycle.parameter_names == ("T_h", "gamma_h", "T_c", "gamma_c", "w_1", "w_2", "w_3", "w_4",
                                     "tau_h", "tau_hc", "tau_c", "tau_ch")
    assert [type(s).__name__ for s in cycle.strokes] == ["Isotherm", "QuantumAdiabat", "Isotherm", "QuantumAdiabat"]
    p = cycle.parameters
    assert (p["w_3"], p["w_4"], p["tau_hc"], p["tau_ch"]) == (1.0, 2.0, 0.0, 0.0)  # w T_c/T_h, ideal adiabats
    explicit = carnot_cycle(**CARNOT, w_1=4.0, w_2=2.0, w_3=1.5, w_4=2.5, tau_hc=0.1, tau_ch=0.2, adiabat="unitary",
                            schedule="cosine")
    assert explicit.parameters["w_3"] == 1.5 and explicit.strokes[1].schedule == "cosine"
    assert type(explicit.strokes[3]).__name__ == "UnitaryStroke"
    # with units: w_3 keeps the unit of w_2, scaled by T_c/T_h read as natural temperatures
    si = carnot_cycle(T_c=Q_(50, "mK"), T_h=Q_(0.2, "K"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
                      w_1=Q_(4, "GHz"), w_2=Q_(2, "GHz"), tau_h=Q_(3, "us"), tau_c=Q_(3, "us"))
    assert si.parameters["w_3"].units == tc.ureg.GHz and si.parameters["w_3"].m_as("GHz") == pytest.approx(0.5)
    arrays = carnot_cycle(**dict(CARNOT, T_c=np.array([0.5, 1.0])), w_1=4.0, w_2=2.0)
    np.testing.assert_allclose(arrays.parameters["w_4"], [1.0, 2.0])


@pytest.mark.parametrize("w_1, w_2", [(4.0, 2.0), (2.0, 4.0), (3.0, 1.0)])
def test_carnot_cycle_against_brute_force(w_1, w_2):
    cycle = carnot_cycle(**CARNOT, w_1=w_1, w_2=w_2)
    compare_with_brute_force(cycle, carnot_strokes(carnot_params(cycle)))
    check_first_and_second_law(cycle.performance())


def test_carnot_engine_and_refrigerator_modes():
    engine = carnot_engine(**CARNOT, w_1=4.0, w_2=2.0).performance()
    fridge = carnot_refrigerator(**CARNOT, w_1=2.0, w_2=4.0).performance()
    assert engine.mode == Mode.ENGINE and fridge.mode == Mode.REFRIGERATOR
    assert 0 < engine.efficiency < 1 - CARNOT["T_c"] / CARNOT["T_h"]
    assert 0 < fridge.cop < CARNOT["T_c"] / (CARNOT["T_h"] - CARNOT["T_c"])
    for perf in (engine, fridge):
        check_first_and_second_law(perf)
    # on the density-matrix backend: the same cycle
    dm = carnot_engine(**CARNOT, w_1=4.0, w_2=2.0).performance(backend="density_matrix")
    assert dm.q_c == pytest.approx(engine.q_c, rel=1e-10) and dm.work == pytest.approx(engine.work, rel=1e-10)


TAUS = np.array([10.0, 20.0, 40.0])


def test_carnot_engine_tends_to_carnot_efficiency_as_sigma_over_tau():
    """Low-dissipation regime: eta_C - eta = Sigma / tau + O(1/tau^2). Measured: the deficit halves
    when tau doubles, (eta_C - eta) tau settles to a constant, and Richardson extrapolation lands
    on eta_C."""
    eta_c = 1 - CARNOT["T_c"] / CARNOT["T_h"]
    eta = np.array([float(carnot_engine(**dict(CARNOT, tau_h=t, tau_c=t), w_1=4.0, w_2=2.0).performance().efficiency)
                    for t in TAUS])
    deficit = eta_c - eta
    assert np.all(deficit > 0) and np.all(np.diff(deficit) < 0)
    sigma = deficit * TAUS
    assert abs(sigma[2] / sigma[1] - 1) < 0.03 and abs(sigma[1] / sigma[0] - 1) < 0.06
    assert abs(sigma[2] / sigma[1] - 1) < abs(sigma[1] / sigma[0] - 1)  # 1/tau^2 corrections shrink
    extrapolated = 2 * eta[2] - eta[1]  # removes the 1/tau term
    assert abs(extrapolated - eta_c) < 0.1 * deficit[2]


def test_carnot_refrigerator_tends_to_carnot_cop_as_sigma_over_tau():
    eps_c = CARNOT["T_c"] / (CARNOT["T_h"] - CARNOT["T_c"])
    cop = np.array([float(carnot_refrigerator(**dict(CARNOT, tau_h=t, tau_c=t), w_1=2.0, w_2=4.0).performance().cop)
                    for t in TAUS])
    deficit = eps_c - cop
    assert np.all(deficit > 0) and np.all(np.diff(deficit) < 0)
    sigma = deficit * TAUS
    assert abs(sigma[2] / sigma[1] - 1) < 0.05
    assert abs((2 * cop[2] - cop[1]) - eps_c) < 0.1 * deficit[2]


def test_carnot_factories_refuse_bad_input():
    with pytest.raises(tc.ParameterError, match=every(
            "carnot_engine: w_2 must differ from w_1", "the hot isotherm ramps the control from w_1 to w_2",
            "got w_1 = w_2 = 4.0")):
        carnot_engine(**CARNOT, w_1=4.0, w_2=4.0)
    with pytest.raises(tc.ParameterError, match=every("carnot_cycle: w_4 must differ from w_3", "the cold isotherm")):
        carnot_cycle(**CARNOT, w_1=4.0, w_2=2.0, w_3=1.0, w_4=1.0)
    with pytest.raises(tc.ParameterError, match=every("w_2 must differ from w_1", "element (1,)")):
        carnot_cycle(**CARNOT, w_1=np.array([4.0, 2.0]), w_2=2.0)
    with pytest.raises(tc.ParameterError, match=every("carnot_refrigerator: T_h must be greater than T_c",
                                                      "T_c=1.0, T_h=1.0")):
        carnot_refrigerator(**dict(CARNOT, T_h=1.0), w_1=2.0, w_2=4.0)
    with pytest.raises(tc.ParameterError, match=every(
            "carnot_engine: these parameters do not run as an engine", "runs as a refrigerator",
            "this needs w_1 > w_2 (here w_1 = 2, w_2 = 4)", "Use carnot_cycle(...)")):
        carnot_engine(**CARNOT, w_1=2.0, w_2=4.0)
    with pytest.raises(tc.ParameterError, match=every(  # too fast: heat leaks, no cooling
            "carnot_refrigerator: these parameters do not refrigerate", "gamma_h tau_h = 0.04")):
        carnot_refrigerator(**dict(CARNOT, tau_h=0.05, tau_c=0.05), w_1=2.0, w_2=4.0)


# -- Stirling -------------------------------------------------------------------------------------

def test_stirling_cycle_names():
    cycle = stirling_cycle(**STIRLING, w_1=4.0, w_2=2.0)
    assert cycle.parameter_names == ("T_h", "gamma_h", "T_c", "gamma_c", "w_1", "w_2", "tau_h", "tau_hc",
                                     "tau_c", "tau_ch")
    assert [type(s).__name__ for s in cycle.strokes] == ["Isotherm", "Isochore", "Isotherm", "Isochore"]
    hc, ch = cycle.strokes[1], cycle.strokes[3]  # each isochore touches the next isotherm's reservoir
    assert (hc.reservoir.name, hc.control.name, ch.reservoir.name, ch.control.name) == ("c", "w_2", "h", "w_1")


@pytest.mark.parametrize("w_1, w_2", [(4.0, 2.0), (1.0, 4.0)])
def test_stirling_cycle_against_brute_force(w_1, w_2):
    cycle = stirling_cycle(**STIRLING, w_1=w_1, w_2=w_2)
    compare_with_brute_force(cycle, stirling_strokes(carnot_params(cycle)))
    check_first_and_second_law(cycle.performance())


def test_stirling_engine_and_refrigerator_below_carnot():
    eta_c = 1 - STIRLING["T_c"] / STIRLING["T_h"]
    for w_1 in (3.0, 6.0, 12.0):
        # slow strokes: the isochores' irreversible heat keeps it below Carnot anyway
        perf = stirling_engine(**dict(STIRLING, tau_h=40.0, tau_c=40.0, tau_hc=20.0, tau_ch=20.0),
                               w_1=w_1, w_2=1.0).performance()
        assert perf.mode == Mode.ENGINE and 0 < perf.efficiency < eta_c
        carnot_at_same_ends = carnot_engine(**dict(STIRLING, tau_h=40.0, tau_c=40.0), w_1=w_1, w_2=1.0).performance()
        assert perf.efficiency < carnot_at_same_ends.efficiency
        check_first_and_second_law(perf)
    cold = dict(STIRLING, T_h=1.5)
    fridge = stirling_refrigerator(**cold, w_1=1.0, w_2=4.0).performance()
    assert fridge.mode == Mode.REFRIGERATOR and 0 < fridge.cop < 1.0 / 0.5
    check_first_and_second_law(fridge)


def test_stirling_factories_refuse_bad_input():
    with pytest.raises(tc.ParameterError, match=every("stirling_engine: w_2 must differ from w_1", "each isotherm")):
        stirling_engine(**STIRLING, w_1=2.0, w_2=2.0)
    with pytest.raises(tc.ParameterError, match=every("stirling_cycle: T_h must be greater than T_c")):
        stirling_cycle(**dict(STIRLING, T_c=3.0), w_1=4.0, w_2=2.0)
    with pytest.raises(tc.ParameterError, match=every(  # a small ramp: the isochores' heat leak wins
            "stirling_refrigerator: these parameters do not refrigerate", "w_1 < w_2", "large enough",
            "Use stirling_cycle(...)")):
        stirling_refrigerator(**dict(STIRLING, T_h=1.5), w_1=1.0, w_2=1.2)
    with pytest.raises(tc.ParameterError, match=every("stirling_engine: these parameters do not run as an engine",
                                                      "w_1 > w_2")):
        stirling_engine(**STIRLING, w_1=1.0, w_2=4.0)


# -- every factory: docstring example, exports ---------------------------------------------------

@pytest.mark.parametrize("module", [otto, carnot, stirling], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    names = [n for n in module.__all__ if n != "quantum_otto_cycle"]  # the flagship's builder, unchanged
    for name in names:
        assert ">>> " in getattr(module, name).__doc__, name
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 2 * len(names)


def test_package_exports_the_factories():
    import thermocycles.factories as factories

    assert set(factories.__all__) == {
        "quantum_otto_cycle", "quantum_otto_refrigerator", "otto_cycle", "otto_engine", "otto_refrigerator",
        "carnot_cycle", "carnot_engine", "carnot_refrigerator", "stirling_cycle", "stirling_engine",
        "stirling_refrigerator"}
