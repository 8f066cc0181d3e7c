"""A cycle as the plain dict a cycle file holds (the inverse of :mod:`thermocycles.io.decode`).

The dict has the file's layout (see ``docs/how_to/files.md``): ``format``, ``schema_version``,
``written_by``, the ``substance`` table, the shared ``parameters`` by name, the ``reservoirs`` (each
once, by name) and the ``strokes``. Every component is a table with its ``type`` (a registered name)
and its init fields by their attrs init names; ``init=False`` fields are never written. Values:

* a plain number (natural units) is a number, an array a (nested) list;
* a quantity is ``{value = ..., unit = "..."}`` (the value may be a list);
* a field holding a :class:`~thermocycles.Parameter` is ``{parameter = "name"}`` and the parameter's
  value is listed once under ``parameters``;
* a complex matrix is ``{real = [...], imag = [...]}``;
* a field holding a reservoir gives its name; a function gives its registered name
  (``{function = "name"}``); a built-in bath law its name (``"tanh"``).

Anything that cannot be written so that it loads back identically (an unregistered type or
function, a value of another kind) is refused here, at save time, naming the place.
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from ..errors import FileFormatError
from ..spec.cycle import Cycle
from ..spec.laws import BathLaw
from ..spec.reservoirs import Reservoir
from ..spec.strokes.base import is_reservoir
from ..spec.values import Parameter, value_specs
from ..units import is_quantity
from .registry import function_name, type_name
from .unit_strings import unit_text

#: the version of the file layout this package writes and the newest it reads
SCHEMA_VERSION = 1
#: the ``format`` tag of a cycle file
FORMAT = "thermocycles.cycle"

_REGISTER_TYPE = ("decorate its class with @thermocycles.io.register_type (or call "
                  "thermocycles.io.register_type(cls, name='my_package.MyClass')) before saving and loading")
_REGISTER_FUNCTION = ("register it by name with thermocycles.io.register_function(fn, name='my_package.fn') "
                      "(also as a decorator) before saving and loading; a function cannot be written to a text "
                      "file, only its registered name")


def _version() -> str:
    try:
        from importlib.metadata import version  # noqa: PLC0415  (only when writing a file)

        return f"thermocycles {version('thermocycles')}"
    except Exception:  # pragma: no cover - a source tree that is not installed
        return "thermocycles"


def is_reservoir_field(field: attrs.Attribute) -> bool:
    """True if an attrs field holds a reservoir (written as the reservoir's bare name)."""
    annotation = field.type
    if annotation is Reservoir or field.validator is is_reservoir:
        return True
    return isinstance(annotation, str) and annotation.strip() in ("Reservoir", "Reservoir | None")


def number(value: Any, place: str) -> int | float:
    """A real scalar as a Python int or finite float."""
    if isinstance(value, (bool, np.bool_)):
        raise FileFormatError(f"{place}: expected a number; got the bool {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (numbers.Real, Fraction)):
        out = float(value)
        if not np.isfinite(out):
            raise FileFormatError(f"{place}: a cycle file holds finite numbers only; got {out!r}")
        return out
    raise FileFormatError(f"{place}: expected a number; got {value!r}")


def array(value: Any, place: str) -> Any:
    """A real scalar or array as a number or nested list; a complex array as ``{real, imag}``."""
    arr = np.asarray(value)
    if arr.dtype.kind in "iu":
        return arr.tolist()
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise FileFormatError(f"{place}: a cycle file holds finite numbers only; got an array with inf or nan")
        return arr.tolist()
    if arr.dtype.kind == "c":
        return {"real": array(arr.real, f"{place}.real"), "imag": array(arr.imag, f"{place}.imag")}
    raise FileFormatError(f"{place}: expected a number or an array of numbers; got {_short(value)}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def quantity(value: Any, place: str) -> dict[str, Any]:
    """``{value, unit}`` of a pint quantity."""
    magnitude = value.magnitude
    encoded = number(magnitude, place) if np.ndim(magnitude) == 0 and not isinstance(magnitude, np.ndarray) \
        else array(magnitude, f"{place}.value")
    try:
        unit = unit_text(value.units)
    except ValueError as exc:
        raise FileFormatError(f"{place}: the unit of {value!r} cannot be written: {exc}") from None
    return {"value": encoded, "unit": unit}


class Encoder:
    """Builds the file dict of one cycle, collecting its parameters and reservoirs."""

    def __init__(self) -> None:
        self.parameters: dict[str, Any] = {}
        self.parameter_places: dict[str, str] = {}
        self.reservoirs: dict[str, tuple[Reservoir, dict[str, Any]]] = {}

    # -- values ---------------------------------------------------------------------------------
    def value(self, raw: Any, place: str) -> Any:
        """A numeric (value-field) value: a Parameter reference, a quantity, a number or an array."""
        if isinstance(raw, Parameter):
            encoded = self.plain_value(raw.value, f"parameters.{raw.name}")
            known = self.parameters.get(raw.name)
            if known is None:
                self.parameters[raw.name] = encoded
                self.parameter_places[raw.name] = place
            elif known != encoded:
                raise FileFormatError(
                    f"{place}: Parameter {raw.name!r} holds {encoded!r} here but {known!r} at "
                    f"{self.parameter_places[raw.name]}; a file lists one value per parameter name: use one "
                    f"Parameter object (or the same value) everywhere")
            return {"parameter": raw.name}
        return self.plain_value(raw, place)

    def plain_value(self, raw: Any, place: str) -> Any:
        if is_quantity(raw):
            return quantity(raw, place)
        if isinstance(raw, (np.ndarray, list, tuple)):
            return array(raw, place)
        return number(raw, place)

    # -- components -----------------------------------------------------------------------------
    def component(self, obj: Any, place: str) -> dict[str, Any]:
        """The table of a registered component: its type and its init fields by init name."""
        cls = type(obj)
        name = type_name(cls)
        if name is None:
            raise FileFormatError(f"{place}: {cls.__module__}.{cls.__qualname__} is not a registered type, so a file "
                                  f"cannot name it; {_REGISTER_TYPE}")
        out: dict[str, Any] = {"type": name}
        specs = dict(value_specs(cls))
        for field in attrs.fields(cls):
            if not field.init:
                continue
            key = field.alias or field.name
            raw = getattr(obj, field.name)
            where = f"{place}.{key}"
            if field.name in specs:
                out[key] = self.value(raw, where)
            elif raw is None:
                if field.default is not None:
                    raise FileFormatError(f"{where}: None cannot be written (a file leaves out fields that are None, "
                                          f"and this field's default is {field.default!r})")
            else:
                out[key] = self.plain(raw, where, is_reservoir_field(field))
        return out

    def plain(self, raw: Any, place: str, reservoir_field: bool = False) -> Any:
        """A field that is not a numeric value field: str, bool, int, float, reservoir, law, function,
        matrix."""
        if isinstance(raw, (bool, np.bool_)):
            return bool(raw)
        if isinstance(raw, str):
            return raw
        if isinstance(raw, Reservoir):
            name = self.reservoir(raw, place)
            return name if reservoir_field else {"reservoir": name}
        if isinstance(raw, BathLaw):
            return self.law(raw, place)
        if is_quantity(raw):
            return quantity(raw, place)
        if isinstance(raw, (numbers.Number, Fraction)) and not isinstance(raw, complex):
            return number(raw, place)
        if isinstance(raw, (np.ndarray, list, tuple)):
            return array(raw, place)
        if callable(raw) and not isinstance(raw, type):
            return {"function": self.function(raw, place)}
        raise FileFormatError(f"{place}: cannot write a {type(raw).__name__} ({_short(raw)}) to a cycle file; fields "
                              f"of components hold numbers, arrays, quantities, Parameters, str, bool, None, "
                              f"reservoirs and registered functions")

    def function(self, fn: Any, place: str) -> str:
        name = function_name(fn)
        if name is None:
            label = getattr(fn, "__qualname__", None) or repr(fn)
            raise FileFormatError(f"{place}: the function {label} is not registered; {_REGISTER_FUNCTION}")
        return name

    def law(self, law: BathLaw, place: str) -> Any:
        if law.builtin:
            return law.name
        return {"type": "BathLaw", "function": self.function(law.function, f"{place}.function"), "name": law.name,
                "detailed_balance": law.detailed_balance}

    def reservoir(self, res: Reservoir, place: str) -> str:
        known = self.reservoirs.get(res.name)
        if known is None:
            index = len(self.reservoirs)
            self.reservoirs[res.name] = (res, {})  # reserve the slot (and the order) first
            self.reservoirs[res.name] = (res, self.component(res, f"reservoirs[{index}]"))
        elif known[0] is not res and known[0] != res:
            raise FileFormatError(f"{place}: two different reservoirs are named {res.name!r}")
        return res.name

    # -- the cycle ------------------------------------------------------------------------------
    def cycle(self, cycle: Cycle) -> dict[str, Any]:
        if not isinstance(cycle, Cycle):
            raise FileFormatError(f"save: expected a thermocycles.Cycle; got {_short(cycle)}")
        if type(cycle) is not Cycle:
            raise FileFormatError(f"save: {type(cycle).__qualname__} is a subclass of Cycle; a file holds a Cycle's "
                                  f"substance and strokes only, which would load as a plain Cycle")
        for res in cycle.reservoirs:
            self.reservoir(res, "reservoirs")
        substance = self.component(cycle.substance, "substance")
        strokes = [self.component(stroke, f"strokes[{k}]") for k, stroke in enumerate(cycle.strokes)]
        doc: dict[str, Any] = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "written_by": _version(),
                               "substance": substance}
        if self.parameters:
            doc["parameters"] = dict(self.parameters)
        if self.reservoirs:
            doc["reservoirs"] = [table for _, table in self.reservoirs.values()]
        doc["strokes"] = strokes
        return doc


def cycle_to_dict(cycle: Cycle) -> dict[str, Any]:
    """The plain dict a cycle file holds (JSON- and TOML-ready).

    Examples
    --------
    >>> import thermocycles as tc
    >>> from thermocycles.io.encode import cycle_to_dict
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
    ...                                       tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> d = cycle_to_dict(fridge)
    >>> d["parameters"]
    {'w_a': 1.0, 'w_b': 3.0}
    >>> d["strokes"][0]
    {'type': 'Isochore', 'name': 'c', 'duration': 0.5, 'reservoir': 'c', 'control': {'parameter': 'w_a'}}
    """
    return Encoder().cycle(cycle)


__all__ = ["SCHEMA_VERSION", "FORMAT", "cycle_to_dict", "is_reservoir_field", "Encoder"]
