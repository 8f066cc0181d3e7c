"""Figures that respect the operating mode, and mean energies in the per-stroke ledger.

* ``cop`` and ``chi`` are NaN wherever the cycle is not a refrigerator, ``efficiency`` wherever it is
  not an engine (element-wise), ``why_nan`` says why, ``algebraic`` gives the ratios in every mode;
  in the refrigerator regime the numbers are bit for bit the ratios they always were.
* The registered objectives use the continuous ratios, so the Optimizer crosses mode boundaries.
* ``StrokeRecord.energy_start / energy_end`` = Tr(H rho) at the corners, on every evaluation path:
  checked against Tr(H rho) formed here from the density matrix and H, against n w for two levels,
  and by the first law per stroke (energy_end - energy_start = heat + work).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

import thermocycles as tc
from thermocycles.core.modes import Mode, classify_mode, runs_as
from thermocycles.core.performance import Performance, StrokeRecord
from thermocycles.spec.strokes.isotherm import Isotherm

EPS = float(np.finfo(float).eps)
OTTO = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.7, w_a=1.0, tau_c=0.5, tau_h=0.4, tau_ch=0.1, tau_hc=0.2)
METHODS = ("closed_form", "linear_algebra")


def otto(w_b, **changes):
    """The two-level Otto cycle in any regime: T_h/T_c = 2, so w_b > 2 cools, 1 < w_b < 2 is an engine."""
    return tc.quantum_otto_cycle(**{**OTTO, "w_b": w_b, **changes})


# -- figures by mode ------------------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_refrigerator_figures_are_bit_for_bit_the_ratios(method):
    """In the refrigerator regime cop = q_c/W and chi = (q_c/W)(q_c/t) exactly as before; the
    paper's COP w_a/(w_b - w_a); the engine efficiency does not apply."""
    perf = otto(3.0).performance(method)
    q_c, work, t = perf.q_c, perf.work, perf.cycle_time
    assert perf.mode == Mode.REFRIGERATOR
    assert perf.cop == q_c / work
    assert perf.chi == (q_c / work) * (q_c / t)
    assert perf.cop == pytest.approx(1.0 / 2.0, rel=4 * EPS)
    assert perf.why_nan("cop") is None and perf.why_nan("chi") is None
    assert math.isnan(perf.efficiency)
    assert perf.why_nan("efficiency") == (
        "efficiency applies to an engine (work delivered with heat drawn from the hot reservoir); "
        "this cycle runs as a refrigerator")
    assert perf.algebraic("efficiency") == work / -perf.heat["h"]  # work / q_h, defined but meaningless
    # arrays: element by element the same numbers
    sweep = otto(np.array([2.5, 3.0, 6.0])).performance(method)
    np.testing.assert_array_equal(sweep.cop, sweep.q_c / sweep.work)
    np.testing.assert_array_equal(sweep.chi, (sweep.q_c / sweep.work) * (sweep.q_c / sweep.cycle_time))
    assert sweep.cop[1] == perf.cop


@pytest.mark.parametrize("method", METHODS)
def test_engine_has_no_cop_and_says_why(method):
    perf = otto(1.5).performance(method)
    assert perf.mode == Mode.ENGINE
    assert math.isnan(perf.cop) and math.isnan(perf.chi)
    assert perf.why_nan("cop") == (
        "cop applies to a refrigerator (heat drawn from the cold reservoir with work done on the "
        "substance); this cycle runs as an engine")
    assert perf.why_nan("chi").startswith("chi (cop x cooling rate) applies to a refrigerator")
    assert perf.efficiency == perf.work / perf.q_h
    assert perf.efficiency == pytest.approx(1 - 1.0 / 1.5, rel=8 * EPS)
    assert perf.why_nan("efficiency") is None
    # signed figures that mean something in every mode are untouched
    assert perf.cooling_rate == perf.q_c / perf.cycle_time < 0
    assert perf.power == -perf.work / perf.cycle_time > 0
    # the ratios themselves: the Otto engine's q_c/W = w_a/(w_b - w_a) is positive, and
    # chi = q_c^2/(W t) has the sign of the work: negative for an engine (not "both factors negative")
    assert perf.algebraic("cop") == pytest.approx(1.0 / 0.5, rel=8 * EPS)
    assert perf.algebraic("chi") < 0


