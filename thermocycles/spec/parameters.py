"""The named parameters of a cycle: which fields share a value, and what each is called.

Every numeric field of a cycle's components becomes (part of) a named parameter:

* a field holding a :class:`~thermocycles.Parameter` takes that parameter's name; all fields that
  use the same name share one value;
* a reservoir field takes ``<symbol>_<reservoir name>`` (``T_c``, ``gamma_h``);
* a stroke field takes ``<symbol>_<stroke name>`` (``tau_c`` for the duration of stroke ``c``);
* a substance field takes its symbol;
* control values are shared where strokes join (the end of one stroke is the start of the next,
  and the last stroke ends where the first starts). Each such junction is one parameter, named
  after the :class:`~thermocycles.Parameter` used there, or ``<control symbol>_<k>``
  (``w_1``, ``w_2``, ...) in order of appearance.

Building the table checks that joined strokes agree on their control values, that a name is not
used for two different things, and converts every value to natural units once.
"""

from __future__ import annotations

from typing import Any, Hashable, Sequence

import attrs
import numpy as np

from ..errors import CycleError, DimensionError
from ..units import Kind
from .values import (
    NONNEGATIVE,
    POSITIVE,
    Parameter,
    check_broadcast,
    check_constraint,
    component_label,
    describe_value,
    natural_value,
    prevalidated_values,
    value_shape,
    value_specs,
)

Owner = tuple[Hashable, ...]
_EXPLICIT = "explicit Parameter"


@attrs.frozen
class ParameterSpec:
    """One named parameter of a cycle.

    Attributes
    ----------
    name : str
    kind : Kind
        Its physical kind (temperature, energy, rate, time, ...).
    value : Any
        The value as the user gave it (plain number/ndarray or quantity).
    natural : float or ndarray
        The value in natural units.
    uses : tuple of str
        The fields that hold it, e.g. ``("Isochore 'c'.control", "QuantumAdiabat 'ch'.start")``.
    constraint : {"positive", "nonnegative", None}
        The strictest sign constraint of the fields that hold it.
    """

    name: str
    kind: Kind
    value: Any = attrs.field(eq=False)
    natural: Any = attrs.field(eq=False, repr=False)
    uses: tuple[str, ...]
    constraint: str | None = None


@attrs.frozen
class _Slot:
    owner: Owner
    label: str
    field: str
    kind: Kind
    constraint: str | None
    raw: Any

    @property
    def explicit(self) -> str | None:
        return self.raw.name if isinstance(self.raw, Parameter) else None

    @property
    def where(self) -> str:
        return f"{self.label}.{self.field}"


def _find(parent: dict, key: Any) -> Any:
    while parent[key] != key:
        parent[key] = parent[parent[key]]
        key = parent[key]
    return key


def _same(a: Any, b: Any) -> bool:
    if type(a) is float and type(b) is float:
        return a == b or abs(a - b) <= 1e-9 * abs(a)
    try:
        return bool(np.all(np.isclose(a, b, rtol=1e-9, atol=0.0)))
    except ValueError:  # shapes do not broadcast
        return False


