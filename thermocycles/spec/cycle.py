"""A thermodynamic cycle: a working substance taken through an ordered list of strokes."""

from __future__ import annotations

from typing import Any

import attrs

from ..core.model import CycleModel, check_backend
from ..core.performance import Performance
from ..errors import CycleError, ParameterError, brief
from .parameters import ParameterSpec, build_parameter_table
from .reservoirs import Reservoir
from .strokes.base import Stroke
from .substances.base import Substance
from .values import (
    Parameter,
    _normalize,
    check_broadcast,
    check_constraint,
    check_unit_mode,
    describe_value,
    natural_value,
    prevalidated,
    value_shape,
    value_specs,
    values_equal,
)


def _is_substance(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, Substance):
        raise ParameterError(f"Cycle.substance must be a Substance (e.g. TwoLevelSubstance()); got {brief(value)}")


def _as_strokes(value: Any) -> Any:
    if isinstance(value, Stroke) or value is None or isinstance(value, (str, bytes)):
        return value  # the validator explains
    try:
        return tuple(value)
    except TypeError:
        return value


def _are_strokes(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, tuple):
        raise CycleError(
            f"Cycle.strokes must be a sequence of strokes (e.g. [Isochore(...), QuantumAdiabat(...), "
            f"...]); got {brief(value)}"
        )
    if not value:
        raise CycleError("Cycle.strokes must hold at least one stroke; got none")
    for k, stroke in enumerate(value):
        if not isinstance(stroke, Stroke):
            raise CycleError(f"Cycle.strokes[{k}] must be a Stroke (Isochore, QuantumAdiabat, ...); "
                             f"got {brief(stroke)}")
        if not (stroke.describes_evolution() or stroke.has_population_map()):
            raise CycleError(
                f"Cycle.strokes[{k}]: {type(stroke).__name__} implements neither evolution(ctx) (its "
                f"physics through the context: ctx.relax, ctx.follow, ctx.drive) nor "
                f"population_map(ctx) (a LinearMap on the populations)")
    names = [s.name for s in value]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise CycleError(f"Cycle.strokes must have distinct names (they name parameters); repeated: {dup}")


