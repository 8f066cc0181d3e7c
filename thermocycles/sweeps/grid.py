"""What a sweep runs over: an outer-product grid of named parameters, or scattered points.

A grid maps parameter names of the cycle to 1-D arrays (one dimension each, outer product, in the
order given) or to scalars (the parameter is set, no dimension is added). Scattered points give
every swept parameter one value per point, along a single dimension ``point``.

Values
------
* A cycle built from plain numbers (natural units) takes plain numbers.
* A cycle built with units takes quantities (any unit of the parameter's kind, converted with the
  package's conventions, e.g. GHz as ``h * nu``), or plain numbers, which are read in the unit of the
  parameter as the cycle holds it (``cycle.parameters[name].units``). Coordinates are stored in
  that unit.

Every value is checked as when the cycle is built (signs, finiteness, the cycle's own rules), in
one vectorised construction of the cycle with the swept values as arrays.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Iterator, Mapping

import attrs
import numpy as np

from ..errors import DimensionError, ParameterError, ThermocyclesError
from ..spec.cycle import Cycle
from ..units import Q_, check_registry, is_quantity

#: name of the one dimension of a sweep over scattered points
POINT = "point"


@attrs.frozen(eq=False)
class Axis:
    """One swept (or fixed) parameter.

    Attributes
    ----------
    name : str
        The parameter's name.
    coordinate : ndarray
        Values as stored in the Dataset: plain numbers (natural units), or magnitudes in
        :attr:`unit` for a cycle with units.
    natural : ndarray
        The same values in natural units (what the model evaluates).
    given : Any
        The values as handed to :meth:`Cycle.with_parameters` (quantities for a cycle with units).
    unit : str or None
        Unit of the coordinate (None for a cycle in natural units).
    """

    name: str
    coordinate: np.ndarray
    natural: np.ndarray
    given: Any
    unit: str | None

    def given_at(self, i: int) -> Any:
        """The value at index ``i``, as :meth:`Cycle.with_parameters` takes it."""
        if self.unit is None:
            return float(self.given[i])
        return self.given[i]


@attrs.frozen(eq=False)
class Grid:
    """A parsed sweep: its dimensions, swept axes and fixed parameters.

    Attributes
    ----------
    dims : tuple of str
        Dimension names (the swept parameters, or ``("point",)``).
    shape : tuple of int
    axes : tuple of Axis
        Swept parameters (for points, all along the ``point`` dimension).
    fixed : tuple of Axis
        Parameters set to one value (0-d arrays).
    points : bool
        True for scattered points.
    """

    dims: tuple[str, ...]
    shape: tuple[int, ...]
    axes: tuple[Axis, ...]
    fixed: tuple[Axis, ...]
    points: bool

    @property
    def size(self) -> int:
        """Number of points."""
        return math.prod(self.shape)

    def fixed_natural(self) -> dict[str, Any]:
        """Natural values of the fixed parameters."""
        return {a.name: float(a.natural) for a in self.fixed}

    def point(self, flat: int) -> dict[str, Any]:
        """The parameter values of point ``flat`` (C order), as :meth:`Cycle.with_parameters` takes them."""
        values = {a.name: a.given for a in self.fixed}
        if self.points:
            values.update({a.name: a.given_at(flat) for a in self.axes})
        else:
            index = np.unravel_index(flat, self.shape)
            values.update({a.name: a.given_at(int(i)) for a, i in zip(self.axes, index)})
        return values

    def chunks(self, chunk_size: int) -> Iterator[tuple[tuple[Any, ...], dict[str, Any], int]]:
        """Blocks of at most ``chunk_size`` points: (index into the output, natural values, size).

        An outer-product grid is cut into hyper-rectangles along its leading dimensions, so that a
        block keeps the grid's broadcasting (a function of one parameter is computed once per
        value, not once per point); the index is a tuple of ints and one slice. Points are cut
        into consecutive slices.
        """
        if self.points:
            for s in range(0, self.size, chunk_size):
                e = min(s + chunk_size, self.size)
                yield (slice(s, e),), {a.name: a.natural[s:e] for a in self.axes}, e - s
            return
        shape, k = self.shape, len(self.shape)
        if k == 0:
            yield (), {}, 1
            return
        trailing = [math.prod(shape[j + 1:]) for j in range(k)]
        a = next(j for j in range(k) if trailing[j] <= chunk_size)
        block = max(1, chunk_size // trailing[a])
        if a == 0 and shape[0] <= block:
            block = shape[0]
        later = {ax.name: ax.natural.reshape((-1,) + (1,) * (k - 1 - j))
                 for j, ax in enumerate(self.axes) if j > a}
        for lead in itertools.product(*(range(n) for n in shape[:a])):
            for s in range(0, shape[a], block):
                e = min(s + block, shape[a])
                values = {ax.name: ax.natural[i] for ax, i in zip(self.axes, lead)}
                values[self.axes[a].name] = self.axes[a].natural[s:e].reshape((-1,) + (1,) * (k - 1 - a))
                values.update(later)
                yield (*lead, slice(s, e)), values, (e - s) * trailing[a]


def _values(cycle: Cycle, name: str, raw: Any, where: str) -> tuple[Any, np.ndarray, str | None]:
    """(given, coordinate, unit) of one grid entry, before the cycle's own checks."""
    spec = cycle.parameter_specs[name]
    held = spec.value
    if is_quantity(raw):
        check_registry(raw, where)
        if not cycle.has_units or not is_quantity(held):
            raise DimensionError(
                f"{where} has units ({raw.units:~P}) but the cycle uses plain numbers (natural units) "
                f"for {name}; give plain numbers")
        magnitude = np.asarray(raw.magnitude)
        if magnitude.dtype.kind not in "fiu" or magnitude.dtype.kind == "b":
            raise ParameterError(f"{where} must hold numbers; got {raw!r}")
        as_float = np.asarray(magnitude, dtype=float)
        given = Q_(float(as_float) if as_float.ndim == 0 else as_float, raw.units)
        return given, as_float, None  # coordinate filled in after conversion
    try:
        array = np.asarray(raw)
    except Exception:  # ragged sequences and the like
        raise ParameterError(f"{where} must be a number or a 1-D array of numbers; got {raw!r}") from None
    if array.dtype.kind not in "fiu":
        raise ParameterError(f"{where} must be a number or a 1-D array of numbers; got {raw!r}")
    array = np.array(array, dtype=float)
    plain: Any = float(array) if array.ndim == 0 else array
    if cycle.has_units and is_quantity(held):
        return Q_(plain, held.units), array, short_unit_text(held.units)
    return plain, array, None


