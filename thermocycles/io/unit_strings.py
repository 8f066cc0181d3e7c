"""Unit strings in files: a small strict grammar checked before pint sees them.

pint's own parser evaluates arithmetic, and inputs such as ``9**9**9`` make it compute for ever. A
unit in a file is therefore first checked against this grammar, and only then handed to the
package's one unit registry (:data:`thermocycles.units.ureg`)::

    unit     := product (("*" | "/") product)*
    product  := factor (("**" | "^") exponent)?
    factor   := NAME | INTEGER | "(" unit ")"
    exponent := "-"? DIGIT DIGIT?            (at most 99 in size)

NAME is letters, digits and underscores starting with a letter or ``_``; spaces may separate
tokens; the whole text is at most :data:`MAX_LENGTH` characters and parentheses nest at most
:data:`MAX_DEPTH` deep. This covers what pint writes (``"gigahertz"``, ``"1 / second"``,
``"kilogram * meter ** 2 / second ** 2"``) and what people type (``"GHz"``, ``"rad*GHz"``,
``"J/K"``, ``"m^2"``).

Examples
--------
>>> parse_unit("rad*GHz") == parse_unit("gigahertz * radian")
True
>>> parse_unit("9**9**9")
Traceback (most recent call last):
...
ValueError: '9**9**9' is not a unit this file format accepts (after '9**9' comes '**'): ...
"""

from __future__ import annotations

import re
from typing import Any

import pint

from ..units import ureg

#: longest unit string accepted
MAX_LENGTH = 100
#: deepest nesting of parentheses accepted
MAX_DEPTH = 4

_TOKEN = re.compile(r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<int>[0-9]+)|(?P<op>\*\*|\^|\*|/|\(|\)|-))")
_GRAMMAR = ("names, integers, '*', '/', '**' or '^' with an integer exponent of at most two digits, spaces "
            "and parentheses, e.g. 'GHz', 'rad*GHz', 'J/K', 'm**2'")


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"{text!r} is not a unit this file format accepts (the character "
                             f"{text[pos:].lstrip()[:1]!r} at position {pos}): write {_GRAMMAR}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.end()))
        pos = match.end()
    return tokens


class _Checker:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.k = 0

    def fail(self) -> ValueError:
        if self.k < len(self.tokens):
            kind, value, end = self.tokens[self.k]
            start = self.tokens[self.k - 1][2] if self.k else 0
            where = f"after {self.text[:start].strip()!r} comes {value!r}" if start else f"it starts with {value!r}"
        else:
            where = "it ends early"
        return ValueError(f"{self.text!r} is not a unit this file format accepts ({where}): write {_GRAMMAR}")

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


def check_unit_text(text: Any) -> str:
    """Raise ValueError unless ``text`` is a string in the unit grammar; return it."""
    if not isinstance(text, str):
        raise ValueError(f"a unit must be a string such as 'GHz'; got {text!r}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"a unit string may have at most {MAX_LENGTH} characters; got {len(text)}")
    if not text.strip():
        return text
    checker = _Checker(text)
    checker.unit(0)
    if checker.k != len(checker.tokens):
        raise checker.fail()
    return text


def parse_unit(text: Any) -> pint.Unit:
    """The unit of the package's registry named by ``text``, after checking the grammar.

    Raises
    ------
    ValueError
        If the text is not in the grammar, or pint does not know a name in it.
    """
    check_unit_text(text)
    if not text.strip():
        return ureg.dimensionless
    try:
        return ureg.parse_units(text)
    except pint.UndefinedUnitError as exc:
        raise ValueError(f"unknown unit {text!r} (pint does not know {', '.join(map(repr, exc.args[0:1]))}); "
                         f"use pint's names, e.g. 'GHz', 'mK', 'us', 'ueV'") from None
    except Exception as exc:  # pint's other parse errors
        raise ValueError(f"{text!r} is not a unit pint can read ({type(exc).__name__}: {exc})") from None


def unit_text(unit: Any) -> str:
    """How a pint unit is written in a file: pint's long form (``"gigahertz"``, ``"1 / second"``)."""
    text = str(unit)
    check_unit_text(text)  # what is written can be read back
    return text


__all__ = ["MAX_LENGTH", "MAX_DEPTH", "check_unit_text", "parse_unit", "unit_text"]
