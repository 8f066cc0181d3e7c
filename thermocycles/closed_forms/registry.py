"""The registry of closed forms (see the package docstring)."""

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

