"""Contact with a reservoir while the control ramps: the finite-time isotherm."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ...core.context import Schedule, StrokeContext
from ...core.linear_map import LinearMap
from ..reservoirs import Reservoir
from ..values import value_field
from . import schedules
from .base import Stroke, is_reservoir


@attrs.frozen(kw_only=True)
class Isotherm(Stroke):
    """Contact with a reservoir while the control moves from ``start`` to ``end`` over ``duration``
    along ``schedule``: ``w(t) = start + (end - start) s(t / duration)``.

    The state obeys the master equation of an :class:`~thermocycles.Isochore` with the rates (and, on
    the density-matrix backend, the Hamiltonian and the Davies dissipator) of ``w(t)`` at every
    instant. Heat into the substance is ``int Tr[H(t) d rho]`` from the dissipator, work on it
    ``int Tr[(dH/dt) rho] dt``; their sum is the change of energy (first law). A slow isotherm
    approaches the quasi-static one, where the work is the change of free energy and the excess
    vanishes as ``Sigma / duration`` (the low-dissipation regime); a zero duration is a sudden quench.

    The map is the time-ordered exponential of the generator, computed with a sixth-order Magnus
    integrator whose step count is raised until the map's entries and heat rows are accurate to 1e-11
    (see ``thermocycles.backends.ramp``).

    Parameters
    ----------
    name : str
        Stroke name (its duration parameter is ``tau_<name>``).
    reservoir : Reservoir
        The reservoir in contact.
    start, end : float, ndarray, Quantity or Parameter
        Control values at the stroke's ends.
    duration : float, ndarray or Quantity
    schedule : {"linear", "cosine"} or callable
        ``s(t / duration)`` with ``s(0) = 0``, ``s(1) = 1``, values in ``[0, 1]``.

    Examples
    --------
    >>> import thermocycles as tc
    >>> hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    >>> stroke = tc.Isotherm(name="h", reservoir=hot, start=3.0, end=1.0, duration=5.0)
    >>> stroke.control_fields, stroke.schedule
    (('start', 'end'), 'linear')
    """

    control_fields: ClassVar[tuple[str, str]] = ("start", "end")

    reservoir: Reservoir = attrs.field(kw_only=True, validator=is_reservoir)
    start: Any = value_field(None, control=True)
    end: Any = value_field(None, control=True)
    schedule: Schedule = schedules.field()

    def reservoirs(self) -> tuple[Reservoir, ...]:
        return (self.reservoir,)

    def evolution(self, ctx: StrokeContext) -> LinearMap:
        return ctx.ramp(ctx["start"], ctx["end"], ctx["duration"], [self.reservoir], self.schedule)
