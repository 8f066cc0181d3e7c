"""States inside strokes: the path of the periodic state between a cycle's corners.

The ledger (:attr:`Performance.strokes <thermocycles.core.performance.Performance.strokes>`) gives the
state at every corner. Inside a stroke the state after a fraction ``f`` of it is the stroke's map
truncated at time ``f * duration``, applied to the periodic state at the stroke's start. The map of
any stroke that describes its physics through the stroke contract (``evolution(ctx)``, see
:mod:`thermocycles.core.context`) is truncated by a context wrapper, :class:`TruncatedContext`, that
passes every call on to the backend's own context, cut short:

* ``relax(control, tau, reservoirs)`` runs for ``f tau``;
* ``follow(start, end, tau)`` follows to ``start + (end - start) f`` (an ideal adiabat has no
  schedule; its control is drawn moving linearly);
* ``drive`` and ``ramp`` along a schedule ``s`` go to ``start + (end - start) s(f)`` over ``f tau``,
  along the rescaled schedule ``x -> s(f x) / s(f)``: the same control at every instant as the full
  stroke.

A stroke that makes several calls (composed with ``LinearMap.then``) is truncated on one clock: its
calls are taken to run one after another in the order they are made, each for its own duration;
the calls wholly before ``f`` times the total run in full, the one in progress is cut short, the later
ones run for no time. So user strokes are resolved too. A stroke that only implements
``population_map`` cannot be cut short: its path is not resolved (:attr:`StrokePath.resolved` is
False, and only its corners are known).

The untruncated harmonic oscillator (no backend; the closed form of the mean occupation) has its
own path: on a contact with a bosonic reservoir ``n(t) = nbar + (n_0 - nbar) exp(-gamma t)``, on an
isolated stroke ``n`` is constant while the control moves.

Everything here is unit-free (natural units); :func:`stroke_paths` is what the plots use.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import attrs
import numpy as np

from ..closed_forms.otto_oscillator import bose_occupation
from ..errors import CycleError, ParameterError
from .context import Schedule, StrokeContext
from .linear_map import LinearMap, dot, matvec
from .model import check_backend
from .periodic import solve_periodic

#: default number of fractions per stroke (0 and 1 included)
DEFAULT_POINTS = 41


def _named_schedule(schedule: Schedule) -> Callable[[np.ndarray], np.ndarray]:
    """The function of a schedule (the named ones are ``"linear"`` and ``"cosine"``, see
    ``thermocycles.spec.strokes.schedules``; they are validated when a stroke is built)."""
    if callable(schedule):
        return schedule
    if schedule == "linear":
        return lambda x: np.asarray(x, dtype=float)
    if schedule == "cosine":
        return lambda x: 0.5 * (1.0 - np.cos(np.pi * np.asarray(x, dtype=float)))
    raise ParameterError(f"TruncatedContext: unknown schedule {schedule!r}; expected 'linear', 'cosine' or a "
                         f"function s(t/tau)")


def _scalar_fraction(g: Any, what: str) -> float:
    """A fraction that must be the same over the batch (a schedule is one function of t/tau)."""
    g = np.asarray(g, dtype=float)
    first = float(g.ravel()[0]) if g.size else 0.0
    if g.size and not np.all(g == first):
        raise CycleError(f"TruncatedContext: the {what} of a composite stroke is cut short at different fractions "
                         f"for different elements of an array-valued cycle; its path cannot be resolved")
    return first


class _Rescaled:
    """The schedule ``x -> s(g x) / s(g)`` (picklable, unlike a closure)."""

    def __init__(self, s: Callable[[np.ndarray], np.ndarray], g: float, s_g: float):
        self.s, self.g, self.s_g = s, g, s_g

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.s(self.g * np.asarray(x, dtype=float)), dtype=float) / self.s_g


class TruncatedContext(StrokeContext):
    """A stroke context that cuts every call of the backend's context short (see the module
    docstring): the map it builds is the stroke's map up to a fraction of its duration.

    Parameters
    ----------
    inner : StrokeContext
        The backend's context for the stroke.
    fractions : sequence of float or ndarray, one per call the stroke makes
        How much of each call runs (``0 <= g <= 1``); the calls beyond the list run in full.

    Attributes
    ----------
    calls : list of tuple
        ``(kind, duration, control_start, control_end)`` of every call made, in order.
    control : ndarray or None
        The control value where the truncated stroke ends (that of the last call that ran for a
        positive fraction; the first call's start if none did).

    Examples
    --------
    A clock of fractions recorded from a stroke's calls:

    >>> class Dummy(StrokeContext):
    ...     backend = "dummy"
    ...     def relax(self, control, duration, reservoirs): return ("relax", control, float(duration))
    ...     def follow(self, start, end, duration): return ("follow", start, float(end), float(duration))
    ...     def drive(self, start, end, duration, schedule="linear"): return ("drive", start, end, duration)
    >>> ctx = TruncatedContext(Dummy({}, 2), [0.25])
    >>> ctx.relax(1.0, 2.0, [])
    ('relax', 1.0, 0.5)
    >>> ctx = TruncatedContext(Dummy({}, 2), [0.5])
    >>> ctx.follow(1.0, 3.0, 0.1)
    ('follow', 1.0, 2.0, 0.05)
    """

    def __init__(self, inner: StrokeContext, fractions: Sequence[Any]):
        super().__init__(getattr(inner, "_own", {}), inner.n_levels)
        self.backend = inner.backend
        self._inner = inner
        self._fractions = list(fractions)
        self.calls: list[tuple[str, Any, Any, Any]] = []
        self.control: Any = None

    def __getitem__(self, field: str) -> Any:
        return self._inner[field]

    def __getattr__(self, name: str) -> Any:  # a backend's helpers (energies, rate_matrix, ...)
        if name.startswith("__") or name == "_inner":
            raise AttributeError(name)
        return getattr(self._inner, name)

    def _next(self, kind: str, duration: Any, start: Any, end: Any) -> Any:
        k = len(self.calls)
        self.calls.append((kind, duration, start, end))
        g = self._fractions[k] if k < len(self._fractions) else 1.0
        if self.control is None:
            self.control = start
        return g

    def _moved(self, g: Any, end_now: Any) -> None:
        ran = np.asarray(g) > 0
        self.control = end_now if np.all(ran) else np.where(ran, end_now, self.control)

    def relax(self, control: Any, duration: Any, reservoirs: Sequence[Any]) -> LinearMap:
        g = self._next("relax", duration, control, control)
        out = self._inner.relax(control, duration if _is_one(g) else np.asarray(duration, dtype=float) * g,
                                reservoirs)
        self._moved(g, control)
        return out

    def follow(self, start: Any, end: Any, duration: Any) -> LinearMap:
        g = self._next("follow", duration, start, end)
        if _is_one(g):
            out, now = self._inner.follow(start, end, duration), end
        else:
            now = np.asarray(start, dtype=float) + (np.asarray(end, dtype=float) - start) * g
            out = self._inner.follow(start, now, np.asarray(duration, dtype=float) * g)
        self._moved(g, now)
        return out

    def _scheduled(self, g: Any, start: Any, end: Any, duration: Any, schedule: Schedule, what: str
                   ) -> tuple[Any, Any, Schedule]:
        if _is_one(g):
            return end, duration, schedule
        g = _scalar_fraction(g, what)
        s = _named_schedule(schedule)
        s_g = float(np.asarray(s(np.array([g])), dtype=float)[0])
        now = np.asarray(start, dtype=float) + (np.asarray(end, dtype=float) - start) * s_g
        tau = np.asarray(duration, dtype=float) * g
        if s_g == 0.0:  # the control has not moved yet (g = 0, or a schedule that waits)
            return now, tau, "linear"
        return now, tau, _Rescaled(s, g, s_g)

    def drive(self, start: Any, end: Any, duration: Any, schedule: Schedule = "linear") -> LinearMap:
        g = self._next("drive", duration, start, end)
        now, tau, sched = self._scheduled(g, start, end, duration, schedule, "drive")
        out = self._inner.drive(start, now, tau, sched)
        self._moved(g, now)
        return out

    def ramp(self, start: Any, end: Any, duration: Any, reservoirs: Sequence[Any],
             schedule: Schedule = "linear") -> LinearMap:
        g = self._next("ramp", duration, start, end)
        now, tau, sched = self._scheduled(g, start, end, duration, schedule, "ramp")
        out = self._inner.ramp(start, now, tau, reservoirs, sched)
        self._moved(g, now)
        return out


def _is_one(g: Any) -> bool:
    return bool(np.all(np.asarray(g) == 1.0))


def call_fractions(durations: Sequence[Any], fraction: float) -> list[Any]:
    """How much of each call runs when a stroke of consecutive calls is cut at ``fraction`` of its
    total duration (calls of zero total duration share the stroke equally).

    Examples
    --------
    >>> [float(g) for g in call_fractions([1.0, 3.0], 0.5)]
    [1.0, 0.3333333333333333]
    >>> [float(g) for g in call_fractions([0.0, 0.0], 0.25)]
    [0.5, 0.0]
    """
    if len(durations) == 1:
        return [fraction]
    d = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in durations))
    total = sum(d)
    equal = total == 0
    weights = [np.where(equal, 1.0 / len(d), x / np.where(equal, 1.0, total)) for x in d]
    out, before = [], np.zeros_like(total)
    for w in weights:
        g = np.where(w > 0, np.clip((fraction - before) / np.where(w > 0, w, 1.0), 0.0, 1.0),
                     1.0 * (fraction >= before))
        out.append(g[()])
        before = before + w
    return out


@attrs.frozen(kw_only=True)
class StrokePath:
    """The periodic state along one stroke, at fractions ``f`` of it (natural units).

    Attributes
    ----------
    name, kind : str
        The stroke's name and class name.
    fractions : ndarray, shape (F,)
        From 0 to 1.
    control : ndarray, shape (F,) + batch
        The control value at each fraction.
    populations : ndarray, shape (F,) + batch + (N,)
        Populations of the eigenstates of ``H`` there (``N = 0`` for the untruncated oscillator).
    occupation : ndarray, shape (F,) + batch
        The mean level index ``sum_i i p_i`` (the excited population of two levels; the mean
        occupation ``<n>`` of an oscillator).
    energy : ndarray, shape (F,) + batch
        The mean energy ``Tr(H rho)``.
    heat, work : ndarray, shape (F,) + batch
        Heat absorbed by the substance (all reservoirs) and work done on it since the stroke began.
    state : ndarray, shape (F,) + batch + (N, N), complex
        The density matrix in the natural basis (``N = 0`` for the untruncated oscillator).
    coherence : ndarray, shape (F,) + batch
        l1-norm of coherence in the eigenbasis of ``H`` (0 on the populations backend).
    resolved : bool
        False where the path inside the stroke is not known (a stroke that only has a population
        map): then ``fractions`` is ``[0, 1]`` and the entries hold the two corners.
    """

    name: str
    kind: str
    fractions: np.ndarray
    control: np.ndarray
    populations: np.ndarray
    occupation: np.ndarray
    energy: np.ndarray
    heat: np.ndarray
    work: np.ndarray
    state: np.ndarray
    coherence: np.ndarray
    resolved: bool = True


def _stack(items: Sequence[Any]) -> np.ndarray:
    return np.stack([np.asarray(x, dtype=float) for x in np.broadcast_arrays(*items)])


def stroke_paths(model: Any, values: Mapping[str, Any] | None = None, *, backend: str = "auto",
                 points: int = DEFAULT_POINTS) -> list[StrokePath]:
    """The path of the periodic state inside every stroke of a cycle.

    Parameters
    ----------
    model : CycleModel
        The cycle's core model (``cycle.model``).
    values : mapping, optional
        Natural-unit parameter values (the cycle's own if None).
    backend : str
        The state space: "auto" or a name in :data:`thermocycles.extend.BACKEND_OBJECTS` (the
        untruncated oscillator has none: its closed form of the mean occupation).
    points : int
        Fractions per stroke (>= 2), evenly spaced from 0 to 1.

    Returns
    -------
    list of StrokePath
        One per stroke, in order.

    Examples
    --------
    >>> import thermocycles as tc
    >>> cycle = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
    ...                                      tau_c=1.0, tau_h=1.0, tau_ch=0.1, tau_hc=0.1)
    >>> paths = stroke_paths(cycle.model, points=5)
    >>> [p.name for p in paths], paths[0].occupation.shape
    (['c', 'ch', 'h', 'hc'], (5,))
    >>> perf = cycle.performance(method="linear_algebra")
    >>> abs(float(paths[0].energy[-1]) - float(perf.strokes[0].energy_end)) < 1e-12
    True
    """
    if int(points) != points or points < 2:
        raise ParameterError(f"stroke_paths: points must be an integer >= 2; got {points!r}")
    check_backend(backend, "stroke_paths backend")
    values = model.defaults if values is None else values
    fractions = np.linspace(0.0, 1.0, int(points))
    if model.substance.n_levels is None:
        return _mean_occupation_paths(model, values, fractions)
    chosen = model.choose_backend(values, backend)
    maps = chosen.maps(model, values)
    solution = solve_periodic(maps, chosen)
    view = chosen.view(model, values)
    substance_values = model.substance_values(values)
    paths = []
    for k, stroke in enumerate(model.strokes):
        start, end = model.controls(values, k)
        x0 = solution.starts[k]
        if not stroke.describes_evolution():
            ends = [(x0, start, None), (solution.ends[k], end, maps[k])]
            paths.append(_path(model, chosen, values, substance_values, stroke, np.array([0.0, 1.0]), ends,
                               x0, resolved=False))
            continue
        inner = chosen.context(model, values, k, view)
        recorder = TruncatedContext(inner, [])
        stroke.evolution(recorder)
        durations = [c[1] for c in recorder.calls] or [np.asarray(0.0)]
        states = []
        for f in fractions:
            if f == 0.0:
                states.append((x0, start, None))
                continue
            ctx = TruncatedContext(chosen.context(model, values, k, view), call_fractions(durations, float(f)))
            m = stroke.evolution(ctx)
            control = end if f == 1.0 else (start if ctx.control is None else ctx.control)
            states.append((x0 + matvec(m.deviation, x0), control, m))
        paths.append(_path(model, chosen, values, substance_values, stroke, fractions, states, x0))
    return _broadcast(paths)


def _broadcast(paths: list[StrokePath]) -> list[StrokePath]:
    """Every path's entries over the cycle's full batch shape (a stroke whose values are scalars
    in an array-valued cycle gets the batch of the others)."""
    batch = np.broadcast_shapes(*(np.shape(x)[1:] for p in paths for x in (p.control, p.energy, p.work, p.heat,
                                                                            p.occupation, p.coherence)))
    out = []
    for p in paths:
        f = (len(p.fractions),)

        def full(x: np.ndarray, trailing: int = 0, f: tuple[int, ...] = f) -> np.ndarray:
            inner = x.ndim - 1 - trailing  # batch axes x has
            x = x.reshape(f + (1,) * (len(batch) - inner) + x.shape[1:])
            return np.broadcast_to(x, f + batch + x.shape[x.ndim - trailing:])

        changes: dict[str, Any] = {name: full(np.asarray(getattr(p, name))) for name in
                                   ("control", "occupation", "energy", "heat", "work", "coherence")}
        out.append(attrs.evolve(p, populations=full(p.populations, 1), state=full(p.state, 2), **changes))
    return out


def _path(model: Any, chosen: Any, values: Mapping[str, Any], substance_values: Mapping[str, Any], stroke: Any,
          fractions: np.ndarray, states: Sequence[tuple[Any, Any, LinearMap | None]], x0: np.ndarray,
          resolved: bool = True) -> StrokePath:
    controls: list[Any] = []
    populations: list[Any] = []
    energies: list[Any] = []
    heats: list[Any] = []
    works: list[Any] = []
    coherences: list[Any] = []
    rhos: list[Any] = []
    for x, control, m in states:
        corner = chosen.corner(model, values, x, control)
        controls.append(control)
        populations.append(corner.populations)
        energies.append(model.mean_energy(corner.populations, control, substance_values))
        coherences.append(corner.coherence)
        rhos.append(corner.state)
        if m is None:
            heats.append(0.0)
            works.append(0.0)
        else:
            heats.append(sum((dot(h, x0) for h in m.heat.values()), np.zeros(np.shape(x0)[:-1])))
            works.append(dot(m.work, x0))
    pops = np.stack(np.broadcast_arrays(*populations))
    index = np.arange(pops.shape[-1], dtype=float)
    return StrokePath(name=stroke.name, kind=type(stroke).__name__, fractions=fractions,
                      control=_stack(controls), populations=pops, occupation=pops @ index,
                      energy=_stack(energies), heat=_stack(heats), work=_stack(works),
                      state=np.stack(np.broadcast_arrays(*rhos)), coherence=_stack(coherences), resolved=resolved)


def _mean_occupation_paths(model: Any, values: Mapping[str, Any], fractions: np.ndarray) -> list[StrokePath]:
    """Paths of the untruncated oscillator from the closed form of its mean occupation."""
    perf = model.evaluate(values)  # raises with the reason where the closed form does not apply
    records = perf.natural_strokes()
    reservoirs = model.reservoir_values(values)
    paths = []
    f = fractions.reshape((-1,) + (1,) * np.ndim(perf.natural().work))
    for k, (stroke, record) in enumerate(zip(model.strokes, records)):
        c0, c1 = (np.asarray(c, dtype=float) for c in (record.control_start, record.control_end))
        n0 = np.asarray(record.energy_start, dtype=float) / c0 - 0.5
        if stroke.reservoirs():
            r = reservoirs[stroke.reservoirs()[0].name]
            tau = np.asarray(model.stroke_values(values, k)["duration"], dtype=float)
            nbar = bose_occupation(c0 / np.asarray(r["temperature"], dtype=float))
            n = nbar + (n0 - nbar) * np.exp(-np.asarray(r["coupling"], dtype=float) * tau * f)
            control = c0 + 0.0 * f
            energy = control * (n + 0.5)
            heat, work = energy - energy[:1], 0.0 * energy
        else:
            s = _named_schedule(getattr(stroke, "schedule", "linear"))(fractions).reshape(f.shape)
            control = c0 + (c1 - c0) * s
            n = n0 + 0.0 * control
            energy = control * (n + 0.5)
            heat, work = 0.0 * energy, energy - energy[:1]
        n, control, energy, heat, work = np.broadcast_arrays(n, control, energy, heat, work)
        paths.append(StrokePath(name=stroke.name, kind=type(stroke).__name__, fractions=fractions,
                                control=control, populations=np.zeros(n.shape + (0,)), occupation=n,
                                energy=energy, heat=heat, work=work, state=np.zeros(n.shape + (0, 0), dtype=complex),
                                coherence=np.zeros(n.shape)))
    return _broadcast(paths)


__all__ = ["StrokePath", "TruncatedContext", "stroke_paths", "call_fractions", "DEFAULT_POINTS"]
