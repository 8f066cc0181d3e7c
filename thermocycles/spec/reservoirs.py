"""Heat reservoirs: a temperature, a coupling rate, and the detailed-balance rate model."""

from __future__ import annotations

from typing import Any, Mapping

import attrs
import numpy as np

from .dynamics import tanh_rate_matrix
from .units import RATE, TEMPERATURE
from .values import POSITIVE, Component, _check_identifier, value_field


@attrs.frozen(kw_only=True)
class Reservoir(Component):
    """A heat reservoir at fixed temperature, coupled to the substance at a rate ``coupling``.

    The jump rate between levels i -> j is ``gamma (1 + tanh(beta (eps_i - eps_j)/2))``
    (physics.md section 2), which obeys detailed balance and, for two levels, relaxes the
    excited population at the rate ``2 gamma``.

    Parameters
    ----------
    name : str
        Identifier of the reservoir; it names the parameters ``T_<name>`` and ``gamma_<name>`` and
        keys the heat exchanged with it.
    temperature : float, ndarray or Quantity
        Temperature (> 0).
    coupling : float, ndarray or Quantity
        Coupling rate gamma (> 0).

    Examples
    --------
    >>> import thermocycles as tc
    >>> cold = tc.Reservoir(name="c", temperature=tc.Q_(50, "mK"), coupling=tc.Q_(1, "MHz"))
    >>> cold.temperature
    <Quantity(50, 'millikelvin')>
    """

    name: str = attrs.field(validator=_check_identifier)
    temperature: Any = value_field(TEMPERATURE, "T", constraint=POSITIVE)
    coupling: Any = value_field(RATE, "gamma", constraint=POSITIVE)

    def rate_matrix(self, energies: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """Rate matrix ``R[..., j, i]`` (rate of i -> j) at the given energies, natural units.

        Parameters
        ----------
        energies : ndarray, shape (..., N)
        values : mapping
            This reservoir's numeric fields in natural units (``temperature``, ``coupling``).
        """
        return tanh_rate_matrix(energies, 1.0 / values["temperature"], values["coupling"])
