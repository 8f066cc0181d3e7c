"""The fully thermalising contact (``Thermalization``): its map, both backends, heats, first law, bad input.

Independent references (no package code): the Gibbs state ``exp(-H/T)/Z`` by ``scipy.linalg.expm``
of the Hamiltonian written out here; finite-time unitary ramps by ``solve_ivp`` on the density
matrix (``oracle_density_matrix.run_unitary``); two-level relaxation in closed form written here.
Because a Thermalization resets the state, the periodic state of a cycle with one needs no fixed-
point solve in the reference: the state after it is the Gibbs state, and the other strokes follow.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import oracle_density_matrix as brute
import pytest
import scipy.linalg

import thermocycles as tc
from thermocycles.backends import BACKEND_OBJECTS
from thermocycles.spec.strokes.thermalization import Thermalization

SZ = np.diag([1.0, -1.0]).astype(complex)
SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
H0_3 = np.array([[0.0, 0.2, 0.0], [0.2, 1.0, 0.15], [0.0, 0.15, 2.3]])
H1_3 = np.diag([-1.0, 0.4, 1.0]) + 0.1 * np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])


def qubit_h(w: float, delta: float) -> np.ndarray:
    return 0.5 * (w * SZ + delta * SX)


def gibbs_matrix(h: np.ndarray, temperature: float) -> np.ndarray:
    """exp(-H/T)/Z by a matrix exponential (shifted by the smallest diagonal entry against overflow)."""
    shift = np.min(np.diag(h).real)
    rho = scipy.linalg.expm(-(h - shift * np.eye(len(h))) / temperature)
    return rho / np.trace(rho).real


def energy(h: np.ndarray, rho: np.ndarray) -> float:
    return float(np.trace(h @ rho).real)


def reservoirs(T_c: Any = 0.7, T_h: Any = 2.5, gamma: Any = 1.0) -> tuple[tc.Reservoir, tc.Reservoir]:
    return (tc.Reservoir(name="c", temperature=T_c, coupling=gamma),
            tc.Reservoir(name="h", temperature=T_h, coupling=gamma))


def thermal_otto(substance: tc.Substance, *, w_a: Any = 1.0, w_b: Any = 3.0, ramp: str = "adiabat",
                 tau: Any = 0.3, T_c: Any = 0.7, T_h: Any = 2.5, tau_c: Any = 0.0, tau_h: Any = 0.0,
                 gamma: Any = 1.0) -> tc.Cycle:
    cold, hot = reservoirs(T_c, T_h, gamma)
    a, b = tc.Parameter("w_a", w_a), tc.Parameter("w_b", w_b)
    move = tc.QuantumAdiabat if ramp == "adiabat" else tc.UnitaryStroke
    return tc.Cycle(substance=substance, strokes=[
        Thermalization(name="c", reservoir=cold, control=a, duration=tau_c),
        move(name="ch", start=a, end=b, duration=tau),
        Thermalization(name="h", reservoir=hot, control=b, duration=tau_h),
        move(name="hc", start=b, end=a, duration=tau)])


def stroke_maps(cycle: tc.Cycle, backend: str) -> list:
    model = cycle.model
    return BACKEND_OBJECTS[backend].maps(model, model.values())


def random_density_matrices(n: int, count: int, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        a = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
        rho = a @ a.conj().T
        out.append(rho / np.trace(rho).real)
    return out


def to_coordinates(rho: np.ndarray) -> np.ndarray:
    """Real coordinates of a density matrix (the documented basis: diagonal, then sqrt 2 Re and sqrt 2 Im of
    the upper triangle, row-major) -- written here, not taken from the package."""
    n = len(rho)
    a, b = np.triu_indices(n, 1)
    return np.concatenate([np.diag(rho).real, math.sqrt(2) * rho[a, b].real, math.sqrt(2) * rho[a, b].imag])


# -- the map --------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["populations", "density_matrix"])
def test_map_is_the_rank_one_projector_onto_the_gibbs_state(backend):
    substance = tc.TwoLevelSubstance() if backend == "populations" else tc.Qubit(transverse=0.6)
    maps = stroke_maps(thermal_otto(substance), backend)
    for k, (w, temperature) in ((0, (1.0, 0.7)), (2, (3.0, 2.5))):
        m = maps[k].matrix
        assert np.abs(m @ m - m).max() < 1e-15  # idempotent
        assert np.linalg.matrix_rank(m, tol=1e-12) == 1
        if backend == "populations":
            p = np.exp(-np.array([w, 2 * w]) / temperature)
            assert np.allclose(m, np.outer(p / p.sum(), np.ones(2)), rtol=1e-15, atol=0)
        else:
            g = to_coordinates(gibbs_matrix(qubit_h(w, 0.6), temperature))
            for rho in random_density_matrices(2, 5):
                assert np.abs(m @ to_coordinates(rho) - g).max() < 1e-15
        assert not maps[k].work.any()


def test_map_has_no_digits_lost_and_no_nan_at_beta_w_700():
    """beta w = 700 on the cold stroke: the excited population exp(-700) ~ 1e-304 is kept relatively."""
    for substance, backend in ((tc.TwoLevelSubstance(), "populations"), (tc.Qubit(), "density_matrix"),
                               (tc.Qubit(transverse=1e-3), "density_matrix")):
        cycle = thermal_otto(substance, T_c=1.0 / 700.0, w_a=1.0)
        m = stroke_maps(cycle, backend)[0]
        assert np.isfinite(m.deviation).all() and all(np.isfinite(h).all() for h in m.heat.values())
        excited = (m.matrix @ np.eye(m.dimension)[0])[1]
        if backend == "populations":
            assert excited == pytest.approx(math.exp(-700.0) / (1 + math.exp(-700.0)), rel=1e-13)
        perf = cycle.performance(backend=backend)
        assert np.isfinite([perf.q_c, perf.q_h, perf.work]).all()
        assert abs(perf.q_c + perf.work - perf.q_h) <= 1e-15 * abs(perf.q_h)


def test_three_level_matrix_substance_both_backends_agree_and_the_ledger_shows_gibbs_states():
    """A commuting three-level substance (h1 = 0 part only rescaled) and a non-commuting one."""
    commuting = tc.MatrixSubstance(h0=np.zeros((3, 3)), h1=H0_3 + np.diag([0.0, 0.5, 1.0]))
    generic = tc.MatrixSubstance(h0=H0_3, h1=H1_3)
    for substance in (commuting, generic):
        cycle = thermal_otto(substance, w_a=1.0, w_b=2.0, ramp="unitary", tau=0.4)
        dm = cycle.performance(backend="density_matrix")
        if substance is commuting:
            pop = cycle.performance(backend="populations")
            for key in ("c", "h"):
                assert pop.heat[key] == pytest.approx(dm.heat[key], rel=1e-13)
        for k, (w, temperature) in ((0, (1.0, 0.7)), (2, (2.0, 2.5))):
            h = np.asarray(substance.hamiltonian(np.asarray(w), {"h0": substance.h0, "h1": substance.h1}))
            expected = gibbs_matrix(h, temperature)
            assert np.abs(dm.strokes[k].state_end - expected).max() < 1e-13
            assert dm.strokes[k].coherence_end < 1e-13


# -- heats against an independent computation ------------------------------------------------------

@pytest.mark.parametrize("delta, tau", [(0.6, 0.05), (0.6, 1.0), (2.0, 0.3)])
def test_coherent_qubit_cycle_heats_and_works_against_solve_ivp(delta, tau):
    """Thermalization, unitary ramp, Thermalization, unitary ramp: the reference starts each ramp
    in the Gibbs state (matrix exponential) and integrates it with solve_ivp."""
    T_c, T_h, w_a, w_b = 0.7, 2.5, 1.0, 3.0
    perf = thermal_otto(tc.Qubit(transverse=delta), ramp="unitary", tau=tau).performance()
    assert perf.backend == "density_matrix"
    h_a, h_b = qubit_h(w_a, delta), qubit_h(w_b, delta)
    g_c, g_h = gibbs_matrix(h_a, T_c), gibbs_matrix(h_b, T_h)
    hamiltonian = brute.qubit(delta)
    rho_2, w_ch, _ = brute.run_unitary(hamiltonian, brute.Unitary("ch", w_a, w_b, tau), g_c)
    rho_4, w_hc, _ = brute.run_unitary(hamiltonian, brute.Unitary("hc", w_b, w_a, tau), g_h)
    q_hot = energy(h_b, g_h - rho_2)  # heat absorbed from the hot reservoir
    q_cold = energy(h_a, g_c - rho_4)
    scale = abs(q_hot)
    assert perf.heat["h"] == pytest.approx(q_hot, abs=1e-10 * scale)
    assert perf.heat["c"] == pytest.approx(q_cold, abs=1e-10 * scale)
    assert perf.strokes[1].work == pytest.approx(w_ch, abs=1e-10 * scale)
    assert perf.strokes[3].work == pytest.approx(w_hc, abs=1e-10 * scale)
    assert abs(perf.heat["c"] + perf.heat["h"] + perf.work) < 1e-15 * scale  # first law, per cycle
    for record in perf.strokes:  # per stroke: heat + work = energy change
        h_start = qubit_h(float(record.control_start), delta)
        h_end = qubit_h(float(record.control_end), delta)
        change = energy(h_end, record.state_end) - energy(h_start, record.state_start)
        assert sum(record.heat.values()) + record.work == pytest.approx(change, abs=1e-13 * scale)
    assert perf.entropy_production >= 0


def test_mixed_with_a_finite_isochore_against_the_two_level_closed_form():
    """Thermalization (cold), ideal adiabat, finite tanh isochore (hot), ideal adiabat: written here,
    p_e relaxes to 1/(1 + e^(w/T)) at the rate 2 gamma."""
    T_c, T_h, w_a, w_b, gamma, tau_h = 0.7, 2.5, 1.0, 3.0, 0.8, np.array([1e-6, 0.05, 0.4, 3.0, 60.0])
    cold, hot = reservoirs(T_c, T_h, gamma)
    a, b = tc.Parameter("w_a", w_a), tc.Parameter("w_b", w_b)
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        Thermalization(name="c", reservoir=cold, control=a, duration=0.1),
        tc.QuantumAdiabat(name="ch", start=a, end=b, duration=0.1),
        tc.Isochore(name="h", reservoir=hot, control=b, duration=tau_h),
        tc.QuantumAdiabat(name="hc", start=b, end=a, duration=0.1)])
    p_c, p_h = 1 / (1 + math.exp(w_a / T_c)), 1 / (1 + math.exp(w_b / T_h))
    change = (p_h - p_c) * -np.expm1(-2 * gamma * tau_h)  # p_e after the hot stroke minus p_c
    q_hot = w_b * change
    q_cold = -w_a * change
    for backend in ("populations", "density_matrix"):
        perf = cycle.performance(backend=backend)
        assert np.allclose(perf.heat["h"], q_hot, rtol=1e-12, atol=0)
        assert np.allclose(perf.heat["c"], q_cold, rtol=1e-12, atol=0)
        assert np.allclose(perf.cycle_time, 0.3 + tau_h, rtol=1e-15)


def test_the_limit_of_a_long_isochore_on_both_backends():
    """An isochore of 2 gamma tau = 120 is a Thermalization to round-off (coherences decay at gamma)."""
    for substance in (tc.TwoLevelSubstance(), tc.Qubit(transverse=0.6)):
        thermal = thermal_otto(substance, ramp="unitary" if isinstance(substance, tc.Qubit) else "adiabat")
        strokes = list(thermal.strokes)
        long = attrs.evolve(thermal, strokes=[tc.Isochore(name=s.name, reservoir=s.reservoir, control=s.control,
                                                          duration=60.0) if isinstance(s, Thermalization) else s
                                              for s in strokes])
        a, b = thermal.performance(), long.performance()
        for key in ("c", "h"):
            assert a.heat[key] == pytest.approx(b.heat[key], rel=1e-12)


def test_duration_is_not_a_contact_time_and_batches_broadcast():
    durations = np.array([0.0, 1e-9, 1.0, 1e6])
    slow = thermal_otto(tc.Qubit(transverse=0.6), ramp="unitary", tau_c=durations[:, None],
                        T_h=np.array([1.5, 2.5, 4.0]))
    perf = slow.performance()
    assert perf.q_c.shape == (4, 3)
    assert np.all(perf.q_c == perf.q_c[:1])  # the same heats whatever the duration
    assert np.allclose(perf.cycle_time, durations[:, None] + 0.6 + np.zeros(3), rtol=1e-15)
    for j, T_h in enumerate([1.5, 2.5, 4.0]):
        single = thermal_otto(tc.Qubit(transverse=0.6), ramp="unitary", T_h=T_h).performance()
        assert perf.q_c[0, j] == pytest.approx(single.q_c, rel=1e-13)


def test_with_units():
    Q_ = tc.Q_
    cycle = thermal_otto(tc.TwoLevelSubstance(), w_a=Q_(1.0, "GHz"), w_b=Q_(3.0, "GHz"), tau=Q_(10, "ns"),
                         T_c=Q_(40, "mK"), T_h=Q_(150, "mK"), tau_c=Q_(1, "us"), tau_h=Q_(2, "us"),
                         gamma=Q_(1, "MHz"))
    perf = cycle.performance()
    h = 6.62607015e-34
    k_b = 1.380649e-23
    p = [1 / (1 + math.exp(h * nu / (k_b * t))) for nu, t in ((1e9, 0.04), (3e9, 0.15))]
    assert perf.q_c.to("J").magnitude == pytest.approx(h * 1e9 * (p[0] - p[1]), rel=1e-9)
    assert perf.cycle_time.to("us").magnitude == pytest.approx(3.02, rel=1e-12)


# -- the boundaries of the quasi-static two-level cycle, with exact rational signs ------------------------

def test_heats_keep_their_relative_precision_near_reversibility():
    """w_b / w_a -> T_h / T_c: Q_c = w_a [p_e(w_a/T_c) - p_e(w_b/T_h)] is a difference of nearly equal
    numbers; 50-digit reference from Python's decimal module."""
    from decimal import Decimal, getcontext

    getcontext().prec = 50
    T_c, T_h, w_a = 1.0, 3.0, 1.0
    for rel in (1e-3, 1e-7, 1e-11, -1e-9):
        w_b = 3.0 * (1 + rel)
        perf = thermal_otto(tc.TwoLevelSubstance(), w_a=w_a, w_b=w_b, T_c=T_c, T_h=T_h).performance()

        def excited(w: float, t: float) -> Decimal:
            return 1 / (1 + (Decimal(w) / Decimal(t)).exp())

        exact = Decimal(w_a) * (excited(w_a, T_c) - excited(w_b, T_h))
        assert perf.q_c == pytest.approx(float(exact), rel=1e-11)
        if rel > 0:  # w_b / w_a > T_h / T_c: a refrigerator, COP w_a / (w_b - w_a)
            assert str(perf.mode) == "refrigerator"
            assert perf.cop == pytest.approx(float(Fraction(w_a) / (Fraction(w_b) - Fraction(w_a))), rel=1e-11)
        else:  # an engine, efficiency 1 - w_a / w_b
            assert str(perf.mode) == "engine"
            assert perf.efficiency == pytest.approx(float(1 - Fraction(w_a) / Fraction(w_b)), rel=1e-11)


