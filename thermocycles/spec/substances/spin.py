"""A spin ``j`` in a field: levels ``m w``, coupled to reservoirs through ``S_x``."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping

import attrs
import numpy as np

from .base import Substance
from .structure import half_integer


def _as_spin(value: Any) -> Any:
    """A valid ``j`` as a float (``Fraction(3, 2)`` and ``1.5`` are one spin); anything else
    unchanged, for the validator to explain."""
    try:
        return float(half_integer("Spin", "j", value))
    except Exception:
        return value


def _check_spin(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    half_integer(type(instance).__name__, attribute.name, value)


@attrs.frozen(kw_only=True)
class Spin(Substance):
    """A spin ``j`` in a field ``w``: ``H(w) = w S_z``, levels ``m w`` for ``m = -j, ..., j``.

    The ``2 j + 1`` levels are in ascending ``m`` (a fixed basis, so a level keeps its index whatever
    ``w`` is; with ``w > 0`` that is ascending energy). The reservoirs couple through ``S_x``, so
    only ``m <-> m + 1`` jumps happen, with ``|<m+1|S_x|m>|^2 = (j(j+1) - m(m+1)) / 4``
    (docs/explanation/physics.md, section 8). Energies can be negative; only the gaps (all ``w``) matter for the
    dynamics.

    ``Spin(j=1/2)`` couples its two levels with ``|A|^2 = 1/4``: it is the two-level substance
    (:class:`~thermocycles.TwoLevelSubstance`, ``|A|^2 = 1``) with every reservoir's coupling rate
    divided by 4 (the energy offset does not change heats or work).

    Parameters
    ----------
    j : int, float or fractions.Fraction
        A positive half-integer: 1/2, 1, 3/2, ... (``1.5`` and ``Fraction(3, 2)`` are the same
        spin). Structural: a plain number, not a parameter.

    Attributes
    ----------
    n_levels : int
        ``2 j + 1``.

    Examples
    --------
    >>> import numpy as np
    >>> s = Spin(j=1)
    >>> s.n_levels, s.energies(np.array(2.0), {})
    (3, array([-2.,  0.,  2.]))
    >>> (s.coupling_in_eigenbasis(np.array(2.0), {}) ** 2).round(12)  # |<m'|S_x|m>|^2
    array([[0. , 0.5, 0. ],
           [0.5, 0. , 0.5],
           [0. , 0.5, 0. ]])
    """

    j: float = attrs.field(converter=_as_spin, validator=_check_spin)
    _tables: tuple[np.ndarray, np.ndarray] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        j = Fraction(self.j)
        n = int(2 * j + 1)
        m = np.array([float(-j + k) for k in range(n)])
        j_float = float(j)
        upper = np.sqrt(j_float * (j_float + 1.0) - m[:-1] * (m[:-1] + 1.0)) / 2.0  # <m+1|S_x|m>
        coupling = np.diag(upper, -1) + np.diag(upper, 1)
        for array in (m, coupling):
            array.flags.writeable = False
        object.__setattr__(self, "_tables", (m, coupling))
        super().__attrs_post_init__()

    @property
    def n_levels(self) -> int:
        """``2 j + 1``."""
        return int(self._tables[0].shape[0])

    @property
    def m(self) -> np.ndarray:
        """The magnetic quantum numbers ``-j, ..., j`` (the level order)."""
        return self._tables[0]

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """Levels ``m w``, shape ``S + (2j + 1,)``."""
        return np.asarray(control, dtype=float)[..., None] * self._tables[0]

    def coupling_in_eigenbasis(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """``S_x`` in the basis ``m = -j..j``: ``<m+1|S_x|m> = sqrt(j(j+1) - m(m+1)) / 2``."""
        return self._tables[1]


__all__ = ["Spin"]
