"""Closed forms, used for speed where they apply and tested against the generic numerics.

A closed form registers a *matcher* with :func:`register_closed_form`: a function ``matcher(model)``
that receives a compiled :class:`~thermocycles.core.model.CycleModel` (its ``substance``,
``strokes``, ``reservoirs`` and parameter names) and returns ``None`` if the cycle's structure is not
one it covers, or an evaluator ``evaluate(values) -> Performance`` working on natural-unit parameter
values (see :meth:`~thermocycles.core.model.CycleModel.performance` for assembling the record). The
first matcher that accepts a cycle is used by ``method="auto"`` and ``method="closed_form"``.
"""

from . import otto_oscillator, otto_two_level  # each registers its closed form
from .registry import find_closed_form, register_closed_form

__all__ = ["find_closed_form", "register_closed_form", "otto_two_level", "otto_oscillator"]
