"""The quantum core: Magnus propagation, backend equivalence, laws, scale and broadcasting.

* Unitary strokes: the sixth-order Magnus scheme converges at order 6 (error ratio 64 per step
  doubling) against solve_ivp on the Schroedinger equation (rtol 1e-13), and the error control
  delivers 1e-12 in fast, slow, strong-field and cosine-schedule cases.
* Commuting substances (the paper's two-level system, a qubit without transverse field, a
  commuting three-level matrix substance, a user-defined ladder, every law): the density-matrix
  backend equals the populations backend to 1e-12 over random cycles (hypothesis), unitary strokes
  equal ideal adiabats, and the flagship's numbers are unchanged.
* A 100-level truncated oscillator (rejected by the former solver) against a hand-written scipy
  expm reference, and a 300-level one.
* Parameter arrays broadcast through the density-matrix backend like through the populations one.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

import attrs
import numpy as np
import pytest
import scipy.linalg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

import thermocycles as tc
from thermocycles.backends.density_matrix.unitary import magnus_deviation, magnus_propagators

EXAMPLES = int(os.environ.get("THERMOCYCLES_HYPOTHESIS_EXAMPLES", "40"))
FLAGSHIP = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5,
                tau_ch=0.1, tau_hc=0.1)


def qubit_h(delta: float):
    q = tc.Qubit(transverse=delta)
    return lambda w: q.hamiltonian(w, {"transverse": np.asarray(delta)})


def schroedinger(h, w0: float, w1: float, tau: float, schedule=lambda x: x) -> np.ndarray:
    """U - I by solve_ivp (DOP853, rtol 1e-13) on dU/dt = -i H(w(t)) U."""
    n = h(w0).shape[-1]

    def rhs(t, y):
        w = w0 + (w1 - w0) * schedule(t / tau)
        return (-1j * h(w) @ y.reshape(n, n)).ravel()

    sol = solve_ivp(rhs, (0.0, tau), np.eye(n, dtype=complex).ravel(), method="DOP853", rtol=1e-13, atol=1e-15)
    return sol.y[:, -1].reshape(n, n) - np.eye(n)


# --- unitary strokes ------------------------------------------------------------------------------

@pytest.mark.parametrize("delta, w0, w1, tau", [(0.6, 1.0, 3.0, 2.0), (3.0, 3.0, 1.0, 0.5), (0.6, 1.0, 3.0, 0.1)])
def test_magnus_scheme_is_sixth_order(delta, w0, w1, tau):
    h = qubit_h(delta)
    exact = schroedinger(h, w0, w1, tau)
    levels = [2, 4, 8, 16]
    errors = [float(np.abs(k - exact).max()) for k in magnus_propagators(
        h, np.asarray(w0), np.asarray(w1), np.asarray(tau), lambda x: x, levels)]
    usable = [(a, b) for a, b in zip(errors, errors[1:]) if b > 1e-13]  # above the reference's accuracy
    assert usable
    for coarse, fine in usable:
        assert 50 < coarse / fine < 80  # 2^6 = 64


def cosine(x):
    return 0.5 * (1 - np.cos(np.pi * np.asarray(x)))


@pytest.mark.parametrize("delta, w0, w1, tau, schedule", [
    (0.6, 1.0, 3.0, 0.05, None), (0.6, 1.0, 3.0, 20.0, None), (5.0, 0.5, 4.0, 1.0, None),
    (0.6, 3.0, 1.0, 2.0, "cosine"), (0.0, 1.0, 3.0, 1.0, None)])
def test_error_control_reaches_its_tolerance(delta, w0, w1, tau, schedule):
    h = qubit_h(delta)
    s = cosine if schedule == "cosine" else (lambda x: np.asarray(x, dtype=float))
    k, steps = magnus_deviation(h, w0, w1, tau, s, spread=max(abs(w0), abs(w1)) + abs(delta), where="test")
    assert np.abs(k - schroedinger(h, w0, w1, tau, s)).max() < 3e-13
    assert steps >= 8


def test_unitary_stroke_too_long_for_the_integrator_says_so():
    cycle = tc.Cycle(substance=tc.Qubit(transverse=0.6), strokes=[
        tc.Isochore(name="c", reservoir=tc.Reservoir(name="c", temperature=1.0, coupling=1.0),
                    control=1.0, duration=1.0),
        tc.UnitaryStroke(name="u", start=1.0, end=3.0, duration=1e7),
        tc.UnitaryStroke(name="d", start=3.0, end=1.0, duration=0.1)])
    with pytest.raises(tc.CycleError, match=r"UnitaryStroke 'u'.*QuantumAdiabat"):
        cycle.performance()


# --- commuting substances: both backends ------------------------------------------------------------

@attrs.frozen(kw_only=True)
class Ladder(tc.Substance):
    """A user-defined N-level substance: levels w * factors, every pair coupled."""

    factors: tuple[float, ...] = (0.0, 1.0, 2.5)

    @property
    def n_levels(self) -> int:
        return len(self.factors)

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.asarray(control, dtype=float)[..., None] * np.asarray(self.factors)


_ROTATION = scipy.linalg.expm(np.array([[0, 0.3, -0.2], [-0.3, 0, 0.5], [0.2, -0.5, 0]]))
COMMUTING_3 = tc.MatrixSubstance(h0=_ROTATION @ np.diag([0.0, 0.3, 0.5]) @ _ROTATION.T,
                                 h1=_ROTATION @ np.diag([0.0, 1.0, 2.2]) @ _ROTATION.T)
SUBSTANCES = {"two-level": tc.TwoLevelSubstance(), "qubit": tc.Qubit(), "commuting-3": COMMUTING_3,
              "ladder": Ladder(), "ladder-4": Ladder(factors=(0.0, 0.7, 1.9, 3.1))}


def otto(substance: tc.Substance, p: Mapping[str, Any], ramp: type = tc.QuantumAdiabat,
         laws: tuple[str, str] = ("tanh", "tanh")) -> tc.Cycle:
    cold = tc.Reservoir(name="c", temperature=p["T_c"], coupling=p["gamma_c"], law=laws[0])
    hot = tc.Reservoir(name="h", temperature=p["T_h"], coupling=p["gamma_h"], law=laws[1])
    w_a, w_b = tc.Parameter("w_a", p["w_a"]), tc.Parameter("w_b", p["w_b"])
    return tc.Cycle(substance=substance, strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=p["tau_c"]),
        ramp(name="ch", start=w_a, end=w_b, duration=p["tau_ch"]),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=p["tau_h"]),
        ramp(name="hc", start=w_b, end=w_a, duration=p["tau_hc"])])


def same_figures(a: tc.Performance, b: tc.Performance, rtol: float, states: bool = True) -> None:
    """Equal heats and work (to rtol of the largest), corner populations and (same substance) states."""
    scale = max(abs(a.q_c), abs(a.q_h), abs(a.work), 1e-300)
    for name in ("q_c", "q_h", "work"):
        assert abs(getattr(a, name) - getattr(b, name)) <= rtol * scale, name
    for ra, rb in zip(a.strokes, b.strokes):
        np.testing.assert_allclose(ra.populations_start, rb.populations_start, rtol=0, atol=1e-13)
        if states:
            np.testing.assert_allclose(ra.state_end, rb.state_end, rtol=0, atol=1e-13)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(substance=st.sampled_from(list(SUBSTANCES)),
       T_c=st.floats(0.2, 3.0), ratio=st.floats(1.1, 4.0),
       gamma_c=st.floats(0.05, 5.0), gamma_h=st.floats(0.05, 5.0),
       w_a=st.floats(0.2, 3.0), w_ratio=st.floats(1.05, 6.0),
       tau_c=st.floats(0.01, 5.0), tau_h=st.floats(0.01, 5.0), tau_ramp=st.floats(0.0, 2.0),
       laws=st.sampled_from([("tanh", "tanh"), ("fermionic", "bosonic"), ("bosonic", "tanh")]))
def test_density_matrix_equals_populations_for_commuting_substances(substance, T_c, ratio, gamma_c, gamma_h,
                                                                      w_a, w_ratio, tau_c, tau_h, tau_ramp, laws):
    p = dict(T_c=T_c, T_h=T_c * ratio, gamma_c=gamma_c, gamma_h=gamma_h, w_a=w_a, w_b=w_a * w_ratio,
             tau_c=tau_c, tau_h=tau_h, tau_ch=tau_ramp, tau_hc=tau_ramp)
    cycle = otto(SUBSTANCES[substance], p, laws=laws)
    populations = cycle.performance(method="linear_algebra")
    assert populations.backend == "populations"
    density = cycle.performance(backend="density_matrix")
    assert density.backend == "density_matrix"
    same_figures(populations, density, 1e-12)
    if substance != "ladder":  # a population-only substance has no Hamiltonian to drive; the others:
        unitary = otto(SUBSTANCES[substance], p, ramp=tc.UnitaryStroke, laws=laws)
        same_figures(populations, unitary.performance(backend="density_matrix"), 1e-12)
        same_figures(populations, unitary.performance(), 1e-12)


def test_qubit_without_transverse_field_is_the_papers_two_level_system():
    flagship = tc.quantum_otto_refrigerator(**FLAGSHIP).performance()
    for backend in ("populations", "density_matrix"):
        for ramp in (tc.QuantumAdiabat, tc.UnitaryStroke):
            # the qubit's natural basis is (|0>, |1>) = (excited, ground): compare populations
            same_figures(flagship, otto(tc.Qubit(), FLAGSHIP, ramp=ramp).performance(backend=backend), 1e-13,
                         states=False)


def test_flagship_numbers_unchanged():
    """The two-level Otto refrigerator of the README, on every path, as before the quantum core."""
    fridge = tc.quantum_otto_refrigerator(**FLAGSHIP)
    expected = dict(q_c=0.03998048063990696, q_h=0.11994144191972088, work=0.07996096127981392)
    for perf in (fridge.performance(), fridge.performance(method="linear_algebra"),
                 fridge.performance(backend="density_matrix")):
        for name, value in expected.items():
            assert getattr(perf, name) == pytest.approx(value, rel=2e-15), (perf.method, perf.backend, name)
        assert perf.cop == pytest.approx(0.5, rel=2e-15)


# --- scale -------------------------------------------------------------------------------------------

def oscillator_reference(n: int, p: Mapping[str, float]) -> dict[str, float]:
    """Hand-written: all-pairs tanh rates, scipy expm for the isochores, one linear solve."""
    levels = np.arange(n) + 0.5

    def rates(w, T, gamma):
        e = w * levels
        k = gamma * (1 + np.tanh((e[None, :] - e[:, None]) / (2 * T)))  # [j, i]: i -> j
        np.fill_diagonal(k, 0.0)
        return k - np.diag(k.sum(axis=0)), e

    (r_c, e_c), (r_h, e_h) = rates(p["w_a"], p["T_c"], p["gamma_c"]), rates(p["w_b"], p["T_h"], p["gamma_h"])
    P_c, P_h = scipy.linalg.expm(r_c * p["tau_c"]), scipy.linalg.expm(r_h * p["tau_h"])
    M = P_h @ P_c
    A = M - np.eye(n)
    A[0] = 1.0
    rhs = np.zeros(n)
    rhs[0] = 1.0
    p1 = np.linalg.solve(A, rhs)
    p2 = P_c @ p1
    return {"q_c": float(e_c @ (p2 - p1)), "q_h_in": float(e_h @ (P_h @ p2 - p2))}


@pytest.mark.parametrize("n", [100, 300])
def test_hundreds_of_levels(n):
    p = dict(FLAGSHIP)
    cycle = otto(Ladder(factors=tuple(np.arange(n) + 0.5)), p)
    perf = cycle.performance()
    ref = oscillator_reference(n, p)
    assert perf.heat["c"] == pytest.approx(ref["q_c"], rel=1e-11)
    assert perf.heat["h"] == pytest.approx(ref["q_h_in"], rel=1e-11)
    assert abs(sum(perf.heat.values()) + perf.work) < 1e-14 * perf.work * n
    corner = perf.strokes[0].populations_start
    assert corner.min() >= 0 and abs(corner.sum() - 1) < 1e-13


def test_density_matrix_backend_handles_tens_of_levels():
    rng = np.random.default_rng(3)
    n = 12
    a = rng.normal(size=(n, n))
    h0 = np.diag(np.sort(rng.uniform(0, 5, n))) + 0.1 * (a + a.T)
    h1 = np.diag(np.linspace(0.5, 2.0, n) + rng.uniform(0, 0.1, n))
    coupling = rng.normal(size=(n, n))
    coupling = coupling + coupling.T
    perf = otto(tc.MatrixSubstance(h0=h0, h1=h1, coupling=coupling), FLAGSHIP, ramp=tc.UnitaryStroke).performance()
    assert perf.backend == "density_matrix"
    assert abs(sum(perf.heat.values()) + perf.work) < 1e-11
    rho = perf.strokes[0].state_start
    assert np.linalg.eigvalsh(rho).min() > -1e-12 and abs(np.trace(rho) - 1) < 1e-12


# --- broadcasting -------------------------------------------------------------------------------------

def test_arrays_broadcast_through_the_density_matrix_backend():
    delta = np.array([0.0, 0.3, 0.6, 3.0])
    tau = np.array([0.05, 0.5, 2.0])[:, None]
    p = dict(FLAGSHIP, tau_ch=tau, tau_hc=0.1)
    cycle = otto(tc.Qubit(transverse=delta), p, ramp=tc.UnitaryStroke)
    perf = cycle.performance()
    assert perf.backend == "density_matrix"
    assert np.shape(perf.q_c) == (3, 4) and perf.strokes[1].state_end.shape == (3, 4, 2, 2)
    for i in range(3):
        for j in range(4):
            single = otto(tc.Qubit(transverse=float(delta[j])), dict(p, tau_ch=float(tau[i, 0])),
                          ramp=tc.UnitaryStroke).performance(backend="density_matrix")
            # the Magnus step count is shared by the batch: the two agree to the integrator's tolerance
            for name in ("q_c", "q_h", "work"):
                assert getattr(perf, name)[i, j] == pytest.approx(getattr(single, name), rel=1e-10, abs=1e-15)
            np.testing.assert_allclose(perf.strokes[1].state_end[i, j], single.strokes[1].state_end, atol=1e-12)


def test_backend_choice():
    commuting = otto(tc.Qubit(transverse=0.0), FLAGSHIP, ramp=tc.UnitaryStroke)
    assert commuting.performance().backend == "populations"
    coherent = otto(tc.Qubit(transverse=0.2), FLAGSHIP, ramp=tc.UnitaryStroke)
    assert coherent.performance().backend == "density_matrix"
    with pytest.raises(tc.CycleError, match=r"backend='populations' cannot evaluate this cycle: Qubit does not "
                                            r"commute"):
        coherent.performance(backend="populations")
    with pytest.raises(tc.ParameterError, match=r"backend must be one of"):
        coherent.performance(backend="qutip")


# --- invariants of coherent cycles over random inputs -----------------------------------------------

def von_neumann_entropy(rho: np.ndarray) -> float:
    p = np.clip(np.linalg.eigvalsh(rho), 1e-300, None)
    return float(-(p * np.log(p)).sum())


@settings(max_examples=max(10, EXAMPLES // 4), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(delta=st.floats(0.05, 4.0), T_c=st.floats(0.2, 3.0), ratio=st.floats(1.1, 4.0),
       w_a=st.floats(0.2, 3.0), w_ratio=st.floats(1.1, 5.0), tau_c=st.floats(0.01, 3.0),
       tau_h=st.floats(0.01, 3.0), ramp_up=st.floats(0.0, 3.0), ramp_down=st.floats(0.0, 3.0),
       schedule=st.sampled_from(["linear", "cosine"]),
       laws=st.sampled_from([("tanh", "tanh"), ("bosonic", "fermionic")]))
def test_coherent_cycles_keep_trace_positivity_first_law_and_spohn(delta, T_c, ratio, w_a, w_ratio, tau_c, tau_h,
                                                                    ramp_up, ramp_down, schedule, laws):
    temperatures = {"c": T_c, "h": T_c * ratio}
    cold = tc.Reservoir(name="c", temperature=T_c, coupling=1.0, law=laws[0])
    hot = tc.Reservoir(name="h", temperature=T_c * ratio, coupling=0.6, law=laws[1])
    w_lo, w_hi = tc.Parameter("w_a", w_a), tc.Parameter("w_b", w_a * w_ratio)
    substance = tc.Qubit(transverse=delta)
    cycle = tc.Cycle(substance=substance, strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_lo, duration=tau_c),
        tc.UnitaryStroke(name="ch", start=w_lo, end=w_hi, duration=ramp_up, schedule=schedule),
        tc.Isochore(name="h", reservoir=hot, control=w_hi, duration=tau_h),
        tc.UnitaryStroke(name="hc", start=w_hi, end=w_lo, duration=ramp_down, schedule=schedule)])
    perf = cycle.performance()
    values = {"transverse": np.asarray(delta)}
    scale = w_a * w_ratio
    for stroke in perf.strokes:
        for rho in (stroke.state_start, stroke.state_end):
            assert abs(np.trace(rho) - 1) < 1e-12 and np.linalg.eigvalsh(rho).min() > -1e-12
        h_start = substance.hamiltonian(stroke.control_start, values)
        h_end = substance.hamiltonian(stroke.control_end, values)
        change = np.trace(h_end @ stroke.state_end - h_start @ stroke.state_start).real
        heat = sum(stroke.heat.values())
        assert abs(heat + stroke.work - change) < 1e-12 * scale
        for reservoir, q in stroke.heat.items():  # Spohn: entropy change minus beta Q >= 0
            spohn = von_neumann_entropy(stroke.state_end) - von_neumann_entropy(stroke.state_start)
            assert spohn - q / temperatures[reservoir] >= -1e-11
    assert abs(sum(perf.heat.values()) + perf.work) < 1e-12 * scale
    assert perf.entropy_production >= -1e-12 * scale / T_c


# --- transition probabilities keep relative precision --------------------------------------------

def decimal_expm(matrix: np.ndarray, digits: int = 50) -> list[list[Any]]:
    """exp(matrix) in decimal arithmetic (Taylor series after scaling, then squaring)."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = digits
        n = len(matrix)
        a = [[Decimal(float(x)) for x in row] for row in matrix]
        norm = max(sum(abs(x) for x in row) for row in a)
        squarings = max(0, int(np.ceil(np.log2(float(norm) / 0.25))) if norm > 0 else 0)
        a = [[x / (2**squarings) for x in row] for row in a]

        def mul(p, q):
            return [[sum(p[i][k] * q[k][j] for k in range(n)) for j in range(n)] for i in range(n)]

        result = [[Decimal(int(i == j)) for j in range(n)] for i in range(n)]
        term = [row[:] for row in result]
        for k in range(1, 60):
            term = [[x / k for x in row] for row in mul(term, a)]
            result = [[r + t for r, t in zip(rr, tt)] for rr, tt in zip(result, term)]
        for _ in range(squarings):
            result = mul(result, result)
        return result


@pytest.mark.parametrize("spread", [1.0, 5.0, 12.0, 30.0, 200.0])
def test_transition_probabilities_keep_relative_precision(spread):
    """Off-diagonal entries of a contact's map against 50-digit arithmetic: relatively accurate to
    1e-9 whatever their size (matrix exponential where the rates span less than 1e6, uniformisation
    beyond)."""
    from thermocycles.backends.populations import kernels

    energies = np.array([0.0, 0.3, 0.7, 1.0]) * spread
    rates = tc.laws.TANH.rate_matrix(energies, 1.0, 1.0)
    deviation, _, _ = kernels.relaxation(energies, {"c": rates}, 0.7)
    exact = decimal_expm(rates * 0.7)
    for i in range(4):
        for j in range(4):
            if i != j and float(exact[i][j]) > 1e-300:
                assert abs(deviation[i, j] / float(exact[i][j]) - 1) < 1e-9, (i, j, spread)
