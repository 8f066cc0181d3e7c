"""The package's one unit registry, and conversion between pint quantities and natural units.

Natural units
-------------
The numerical core works on plain floats in natural units, hbar = k_B = 1, as the literature
does. Plain numbers given by a user are taken to be in natural units already. Quantities are
converted once, when a cycle is built, with the energy unit ``E0 = k_B * 1 K`` and the time unit
``t0 = hbar / E0`` (about 7.64 ps). A temperature of 1 K is therefore the natural number 1.0.
Dimensionless results (COP, efficiency, beta*w, gamma*tau) do not depend on this choice.

Frequency convention (read this once)
-------------------------------------
A level frequency ``w`` is an *angular* frequency: the level energy is ``hbar * w``.
pint cannot tell hertz from radian per second (both are 1/s), so thermocycles looks at the unit
as written:

* an energy (``Q_(20, "ueV")``) is used as it is: ``hbar*w`` = 20 ueV;
* an angle per time (``Q_(2e9, "rad/s")``, ``Q_(1, "rad*GHz")``, ``Q_(1, "turn/s")``) is an angular
  frequency ``w``: the energy is ``hbar * w`` (one turn is 2*pi rad);
* hertz (``Q_(5, "GHz")``) is an ordinary frequency ``nu`` (cycles per second): the energy is
  ``h * nu = hbar * 2*pi*nu``, as when one says "a 5 GHz qubit";
* a bare inverse time (``Q_(1e9, "1/s")``) is ambiguous and rejected with an error.

Coupling rates are rates, not angular frequencies: ``Q_(1, "MHz")`` and ``Q_(1e6, "1/s")`` are the
same rate and no 2*pi enters. A rate may also be given as an energy ``hbar*gamma``.
"""

from __future__ import annotations

import functools
import math
import sys
from typing import TYPE_CHECKING, Any, Callable

import attrs
import numpy as np

from .errors import DimensionError, brief

if TYPE_CHECKING:
    import pint

    #: The package's unit registry: pint's application registry, so that quantities unpickled in
    #: another process (a worker of a process pool or a Dask cluster) belong to the same registry.
    #: Build quantities with ``thermocycles.Q_`` (or ``ureg.Quantity``, or ``pint.Quantity``).
    ureg: pint.UnitRegistry
    #: ``ureg.Quantity``
    Q_: type[pint.Quantity]


@functools.cache
def _registry() -> pint.UnitRegistry:
    """The one registry, ``ureg``: built (pint imported) on first use, so that a program working in
    natural units never pays for it (pint and its registry take ~0.4 s to load)."""
    import pint  # noqa: PLC0415 (slow to import; see above)

    return pint.get_application_registry().get()


def __getattr__(name: str) -> Any:
    """``ureg`` and ``Q_`` on first use (PEP 562); the same objects every time."""
    if name == "ureg":
        value: Any = _registry()
    elif name == "Q_":
        value = _registry().Quantity
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value

#: Natural energy unit in joule: k_B * 1 K (exact in SI).
ENERGY_UNIT_J = 1.380649e-23
#: hbar in J s: h / (2 pi), with h exact in SI (CODATA's 1.054571817e-34 is h/2pi rounded).
HBAR_J_S = 6.62607015e-34 / (2 * math.pi)
#: Natural time unit in second: hbar / (k_B * 1 K).
TIME_UNIT_S = HBAR_J_S / ENERGY_UNIT_J
#: k_B in J/K, the natural unit of entropy.
ENTROPY_UNIT_J_PER_K = ENERGY_UNIT_J

_ANGLE_UNITS = {"radian", "degree", "turn", "revolution", "cycle", "arcminute", "arcsecond", "grade",
                "revolutions_per_minute"}


def _unit_names(q: pint.Quantity) -> set[str]:
    names = set()
    for name in q._units:
        for _prefix, unit, _suffix in _registry().parse_unit_name(name):
            names.add(unit)
    return names


_DIMENSIONS: dict[str, Any] = {}


