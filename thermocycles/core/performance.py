"""The performance record of a cycle in its periodic steady state.

Sign conventions (stated once, used everywhere)
-----------------------------------------------
* ``heat[r]`` is the heat the working substance absorbs from reservoir ``r`` per cycle, and
  ``work`` the work done *on* the substance per cycle. The first law of a closed cycle reads
  ``sum_r heat[r] + work = 0``.
* For a cycle between two reservoirs (the colder one "cold", the hotter "hot"), following the
  paper: ``q_c`` is the heat absorbed from the cold reservoir, ``q_h`` the heat released *into* the
  hot reservoir (``q_h = -heat[hot]``), so a refrigerator has ``q_c, q_h, work > 0`` and
  ``q_h = q_c + work``.
* ``entropy_production = -sum_r heat[r] / T_r`` (in units of k_B per cycle) is >= 0.

Derived figures: ``cop = q_c / work``, ``cooling_rate = q_c / cycle_time``,
``chi = cop * cooling_rate``, ``efficiency = work / q_h`` (the engine efficiency: work delivered
over heat drawn from the hot reservoir), ``power = -work / cycle_time`` (power delivered).

Figures that belong to one operating mode are NaN wherever the cycle runs in another (element-wise
for arrays), and :meth:`Performance.why_nan` says why: ``cop`` and ``chi`` apply to a refrigerator
(q_c > 0, work > 0), ``efficiency`` to an engine (work < 0, heat drawn from the hot reservoir).
The ratios themselves say nothing of the mode: an Otto engine's ``q_c / work`` is ``w_a/(w_b - w_a)
> 0``, and ``chi = q_c^2 / (work t_cyc)`` has the sign of the work, so it is positive for a heater
or an accelerator too. :meth:`Performance.algebraic` gives the ratios in every mode (continuous
across mode boundaries, for objectives). Signed figures that mean something in every mode
(``q_c``, ``q_h``, ``work``, ``cooling_rate``, ``power``, entropy production) are never masked.
Otherwise a ratio whose denominator is exactly zero is ``inf`` or ``nan``, as IEEE arithmetic gives.
"""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any, Callable, Mapping

import attrs
import numpy as np

from ..errors import AnalysisError
from ..units import ENERGY, ENTROPY, ENTROPY_RATE, POWER, TEMPERATURE, TIME, Kind
from .modes import Mode, classify_mode, runs_as


