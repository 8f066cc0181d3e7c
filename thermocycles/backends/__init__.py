"""Backends: the state spaces a cycle is evaluated in (see :mod:`.base` for the contract).

* ``"populations"`` (:mod:`.populations`): the N level populations; exact when the substance's
  Hamiltonians commute at all control values.
* ``"density_matrix"`` (:mod:`.density_matrix`): the N x N density matrix, as N^2 real coordinates;
  needed when they do not (coherence, quantum friction).

``backend="auto"`` takes the first backend in :data:`BACKEND_OBJECTS` that accepts the cycle.
"""

from .base import Backend, Corner
from .density_matrix import DensityMatrixBackend
from .populations import PopulationBackend

#: the backends by name, in the order "auto" tries them
BACKEND_OBJECTS: dict[str, Backend] = {
    "populations": PopulationBackend(),
    "density_matrix": DensityMatrixBackend(),
}

__all__ = ["Backend", "Corner", "BACKEND_OBJECTS", "PopulationBackend", "DensityMatrixBackend"]
