"""Strokes (see :mod:`.base` for the contract every backend relies on)."""

from .adiabat import QuantumAdiabat
from .base import Stroke
from .isochore import Isochore
from .unitary import UnitaryStroke

__all__ = ["Stroke", "Isochore", "QuantumAdiabat", "UnitaryStroke"]
