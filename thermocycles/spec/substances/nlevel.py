"""A substance with N levels diagonal in a fixed basis: given as factors of the control, or as a
function of it, with an optional coupling operator."""

from __future__ import annotations

from typing import Any, Callable, Mapping

import attrs
import numpy as np

from ...errors import ParameterError, brief, clip
from ...units import is_quantity
from ..values import frozen_array
from .base import Substance
from .matrix import _as_matrix, _read_matrix, _repr_matrix, matrix_eq
from .structure import as_level_count, check_level_count

#: control values at which a level function is checked when the substance is built
PROBE = np.array([0.5, 1.0, 2.0])


def _as_factors(value: Any) -> Any:
    if value is None or is_quantity(value):  # factors are pure numbers: validation refuses a quantity
        return value
    array = frozen_array(value)
    return value if array is None else array


def _same_factors(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(a, b))


def _describe(value: Any) -> str:
    if not isinstance(value, np.ndarray):
        return brief(value)
    return clip(np.array2string(value, threshold=8, edgeitems=2, precision=6), 80)


@attrs.frozen(kw_only=True, repr=False)
class NLevel(Substance):
    """N levels diagonal in a fixed basis, coupled to the reservoirs through an operator ``A``.

    Give the levels in one of two ways:

    * ``factors=[f_0, ..., f_{N-1}]``: levels ``f_i w`` (any real, finite numbers, in any order,
      at least 2; the level order is the order given);
    * ``energies=function`` with ``n_levels=N``: levels ``function(w)``, a vectorised function of
      the control (natural units) returning shape ``w.shape + (N,)``. It is checked when the
      substance is built, at ``w = 0.5, 1, 2``, for that shape and for finite values. Define it at
      module level if the cycle must pickle (process pools, clusters).

    Parameters
    ----------
    factors : sequence of float, optional
    energies : callable, optional
        ``w -> (..., N)`` level energies.
    n_levels : int, optional
        Required with ``energies``; with ``factors`` it must equal ``len(factors)`` if given.
    coupling : (N, N) array_like or QuTiP Qobj, optional
        The coupling operator ``A`` in the level basis, Hermitian and dimensionless: the rate of the
        jump ``i -> j`` is ``|A_ji|^2 k(E_i - E_j)``. Default None: every pair of levels coupled with
        ``|A|^2 = 1`` (as the two-level substance). Diagonal elements do nothing on the populations
        backend and dephase on the density-matrix backend.

    Examples
    --------
    >>> import numpy as np
    >>> three = NLevel(factors=[0.0, 1.0, 3.0])
    >>> three.n_levels, three.energies(np.array([1.0, 2.0]), {})
    (3, array([[0., 1., 3.],
           [0., 2., 6.]]))
    >>> ladder = NLevel(factors=[0.0, 1.0, 2.0], coupling=[[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> np.abs(ladder.coupling_in_eigenbasis(np.array(1.0), {})) ** 2
    array([[0., 1., 0.],
           [1., 0., 1.],
           [0., 1., 0.]])
    >>> anharmonic = NLevel(energies=lambda w: np.stack([0 * w, w, 2 * w + 0.3], axis=-1), n_levels=3)
    >>> anharmonic.energies(np.array(1.0), {})
    array([0. , 1. , 2.3])
    """

    factors: Any = attrs.field(default=None, converter=_as_factors, eq=attrs.cmp_using(eq=_same_factors), hash=False)
    _function: Callable[[np.ndarray], Any] | None = attrs.field(
        default=None, alias="energies", eq=attrs.cmp_using(eq=lambda a, b: a is b), hash=False)
    _count: int | None = attrs.field(default=None, alias="n_levels", converter=as_level_count, eq=False)
    coupling: Any = attrs.field(default=None, converter=_as_matrix, eq=matrix_eq, hash=False)
    _size: int = attrs.field(init=False, eq=False)
    _operator: np.ndarray | None = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        owner = type(self).__name__
        given_count = self._count
        if given_count is not None:
            check_level_count(owner, "n_levels", given_count)
        if (self.factors is None) == (self._function is None):
            raise ParameterError(f"{owner} needs its levels as exactly one of factors=[...] (levels factors * w) "
                                 f"or energies=function(w) (with n_levels=N); got "
                                 f"{'neither' if self.factors is None else 'both'}")
        if self.factors is not None:
            count = self._check_factors(owner, given_count)
        else:
            if given_count is None:
                raise ParameterError(f"{owner}.n_levels must be given with energies=function(w): the number of "
                                     f"levels N the function returns (shape w.shape + (N,)); got None")
            self._check_function(owner, given_count)
            count = given_count
        object.__setattr__(self, "_size", count)
        operator = None
        if self.coupling is not None:
            operator = _read_matrix(owner, "coupling", self.coupling)
            if operator.shape != (count, count):
                raise ParameterError(f"{owner}.coupling must be an N x N matrix for the N = {count} levels; "
                                     f"got shape {operator.shape}")
            if not operator.imag.any():  # a real operator stays real (cheaper rates and rotations)
                operator = np.ascontiguousarray(operator.real)
                operator.flags.writeable = False
        object.__setattr__(self, "_operator", operator)
        super().__attrs_post_init__()

    def _check_factors(self, owner: str, given_count: int | None) -> int:
        factors = self.factors
        if not isinstance(factors, np.ndarray) or factors.ndim != 1 or factors.dtype.kind != "f":
            shape = f"shape {factors.shape}" if isinstance(factors, np.ndarray) and factors.dtype.kind == "f" \
                else brief(factors)
            raise ParameterError(f"{owner}.factors must be a 1-D sequence of real numbers (levels factors * w); "
                                 f"got {shape}")
        if factors.size < 2:
            raise ParameterError(f"{owner}.factors must hold at least 2 levels; got {_describe(factors)}")
        if not np.isfinite(factors).all():
            at = int(np.argmin(np.isfinite(factors)))
            raise ParameterError(f"{owner}.factors must be finite; got {_describe(factors)} (element ({at},) is "
                                 f"{factors[at]})")
        if given_count is not None and given_count != factors.size:
            raise ParameterError(f"{owner}.n_levels must equal len(factors) = {factors.size} when both are "
                                 f"given; got {given_count}")
        return int(factors.size)

    def _check_function(self, owner: str, count: int) -> None:
        function = self._function
        if not callable(function):
            raise ParameterError(f"{owner}.energies must be a function of the control w returning the level "
                                 f"energies (shape w.shape + (N,)); got {brief(function)}")
        for probe in (PROBE[1], PROBE):
            w = np.asarray(probe)
            try:
                out = np.asarray(function(w), dtype=float)
            except Exception as exc:
                raise ParameterError(f"{owner}.energies failed at w = {w} ({type(exc).__name__}: {clip(exc, 100)}); "
                                     f"it must "
                                     f"be a vectorised function of a numpy array of controls") from None
            if out.shape != w.shape + (count,):
                raise ParameterError(f"{owner}.energies must return shape w.shape + (N,) = {w.shape + (count,)} "
                                     f"for n_levels = {count}; got shape {out.shape} at w = {w}")
            if not np.isfinite(out).all():
                raise ParameterError(f"{owner}.energies must return finite energies; got {_describe(out)} at w = {w}")

    def __repr__(self) -> str:
        levels = (f"factors={_describe(self.factors)}" if self.factors is not None else
                  f"energies={getattr(self._function, '__name__', self._function)!s}, n_levels={self._size}")
        coupling = "" if self.coupling is None else f", coupling={_repr_matrix(self.coupling)}"
        return f"NLevel({levels}{coupling})"

    @property
    def n_levels(self) -> int:
        """Number of levels N."""
        return self._size

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """Level energies ``factors * w`` or ``energies(w)``, shape ``S + (N,)``."""
        w = np.asarray(control, dtype=float)
        if self._function is None:
            return w[..., None] * self.factors
        return np.asarray(self._function(w), dtype=float)

    def coupling_in_eigenbasis(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray | None:
        """The coupling operator (the level basis is the eigenbasis), or None: all pairs, ``|A|^2 = 1``."""
        return self._operator


__all__ = ["NLevel"]
