"""Unit strings in files: the package's strict unit grammar, checked before pint sees them.

pint's own parser evaluates arithmetic, and inputs such as ``9**9**9`` make it compute for ever. A
unit in a file is therefore first checked against the grammar of ``thermocycles.quantity_text``
(which also reads numbers with units, e.g. constraint thresholds), and only then handed to the
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

from typing import Any

import pint

from .. import quantity_text
from ..quantity_text import MAX_DEPTH, MAX_LENGTH

_WHAT = "a unit this file format accepts"


def check_unit_text(text: Any) -> str:
    """Raise ValueError unless ``text`` is a string in the unit grammar; return it."""
    return quantity_text.check_unit_text(text, _WHAT)


def parse_unit(text: Any) -> pint.Unit:
    """The unit of the package's registry named by ``text``, after checking the grammar.

    Raises
    ------
    ValueError
        If the text is not in the grammar, or pint does not know a name in it.
    """
    return quantity_text.parse_unit(text, _WHAT)


def unit_text(unit: Any) -> str:
    """How a pint unit is written in a file: pint's long form (``"gigahertz"``, ``"1 / second"``)."""
    text = str(unit)
    check_unit_text(text)  # what is written can be read back
    return text


__all__ = ["MAX_LENGTH", "MAX_DEPTH", "check_unit_text", "parse_unit", "unit_text"]
