"""Validation of structural fields of substances: level counts and spin quantum numbers.

Structural fields fix the shape of a substance's state space (how many levels it has), so they are
plain attrs fields, not named parameters: they cannot be arrays, carry units or be optimised.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any

from ...errors import ParameterError, brief


def _is_integer(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and type(value).__name__ != "bool_"


def as_level_count(value: Any) -> Any:
    """A level count as a plain ``int`` (numpy integers too); anything else unchanged, for the
    validator to explain."""
    return int(value) if _is_integer(value) else value


def check_level_count(owner: str, field: str, value: Any, *, minimum: int = 2) -> int:
    """Raise a ParameterError unless ``value`` is an integer ``>= minimum`` (not a bool or a float).

    Examples
    --------
    >>> check_level_count("HarmonicOscillator", "levels", 5)
    5
    >>> check_level_count("HarmonicOscillator", "levels", 1)
    Traceback (most recent call last):
    ...
    thermocycles.errors.ParameterError: HarmonicOscillator.levels must be an integer >= 2 (a number of levels); got 1
    """
    if not _is_integer(value) or value < minimum:
        raise ParameterError(f"{owner}.{field} must be an integer >= {minimum} (a number of levels); "
                             f"got {brief(value)}")
    return int(value)


def half_integer(owner: str, field: str, value: Any) -> Fraction:
    """``value`` as a Fraction if it is a positive half-integer (1/2, 1, 3/2, ...), else raise.

    Accepted: ints, floats (exactly ``k/2``) and ``fractions.Fraction``; rejected: bools, strings,
    complex numbers, nan, infinities, zero, negative numbers, and numbers that are not multiples of
    1/2.

    Examples
    --------
    >>> half_integer("Spin", "j", 1.5)
    Fraction(3, 2)
    >>> half_integer("Spin", "j", 0.3)
    Traceback (most recent call last):
    ...
    thermocycles.errors.ParameterError: Spin.j must be a positive half-integer (1/2, 1, 3/2, ...; got 0.3
    """
    expected = "a positive half-integer (1/2, 1, 3/2, 2, ...; an int, a float such as 1.5, or a Fraction)"
    bad = ParameterError(f"{owner}.{field} must be {expected}; got {brief(value)}")
    if isinstance(value, bool) or type(value).__name__ == "bool_" or not isinstance(value, numbers.Real):
        raise bad
    if isinstance(value, numbers.Integral):
        fraction = Fraction(int(value))
    elif isinstance(value, Fraction):
        fraction = value
    else:
        number = float(value)
        if not math.isfinite(number):
            raise bad
        fraction = Fraction(number)
    if fraction <= 0 or (2 * fraction).denominator != 1:
        raise bad
    return fraction


__all__ = ["as_level_count", "check_level_count", "half_integer"]
