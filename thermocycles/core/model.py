"""The unit-free core of a cycle: its parameters in natural units and its evaluation.

A :class:`CycleModel` is built once when a :class:`~thermocycles.Cycle` is built. Solvers,
optimisers, sweeps and finite differences call :meth:`CycleModel.evaluate` with plain floats or
ndarrays keyed by parameter name; no pint and no attrs object is created inside that call.

Two evaluation paths give the same numbers:

* ``"linear_algebra"``: every stroke returns its linear map; the periodic state is one linear solve
  on the product of the maps (any number of levels, any strokes);
* ``"closed_form"``: a registered closed form (see :mod:`thermocycles.analytic`) that recognises the
  cycle's structure, used for speed where it applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np

from .dynamics import StrokeMap, periodic_state
from .errors import CycleError, ParameterError
from .parameters import ParameterSpec
from .performance import Performance, StrokeRecord
from .strokes import StrokeContext

if TYPE_CHECKING:  # pragma: no cover
    from .cycle import Cycle

METHODS = ("auto", "closed_form", "linear_algebra")


def _matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return (matrix @ vector[..., None])[..., 0]


def _rebalanced(maps: list[StrokeMap], changes: list[Any]) -> list[Any]:
    """The population changes of the strokes, with the most strongly relaxing one replaced by minus
    the sum of the others (they sum to zero over a periodic cycle).

    A stroke that relaxes strongly brings the populations close to its own stationary state, so its
    change A p is a small difference of large in- and outflows, accurate only to ~1e-16 of those;
    a weak stroke's change is accurate relatively. Taking the strong one from the others keeps both
    accurate (e.g. 2 gamma tau = 1e-6 next to 2). Only strokes that report their energies (fixed
    levels, one reservoir) are candidates, since their heat is then energies @ change.
    """
    candidates = [k for k, (m, c) in enumerate(zip(maps, changes))
                  if c is not None and m.energies is not None and len(m.heat) == 1]
    active = [c for c in changes if c is not None]
    if not candidates or len(active) < 2:
        return changes
    strengths = [-np.diagonal(maps[k].deviation, axis1=-2, axis2=-1).min(axis=-1) for k in candidates]
    total = sum(active)
    out = list(changes)
    if all(np.ndim(x) == 0 for x in strengths):  # one cycle: pick the stroke directly
        k = candidates[int(np.argmax(strengths))]
        out[k] = changes[k] - total
        return out
    strongest = np.argmax(np.stack(np.broadcast_arrays(*strengths)), axis=0)
    for i, k in enumerate(candidates):
        choose = strongest == i
        if np.any(choose):
            out[k] = np.where(choose[..., None], changes[k] - total, changes[k])
    return out


def _to_shape(value: Any, shape: tuple[int, ...]) -> Any:
    return value if np.shape(value) == shape else np.broadcast_to(value, shape)


def _dot(row: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return (row * vector).sum(axis=-1)


class CycleModel:
    """Natural-unit parameters of a cycle and the functions that evaluate it.

    Attributes
    ----------
    names : tuple of str
        Parameter names.
    specs : dict of str to ParameterSpec
        Kind, user value and uses of each parameter.
    defaults : dict of str to float or ndarray
        The cycle's own parameter values in natural units.
    closed_form : callable or None
        The closed-form evaluator that matched this cycle, if any.
    """

    def __init__(self, cycle: "Cycle", specs: Mapping[str, ParameterSpec],
                 binding: Mapping[tuple[Any, str], str]):
        self.cycle = cycle
        self.specs = dict(specs)
        self.names = tuple(specs)
        self.defaults = {name: spec.natural for name, spec in specs.items()}
        self.has_units = cycle.has_units
        self.binding = dict(binding)
        self.substance_fields = [(f, n) for (owner, f), n in binding.items() if owner[0] == "substance"]
        self.reservoir_fields = {
            res.name: [(f, n) for (owner, f), n in binding.items() if owner == ("reservoir", res.name)]
            for res in cycle.reservoirs
        }
        self.stroke_fields = [
            [(f, n) for (owner, f), n in binding.items() if owner == ("stroke", k)]
            for k in range(len(cycle.strokes))
        ]
        self.temperature_names = {
            res.name: binding[(("reservoir", res.name), "temperature")] for res in cycle.reservoirs
        }
        self._temperature_items = tuple(self.temperature_names.items())
        from .analytic import find_closed_form  # registry; imported late to avoid a cycle

        self.closed_form: Callable[[Mapping[str, Any]], Performance] | None = find_closed_form(cycle, self)

    def parameter(self, stroke_index: int, field: str) -> str:
        """Name of the parameter that a stroke's field reads."""
        return self.binding[(("stroke", stroke_index), field)]

    def values(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The default natural values with some replaced (names are checked)."""
        values = dict(self.defaults)
        if overrides:
            unknown = set(overrides) - set(values)
            if unknown:
                raise ParameterError(
                    f"unknown parameter(s) {sorted(unknown)} for this cycle; valid names: "
                    f"{', '.join(self.names)}"
                )
            values.update(overrides)
        return values

    def evaluate(self, values: Mapping[str, Any] | None = None, *, method: str = "auto",
                 units: bool = False) -> Performance:
        """Performance in the periodic steady state, from natural-unit parameter values.

        Parameters
        ----------
        values : mapping of str to float or ndarray, optional
            Values of all parameters (e.g. ``model.values({"tau_c": 2.0})``); the defaults if None.
        method : {"auto", "closed_form", "linear_algebra"}
            Evaluation path; "auto" takes the closed form when one applies.
        units : bool
            Wrap results in units (only meaningful for a cycle built with units).
        """
        values = self.defaults if values is None else values
        if method == "auto":
            method = "closed_form" if self.closed_form is not None else "linear_algebra"
        if method == "closed_form":
            if self.closed_form is None:
                raise ParameterError(
                    "method='closed_form': no closed form is registered for this cycle's "
                    "structure; use method='linear_algebra' (or 'auto')"
                )
            perf = self.closed_form(values)
        elif method == "linear_algebra":
            perf = self.evaluate_linear_algebra(values)
        else:
            raise ParameterError(f"method must be one of {METHODS}; got {method!r}")
        if units:
            perf._units = self.has_units
        return perf

    def check_contact(self, values: Mapping[str, Any]) -> None:
        """Raise a CycleError naming the durations if no stroke touches a reservoir for any time."""
        contact = [k for k, s in enumerate(self.cycle.strokes) if s.reservoirs()]
        if not contact:
            raise CycleError("the cycle has no unique periodic steady state: no stroke is in "
                             "contact with a reservoir")
        names = [self.parameter(k, "duration") for k in contact]
        idle = np.asarray(True)
        for name in names:
            idle = idle & (np.asarray(values[name]) == 0)
        if np.any(idle):
            at = f" at element {tuple(int(i) for i in np.argwhere(idle)[0])}" if np.ndim(idle) else ""
            strokes = ", ".join(f"{type(self.cycle.strokes[k]).__name__} {self.cycle.strokes[k].name!r}"
                                for k in contact)
            raise CycleError(
                f"the cycle has no unique periodic steady state{at}: every stroke in contact with a "
                f"reservoir ({strokes}) has zero duration ({' = '.join(names)} = 0); give at least "
                f"one of them a positive contact time"
            )

    # -- generic path -------------------------------------------------------------------------
    def stroke_maps(self, values: Mapping[str, Any]) -> list[StrokeMap]:
        """Each stroke's linear map at the given natural values."""
        cycle = self.cycle
        substance_values = {f: values[n] for f, n in self.substance_fields}
        reservoir_values = {r: {f: values[n] for f, n in fields}
                            for r, fields in self.reservoir_fields.items()}
        n = cycle.substance.n_levels
        maps = []
        for k, stroke in enumerate(cycle.strokes):
            own = {f: values[name] for f, name in self.stroke_fields[k]}
            smap = stroke.linear_map(StrokeContext(own, cycle.substance, substance_values,
                                                   reservoir_values))
            if not isinstance(smap, StrokeMap) or np.shape(smap.deviation)[-2:] != (n, n):
                raise CycleError(
                    f"{type(stroke).__name__} {stroke.name!r}.linear_map must return a StrokeMap "
                    f"acting on {n} levels; got {smap!r}"
                )
            maps.append(smap)
        return maps

    def evaluate_linear_algebra(self, values: Mapping[str, Any]) -> Performance:
        """Generic path: stroke maps, one linear solve for the periodic state, ledger."""
        cycle = self.cycle
        maps = self.stroke_maps(values)
        try:
            p1 = periodic_state([m.deviation for m in maps])
        except CycleError:
            self.check_contact(values)  # the specific reason, if it is missing contact
            raise

        # Corners as p1 + delta_k, with delta_k accumulated from the strokes' (small) changes, so
        # that totals which cancel between strokes (the work) keep their relative precision.
        changes, delta = [], np.zeros_like(p1)
        for m in maps:
            change = _matvec(m.deviation, p1 + delta) if m.deviation.any() else None  # None: frozen
            changes.append(change)
            if change is not None:
                delta = delta + change
        changes = _rebalanced(maps, changes)
        deltas, delta = [], 0.0 * p1
        for change in changes:
            deltas.append(delta)
            if change is not None:
                delta = delta + change
        working = [(m.work, d) for m, d in zip(maps, deltas) if m.work.any()]
        work = (_dot(sum(w for w, _ in working), p1) + sum(_dot(w, d) for w, d in working)
                if working else np.zeros(p1.shape[:-1])[()])
        heat = {res.name: 0.0 for res in cycle.reservoirs}
        stroke_heat = []
        for m, d, change in zip(maps, deltas, changes):
            if m.energies is not None and change is not None and len(m.heat) == 1:
                q = {r: _dot(m.energies, change) for r in m.heat}
            else:
                q = {r: _dot(h, p1 + d) for r, h in m.heat.items()}
            for r, v in q.items():
                if r not in heat:
                    raise CycleError(
                        f"a stroke reports heat from reservoir {r!r}, which is not among the "
                        f"reservoirs its reservoirs() method lists"
                    )
                heat[r] = heat[r] + v
            stroke_heat.append(q)
        cycle_time = sum(m.duration for m in maps)
        batch = np.broadcast_shapes(p1.shape[:-1], np.shape(cycle_time), np.shape(work),
                                    *(np.shape(q) for q in heat.values()))

        def ledger() -> list[StrokeRecord]:
            out = []
            for k, (stroke, m, d) in enumerate(zip(cycle.strokes, maps, deltas)):
                start_field, end_field = stroke.control_fields
                p_start = np.clip(p1 + d, 0.0, 1.0)  # rounding must not step outside [0, 1]
                out.append(StrokeRecord(
                    name=stroke.name, kind=type(stroke).__name__, duration=m.duration,
                    heat=stroke_heat[k], work=_dot(m.work, p_start),
                    populations_start=p_start,
                    populations_end=np.clip(p1 + d + (changes[k] if changes[k] is not None else 0.0), 0.0, 1.0),
                    control_start=values[self.parameter(k, start_field)],
                    control_end=values[self.parameter(k, end_field)],
                ))
            return out

        return self.performance(heat=heat, work=work, cycle_time=cycle_time, values=values,
                                ledger=ledger, batch=batch, method="linear_algebra")

    def performance(self, *, heat: Mapping[str, Any], work: Any, cycle_time: Any,
                    values: Mapping[str, Any], ledger: Callable[[], list[StrokeRecord]],
                    batch: tuple[int, ...], method: str) -> Performance:
        """Assemble a natural-unit :class:`Performance`, broadcasting totals to ``batch``."""
        if batch:
            heat = {r: _to_shape(q, batch) for r, q in heat.items()}
            work = _to_shape(work, batch)
            cycle_time = _to_shape(cycle_time, batch)
        temperatures = {r: values[n] for r, n in self._temperature_items}
        return Performance(heat=heat, work=work, cycle_time=cycle_time, temperatures=temperatures,
                           ledger=ledger, units=False,
                           control_kind=self.cycle.substance.control_kind, method=method)
