"""Contact with a reservoir at a fixed control value."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ...core.context import StrokeContext
from ...core.linear_map import LinearMap
from ..reservoirs import Reservoir
from ..values import value_field
from .base import Stroke, is_reservoir


@attrs.frozen(kw_only=True)
class Isochore(Stroke):
    """Contact with a reservoir at a fixed control value (fixed Hamiltonian): heat, no work.

    On the populations backend the level populations obey the Pauli master equation with the
    reservoir's rates; on the density-matrix backend the state obeys the GKSL equation with the
    Davies dissipator in the eigenbasis of ``H(control)``, which also damps coherences
    (docs/explanation/physics.md, section 8).

    Parameters
    ----------
    name : str
        Stroke name (its duration parameter is ``tau_<name>``).
    reservoir : Reservoir
        The reservoir in contact.
    control : float, ndarray, Quantity or Parameter
        The control value (e.g. the frequency w) held during the stroke.
    duration : float, ndarray or Quantity
        Contact time.

    Examples
    --------
    >>> import thermocycles as tc
    >>> hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    >>> tc.Isochore(name="h", reservoir=hot, control=3.0, duration=0.5).reservoirs()[0].name
    'h'
    """

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")

    reservoir: Reservoir = attrs.field(kw_only=True, validator=is_reservoir)
    control: Any = value_field(None, control=True)

    def reservoirs(self) -> tuple[Reservoir, ...]:
        return (self.reservoir,)

    def evolution(self, ctx: StrokeContext) -> LinearMap:
        return ctx.relax(ctx["control"], ctx["duration"], [self.reservoir])
