"""Numeric fields of components: declaration, validation, named parameters.

Components (reservoirs, substances, strokes) declare their numeric fields with
:func:`value_field`, which records the field's physical kind, its parameter symbol and its sign
constraint in the attrs metadata. :class:`Component` validates every such field when an object is
built (and so also after ``attrs.evolve``). A value is a plain number or ndarray in natural units, a
pint quantity, or a :class:`Parameter` that names it so that several fields share one value and
plugins can address it by name.
"""

from __future__ import annotations

import contextlib
import contextvars
import keyword
import math
import numbers
from typing import Any, Iterator, Mapping

import attrs
import numpy as np

from ..errors import DimensionError, ParameterError, brief
from ..units import DIMENSIONLESS, Kind, is_quantity, to_natural

_META_KEY = "thermocycles"

POSITIVE = "positive"
NONNEGATIVE = "nonnegative"


def _normalize(value: Any) -> Any:
    """Plain numbers to float, sequences to read-only float arrays; quantities, parameters untouched.

    Quantities wrapping arrays are the user's own objects; their magnitudes are copied when the
    cycle converts them to natural units, so later changes to them do not reach a built cycle.
    """
    if isinstance(value, (Parameter, bool, np.bool_)) or is_quantity(value):
        return value
    if isinstance(value, (numbers.Real, np.integer, np.floating)):  # int, float, Fraction, numpy scalars
        try:
            return float(value) + 0.0  # + 0.0: -0.0 is zero, with no sign to leak into 1/x
        except (TypeError, ValueError, OverflowError):
            return value  # validation explains
    if is_quantity(value) and isinstance(value.magnitude, np.ndarray):
        return type(value)(frozen_array(value.magnitude), value.units)
    if isinstance(value, (list, tuple, np.ndarray)):
        array = frozen_array(value)
        return array if array is not None else value
    return value


def frozen_array(value: Any) -> np.ndarray | None:
    """A read-only float copy of a real numeric array-like, or None if it is not one.

    Strings, booleans and complex numbers are not converted (validation then rejects them): numpy
    would otherwise parse ``"1.0"``, cast ``True`` to 1 and drop imaginary parts.
    """
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        return None
    if raw.dtype.kind not in "iuf":
        return None
    if isinstance(value, (list, tuple)):  # numpy casts [1.0, True] to floats: look at the items
        items = np.asarray(value, dtype=object).flat
        if any(isinstance(x, (bool, np.bool_)) for x in items):
            return None
    array = np.array(raw, dtype=float)  # a copy, read-only: a frozen object stays as validated
    array += 0.0  # -0.0 becomes 0.0 (a zero with no sign to leak into 1/x)
    array.flags.writeable = False
    return array


def values_equal(a: Any, b: Any) -> bool:
    """Equality of two field values that works for arrays and quantities."""
    if isinstance(a, Parameter) or isinstance(b, Parameter):
        return isinstance(a, Parameter) and isinstance(b, Parameter) and a == b
    if is_quantity(a) != is_quantity(b):
        return False
    if is_quantity(a):
        if a.dimensionality != b.dimensionality:
            return False
        try:
            return bool(np.array_equal(np.asarray(a.magnitude), np.asarray(b.to(a.units).magnitude)))
        except Exception:  # pint refuses the conversion (e.g. Hz against rad/s): not equal
            return False
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except Exception:
        return a is b


_value_eq = attrs.cmp_using(eq=values_equal)


def check_identifier(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, str) or not value.isidentifier() or keyword.iskeyword(value):
        raise ParameterError(
            f"{type(instance).__name__}.{attribute.name} must be a Python identifier "
            f"(letters, digits, underscores, e.g. 'w_a'); got {brief(value)}"
        )