def _read_only(array: Any) -> np.ndarray:
    """A read-only view (corners are shared between consecutive strokes' records)."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


@attrs.frozen(kw_only=True)
class StrokeRecord:
    """One line of the per-stroke ledger.

    Attributes
    ----------
    name, kind : str
        Stroke name and class name.
    duration : float or Quantity
    heat : dict of str to value
        Heat absorbed by the substance from each reservoir touched during the stroke.
    work : float or Quantity
        Work done on the substance during the stroke.
    populations_start, populations_end : ndarray, shape (..., N)
        Populations of the eigenstates of ``H`` at the stroke's start and end (the cycle's corners),
        in the substance's level order.
    control_start, control_end : float or Quantity
        Control value (e.g. the frequency w) at the stroke's start and end.
    state_start, state_end : ndarray, shape (..., N, N), complex
        The density matrix at the stroke's start and end, in the natural basis.
    coherence_start, coherence_end : ndarray
        l1-norm of coherence, ``sum_{i != j} |rho_ij|`` in the eigenbasis of ``H`` at the stroke's
        start and end (always 0 on the populations backend).
    energy_start, energy_end : float, ndarray, Quantity or None
        Mean energy ``Tr(H rho) = sum_i p_i E_i`` of the substance at the stroke's start and end
        (``H`` at the control value there). The first law per stroke reads
        ``energy_end - energy_start = sum(heat.values()) + work``. None where an evaluation path
        does not provide it.

    Evaluation paths produce records in natural units; :attr:`Performance.strokes` gives them the
    record's batch shape and, for a cycle with units, units.
    """

    name: str
    kind: str
    duration: Any
    heat: Mapping[str, Any]
    work: Any
    populations_start: np.ndarray = attrs.field(eq=False, converter=_read_only)
    populations_end: np.ndarray = attrs.field(eq=False, converter=_read_only)
    control_start: Any
    control_end: Any
    state_start: np.ndarray = attrs.field(eq=False, converter=_read_only)
    state_end: np.ndarray = attrs.field(eq=False, converter=_read_only)
    coherence_start: Any = 0.0
    coherence_end: Any = 0.0
    energy_start: Any = None
    energy_end: Any = None


def _ratio(a: Any, b: Any) -> Any:
    """``a / b`` with IEEE results (inf, nan) for a zero denominator, and no warning."""
    if isinstance(a, float) and isinstance(b, float):  # fast path for scalars (np.float64 too)
        if b != 0.0:
            return a / b
        return math.nan if a == 0.0 or math.isnan(a) else math.copysign(math.inf, a) * math.copysign(1.0, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(a, b)


class Performance:
    """Performance of a cycle in its periodic steady state (see the module docstring for signs).

    Values are plain floats/ndarrays in natural units when the cycle was built from plain numbers,
    and pint quantities when it carries units (energies in J, rates in W, times in s, entropies in
    J/K). :meth:`natural` gives the unit-free record in any case.

    Attributes
    ----------
    heat : dict of str to value
        Heat absorbed from each reservoir per cycle.
    work : value
        Work done on the substance per cycle.
    cycle_time : value
    strokes : tuple of StrokeRecord
        The per-stroke ledger (heat, work, duration, populations at each corner).
    """

    def __init__(
        self,
        *,
        heat: Mapping[str, Any],
        work: Any,
        cycle_time: Any,
        temperatures: Mapping[str, Any],
        ledger: Callable[[], list[StrokeRecord]],
        units: bool = False,
        control_kind: Kind = ENERGY,
        method: str = "",
        backend: str = "populations",
        resolution: Any = None,
    ):
        self._heat = heat if type(heat) is dict else dict(heat)
        self._work = work
        self._cycle_time = cycle_time
        self._temperatures = temperatures if type(temperatures) is dict else dict(temperatures)
        self._ledger = ledger
        self._records: list[Any] = []  # the natural-unit ledger once computed (shared with twins)
        self._units = units
        self._control_kind = control_kind
        #: "closed_form" or "linear_algebra" (the generic path)
        self.method = method
        #: "populations", "density_matrix" or "mean_occupation" (the untruncated oscillator's closed
        #: form): the state space the record was computed in
        self.backend = backend
        #: round-off floor of the net flows (natural units; None where they keep relative precision)
        self._resolution = resolution

    def with_units(self, units: bool) -> Performance:
        """The same record with (for a cycle built with units) or without units."""
        if units == self._units:
            return self
        twin = Performance(heat=self._heat, work=self._work, cycle_time=self._cycle_time,
                           temperatures=self._temperatures, ledger=self._ledger, units=units,
                           control_kind=self._control_kind, method=self.method, backend=self.backend,
                           resolution=self._resolution)
        twin._records = self._records
        twin.__dict__.update({k: v for k, v in self.__dict__.items() if k.startswith("_n_")})
        return twin

    def natural(self) -> Performance:
        """The same record without units (natural units, hbar = k_B = 1): the record plugins use."""
        return self.with_units(False)

    def natural_strokes(self) -> list[StrokeRecord]:
        """The per-stroke ledger as the evaluation produced it (natural units, unbroadcast)."""
        if not self._records:
            self._records.extend(self._ledger())
        return self._records

    def __reduce__(self) -> tuple[Any, ...]:
        # the ledger is a closure over the evaluation: ship the records it computes instead
        records = tuple(self.natural_strokes())
        state = dict(heat=self._heat, work=self._work, cycle_time=self._cycle_time,
                     temperatures=self._temperatures, units=self._units,
                     control_kind=self._control_kind, method=self.method, backend=self.backend,
                     resolution=self._resolution)
        return (_rebuild_performance, (state, records))

    @property
    def resolution(self) -> Any:
        """Magnitude at or below which this record's net heats and work are round-off (zero).

        ``0`` where the evaluation path keeps the relative precision of the net flows down to
        underflow (the closed forms; the periodic solve where every reference state is a Gibbs state
        known in closed form): their signs are then exact. Elsewhere (e.g. the density-matrix
        backend with a basis that turns from stroke to stroke, isotherms) the net flows are sums of
        larger per-stroke flows, and this is ``thermocycles.core.modes.GROSS_TOLERANCE`` times
        the gross turnover (the sum of every stroke's ``|heat|`` and ``|work|``). :attr:`mode` (and so
        ``cop``, ``chi``, ``efficiency``) treats flows at or below it as zero: a cycle whose net
        flows are all round-off is idle.

        Examples
        --------
        >>> import thermocycles as tc
        >>> fridge = tc.quantum_otto_cycle(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
        ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
        >>> fridge.performance().resolution
        0.0
        """
        value = 0.0 if self._resolution is None else self._resolution
        return self._out(value, ENERGY)

    @property
    def has_units(self) -> bool:
        """True if values are pint quantities."""
        return self._units

    def _out(self, value: Any, kind: Kind) -> Any:
        return kind.wrap(value) if self._units else value

    # -- natural-unit core figures (cached) -------------------------------------------------
    @cached_property
    def _n_cold_hot(self) -> tuple[Any, Any, Any, Any]:
        """(heat from cold, heat from hot, T_cold, T_hot) in natural units."""
        names = list(self._heat)
        if len(names) != 2:
            raise AnalysisError(
                f"q_c and q_h are defined for cycles between two reservoirs; this cycle exchanges "
                f"heat with {len(names)} ({', '.join(names) or 'none'}): use Performance.heat"
            )
        a, b = names
        q_a, q_b = self._heat[a], self._heat[b]
        t_a, t_b = self._temperatures[a], self._temperatures[b]
        if np.ndim(t_a) == 0 and np.ndim(t_b) == 0:
            return (q_a, q_b, t_a, t_b) if t_a <= t_b else (q_b, q_a, t_b, t_a)
        a_cold = np.asarray(t_a) <= np.asarray(t_b)
        return (np.where(a_cold, q_a, q_b), np.where(a_cold, q_b, q_a),
                np.where(a_cold, t_a, t_b), np.where(a_cold, t_b, t_a))

    @property
    def T_c(self) -> Any:
        """Temperature of the colder of the two reservoirs."""
        return self._out(self._n_cold_hot[2], TEMPERATURE)

    @property
    def T_h(self) -> Any:
        """Temperature of the hotter of the two reservoirs."""
        return self._out(self._n_cold_hot[3], TEMPERATURE)

    @property
    def _n_q_c(self) -> Any:
        return self._n_cold_hot[0]

    @property
    def _n_q_h(self) -> Any:
        return -self._n_cold_hot[1]

    # -- public figures ---------------------------------------------------------------------
    @property
    def heat(self) -> dict[str, Any]:
        """Heat absorbed by the substance from each reservoir per cycle, by reservoir name."""
        return {name: self._out(q, ENERGY) for name, q in self._heat.items()}

    @property
    def temperatures(self) -> dict[str, Any]:
        """Temperature of each reservoir, by name."""
        return {name: self._out(t, TEMPERATURE) for name, t in self._temperatures.items()}

    @property
    def work(self) -> Any:
        """Work done on the substance per cycle (paper's W)."""
        return self._out(self._work, ENERGY)

    @property
    def cycle_time(self) -> Any:
        """Duration of one cycle."""
        return self._out(self._cycle_time, TIME)

    @property
    def q_c(self) -> Any:
        """Heat absorbed from the cold reservoir per cycle (paper's Q_c)."""
        return self._out(self._n_q_c, ENERGY)

    @property
    def q_h(self) -> Any:
        """Heat released into the hot reservoir per cycle (paper's Q_h)."""
        return self._out(self._n_q_h, ENERGY)

    # -- figures of one operating mode -------------------------------------------------------
    @cached_property
    def _n_refrigerator(self) -> Any:
        """Where the cycle runs as a refrigerator (bool, or a bool array)."""
        return runs_as(_REFRIGERATOR_MODE, self._n_q_c, self._n_q_h, self._work, self._resolution)

    @cached_property
    def _n_engine(self) -> Any:
        """Where the cycle runs as an engine (bool, or a bool array)."""
        return runs_as(_ENGINE_MODE, self._n_q_c, self._n_q_h, self._work, self._resolution)

    def _n_algebraic(self, figure: str) -> Any:
        if figure == "cop":
            return _ratio(self._n_q_c, self._work)
        if figure == "chi":
            return _ratio(self._n_q_c, self._work) * _ratio(self._n_q_c, self._cycle_time)
        if figure == "efficiency":
            return _ratio(self._work, self._n_q_h)
        raise AnalysisError(
            f"Performance.algebraic: figure must be one of {sorted(_APPLIES)}; got {figure!r} (the other "
            f"figures are never masked: read them directly)")

    def _n_masked(self, figure: str) -> Any:
        value = self._n_algebraic(figure)
        applies = self._n_refrigerator if _APPLIES[figure] is _REFRIGERATOR_MODE else self._n_engine
        if applies is True:  # scalars (runs_as gives a bool): the fast path
            return value
        if applies is False or np.ndim(applies) == 0:
            if applies:
                return value
            return math.nan if np.ndim(value) == 0 else np.full(np.shape(value), math.nan)
        return np.where(applies, value, math.nan)

    def algebraic(self, figure: str) -> Any:
        """The ratio behind ``cop``, ``chi`` or ``efficiency`` in every operating mode.

        ``cop`` and ``chi`` are NaN where the cycle is not a refrigerator and ``efficiency`` where
        it is not an engine; this gives the plain ratios ``q_c / work``,
        ``(q_c / work) * (q_c / cycle_time)`` and ``work / q_h`` everywhere, continuous across mode
        boundaries (what an objective needs that a constrained optimiser evaluates on both sides of
        its domain's edge). They mean what their names say only in the mode they apply to.

        Examples
        --------
        >>> import thermocycles as tc
        >>> engine = tc.quantum_otto_cycle(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
        ...     w_a=1.0, w_b=1.5, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1).performance()
        >>> str(engine.mode), engine.cop, round(float(engine.algebraic("cop")), 12)
        ('engine', nan, 2.0)
        """
        value = self._n_algebraic(figure)
        return self._out(value, POWER) if figure == "chi" else value

    def why_nan(self, figure: str) -> str | None:
        """Why a figure is NaN, as a sentence; None where it is a number everywhere.

        ``cop`` and ``chi`` apply to a refrigerator and ``efficiency`` to an engine; where the
        cycle runs in another mode they are NaN, and this says which mode it runs in (for arrays:
        at how many points, and the first). Any other figure is NaN only where IEEE arithmetic
        makes it so (a ratio 0/0), and this says so.

        Parameters
        ----------
        figure : str
            A figure's name: ``"cop"``, ``"chi"``, ``"efficiency"``, or any name of
            :meth:`as_dict`.

        Examples
        --------
        >>> import thermocycles as tc
        >>> engine = tc.quantum_otto_cycle(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
        ...     w_a=1.0, w_b=1.5, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1).performance()
        >>> print(engine.why_nan("cop"))
        cop applies to a refrigerator (heat drawn from the cold reservoir with work done on the
        substance); this cycle runs as an engine
        >>> engine.why_nan("efficiency") is None
        True
        """
        if figure in _APPLIES:
            applies = self._n_refrigerator if _APPLIES[figure] is Mode.REFRIGERATOR else self._n_engine
            if np.all(applies):
                return None
            mode = self.mode
            if np.ndim(applies) == 0:
                return f"{_REASON[figure]}; {_runs_as(str(mode))}"
            off = ~np.asarray(applies)
            modes = np.broadcast_to(np.asarray(mode), off.shape)[off]
            counts = ", ".join(f"{name} at {int(np.sum(modes == name))}" for name in dict.fromkeys(modes.tolist()))
            first = tuple(int(i) for i in np.argwhere(off)[0])
            return (f"{_REASON[figure]}; at {int(off.sum())} of {off.size} points the cycle runs otherwise "
                    f"({counts}; the first at element {first})")
        if figure not in _FIGURES:
            raise AnalysisError(f"Performance.why_nan: unknown figure {figure!r}; figures: {', '.join(_FIGURES)}")
        if figure == "mode":
            return None
        value = getattr(self.natural(), figure)
        nan = np.isnan(np.asarray(value, dtype=float))
        if not nan.any():
            return None
        at = f" at element {tuple(int(i) for i in np.argwhere(nan)[0])}" if nan.ndim else ""
        return f"{figure} is a ratio 0/0{at} (numerator and denominator both exactly zero)"

    @property
    def cop(self) -> Any:
        """Coefficient of performance of a refrigerator, q_c / work.

        NaN where the cycle is not a refrigerator (q_c > 0, work > 0), element-wise;
        ``why_nan("cop")`` says which mode it runs in and ``algebraic("cop")`` gives the ratio there.
        """
        return self._n_masked("cop")

    @property
    def cooling_rate(self) -> Any:
        """Heat extracted from the cold reservoir per unit time, q_c / cycle_time (paper's R).

        Signed, in every mode (negative where heat flows into the cold reservoir).
        """
        return self._out(_ratio(self._n_q_c, self._cycle_time), POWER)

    @property
    def chi(self) -> Any:
        """Figure of merit chi = cop * cooling_rate (paper's eq. 19).

        NaN where the cycle is not a refrigerator, like :attr:`cop` (algebraically
        ``q_c^2 / (work t_cyc)`` has the sign of the work: positive for a heater or an accelerator,
        negative for an engine); see :meth:`why_nan` and :meth:`algebraic`.
        """
        return self._out(self._n_masked("cop") * _ratio(self._n_q_c, self._cycle_time), POWER)

    @property
    def efficiency(self) -> Any:
        """Engine efficiency: work delivered over heat drawn from the hot reservoir, work / q_h.

        NaN where the cycle is not an engine (work < 0, heat drawn from the hot reservoir),
        element-wise; see :meth:`why_nan` and :meth:`algebraic`.
        """
        return self._n_masked("efficiency")

    @property
    def power(self) -> Any:
        """Power delivered, -work / cycle_time (positive for an engine)."""
        return self._out(_ratio(-self._work, self._cycle_time), POWER)

    @cached_property
    def _n_entropy_production(self) -> Any:
        return -sum(_ratio(q, self._temperatures[name]) for name, q in self._heat.items())

    @property
    def entropy_production(self) -> Any:
        """Entropy produced in the reservoirs per cycle, -sum_r heat[r]/T_r (k_B = 1), >= 0."""
        return self._out(self._n_entropy_production, ENTROPY)

    @property
    def entropy_production_rate(self) -> Any:
        """Entropy production per unit time."""
        return self._out(_ratio(self._n_entropy_production, self._cycle_time), ENTROPY_RATE)

    @cached_property
    def mode(self) -> Any:
        """Operating mode (:class:`Mode`; an array of mode names for array parameters)."""
        if len(self._heat) == 1:
            (q,) = self._heat.values()
            return classify_mode(0.0 * q, -q, self._work, self._resolution)  # one reservoir: heater or idle
        return classify_mode(self._n_q_c, self._n_q_h, self._work, self._resolution)

    @cached_property
    def strokes(self) -> tuple[StrokeRecord, ...]:
        """Per-stroke ledger: heat, work, duration, and at each corner the populations, control,
        state, coherence and mean energy (``energy_start``, ``energy_end``; None where the
        evaluation path does not give them).

        Every entry has the batch shape of the record (populations: that shape plus the levels),
        whichever parameters were arrays.
        """
        shape = np.shape(self._work)

        def full(value: Any, extra: tuple[int, ...] = ()) -> Any:
            target = shape + extra
            return value if np.shape(value) == target else np.broadcast_to(value, target)

        records = []
        for d in self.natural_strokes():
            levels = np.shape(d.populations_start)[-1:]
            matrix = np.shape(d.state_start)[-2:]
            records.append(StrokeRecord(
                name=d.name, kind=d.kind, duration=self._out(full(d.duration), TIME),
                heat={r: self._out(full(q), ENERGY) for r, q in d.heat.items()},
                work=self._out(full(d.work), ENERGY),
                populations_start=full(d.populations_start, levels),
                populations_end=full(d.populations_end, levels),
                control_start=self._out(full(d.control_start), self._control_kind),
                control_end=self._out(full(d.control_end), self._control_kind),
                state_start=full(d.state_start, matrix), state_end=full(d.state_end, matrix),
                coherence_start=full(d.coherence_start), coherence_end=full(d.coherence_end),
                energy_start=None if d.energy_start is None else self._out(full(d.energy_start), ENERGY),
                energy_end=None if d.energy_end is None else self._out(full(d.energy_end), ENERGY),
            ))
        return tuple(records)

    def as_dict(self) -> dict[str, Any]:
        """The scalar figures as a dict (two-reservoir cycles)."""
        return {name: getattr(self, name) for name in _FIGURES}

    def __repr__(self) -> str:
        try:
            body = ", ".join(f"{k}={v!s}" for k, v in self.as_dict().items())
        except AnalysisError:
            body = f"heat={self.heat}, work={self.work}, cycle_time={self.cycle_time}"
        return f"Performance({body})"


#: the figures of :meth:`Performance.as_dict`
_FIGURES = ("q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency", "power",
            "entropy_production", "entropy_production_rate", "mode")

_REFRIGERATOR_MODE, _ENGINE_MODE = Mode.REFRIGERATOR, Mode.ENGINE
#: the mode each mode-specific figure applies to, and why
_APPLIES = {"cop": Mode.REFRIGERATOR, "chi": Mode.REFRIGERATOR, "efficiency": Mode.ENGINE}
_REFRIGERATOR = "a refrigerator (heat drawn from the cold reservoir with work done on the substance)"
_REASON = {
    "cop": f"cop applies to {_REFRIGERATOR}",
    "chi": f"chi (cop x cooling rate) applies to {_REFRIGERATOR}",
    "efficiency": "efficiency applies to an engine (work delivered with heat drawn from the hot reservoir)",
}


def _runs_as(mode: str) -> str:
    if mode == Mode.IDLE.value:
        return "this cycle is idle (it exchanges no energy)"
    if mode == Mode.UNPHYSICAL.value:
        return "this cycle's heats and work violate the second law (unphysical)"
    return f"this cycle runs as {'an' if mode[:1] in 'aeiou' else 'a'} {mode}"


def _rebuild_performance(state: dict[str, Any], records: tuple[StrokeRecord, ...]) -> Performance:
    perf = Performance(ledger=lambda: list(records), **state)
    perf._records.extend(records)
    return perf


__all__ = ["Performance", "StrokeRecord", "Mode", "classify_mode"]
