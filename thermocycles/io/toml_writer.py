"""A small TOML writer for the plain structures the cycle files hold (no dependency).

Reading TOML uses the standard library's :mod:`tomllib` (Python >= 3.11, or ``tomli`` before);
writing needs only this: a document is a dict of str to values, where a value is a str, bool, int,
float, a list of values or a dict of str to values. At the top level a dict becomes a table
(``[name]``) and a non-empty list of dicts an array of tables (``[[name]]``); everything else is
written inline (inline tables ``{a = 1}``, arrays ``[1, 2]``), on one line. Floats are written with
``repr``, which round-trips exactly; infinities and NaN are refused (a cycle's values are finite).

Examples
--------
>>> print(dumps({"schema_version": 1, "substance": {"type": "Spin", "j": 1.5},
...              "strokes": [{"name": "c", "duration": {"value": 0.5, "unit": "microsecond"}}]}), end="")
schema_version = 1
<BLANKLINE>
[substance]
type = "Spin"
j = 1.5
<BLANKLINE>
[[strokes]]
name = "c"
duration = {value = 0.5, unit = "microsecond"}
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_INT_RANGE = (-(2**63), 2**63 - 1)


def dumps(document: Mapping[str, Any]) -> str:
    """The TOML text of a document (a dict of str to plain values).

    Parameters
    ----------
    document : mapping of str to value
        Values: str, bool, int (64-bit), finite float, list, dict.

    Raises
    ------
    TypeError
        For a value of another type.
    ValueError
        For a float that is inf or NaN, or an int outside 64 bits.
    """
    simple: list[str] = []
    sections: list[str] = []
    for key, value in document.items():
        if isinstance(value, Mapping):
            sections.append(f"[{key_text(key)}]\n" + _body(value))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            sections.extend(f"[[{key_text(key)}]]\n" + _body(item) for item in value)
        else:
            simple.append(f"{key_text(key)} = {value_text(value)}\n")
    parts = ["".join(simple)] if simple else []
    return "\n".join(parts + sections)


def _body(table: Mapping[str, Any]) -> str:
    return "".join(f"{key_text(k)} = {value_text(v)}\n" for k, v in table.items())


def key_text(key: Any) -> str:
    """A key: bare if it is letters, digits, ``_`` and ``-``, else a quoted string."""
    if not isinstance(key, str):
        raise TypeError(f"TOML keys are strings; got {key!r}")
    return key if _BARE_KEY.match(key) else string_text(key)


def string_text(text: str) -> str:
    """A TOML basic string (double quotes, escapes for quotes, backslashes and control characters)."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def value_text(value: Any) -> str:
    """One value written inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            raise ValueError(f"TOML integers have 64 bits; got {value}")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a cycle file holds finite numbers only; got {value!r}")
        return repr(value)
    if isinstance(value, str):
        return string_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{" + ", ".join(f"{key_text(k)} = {value_text(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as TOML")


__all__ = ["dumps", "key_text", "string_text", "value_text"]
