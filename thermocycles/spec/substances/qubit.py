"""A qubit with a transverse field: ``H(w) = (w sigma_z + Delta sigma_x) / 2``."""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import attrs
import numpy as np

from ...units import ENERGY
from ..values import value_field
from .base import HamiltonianSubstance

_SIGMA_Z = np.array([[1.0, 0.0], [0.0, -1.0]], dtype=complex)
_SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)


@attrs.frozen(kw_only=True)
class Qubit(HamiltonianSubstance):
    """A two-level system whose Hamiltonians do not commute when ``transverse != 0``.

    ``H(w) = (w sigma_z + Delta sigma_x) / 2`` in the basis ``(|0>, |1>)``, ``sigma_z = diag(1, -1)``;
    the gap is ``E = sqrt(w^2 + Delta^2)``. Changing ``w`` in finite time then excites transitions
    between the instantaneous eigenstates (quantum friction). The reservoirs couple the two
    eigenstates of ``H(w)`` (jump operators ``|g><e|`` and ``|e><g|`` with the law's rates at the
    gap, docs/explanation/physics.md, section 8). With ``transverse = 0`` the qubit is the paper's two-level system up
    to an energy offset (the same gap ``w``, heats and work).

    Parameters
    ----------
    transverse : float, ndarray or Quantity
        ``Delta``, an energy (angular frequency); a named parameter ``Delta`` of the cycle, which
        may be an array or an Optimizer variable. Default 0.

    Examples
    --------
    >>> q = Qubit(transverse=0.6)
    >>> q.energies(np.array(0.8), {"transverse": 0.6})
    array([-0.5,  0.5])
    """

    n_levels: ClassVar[int] = 2

    transverse: Any = value_field(ENERGY, "Delta", default=0.0)

    def hamiltonian(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        w = np.asarray(control, dtype=float)[..., None, None]
        delta = np.asarray(values["transverse"], dtype=float)[..., None, None]
        return 0.5 * (w * _SIGMA_Z + delta * _SIGMA_X)

    def eigensystem(self, control: np.ndarray, values: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """Ground state first: ``E = (-g/2, g/2)``, ``g = hypot(w, Delta)``; real eigenvectors
        ``|g> = (-sin(t/2), cos(t/2))``, ``|e> = (cos(t/2), sin(t/2))`` with ``t = atan2(Delta, w)``
        (for ``Delta = 0`` and ``w > 0``: ``|g> = |1>``, ``|e> = |0>``, exactly)."""
        w = np.asarray(control, dtype=float)
        delta = np.asarray(values["transverse"], dtype=float)
        half_gap = 0.5 * np.hypot(w, delta)
        energies = np.empty(half_gap.shape + (2,))
        energies[..., 0] = -half_gap
        energies[..., 1] = half_gap
        theta = 0.5 * np.arctan2(delta, w)
        c, s = np.cos(theta), np.sin(theta)
        vectors = np.empty(half_gap.shape + (2, 2), dtype=complex)
        vectors[..., 0, 0] = -s
        vectors[..., 1, 0] = c
        vectors[..., 0, 1] = c
        vectors[..., 1, 1] = s
        return energies, vectors

    def commutes(self, values: Mapping[str, Any]) -> Any:
        return np.asarray(values["transverse"]) == 0
