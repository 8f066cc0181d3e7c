"""The unit-free core of a cycle: its parameters in natural units and its evaluation.

A :class:`CycleModel` is compiled from a cycle's specification (substance, strokes, reservoirs and
parameter table) the first time it is needed. It holds no reference to the
:class:`~thermocycles.Cycle`. Solvers, optimisers, sweeps and finite differences call
:meth:`CycleModel.evaluate` with plain floats or ndarrays keyed by parameter name; no pint object is
created inside that call.

Evaluation paths:

* a registered closed form (see :mod:`thermocycles.closed_forms`) that recognises the cycle's
  structure, used for speed where it applies;
* the generic path: a backend (:mod:`thermocycles.backends`) turns every stroke into a
  :class:`~thermocycles.core.linear_map.LinearMap` on its state vector (populations or density
  matrix), and ``thermocycles.core.periodic.solve_periodic`` finds the periodic state with one
  direct solve.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..backends import BACKEND_OBJECTS
from ..backends.base import large_values
from ..closed_forms import find_closed_form
from ..errors import CycleError, ParameterError, brief, clip
from .performance import Performance, StrokeRecord
from .periodic import solve_periodic

METHODS = ("auto", "closed_form", "linear_algebra")
#: the ``backend=`` values under which a closed form may answer (a closed form is a result on the
#: level populations; a backend asked for by any other name evaluates the cycle itself)
CLOSED_FORM_BACKENDS = ("auto", "populations")


def backend_names() -> tuple[str, ...]:
    """The names ``backend=`` accepts now: ``"auto"`` and the keys of
    :data:`thermocycles.extend.BACKEND_OBJECTS` (read at each call, so a backend registered by the
    user is accepted by name from then on, in this process).

    Examples
    --------
    >>> backend_names()
    ('auto', 'populations', 'density_matrix')
    """
    return ("auto", *BACKEND_OBJECTS)


def check_backend(backend: Any, where: str = "backend") -> str:
    """``backend`` if it is ``"auto"`` or a name registered in
    :data:`thermocycles.extend.BACKEND_OBJECTS`, else a ParameterError naming ``where`` (e.g.
    ``"IrreversibleAnalysis.backend"``), the registered names and the value given.

    Examples
    --------
    >>> check_backend("density_matrix")
    'density_matrix'
    >>> check_backend("gpu", "Cycle.performance backend")
    Traceback (most recent call last):
    ...
    thermocycles.errors.ParameterError: Cycle.performance backend must be one of 'auto', ...; got 'gpu'
    """
    if isinstance(backend, str) and (backend == "auto" or backend in BACKEND_OBJECTS):
        return backend
    raise ParameterError(f"{where} must be one of {', '.join(map(repr, backend_names()))} (\"auto\" or a name in "
                         f"thermocycles.extend.BACKEND_OBJECTS); got {brief(backend)}")


class CycleModel:
    """Natural-unit parameters of a cycle and the functions that evaluate it.

    Attributes
    ----------
    substance, strokes, reservoirs
        The cycle's components (frozen specification objects).
    names : tuple of str
        Parameter names.
    specs : dict of str to ParameterSpec
        Kind, user value and uses of each parameter.
    defaults : dict of str to float or ndarray
        The cycle's own parameter values in natural units.
    has_units : bool
        Whether results are wrapped in units when asked for.
    """

    def __init__(self, substance: Any, strokes: Sequence[Any], reservoirs: Sequence[Any],
                 specs: Mapping[str, Any], binding: Mapping[tuple[Any, str], str], *, has_units: bool):
        self.substance = substance
        self.strokes = tuple(strokes)
        self.reservoirs = tuple(reservoirs)
        self.specs = dict(specs)
        self.names = tuple(specs)
        self.defaults = {name: spec.natural for name, spec in specs.items()}
        self.has_units = has_units
        self.binding = dict(binding)
        self.substance_fields = tuple((f, n) for (owner, f), n in binding.items() if owner[0] == "substance")
        self.reservoir_fields = {
            res.name: tuple((f, n) for (owner, f), n in binding.items() if owner == ("reservoir", res.name))
            for res in self.reservoirs
        }
        self.stroke_fields = tuple(
            tuple((f, n) for (owner, f), n in binding.items() if owner == ("stroke", k))
            for k in range(len(self.strokes))
        )
        self.temperature_names = {
            res.name: binding[(("reservoir", res.name), "temperature")] for res in self.reservoirs
        }
        self._temperature_items = tuple(self.temperature_names.items())
        self._closed_form: list[Callable[[Mapping[str, Any]], Performance] | None] = []

    # -- structure ------------------------------------------------------------------------------
    @property
    def closed_form(self) -> Callable[[Mapping[str, Any]], Performance] | None:
        """The closed-form evaluator that matched this cycle, if any."""
        if not self._closed_form:
            self._closed_form.append(find_closed_form(self))
        return self._closed_form[0]

    def parameter(self, stroke_index: int, field: str) -> str:
        """Name of the parameter that a stroke's field reads."""
        return self.binding[(("stroke", stroke_index), field)]

    def reservoir_parameter(self, reservoir: str, field: str) -> str:
        """Name of the parameter that a reservoir's field reads."""
        return self.binding[(("reservoir", reservoir), field)]

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

    # -- natural-unit views for backends ---------------------------------------------------------
    def substance_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The substance's fields in natural units, by field name."""
        return {f: values[n] for f, n in self.substance_fields}

    def reservoir_values(self, values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """Each reservoir's fields in natural units, by reservoir name and field name."""
        return {r: {f: values[n] for f, n in fields} for r, fields in self.reservoir_fields.items()}

    def stroke_values(self, values: Mapping[str, Any], k: int) -> dict[str, Any]:
        """Stroke k's fields in natural units, by field name."""
        return {f: values[n] for f, n in self.stroke_fields[k]}

    def controls(self, values: Mapping[str, Any], k: int) -> tuple[Any, Any]:
        """Control values at the start and end of stroke k."""
        start, end = self.strokes[k].control_fields
        return values[self.parameter(k, start)], values[self.parameter(k, end)]

    # -- evaluation -----------------------------------------------------------------------------
    def evaluate(self, values: Mapping[str, Any] | None = None, *, method: str = "auto",
                 backend: str = "auto", units: bool = False) -> Performance:
        """Performance in the periodic steady state, from natural-unit parameter values.

        Parameters
        ----------
        values : mapping of str to float or ndarray, optional
            Values of all parameters (e.g. ``model.values({"tau_c": 2.0})``); the defaults if None.
        method : {"auto", "closed_form", "linear_algebra"}
            Evaluation path; "auto" takes the closed form when one applies.
        backend : str
            State space of the generic path: "auto" or a name in
            :data:`thermocycles.extend.BACKEND_OBJECTS` (see :meth:`thermocycles.Cycle.performance`).
        units : bool
            Wrap results in units (only meaningful for a cycle built with units).
        """
        values = self.defaults if values is None else values
        if method not in METHODS:
            raise ParameterError(f"method must be one of {METHODS}; got {method!r}")
        check_backend(backend)
        closed = self.closed_form_for(method, backend)
        if method == "closed_form" and closed is None:
            if self.substance.n_levels is None:
                self.choose_backend(values, backend)  # raises: says why (an untruncated substance)
            if backend not in CLOSED_FORM_BACKENDS:
                raise ParameterError(
                    f"method='closed_form' with backend={backend!r}: a closed form answers only for backend='auto' "
                    f"or 'populations'; use method='linear_algebra' (or 'auto') to evaluate on {backend!r}")
            raise ParameterError(
                "method='closed_form': no closed form is registered for this cycle's structure"
                "; use method='linear_algebra' (or 'auto')")
        if closed is not None:
            perf = closed(values)
        else:
            perf = self.evaluate_generic(values, backend)
        if units:
            perf = perf.with_units(self.has_units)
        return perf

    def closed_form_for(self, method: str, backend: str) -> Callable[..., Performance] | None:
        """The closed form that ``evaluate(method=method, backend=backend)`` takes, or None (none is
        registered for this structure, ``method="linear_algebra"``, or a backend other than
        :data:`CLOSED_FORM_BACKENDS` is asked for)."""
        return self.closed_form if method != "linear_algebra" and backend in CLOSED_FORM_BACKENDS else None

    def choose_backend(self, values: Mapping[str, Any], requested: str = "auto") -> Any:
        """The backend object that evaluates these values (raises with the reason if none can).

        ``requested``: "auto" (the first backend of :data:`thermocycles.extend.BACKEND_OBJECTS`
        that accepts the cycle) or a name in it, looked up now.
        """
        check_backend(requested)
        if self.substance.n_levels is None:  # infinitely many levels (untruncated): closed forms only
            refusal = getattr(self.substance, "untruncated_refusal", None)
            reason = (refusal(self.strokes) if callable(refusal) else
                      f"{type(self.substance).__name__} has no finite number of levels")
            raise CycleError(reason if requested == "auto" else
                             f"backend={requested!r} cannot evaluate this cycle: {reason}")
        if requested != "auto":
            chosen = BACKEND_OBJECTS[requested]
            if getattr(chosen, "name", None) != requested:
                raise ParameterError(
                    f"thermocycles.extend.BACKEND_OBJECTS[{requested!r}] is a {type(chosen).__name__} named "
                    f"{getattr(chosen, 'name', None)!r}: register a backend under its name (set the class "
                    f"attribute name = {requested!r})")
            reason = chosen.refusal(self, values)
            if reason:
                raise CycleError(f"backend={requested!r} cannot evaluate this cycle: {reason}")
            return chosen
        reasons = []
        for candidate in BACKEND_OBJECTS.values():
            reason = candidate.refusal(self, values)
            if not reason:
                return candidate
            reasons.append(f"{candidate.name}: {reason}")
        raise CycleError("no backend can evaluate this cycle: " + "; ".join(reasons))

    def evaluate_generic(self, values: Mapping[str, Any], backend: str = "auto") -> Performance:
        """Generic path: stroke maps from a backend, one direct solve for the periodic state."""
        chosen = self.choose_backend(values, backend)
        maps = chosen.maps(self, values, check=False)  # (finiteness: checked below, where it fails)
        try:
            with np.errstate(all="ignore"):  # non-finite maps are named below, not warned about
                solution = solve_periodic(maps, chosen)
        except CycleError as error:
            chosen.check_finite(self, values, maps)  # the stroke whose map over- or underflows, if any
            self.check_contact(values)  # the specific reason, if it is missing contact
            large = large_values(self, values)
            if large:  # the likely reason: numbers beyond the range of the backend's numerics
                raise CycleError(
                    f"{clip(str(error))} (on the {chosen.name} backend), most likely because of values "
                    f"beyond the range its numerics hold (rate x duration or energy x duration products "
                    f"near overflow): {large}") from None
            raise
        except (ArithmeticError, ValueError, np.linalg.LinAlgError):
            chosen.check_finite(self, values, maps)
            raise
        if not _finite(solution):
            chosen.check_finite(self, values, maps)
            large = large_values(self, values)
            raise CycleError(
                f"the periodic solve on the {chosen.name} backend gave non-finite heats or work"
                + (f", most likely because of values beyond the range its numerics hold: {large}" if large else ""))
        heat: dict[str, Any] = {res.name: 0.0 for res in self.reservoirs}
        for k, stroke_heat in enumerate(solution.heat):
            for name, q in stroke_heat.items():
                if name not in heat:
                    stroke = self.strokes[k]
                    raise CycleError(
                        f"{type(stroke).__name__} {stroke.name!r} reports heat from reservoir {name!r}, "
                        f"which is not among the reservoirs its reservoirs() method lists")
                heat[name] = heat[name] + q
        work = solution.total_work
        cycle_time = sum(m.duration for m in maps)
        shapes = {np.shape(solution.starts[0])[:-1], np.shape(cycle_time), *(np.shape(q) for q in heat.values())}
        batch = shapes.pop() if len(shapes) == 1 else np.broadcast_shapes(*shapes)

        def ledger() -> list[StrokeRecord]:
            substance_values = self.substance_values(values)

            def energy(populations: np.ndarray, control: Any) -> Any:
                return self.mean_energy(populations, control, substance_values)

            records = []
            for k, stroke in enumerate(self.strokes):
                c_start, c_end = self.controls(values, k)
                start = chosen.corner(self, values, solution.starts[k], c_start)
                end = chosen.corner(self, values, solution.ends[k], c_end)
                records.append(StrokeRecord(
                    name=stroke.name, kind=type(stroke).__name__, duration=maps[k].duration,
                    heat=solution.heat[k], work=solution.work[k],
                    populations_start=start.populations, populations_end=end.populations,
                    control_start=c_start, control_end=c_end,
                    state_start=start.state, state_end=end.state,
                    coherence_start=start.coherence, coherence_end=end.coherence,
                    energy_start=energy(start.populations, c_start), energy_end=energy(end.populations, c_end),
                ))
            return records

        return self.performance(heat=heat, work=work, cycle_time=cycle_time, values=values, ledger=ledger,
                                batch=batch, method="linear_algebra", backend=chosen.name,
                                resolution=solution.resolution)

    def mean_energy(self, populations: np.ndarray, control: Any, substance_values: Mapping[str, Any]) -> Any:
        """``Tr(H rho) = sum_i p_i E_i``, with ``p_i`` the populations of the eigenstates of
        ``H(control)`` (``substance_values`` from :meth:`substance_values`)."""
        levels = np.asarray(self.substance.eigensystem(control, substance_values)[0], dtype=float)
        return np.sum(populations * levels, axis=-1)[()]

    def check_contact(self, values: Mapping[str, Any]) -> None:
        """Raise a CycleError naming the durations if no stroke touches a reservoir for any time."""
        contact = [k for k, s in enumerate(self.strokes) if s.reservoirs()]
        if not contact:
            raise CycleError("the cycle has no unique periodic steady state: no stroke is in "
                             "contact with a reservoir")
        names = [self.parameter(k, "duration") for k in contact]
        idle = np.asarray(True)
        for name in names:
            idle = idle & (np.asarray(values[name]) == 0)
        if np.any(idle):
            at = f" at element {tuple(int(i) for i in np.argwhere(idle)[0])}" if np.ndim(idle) else ""
            strokes = ", ".join(f"{type(self.strokes[k]).__name__} {self.strokes[k].name!r}" for k in contact)
            raise CycleError(
                f"the cycle has no unique periodic steady state{at}: every stroke in contact with a "
                f"reservoir ({strokes}) has zero duration ({' = '.join(names)} = 0); give at least "
                f"one of them a positive contact time"
            )

    def performance(self, *, heat: Mapping[str, Any], work: Any, cycle_time: Any,
                    values: Mapping[str, Any], ledger: Callable[[], list[StrokeRecord]],
                    batch: tuple[int, ...], method: str, backend: str = "populations",
                    resolution: Any = None) -> Performance:
        """Assemble a natural-unit :class:`Performance`, broadcasting totals to ``batch``.

        ``resolution``: the round-off floor of the net flows where the path forms them by plain
        summation (see :attr:`Performance.resolution`); None where they keep relative precision.
        """
        if batch:
            heat = {r: _to_shape(q, batch) for r, q in heat.items()}
            work = _to_shape(work, batch)
            cycle_time = _to_shape(cycle_time, batch)
            if resolution is not None:
                resolution = _to_shape(resolution, batch)
        temperatures = {r: values[n] for r, n in self._temperature_items}
        return Performance(heat=heat, work=work, cycle_time=cycle_time, temperatures=temperatures,
                           ledger=ledger, units=False, control_kind=self.substance.control_kind,
                           method=method, backend=backend, resolution=resolution)


def _to_shape(value: Any, shape: tuple[int, ...]) -> Any:
    return value if np.shape(value) == shape else np.broadcast_to(value, shape)


__all__ = ["CycleModel", "METHODS", "CLOSED_FORM_BACKENDS", "backend_names", "check_backend"]


def _finite(solution: Any) -> bool:
    """Whether the heats and the work of a periodic solution are all finite (one sum: inf or nan
    anywhere makes it non-finite; the corners are finite where the heats are, which are formed from
    them)."""
    with np.errstate(all="ignore"):
        total = solution.total_work
        for heat in solution.heat:
            for q in heat.values():
                total = total + q
        return bool(np.isfinite(total).all()) if np.ndim(total) else math.isfinite(total)
