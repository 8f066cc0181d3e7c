"""Heat reservoirs: a temperature, a coupling rate and a bath law."""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import attrs
import numpy as np

from ..errors import ParameterError, brief
from ..units import RATE, TEMPERATURE
from .laws import LAWS, TANH, BathLaw, as_law
from .values import POSITIVE, Component, check_identifier, value_field


def _is_law(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, BathLaw):
        raise ParameterError(
            f"{type(instance).__name__}.law must be one of {', '.join(map(repr, LAWS))}, a callable "
            f"k(omega, beta, gamma) or a BathLaw; got {brief(value)}")


@attrs.frozen(kw_only=True)
class Reservoir(Component):
    """A heat reservoir at fixed temperature, coupled to the substance at the rate ``coupling``.

    The rate of a jump ``i -> j`` between eigenstates of the substance is
    ``|<j|A|i>|^2 k(E_i - E_j)``, with ``k`` the reservoir's law (:mod:`thermocycles.spec.laws`) and
    ``A`` the substance's coupling operator. With the default ``"tanh"`` law,
    ``k(omega) = gamma (1 + tanh(beta omega / 2))``: a two-level system relaxes at the rate
    ``2 gamma`` (``1/T1 = 2 gamma``), as in the paper (docs/explanation/physics.md, sections 2 and 8).

    Parameters
    ----------
    name : str
        Identifier of the reservoir; it names the parameters ``T_<name>`` and ``gamma_<name>`` and
        keys the heat exchanged with it.
    temperature : float, ndarray or Quantity
        Temperature (> 0).
    coupling : float, ndarray or Quantity
        Coupling rate gamma (> 0).
    law : {"tanh", "bosonic", "fermionic"}, callable or BathLaw
        The bath law ``k(omega, beta, gamma)``.

    Notes
    -----
    A subclass may instead override ``rate_matrix(energies, values)`` and return the Pauli rate
    matrix ``R[..., j, i]`` (rate of ``i -> j``) itself. Such a matrix is checked on every
    evaluation (rates >= 0, columns summing to zero, detailed balance unless the subclass sets
    ``detailed_balance = False``); it can only describe substances whose levels are all coupled
    pairwise with ``|A|^2 = 1``.

    Examples
    --------
    >>> import thermocycles as tc
    >>> cold = tc.Reservoir(name="c", temperature=tc.Q_(50, "mK"), coupling=tc.Q_(1, "MHz"))
    >>> cold.temperature, cold.law.name
    (<Quantity(50, 'millikelvin')>, 'tanh')
    """

    #: for a subclass overriding ``rate_matrix``: whether its rates obey detailed balance (checked)
    detailed_balance: ClassVar[bool] = True

    name: str = attrs.field(validator=check_identifier)
    temperature: Any = value_field(TEMPERATURE, "T", constraint=POSITIVE)
    coupling: Any = value_field(RATE, "gamma", constraint=POSITIVE)
    law: BathLaw = attrs.field(default=TANH, converter=as_law, validator=_is_law)

    @property
    def overrides_rate_matrix(self) -> bool:
        """True if a subclass supplies its own rate matrix instead of a law."""
        return type(self).rate_matrix is not Reservoir.rate_matrix

    def rate_matrix(self, energies: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """Pauli rate matrix ``R[..., j, i]`` (rate of ``i -> j``) at the given level energies, with
        every pair of levels coupled (``|A_ij|^2 = 1``), in natural units.

        Parameters
        ----------
        energies : ndarray, shape (..., N)
        values : mapping
            This reservoir's numeric fields in natural units (``temperature``, ``coupling``).
        """
        return self.law.rate_matrix(energies, 1.0 / np.asarray(values["temperature"]), values["coupling"])