@attrs.frozen
class Parameter:
    """A named value that several fields of a cycle share, and that plugins address by name.

    Parameters
    ----------
    name : str
        The parameter's name, a Python identifier (e.g. ``"w_a"``).
    value : float, ndarray or pint.Quantity
        Its value; its kind is checked against every field that uses it.

    Examples
    --------
    >>> import thermocycles as tc
    >>> w_a = tc.Parameter("w_a", 1.0)
    >>> tc.Isochore(name="c", reservoir=tc.Reservoir(name="c", temperature=1.0, coupling=1.0),
    ...             control=w_a, duration=0.5).control.name
    'w_a'
    """

    name: str = attrs.field(validator=check_identifier)
    value: Any = attrs.field(converter=_normalize, eq=_value_eq, hash=False)


@attrs.frozen
class ValueSpec:
    """Metadata of a numeric field: its kind, parameter symbol and sign constraint.

    ``kind is None`` marks a control field, whose kind is the substance's control kind.
    """

    kind: Kind | None
    symbol: str | None
    constraint: str | None
    control: bool = False


def value_field(
    kind: Kind | None,
    symbol: str | None = None,
    *,
    constraint: str | None = None,
    default: Any = attrs.NOTHING,
    control: bool = False,
) -> Any:
    """Declare a numeric field of a component.

    Parameters
    ----------
    kind : Kind or None
        Physical kind (:data:`thermocycles.units.TEMPERATURE`, ...); None for a control field.
    symbol : str, optional
        Symbol used to name the field's parameter when it is not a :class:`Parameter`
        (a reservoir's ``temperature`` with symbol ``"T"`` in reservoir ``"c"`` becomes ``T_c``).
    constraint : {"positive", "nonnegative", None}
        Sign constraint, checked elementwise.
    default : optional
        Default value.
    control : bool
        True for a field holding a value of the substance's control parameter.
    """
    if kind is None and not control:
        raise ParameterError(f"value_field(None, {symbol!r}): a field without a physical kind must be a control "
                             f"field (control=True); give other fields a kind, e.g. thermocycles.extend.DIMENSIONLESS")
    if kind is not None and control:
        raise ParameterError(f"value_field({kind!r}, control=True): a control field takes the substance's kind; "
                             f"pass None as its kind")
    return attrs.field(
        default=default,
        kw_only=True,
        converter=_normalize,
        eq=_value_eq,
        hash=False,
        metadata={_META_KEY: ValueSpec(kind, symbol, constraint, control)},
    )


def value_specs(cls: type) -> tuple[tuple[str, ValueSpec], ...]:
    """The numeric fields of an attrs class, as (field name, spec) pairs, in declaration order."""
    cached = _SPECS.get(cls)
    if cached is None:
        cached = tuple((f.name, f.metadata[_META_KEY]) for f in attrs.fields(cls)
                       if _META_KEY in f.metadata)
        _SPECS[cls] = cached
    return cached


_SPECS: dict[type, tuple[tuple[str, ValueSpec], ...]] = {}


def describe_value(value: Any) -> str:
    """A value as error messages show it, briefly (quantity with units, array shape and dtype,
    parameter name; see :func:`thermocycles.errors.brief`)."""
    if isinstance(value, Parameter):
        return f"{describe_value(value.value)} (parameter {value.name!r})"
    return brief(value)


def check_finite(natural: Any, where: str, expected: str, given: Any) -> None:
    """Raise unless ``natural`` is a finite real number or a non-empty array of them."""
    if type(natural) is float and math.isfinite(natural):
        return
    try:
        arr = np.asarray(natural)
    except Exception:  # e.g. a ragged sequence inside a quantity
        raise ParameterError(f"{where} must be {expected}; got {describe_value(given)}") from None
    if arr.dtype.kind not in "fiu":
        raise ParameterError(f"{where} must be {expected}; got {describe_value(given)}")
    if arr.size == 0:
        raise ParameterError(f"{where}: empty array (shape {arr.shape}); give at least one value")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = np.argwhere(bad)[0]
        at = f" (element {tuple(int(i) for i in idx)} is {arr[tuple(idx)]})" if arr.ndim else ""
        raise ParameterError(f"{where} must be finite; got {describe_value(given)}{at}")