@attrs.frozen(kw_only=True)
class Cycle:
    """A working substance taken through strokes, in order, back to its start.

    The cycle checks itself when built: strokes join up (each starts at the control value where the
    previous one ended, and the last ends where the first starts), values have the right kinds and
    signs, reservoirs with one name are one reservoir, and units are used throughout or not at all.
    Every numeric value becomes a named parameter (see :class:`~thermocycles.Parameter`), which
    plugins address by name.

    Parameters
    ----------
    substance : Substance
        The working substance.
    strokes : sequence of Stroke
        The strokes, in order.

    Examples
    --------
    >>> import thermocycles as tc
    >>> cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    >>> hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    >>> w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    >>> cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
    ...     tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
    ...     tc.QuantumAdiabat(name="ch", start=w_a, end=w_b, duration=0.1),
    ...     tc.Isochore(name="h", reservoir=hot, control=w_b, duration=0.5),
    ...     tc.QuantumAdiabat(name="hc", start=w_b, end=w_a, duration=0.1)])
    >>> cycle.parameter_names
    ('T_c', 'gamma_c', 'T_h', 'gamma_h', 'w_a', 'w_b', 'tau_c', 'tau_ch', 'tau_h', 'tau_hc')
    >>> round(float(cycle.performance().cop), 12)
    0.5
    """

    substance: Substance = attrs.field(validator=_is_substance)
    strokes: tuple[Stroke, ...] = attrs.field(converter=_as_strokes, validator=_are_strokes)
    _reservoirs: tuple[Reservoir, ...] = attrs.field(init=False, eq=False, repr=False)
    _has_units: bool = attrs.field(init=False, eq=False, repr=False)
    _table: tuple[dict[str, ParameterSpec], dict[tuple[Any, str], str]] = attrs.field(
        init=False, eq=False, repr=False)
    _compiled: list[CycleModel] = attrs.field(init=False, eq=False, repr=False, factory=list)

    def __attrs_post_init__(self) -> None:
        reservoirs: dict[str, Reservoir] = {}
        for stroke in self.strokes:
            for res in stroke.reservoirs():
                if not isinstance(res, Reservoir):
                    raise CycleError(f"{type(stroke).__name__} {stroke.name!r}.reservoirs() must return "
                                     f"Reservoir objects; got {brief(res)}")
                seen = reservoirs.setdefault(res.name, res)
                if seen is not res and seen != res:
                    raise CycleError(
                        f"two different reservoirs are named {res.name!r} ({_difference(seen, res)}); "
                        f"a name identifies one reservoir: rename one, or use the same object"
                    )
        object.__setattr__(self, "_reservoirs", tuple(reservoirs.values()))
        items = []
        for comp in (self.substance, *reservoirs.values(), *self.strokes):
            items += comp.unit_items()
        object.__setattr__(self, "_has_units", bool(check_unit_mode("Cycle", items)))
        object.__setattr__(self, "_table", build_parameter_table(self.substance, self._reservoirs, self.strokes))

    def __reduce__(self) -> tuple[Any, ...]:
        # a cycle is its specification: rebuild (and revalidate) it, never ship a compiled model
        return (_rebuild, (self.substance, self.strokes))

    @property
    def reservoirs(self) -> tuple[Reservoir, ...]:
        """The reservoirs the strokes touch, in order of first contact."""
        return self._reservoirs

    @property
    def has_units(self) -> bool:
        """True if the cycle was built with pint quantities (results then carry units)."""
        return self._has_units

    @property
    def model(self) -> CycleModel:
        """The unit-free core of this cycle (compiled on first use; it does not refer back to the
        cycle)."""
        if not self._compiled:
            specs, binding = self._table
            self._compiled.append(CycleModel(self.substance, self.strokes, self._reservoirs, specs, binding,
                                             has_units=self._has_units))
        return self._compiled[0]

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Names of the cycle's parameters."""
        return tuple(self._table[0])

    @property
    def parameters(self) -> dict[str, Any]:
        """Parameter values as given (quantities or plain numbers), by name."""
        return {name: spec.value for name, spec in self._table[0].items()}

    @property
    def parameter_specs(self) -> dict[str, ParameterSpec]:
        """Kind, value, natural value and uses of each parameter."""
        return dict(self._table[0])

    def performance(self, method: str = "auto", backend: str = "auto") -> Performance:
        """Performance in the periodic steady state.

        Parameters
        ----------
        method : {"auto", "closed_form", "linear_algebra"}
            "auto" uses a closed form where one applies (the two-level Otto cycle), else the
            generic path (stroke maps and one direct solve for the periodic state). Both give the
            same numbers to round-off.
        backend : str
            State space of the generic path: "populations", the level populations (exact when the
            substance's Hamiltonians commute), "density_matrix", or the name of a backend added to
            :data:`thermocycles.extend.BACKEND_OBJECTS` in this process. "auto" takes the first of
            them that accepts the cycle: populations when the substance commutes and every stroke
            serves it, the density matrix otherwise. A closed form answers only for "auto" and
            "populations"; a backend asked for by another name evaluates the cycle itself.
        """
        check_backend(backend, "Cycle.performance backend")
        return self.model.evaluate(method=method, backend=backend, units=True)

    def _check_new_values(self, specs: dict[str, ParameterSpec], values: dict[str, Any]) -> dict[str, Any]:
        """Check the names, kinds, signs and shapes of new parameter values (messages name the
        parameters as the user gave them); the natural values of every parameter after the change."""
        unknown = [name for name in values if name not in specs]
        if unknown:
            names = list(specs)
            shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
            raise ParameterError(f"Cycle.with_parameters: unknown parameter(s) {brief(sorted(unknown), 80)} for this "
                                 f"cycle; valid names: {shown}")
        naturals = {name: spec.natural for name, spec in specs.items()}
        shapes = {name: value_shape(natural) for name, natural in naturals.items()}
        for name, value in values.items():
            spec = specs[name]
            where = f"Cycle.with_parameters: {name} ({spec.uses[0]})"
            value = _normalize(value)  # as a field would read it (lists to arrays, -0.0 to 0.0)
            natural = naturals[name] = natural_value(value, spec.kind, where)
            check_constraint(natural, spec.constraint, where, value)
            shapes[name] = value_shape(natural)
        check_broadcast("Cycle.with_parameters", shapes)
        return naturals

    def with_parameters(self, **values: Any) -> Cycle:
        """A new cycle with some parameters changed (every field that shares them changes).

        Each new value is checked (kind, sign, finite, not empty) and all parameter arrays must
        broadcast together; errors name the parameter.

        Examples
        --------
        >>> import thermocycles as tc
        >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
        ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
        >>> fridge.with_parameters(w_a=1.5).parameters["w_a"]
        1.5
        """
        specs, binding = self._table
        naturals = self._check_new_values(specs, values)
        with prevalidated(naturals):  # each new value is checked once, above
            return self._rebuilt(binding, values)

    def _rebuilt(self, binding: dict[tuple[Any, str], str], values: dict[str, Any]) -> Cycle:
        """The cycle with the (checked) new values, every component rebuilt around them."""

        def evolve(component: Any, owner: tuple, **extra: Any) -> Any:
            changes = dict(extra)
            for field, _ in value_specs(type(component)):
                name = binding.get((owner, field))
                if name in values:
                    raw = getattr(component, field)
                    changes[field] = (Parameter(raw.name, values[name]) if isinstance(raw, Parameter)
                                      else values[name])
            return attrs.evolve(component, **changes) if changes else component

        new_reservoirs = {r.name: evolve(r, ("reservoir", r.name)) for r in self._reservoirs}

        def swap(value: Any) -> Any:
            if isinstance(value, Reservoir):
                return new_reservoirs.get(value.name, value)
            if isinstance(value, (tuple, list)) and value and all(isinstance(v, Reservoir) for v in value):
                return type(value)(swap(v) for v in value)
            return value

        strokes = []
        for k, stroke in enumerate(self.strokes):
            extra = {}
            for f in attrs.fields(type(stroke)):
                if f.init:
                    new = swap(getattr(stroke, f.name))
                    if new is not getattr(stroke, f.name):
                        extra[f.name.lstrip("_")] = new
            strokes.append(evolve(stroke, ("stroke", k), **extra))
        return Cycle(substance=evolve(self.substance, ("substance",)), strokes=strokes)


def _difference(a: Any, b: Any) -> str:
    """How two reservoirs of one name differ, briefly (their reprs may hold whole arrays)."""
    if type(a) is not type(b):
        return f"a {type(a).__name__} and a {type(b).__name__}"
    fields = [f.name for f in attrs.fields(type(a))
              if f.eq and not values_equal(getattr(a, f.name), getattr(b, f.name))][:2] or ["name"]

    def show(r: Any) -> str:
        return ", ".join(f"{name}={describe_value(getattr(r, name))}" for name in fields)

    return f"one has {show(a)}, the other {show(b)}"


def _rebuild(substance: Substance, strokes: tuple[Stroke, ...]) -> Cycle:
    return Cycle(substance=substance, strokes=strokes)