def test_accelerator_and_idle():
    """w_b < w_a: work in, heat from hot to cold (accelerator); chi's ratio is then positive, so
    only the mode tells a refrigerator. w_b/w_a = T_h/T_c: nothing is exchanged (idle)."""
    acc = otto(0.5).performance()
    assert acc.mode == Mode.ACCELERATOR
    assert acc.q_c < 0 and acc.work > 0 and acc.algebraic("chi") > 0
    assert math.isnan(acc.cop) and math.isnan(acc.chi) and math.isnan(acc.efficiency)
    assert acc.why_nan("cop").endswith("this cycle runs as an accelerator")
    assert acc.why_nan("efficiency").endswith("this cycle runs as an accelerator")
    idle = otto(2.0).performance()
    assert idle.mode == Mode.IDLE
    assert math.isnan(idle.cop) and math.isnan(idle.efficiency)
    assert idle.why_nan("cop").endswith("this cycle is idle (it exchanges no energy)")


@pytest.mark.parametrize("method", METHODS)
def test_arrays_across_modes_are_masked_element_wise(method):
    w_b = np.array([0.5, 1.5, 2.0, 3.0, 6.0])
    perf = otto(w_b).performance(method)
    assert list(perf.mode) == ["accelerator", "engine", "idle", "refrigerator", "refrigerator"]
    fridge, engine = perf.mode == "refrigerator", perf.mode == "engine"
    np.testing.assert_array_equal(np.isnan(perf.cop), ~fridge)
    np.testing.assert_array_equal(np.isnan(perf.chi), ~fridge)
    np.testing.assert_array_equal(np.isnan(perf.efficiency), ~engine)
    for i, value in enumerate(w_b):  # each element is the scalar evaluation's figure
        one = otto(float(value)).performance(method)
        for key in ("cop", "chi", "efficiency"):
            assert getattr(perf, key)[i] == pytest.approx(getattr(one, key), rel=1e-13, nan_ok=True), key
    assert perf.why_nan("cop") == (
        "cop applies to a refrigerator (heat drawn from the cold reservoir with work done on the "
        "substance); at 3 of 5 points the cycle runs otherwise (accelerator at 1, engine at 1, idle at 1; "
        "the first at element (0,))")
    assert "at 4 of 5 points" in perf.why_nan("efficiency")
    assert perf.why_nan("q_c") is None and perf.why_nan("mode") is None


def test_masks_carry_units_and_two_dimensional_batches():
    Q_ = tc.Q_
    cycle = tc.quantum_otto_cycle(
        T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
        w_a=Q_(1, "GHz"), w_b=Q_(np.array([[1.5], [3.0]]), "GHz"), tau_c=Q_(np.array([0.5, 1.0, 2.0]), "us"),
        tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))
    perf = cycle.performance()
    assert perf.chi.shape == (2, 3) and perf.chi.units == tc.ureg.watt
    chi = perf.chi.m_as("W")
    assert np.isnan(chi[0]).all() and np.isfinite(chi[1]).all()
    assert np.isnan(perf.cop[0]).all() and np.isfinite(perf.efficiency[0]).all()
    assert "the first at element (0, 0)" in perf.why_nan("chi")
    nat = perf.natural()
    np.testing.assert_array_equal(np.isnan(nat.chi), np.isnan(chi))  # the same mask in natural units
    assert perf.algebraic("chi").units == tc.ureg.watt


def test_runs_as_agrees_with_classify_mode():
    """The mask is exactly the mode's test (tolerance included), on scalars and arrays."""
    rng = np.random.default_rng(7)
    signs = rng.integers(-1, 2, size=(3, 4000)).astype(float)
    magnitudes = 10.0 ** rng.uniform(-3, 3, size=(3, 4000))
    q_c, q_h, work = signs * magnitudes
    # put some values at the tolerance's edge (relative 1e-12 of the largest)
    scale = np.max(np.abs([q_c, q_h, work]), axis=0)
    q_c[:400] = scale[:400] * rng.choice([-2e-12, -5e-13, 5e-13, 2e-12], size=400)
    modes = classify_mode(q_c, q_h, work)
    for mode in (Mode.REFRIGERATOR, Mode.ENGINE):
        mask = runs_as(mode, q_c, q_h, work)
        np.testing.assert_array_equal(mask, modes == mode.value)
        for i in range(0, 4000, 97):  # the scalar fast path
            assert runs_as(mode, float(q_c[i]), float(q_h[i]), float(work[i])) is bool(mask[i])
    with pytest.raises(tc.ParameterError, match="runs_as: mode must be"):
        runs_as(Mode.HEATER, 1.0, 1.0, 1.0)