def short_unit_text(units: Any) -> str:
    """A unit as a short ASCII string that pint parses back (``"us"``, ``"GHz"``, ``"mK"``)."""
    text = f"{units:~}".replace("µ", "u").replace(" ", "")
    return text if text.isascii() else str(units)


def parse(cycle: Cycle, grid: Mapping[str, Any] | None, points: Mapping[str, Any] | None) -> Grid:
    """Check a sweep's grid (or points) against a cycle and convert it to natural units.

    Parameters
    ----------
    cycle : Cycle
    grid : mapping of str to scalar or 1-D array, optional
        Outer product, one dimension per array entry, in the order given.
    points : mapping of str to 1-D array, optional
        Scattered points: equal lengths, one dimension ``point`` (scalars set a parameter).

    Examples
    --------
    >>> import numpy as np
    >>> import thermocycles as tc
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
    ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> g = parse(fridge, {"w_b": np.linspace(2.5, 6, 4), "tau_c": [0.1, 1.0], "T_h": 3.0}, None)
    >>> g.dims, g.shape, [a.name for a in g.fixed]
    (('w_b', 'tau_c'), (4, 2), ['T_h'])
    """
    if not isinstance(cycle, Cycle):
        raise ParameterError(f"sweep needs a Cycle; got {cycle!r}")
    if (grid is None) == (points is None):
        raise ParameterError("sweep needs either a grid (outer product) or points= (scattered points), "
                             "not both" if grid is not None else
                             "sweep needs a grid, e.g. {'w_b': np.linspace(2.5, 6, 40)}, or points=")
    entries = grid if grid is not None else points
    label = "grid" if grid is not None else "points"
    if not isinstance(entries, Mapping) or not entries:
        raise ParameterError(f"sweep {label} must be a non-empty dict of parameter name to values; got {entries!r}")
    names = cycle.parameter_names
    shaped = [n for n, v in cycle.model.defaults.items() if np.ndim(v) != 0 and n not in entries]
    if shaped:
        raise ParameterError(
            f"sweep needs a cycle with scalar parameters; {', '.join(shaped)} are arrays (sweep them "
            f"through the grid instead)")
    parsed: list[tuple[str, Any, np.ndarray, str | None]] = []
    for name, raw in entries.items():
        where = f"sweep {label}[{name!r}]"
        if name not in names:
            raise ParameterError(f"{where}: no parameter of this cycle is called {name!r}; valid names: "
                                 f"{', '.join(names)}")
        given, coordinate, unit = _values(cycle, name, raw, where)
        if coordinate.ndim > 1:
            raise ParameterError(f"{where} must be a scalar or a 1-D array; got an array of shape "
                                 f"{coordinate.shape}")
        if coordinate.ndim == 1 and coordinate.size == 0:
            raise ParameterError(f"{where} is empty (shape (0,)); give at least one value")
        parsed.append((name, given, coordinate, unit))
    swept = [p for p in parsed if p[2].ndim == 1]
    fixed = [p for p in parsed if p[2].ndim == 0]
    if points is not None:
        if not swept:
            raise ParameterError("sweep points= needs at least one 1-D array (one value per point)")
        lengths = {name: c.shape for name, _, c, _ in swept}
        if len({s[0] for s in lengths.values()}) > 1:
            raise ParameterError("sweep points= must give every parameter the same number of values; got "
                                 + ", ".join(f"{n}: shape {s}" for n, s in lengths.items()))
        shape: tuple[int, ...] = (swept[0][2].size,)
        dims: tuple[str, ...] = (POINT,)
        shaped_given = {name: given for name, given, _, _ in swept}
    else:
        shape = tuple(c.size for _, _, c, _ in swept)
        dims = tuple(name for name, _, _, _ in swept)
        k = len(swept)
        shaped_given = {name: given.reshape((-1,) + (1,) * (k - 1 - j))
                        for j, (name, given, _, _) in enumerate(swept)}
    shaped_given.update({name: given for name, given, _, _ in fixed})
    try:  # the cycle's own checks, vectorised (signs, finiteness, joins, mode rules of its parts)
        checked = cycle.with_parameters(**shaped_given)
    except ThermocyclesError as exc:
        raise type(exc)(f"sweep {label}: {exc}") from None
    specs = checked.parameter_specs

    def axis(name: str, given: Any, coordinate: np.ndarray, unit: str | None) -> Axis:
        natural = np.asarray(checked.model.defaults[name], dtype=float).reshape(coordinate.shape)
        if is_quantity(given):
            held = cycle.parameter_specs[name].value
            unit = short_unit_text(held.units)
            if given.units == held.units:
                coordinate = np.asarray(given.magnitude, dtype=float)
            else:  # the kind's conventions (2 pi for frequencies), not pint's plain conversion
                coordinate = np.asarray(specs[name].kind.like(natural, held).m_as(held.units), dtype=float)
        natural = np.array(natural)
        natural.flags.writeable = False
        return Axis(name, np.asarray(coordinate, dtype=float), natural, given, unit)

    return Grid(dims, shape, tuple(axis(*p) for p in swept), tuple(axis(*p) for p in fixed),
                points is not None)


__all__ = ["Axis", "Grid", "POINT", "parse"]
