"""Finite-time isolated evolution under a time-dependent Hamiltonian."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ...core.context import Schedule, StrokeContext
from ...core.linear_map import LinearMap
from ..values import value_field
from . import schedules
from .base import Stroke


@attrs.frozen(kw_only=True)
class UnitaryStroke(Stroke):
    """Isolated evolution ``d rho/dt = -i [H(w(t)), rho]`` while the control moves from ``start`` to
    ``end`` over ``duration`` along ``schedule``: ``w(t) = start + (end - start) s(t / duration)``.

    The work on the substance is ``Tr[H(end) rho_end] - Tr[H(start) rho_start]``. When the
    Hamiltonians do not commute, a fast change excites transitions between instantaneous
    eigenstates (quantum friction); as the stroke slows it approaches a
    :class:`~thermocycles.QuantumAdiabat`. On a commuting substance the two are identical.

    The propagator is computed with a sixth-order Magnus integrator whose step count is doubled
    until the estimated error of the propagator's entries is below 1e-13 (see
    ``thermocycles.backends.density_matrix.unitary``).

    Parameters
    ----------
    name : str
    start, end : float, ndarray, Quantity or Parameter
        Control values at the stroke's ends.
    duration : float, ndarray or Quantity
    schedule : {"linear", "cosine"} or callable
        ``s(t / duration)`` with ``s(0) = 0``, ``s(1) = 1``, values in ``[0, 1]``.

    Examples
    --------
    >>> import thermocycles as tc
    >>> tc.UnitaryStroke(name="ch", start=1.0, end=3.0, duration=0.1).schedule
    'linear'
    """

    control_fields: ClassVar[tuple[str, str]] = ("start", "end")

    start: Any = value_field(None, control=True)
    end: Any = value_field(None, control=True)
    schedule: Schedule = schedules.field()

    def evolution(self, ctx: StrokeContext) -> LinearMap:
        return ctx.drive(ctx["start"], ctx["end"], ctx["duration"], self.schedule)
