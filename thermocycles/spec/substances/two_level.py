"""The paper's two-level working substance: levels ``w`` and ``2 w``."""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import attrs
import numpy as np

from .base import Substance

_TWO_LEVEL_FACTORS = np.array([1.0, 2.0])


@attrs.frozen(kw_only=True)
class TwoLevelSubstance(Substance):
    """Two levels with energies ``eps_g = w`` and ``eps_e = 2 w`` (gap ``w``), as in the paper.

    The control parameter ``w`` is an angular frequency (level energy ``hbar w``); see
    :mod:`thermocycles.units` for how frequencies with units are read. The occupation
    ``n = p_g + 2 p_e`` gives the energy ``E = n w``. The Hamiltonian is diagonal in a fixed basis
    (no coherence, no quantum friction); the levels are coupled to reservoirs with ``|A_ge|^2 = 1``.

    Examples
    --------
    >>> import numpy as np
    >>> TwoLevelSubstance().energies(np.array(3.0), {})
    array([3., 6.])
    """

    n_levels: ClassVar[int] = 2

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.asarray(control, dtype=float)[..., None] * _TWO_LEVEL_FACTORS
