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
