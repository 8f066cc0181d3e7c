"""States inside strokes (thermocycles.core.trajectory): the path ends at the ledger's corner, agrees
with independent integrations of the master equation (scipy's solve_ivp, written from
docs/explanation/physics.md) and of the von Neumann equation (QuTiP's mesolve), and obeys the first law along the
way."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from thermocycles.core.linear_map import LinearMap
from thermocycles.core.trajectory import StrokePath, call_fractions, stroke_paths
from thermocycles.errors import ParameterError
from thermocycles.factories.carnot import carnot_cycle
from thermocycles.factories.otto import otto_cycle, quantum_otto_refrigerator
from thermocycles.factories.stirling import stirling_cycle
from thermocycles.spec.cycle import Cycle
from thermocycles.spec.reservoirs import Reservoir
from thermocycles.spec.strokes.adiabat import QuantumAdiabat
from thermocycles.spec.strokes.base import Stroke
from thermocycles.spec.strokes.isochore import Isochore
from thermocycles.spec.strokes.thermalization import Thermalization
from thermocycles.spec.substances.nlevel import NLevel
from thermocycles.spec.substances.oscillator import HarmonicOscillator
from thermocycles.spec.substances.qubit import Qubit
from thermocycles.spec.substances.spin import Spin
from thermocycles.spec.values import value_field

BATHS = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.7)
OTTO = dict(BATHS, w_a=1.0, w_b=3.0, tau_c=0.8, tau_h=1.3, tau_ch=0.1, tau_hc=0.2)


def thermalising_engine() -> Cycle:
    cold = Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = Reservoir(name="h", temperature=4.0, coupling=1.0)
    return Cycle(substance=NLevel(factors=[0.0, 1.0, 2.5]), strokes=[
        Thermalization(name="c", reservoir=cold, control=1.0, duration=0.0),
        QuantumAdiabat(name="ch", start=1.0, end=2.0, duration=0.0),
        Thermalization(name="h", reservoir=hot, control=2.0, duration=0.0),
        QuantumAdiabat(name="hc", start=2.0, end=1.0, duration=0.0)])


CYCLES = {
    "two-level Otto": lambda: quantum_otto_refrigerator(**OTTO),
    "three-level Otto": lambda: otto_cycle(NLevel(factors=[0.0, 1.0, 3.0]), **OTTO),
    "spin-1 Otto": lambda: otto_cycle(Spin(j=1), **OTTO),
    "truncated oscillator Otto": lambda: otto_cycle(HarmonicOscillator(levels=8), **OTTO, law="bosonic"),
    "qubit unitary Otto": lambda: otto_cycle(Qubit(transverse=0.4), **dict(OTTO, tau_ch=0.3, tau_hc=0.5),
                                             adiabat="unitary"),
    "Carnot (isotherms)": lambda: carnot_cycle(**BATHS, w_1=4.0, w_2=2.0, tau_h=4.0, tau_c=3.0,
                                               schedule="cosine"),
    "Stirling (isotherms)": lambda: stirling_cycle(**BATHS, w_1=4.0, w_2=2.0, tau_h=3.0, tau_c=3.0, tau_hc=2.0,
                                                   tau_ch=1.0),
    "thermalisation": thermalising_engine,
    "family": lambda: quantum_otto_refrigerator(**dict(OTTO, w_b=np.array([2.5, 3.0, 4.0]))),
}


@pytest.mark.parametrize("backend", ["populations", "density_matrix"])
@pytest.mark.parametrize("name", list(CYCLES))
def test_path_ends_at_the_ledger_corner(name, backend):
    cycle = CYCLES[name]()
    if name == "qubit unitary Otto" and backend == "populations":
        pytest.skip("a non-commuting substance has no populations backend")
    paths = stroke_paths(cycle.model, backend=backend, points=6)
    records = cycle.model.evaluate(method="linear_algebra", backend=backend).strokes
    assert [p.name for p in paths] == [r.name for r in records]
    for p, r in zip(paths, records):
        assert p.resolved
        np.testing.assert_allclose(p.control[0], r.control_start, rtol=0, atol=0)
        np.testing.assert_allclose(p.control[-1], r.control_end, rtol=0, atol=0)
        for got, want in [(p.energy[0], r.energy_start), (p.energy[-1], r.energy_end),
                          (p.populations[0], r.populations_start), (p.populations[-1], r.populations_end),
                          (p.state[-1], r.state_end), (p.heat[-1], sum(r.heat.values(), 0.0 * r.work)),
                          (p.work[-1], r.work)]:
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_untruncated_oscillator_path_ends_at_its_closed_form_ledger_and_matches_a_long_truncation():
    params = dict(OTTO, law="bosonic")
    exact = otto_cycle(HarmonicOscillator(), **params)
    paths = stroke_paths(exact.model, points=9)
    records = exact.performance().strokes
    for p, r in zip(paths, records):
        np.testing.assert_allclose([p.energy[0], p.energy[-1]], [r.energy_start, r.energy_end], rtol=1e-13)
        np.testing.assert_allclose(p.work[-1], r.work, rtol=0, atol=1e-12)
    # the truncated oscillator shares no code with the closed form: 40 levels at these temperatures
    truncated = stroke_paths(otto_cycle(HarmonicOscillator(levels=40), **params).model, points=9)
    for p, q in zip(paths, truncated):
        np.testing.assert_allclose(p.occupation, q.occupation, rtol=1e-9)
        np.testing.assert_allclose(p.energy, q.energy, rtol=1e-9)


def tanh_rates(energies: np.ndarray, T: float, gamma: float) -> np.ndarray:
    """Rate matrix R[j, i] of jumps i -> j, k = gamma (1 + tanh((E_i - E_j)/(2T))), all pairs.

    docs/explanation/physics.md, section 2."""
    diff = energies[None, :] - energies[:, None]  # [j, i] = E_i - E_j
    rates = gamma * (1.0 + np.tanh(diff / (2.0 * T)))
    np.fill_diagonal(rates, 0.0)
    return rates - np.diag(rates.sum(axis=0))


@pytest.mark.parametrize("substance,factors", [(None, [1.0, 2.0]), (NLevel(factors=[0.0, 1.0, 3.0]), [0.0, 1.0, 3.0])])
def test_isochore_inside_against_solve_ivp(substance, factors):
    cycle = quantum_otto_refrigerator(**OTTO) if substance is None else otto_cycle(substance, **OTTO)
    paths = stroke_paths(cycle.model, points=5)
    for k, (w, T, gamma, tau) in {0: (1.0, 1.0, 1.0, 0.8), 2: (3.0, 2.0, 0.7, 1.3)}.items():
        p = paths[k]
        energies = w * np.asarray(factors)
        R = tanh_rates(energies, T, gamma)
        for i, f in enumerate(p.fractions):
            if f == 0.0:
                continue
            sol = solve_ivp(lambda t, x: R @ x, (0.0, f * tau), p.populations[0], method="DOP853", rtol=1e-12,
                            atol=1e-14)
            pops = sol.y[:, -1]
            np.testing.assert_allclose(p.populations[i], pops, rtol=0, atol=1e-10)
            np.testing.assert_allclose(p.heat[i], energies @ (pops - p.populations[0]), rtol=0, atol=1e-10)
            assert p.work[i] == 0.0


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_isotherm_inside_against_solve_ivp(schedule):
    """Two levels (w, 2w) on the hot isotherm w: 4 -> 2: dp_e/dt from the tanh rates at w(t), heat
    int w dp_e, work int (1 + p_e) dw (docs/explanation/physics.md, section 8), integrated as extra ODE components."""
    tau, T, gamma, w1, w2 = 4.0, 2.0, 0.7, 4.0, 2.0
    cycle = carnot_cycle(**BATHS, w_1=w1, w_2=w2, tau_h=tau, tau_c=3.0, schedule=schedule)
    p = stroke_paths(cycle.model, points=5)[0]
    assert p.kind == "Isotherm"

    def s(x):
        return x if schedule == "linear" else 0.5 * (1 - np.cos(np.pi * x))

    def ds(x):
        return 1.0 if schedule == "linear" else 0.5 * np.pi * np.sin(np.pi * x)

    def rhs(t, y):
        pe = y[0]
        w = w1 + (w2 - w1) * s(t / tau)
        dw = (w2 - w1) * ds(t / tau) / tau
        k_down, k_up = gamma * (1 + np.tanh(w / (2 * T))), gamma * (1 - np.tanh(w / (2 * T)))
        dpe = k_up * (1 - pe) - k_down * pe
        return [dpe, w * dpe, (1 + pe) * dw]

    for i, f in enumerate(p.fractions):
        if f == 0.0:
            continue
        sol = solve_ivp(rhs, (0.0, f * tau), [p.populations[0][1], 0.0, 0.0], method="DOP853", rtol=1e-12,
                        atol=1e-14)
        pe, heat, work = sol.y[:, -1]
        np.testing.assert_allclose(p.control[i], w1 + (w2 - w1) * s(f), rtol=1e-15)
        np.testing.assert_allclose([p.populations[i][1], p.heat[i], p.work[i]], [pe, heat, work], rtol=0, atol=1e-9)


def test_unitary_stroke_of_a_non_commuting_qubit_against_qutip_mesolve():
    qutip = pytest.importorskip("qutip")
    delta, w_a, w_b, tau = 0.4, 1.0, 3.0, 0.3
    cycle = otto_cycle(Qubit(transverse=delta), **dict(OTTO, tau_ch=tau, tau_hc=0.5), adiabat="unitary")
    p = stroke_paths(cycle.model, points=5)[1]
    assert p.kind == "UnitaryStroke"
    assert p.coherence[-1] > 1e-3  # a fast ramp leaves coherence in the eigenbasis (quantum friction)
    sz, sx = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    H = [qutip.Qobj(0.5 * delta * sx), [qutip.Qobj(0.5 * sz), lambda t: w_a + (w_b - w_a) * t / tau]]
    options = {"atol": 1e-13, "rtol": 1e-12, "nsteps": 100000}
    for i, f in enumerate(p.fractions):
        if f == 0.0:
            continue
        result = qutip.mesolve(H, qutip.Qobj(p.state[0]), [0.0, f * tau], options=options)
        rho = result.states[-1].full()
        np.testing.assert_allclose(p.state[i], rho, rtol=0, atol=1e-8)
        w = w_a + (w_b - w_a) * f
        energy = np.trace(0.5 * (w * sz + delta * sx) @ rho).real
        np.testing.assert_allclose(p.energy[i], energy, rtol=0, atol=1e-8)


@pytest.mark.parametrize("name", ["two-level Otto", "qubit unitary Otto", "Carnot (isotherms)", "Stirling (isotherms)",
                                  "spin-1 Otto"])
def test_first_law_along_the_path(name):
    cycle = CYCLES[name]()
    for p in stroke_paths(cycle.model, points=7):
        np.testing.assert_allclose(p.energy - p.energy[0], p.heat + p.work, rtol=0, atol=1e-12)
        if p.kind in ("Isochore", "Thermalization"):
            assert np.all(p.work == 0.0), p.name  # no work at a fixed control
        if p.kind in ("QuantumAdiabat", "UnitaryStroke"):
            assert np.all(p.heat == 0.0), p.name  # isolated: no heat
            np.testing.assert_allclose(p.energy - p.energy[0], p.work, rtol=0, atol=1e-12)


@attrs.frozen(kw_only=True)
class ContactThenJump(Stroke):
    """A user stroke of two calls: a contact, then ideal following to another control value."""

    control_fields: ClassVar[tuple[str, str]] = ("start", "end")
    reservoir: Reservoir
    start: Any = value_field(None, control=True)
    end: Any = value_field(None, control=True)

    def reservoirs(self):
        return (self.reservoir,)

    def evolution(self, ctx):
        return ctx.relax(ctx["start"], ctx["duration"], [self.reservoir]).then(
            ctx.follow(ctx["start"], ctx["end"], 0.5 * ctx["duration"]))


@attrs.frozen(kw_only=True)
class PopulationSwap(Stroke):
    """A stroke known only by its population map (a swap of two levels)."""

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")
    control: Any = value_field(None, control=True)

    def population_map(self, ctx):
        n = ctx.n_levels
        deviation = np.eye(n)[::-1] - np.eye(n)
        work = ctx.energies(ctx["control"]) @ deviation  # the energy the swap adds (the first law is checked)
        return LinearMap(deviation=deviation, work=work, duration=np.asarray(ctx["duration"], dtype=float))


def test_user_strokes_composite_is_cut_on_one_clock_and_a_population_map_is_not_resolved():
    cold = Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = Reservoir(name="h", temperature=3.0, coupling=1.0)
    cycle = Cycle(substance=NLevel(factors=[0.0, 1.0]), strokes=[
        ContactThenJump(name="a", reservoir=cold, start=1.0, end=2.0, duration=2.0),
        Isochore(name="h", reservoir=hot, control=2.0, duration=1.0),
        PopulationSwap(name="s", control=2.0, duration=0.1),
        QuantumAdiabat(name="b", start=2.0, end=1.0, duration=0.1)])
    paths = stroke_paths(cycle.model, points=7)  # fractions 0, 1/6, ..., 1
    a = paths[0]
    # the contact runs for 2/3 of the stroke's clock (durations 2 and 1): f = 2/3 ends it at control 1
    assert np.all(a.control[:5] == 1.0) and a.control[5] == 1.5 and a.control[6] == 2.0
    np.testing.assert_allclose(a.populations[4], a.populations[6], rtol=0, atol=1e-15)  # following keeps them
    assert a.populations[2][1] != a.populations[4][1]
    records = cycle.performance().strokes
    np.testing.assert_allclose(a.energy[-1], records[0].energy_end, rtol=0, atol=1e-12)
    swap = paths[2]
    assert not swap.resolved and list(swap.fractions) == [0.0, 1.0]
    np.testing.assert_allclose(swap.populations[-1], records[2].populations_end, rtol=0, atol=1e-12)
    assert all(p.resolved for k, p in enumerate(paths) if k != 2)


def test_call_fractions_and_bad_points():
    assert [float(g) for g in call_fractions([2.0, 1.0], 0.5)] == [0.75, 0.0]
    with pytest.raises(ParameterError, match="points must be an integer >= 2"):
        stroke_paths(quantum_otto_refrigerator(**OTTO).model, points=1)


def test_stroke_path_shapes_of_a_family():
    paths = stroke_paths(CYCLES["family"]().model, points=4)
    assert all(isinstance(p, StrokePath) for p in paths)
    assert {p.control.shape for p in paths} == {(4, 3)} and paths[0].populations.shape == (4, 3, 2)