def build_parameter_table(
    substance: Any, reservoirs: Sequence[Any], strokes: Sequence[Any]
) -> tuple[dict[str, ParameterSpec], dict[tuple[Owner, str], str]]:
    """Name, check and convert every numeric field of a cycle.

    Returns
    -------
    specs : dict of str to ParameterSpec
        The parameters, in order: substance, reservoirs, control values, stroke fields.
    binding : dict of ((owner, field) -> str)
        Which parameter each field reads; owners are ``("substance",)``,
        ``("reservoir", name)`` and ``("stroke", index)``.
    """
    # (parameter name, slot, source): fields share a name legitimately only if every one of them
    # gets it from an explicit Parameter, or all belong to one control junction.
    named: list[tuple[str, _Slot, Hashable]] = []

    def add(owner: Owner, component: Any, field: str, kind: Kind | None, constraint: str | None, auto: str) -> None:
        assert kind is not None, "control fields are named by the junction rules below"
        slot = _Slot(owner, component_label(component), field, kind, constraint, getattr(component, field))
        named.append((slot.explicit or auto, slot, _EXPLICIT if slot.explicit else (owner, field)))

    for field, spec in value_specs(type(substance)):
        add(("substance",), substance, field, spec.kind, spec.constraint, spec.symbol or field)
    for res in reservoirs:
        for field, spec in value_specs(type(res)):
            add(("reservoir", res.name), res, field, spec.kind, spec.constraint,
                f"{spec.symbol or field}_{res.name}")

    # Control values: union the fields that must hold the same value (stroke junctions).
    control_kind, control_constraint = substance.control_kind, substance.control_constraint
    parent: dict[tuple[int, str], tuple[int, str]] = {}
    for k, stroke in enumerate(strokes):
        for field in stroke.control_fields:
            parent.setdefault((k, field), (k, field))
    for k, stroke in enumerate(strokes):
        nxt = (k + 1) % len(strokes)
        a = _find(parent, (k, stroke.control_fields[1]))
        b = _find(parent, (nxt, strokes[nxt].control_fields[0]))
        if a != b:
            parent[b] = a
    nodes: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for key in parent:  # insertion order = order of appearance
        nodes.setdefault(_find(parent, key), []).append(key)
    junctions: set[str] = set()
    n_auto = 0
    for k_node, members in enumerate(nodes.values(), start=1):
        slots = [
            _Slot(("stroke", k), component_label(strokes[k]), field, control_kind, control_constraint,
                  getattr(strokes[k], field))
            for k, field in members
        ]
        explicit = sorted({s.explicit for s in slots if s.explicit})
        if len(explicit) > 1:
            raise CycleError(
                f"{' and '.join(s.where for s in slots)} meet where one stroke ends and the next "
                f"begins, so they hold one control value, but they name it differently: "
                f"{', '.join(map(repr, explicit))}; use one Parameter there"
            )
        if not explicit:
            n_auto += 1
        name = explicit[0] if explicit else f"{substance.control_symbol}_{n_auto}"
        junctions.add(name)
        for s in slots:
            named.append((name, s, _EXPLICIT if explicit else ("junction", k_node)))

    for k, stroke in enumerate(strokes):
        for field, spec in value_specs(type(stroke)):
            if not spec.control:
                add(("stroke", k), stroke, field, spec.kind, spec.constraint,
                    f"{spec.symbol or field}_{stroke.name}")

    # Group by name; check clashes, kinds and values; convert once.
    groups: dict[str, list[tuple[_Slot, Hashable]]] = {}
    for name, slot, source in named:
        groups.setdefault(name, []).append((slot, source))
    specs: dict[str, ParameterSpec] = {}
    binding: dict[tuple[Owner, str], str] = {}
    known = prevalidated_values() or {}  # values already checked (Cycle.with_parameters)
    for name, group in groups.items():
        slots = [s for s, _ in group]
        sources = {source for _, source in group}
        if len(sources) > 1:
            raise CycleError(
                f"the parameter name {name!r} would be used by {', '.join(s.where for s in slots)}; "
                f"fields share a name only through an explicit Parameter: give these fields "
                f"Parameter objects with distinct names (or rename a stroke or reservoir)"
            )
        kinds = {s.kind.name for s in slots}
        if len(kinds) > 1:
            raise DimensionError(
                f"parameter {name!r} is used as {' and as '.join(sorted(kinds))} "
                f"({', '.join(s.where for s in slots)}); one parameter has one kind"
            )
        if name in known:
            naturals = [known[name]]
        else:
            naturals = []
            for s in slots:
                nat = natural_value(s.raw, s.kind, s.where)
                check_constraint(nat, s.constraint, s.where, s.raw)
                naturals.append(nat)
        for s, nat in zip(slots[1:], naturals[1:]):
            if _same(naturals[0], nat):
                continue
            if name in junctions:
                raise CycleError(
                    f"strokes do not join: {slots[0].where} = {describe_value(slots[0].raw)} but "
                    f"{s.where} = {describe_value(s.raw)}; each stroke must start at the control "
                    f"value where the previous one ended, and the last must end where the "
                    f"first starts"
                )
            raise CycleError(
                f"parameter {name!r} has two values: {slots[0].where} = "
                f"{describe_value(slots[0].raw)} and {s.where} = {describe_value(s.raw)}"
            )
        raw = slots[0].raw.value if isinstance(slots[0].raw, Parameter) else slots[0].raw
        constraints = {s.constraint for s in slots}
        constraint = POSITIVE if POSITIVE in constraints else NONNEGATIVE if NONNEGATIVE in constraints else None
        specs[name] = ParameterSpec(name, slots[0].kind, raw, naturals[0],
                                    tuple(s.where for s in slots), constraint)
        for s in slots:
            binding[(s.owner, s.field)] = name
    # every parameter array meets every other one in the evaluation: their shapes must broadcast
    if not known.keys() >= specs.keys():
        check_broadcast("Cycle", {name: value_shape(spec.natural) for name, spec in specs.items()})
    return specs, binding
