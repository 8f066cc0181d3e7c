"""Strokes: the pieces a cycle is made of.

A stroke is a frozen attrs class deriving from :class:`Stroke`. It declares its numeric fields with
:func:`thermocycles.values.value_field` (control values with ``control=True``), names the fields
holding the control value at its start and end in ``control_fields``, lists the reservoirs it
touches, and implements :meth:`Stroke.linear_map`, which returns a
:class:`~thermocycles.dynamics.StrokeMap` computed from natural-unit floats supplied by a
:class:`StrokeContext`. The cycle, the periodic-state solver and the plugins need nothing more.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import attrs
import numpy as np

from .dynamics import StrokeMap, frozen_populations_map, relaxation_map
from .errors import ParameterError
from .reservoirs import Reservoir
from .units import TIME
from .values import NONNEGATIVE, Component, _check_identifier, value_field


class StrokeContext:
    """Natural-unit view of the cycle that a stroke uses to compute its map.

    Built by the cycle's compiled model for each evaluation; strokes do not build it.
    """

    __slots__ = ("_own", "_substance", "_substance_values", "_reservoir_values")

    def __init__(self, own: Mapping[str, Any], substance: Any, substance_values: Mapping[str, Any],
                 reservoir_values: Mapping[str, Mapping[str, Any]]):
        self._own = own
        self._substance = substance
        self._substance_values = substance_values
        self._reservoir_values = reservoir_values

    def __getitem__(self, field: str) -> np.ndarray:
        """This stroke's field ``field`` in natural units."""
        return self._own[field]

    def energies(self, control: np.ndarray) -> np.ndarray:
        """The substance's level energies at a control value, shape ``(..., N)``."""
        return self._substance.energies(control, self._substance_values)

    def rate_matrix(self, reservoir: Reservoir, energies: np.ndarray) -> np.ndarray:
        """The rate matrix of ``reservoir`` at ``energies``, with its natural-unit parameters."""
        return reservoir.rate_matrix(energies, self._reservoir_values[reservoir.name])


def _is_reservoir(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, Reservoir):
        raise ParameterError(
            f"{type(instance).__name__}.{attribute.name} must be a Reservoir; got {value!r}"
        )


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

    name: str = attrs.field(validator=_check_identifier)
    duration: Any = value_field(TIME, "tau", constraint=NONNEGATIVE)

    def reservoirs(self) -> tuple[Reservoir, ...]:
        """The reservoirs this stroke exchanges heat with."""
        return ()

    def linear_map(self, ctx: StrokeContext) -> StrokeMap:
        """The stroke's action on the populations and its heat and work, as linear maps."""
        raise NotImplementedError(f"{type(self).__name__} must implement linear_map(ctx)")


@attrs.frozen(kw_only=True)
class Isochore(Stroke):
    """Contact with a reservoir at a fixed control value (fixed level energies): heat, no work.

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

    reservoir: Reservoir = attrs.field(kw_only=True, validator=_is_reservoir)
    control: Any = value_field(None, control=True)

    def reservoirs(self) -> tuple[Reservoir, ...]:
        return (self.reservoir,)

    def linear_map(self, ctx: StrokeContext) -> StrokeMap:
        eps = ctx.energies(ctx["control"])
        rates = {self.reservoir.name: ctx.rate_matrix(self.reservoir, eps)}
        return relaxation_map(eps, rates, ctx["duration"])


@attrs.frozen(kw_only=True)
class QuantumAdiabat(Stroke):
    """Isolated change of the control value from ``start`` to ``end``; populations are frozen.

    The Hamiltonian is diagonal in a fixed basis, so the populations do not change however fast the
    change is (no quantum friction); the work on the substance is ``sum_i p_i [eps_i(end) -
    eps_i(start)]`` and no heat is exchanged. ``duration`` only adds to the cycle time.

    Examples
    --------
    >>> import thermocycles as tc
    >>> tc.QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.1).control_fields
    ('start', 'end')
    """

    control_fields: ClassVar[tuple[str, str]] = ("start", "end")

    start: Any = value_field(None, control=True)
    end: Any = value_field(None, control=True)

    def linear_map(self, ctx: StrokeContext) -> StrokeMap:
        work = ctx.energies(ctx["end"]) - ctx.energies(ctx["start"])
        return frozen_populations_map(work, ctx["duration"])
