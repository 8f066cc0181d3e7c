"""The working-substance contract: what every backend asks of a substance.

A substance maps its control parameter ``w`` to a Hamiltonian ``H(w)``. Backends ask for:

* :meth:`Substance.eigensystem` -- eigen-energies and eigenvectors of ``H(w)``, in the substance's
  *level order*: for a substance whose Hamiltonians commute at all control values the eigenvectors
  are one fixed basis and a level keeps its index whatever ``w`` is; otherwise levels are in
  ascending energy (the order ideal adiabatic following preserves when gaps do not close);
* :meth:`Substance.hamiltonian` -- ``H(w)`` in the natural basis (for finite-time unitary strokes);
* :meth:`Substance.coupling_in_eigenbasis` -- the coupling operator ``A`` to the reservoirs in that
  eigenbasis (``None``: every pair of levels coupled with ``|A_ij|^2 = 1``, no diagonal elements);
* :meth:`Substance.commutes` -- whether ``[H(w), H(w')] = 0`` for all controls: then the dynamics
  never creates coherence between levels and the populations backend is exact.

The simplest substance (:class:`Substance` itself) is diagonal in a fixed basis: it implements only
:meth:`Substance.energies`, and everything else follows. :class:`HamiltonianSubstance` is the base of
substances given by a Hamiltonian matrix.

All methods work on natural-unit floats and broadcast over leading batch axes (parameter arrays):
``control`` has a batch shape ``S``, energies ``S + (N,)``, matrices ``S + (N, N)``. ``values`` holds
the substance's own numeric fields in natural units, by field name.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import attrs
import numpy as np

from ...units import ENERGY, Kind
from ..values import POSITIVE, Component


@attrs.frozen(kw_only=True)
class Substance(Component):
    """Base class of working substances; on its own, a substance diagonal in a fixed basis.

    Subclasses implement :meth:`energies` (and say how many levels they have, as a class attribute
    or a property ``n_levels``). Declare numeric fields with :func:`thermocycles.value_field`: they
    become named parameters of every cycle using the substance.

    Attributes
    ----------
    n_levels : int
        Number of levels N.
    control_symbol : str
        Symbol of the control parameter, used to name control values that are not
        :class:`~thermocycles.Parameter` objects (``w_1``, ``w_2``, ...).
    control_kind : Kind
        Physical kind of the control parameter (an energy/angular frequency by default).
    control_constraint : str or None
        Sign constraint of control values (``"positive"`` by default).
    """

    control_symbol: ClassVar[str] = "w"
    control_kind: ClassVar[Kind] = ENERGY
    control_constraint: ClassVar[str | None] = POSITIVE

    @property
    def n_levels(self) -> int:
        """Number of levels N."""
        raise NotImplementedError(f"{type(self).__name__} must define n_levels")

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """Level energies at the control value(s), natural units, in the substance's level order.

        Parameters
        ----------
        control : ndarray
            Control values (natural units), any shape S.
        values : mapping of str to ndarray
            The substance's own numeric fields in natural units, by field name.

        Returns
        -------
        ndarray, shape S + (N,)
        """
        raise NotImplementedError(f"{type(self).__name__} must implement energies(control, values)")

    def eigensystem(self, control: np.ndarray, values: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray | None]:
        """Eigen-energies ``E`` (shape ``S + (N,)``) and eigenvectors ``V`` (columns, shape
        ``S + (N, N)``) of ``H(control)``; ``V = None`` means the natural basis."""
        return np.asarray(self.energies(control, values), dtype=float), None

    def hamiltonian(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """``H(control)`` in the natural basis, complex, shape ``S + (N, N)``."""
        energies, vectors = self.eigensystem(control, values)
        diagonal = energies[..., None, :] * np.eye(energies.shape[-1])
        if vectors is None:
            return diagonal.astype(complex)
        return vectors @ diagonal @ np.conj(np.swapaxes(vectors, -1, -2))

    def coupling_in_eigenbasis(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray | None:
        """The coupling operator ``A`` in the eigenbasis of :meth:`eigensystem` (``A[..., i, j] =
        <i|A|j>``), or None: every pair of levels coupled with ``|A_ij|^2 = 1`` and no diagonal
        elements (the paper's model and its N-level generalisation, docs/explanation/physics.md, section 8)."""
        return None

    def commutes(self, values: Mapping[str, Any]) -> Any:
        """Whether ``H(w)`` and ``H(w')`` commute for all controls (bool, or a bool array over the
        batch of parameter values): then the eigenbasis is fixed and no coherence is ever created."""
        return True


def hermitian_part_error(matrix: np.ndarray) -> float:
    """``max |M - M^dag| / max(1, max |M|)``: how far a matrix is from Hermitian."""
    m = np.asarray(matrix)
    scale = max(1.0, float(np.abs(m).max(initial=0.0)))
    return float(np.abs(m - np.conj(np.swapaxes(m, -1, -2))).max(initial=0.0)) / scale


@attrs.frozen(kw_only=True)
class HamiltonianSubstance(Substance):
    """Base class of substances given by a Hamiltonian matrix ``H(w)`` (natural basis).

    Subclasses implement :meth:`hamiltonian` and :meth:`commutes`, and may override
    :meth:`coupling_operator` (natural basis; None couples every pair of eigenstates with
    ``|A|^2 = 1``) and :meth:`fixed_basis` (the common eigenbasis of a commuting substance).
    Eigen-energies come from ``numpy.linalg.eigh``: ascending, or in the fixed basis's order when
    the substance commutes.
    """

    def hamiltonian(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement hamiltonian(control, values)")

    def commutes(self, values: Mapping[str, Any]) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement commutes(values)")

    def fixed_basis(self, values: Mapping[str, Any]) -> np.ndarray | None:
        """The control-independent eigenbasis of a commuting substance (columns), or None."""
        return None

    def coupling_operator(self, values: Mapping[str, Any]) -> np.ndarray | None:
        """The coupling operator ``A`` in the natural basis, or None (every pair of eigenstates)."""
        return None

    def eigensystem(self, control: np.ndarray, values: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray | None]:
        h = self.hamiltonian(control, values)
        fixed = self.fixed_basis(values)
        if fixed is not None:
            energies = np.einsum("ki,...kl,li->...i", np.conj(fixed), h, fixed).real
            return energies, np.broadcast_to(fixed, h.shape)
        energies, vectors = np.linalg.eigh(h)
        return energies, vectors

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return self.eigensystem(control, values)[0]

    def coupling_in_eigenbasis(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray | None:
        operator = self.coupling_operator(values)
        if operator is None:
            return None
        _, vectors = self.eigensystem(control, values)
        if vectors is None:
            return np.asarray(operator, dtype=complex)
        return np.conj(np.swapaxes(vectors, -1, -2)) @ operator @ vectors


__all__ = ["Substance", "HamiltonianSubstance", "hermitian_part_error"]
