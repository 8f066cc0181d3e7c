"""The populations backend: the state is the vector of level populations.

Exact when the substance's Hamiltonians commute at all control values (a fixed eigenbasis): the
dynamics then never creates coherence, contacts obey the Pauli master equation with the
reservoirs' rates, and every isolated change of the control (ideal or finite-time) leaves the
populations unchanged and does the work ``sum_i p_i [E_i(end) - E_i(start)]``.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ...core.context import Schedule, StrokeContext
from ...core.linear_map import LinearMap, Reference, ThermalLabel, row_times
from ...core.stable import gibbs, gibbs_difference
from ...spec.strokes import schedules
from ..base import Backend, BackendContext, Corner, SubstanceView, expand, label
from ..ramp import time_ordered
from ..rates import contacts, pauli_rates, weighted_rates
from . import kernels
from .first_law import check_first_law


class PopulationContext(BackendContext):
    """Stroke context of the populations backend (natural units, batched)."""

    backend = "populations"

    # -- helpers for hand-built population maps (population_map strokes) -----------------------
    def energies(self, control: Any) -> np.ndarray:
        """The substance's level energies at a control value, shape ``(..., N)``."""
        return self._view.eigensystem(control)[0]

    def rate_matrix(self, reservoir: Any, energies: np.ndarray, control: Any = None) -> np.ndarray:
        """The Pauli rate matrix of ``reservoir`` at ``energies`` (with the substance's coupling
        operator at ``control``, if given)."""
        strengths = None if control is None else self._strengths(control)
        return pauli_rates(reservoir, energies, strengths, self._reservoir_values[reservoir.name], self._where)

    def _strengths(self, control: Any) -> np.ndarray | None:
        coupling = self._view.coupling(control)
        return None if coupling is None else np.abs(coupling) ** 2

    # -- the stroke contract --------------------------------------------------------------------
    def relax(self, control: Any, duration: Any, reservoirs: Sequence[Any]) -> LinearMap:
        pairs = contacts(reservoirs, self._where)
        eps = self.energies(control)
        rates = weighted_rates(pairs, eps, self._strengths(control), self._reservoir_values, self._where)
        deviation, heat, integral = kernels.relaxation(eps, rates, duration)
        pi, label, flows = stationary(eps, pairs, rates, duration, self._reservoir_values)
        return LinearMap(deviation=deviation, heat=heat, work=np.zeros(deviation.shape[:-1]),
                         duration=np.asarray(duration, dtype=float)[()], fixed=Reference(pi, label),
                         fixed_heat=flows, energy=eps - eps[..., :1])

    def follow(self, start: Any, end: Any, duration: Any) -> LinearMap:
        work = self.energies(end) - self.energies(start)
        return LinearMap(deviation=np.zeros(work.shape + (work.shape[-1],)), work=work,
                         duration=np.asarray(duration, dtype=float)[()], transport=_same)

    def drive(self, start: Any, end: Any, duration: Any, schedule: Schedule = "linear") -> LinearMap:
        # the Hamiltonians commute (or this backend would have refused): populations are frozen
        return self.follow(start, end, duration)

    def ramp(self, start: Any, end: Any, duration: Any, reservoirs: Sequence[Any],
             schedule: Schedule = "linear") -> LinearMap:
        pairs = contacts(reservoirs, self._where)
        node_pairs = [(r, None if w is None else np.asarray(w, dtype=float)[..., None, None]) for r, w in pairs]
        substance, values = self._view.substance, expand(self._view.values, 2)
        reservoir_values = {name: expand(v, 2) for name, v in self._reservoir_values.items()}
        where = self._where

        def generators(w: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
            eps = np.asarray(substance.eigensystem(w, values)[0], dtype=float)
            coupling = substance.coupling_in_eigenbasis(w, values)
            strengths = None if coupling is None else np.abs(coupling) ** 2
            rates = weighted_rates(node_pairs, eps, strengths, reservoir_values, where)
            return (kernels.generator_from_rates(kernels.total_rates(rates)),
                    {name: kernels.energy_change_row(eps, r) for name, r in rates.items()})

        e_start, e_end = self.energies(start), self.energies(end)
        energy_scale = np.maximum(*(e.max(axis=-1) - e.min(axis=-1) for e in (e_start, e_end)))
        deviation, heat = time_ordered(generators, start, end, duration, schedules.resolve(schedule), self.n_levels,
                                       tuple(r.name for r, _ in pairs), energy_scale=energy_scale,
                                       where=where, stochastic=True)
        work = e_end - e_start + row_times(e_end, deviation) - sum(heat.values())
        return LinearMap(deviation=deviation, heat=heat, work=work, duration=np.asarray(duration, dtype=float)[()])


def stationary(eps: np.ndarray, pairs: Sequence[tuple[Any, Any]], rates: Mapping[str, np.ndarray],
               duration: Any, reservoir_values: Mapping[str, Mapping[str, Any]],
               ) -> tuple[np.ndarray, ThermalLabel | None, dict[str, np.ndarray] | None]:
    """Stationary populations of a contact, its Gibbs label (one thermal reservoir) and the heat
    that flows from each reservoir per stroke when it starts there (several reservoirs)."""
    if len(pairs) == 1 and _thermal(pairs[0][0]):
        temperature = np.asarray(reservoir_values[pairs[0][0].name]["temperature"], dtype=float)
        return gibbs(eps, temperature), ThermalLabel(eps, temperature), None
    pi = kernels.stationary_state(kernels.total_rates(rates))
    if len(pairs) == 1:
        return pi, None, None
    tau = np.asarray(duration, dtype=float)
    return pi, None, {name: tau * (kernels.energy_change_row(eps, r) * pi).sum(axis=-1)
                      for name, r in rates.items()}


def _same(reference: Reference) -> Reference:
    return reference


def _thermal(reservoir: Any) -> bool:
    """Whether a reservoir's stationary state is the Gibbs state (detailed balance is checked)."""
    if reservoir.overrides_rate_matrix:
        return bool(type(reservoir).detailed_balance)
    return reservoir.law.detailed_balance


class PopulationBackend(Backend):
    """Level populations; exact for substances whose Hamiltonians commute."""

    name = "populations"

    def refusal(self, model: Any, values: Mapping[str, Any]) -> str | None:
        commutes = np.asarray(model.substance.commutes(model.substance_values(values)))
        if not commutes.all():
            return (f"{type(model.substance).__name__} does not commute at different control values "
                    f"(for example a transverse field), so coherences matter: use the density-matrix backend")
        return None

    def dimension(self, n_levels: int) -> int:
        return n_levels

    def context(self, model: Any, values: Mapping[str, Any], k: int, view: SubstanceView) -> PopulationContext:
        return PopulationContext(model.stroke_values(values, k), view, model.reservoir_values(values),
                                 label(model.strokes[k]))

    def stroke_map(self, stroke: Any, ctx: StrokeContext) -> LinearMap:
        if stroke.describes_evolution():  # built from relax/follow/drive/ramp: first law by construction
            return stroke.evolution(ctx)
        m = stroke.population_map(ctx)
        check_first_law(stroke, ctx, m)  # hand-built: its heat and work rows are checked (see first_law)
        return m

    def gap(self, a: Reference, b: Reference) -> np.ndarray:
        la, lb = a.label, b.label
        if la is None or lb is None or la.basis is not None or lb.basis is not None:
            return a.vector - b.vector
        valid = _valid(la, lb)
        if valid is None:  # the vectors are the labels' Gibbs states
            return gibbs_difference(la.energies, la.temperature, lb.energies, lb.temperature, (a.vector, b.vector))
        stable = gibbs_difference(la.energies, la.temperature, lb.energies, lb.temperature)
        return np.where(valid[..., None], stable, a.vector - b.vector)

    def stable_gap(self, a: Reference, b: Reference) -> bool:
        la, lb = a.label, b.label
        if la is None or lb is None or la.basis is not None or lb.basis is not None:
            return False
        valid = _valid(la, lb)
        return valid is None or bool(np.all(valid))

    def solve(self, deviations: Sequence[np.ndarray], rhs: np.ndarray) -> np.ndarray:
        return kernels.gth_solve(kernels.stochastic_product(list(deviations)), rhs)

    def start_reference(self, maps: Sequence[LinearMap]) -> Reference:
        n = maps[0].dimension
        return Reference(np.full(n, 1.0 / n))

    def corner(self, model: Any, values: Mapping[str, Any], vector: np.ndarray, control: Any) -> Corner:
        populations = np.clip(vector, 0.0, 1.0)  # rounding must not step outside [0, 1]
        _, basis = model.substance.eigensystem(control, model.substance_values(values))
        n = populations.shape[-1]
        diagonal = populations[..., None, :] * np.eye(n)
        state = diagonal if basis is None else basis @ diagonal @ np.conj(np.swapaxes(basis, -1, -2))
        return Corner(populations, np.asarray(state, dtype=complex), np.zeros(populations.shape[:-1])[()])


def _valid(a: ThermalLabel, b: ThermalLabel) -> np.ndarray | None:
    if a.valid is None:
        return b.valid
    if b.valid is None:
        return a.valid
    return a.valid & b.valid