# -- bad input ---------------------------------------------------------------------------------------

def test_bad_input_is_refused_with_a_clear_message():
    cold, _ = reservoirs()
    with pytest.raises(tc.ParameterError, match=r"Thermalization\.reservoir must be a Reservoir"):
        Thermalization(name="c", reservoir="cold", control=1.0, duration=0.0)
    with pytest.raises(tc.ParameterError, match=r"Thermalization.*duration.*-1"):
        Thermalization(name="c", reservoir=cold, control=1.0, duration=-1.0)
    with pytest.raises(tc.ParameterError, match=r"Thermalization.*control.*nan"):
        Thermalization(name="c", reservoir=cold, control=float("nan"), duration=0.0)
    with pytest.raises(tc.ParameterError, match=r"Thermalization.*duration"):
        Thermalization(name="c", reservoir=cold, control=1.0, duration="long")
    with pytest.raises(tc.ParameterError, match=r"name"):
        Thermalization(name="no spaces", reservoir=cold, control=1.0, duration=0.0)
    with pytest.raises(tc.CycleError, match="join"):  # the control must match its neighbours
        tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
            Thermalization(name="c", reservoir=cold, control=1.0, duration=0.0),
            tc.QuantumAdiabat(name="ch", start=2.0, end=1.0, duration=0.0)])


def test_the_projector_refuses_a_state_vector_it_cannot_read():
    from thermocycles.spec.strokes.thermalization import projector

    with pytest.raises(tc.CycleError, match="dimension 3"):
        projector(np.array([0.5, 0.25, 0.25]), np.zeros(3), 2, "Thermalization 'c'")
    with pytest.raises(tc.CycleError, match="unit trace"):
        projector(np.array([0.5, 0.25, 0.0, 0.25]), np.zeros(4), 2, "Thermalization 'c'")