def test_bad_figure_names():
    perf = otto(3.0).performance()
    with pytest.raises(tc.AnalysisError, match="why_nan: unknown figure 'COP'.*cop"):
        perf.why_nan("COP")
    with pytest.raises(tc.AnalysisError, match=r"algebraic: figure must be one of \['chi', 'cop', 'efficiency'\]"):
        perf.algebraic("power")


# -- objectives across mode boundaries -------------------------------------------------------------

def test_objectives_use_the_continuous_ratios():
    engine = otto(1.5).performance()
    for name, figure in (("cop", "cop"), ("chi", "chi"), ("efficiency", "efficiency")):
        value = tc.objectives.get(name)(engine)
        assert np.isfinite(value) and value == engine.algebraic(figure), name
    fridge = otto(3.0).performance()
    assert tc.objectives.get("chi")(fridge) == fridge.chi  # the same number where it applies


@pytest.mark.parametrize("method", ["multistart", "SLSQP"])
def test_optimizer_crosses_from_engine_to_refrigerator(method):
    """Started in the engine regime, the chi optimiser walks over the boundary to the refrigerator
    optimum (a smooth objective on both sides; outside the domain the point is infeasible)."""
    start = otto(1.5)
    assert start.performance().mode == Mode.ENGINE
    res = tc.Optimizer(objective="chi", variables={"w_b": (1.1, 30.0)}, method=method).run(start)
    assert res.success, res.message
    assert res.performance.mode == Mode.REFRIGERATOR
    assert res.fun == pytest.approx(float(res.performance.chi), rel=1e-12)
    reference = tc.Optimizer(objective="chi", variables={"w_b": (2.01, 30.0)}).run(otto(3.0))
    assert res.x["w_b"] == pytest.approx(reference.x["w_b"], rel=1e-5)


# -- mean energies in the ledger ----------------------------------------------------------------

def first_law_residuals(perf: Performance) -> list[float]:
    out = []
    for s in perf.strokes:
        change = np.asarray(s.energy_end) - np.asarray(s.energy_start)
        exchanged = sum(np.asarray(q) for q in s.heat.values()) + np.asarray(s.work)
        scale = max(float(np.max(np.abs(s.energy_start))), float(np.max(np.abs(s.energy_end))))
        out.append(float(np.max(np.abs(change - exchanged))) / scale)
    return out


def trace_h_rho(substance, values, control, state) -> np.ndarray:
    """Re Tr(H(control) rho), from the substance's Hamiltonian and the ledger's density matrix."""
    h = substance.hamiltonian(np.asarray(control, dtype=float), values)
    return np.einsum("...ij,...ji->...", h, state).real


def qubit_cycle(ramp):
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    return tc.Cycle(substance=tc.Qubit(transverse=0.6), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        tc.UnitaryStroke(name="ch", start=w_a, end=w_b, duration=ramp),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=0.5),
        tc.UnitaryStroke(name="hc", start=w_b, end=w_a, duration=ramp)])


def carnot_by_hand():
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=0.8)
    w = [tc.Parameter(f"w_{k}", v) for k, v in enumerate((4.0, 2.0, 1.0, 2.0), start=1)]
    return tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        Isotherm(name="h", reservoir=hot, start=w[0], end=w[1], duration=3.0),
        tc.QuantumAdiabat(name="hc", start=w[1], end=w[2], duration=0.0),
        Isotherm(name="c", reservoir=cold, start=w[2], end=w[3], duration=3.0),
        tc.QuantumAdiabat(name="ch", start=w[3], end=w[0], duration=0.0)])


