"""Full thermalisation at a fixed control value: the infinite-time limit of an isochore."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import numpy as np

from ...core.context import StrokeContext
from ...core.linear_map import LinearMap, dot
from ...errors import CycleError
from ..reservoirs import Reservoir
from ..values import value_field
from .base import Stroke, is_reservoir

#: how far the trace of the contact's stationary state may be from 1 before the stroke refuses to
#: trust the backend's coordinates (a check that the first N coordinates are the diagonal of rho)
TRACE_TOLERANCE = 1e-9


@attrs.frozen(kw_only=True)
class Thermalization(Stroke):
    """Contact with a reservoir at a fixed control value that runs to completion: whatever the state
    at the start, the state at the end is the Gibbs state of ``H(control)`` at the reservoir's
    temperature, populations and coherences alike (``rho -> exp(-H/T) / Z``).

    This is the infinite-time limit of an :class:`~thermocycles.Isochore` (a "fully thermalising
    isochore", the heat strokes of the quasi-static Otto cycle and of NMR heat engines). Its map is
    the rank-one projector ``x -> g Tr(x)`` onto the Gibbs state ``g``, built exactly (no long
    contact is integrated, so it stays exact at any ``beta w``, e.g. 700, and needs no coupling
    rate). The heat absorbed is the energy change ``Tr[H (g - rho_start)]``; no work is done.
    ``duration`` only adds to the cycle time (it may be 0) and is never used as a contact time.
    The reservoir's coupling plays no part. For a reservoir with a deliberately non-thermal law
    (``BathLaw(..., detailed_balance=False)``) the target is the stationary state of its contact.

    Works on both backends through the stroke contract: on the populations backend it replaces the
    populations by Gibbs populations; on the density-matrix backend it also removes every coherence.

    Parameters
    ----------
    name : str
        Stroke name (its duration parameter is ``tau_<name>``).
    reservoir : Reservoir
        The reservoir whose temperature sets the final state.
    control : float, ndarray, Quantity or Parameter
        The control value (e.g. the frequency w) held during the stroke.
    duration : float, ndarray or Quantity
        Time the stroke adds to the cycle (>= 0; not a contact time).

    Examples
    --------
    A quasi-static two-level Otto engine: the efficiency is ``1 - w_c / w_h`` exactly.

    >>> import thermocycles as tc
    >>> from thermocycles.spec.strokes.thermalization import Thermalization
    >>> cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    >>> hot = tc.Reservoir(name="h", temperature=4.0, coupling=1.0)
    >>> engine = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
    ...     Thermalization(name="c", reservoir=cold, control=1.0, duration=0.0),
    ...     tc.QuantumAdiabat(name="ch", start=1.0, end=2.0, duration=0.0),
    ...     Thermalization(name="h", reservoir=hot, control=2.0, duration=0.0),
    ...     tc.QuantumAdiabat(name="hc", start=2.0, end=1.0, duration=0.0)])
    >>> perf = engine.performance()
    >>> str(perf.mode), round(float(perf.efficiency), 12)
    ('engine', 0.5)
    """

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")

    reservoir: Reservoir = attrs.field(kw_only=True, validator=is_reservoir)
    control: Any = value_field(None, control=True)

    def reservoirs(self) -> tuple[Reservoir, ...]:
        return (self.reservoir,)

    def evolution(self, ctx: StrokeContext) -> LinearMap:
        # A contact of zero duration costs little and gives, in the backend's own coordinates, the
        # contact's stationary state (the Gibbs state, labelled for the periodic solve's stable
        # differences) and the row of the energy. The projector is built from them.
        contact = ctx.relax(ctx["control"], 0.0, [self.reservoir])
        if contact.fixed is None or contact.energy is None:
            raise CycleError(f"{type(self).__name__} {self.name!r}: the {ctx.backend} backend's contact gives no "
                             f"stationary state or energy row, which a full thermalisation needs")
        target = np.asarray(contact.fixed.vector, dtype=float)
        energy = np.asarray(contact.energy, dtype=float)
        deviation, heat = projector(target, energy, ctx.n_levels, f"{type(self).__name__} {self.name!r}")
        return LinearMap(deviation=deviation, heat={self.reservoir.name: heat}, work=np.zeros(target.shape),
                         duration=np.asarray(ctx["duration"], dtype=float)[()], fixed=contact.fixed,
                         energy=energy)


def projector(target: np.ndarray, energy: np.ndarray, n_levels: int, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Deviation ``g t^T - I`` of the map ``x -> g (t . x)`` and its heat row ``e . (g t^T - I)``.

    ``t`` is the row of the trace: in both backends' coordinates the first N entries of the state
    vector are the diagonal of the density matrix (all of it on the populations backend), so
    ``t = (1, ..., 1, 0, ..., 0)``. The diagonal entries of the population block are formed as minus
    the other populations of ``g`` (no ``g_j - 1`` cancellation for a nearly pure ``g``).

    Parameters
    ----------
    target : ndarray, shape (..., n)
        The state ``g`` (unit trace).
    energy : ndarray, shape (..., n)
        The row ``e`` of the energy (up to a constant times ``t``).
    n_levels : int
        N.
    where : str
        The stroke, for messages.

    Examples
    --------
    >>> deviation, heat = projector(np.array([0.75, 0.25]), np.array([0.0, 1.0]), 2, "here")
    >>> deviation + np.eye(2)
    array([[0.75, 0.75],
           [0.25, 0.25]])
    >>> heat  # heat into the substance from each basis state: 0.25 - (0, 1)
    array([ 0.25, -0.75])
    """
    n = target.shape[-1]
    if n not in (n_levels, n_levels * n_levels):
        raise CycleError(f"{where}: a state vector of dimension {n} is neither the N = {n_levels} populations nor "
                         f"the N^2 = {n_levels * n_levels} coordinates of a density matrix")
    trace = np.zeros(n)
    trace[:n_levels] = 1.0
    traces = target[..., :n_levels].sum(axis=-1)
    if not (np.isfinite(target).all() and np.all(np.abs(traces - 1.0) <= TRACE_TOLERANCE)):
        raise CycleError(f"{where}: the contact's stationary state does not have unit trace in the first N = "
                         f"{n_levels} coordinates (trace {np.asarray(traces).ravel()[:3]}): the backend's state "
                         f"vector does not start with the diagonal of the density matrix")
    deviation = target[..., :, None] * trace - np.eye(n)
    populations = target[..., :n_levels]
    others = (populations[..., None, :] * (1.0 - np.eye(n_levels))).sum(axis=-1)  # [j]: sum over i != j
    index = np.arange(n_levels)
    deviation[..., index, index] = -others
    heat = dot(energy, target)[..., None] * trace - energy
    return deviation, heat


__all__ = ["Thermalization", "projector"]
