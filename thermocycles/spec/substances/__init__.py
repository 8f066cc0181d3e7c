"""Working substances (see :mod:`.base` for the contract every backend relies on)."""

from .base import HamiltonianSubstance, Substance
from .matrix import MatrixSubstance
from .qubit import Qubit
from .two_level import TwoLevelSubstance

__all__ = ["Substance", "HamiltonianSubstance", "TwoLevelSubstance", "Qubit", "MatrixSubstance"]
