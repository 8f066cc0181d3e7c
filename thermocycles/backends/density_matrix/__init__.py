"""The density-matrix backend (any Hermitian substance; coherence and quantum friction)."""

from .backend import DensityMatrixBackend, DensityMatrixContext

__all__ = ["DensityMatrixBackend", "DensityMatrixContext"]
