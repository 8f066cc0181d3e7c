"""Strokes (see :mod:`.base` for the contract every backend relies on)."""

from .adiabat import QuantumAdiabat
from .base import Stroke
from .isochore import Isochore
from .isotherm import Isotherm
from .thermalization import Thermalization
from .unitary import UnitaryStroke

__all__ = ["Stroke", "Isochore", "Isotherm", "QuantumAdiabat", "Thermalization", "UnitaryStroke"]
