"""Save and load cycles as TOML or JSON text: :func:`save`, :func:`load`, :func:`dumps`, :func:`loads`.

The layout is described in ``docs/how_to/files.md`` and built by ``thermocycles.io.encode`` (writing)
and :mod:`thermocycles.io.decode` (reading). TOML is read with the standard library's
:mod:`tomllib` (``tomli`` on Python 3.10) and written by :mod:`thermocycles.io.toml_writer`.
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
from typing import Any

from ..errors import FileFormatError
from ..spec.cycle import Cycle
from . import toml_writer
from .decode import cycle_from_dict
from .encode import cycle_to_dict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

FORMATS = ("toml", "json")
_EXTENSIONS = {".toml": "toml", ".json": "json"}

_HEADER = ("# A thermocycles cycle (docs/how_to/files.md). Plain numbers are in natural units (hbar = k_B = 1);\n"
           "# quantities are {value = ..., unit = \"...\"}; {parameter = \"name\"} names a shared parameter.\n")


def _check_format(fmt: Any, where: str) -> str:
    if fmt not in FORMATS:
        raise FileFormatError(f"{where}: format must be 'toml' or 'json'; got {fmt!r}")
    return str(fmt)


def format_of(path: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The format of a file: ``fmt`` if given, else from the extension (``.toml`` or ``.json``)."""
    if fmt is not None:
        return _check_format(fmt, os.fspath(path))
    suffix = pathlib.Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise FileFormatError(f"{os.fspath(path)}: cannot tell the format from the extension {suffix!r}; name the "
                              f"file *.toml or *.json, or pass format='toml' or 'json'")
    return _EXTENSIONS[suffix]


def dumps(cycle: Cycle, format: str = "toml") -> str:
    """The text of a cycle file.

    Parameters
    ----------
    cycle : Cycle
    format : {"toml", "json"}

    Raises
    ------
    FileFormatError
        If the cycle holds something a file cannot name (an unregistered type or function), naming
        the place.

    Examples
    --------
    >>> import thermocycles as tc
    >>> from thermocycles.io import dumps, loads
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
    ...                                       tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> text = dumps(fridge)
    >>> print(text[text.index("[parameters]"):text.index("[[strokes]]")], end="")
    [parameters]
    w_a = 1.0
    w_b = 3.0
    <BLANKLINE>
    [[reservoirs]]
    type = "Reservoir"
    name = "c"
    temperature = 1.0
    coupling = 1.0
    law = "tanh"
    <BLANKLINE>
    [[reservoirs]]
    type = "Reservoir"
    name = "h"
    temperature = 2.0
    coupling = 1.0
    law = "tanh"
    <BLANKLINE>
    >>> loads(text) == fridge
    True
    """
    fmt = _check_format(format, "dumps")
    document = cycle_to_dict(cycle)
    if fmt == "json":
        return json.dumps(document, indent=2, allow_nan=False) + "\n"
    return _HEADER + "\n" + toml_writer.dumps(document)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a cycle file may hold")


def parse(text: str, format: str = "toml", source: str = "<string>") -> Any:
    """The plain dict of a file's text (no cycle built), with parse errors naming line and column."""
    fmt = _check_format(format, source)
    if fmt == "json":
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"{source}: not valid JSON: {exc.msg} (at line {exc.lineno}, column "
                                  f"{exc.colno})") from None
        except ValueError as exc:
            raise FileFormatError(f"{source}: not valid JSON: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"{source}: not valid TOML: {exc}") from None


def loads(text: str, format: str = "toml", *, source: str = "<string>") -> Cycle:
    """The cycle of a file's text.

    Parameters
    ----------
    text : str
    format : {"toml", "json"}
    source : str
        Shown at the start of error messages (a file name).

    Raises
    ------
    FileFormatError
        Naming the place in the file: malformed text (line and column), a missing, unknown or
        wrong-typed field, an unknown type, function, parameter or reservoir, a unit pint does not
        know or of the wrong dimension, a value out of range, a newer schema version.

    Examples
    --------
    >>> from thermocycles.io import loads
    >>> loads('format = "thermocycles.cycle"\\nschema_version = 1\\n[substance]\\ntype = "Spin"\\nj = 1\\n'
    ...       '[[strokes]]\\ntype = "QuantumAdiabat"\\nname = "a"\\nstart = 1.0\\nend = 1.0\\nduration = 0.0\\n',
    ...       source="spin.toml").substance
    Spin(j=1.0)
    >>> loads('format = "thermocycles.cycle"\\nschema_version = 7\\n', source="new.toml")
    Traceback (most recent call last):
    ...
    thermocycles.errors.FileFormatError: new.toml: schema_version: the file has schema version 7, newer than ...
    """
    return cycle_from_dict(parse(text, format, source), source)


def save(cycle: Cycle, path: str | os.PathLike[str], format: str | None = None) -> pathlib.Path:
    """Write a cycle to a TOML or JSON file (format from the extension unless given).

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib, thermocycles as tc
    >>> from thermocycles.io import save, load
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
    ...                                       tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save(fridge, pathlib.Path(folder) / "fridge.toml")
    ...     bool(load(path).performance().chi == fridge.performance().chi)
    True
    """
    fmt = format_of(path, format)
    text = dumps(cycle, fmt)
    target = pathlib.Path(path)
    target.write_text(text, encoding="utf-8")
    return target


def load(path: str | os.PathLike[str], format: str | None = None) -> Cycle:
    """Read a cycle from a TOML or JSON file (format from the extension unless given).

    Errors are :class:`~thermocycles.errors.FileFormatError` naming the file and the place in it
    (see :func:`loads`); a missing or unreadable file raises the usual ``OSError``.
    """
    fmt = format_of(path, format)
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{os.fspath(path)}: not UTF-8 text (byte {exc.start}); a cycle file is TOML or JSON "
                              f"text") from None
    return loads(text, fmt, source=os.fspath(path))


__all__ = ["FORMATS", "dumps", "loads", "save", "load", "parse", "format_of"]
