"""The stroke contract: a stroke is data plus a description of its physics.

A stroke is a frozen attrs class deriving from :class:`Stroke`. It declares its numeric fields with
:func:`thermocycles.value_field` (control values with ``control=True``), names the fields holding the
control value at its start and end in ``control_fields``, lists the reservoirs it touches, and
implements one of:

* :meth:`Stroke.evolution` -- the physics, described through the backend's
  :class:`~thermocycles.core.context.StrokeContext` (``ctx.relax``, ``ctx.follow``, ``ctx.drive``,
  composed with ``LinearMap.then``). Such a stroke works with every backend.
* :meth:`Stroke.population_map` -- a :class:`~thermocycles.core.linear_map.LinearMap` on the level
  populations built by hand. Such a stroke only works with the populations backend, i.e. with
  substances whose Hamiltonians commute; with any other it is refused with an error that says so.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ...core.context import StrokeContext
from ...core.linear_map import LinearMap
from ...errors import ParameterError, brief
from ...units import TIME
from ..reservoirs import Reservoir
from ..values import NONNEGATIVE, Component, check_identifier, value_field


def is_reservoir(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    """attrs validator: the field holds a Reservoir."""
    if not isinstance(value, Reservoir):
        raise ParameterError(f"{type(instance).__name__}.{attribute.name} must be a Reservoir; got {brief(value)}")


@attrs.frozen(kw_only=True)
class Stroke(Component):
    """Base class of strokes.

    Attributes
    ----------
    name : str
        Identifier of the stroke; names its parameters (``tau_<name>`` for the duration).
    duration : float, ndarray or Quantity
        Duration of the stroke (>= 0).
    control_fields : tuple of (str, str)
        Names of the fields holding the control value at the stroke's start and end.
    """

    control_fields: ClassVar[tuple[str, str]]

    name: str = attrs.field(validator=check_identifier)
    duration: Any = value_field(TIME, "tau", constraint=NONNEGATIVE)

    def reservoirs(self) -> tuple[Reservoir, ...]:
        """The reservoirs this stroke exchanges heat with."""
        return ()

    def evolution(self, ctx: StrokeContext) -> LinearMap:
        """The stroke's physics, described through the context (works with every backend)."""
        raise NotImplementedError(f"{type(self).__name__} must implement evolution(ctx)")

    def population_map(self, ctx: StrokeContext) -> LinearMap:
        """The stroke's map on the level populations, built by hand (populations backend only)."""
        raise NotImplementedError(f"{type(self).__name__} must implement population_map(ctx)")

    @classmethod
    def describes_evolution(cls) -> bool:
        """True if the class implements :meth:`evolution` (and so serves every backend)."""
        return cls.evolution is not Stroke.evolution

    @classmethod
    def has_population_map(cls) -> bool:
        """True if the class implements :meth:`population_map`."""
        return cls.population_map is not Stroke.population_map