@pytest.mark.parametrize("case", ["closed_form", "populations", "density_matrix"])
def test_two_level_energies_are_n_w_and_obey_the_first_law(case):
    method, backend = ("closed_form", "auto") if case == "closed_form" else ("linear_algebra", case)
    perf = otto(np.array([1.5, 3.0])).performance(method=method, backend=backend)
    assert perf.method == method and (case == "closed_form" or perf.backend == case)
    for s in perf.strokes:
        for energy, pops, control in ((s.energy_start, s.populations_start, s.control_start),
                                      (s.energy_end, s.populations_end, s.control_end)):
            assert np.shape(energy) == (2,)
            n = pops[..., 0] + 2 * pops[..., 1]  # levels w and 2 w
            np.testing.assert_allclose(energy, n * control, rtol=4 * EPS)
    assert max(first_law_residuals(perf)) < 1e-14
    # the corners chain around the closed cycle
    for a, b in zip(perf.strokes, perf.strokes[1:] + perf.strokes[:1]):
        np.testing.assert_allclose(a.energy_end, b.energy_start, rtol=1e-14)


def test_energies_agree_between_paths():
    cf = otto(3.0).performance("closed_form")
    la = otto(3.0).performance("linear_algebra")
    for a, b in zip(cf.strokes, la.strokes):
        assert a.energy_start == pytest.approx(b.energy_start, rel=1e-13)
        assert a.energy_end == pytest.approx(b.energy_end, rel=1e-13)


@pytest.mark.parametrize("ramp", [0.05, 2.0])
def test_coherent_qubit_energies_are_tr_h_rho(ramp):
    """Density-matrix backend, non-commuting H: the ledger's energy is Tr(H rho) (formed here from
    the Hamiltonian and the state), and each stroke obeys the first law."""
    cycle = qubit_cycle(ramp)
    perf = cycle.performance()
    assert perf.backend == "density_matrix"
    values = {"transverse": 0.6}
    for s in perf.strokes:
        assert s.energy_start == pytest.approx(trace_h_rho(cycle.substance, values, s.control_start,
                                                           s.state_start), rel=1e-13, abs=1e-15)
        assert s.energy_end == pytest.approx(trace_h_rho(cycle.substance, values, s.control_end,
                                                         s.state_end), rel=1e-13, abs=1e-15)
    assert max(first_law_residuals(perf)) < 1e-12
    if ramp < 1:  # a fast ramp leaves coherence, which the energy includes
        assert perf.strokes[1].coherence_end > 1e-3


@pytest.mark.parametrize("backend", ["populations", "density_matrix"])
def test_isotherm_cycle_energies_obey_the_first_law(backend):
    perf = carnot_by_hand().performance(backend=backend)
    assert perf.backend == backend
    assert max(first_law_residuals(perf)) < 1e-12
    total = sum(float(s.energy_end - s.energy_start) for s in perf.strokes)
    assert abs(total) < 1e-13


def test_energies_carry_units_and_pickle():
    Q_ = tc.Q_
    si = tc.quantum_otto_refrigerator(
        T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
        w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"),
        tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us")).performance()
    nat = si.natural()
    k_b = 1.380649e-23  # J/K: the natural energy unit is k_B x 1 K
    for s_si, s_nat in zip(si.strokes, nat.strokes):
        assert s_si.energy_start.units == tc.ureg.joule
        assert s_si.energy_end.m_as("J") == pytest.approx(s_nat.energy_end * k_b, rel=1e-12)
    again = pickle.loads(pickle.dumps(si))
    assert [s.energy_end for s in again.strokes] == [s.energy_end for s in si.strokes]


def test_records_without_energies_stay_none():
    """A path that does not provide energies (a plugin's closed form, say) gives None."""
    record = StrokeRecord(name="c", kind="Isochore", duration=1.0, heat={"c": 0.1}, work=0.0,
                          populations_start=np.array([0.6, 0.4]), populations_end=np.array([0.7, 0.3]),
                          control_start=1.0, control_end=1.0, state_start=np.eye(2) / 2,
                          state_end=np.eye(2) / 2)
    assert record.energy_start is None and record.energy_end is None
    perf = Performance(heat={"c": 0.1, "h": -0.1}, work=0.0, cycle_time=1.0,
                       temperatures={"c": 1.0, "h": 2.0}, ledger=lambda: [record])
    assert perf.strokes[0].energy_start is None and perf.strokes[0].energy_end is None
