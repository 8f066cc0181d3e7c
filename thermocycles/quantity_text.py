"""Numbers and units written as text: a small strict grammar, checked before pint sees the text.

pint's own parser evaluates arithmetic, and inputs such as ``9**9**9`` make it compute for ever.
Text that names a value (a constraint's threshold, a unit in a file, a value on the command line) is
therefore read by this grammar, with work bounded by the text's length (at most
:data:`MAX_QUANTITY_LENGTH` characters), and only a unit that passes it is handed to the package's
one unit registry (:data:`thermocycles.units.ureg`; pint is imported only then)::

    quantity := NUMBER unit?
    NUMBER   := [+-]? (DIGITS ["." DIGITS?] | "." DIGITS) ([eE] [+-]? DIGITS)?   (ASCII digits)
    unit     := product (("*" | "/") product)*
    product  := factor (("**" | "^") exponent)?
    factor   := NAME | INTEGER | "(" unit ")"
    exponent := "-"? DIGIT DIGIT?            (at most 99 in size; no towers)

NAME is ASCII letters, digits and underscores starting with a letter or ``_``; spaces may separate
tokens; a unit is at most :data:`MAX_LENGTH` characters and parentheses nest at most
:data:`MAX_DEPTH` deep. The number must be finite: ``nan``, ``inf`` and ``1e999`` are refused. This
covers what pint writes (``"gigahertz"``, ``"1 / second"``, ``"kilogram * meter ** 2 / second ** 2"``)
and what people type (``"GHz"``, ``"rad*GHz"``, ``"J/K"``, ``"m^2"``, ``"50 mK"``, ``"2.5e-3 aW"``).

Examples
--------
>>> parse_quantity_text("0.5")
0.5
>>> parse_quantity_text("60 zW")
<Quantity(60.0, 'zeptowatt')>
>>> parse_quantity_text("9**9**9")
Traceback (most recent call last):
...
thermocycles.errors.ParameterError: '9**9**9' is not a number with an optional unit (after '9' comes '*'; ...
>>> parse_unit("rad*GHz") == parse_unit("gigahertz * radian")
True
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from .errors import ParameterError

if TYPE_CHECKING:
    import pint

#: longest unit string accepted
MAX_LENGTH = 100
#: deepest nesting of parentheses accepted
MAX_DEPTH = 4
#: longest number-with-unit text accepted
MAX_QUANTITY_LENGTH = 200

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<int>[0-9]+)|(?P<op>\*\*|\^|\*|/|\(|\)|-))",
                    re.ASCII)
_NUMBER = re.compile(r"\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)", re.ASCII)
GRAMMAR = ("names, integers, '*', '/', '**' or '^' with an integer exponent of at most two digits, spaces "
           "and parentheses, e.g. 'GHz', 'rad*GHz', 'J/K', 'm**2'")
_UNIT = "a unit this grammar accepts"


def _tokens(text: str, what: str) -> list[tuple[str, str, int]]:
    tokens = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"{text!r} is not {what} (the character "
                             f"{text[pos:].lstrip()[:1]!r} at position {pos}): write {GRAMMAR}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.end()))
        pos = match.end()
    return tokens


class _Checker:
    """Recursive descent over the unit grammar (depth at most MAX_DEPTH, one pass over the tokens)."""

    def __init__(self, text: str, what: str):
        self.text = text
        self.what = what
        self.tokens = _tokens(text, what)
        self.k = 0

    def fail(self) -> ValueError:
        if self.k < len(self.tokens):
            kind, value, end = self.tokens[self.k]
            start = self.tokens[self.k - 1][2] if self.k else 0
            where = f"after {self.text[:start].strip()!r} comes {value!r}" if start else f"it starts with {value!r}"
        else:
            where = "it ends early"
        return ValueError(f"{self.text!r} is not {self.what} ({where}): write {GRAMMAR}")

    def peek(self) -> tuple[str, str]:
        if self.k < len(self.tokens):
            kind, value, _ = self.tokens[self.k]
            return kind, value
        return "", ""

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.k += 1
        return token

    def unit(self, depth: int) -> None:
        self.product(depth)
        while self.peek() in (("op", "*"), ("op", "/")):
            self.take()
            self.product(depth)

    def product(self, depth: int) -> None:
        self.factor(depth)
        if self.peek() in (("op", "**"), ("op", "^")):
            self.take()
            if self.peek() == ("op", "-"):
                self.take()
            kind, value = self.take()
            if kind != "int" or len(value) > 2:
                self.k -= 1
                raise self.fail()
            if self.peek() in (("op", "**"), ("op", "^")):  # no towers of exponents
                raise self.fail()

    def factor(self, depth: int) -> None:
        kind, value = self.take()
        if kind in ("name", "int"):
            return
        if (kind, value) == ("op", "(") and depth < MAX_DEPTH:
            self.unit(depth + 1)
            if self.take() != ("op", ")"):
                self.k -= 1
                raise self.fail()
            return
        self.k -= 1
        raise self.fail()


def check_unit_text(text: Any, what: str = _UNIT) -> str:
    """Raise ValueError unless ``text`` is a string in the unit grammar; return it.

    ``what`` names the accepted text in the message (e.g. "a unit this file format accepts").
    """
    if not isinstance(text, str):
        raise ValueError(f"a unit must be a string such as 'GHz'; got {text!r}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"a unit string may have at most {MAX_LENGTH} characters; got {len(text)}")
    if not text.strip():
        return text
    checker = _Checker(text, what)
    checker.unit(0)
    if checker.k != len(checker.tokens):
        raise checker.fail()
    return text


def parse_unit(text: Any, what: str = _UNIT) -> pint.Unit:
    """The unit of the package's registry named by ``text``, after checking the grammar.

    Raises
    ------
    ValueError
        If the text is not in the grammar, or pint does not know a name in it.
    """
    check_unit_text(text, what)
    import pint  # noqa: PLC0415 (slow to import: only when a unit is present)

    from .units import ureg  # noqa: PLC0415 (the registry is built on first use)

    if not text.strip():
        return ureg.dimensionless
    try:
        return ureg.parse_units(text)
    except pint.UndefinedUnitError as exc:
        raise ValueError(f"unknown unit {text!r} (pint does not know {', '.join(map(repr, exc.args[0:1]))}); "
                         f"use pint's names, e.g. 'GHz', 'mK', 'us', 'ueV'") from None
    except Exception as exc:  # pint's other parse errors
        raise ValueError(f"{text!r} is not a unit pint can read ({type(exc).__name__}: {exc})") from None


def parse_quantity_text(text: Any) -> float | pint.Quantity:
    """A number with an optional unit, read by the strict grammar (module docstring).

    Returns a float when there is no unit, else a quantity of the package's registry. The work is
    bounded by the text's length (at most :data:`MAX_QUANTITY_LENGTH` characters): no arithmetic,
    no exponent towers, no evaluation.

    Raises
    ------
    ParameterError
        If the text is not a finite number followed by an optional unit of the grammar, or pint does
        not know the unit (a ValueError as well).

    Examples
    --------
    >>> parse_quantity_text(" -2.5e-3 ")
    -0.0025
    >>> parse_quantity_text("1 aW").to("zW")
    <Quantity(1000.0, 'zeptowatt')>
    """
    what = "a number with an optional unit"
    if not isinstance(text, str):
        raise ParameterError(f"{what} must be a string such as '0.5' or '60 zW'; got {type(text).__name__}")
    if len(text) > MAX_QUANTITY_LENGTH:
        raise ParameterError(f"{what} may have at most {MAX_QUANTITY_LENGTH} characters; got {len(text)}")
    match = _NUMBER.match(text)
    if match is None:
        shown = text.strip()[:20]
        raise ParameterError(f"{text!r} is not {what}: it must start with an ASCII number such as '0.5', "
                             f"'-2', '3e-9' (got {shown!r})")
    value = float(match[1])
    mantissa = re.split("[eE]", match[1])[0]
    if not math.isfinite(value) or (value == 0 and mantissa.strip("+-0.")):
        raise ParameterError(f"{text!r} is not {what}: the number {match[1]!r} is beyond the float range")
    rest = text[match.end():]
    if not rest.strip():
        return value
    first = rest.lstrip()[:1]
    if not (first.isascii() and (first.isalpha() or first in "_(")):
        raise ParameterError(f"{text!r} is not {what} (after {match[1]!r} comes {rest.lstrip()[:1]!r}; a unit "
                             f"starts with a name, e.g. 'GHz', 'zW')")
    try:
        unit = parse_unit(rest.strip(), f"{what}")
    except ValueError as exc:
        message = str(exc).replace(repr(rest.strip()), repr(text.strip()), 1)
        if "(after" in message or "(it starts" in message:
            message = message.replace("(it starts with", f"(after {match[1]!r} comes", 1)
        raise ParameterError(message) from None
    from .units import Q_  # noqa: PLC0415 (pint is loaded by now)

    return Q_(value, unit)


__all__ = ["MAX_LENGTH", "MAX_DEPTH", "MAX_QUANTITY_LENGTH", "GRAMMAR", "check_unit_text", "parse_unit",
           "parse_quantity_text"]
