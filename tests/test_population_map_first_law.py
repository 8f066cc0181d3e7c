"""The first law of a hand-built population map (``population_map(ctx)``) is checked when the map is
built: ``E_end (I + D) - E_start = sum of heat rows + work row``, and an isolated stroke declares no
heat (thermocycles/backends/populations/first_law.py).

The reference values come from the closed form of a two-level contact (tanh law: relaxation at the
rate 2 gamma towards p_e = 1 / (1 + exp(w / T))) composed with a swap by hand.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest

import thermocycles as tc
from thermocycles.backends.populations.first_law import FIRST_LAW_RTOL

T_C, GAMMA, TAU = 1.0, 1.0, 0.5
cold = tc.Reservoir(name="c", temperature=T_C, coupling=GAMMA)
SWAP = np.array([[-1.0, 1.0], [1.0, -1.0]])  # M - I for M = [[0, 1], [1, 0]]


@attrs.frozen(kw_only=True)
class PopulationSwap(tc.Stroke):
    """The docs' swap (docs/how_to/extending.md, "A stroke"); ``work_error`` adds ``work_error * E``
    to its work row (0: the right row; None: work = 0, the mistake the check is for)."""

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")
    control: Any = tc.value_field(None, control=True)
    work_error: Any = tc.value_field(tc.units.DIMENSIONLESS, "work_error", default=0.0)

    def population_map(self, ctx: tc.StrokeContext) -> tc.LinearMap:
        energies = ctx.energies(ctx["control"])  # level energies, shape (..., 2)
        error = np.asarray(ctx["work_error"])[..., None]
        return tc.LinearMap(deviation=SWAP, work=energies @ SWAP + error * energies,
                            duration=np.asarray(ctx["duration"]))


@attrs.frozen(kw_only=True)
class WorklessSwap(PopulationSwap):
    def population_map(self, ctx: tc.StrokeContext) -> tc.LinearMap:
        return tc.LinearMap(deviation=SWAP, work=np.zeros(2), duration=np.asarray(ctx["duration"]))


@attrs.frozen(kw_only=True)
class HandContact(tc.Stroke):
    """A two-level contact with ``reservoir`` (T_C, GAMMA) built by hand from its closed form; its heat
    row is ``heat_factor x E D`` (1: right) and it may name a reservoir of its own (``heat_from``)."""

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")
    reservoir: tc.Reservoir
    control: Any = tc.value_field(None, control=True)
    heat_factor: float = 1.0
    heat_from: str | None = None
    via_matrix: bool = False  # heat row E M - E (M = I + D) instead of E D: the same up to round-off

    def reservoirs(self) -> tuple[tc.Reservoir, ...]:
        return (self.reservoir,)

    def population_map(self, ctx: tc.StrokeContext) -> tc.LinearMap:
        w, tau = np.asarray(ctx["control"], dtype=float), np.asarray(ctx["duration"], dtype=float)
        excited = 0.5 * (1.0 - np.tanh(w / (2.0 * T_C)))  # 1 / (1 + exp(w / T)), without overflow
        pi = np.stack([1.0 - excited, excited], axis=-1)  # stationary populations, (..., 2)
        decay = (1.0 - np.exp(-2.0 * GAMMA * tau))[..., None, None]
        deviation = decay * (pi[..., :, None] * np.ones(2) - np.eye(2))  # P - I = (1 - r)(pi 1^T - I)
        energies = ctx.energies(ctx["control"])
        heat = self.heat_factor * (energies[..., None, :] @ deviation)[..., 0, :]
        if self.via_matrix:
            heat = (energies[..., None, :] @ (np.eye(2) + deviation))[..., 0, :] - energies
        return tc.LinearMap(deviation=deviation, heat={self.heat_from or self.reservoir.name: heat},
                            work=np.zeros(np.shape(heat)), duration=tau[()])


def swap_cycle(swap: tc.Stroke, contact: tc.Stroke | None = None) -> tc.Cycle:
    w_a = tc.Parameter("w_a", 1.0)
    contact = contact or tc.Isochore(name="c", reservoir=cold, control=w_a, duration=TAU)
    return tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[contact, attrs.evolve(swap, control=w_a)])


def closed_form(w: Any, tau: float = TAU) -> tuple[np.ndarray, np.ndarray]:
    """Heat from the cold bath and work of the swap per cycle: excited population p_s at the start of
    the contact, a = p_eq + (p_s - p_eq) r after it, 1 - a = p_s after the swap (levels w, 2w)."""
    w = np.asarray(w, dtype=float)
    p_eq, r = 1.0 / (1.0 + np.exp(w / T_C)), math.exp(-2.0 * GAMMA * tau)
    p_s = (1.0 - p_eq * (1.0 - r)) / (1.0 + r)
    a = p_eq + (p_s - p_eq) * r
    return w * (a - p_s), w * ((1.0 - a) - a)


def assert_ledger_first_law(perf: Any) -> None:
    for record in perf.strokes:
        change = np.asarray(record.energy_end) - np.asarray(record.energy_start)
        np.testing.assert_allclose(sum(record.heat.values(), 0.0) + record.work, change, rtol=0, atol=1e-12)


def test_docs_swap_with_its_work_row_passes_and_matches_the_closed_form():
    perf = swap_cycle(PopulationSwap(name="swap", control=1.0, duration=0.0)).performance()
    heat, work = closed_form(1.0)
    assert perf.backend == "populations" and heat < 0
    assert perf.heat["c"] == pytest.approx(heat, rel=1e-12) and perf.work == pytest.approx(work, rel=1e-12)
    assert perf.strokes[1].heat == {} and perf.strokes[1].work == pytest.approx(work, rel=1e-12)
    assert_ledger_first_law(perf)


def test_swap_with_zero_work_is_refused_naming_the_stroke_and_the_fix():
    with pytest.raises(tc.CycleError) as info:
        swap_cycle(WorklessSwap(name="swap", control=1.0, duration=0.0)).performance()
    message = str(info.value)
    # energies (1, 2): E (I + D) - E = E D = (1, -1), declared 0; magnitude of the terms of level 0:
    # |E_0| + (|E| |D|)_0 + |E_0| = 1 + 3 + 1 (of level 1: 7)
    assert message.startswith("WorklessSwap 'swap': its population_map breaks the first law: "
                              "E_end (I + D) - E_start (the change of the mean energy) must equal the sum of its "
                              "heat rows and its work row, but differs by 1 for a start in level 0 (0.2 of the "
                              "magnitude 5 of its terms).")
    assert "It touches no reservoir, so declare work = E_end (I + D) - E_start" in message
    assert "ctx.energies(...) at its start and end control ('control', 'control')" in message


def test_hand_built_contact_with_the_right_heat_row_matches_the_isochore():
    swap = PopulationSwap(name="swap", control=1.0, duration=0.0)
    hand = swap_cycle(swap, HandContact(name="c", reservoir=cold, control=tc.Parameter("w_a", 1.0), duration=TAU))
    perf, reference = hand.performance(), swap_cycle(swap).performance()
    assert perf.heat["c"] == pytest.approx(reference.heat["c"], rel=1e-12)
    assert perf.heat["c"] == pytest.approx(closed_form(1.0)[0], rel=1e-12)
    assert_ledger_first_law(perf)


@pytest.mark.parametrize("factor", [0.0, 0.5, -1.0])
def test_contact_with_a_wrong_heat_row_is_refused(factor):
    contact = HandContact(name="c", reservoir=cold, control=tc.Parameter("w_a", 1.0), duration=TAU,
                          heat_factor=factor)
    with pytest.raises(tc.CycleError, match=r"^HandContact 'c': its population_map breaks the first law: .*"
                                            r"Check its heat rows and declare work = E_end \(I \+ D\) - E_start "
                                            r"- \(the heat rows\)"):
        swap_cycle(PopulationSwap(name="swap", control=1.0, duration=0.0), contact).performance()


def test_heat_from_a_reservoir_the_stroke_does_not_touch_is_refused():
    @attrs.frozen(kw_only=True)
    class HeatedSwap(PopulationSwap):
        def population_map(self, ctx: tc.StrokeContext) -> tc.LinearMap:
            m = super().population_map(ctx)
            return attrs.evolve(m, heat={"c": np.zeros(2)})  # even a zero row: it touches no reservoir

    with pytest.raises(tc.CycleError, match=r"^HeatedSwap 'swap': its population_map declares heat from reservoir "
                                            r"'c', which is not touched: its reservoirs\(\) lists none"):
        swap_cycle(HeatedSwap(name="swap", control=1.0, duration=0.0)).performance()
    contact = HandContact(name="c", reservoir=cold, control=tc.Parameter("w_a", 1.0), duration=TAU, heat_from="h")
    with pytest.raises(tc.CycleError, match=r"declares heat from reservoir 'h', which is not among the reservoirs "
                                            r"its reservoirs\(\) lists \('c'\)"):
        swap_cycle(PopulationSwap(name="swap", control=1.0, duration=0.0), contact).performance()


def test_heat_row_of_the_wrong_shape_is_refused():
    @attrs.frozen(kw_only=True)
    class ShortRow(HandContact):
        def population_map(self, ctx: tc.StrokeContext) -> tc.LinearMap:
            m = super().population_map(ctx)
            return attrs.evolve(m, heat={"c": np.zeros(3)})

    contact = ShortRow(name="c", reservoir=cold, control=tc.Parameter("w_a", 1.0), duration=TAU)
    with pytest.raises(tc.CycleError, match=r"ShortRow 'c': its population_map declares a heat row for 'c' of "
                                            r"shape \(3,\); its last axis must hold the 2 level populations"):
        swap_cycle(PopulationSwap(name="swap", control=1.0, duration=0.0), contact).performance()


def test_array_valued_parameters():
    w = np.linspace(0.25, 4.0, 7)
    swap = PopulationSwap(name="swap", control=1.0, duration=0.0)
    contact = HandContact(name="c", reservoir=cold, control=tc.Parameter("w_a", 1.0), duration=TAU)
    for cycle in (swap_cycle(swap), swap_cycle(swap, contact)):
        perf = cycle.with_parameters(w_a=w).performance()
        heat, work = closed_form(w)
        np.testing.assert_allclose(perf.heat["c"], heat, rtol=1e-12)
        np.testing.assert_allclose(perf.work, work, rtol=1e-12)
        assert_ledger_first_law(perf)
    # a batched deviation (durations) against batched energies
    taus = np.array([[0.1], [1.0]])
    perf = swap_cycle(swap, contact).with_parameters(w_a=w, tau_c=taus).performance()
    for row, tau in enumerate(taus[:, 0]):
        np.testing.assert_allclose(perf.heat["c"][row], closed_form(w, tau)[0], rtol=1e-12)
    # wrong at one point of the array only: refused, naming that point
    errors = np.zeros(7)
    errors[4] = 1e-6
    with pytest.raises(tc.CycleError, match=r"PopulationSwap 'swap': its population_map breaks the first law: .*"
                                            r"at parameter index \(4,\) of \(7,\)"):
        swap_cycle(swap).with_parameters(w_a=w, work_error_swap=errors).performance()


@pytest.mark.parametrize("error", [1e-13, -1e-13, 0.1 * FIRST_LAW_RTOL])
def test_round_off_does_not_raise(error):
    swap = PopulationSwap(name="swap", control=1.0, duration=0.0, work_error=error)
    perf = swap_cycle(swap).with_parameters(w_a=np.array([1e-3, 1.0, 1e3])).performance()
    assert np.all(np.isfinite(perf.work))


def test_a_heat_row_with_the_round_off_of_another_formula_passes():
    contact = HandContact(name="c", reservoir=cold, control=tc.Parameter("w_a", 1.0), duration=TAU, via_matrix=True)
    w = np.geomspace(1e-3, 1e3, 13)
    perf = swap_cycle(PopulationSwap(name="swap", control=1.0, duration=0.0), contact).with_parameters(
        w_a=w, tau_c=np.array([[1e-9], [1e-3], [1.0], [50.0]])).performance()
    assert np.all(np.isfinite(perf.heat["c"]))


def test_a_violation_just_beyond_the_tolerance_raises():
    swap = PopulationSwap(name="swap", control=1.0, duration=0.0, work_error=10 * FIRST_LAW_RTOL)
    with pytest.raises(tc.CycleError, match="breaks the first law"):
        swap_cycle(swap).performance()


def test_a_map_of_the_wrong_shape_still_gets_the_shape_error():
    @attrs.frozen(kw_only=True)
    class Wrong(PopulationSwap):
        def population_map(self, ctx: tc.StrokeContext) -> tc.LinearMap:
            return tc.LinearMap(deviation=np.zeros((3, 3)), work=np.zeros(3), duration=np.asarray(0.0))

    with pytest.raises(tc.CycleError, match=r"Wrong 'swap' must return a LinearMap acting on the populations state "
                                            r"vector of dimension 2"):
        swap_cycle(Wrong(name="swap", control=1.0, duration=0.0)).performance()
