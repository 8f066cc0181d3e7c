"""Everything a plugin author needs, in one place (see ``docs/how_to/extending.md`` for worked examples).

Substances
    Derive from :class:`Substance` and implement ``energies(control, values)`` (a substance
    diagonal in a fixed basis), or from :class:`HamiltonianSubstance` and implement
    ``hamiltonian(control, values)`` and ``commutes(values)`` (optionally ``coupling_operator`` and
    ``fixed_basis``). Numeric fields declared with :func:`value_field` become named parameters.

Strokes
    Derive from :class:`Stroke`, set ``control_fields`` and implement ``evolution(ctx)``, describing
    the physics through the :class:`StrokeContext` (``ctx.relax``, ``ctx.follow``, ``ctx.drive``,
    ``ctx.ramp``, combined with :meth:`LinearMap.then`): the stroke then works with every backend. A stroke that
    can only give a map on populations implements ``population_map(ctx)`` instead and is refused,
    with the reason, where coherence matters.

Reservoirs
    Give a :class:`Reservoir` a bath law: a :class:`BathLaw` or any function ``k(omega, beta,
    gamma)`` (checked for detailed balance). A subclass may override ``rate_matrix`` for the
    populations backend (checked on every evaluation).

Objectives and closed forms
    :func:`register_objective` adds a figure of merit the Optimizer can name;
    :func:`register_closed_form` adds a fast path for a cycle structure.

Backends
    Subclass :class:`Backend` (state space, stroke context, periodic-solve support, corners) and add
    an instance to :data:`BACKEND_OBJECTS`.
"""

from __future__ import annotations

from .analysis.objectives import Constraint, Objective, register_objective
from .backends import BACKEND_OBJECTS, Backend, Corner
from .backends.base import SubstanceView
from .closed_forms import register_closed_form
from .core.context import Schedule, StrokeContext
from .core.linear_map import LinearMap, Reference, ThermalLabel
from .spec.laws import BathLaw
from .spec.reservoirs import Reservoir
from .spec.strokes import Stroke
from .spec.substances import HamiltonianSubstance, Substance
from .spec.values import Component, Parameter, value_field
from .units import DIMENSIONLESS, ENERGY, RATE, TEMPERATURE, TIME, Kind

__all__ = [
    "BACKEND_OBJECTS", "DIMENSIONLESS", "ENERGY", "RATE", "TEMPERATURE", "TIME", "Backend", "BathLaw",
    "Component", "Constraint", "Corner", "HamiltonianSubstance", "Kind", "LinearMap", "Objective", "Parameter",
    "Reference", "Reservoir", "Schedule", "Stroke", "StrokeContext", "Substance", "SubstanceView",
    "ThermalLabel", "register_closed_form", "register_objective", "value_field",
]