def check_constraint(natural: Any, constraint: str | None, where: str, given: Any) -> None:
    """Raise unless ``natural`` satisfies the sign constraint elementwise."""
    if constraint is None:
        return
    if type(natural) is float and (natural > 0 if constraint == POSITIVE else natural >= 0):
        return
    arr = np.asarray(natural)
    bad = arr <= 0 if constraint == POSITIVE else arr < 0
    if bad.any():
        expected = "> 0" if constraint == POSITIVE else ">= 0"
        idx = np.argwhere(bad)[0] if arr.ndim else ()
        at = f" (element {tuple(int(i) for i in idx)} is {arr[tuple(idx)]:g})" if arr.ndim else ""
        raise ParameterError(f"{where} must be {expected}; got {describe_value(given)}{at}")


def natural_value(raw: Any, kind: Kind | None, where: str) -> Any:
    """Validate one field value and return it in natural units (float or float ndarray).

    A control field (``kind is None``) is only checked to be numeric and finite; a quantity in a
    control field is returned unchanged, for the cycle to convert with the substance's kind.
    """
    if isinstance(raw, Parameter):
        return natural_value(raw.value, kind, f"{where} (parameter {raw.name!r})")
    expected = kind.expected if kind is not None else "a real number, array or quantity"
    if isinstance(raw, (bool, np.bool_, list, tuple, str)) or raw is None:
        # lists and tuples reach here only when they are not all real numbers (see _normalize)
        raise ParameterError(f"{where} must be {expected}; got {describe_value(raw)}")
    if is_quantity(raw):
        check_finite(raw.magnitude, where, expected, raw)
        if kind is None:
            return raw
        return to_natural(raw, kind, where)
    check_finite(raw, where, expected, raw)
    return raw


def value_shape(natural: Any) -> tuple[int, ...]:
    """The array shape of a validated value (of its magnitude, for a quantity); ``()`` for a scalar."""
    if type(natural) is float:  # (the common case: no numpy call)
        return ()
    return tuple(np.shape(natural.magnitude if is_quantity(natural) else natural))


#: the natural values of every parameter of a cycle being rebuilt from values already checked (see
#: :func:`prevalidated`), or None: components then skip their per-field checks, the parameter table
#: takes these values instead of converting and checking each field again
_PREVALIDATED: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar(
    "thermocycles_prevalidated", default=None)


@contextlib.contextmanager
def prevalidated(naturals: Mapping[str, Any]) -> Iterator[None]:
    """Rebuild components and a cycle from values that are already checked (used by
    ``Cycle.with_parameters``, which checks each new value once, with the parameter's kind, its
    strongest sign constraint and the broadcast against every other parameter: the checks of the
    fields that read it are implied). Units mixing is still checked.

    Examples
    --------
    >>> from thermocycles.spec.reservoirs import Reservoir
    >>> with prevalidated({}):
    ...     Reservoir(name="c", temperature=1.0, coupling=1.0).temperature
    1.0
    """
    token = _PREVALIDATED.set(naturals)
    try:
        yield
    finally:
        _PREVALIDATED.reset(token)


def prevalidated_values() -> Mapping[str, Any] | None:
    """The natural values set by :func:`prevalidated`, or None outside it."""
    return _PREVALIDATED.get()