def _is(q: pint.Quantity, dimension: str) -> bool:
    dim = _DIMENSIONS.get(dimension)
    if dim is None:
        dim = _DIMENSIONS[dimension] = _registry().get_dimensionality(dimension)
    return q.dimensionality == dim


@attrs.frozen
class Kind:
    """A physical kind of value: how to check it, convert it to natural units and back.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"temperature"``.
    expected : str
        What a user may pass, used in error messages.
    unit : str
        Unit of results of this kind when a cycle carries units.
    scale : float
        Magnitude in ``unit`` of one natural unit of this kind.
    """

    name: str
    expected: str
    unit: str
    scale: float
    _parse: Callable[[pint.Quantity], Any] | None = None
    example: str = ""

    def to_natural(self, q: pint.Quantity) -> Any:
        """Magnitude of ``q`` in natural units, or None if its dimension does not fit this kind."""
        if self._parse is None:  # a result kind: accept its own unit's dimension
            if q.dimensionality != _registry().Quantity(1.0, self.unit).dimensionality:
                return None
            return q.m_as(self.unit) / self.scale
        return self._parse(q)

    def like(self, natural: Any, example: Any) -> Any:
        """A natural value as a quantity in the units of ``example`` (a quantity of this kind).

        Conversion to natural units is linear, so the natural value of one ``example`` unit gives
        the factor back; this keeps the 2 pi convention of frequencies (GHz stays h*nu).
        """
        if not is_quantity(example) or not example._ok_for_muldiv():
            return self.wrap(natural)
        return _registry().Quantity(natural / _factor(self, example.units), example.units)

    def wrap(self, natural: Any) -> pint.Quantity:
        """A natural-unit value as a quantity in :attr:`unit`."""
        return _registry().Quantity(natural * self.scale, self.unit)


def _temperature(q):
    if _is(q, "[temperature]"):
        return q.to("K").magnitude
    if _is(q, "[energy]"):
        return q.m_as("J") / ENERGY_UNIT_J
    return None


def _level_energy(q):
    if _is(q, "[energy]"):
        return q.m_as("J") / ENERGY_UNIT_J
    if _is(q, "[temperature]"):
        return q.to("K").magnitude
    if _is(q, "1/[time]"):
        names = _unit_names(q)
        if names & _ANGLE_UNITS:
            return q.m_as("rad/s") * TIME_UNIT_S
        if "hertz" in names:
            return 2 * math.pi * q.m_as("Hz") * TIME_UNIT_S
        raise DimensionError(
            "an inverse time without 'rad' or 'Hz' is ambiguous as a level frequency: write "
            "Q_(w, 'rad/s') for an angular frequency (energy hbar*w), Q_(nu, 'Hz') for an ordinary "
            "frequency (energy h*nu), or give the energy itself (e.g. 'ueV')"
        )
    return None


def _rate(q):
    if _is(q, "1/[time]"):
        return q.m_as("1/s") * TIME_UNIT_S
    if _is(q, "[energy]"):
        return q.m_as("J") / ENERGY_UNIT_J
    return None


def _time(q):
    if _is(q, "[time]"):
        return q.m_as("s") / TIME_UNIT_S
    return None


def _dimensionless(q):
    if q.dimensionless:
        return q.m_as("")
    return None


