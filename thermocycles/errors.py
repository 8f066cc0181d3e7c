"""Exceptions raised by thermocycles.

Every message names the class and field involved, what was expected and what was given.
"""

from __future__ import annotations


class ThermocyclesError(Exception):
    """Base class of all errors raised by thermocycles."""


class ParameterError(ThermocyclesError, ValueError):
    """A value given to a component is invalid (wrong sign, not finite, wrong type, ...)."""


class DimensionError(ParameterError, TypeError):
    """A quantity has the wrong physical dimension, or units and plain numbers are mixed."""


class CycleError(ThermocyclesError, ValueError):
    """Strokes do not form a valid cycle (they do not join, names clash, no steady state...)."""


class AnalysisError(ThermocyclesError, ValueError):
    """A plugin (optimiser, irreversible analysis) cannot be applied to the given cycle."""


class FileFormatError(ThermocyclesError, ValueError):
    """A cycle file (TOML or JSON) cannot be read or written; the message names the place in the file
    (e.g. ``fridge.toml: strokes[1].duration: ...``)."""


def clip(text: object, limit: int = 120) -> str:
    """``str(text)`` cut to at most ``limit`` characters (``...`` marks the cut): keeps messages short.

    Examples
    --------
    >>> clip("x" * 200, 10)
    'xxxxxxx...'
    """
    text = str(text)
    return text if len(text) <= limit else text[:max(limit - 3, 0)] + "..."


def brief(value: object, limit: int = 60) -> str:
    """A value as an error message shows it: short, whatever its size.

    Scalars and short objects appear as their ``repr``; arrays as their shape, dtype and first
    elements; pint quantities as their magnitude (so described) and unit; long sequences as their
    length and first items; anything else as its ``repr`` cut to ``limit`` characters. numpy and pint
    are recognised by their attributes (this module imports neither).

    Examples
    --------
    >>> import numpy as np
    >>> brief(1.5), brief("w_a")
    ('1.5', "'w_a'")
    >>> brief(np.arange(1000.0))
    'array of shape (1000,), dtype float64: [0, 1, 2, ...]'
    >>> brief(np.array([], dtype=object))
    'array of shape (0,), dtype object'
    >>> brief(list(range(500)))
    'list of 500 items: [0, 1, 2, ...]'
    >>> len(brief("x" * 10_000)) <= 60
    True
    """
    magnitude = getattr(value, "magnitude", None)
    units = getattr(value, "units", None)
    if magnitude is not None and units is not None and not isinstance(value, type):  # a pint quantity
        if getattr(magnitude, "ndim", 0) == 0 and not isinstance(magnitude, (list, tuple)):
            try:
                return clip(f"{value:~P}", limit)
            except Exception:
                return clip(repr(value), limit)
        try:
            unit_text = f"{units:~P}"
        except Exception:
            unit_text = str(units)
        return f"{brief(magnitude, limit)} {clip(unit_text, 30)}"
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if isinstance(shape, tuple) and dtype is not None and hasattr(value, "ravel"):  # a numpy array
        if not shape:
            return clip(repr(value), limit)
        text = f"array of shape {shape}, dtype {dtype}"
        size = getattr(value, "size", 0)
        if size and getattr(dtype, "kind", "") in "biuf":
            first = ", ".join(f"{x:.6g}" if getattr(dtype, "kind", "") in "iuf" else str(x)
                              for x in value.ravel()[:3].tolist())
            text += f": [{first}{', ...' if size > 3 else ''}]"
        return text
    if isinstance(value, (list, tuple)):
        text = repr(value)
        if len(text) <= limit:
            return text
        kind = "list" if isinstance(value, list) else "tuple"
        first = ", ".join(clip(repr(x), 16) for x in value[:3])
        return f"{kind} of {len(value)} items: [{first}{', ...' if len(value) > 3 else ''}]"
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return clip(text, limit)
