"""Ideal adiabatic following: the quantum adiabatic theorem as a stroke."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ...core.context import StrokeContext
from ...core.linear_map import LinearMap
from ..values import value_field
from .base import Stroke


@attrs.frozen(kw_only=True)
class QuantumAdiabat(Stroke):
    """Isolated change of the control from ``start`` to ``end`` with ideal adiabatic following.

    The populations of the instantaneous eigenstates are carried over from ``H(start)`` to
    ``H(end)`` (the quantum adiabatic theorem); coherences between eigenstates are not (their phases
    depend on details an ideal adiabat does not model). The work on the substance is
    ``sum_i p_i [E_i(end) - E_i(start)]`` and no heat is exchanged; ``duration`` only adds to the
    cycle time. For a substance whose Hamiltonians commute (the paper's two-level system) this is
    exact however fast the change is; otherwise a finite-time change is a
    :class:`~thermocycles.UnitaryStroke`.

    Examples
    --------
    >>> import thermocycles as tc
    >>> tc.QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.1).control_fields
    ('start', 'end')
    """

    control_fields: ClassVar[tuple[str, str]] = ("start", "end")

    start: Any = value_field(None, control=True)
    end: Any = value_field(None, control=True)

    def evolution(self, ctx: StrokeContext) -> LinearMap:
        return ctx.follow(ctx["start"], ctx["end"], ctx["duration"])
