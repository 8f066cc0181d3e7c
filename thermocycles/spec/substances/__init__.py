"""Working substances (see :mod:`.base` for the contract every backend relies on)."""

from .base import HamiltonianSubstance, Substance
from .matrix import MatrixSubstance
from .nlevel import NLevel
from .oscillator import HarmonicOscillator
from .qubit import Qubit
from .spin import Spin
from .two_level import TwoLevelSubstance

__all__ = ["Substance", "HamiltonianSubstance", "TwoLevelSubstance", "Qubit", "MatrixSubstance",
           "HarmonicOscillator", "Spin", "NLevel"]