def check_broadcast(owner: str, shapes: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The common broadcast shape of named arrays; raise a ParameterError naming two that clash.

    Parameters
    ----------
    owner : str
        The class or function the values were given to (``"Cycle"``, ``"Cycle.with_parameters"``).
    shapes : dict of str to tuple
        The shape of each value, by the name the user knows it by (a field or a parameter).

    Examples
    --------
    >>> check_broadcast("Cycle", {"T_c": (3, 1), "w_b": (4,)})
    (3, 4)
    >>> check_broadcast("Cycle", {"T_c": (3,), "tau_c": (), "w_b": (4,)})
    Traceback (most recent call last):
    ...
    thermocycles.errors.ParameterError: Cycle: T_c has shape (3,) and w_b has shape (4,), which do not
    broadcast together (numpy rules: ...)
    """
    arrays = {name: shape for name, shape in shapes.items() if shape}
    try:
        return tuple(np.broadcast_shapes(*arrays.values())) if arrays else ()
    except ValueError:
        pass
    names = list(arrays)
    for j, b in enumerate(names):
        for a in names[:j]:
            try:
                np.broadcast_shapes(arrays[a], arrays[b])
            except ValueError:
                raise ParameterError(
                    f"{owner}: {a} has shape {arrays[a]} and {b} has shape {arrays[b]}, which do not broadcast "
                    f"together (numpy rules: from the last axis, each length equal or 1; e.g. shapes (3, 1) "
                    f"and (4,) make a 3 x 4 grid)") from None
    raise AssertionError("shapes that do not broadcast have a pair that does not")  # pragma: no cover


def uses_units(raw: Any) -> bool:
    """True if a field value (or the value of a Parameter) is a pint quantity."""
    if isinstance(raw, Parameter):
        raw = raw.value
    return is_quantity(raw)


def is_plain_zero(raw: Any) -> bool:
    """True for a plain (unit-free) exact zero: zero in every unit, so it may sit in a cycle with units."""
    if isinstance(raw, Parameter):
        raw = raw.value
    return type(raw) is float and raw == 0.0


def _some(names: list[str], shown: int = 2) -> str:
    """The first few names, and how many more (messages stay short)."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def check_unit_mode(owner: str, items: list[tuple[str, Any]]) -> bool | None:
    """Check that values are all quantities or all plain numbers; return which (None if no items).

    Parameters
    ----------
    owner : str
        Name of the object holding the values, for the message.
    items : list of (str, value)
        ``(field description, raw value)`` pairs.
    """
    items = [(where, raw) for where, raw in items if not is_plain_zero(raw)]
    with_units = [where for where, raw in items if uses_units(raw)]
    plain = [where for where, raw in items if not uses_units(raw)]
    if with_units and plain:
        raise DimensionError(
            f"{owner} mixes quantities with units ({_some(with_units)}) and plain numbers "
            f"({_some(plain)}); plain numbers are read in natural units (hbar = k_B = 1): give every "
            f"value with units, or none"
        )
    if not items:
        return None
    return bool(with_units)


def component_label(component: Any) -> str:
    """``"Class 'name'"`` for a named component, ``"Class"`` otherwise (used in messages)."""
    name = getattr(component, "name", None)
    if not isinstance(name, str):
        return type(component).__name__
    return f"{type(component).__name__} {repr(name) if len(name) < 30 else brief(name, 40)}"


@attrs.frozen(kw_only=True)
class Component:
    """Base class of reservoirs, substances and strokes: validates the numeric fields when built.

    Subclasses are frozen attrs classes whose numeric fields are declared with
    :func:`value_field`.
    """

    def __attrs_post_init__(self) -> None:
        cls = component_label(self)
        if _PREVALIDATED.get() is not None:  # rebuilt from checked values (see prevalidated)
            check_unit_mode(cls, self.unit_items())
            return
        shapes = {}
        for name, spec in value_specs(type(self)):
            raw = getattr(self, name)
            where = f"{cls}.{name}"
            natural = natural_value(raw, spec.kind, where)
            if spec.kind is not None:
                check_constraint(natural, spec.constraint, where, raw)
            shapes[f"{name} ({raw.name})" if isinstance(raw, Parameter) else name] = value_shape(natural)
        check_broadcast(cls, shapes)
        check_unit_mode(cls, self.unit_items())

    def unit_items(self) -> list[tuple[str, Any]]:
        """``(field description, raw value)`` of the values that must all carry units or none
        (dimensionless fields are the same with or without units, so they are left out)."""
        cls = component_label(self)
        return [(f"{cls}.{name}", getattr(self, name)) for name, spec in value_specs(type(self))
                if spec.kind is not DIMENSIONLESS]

    def numeric_fields(self) -> dict[str, Any]:
        """The raw values of the numeric fields, by field name."""
        return {name: getattr(self, name) for name, _ in value_specs(type(self))}
