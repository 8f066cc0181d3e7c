"""Working substances: map the control parameter to level energies.

A substance is a frozen attrs class deriving from :class:`Substance`. It declares its own numeric
fields (if any) with :func:`thermocycles.values.value_field` and implements :meth:`Substance.energies`
on natural-unit floats. Everything else (thermal states, rates, strokes, the periodic state) is
generic over the number of levels.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import attrs
import numpy as np

from .units import ENERGY, Kind
from .values import POSITIVE, Component


@attrs.frozen(kw_only=True)
class Substance(Component):
    """Base class of working substances.

    Subclasses set the class attributes below and implement :meth:`energies`.

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

    n_levels: ClassVar[int]
    control_symbol: ClassVar[str] = "w"
    control_kind: ClassVar[Kind] = ENERGY
    control_constraint: ClassVar[str | None] = POSITIVE

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """Level energies at the control value(s), natural units.

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


_TWO_LEVEL_FACTORS = np.array([1.0, 2.0])


@attrs.frozen(kw_only=True)
class TwoLevelSubstance(Substance):
    """Two levels with energies ``eps_g = w`` and ``eps_e = 2 w`` (gap ``w``), as in the paper.

    The control parameter ``w`` is an angular frequency (level energy ``hbar w``); see
    :mod:`thermocycles.units` for how frequencies with units are read. The occupation
    ``n = p_g + 2 p_e`` gives the energy ``E = n w``.

    Examples
    --------
    >>> import numpy as np
    >>> TwoLevelSubstance().energies(np.array(3.0), {})
    array([3., 6.])
    """

    n_levels: ClassVar[int] = 2

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.asarray(control, dtype=float)[..., None] * _TWO_LEVEL_FACTORS
