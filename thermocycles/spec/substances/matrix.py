"""A substance given by matrices: ``H(w) = h0 + w h1`` with a coupling operator."""

from __future__ import annotations

from typing import Any, Mapping

import attrs
import numpy as np

from ...errors import ParameterError, brief
from ...units import ENERGY, is_quantity, to_natural
from .base import HamiltonianSubstance, hermitian_part_error

#: relative size of ``[h0, h1]`` below which the two matrices are taken to commute
COMMUTATOR_TOLERANCE = 1e-12


def _as_matrix(value: Any) -> Any:
    """A QuTiP ``Qobj`` to its full array; anything else unchanged (the validator checks it)."""
    if type(value).__name__ == "Qobj" and hasattr(value, "full"):
        return value.full()
    return value


def _matrix_field(expected: str) -> Any:
    return attrs.field(converter=_as_matrix, eq=matrix_eq, repr=_repr_matrix,
                       metadata={"expected": expected})


def _same_matrix(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if is_quantity(a) or is_quantity(b):
        try:
            return bool(np.array_equal(np.asarray(a.to(b.units).magnitude), np.asarray(b.magnitude)))
        except Exception:
            return False
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


#: equality of matrix fields: equal entries (a list equals an array with the same entries)
matrix_eq = attrs.cmp_using(eq=_same_matrix, require_same_type=False)


def _repr_matrix(value: Any) -> str:
    if value is None:
        return "None"
    shape = np.shape(value.magnitude if is_quantity(value) else value)
    return f"<{'x'.join(map(str, shape))} matrix{' with units' if is_quantity(value) else ''}>"


def _read_matrix(owner: str, field: str, value: Any, *, kind: Any = None) -> np.ndarray:
    """Validate one matrix field and return it as a complex array in natural units."""
    where = f"{owner}.{field}"
    if is_quantity(value):
        if kind is None:
            raise ParameterError(f"{where} is dimensionless; got a quantity with units {brief(value.units, 40)}")
        factor = to_natural(type(value)(1.0, value.units), kind, where)  # conversions are linear
        value = np.asarray(value.magnitude) * factor
    try:
        array = np.asarray(value)
    except Exception:
        array = np.asarray(None)
    if array.dtype.kind not in "iufc" or array.ndim != 2 or array.shape[0] != array.shape[1] or array.size == 0:
        raise ParameterError(f"{where} must be a square matrix (N x N numbers or a QuTiP Qobj); got "
                             f"{'shape ' + str(array.shape) if array.dtype.kind in 'iufc' else brief(value)}")
    array = array.astype(complex)
    if not np.isfinite(array).all():
        raise ParameterError(f"{where} must be finite; got a matrix with inf or nan entries")
    error = hermitian_part_error(array)
    if error > 1e-12:
        raise ParameterError(f"{where} must be Hermitian (M = M^dagger); got a matrix with "
                             f"max |M - M^dagger| / max |M| = {error:.3g}")
    array = 0.5 * (array + array.conj().T)
    array.flags.writeable = False
    return array


@attrs.frozen(kw_only=True)
class MatrixSubstance(HamiltonianSubstance):
    """``H(w) = h0 + w h1`` for Hermitian N x N matrices, coupled to reservoirs through ``coupling``.

    QuTiP ``Qobj`` operators are accepted (QuTiP is never required). When ``[h0, h1] = 0`` the
    substance commutes: its common eigenbasis is fixed and the populations backend is exact.

    Parameters
    ----------
    h0 : array_like or Qobj or Quantity
        An energy matrix (plain numbers in natural units, or a quantity array with units).
    h1 : array_like or Qobj
        A dimensionless matrix (the control ``w`` carries the energy scale).
    coupling : array_like or Qobj, optional
        The coupling operator ``A`` to every reservoir, Hermitian, natural basis; the rate of the
        jump ``i -> j`` between eigenstates of ``H(w)`` is ``|<j|A|i>|^2 k(E_i - E_j)``, and
        diagonal elements of ``A`` in the eigenbasis dephase at the rate of the law at zero
        frequency. Default: every pair of eigenstates coupled with ``|A|^2 = 1`` (no dephasing).

    Examples
    --------
    >>> import numpy as np
    >>> sz, sx = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> s = MatrixSubstance(h0=0.3 * sx, h1=0.5 * sz, coupling=sx)
    >>> s.n_levels, bool(s.commutes({}))
    (2, False)
    """

    h0: Any = _matrix_field("an energy matrix")
    h1: Any = _matrix_field("a dimensionless matrix")
    coupling: Any = attrs.field(default=None, converter=_as_matrix, eq=matrix_eq,
                                repr=_repr_matrix)
    _natural: tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None] = attrs.field(
        init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        owner = type(self).__name__
        h0 = _read_matrix(owner, "h0", self.h0, kind=ENERGY)
        h1 = _read_matrix(owner, "h1", self.h1)
        a = None if self.coupling is None else _read_matrix(owner, "coupling", self.coupling)
        for field, matrix in (("h1", h1), ("coupling", a)):
            if matrix is not None and matrix.shape != h0.shape:
                raise ParameterError(f"{owner}.{field} must have the shape of h0 {h0.shape}; got {matrix.shape}")
        commutator = h0 @ h1 - h1 @ h0
        scale = max(float(np.abs(h0).max()) * float(np.abs(h1).max()), 1e-300)
        fixed = None
        if float(np.abs(commutator).max()) <= COMMUTATOR_TOLERANCE * scale:
            fixed = _common_eigenbasis(h0, h1)
        object.__setattr__(self, "_natural", (h0, h1, a, fixed))
        super().__attrs_post_init__()  # numeric fields and the unit mode, which reads h0

    @property
    def n_levels(self) -> int:
        return int(self._natural[0].shape[0])

    def unit_items(self) -> list[tuple[str, Any]]:
        items = super().unit_items()
        if np.any(self._natural[0] != 0):  # a zero matrix is zero in every unit
            items.append((f"{type(self).__name__}.h0", self.h0))
        return items

    def hamiltonian(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        h0, h1, _, _ = self._natural
        return h0 + np.asarray(control, dtype=float)[..., None, None] * h1

    def commutes(self, values: Mapping[str, Any]) -> bool:
        return self._natural[3] is not None

    def fixed_basis(self, values: Mapping[str, Any]) -> np.ndarray | None:
        return self._natural[3]

    def coupling_operator(self, values: Mapping[str, Any]) -> np.ndarray | None:
        return self._natural[2]


def _common_eigenbasis(h0: np.ndarray, h1: np.ndarray) -> np.ndarray:
    """A basis diagonalising two commuting Hermitian matrices: the eigenvectors of a generic
    combination (irrational weight), which resolves the degeneracies of either matrix alone."""
    scale0, scale1 = float(np.abs(h0).max()) or 1.0, float(np.abs(h1).max()) or 1.0
    _, vectors = np.linalg.eigh(h0 / scale0 + (np.sqrt(2.0) - 0.3819660112501051) * h1 / scale1)
    vectors.flags.writeable = False
    return vectors
