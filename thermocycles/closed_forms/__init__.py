"""Closed forms, used for speed where they apply and tested against the generic numerics.

A closed form registers a *matcher* with :func:`register_closed_form`: a function ``matcher(model)``
that receives a compiled :class:`~thermocycles.core.model.CycleModel` (its ``substance``,
``strokes``, ``reservoirs`` and parameter names) and returns ``None`` if the cycle's structure is not
one it covers, or an evaluator ``evaluate(values) -> Performance`` working on natural-unit parameter
values (see :meth:`~thermocycles.core.model.CycleModel.performance` for assembling the record). The
first matcher that accepts a cycle is used by ``method="auto"`` and ``method="closed_form"``.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import ParameterError

Matcher = Callable[[Any], Any]

_MATCHERS: list[Matcher] = []


def register_closed_form(matcher: Matcher) -> Matcher:
    """Register a closed-form matcher (usable as a decorator)."""
    if not callable(matcher):
        raise ParameterError(f"register_closed_form needs a callable matcher(model); got {matcher!r}")
    _MATCHERS.append(matcher)
    return matcher


def find_closed_form(model: Any) -> Callable | None:
    """The evaluator of the first registered closed form that covers the compiled cycle, or None."""
    for matcher in _MATCHERS:
        evaluate = matcher(model)
        if evaluate is not None:
            return evaluate
    return None


from . import otto_two_level  # noqa: E402,F401  (registers the two-level Otto closed form)