#: A temperature: kelvin, or an energy k_B T, or a number in natural units.
TEMPERATURE = Kind(
    "temperature",
    "a temperature (e.g. Q_(50, 'mK')) or an energy k_B*T, or a plain number in natural units",
    "K", 1.0, _temperature, "Q_(50, 'mK')",
)
#: A level energy: joule, an angular frequency (energy hbar w), an ordinary frequency (energy h nu).
ENERGY = Kind(
    "energy",
    "an energy (e.g. Q_(20, 'ueV')), an angular frequency (Q_(w, 'rad/s')), an ordinary "
    "frequency (Q_(nu, 'GHz'), energy h*nu), or a plain number in natural units",
    "J", ENERGY_UNIT_J, _level_energy, "Q_(20, 'ueV') or Q_(5, 'GHz')",
)
#: A coupling rate: 1/s or Hz (a rate, never multiplied by 2 pi), or an energy hbar gamma.
RATE = Kind(
    "rate",
    "a rate (e.g. Q_(1e6, '1/s') or Q_(1, 'MHz')) or an energy hbar*gamma, "
    "or a plain number in natural units",
    "1/s", 1.0 / TIME_UNIT_S, _rate, "Q_(1, 'MHz')",
)
#: A duration: seconds, or a number in natural units (the unit of time is hbar / (k_B x 1 K)).
TIME = Kind(
    "time", "a duration (e.g. Q_(1, 'us')) or a plain number in natural units",
    "s", TIME_UNIT_S, _time, "Q_(1, 'us')",
)
#: A plain number.
DIMENSIONLESS = Kind("dimensionless", "a plain number", "", 1.0, _dimensionless)
POWER = Kind("power", "a power", "W", ENERGY_UNIT_J / TIME_UNIT_S, None, "Q_(1, 'aW')")
ENTROPY = Kind("entropy", "an entropy", "J/K", ENTROPY_UNIT_J_PER_K)
ENTROPY_RATE = Kind("entropy rate", "an entropy per time", "W/K", ENTROPY_UNIT_J_PER_K / TIME_UNIT_S)
INVERSE_ENERGY = Kind("inverse energy", "an inverse energy", "1/J", 1.0 / ENERGY_UNIT_J)
ENERGY_POWER = Kind("energy times power", "energy times power", "J*W",
                    ENERGY_UNIT_J * ENERGY_UNIT_J / TIME_UNIT_S)


@functools.lru_cache(maxsize=512)
def _factor(kind: Kind, units: Any) -> float | None:
    """Natural value of one ``units`` of ``kind`` (conversions to natural units are linear), or
    None if the dimension does not fit. Cached: pint conversions cost ~10 us each."""
    natural = kind.to_natural(_registry().Quantity(1.0, units))
    return None if natural is None else float(natural)


def is_quantity(value: Any) -> bool:
    """True if ``value`` is a pint quantity (of any registry).

    No value can be one before pint is imported, so a program in natural units never imports it.
    """
    pint = sys.modules.get("pint")
    return pint is not None and isinstance(value, pint.Quantity)


def check_registry(value: pint.Quantity, where: str) -> None:
    """Raise if ``value`` was built with another registry than :data:`ureg`."""
    registry = _registry()
    if getattr(value, "_REGISTRY", registry) is not registry:
        raise DimensionError(
            f"{where} was built with another pint UnitRegistry; build quantities with "
            f"thermocycles.Q_ (or thermocycles.ureg) so that units can be compared"
        )


def to_natural(value: pint.Quantity, kind: Kind, where: str) -> Any:
    """Convert a quantity to a float or ndarray in natural units, checking its dimension.

    Parameters
    ----------
    value : pint.Quantity
        The quantity to convert.
    kind : Kind
        The physical kind the value must have.
    where : str
        ``"Class.field"``, for the error message.

    Examples
    --------
    >>> from thermocycles.units import Q_, TEMPERATURE, to_natural
    >>> to_natural(Q_(50, "mK"), TEMPERATURE, "Reservoir.temperature")
    0.05
    """
    check_registry(value, where)
    try:
        factor = _factor(kind, value.units) if value._ok_for_muldiv() else None
        natural = value.magnitude * factor if factor is not None else kind.to_natural(value)
    except DimensionError as exc:
        raise DimensionError(f"{where}: {exc}; got {brief(value)}") from None
    if natural is None:
        raise DimensionError(f"{where} must be {kind.expected}; got {brief(value)}")
    if np.ndim(natural):
        natural = np.array(natural, dtype=float)  # a copy: later edits of the quantity stay out
        natural.flags.writeable = False
        return natural
    return float(natural)
