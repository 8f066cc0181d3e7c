"""Schedules of driven strokes: how the control moves from its start to its end value.

A schedule is a function ``s(x)`` of the fraction ``x = t / tau`` of the stroke's duration, with
``s(0) = 0`` and ``s(1) = 1``; the control is ``w(t) = start + (end - start) s(t / tau)``. Named
schedules: ``"linear"`` (``s = x``) and ``"cosine"`` (``s = (1 - cos(pi x)) / 2``: starts and ends at
rest). A user schedule is any function of a numpy array with values in ``[0, 1]``; it is checked when
the stroke is built. For cycles that must pickle (process pools, clusters), define it at module
level (a lambda only travels with cloudpickle).
"""

from __future__ import annotations

from typing import Any, Callable

import attrs
import numpy as np

from ...errors import ParameterError, brief, clip


def linear(x: np.ndarray) -> np.ndarray:
    """``s(x) = x``."""
    return np.asarray(x, dtype=float)


def cosine(x: np.ndarray) -> np.ndarray:
    """``s(x) = (1 - cos(pi x)) / 2``, whose rate of change vanishes at both ends."""
    return 0.5 * (1.0 - np.cos(np.pi * np.asarray(x, dtype=float)))


SCHEDULES: dict[str, Callable[[np.ndarray], np.ndarray]] = {"linear": linear, "cosine": cosine}

_PROBE = np.linspace(0.0, 1.0, 33)


def resolve(schedule: Any) -> Callable[[np.ndarray], np.ndarray]:
    """The function of a schedule given by name or as a callable (validated with :func:`check`)."""
    if isinstance(schedule, str):
        return SCHEDULES[schedule]
    return schedule


def check(schedule: Any, where: str) -> None:
    """Raise a ParameterError unless ``schedule`` is a named schedule or a valid function."""
    if isinstance(schedule, str):
        if schedule not in SCHEDULES:
            raise ParameterError(f"{where} must be one of {', '.join(map(repr, SCHEDULES))} or a function "
                                 f"s(t/tau) with s(0) = 0 and s(1) = 1; got {brief(schedule)}")
        return
    if not callable(schedule):
        raise ParameterError(f"{where} must be a schedule name ({', '.join(map(repr, SCHEDULES))}) or a "
                             f"function s(t/tau); got {brief(schedule)}")
    try:
        values = np.asarray(schedule(_PROBE), dtype=float)
    except Exception as exc:
        raise ParameterError(f"{where}: the schedule failed on a numpy array of t/tau values "
                             f"({type(exc).__name__}: {clip(exc, 100)}); it must be vectorised") from None
    if values.shape != _PROBE.shape:
        raise ParameterError(f"{where}: the schedule returned shape {values.shape} for t/tau of shape "
                             f"{_PROBE.shape}; it must return one value per point")
    if not np.isfinite(values).all() or values.min() < 0.0 or values.max() > 1.0:
        raise ParameterError(f"{where}: the schedule must take values in [0, 1]; got values from "
                             f"{np.nanmin(values):.6g} to {np.nanmax(values):.6g}")
    if abs(values[0]) > 1e-12 or abs(values[-1] - 1.0) > 1e-12:
        raise ParameterError(f"{where}: the schedule must start at s(0) = 0 and end at s(1) = 1; got "
                             f"s(0) = {values[0]:.6g}, s(1) = {values[-1]:.6g}")


def field() -> Any:
    """An attrs field holding a stroke's schedule: ``"linear"`` by default, validated when the stroke
    is built, equal when it is the same name or the same function."""
    def validate(instance: Any, attribute: Any, value: Any) -> None:
        check(value, f"{type(instance).__name__}.{attribute.name}")

    return attrs.field(default="linear", validator=validate, eq=attrs.cmp_using(eq=lambda a, b: a is b or a == b))


__all__ = ["SCHEDULES", "linear", "cosine", "resolve", "check", "field"]
