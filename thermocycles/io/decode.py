"""A cycle from the plain dict of a cycle file (the inverse of ``thermocycles.io.encode``).

Every error names the place in the file (``fridge.toml: strokes[1].duration: ...``). Types and
functions are looked up in :mod:`thermocycles.io.registry` only: nothing named in a file is imported
or evaluated.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np

from ..errors import CycleError, FileFormatError, ParameterError
from ..spec.cycle import Cycle
from ..spec.laws import BathLaw
from ..spec.reservoirs import Reservoir
from ..spec.strokes.base import Stroke
from ..spec.substances.base import Substance
from ..spec.values import Parameter, check_constraint, natural_value, value_specs
from ..units import Q_
from .encode import FORMAT, SCHEMA_VERSION, is_reservoir_field
from .registry import ENTRY_POINT_GROUP, known_types, lookup_function, lookup_type
from .unit_strings import parse_unit

_TOP_KEYS = ("format", "schema_version", "written_by", "substance", "parameters", "reservoirs", "strokes")
_NUMBER = "a number (natural units), an array, {value = ..., unit = \"...\"} or {parameter = \"name\"}"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        kind = "a table"
    elif isinstance(value, list):
        kind = "an array"
    else:
        kind = f"the {type(value).__name__}"
    text = repr(value)
    return f"{kind} {text if len(text) <= 60 else text[:57] + '...'}"


class Decoder:
    """Rebuilds one cycle from its file dict; ``source`` (a file name) prefixes every message."""

    def __init__(self, data: Any, source: str):
        self.data = data
        self.source = source
        self.parameter_values: dict[str, Any] = {}
        self.parameters: dict[str, Parameter] = {}
        self.used_parameters: set[str] = set()
        self.reservoirs: dict[str, Reservoir] = {}
        self.used_reservoirs: set[str] = set()
        self.control_kind: Any = None

    def error(self, place: str, message: str) -> FileFormatError:
        prefix = f"{self.source}: {place}: " if place else f"{self.source}: "
        exc = FileFormatError(prefix + message)
        exc.place = place  # type: ignore[attr-defined]
        return exc

    # -- the document ---------------------------------------------------------------------------
    def cycle(self) -> Cycle:
        data = self.data
        if not isinstance(data, dict):
            raise self.error("", f"a cycle file holds a table at the top; got {_describe(data)}")
        tag = data.get("format")
        if tag != FORMAT:
            raise self.error("format", f"this is not a thermocycles cycle file: expected format = {FORMAT!r}; got "
                             f"{'nothing' if tag is None else repr(tag)}")
        version = data.get("schema_version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise self.error("schema_version", f"expected a positive integer (this thermocycles writes "
                             f"{SCHEMA_VERSION}); got {'nothing' if version is None else repr(version)}")
        if version > SCHEMA_VERSION:
            raise self.error("schema_version", f"the file has schema version {version}, newer than this thermocycles "
                             f"reads (up to {SCHEMA_VERSION}): it was written by a newer thermocycles; upgrade "
                             f"thermocycles (pip install -U thermocycles) to read it")
        self.keys(data, "", _TOP_KEYS, ("format", "schema_version", "substance", "strokes"))
        if "written_by" in data and not isinstance(data["written_by"], str):
            raise self.error("written_by", f"expected a string; got {_describe(data['written_by'])}")

        params = data.get("parameters", {})
        if not isinstance(params, dict):
            raise self.error("parameters", f"expected a table of name = value; got {_describe(params)}")
        for name, raw in params.items():
            value = self.number_or_quantity(raw, f"parameters.{name}")
            try:
                self.parameters[name] = Parameter(name, value)
            except ParameterError as exc:
                raise self.error(f"parameters.{name}", str(exc)) from None

        substance = self.component(data["substance"], "substance", Substance)
        self.control_kind = substance.control_kind

        reservoirs = data.get("reservoirs", [])
        if not isinstance(reservoirs, list):
            raise self.error("reservoirs", f"expected an array of tables ([[reservoirs]]); got {_describe(reservoirs)}")
        for k, table in enumerate(reservoirs):
            place = f"reservoirs[{k}]"
            if isinstance(table, dict) and "type" not in table:
                table = {"type": "Reservoir", **table}
            res = self.component(table, place, Reservoir)
            if res.name in self.reservoirs:
                raise self.error(f"{place}.name", f"a reservoir named {res.name!r} is already defined; reservoir "
                                 f"names are unique")
            self.reservoirs[res.name] = res

        strokes_data = data["strokes"]
        if not isinstance(strokes_data, list):
            raise self.error("strokes", f"expected an array of tables ([[strokes]]); got {_describe(strokes_data)}")
        strokes = [self.component(table, f"strokes[{k}]", Stroke) for k, table in enumerate(strokes_data)]

        for name in self.parameters:
            if name not in self.used_parameters:
                raise self.error(f"parameters.{name}", "no field uses this parameter (refer to it with "
                                 f"{{parameter = {name!r}}}, or remove it)")
        for name in self.reservoirs:
            if name not in self.used_reservoirs:
                raise self.error("reservoirs", f"no stroke uses the reservoir {name!r} (refer to it by name, or "
                                 f"remove it)")
        try:
            return Cycle(substance=substance, strokes=strokes)
        except (CycleError, ParameterError) as exc:
            raise self.error("strokes", str(exc)) from None

    def keys(self, table: dict[str, Any], place: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
        at = f"{place}." if place else ""
        for key in required:
            if key not in table:
                raise self.error(f"{at}{key}".rstrip("."), f"missing (required: {', '.join(required)})")
        for key in table:
            if key not in allowed:
                raise self.error(f"{at}{key}", f"unknown key; expected one of {', '.join(allowed)}")

    # -- components -----------------------------------------------------------------------------
    def lookup(self, name: Any, place: str, base: type) -> type:
        if not isinstance(name, str):
            raise self.error(place, f"expected a type name (a string such as 'Isochore'); got {_describe(name)}")
        try:
            cls = lookup_type(name)
        except Exception as exc:  # an installed entry point failed to load
            raise self.error(place, f"the entry point {name!r} of group {ENTRY_POINT_GROUP!r} failed to load "
                             f"({type(exc).__name__}: {exc})") from None
        if cls is None:
            known = [n for n in known_types() if (c := lookup_type(n)) is not None and issubclass(c, base)]
            raise self.error(place, f"unknown type {name!r} (known {base.__name__.lower()} types: "
                             f"{', '.join(known)}); a user type must be registered before loading: decorate its "
                             f"class with @thermocycles.io.register_type, or install a package that registers it "
                             f"under the entry-point group {ENTRY_POINT_GROUP!r}")
        if not issubclass(cls, base):
            raise self.error(place, f"{name!r} is a {cls.__name__}, not a {base.__name__}")
        return cls

    def component(self, table: Any, place: str, base: type) -> Any:
        if not isinstance(table, dict):
            raise self.error(place, f"expected a table with a type (e.g. type = \"Isochore\"); got {_describe(table)}")
        if "type" not in table:
            raise self.error(f"{place}.type", f"missing: every {base.__name__.lower()} names its type")
        cls = self.lookup(table["type"], f"{place}.type", base)
        fields = {(f.alias or f.name): f for f in attrs.fields(cls) if f.init}
        specs = dict(value_specs(cls))
        for key in table:
            if key != "type" and key not in fields:
                raise self.error(f"{place}.{key}", f"unknown field of {cls.__name__}; its fields are "
                                 f"{', '.join(fields)}")
        missing = [key for key, f in fields.items() if f.default is attrs.NOTHING and key not in table]
        if missing:
            raise self.error(f"{place}.{missing[0]}", f"missing ({cls.__name__} needs "
                             f"{', '.join(k for k, f in fields.items() if f.default is attrs.NOTHING)})")
        kwargs: dict[str, Any] = {}
        for key, raw in table.items():
            if key == "type":
                continue
            field = fields[key]
            where = f"{place}.{key}"
            if field.name in specs:
                spec = specs[field.name]
                value = self.value(raw, where)
                self.check_value(value, spec.kind if spec.kind is not None else self.control_kind, spec.constraint,
                                 where, f"{cls.__name__}.{key}")
            else:
                value = self.plain(raw, where, is_reservoir_field(field))
            kwargs[key] = value
        try:
            return cls(**kwargs)
        except (ParameterError, CycleError, TypeError, ValueError) as exc:
            message = str(exc)
            for key in kwargs:
                if re.search(rf"\.{re.escape(key)}\b", message):
                    raise self.error(f"{place}.{key}", message) from None
            raise self.error(place, message) from None

    def check_value(self, value: Any, kind: Any, constraint: Any, where: str, label: str) -> None:
        """Check one numeric value's kind and sign before the component does (so the error names the field)."""
        if kind is None:
            return
        place = where
        if isinstance(value, Parameter):
            place = f"parameters.{value.name} (used by {where})"
            label = f"{label} (parameter {value.name!r})"
            value = value.value
        try:
            natural = natural_value(value, kind, label)
            check_constraint(natural, constraint, label, value)
        except ParameterError as exc:
            raise self.error(place, str(exc)) from None

    # -- values ---------------------------------------------------------------------------------
    def value(self, raw: Any, place: str) -> Any:
        """A numeric field: a parameter reference, a quantity, a number or an array."""
        if isinstance(raw, dict) and "parameter" in raw:
            self.keys(raw, place, ("parameter",), ("parameter",))
            name = raw["parameter"]
            if not isinstance(name, str) or name not in self.parameters:
                known = ", ".join(self.parameters) or "none"
                raise self.error(f"{place}.parameter", f"unknown parameter {name!r}; the [parameters] table "
                                 f"defines: {known}")
            self.used_parameters.add(name)
            return self.parameters[name]
        return self.number_or_quantity(raw, place)

    def number_or_quantity(self, raw: Any, place: str) -> Any:
        if isinstance(raw, dict):
            if "value" in raw or "unit" in raw:
                return self.quantity(raw, place, complex_ok=False)
            raise self.error(place, f"expected {_NUMBER}; got {_describe(raw)}")
        return self.real(raw, place)

    def real(self, raw: Any, place: str) -> Any:
        """A number (int or float) or a rectangular nested list of them (returned as an ndarray)."""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, list):
            self.check_list(raw, place)
            return np.array(raw)
        raise self.error(place, f"expected {_NUMBER}; got {_describe(raw)}")

    def check_list(self, raw: list[Any], place: str) -> None:
        def shape(item: Any, where: str) -> tuple[int, ...]:
            if isinstance(item, list):
                shapes = {shape(x, f"{where}[{i}]") for i, x in enumerate(item)}
                if len(shapes) > 1:
                    raise self.error(where, "the rows of an array must all have the same length")
                return (len(item), *(shapes.pop() if shapes else ()))
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                return ()
            raise self.error(where, f"expected a number; got {_describe(item)}")

        shape(raw, place)

    def quantity(self, raw: dict[str, Any], place: str, complex_ok: bool) -> Any:
        self.keys(raw, place, ("value", "unit"), ("value", "unit"))
        magnitude = raw["value"]
        if complex_ok and isinstance(magnitude, dict):
            magnitude = self.complex_array(magnitude, f"{place}.value")
        else:
            magnitude = self.real(magnitude, f"{place}.value")
        try:
            unit = parse_unit(raw["unit"])
        except ValueError as exc:
            raise self.error(f"{place}.unit", str(exc)) from None
        return Q_(magnitude, unit)

    def complex_array(self, raw: dict[str, Any], place: str) -> np.ndarray:
        self.keys(raw, place, ("real", "imag"), ("real", "imag"))
        real = np.asarray(self.real(raw["real"], f"{place}.real"), dtype=float)
        imag = np.asarray(self.real(raw["imag"], f"{place}.imag"), dtype=float)
        if real.shape != imag.shape:
            raise self.error(place, f"real and imag must have one shape; got {real.shape} and {imag.shape}")
        out = np.empty(real.shape, dtype=complex)
        out.real = real
        out.imag = imag
        return out

    def plain(self, raw: Any, place: str, reservoir_field: bool) -> Any:
        """A field that is not a numeric value field."""
        if isinstance(raw, str):
            return self.reservoir(raw, place) if reservoir_field else raw
        if isinstance(raw, (bool, int, float)):
            return raw
        if isinstance(raw, list):  # a matrix (MatrixSubstance.h0, NLevel.coupling, ...)
            return self.real(raw, place)
        if isinstance(raw, dict):
            if "reservoir" in raw:
                self.keys(raw, place, ("reservoir",), ("reservoir",))
                return self.reservoir(raw["reservoir"], f"{place}.reservoir")
            if "type" in raw:
                return self.law(raw, place)
            if "function" in raw:
                self.keys(raw, place, ("function",), ("function",))
                return self.function(raw["function"], f"{place}.function")
            if "value" in raw or "unit" in raw:
                return self.quantity(raw, place, complex_ok=True)
            if "real" in raw or "imag" in raw:
                return self.complex_array(raw, place)
        raise self.error(place, f"cannot read {_describe(raw)} here")

    def reservoir(self, name: Any, place: str) -> Reservoir:
        if not isinstance(name, str) or name not in self.reservoirs:
            known = ", ".join(map(repr, self.reservoirs)) or "none"
            raise self.error(place, f"no reservoir named {name!r} in [[reservoirs]] (defined: {known})")
        self.used_reservoirs.add(name)
        return self.reservoirs[name]

    def function(self, name: Any, place: str) -> Any:
        if not isinstance(name, str):
            raise self.error(place, f"expected the registered name of a function; got {_describe(name)}")
        try:
            fn = lookup_function(name)
        except Exception as exc:
            raise self.error(place, f"the entry point {name!r} of group {ENTRY_POINT_GROUP!r} failed to load "
                             f"({type(exc).__name__}: {exc})") from None
        if fn is None:
            raise self.error(place, f"unknown function {name!r}; a user function must be registered before loading: "
                             f"thermocycles.io.register_function(fn, name={name!r}), or install a package that "
                             f"registers it under the entry-point group {ENTRY_POINT_GROUP!r}")
        return fn

    def law(self, raw: dict[str, Any], place: str) -> BathLaw:
        if raw.get("type") != "BathLaw":
            raise self.error(f"{place}.type", f"expected 'BathLaw' here; got {raw.get('type')!r}")
        self.keys(raw, place, ("type", "function", "name", "detailed_balance"), ("type", "function"))
        fn = self.function(raw["function"], f"{place}.function")
        name = raw.get("name", "")
        balance = raw.get("detailed_balance", True)
        if not isinstance(name, str):
            raise self.error(f"{place}.name", f"expected a string; got {_describe(name)}")
        if not isinstance(balance, bool):
            raise self.error(f"{place}.detailed_balance", f"expected true or false; got {_describe(balance)}")
        try:
            return BathLaw(fn, name, balance)
        except ParameterError as exc:
            raise self.error(place, str(exc)) from None


def cycle_from_dict(data: Any, source: str = "<dict>") -> Cycle:
    """The cycle a file dict describes (see ``thermocycles.io.encode.cycle_to_dict``).

    Examples
    --------
    >>> from thermocycles.io.decode import cycle_from_dict
    >>> cycle = cycle_from_dict({"format": "thermocycles.cycle", "schema_version": 1,
    ...     "substance": {"type": "TwoLevelSubstance"},
    ...     "reservoirs": [{"name": "h", "temperature": 2.0, "coupling": 1.0}],
    ...     "strokes": [{"type": "Isochore", "name": "h", "reservoir": "h", "control": 1.0, "duration": 1.0}]})
    >>> cycle.parameter_names
    ('T_h', 'gamma_h', 'w_1', 'tau_h')
    """
    return Decoder(data, source).cycle()


__all__ = ["Decoder", "cycle_from_dict"]
