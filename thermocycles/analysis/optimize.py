"""The Optimizer plugin: optimise any objective of any cycle over any of its named parameters.

The optimiser works on the cycle's unit-free core (:class:`~thermocycles.model.CycleModel`): bounds
are converted to natural units once, each variable is mapped to [0, 1] (logarithmically when its
bounds span a decade or more), and every evaluation is a call of the model on plain arrays. The
model broadcasts, so a batch of points (start points, or a point and its finite-difference
neighbours) costs one call. No pint and no attrs object is created inside the loop.

Methods
-------
``"multistart"`` (default)
    Evaluates a scrambled Sobol sample of ``n_starts`` points plus the cycle's own point in one
    call, then polishes the best ``n_local`` feasible ones with a local gradient method (L-BFGS-B,
    or SLSQP when there are constraints) using central-difference gradients, and keeps the best.
any :func:`scipy.optimize.minimize` method name (``"L-BFGS-B"``, ``"Nelder-Mead"``, ``"SLSQP"``...)
    One local run from the cycle's own point (clipped into the bounds).
``"differential_evolution"``, ``"dual_annealing"``, ``"shgo"``, ``"direct"``
    The scipy global optimisers on the scaled variables (constraints: differential_evolution and
    shgo only).
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Mapping

import attrs
import numpy as np
import scipy.optimize

from ..core.finite_differences import Stencil, richardson
from ..core.model import check_backend
from ..core.performance import Performance
from ..errors import AnalysisError, CycleError, DimensionError, ParameterError, brief, clip
from ..progress import ProgressBar, wanted
from ..spec.cycle import Cycle
from ..spec.values import NONNEGATIVE, POSITIVE, check_finite
from ..units import DIMENSIONLESS, is_quantity, to_natural
from . import objectives as _objectives
from .objectives import Constraint, Objective, as_constraint, bind_constraint, finite_real

LOCAL_METHODS = ("Nelder-Mead", "Powell", "CG", "BFGS", "L-BFGS-B", "TNC", "COBYLA", "COBYQA",
                 "SLSQP", "trust-constr")
GLOBAL_METHODS = ("differential_evolution", "dual_annealing", "shgo", "direct")
METHODS = ("multistart",) + LOCAL_METHODS + GLOBAL_METHODS
_GRADIENT_METHODS = ("CG", "BFGS", "L-BFGS-B", "TNC", "SLSQP", "trust-constr")
_CONSTRAINED_LOCAL = ("COBYLA", "COBYQA", "SLSQP", "trust-constr")
_TAKES_CONSTRAINTS = ("multistart", "differential_evolution", "shgo") + _CONSTRAINED_LOCAL


def _objective_from(spec: Any) -> Objective | str:
    if isinstance(spec, Objective):
        return spec
    if isinstance(spec, str):
        if spec not in _objectives.names():
            raise ParameterError(f"Optimizer.objective: unknown objective {brief(spec)}; registered: "
                                 f"{', '.join(_objectives.names())} (or a callable perf -> value)")
        return spec
    if callable(spec):
        return Objective(getattr(spec, "__name__", "objective"), spec, "max", DIMENSIONLESS,
                         "user callable")
    raise ParameterError(
        f"Optimizer.objective must be a registered name such as 'chi', an Objective or a callable "
        f"perf -> value; got {brief(spec)}"
    )


def _is_integer(value: Any) -> bool:
    """An integer (Python or numpy), not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _variables_from(value: Any) -> dict[str, tuple[Any, Any]]:
    if not isinstance(value, Mapping):
        raise ParameterError(
            f"Optimizer.variables must be a dict {{name: (lower, upper)}}, e.g. {{'tau_c': (1e-3, 50.0)}}; "
            f"got {brief(value)}"
        )
    if not value:
        raise ParameterError("Optimizer.variables must name at least one parameter with its bounds; got {}")
    out = {}
    for name, bounds in value.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(f"Optimizer.variables: {brief(name)} is not a parameter name")
        if isinstance(bounds, (str, bytes)) or not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
            raise ParameterError(
                f"Optimizer.variables[{name!r}] must be a (lower, upper) pair; got {brief(bounds)}"
            )
        for bound, which in zip(bounds, ("lower", "upper")):
            magnitude = bound.magnitude if is_quantity(bound) else bound
            if finite_real(magnitude) is None:
                raise ParameterError(
                    f"Optimizer.variables[{name!r}] {which} bound must be a finite number (or a quantity "
                    f"if the cycle has units); got {brief(bound)}"
                )
        lo, hi = bounds
        try:
            ordered = bool(lo < hi)
        except Exception:  # quantities of different dimensions: found when the cycle is known
            ordered = True
        if not ordered:
            raise ParameterError(
                f"Optimizer.variables[{name!r}]: the lower bound must be below the upper bound; "
                f"got ({brief(lo)}, {brief(hi)})"
            )
        out[name] = (lo, hi)
    return out


_SINGLE_OPERATORS = (">=", "<=", ">", "<", "==", "=")


def _constraints_from(value: Any) -> tuple[Constraint, ...]:
    """One constraint (a string, a (name, op, value) triple, a callable, a Constraint) or a sequence."""
    if value is None:
        return ()
    if (isinstance(value, (str, Constraint)) or callable(value)
            or (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str)
                and isinstance(value[1], str) and value[1] in _SINGLE_OPERATORS)):
        value = [value]  # "cools" is one constraint, not five
    if isinstance(value, (Mapping, set, frozenset, bytes)) or not isinstance(value, (list, tuple)):
        raise ParameterError(f"Optimizer.constraints must be a constraint or a list of them ('cools', "
                             f"'cop >= 0.5', ('cop', '>=', 0.5), a callable); got {brief(value)}")
    out = []
    for k, spec in enumerate(value):
        try:
            out.append(as_constraint(spec))
        except ParameterError as exc:
            raise ParameterError(f"Optimizer.constraints[{k}]: {exc}") from None
    return tuple(out)


def _scale_from(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ParameterError(f"Optimizer.scale must be a dict {{variable: 'log' or 'linear'}}; got {brief(value)}")
    return dict(value)


def _options_from(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ParameterError(f"Optimizer.options must be a dict of scipy options (name: value); got {brief(value)}")
    return dict(value)


def _integer(field: str, value: Any, minimum: int, maximum: int) -> int:
    """An integer (Python or numpy, not a bool) in [minimum, maximum], as int."""
    if not _is_integer(value) or not minimum <= int(value) <= maximum:
        raise ParameterError(f"Optimizer.{field} must be an integer from {minimum} to {maximum}; "
                             f"got {brief(value)}")
    return int(value)


def _n_starts_from(value: Any) -> int:
    return _integer("n_starts", value, 1, 2**20)


def _n_local_from(value: Any) -> int:
    return _integer("n_local", value, 1, 10_000)


def _seed_from(value: Any) -> int:
    return _integer("seed", value, 0, 2**32 - 1)


def _tol_from(value: Any) -> float:
    number = finite_real(value)
    if number is None or not 0 < number < 1:
        raise ParameterError(f"Optimizer.tol must be a number in (0, 1) (default 1e-12); got {brief(value)}")
    return number


def _cycle_check(instance: Any, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Cycle):
        raise ParameterError(f"Optimizer.cycle must be a Cycle or None; got {brief(value)}")


#: meanings of :attr:`OptimizationResult.status` (the most serious that applies, in the order
#: 2, 5, 4, 3, 1: a violated constraint is reported before anything else)
STATUS = {
    0: "converged, constraints hold, inside the objective's domain",
    1: "the method did not report convergence",
    2: "a constraint is violated at the result",
    3: "the method ended at a worse point than one it evaluated",
    4: "the result lies on the edge of the objective's domain, or outside it",
    5: "the objective is not finite at the result",
}
_STATUS_ORDER = (2, 5, 4, 3, 1)


@attrs.frozen(kw_only=True)
class OptimizationResult:
    """Outcome of :meth:`Optimizer.run`, with scipy's field names where the meaning is the same.

    Attributes
    ----------
    x : dict
        Optimal values of the variables (quantities in the units the cycle used, if it has units).
    fun : float or Quantity
        The objective at the optimum (the figure itself, also when it was maximised); alias ``value``.
    success : bool
        Whether the optimiser reports convergence, every constraint holds at the returned point (by
        the criterion of :class:`Optimizer`, relative to the constraint's own scale) and the result
        lies in the objective's domain. Never True with a violated constraint, on any method.
    status : int
        0 for success, else why not (see :data:`STATUS`; 2, a violated constraint, comes first).
    message : str
        What the optimiser says, and where variables sit on their bounds; a violated constraint is
        named first with the value reached and the value required (in the threshold's unit).
    nfev : int
        Number of parameter points evaluated (a batch of k points counts k); alias ``n_evaluations``.
    nit : int
        Iterations of the local and global scipy methods run.
    cycle : Cycle
        The optimal cycle (a new frozen object, built on first access).
    performance : Performance
        Its performance record (with units if the cycle has units).
    method, objective, sense : str
    x_natural : dict of str to float
        The optimum in natural units.
    at_bounds : tuple of str
        Variables whose optimum lies on a bound.
    """

    x: dict[str, Any]
    fun: Any
    success: bool
    status: int
    message: str
    nfev: int
    nit: int
    method: str
    objective: str
    sense: str
    x_natural: dict[str, float] = attrs.field(repr=False)
    at_bounds: tuple[str, ...] = ()
    _start: Cycle = attrs.field(repr=False, eq=False, alias="start")
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    @property
    def value(self) -> Any:
        """The objective at the optimum (scipy's ``fun``)."""
        return self.fun

    @property
    def n_evaluations(self) -> int:
        """Number of parameter points evaluated (scipy's ``nfev``)."""
        return self.nfev

    @property
    def cycle(self) -> Cycle:
        """The optimal cycle."""
        if "cycle" not in self._cache:
            self._cache["cycle"] = self._start.with_parameters(**self.x)
        return self._cache["cycle"]

    @property
    def performance(self) -> Performance:
        """Performance of the optimal cycle."""
        return self.cycle.performance()


@attrs.frozen(kw_only=True)
class Optimizer:
    """Optimise an objective of any cycle over named parameters.

    Parameters
    ----------
    objective : str, Objective or callable
        A registered objective (see :mod:`thermocycles.objectives`: ``"chi"``, ``"cooling_rate"``,
        ``"cop"``, ``"power"``, ``"efficiency"``, ``"ecological"``, ``"omega"``, ...) or a callable
        ``f(perf)`` on the natural-unit performance record (whose fields may be arrays: write it
        with numpy operations).
    variables : dict of str to (lower, upper)
        Parameter names of the cycle and their bounds: finite, lower < upper (quantities if the
        cycle has units). A list of names is refused: the bounds cannot be guessed.
    sense : {"max", "min"}, optional
        Maximise or minimise; the objective's default if omitted (callables: "max").
    constraints : constraint or sequence of constraints, optional
        Each ``"cools"``, ``"engine"``, ``"cop >= 0.5"``, ``"cooling_rate >= 60 zW"``,
        ``("cop", ">=", 0.5)`` or a callable ``g(perf)`` that is >= 0 where feasible; a single one
        may be given alone. Text is ``figure >= number [unit]`` or ``<=``, read by a strict grammar
        (:func:`thermocycles.objectives.as_constraint`). A constraint holds at a point when
        ``figure - threshold >= -1e-13 s`` (``<=``: ``threshold - figure``), with its own scale
        ``s = max(|threshold|, |figure|, median |figure| over the sample)``
        (:data:`FEASIBILITY_RTOL`); a callable or ``"cools"`` is ``g >= 0``. The margins are handed
        to scipy divided by their scale, and a local run ending on the wrong side by a solver's
        tolerance is moved onto the feasible side (:data:`RESTORE_RTOL`) and, if the method had
        reported a failure there, restarted from it once (both said in ``message``).
    method : str
        ``"multistart"`` (default), a :func:`scipy.optimize.minimize` method, or a scipy global
        method (see module docstring).
    n_starts, n_local : int
        Sample size and number of local polishes of the multistart method (Python or numpy
        integers; not bools). A single local method
        also evaluates the sample (one vectorised call) to set the objective's scale and to report
        a run that ends worse than a sampled point.
    tol : float
        Relative tolerance of the local solver on the objective, in (0, 1).
    scale : dict of str to {"log", "linear"}, optional
        Variable scaling; by default log for positive bounds spanning a decade or more.
    seed : int
        Seed of the Sobol sample and the stochastic global methods (results are reproducible);
        0 to 2**32 - 1.
    options : dict, optional
        Passed to the scipy routine (a mapping of option names).
    backend : str
        State space of every evaluation: ``"auto"`` (the closed form where one applies, else the
        first backend that serves the cycle) or a name in
        :data:`thermocycles.extend.BACKEND_OBJECTS`, a user's backend included.
    cycle : Cycle, optional
        If given, the variable names and bounds are checked against it now, and ``run()`` needs
        no argument.
    progress : bool or None
        A progress bar over the multistart method's local runs (None: in a terminal, after half a
        second; False: never; see ``thermocycles.progress``). It does not change the result.

    Raises
    ------
    ParameterError
        At construction, for any argument of the wrong type or range (the message names the field);
        during ``run``, for a user objective or constraint that raises or returns None, complex
        numbers or the wrong shape (the message names the point).

    Examples
    --------
    >>> import thermocycles as tc
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
    ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> res = tc.Optimizer(objective="chi",
    ...     variables={"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)}).run(fridge)
    >>> res.success, round(res.x["tau_c"], 4) == round(res.x["tau_h"], 4)
    (True, True)
    """

    objective: Any = attrs.field(converter=_objective_from)
    variables: dict[str, tuple[Any, Any]] = attrs.field(converter=_variables_from)
    sense: str | None = None
    constraints: tuple[Constraint, ...] = attrs.field(default=(), converter=_constraints_from)
    method: str = "multistart"
    n_starts: int = attrs.field(default=64, converter=_n_starts_from)
    n_local: int = attrs.field(default=3, converter=_n_local_from)
    tol: float = attrs.field(default=1e-12, converter=_tol_from)
    scale: dict[str, str] = attrs.field(factory=dict, converter=_scale_from)
    seed: int = attrs.field(default=0, converter=_seed_from)
    options: dict[str, Any] = attrs.field(factory=dict, converter=_options_from)
    backend: str = "auto"
    cycle: Cycle | None = attrs.field(default=None, eq=False, repr=False, validator=_cycle_check)
    progress: bool | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        check_backend(self.backend, "Optimizer.backend")
        if not (self.sense is None or (isinstance(self.sense, str) and self.sense in ("max", "min"))):
            raise ParameterError(f"Optimizer.sense must be 'max', 'min' or None; got {brief(self.sense)}")
        if not (isinstance(self.method, str) and self.method in METHODS):
            raise ParameterError(f"Optimizer.method must be one of {', '.join(METHODS)}; got {brief(self.method)}")
        if self.constraints and self.method not in _TAKES_CONSTRAINTS:
            raise ParameterError(
                f"Optimizer.method {self.method!r} does not handle constraints; use 'multistart', "
                f"'SLSQP', 'COBYLA', 'trust-constr', 'differential_evolution' or 'shgo'"
            )
        for name, how in self.scale.items():
            if not isinstance(name, str) or name not in self.variables:
                raise ParameterError(f"Optimizer.scale: {brief(name)} is not one of the variables "
                                     f"({', '.join(self.variables)})")
            if not (isinstance(how, str) and how in ("log", "linear")):
                raise ParameterError(f"Optimizer.scale[{name!r}] must be 'log' or 'linear'; got {brief(how)}")
        if isinstance(self.progress, (bool, np.bool_)) or self.progress is None:
            wanted(self.progress, "Optimizer.progress")  # True, False or None
        else:
            raise ParameterError(f"Optimizer.progress must be True, False or None (automatic); got "
                                 f"{brief(self.progress)}")
        if self.cycle is not None:
            self._problem(self.cycle)

    # -- setting up ---------------------------------------------------------------------------
    def _problem(self, cycle: Cycle) -> _Problem:
        if not isinstance(cycle, Cycle):
            raise ParameterError(f"Optimizer.run needs a Cycle; got {brief(cycle)}")
        model = cycle.model
        unknown = [n for n in self.variables if n not in model.names]
        if unknown:
            raise ParameterError(
                f"Optimizer.variables: {', '.join(map(repr, unknown))} not among the cycle's "
                f"parameters; valid names: {', '.join(model.names)}"
            )
        shaped = [n for n, v in model.defaults.items() if np.ndim(v) != 0]
        if shaped:
            raise ParameterError(
                f"the Optimizer needs a cycle with scalar parameters; {', '.join(shaped)} are arrays "
                f"(optimise each point separately, e.g. cycle.with_parameters(...))"
            )
        lower, upper, log = [], [], []
        for name, (lo, hi) in self.variables.items():
            spec = model.specs[name]
            lo_n, hi_n = (self._bound(cycle, name, b, which) for b, which in ((lo, "lower"), (hi, "upper")))
            if not lo_n < hi_n:
                raise ParameterError(
                    f"Optimizer.variables[{name!r}]: the lower bound must be below the upper bound; "
                    f"got ({lo!r}, {hi!r})"
                )
            constraint = spec.constraint
            if (constraint == POSITIVE and lo_n <= 0) or (constraint == NONNEGATIVE and lo_n < 0):
                raise ParameterError(
                    f"Optimizer.variables[{name!r}]: {name} must be "
                    f"{'> 0' if constraint == POSITIVE else '>= 0'} ({spec.kind.name}); "
                    f"got lower bound {lo!r}"
                )
            how = self.scale.get(name) or ("log" if lo_n > 0 and hi_n / lo_n >= 10 else "linear")
            if how == "log" and lo_n <= 0:
                raise ParameterError(f"Optimizer.scale[{name!r}] = 'log' needs a positive lower bound")
            lower.append(lo_n)
            upper.append(hi_n)
            log.append(how == "log")
        if isinstance(self.objective, str):
            mode = _mode(cycle, self.backend) if self.objective in _objectives.BY_MODE else None
            objective = _objectives.get(self.objective, mode=mode)
        else:
            objective = self.objective
        sense = self.sense or objective.sense
        constraints = tuple(bind_constraint(c, cycle.has_units) for c in self.constraints)
        # The objective's domain: smooth constraints where the method takes them (optima of COP or
        # efficiency lie on the domain's edge), else points outside count as infeasible.
        mask = self.method not in _TAKES_CONSTRAINTS
        n_user = len(constraints)
        if not mask:
            constraints += objective.domain_constraints()
        return _Problem(model, tuple(self.variables), np.array(lower), np.array(upper),
                        np.array(log), objective, sense, constraints, mask, n_user, self.backend)

    def _bound(self, cycle: Cycle, name: str, value: Any, which: str) -> float:
        spec = cycle.model.specs[name]
        where = f"Optimizer.variables[{name!r}] {which} bound"
        if is_quantity(value):
            if not cycle.has_units:
                raise DimensionError(
                    f"{where} has units ({value:~P}) but the cycle uses plain numbers (natural "
                    f"units); give the bound as a plain number"
                )
            natural = to_natural(value, spec.kind, where)
        else:
            if cycle.has_units:
                raise DimensionError(
                    f"{where} is a plain number ({value!r}) but the cycle carries units; give it as "
                    f"a quantity of {spec.kind.name} (e.g. {spec.kind.example})"
                )
            number = finite_real(value)
            if number is None:
                raise ParameterError(f"{where} must be a finite real number; got {brief(value)}")
            natural = number
        check_finite(natural, where, spec.kind.expected, value)
        if np.ndim(natural) != 0:
            raise ParameterError(f"{where} must be a scalar; got {value!r}")
        return float(natural)

    # -- running ------------------------------------------------------------------------------
    def run(self, cycle: Cycle | None = None) -> OptimizationResult:
        """Optimise ``cycle`` (or the cycle given when the Optimizer was built).

        Returns
        -------
        OptimizationResult
        """
        cycle = cycle if cycle is not None else self.cycle
        if cycle is None:
            raise ParameterError("Optimizer.run needs a cycle (or build the Optimizer with cycle=...)")
        problem = self._problem(cycle)
        if cycle.model.substance.n_levels is None and cycle.model.closed_form_for("auto", self.backend) is None:
            # an untruncated substance: raises, saying why
            cycle.model.choose_backend(cycle.model.defaults, self.backend)
        start = problem.to_unit(np.array([cycle.model.defaults[n] for n in problem.names], dtype=float))
        problem.has_units = cycle.has_units
        if cycle.has_units:
            problem.show_objective = functools.partial(_show_in, problem.objective.kind)
        # One vectorised call on a Sobol sample (and the cycle's own point) sets the scales of the
        # objective and of each constraint, and records feasible points, so that a method stopping
        # somewhere worse is reported (not returned silently as a success).
        points = np.vstack([start[None, :], self._sample(len(start))])
        values, feasible, margins = problem.evaluate_batch(points)
        if self.method == "multistart":
            z, ok, message = self._multistart(problem, points, values, feasible, margins)
        elif self.method in LOCAL_METHODS:
            z, ok, message = self._local(problem, start, self.method)
        else:
            z, ok, message = self._global(problem, start)
        z, note, _ = problem.restore(z)  # a global method's own end (local runs are restored)
        if note:
            message = f"{message}; {note}"
        return self._result(cycle, problem, z, ok, message)

    def _multistart(self, problem: _Problem, points: np.ndarray, values: np.ndarray, feasible: np.ndarray,
                    margins: list[np.ndarray]) -> tuple[np.ndarray, bool, str]:
        order = np.argsort(np.where(feasible & np.isfinite(values), values, np.inf))
        candidates = [points[i] for i in order[: self.n_local] if np.isfinite(values[i]) and feasible[i]]
        method = "SLSQP" if problem.constraints else "L-BFGS-B"
        tried = ""
        if not candidates and problem.constraints:
            # A thin feasible set (e.g. an equality written as two inequalities) holds no sample
            # point: start from the least violating points instead, keep what ends feasible.
            worst = np.max(np.vstack(problem.violations(margins)), axis=0)
            worst = np.where(np.isfinite(values), worst, np.inf)
            ends = [self._local(problem, points[i], method, maxiter=100)
                    for i in np.argsort(worst)[: min(self.n_local, 2)] if np.isfinite(worst[i])]
            assessed = [(z, *problem.assess(z)) for z, _, _ in ends]
            candidates = [z for z, f, ok in assessed if ok and np.isfinite(f)]
            tried = f" (nor where {len(ends)} {method} runs from the least violating ones end)"
        if not candidates:
            raise AnalysisError(
                f"no feasible point with a finite objective among {len(points)} samples{tried}; check the "
                f"bounds and constraints ({', '.join(c.description for c in problem.constraints) or 'none'})"
            )
        runs = []
        with ProgressBar(len(candidates), "multistart", progress=self.progress, unit="start") as bar:
            for z0 in candidates:
                runs.append((z0, *self._local(problem, z0, method)))
                bar.update(1)
        z, ok, message = problem.best_of([(z, ok, m) for _, z, ok, m in runs])
        message = f"{method} from the best of {len(points)} Sobol points: {message}"
        if ok:
            z, steps = problem.newton_polish(z)
            if steps:
                message += f"; {steps} Newton step(s) on the gradient"
        return z, ok, message

    def _sample(self, d: int) -> np.ndarray:
        return _sobol(d, self.n_starts, self.seed)

    def _local(self, problem: _Problem, z0: np.ndarray, method: str,
               maxiter: int | None = None) -> tuple[np.ndarray, bool, str]:
        """One local run (every local run goes through here: a local method, each multistart
        polish, the polish of a global method). An end on the infeasible side of a constraint by a
        solver's tolerance is restored onto the feasible side (:meth:`_Problem.restore`). If the
        method had reported a failure (SLSQP's line search, at the limit of its precision on an
        active constraint, ends on a trial point a few 1e-6 out) or the restoration was larger than
        :data:`RESTART_RTOL`, the method is restarted once from the restored point, and that run is
        kept if it is feasible and not worse."""
        z, ok, message = self._scipy_local(problem, z0, method, maxiter)
        if not problem.constraints:
            return z, ok, message
        z, note, worst = problem.restore(z)
        if not note:
            return z, ok, message
        message = f"{message}; {note}"
        if ok and worst <= RESTART_RTOL:
            return z, ok, message
        f1, _ = problem.assess(z)
        z2, ok2, message2 = self._scipy_local(problem, z, method, maxiter)
        z2, note2, _ = problem.restore(z2)
        f2, feasible2 = problem.assess(z2)
        if feasible2 and np.isfinite(f2) and f2 <= f1 + SAME_RTOL * abs(f1):
            message2 = f"{message2}; {note2}" if note2 else message2
            return z2, ok2, f"{message}; restarted from there: {message2}"
        return z, ok, message

    def _scipy_local(self, problem: _Problem, z0: np.ndarray, method: str,
                     maxiter: int | None = None) -> tuple[np.ndarray, bool, str]:
        bounds = scipy.optimize.Bounds(np.zeros(len(z0)), np.ones(len(z0)))
        options = dict(self.options)
        if maxiter is not None:
            options.setdefault("maxiter", maxiter)
        kwargs: dict[str, Any] = {}
        if method in _GRADIENT_METHODS:
            kwargs["jac"] = True
            fun: Callable = problem.value_and_gradient
        else:
            fun = problem.value
        if method == "L-BFGS-B":
            options.setdefault("ftol", self.tol)
            options.setdefault("gtol", 1e-12)
            options.setdefault("maxiter", 2000)
        elif method == "SLSQP":
            options.setdefault("ftol", self.tol)
            options.setdefault("maxiter", 500)
        if problem.constraints and method in _CONSTRAINED_LOCAL:
            kwargs["constraints"] = problem.scipy_constraints(method)
        if method == "Nelder-Mead":
            options.setdefault("xatol", 1e-10)
            options.setdefault("fatol", self.tol)
        if method in ("Nelder-Mead", "Powell"):
            options.setdefault("maxfev", 20000)
        res = scipy.optimize.minimize(fun, np.clip(z0, 0, 1), method=method,
                                      bounds=None if method in ("CG", "BFGS", "COBYLA") else bounds,
                                      options=options, tol=None if options else self.tol, **kwargs)
        z = np.clip(np.asarray(res.x, dtype=float), 0.0, 1.0)
        problem.n_iterations += int(getattr(res, "nit", 0) or 0)
        return z, bool(res.success), _text(res.message)

    def _global(self, problem: _Problem, start: np.ndarray) -> tuple[np.ndarray, bool, str]:
        d = len(problem.names)
        bounds = [(0.0, 1.0)] * d
        options = dict(self.options)
        if self.method == "differential_evolution":
            if problem.constraints:
                options.setdefault("constraints", problem.scipy_constraints("trust-constr"))
            else:  # one model call per generation
                options.setdefault("vectorized", True)
                options.setdefault("updating", "deferred")
            res = scipy.optimize.differential_evolution(problem.value, bounds, seed=self.seed,
                                                        tol=1e-10, **options)
        elif self.method == "dual_annealing":
            res = scipy.optimize.dual_annealing(problem.value, bounds, seed=self.seed, **options)
        elif self.method == "shgo":
            # shgo's default sample (2^d + 1 points) leaves its local searches near the box centre
            options.setdefault("n", max(64, 16 * d))
            options.setdefault("sampling_method", "sobol")
            if problem.constraints:
                options.setdefault("constraints", problem.scipy_constraints("SLSQP"))
            res = scipy.optimize.shgo(problem.value, bounds, **options)
        else:
            options.setdefault("maxfun", 20000 * d)
            res = scipy.optimize.direct(problem.value, bounds, **options)
        problem.n_iterations += int(getattr(res, "nit", 0) or 0)
        if res.x is None:
            return start, False, f"{self.method} returned no point: {_text(res.message)}"
        z = np.clip(np.asarray(res.x, dtype=float), 0, 1)
        ok, message = bool(res.success), _text(res.message)
        # polish the global result locally (gradient tolerance), keep whichever is better
        local = "SLSQP" if problem.constraints else "L-BFGS-B"
        z2, ok2, message2 = self._local(problem, z, local)
        z, ok, message = problem.best_of([(z, ok, message), (z2, ok and ok2, f"{message}; {local} polish: {message2}")])
        return z, ok, message

    def _result(self, cycle: Cycle, problem: _Problem, z: np.ndarray, ok: bool,
                message: str) -> OptimizationResult:
        x_nat = problem.from_unit(z)
        names = problem.names
        specs = cycle.model.specs
        x = {n: (specs[n].kind.like(float(v), specs[n].value) if cycle.has_units else float(v))
             for n, v in zip(names, x_nat)}
        perf_nat = problem.evaluate(cycle.model.values(dict(zip(names, x_nat))))
        value_nat = float(problem.objective(perf_nat))
        notes = [message]
        codes = [] if ok else [1]
        if problem.on_domain_edge(perf_nat):
            ok = False
            codes.append(4)
            notes.append(
                f"the result lies on the edge of the domain of {problem.objective.name} (where the "
                f"cycle stops running as a{'n' if problem.objective.domain == 'engine' else ''} "
                f"{problem.objective.domain}), or outside it: the figure has no interior optimum")
        violated = problem.violated(z)
        # z lives in [0, 1]^d, each variable scaled to its own bounds: 1e-9 is a fraction of its range
        at_bounds = tuple(n for n, zi in zip(names, z) if zi <= 1e-9 or zi >= 1 - 1e-9)
        if not math.isfinite(value_nat):
            ok, notes = False, notes + [f"the objective is not finite at the result ({value_nat})"]
            codes.append(5)
        if violated:
            ok, notes = False, [f"constraint violated at the result: {'; '.join(violated)}"] + notes
            codes.append(2)
        worse = problem.worse_than_seen(z, self.method)
        if worse:
            ok, notes = False, notes + [worse]
            codes.append(3)
        if at_bounds:
            notes.append(f"on a bound: {', '.join(at_bounds)}")
        value = problem.objective.kind.wrap(value_nat) if cycle.has_units else value_nat
        status = 0 if ok else next(c for c in _STATUS_ORDER if c in codes or c == 1)
        return OptimizationResult(
            x=x, fun=value, success=ok, status=status, message="; ".join(notes),
            nfev=problem.n_evaluations, nit=problem.n_iterations, method=self.method,
            objective=problem.objective.name, sense=problem.sense,
            x_natural={n: float(v) for n, v in zip(names, x_nat)}, at_bounds=at_bounds,
            start=cycle,
        )


@functools.lru_cache(maxsize=64)
def _sobol(d: int, n: int, seed: int) -> np.ndarray:
    """A scrambled Sobol sample of n points in [0, 1]^d (deterministic; cached, it costs ~0.5 ms)."""
    from scipy.stats import qmc  # noqa: PLC0415 (scipy.stats takes ~0.8 s to import)

    sample = qmc.Sobol(d, scramble=True, seed=seed).random(n)
    sample.flags.writeable = False
    return sample


#: Feasibility criterion: a constraint ``figure >= threshold`` (or ``<=``) holds at a point when
#: ``figure - threshold >= -FEASIBILITY_RTOL * s`` (resp. ``threshold - figure``), with the
#: constraint's own scale ``s = max(|threshold|, |figure at the point|, median |figure| over the
#: run's sample)``; a callable ``g(perf) >= 0`` or ``"cools"`` is the comparison ``g >= 0``. 1e-13 is
#: a few hundred units of round-off of the figure, below the 1e-12 at which the local methods stop:
#: a target 1e-12 above what the cycle can reach is a violation, whatever the units or the scale.
FEASIBILITY_RTOL = 1e-13
#: A constraint is active (Newton polish stops) within this fraction of its scale.
ACTIVE_RTOL = 1e-6
#: The result lies on the edge of the objective's domain when a domain margin (q_c, work, ...) is
#: within this fraction of its median size over the sample.
EDGE_RTOL = 1e-9
#: A result violating its constraints by at most this fraction of their scale (a solver's own
#: feasibility tolerance) is moved onto the feasible side, along the segment to the best feasible
#: point evaluated; larger violations are reported (status 2). COBYLA's is the loosest: ``catol``
#: 2e-4 on the margins handed to it (divided by their scale); SLSQP, when its line search fails at
#: the limit of its precision on an active constraint, ends on a trial point a few 1e-6 out (1e-6
#: refused the flagship fridge's ``cop >= 0.6`` at w_b = 8/3, 3e-6 short).
RESTORE_RTOL = 2e-4
#: A local run restored by more than this fraction (or one that reported a failure) is restarted
#: once from the restored point: the restoration moves along a segment, not along the constraint,
#: and may cost the objective as much as it moved.
RESTART_RTOL = 1e-6
#: Two objective values closer than this (relative) are equal when comparing the result with the
#: best point evaluated (the round-off of the figure on the generic path is ~1e-12).
SAME_RTOL = 1e-9


def _show_plain(value: float, digits: int = 6) -> str:
    return f"{value:.{digits}g}"


def _show_in(kind: Any, value: float, digits: int = 6) -> str:
    return f"{kind.wrap(value):.{digits}g~}"


def _show_figure(constraint: Constraint, has_units: bool, value: float, digits: int = 6) -> str:
    return constraint.show(value, has_units, digits)


def _distinct(a: float, b: float, show: Callable[[float, int], str]) -> tuple[str, str]:
    """``show(a)`` and ``show(b)`` with the fewest digits (6 to 17) that tell them apart."""
    for digits in range(6, 18):
        sa, sb = show(a, digits), show(b, digits)
        if sa != sb:
            break
    return sa, sb


def _text(message: Any) -> str:
    """scipy messages are strings or lists of strings."""
    return "; ".join(map(str, message)) if isinstance(message, (list, tuple)) else str(message)


def _mode(cycle: Cycle, backend: str) -> Any:
    try:
        return cycle.model.evaluate(backend=backend).mode
    except Exception:
        return None


class _Problem:
    """The scaled optimisation problem on the unit-free model (minimisation on [0, 1]^d)."""

    def __init__(self, model: Any, names: tuple[str, ...], lower: np.ndarray, upper: np.ndarray,
                 log: np.ndarray, objective: Objective, sense: str, constraints: tuple[Constraint, ...],
                 mask_domain: bool, n_user: int, backend: str = "auto"):
        self.model = model
        self.evaluate: Callable[..., Performance] = functools.partial(model.evaluate, backend=backend)
        self.names = names
        self.lower, self.upper, self.log = lower, upper, log
        self.objective = objective
        self.sense = sense
        self.sign = -1.0 if sense == "max" else 1.0
        self.constraints = constraints
        self.mask_domain = mask_domain and objective.domain is not None
        self.n_user = n_user  # constraints[n_user:] express the objective's domain
        # each constraint as "figure op threshold": figure = threshold + sign * margin
        self.thresholds = np.array([float(c.threshold) for c in constraints])
        self.op_sign = np.array([1.0 if c.op == ">=" else -1.0 for c in constraints])
        self.typical = np.zeros(len(constraints))  # median |figure| over the sample
        self.norm = np.ones(len(constraints))  # margins are handed to scipy divided by this
        self.has_units = False
        self.show_objective: Callable[[float, int], str] = _show_plain
        self.values = dict(model.defaults)
        self.n_evaluations = 0
        self.n_iterations = 0
        self.best_seen: tuple[float, Any] = (np.inf, None)
        self.scale = 1.0
        self._cache: tuple[bytes, Any] | None = None
        self._lo_log = np.log(np.where(log, lower, 1.0))
        self._span_log = np.log(np.where(log, upper, 1.0)) - self._lo_log

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        x = np.clip(x, self.lower, self.upper)
        z_log = (np.log(np.where(self.log, x, 1.0)) - self._lo_log) / np.where(self.log, self._span_log, 1.0)
        z_lin = (x - self.lower) / (self.upper - self.lower)
        return np.where(self.log, z_log, z_lin)

    def from_unit(self, z: np.ndarray) -> np.ndarray:
        z = np.minimum(np.maximum(z, 0.0), 1.0)  # np.clip's wrapper costs more than the work
        if self.log.all():
            x = np.exp(self._lo_log + z * self._span_log)
        elif not self.log.any():
            x = self.lower + z * (self.upper - self.lower)
        else:
            x = np.where(self.log, np.exp(self._lo_log + z * self._span_log),
                         self.lower + z * (self.upper - self.lower))
        return np.minimum(np.maximum(x, self.lower), self.upper)

    def _evaluate(self, z: np.ndarray, remember: bool = True) -> tuple[np.ndarray, list[np.ndarray]]:
        """Objective (minimised, unscaled) and constraint margins at points ``z`` of shape (P, d);
        the best feasible point is remembered unless ``remember`` is False."""
        x = self.from_unit(z)
        values = self.values
        for i, name in enumerate(self.names):
            values[name] = x[:, i]
        self.n_evaluations += len(z)
        with np.errstate(all="ignore"):
            try:
                f, margins = self._figures(self.evaluate(values), values, len(z))
            except CycleError:  # some points have no periodic state: they are infeasible
                f, margins = self._pointwise(values, len(z))
        f = np.where(np.isfinite(f), self.sign * f, np.inf)
        if remember:
            self._remember(z, f, margins)
        return f, margins

    def _figures(self, perf: Performance, values: Mapping[str, Any], n: int) -> tuple[np.ndarray, list]:
        f = _batched(self.objective, perf, self.evaluate, values, n,
                     f"Optimizer.objective ({self.objective.name})", self.names)
        if self.mask_domain:
            f = np.where(self.objective.in_domain(perf), f, np.nan)
        return f, [_batched(c, perf, self.evaluate, values, n, f"Optimizer.constraints ({c.description})",
                            self.names) for c in self.constraints]

    def _pointwise(self, values: Mapping[str, Any], n: int) -> tuple[np.ndarray, list]:
        f = np.full(n, np.nan)
        margins = [np.full(n, -np.inf) for _ in self.constraints]
        for k in range(n):
            point = {name: (v[k] if np.ndim(v) else v) for name, v in values.items()}
            try:
                fk, mk = self._figures(self.evaluate(point), point, 1)
            except CycleError:
                continue
            f[k] = fk[0]
            for m, v in zip(margins, mk):
                m[k] = v[0]
        return f, margins

    def _remember(self, z: np.ndarray, f: np.ndarray, margins: list[np.ndarray]) -> None:
        """Keep the best feasible point ever evaluated (to catch a method that ends worse)."""
        if margins:
            f = np.where(self.feasible(margins), f, np.inf)
        k = int(np.argmin(f))
        if f[k] < self.best_seen[0]:  # inf (non-finite or infeasible) never is
            self.best_seen = (float(f[k]), z[k].copy())

    def assess(self, z: np.ndarray) -> tuple[float, bool]:
        """(objective to minimise, feasible) at one point (from the gradient stencil if it was one)."""
        z = np.asarray(z, dtype=float)
        if self._cache is not None and self._cache[0] == z.tobytes():
            f, margins, _ = self._cache[1]
        else:
            f, margins = self._evaluate(z[None, :])
        return float(f[0]), bool(self.feasible([m[:1] for m in margins])[0])

    # -- the feasibility criterion (see FEASIBILITY_RTOL) ----------------------------------------
    def scales(self, margins: list[np.ndarray]) -> list[np.ndarray]:
        """Each constraint's own scale at the points of ``margins``:
        ``max(|threshold|, |figure|, median |figure| over the sample)``."""
        out = []
        for m, t, sg, typ in zip(margins, self.thresholds, self.op_sign, self.typical):
            with np.errstate(all="ignore"):
                figure = np.abs(t + sg * m)
            # from finite values only: a margin of +inf (always satisfied) has no scale
            out.append(np.maximum(np.maximum(abs(t), np.where(np.isfinite(figure), figure, 0.0)), typ))
        return out

    def violations(self, margins: list[np.ndarray]) -> list[np.ndarray]:
        """Relative violations ``-margin / scale`` (> 0 where violated; inf where the margin is NaN
        or -inf, -inf where it is +inf: always satisfied)."""
        out = []
        for m, scale in zip(margins, self.scales(margins)):
            with np.errstate(all="ignore"):
                v = np.where(scale > 0, -m / np.where(scale > 0, scale, 1.0), np.where(m < 0, np.inf, 0.0))
            out.append(np.where(np.isnan(m), np.inf, np.where(m == np.inf, -np.inf, v)))
        return out

    def feasible(self, margins: list[np.ndarray], n: int = 1, rtol: float = FEASIBILITY_RTOL) -> np.ndarray:
        """Whether each of the ``n`` points satisfies every constraint (see :data:`FEASIBILITY_RTOL`)."""
        if not margins:
            return np.ones(n, dtype=bool)
        return np.logical_and.reduce([v <= rtol for v in self.violations(margins)])

    def restore(self, z: np.ndarray) -> tuple[np.ndarray, str, float]:
        """Move a result that violates its constraints by a solver's tolerance (at most
        :data:`RESTORE_RTOL` of their scale) onto the feasible side: bisection on the segment from
        the best feasible point evaluated. Returns (point, note, worst relative violation of the
        given point); the note is empty if the point was not moved."""
        if not self.constraints:
            return z, "", 0.0
        _, margins = self._evaluate(z[None, :])
        worst = max(float(v[0]) for v in self.violations(margins))
        anchor = self.best_seen[1]
        if worst <= FEASIBILITY_RTOL or worst > RESTORE_RTOL or anchor is None:
            return z, "", worst
        lo, hi = 0.0, 1.0  # anchor + t (z - anchor): feasible at lo, not at hi
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            _, m = self._evaluate((anchor + mid * (z - anchor))[None, :])
            # a quarter of the tolerance: the figure recomputed another way (the result's cycle,
            # scalar instead of batched) differs by a few units of round-off
            if self.feasible(m, rtol=FEASIBILITY_RTOL / 4)[0]:
                lo = mid
            else:
                hi = mid
            if hi - lo < 1e-16:
                break
        moved = anchor + lo * (z - anchor)
        return moved, (f"moved by {float(np.max(np.abs(moved - z))):.1e} (in the scaled variables) onto "
                       f"the feasible side (the method's end violated a constraint by {worst:.1e} "
                       f"of its scale)"), worst

    def violated(self, z: np.ndarray) -> list[str]:
        """The constraints violated at ``z``: what is required and what is reached."""
        _, margins = self._evaluate(z[None, :])
        out = []
        for j, (c, v) in enumerate(zip(self.constraints, self.violations(margins))):
            if not v[0] <= FEASIBILITY_RTOL:
                m = float(margins[j][0])
                if c.figure is None:
                    out.append(f"{c.description}: margin {c.show(m, self.has_units)} < 0")
                else:
                    show = functools.partial(_show_figure, c, self.has_units)
                    reached, required = _distinct(self.thresholds[j] + self.op_sign[j] * m,
                                                  self.thresholds[j], show)
                    out.append(f"{c.description}: reached {reached}, required {required}")
        return out

    def best_of(self, runs: list[tuple[np.ndarray, bool, str]]) -> tuple[np.ndarray, bool, str]:
        """The best local result: feasible first, then lowest objective, then converged."""
        scored = []
        for z, ok, message in runs:
            f, feasible = self.assess(z)
            scored.append(((not feasible, f if np.isfinite(f) else np.inf, not ok), (z, ok, message)))
        return min(scored, key=lambda item: item[0])[1]

    def newton_polish(self, z: np.ndarray, rounds: int = 4) -> tuple[np.ndarray, int]:
        """Newton steps on grad f = 0 at an interior optimum.

        A local method that stops on changes of f pins x only to ~sqrt(round-off of f). Here the
        gradient and Hessian come from central differences (Richardson-extrapolated gradient, steps
        h and h/2) in one vectorised call per step, so x is fixed by the gradient's accuracy
        instead. Only where no constraint is active and z is away from the bounds; a step is kept
        only if it stays feasible and does not make f worse beyond round-off.
        """
        h = 1e-4
        taken = 0
        # Variables on (or next to) a bound stay there; the others are polished. The bounds are
        # 0 and 1 in the scaled variables, so 10 h is a fraction of each variable's own range.
        free = np.flatnonzero((z >= 10 * h) & (z <= 1 - 10 * h))
        if free.size == 0:
            return z, 0
        k = free.size
        for _ in range(rounds):
            if np.any(z[free] < 10 * h) or np.any(z[free] > 1 - 10 * h):
                break
            f0, margins0 = self._evaluate(z[None, :])
            if not np.isfinite(f0[0]) or any(
                    m[0] <= ACTIVE_RTOL * s[0] for m, s in zip(margins0, self.scales(margins0))):
                break
            stencil = Stencil([np.full(k, h), np.full(k, h / 2)], mixed=True)
            offsets = np.zeros((len(stencil.offsets), len(z)))
            offsets[:, free] = stencil.offsets
            f, _ = self._evaluate(z + offsets)
            if not np.all(np.isfinite(f)):
                break
            grad = richardson(stencil.first(f, 0), stencil.first(f, 1))
            hess = stencil.hessian(f, 0)
            if not np.all(np.linalg.eigvalsh(hess) > 0):
                break
            delta = np.zeros(len(z))
            delta[free] = -np.linalg.solve(hess, grad)
            if np.max(np.abs(delta)) > 1e-2:
                break
            # Near the optimum a step changes f by ~H delta^2, far below its round-off (~1e-12 on the
            # generic path): the value test only guards against blunders, relative to f's own size
            # (the same SAME_RTOL at which the result is compared with the points evaluated).
            f1, margins1 = self._evaluate((z + delta)[None, :])
            if not (f1[0] <= f0[0] + SAME_RTOL * abs(f0[0]) and self.feasible(margins1)[0]):
                break
            z, taken = z + delta, taken + 1
            if np.max(np.abs(delta)) < 1e-12:
                break
        return z, taken

    def on_domain_edge(self, perf: Performance) -> bool:
        """Whether ``perf`` is outside the objective's domain or on its edge (a domain constraint
        active, relative to its size over the sampled points)."""
        if not self.objective.in_domain(perf):
            return True
        for j, c in enumerate(self.constraints[self.n_user:], start=self.n_user):
            if self.typical[j] > 0 and float(c(perf)) <= EDGE_RTOL * self.typical[j]:
                return True
        return False

    def worse_than_seen(self, z: np.ndarray, method: str) -> str:
        """A note if a feasible point evaluated during the run beats the result, else ''."""
        f, _ = self.assess(z)
        best = self.best_seen[0]
        if not np.isfinite(best):
            return ""
        if np.isfinite(f) and best >= f - SAME_RTOL * max(abs(f), abs(best)):
            return ""
        # f and best are minimised: sign * value; the figure itself is sign * f
        ended, seen = _distinct(self.sign * f, self.sign * best, self.show_objective)
        advice = ("try more starts (n_starts) or a global method" if method == "multistart"
                  else "try method='multistart'")
        return (f"the method ended at a worse point than one it evaluated ({self.objective.name} "
                f"{ended} against {seen}); {advice}")

    def evaluate_batch(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
        """(objective to minimise, feasible, margins) at a batch of points; also sets the scales of
        the objective and of each constraint, and remembers the best feasible point (once, with
        those scales)."""
        f, margins = self._evaluate(np.atleast_2d(z), remember=False)
        for j, m in enumerate(margins):
            figure = np.abs(self.thresholds[j] + self.op_sign[j] * m)
            figure = figure[np.isfinite(figure) & (figure > 0)]
            if figure.size and self.typical[j] == 0:
                self.typical[j] = float(np.median(figure))
            self.norm[j] = max(abs(self.thresholds[j]), self.typical[j]) or 1.0
        feasible = self.feasible(margins, len(f))
        self._remember(np.atleast_2d(z), f, margins)
        finite = f[np.isfinite(f)]
        if finite.size and self.scale == 1.0:
            self.scale = float(np.max(np.abs(finite))) or 1.0
        return f, feasible, margins

    def value(self, z: np.ndarray) -> Any:
        z = np.asarray(z, dtype=float)
        if z.ndim == 2:  # vectorised call from differential_evolution: shape (d, S)
            f, _ = self._evaluate(z.T)
            return np.where(np.isfinite(f), f / self.scale, 1e300)
        f, _ = self._evaluate(z[None, :])
        return float(f[0] / self.scale) if np.isfinite(f[0]) else 1e300

    def _stencil(self, z: np.ndarray) -> Stencil:
        """Central differences around z, one-sided where a step would leave [0, 1]."""
        h = 1e-6
        return Stencil([np.where(z + h > 1.0, 0.0, h)], [np.where(z - h < 0.0, 0.0, h)])

    def _at(self, z: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], Stencil]:
        key = np.asarray(z, dtype=float).tobytes()
        if self._cache is None or self._cache[0] != key:
            stencil = self._stencil(np.asarray(z, dtype=float))
            f, margins = self._evaluate(z + stencil.offsets)
            self._cache = (key, (f, margins, stencil))
        return self._cache[1]

    def value_and_gradient(self, z: np.ndarray) -> tuple[float, np.ndarray]:
        f, _, stencil = self._at(z)
        if not np.isfinite(f[0]):
            return 1e300, np.zeros(stencil.dim)
        grad = stencil.first(f)
        grad = np.where(np.isfinite(grad), grad, 0.0)
        return float(f[0] / self.scale), grad / self.scale

    def scipy_constraints(self, method: str) -> Any:
        cons = []
        # each margin divided by its constraint's own scale: scipy's feasibility tolerances are
        # absolute, and a cooling rate of 1e-8 natural units would otherwise be "satisfied" by any
        # point (the norms are fixed by the sample, before any local run)
        for j in range(len(self.constraints)):
            def fun(z, j=j):
                m = float(self._at(z)[1][j][0]) / self.norm[j]
                return _BIG if m == np.inf else m  # +inf: always satisfied (scipy wants finite values)

            def jac(z, j=j):
                _, margins, stencil = self._at(z)
                if not np.isposinf(margins[j]).any():
                    return stencil.first(margins[j]) / self.norm[j]
                with np.errstate(invalid="ignore"):  # inf - inf: no slope where the margin is unbounded
                    grad = stencil.first(margins[j]) / self.norm[j]
                return np.where(np.isfinite(grad), grad, 0.0)

            if method == "trust-constr":
                cons.append(scipy.optimize.NonlinearConstraint(fun, 0.0, np.inf, jac=jac))
            else:
                cons.append({"type": "ineq", "fun": fun, "jac": jac})
        return cons


#: what scipy is handed for a margin of +inf (always satisfied)
_BIG = 1e6  # margins are divided by their scale: O(1) where it matters; 1e300 overflows trust-constr


def _batched(fn: Callable, perf: Performance, evaluate: Callable[..., Performance], values: Mapping[str, Any],
             n: int, what: str = "objective", names: tuple[str, ...] = ()) -> np.ndarray:
    """``fn(perf)`` as an array of n real values; falls back to point-by-point for scalar-only
    callables. A callable that raises, or returns None, complex numbers, text or the wrong number
    of values, is reported naming the point (natural units) and what it returned. NaN is a value:
    the point has no figure (it is infeasible)."""
    def at(k: int) -> str:
        return ", ".join(f"{name}={float(np.ravel(values[name])[k if np.ndim(values[name]) else 0]):.6g}"
                         for name in names)

    try:
        raw = fn(perf)
    except Exception:  # e.g. a callable written for scalars (float(perf.chi)): point by point below
        raw = _FAILED
    if _is_bool(raw):  # False would read as the margin 0 (satisfied), True as the figure 1
        falsy = np.flatnonzero(~np.broadcast_to(np.asarray(raw), (n,)))
        _refuse_bool(what, at(int(falsy[0]) if falsy.size else 0))
    try:
        out = None if raw is _FAILED else _reals(raw)
    except (TypeError, ValueError):
        out = None
    if out is not None and out.shape == (n,):
        return out
    if out is not None and out.ndim == 0 and n == 1:
        return out.reshape(1)
    rows = []
    for k in range(n):
        point = {name: (v[k] if np.ndim(v) else v) for name, v in values.items()}
        perf_k = evaluate(point)  # a CycleError here: the point has no periodic state
        try:
            raw = fn(perf_k)
        except Exception as exc:
            raise ParameterError(f"{what} raised {type(exc).__name__}: {clip(exc, 80)} at {at(k)}") from None
        if _is_bool(raw):
            _refuse_bool(what, at(k))
        try:
            value = _reals(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or value.ndim != 0:
            shown = f"shape {np.shape(raw)}" if value is not None else brief(raw)
            raise ParameterError(f"{what} must return one real number per point; got {shown} at {at(k)}")
        rows.append(float(value))
    return np.array(rows)


_FAILED = object()  # the batched call raised: evaluate point by point


def _is_bool(raw: Any) -> bool:
    """A bool or an array of bools (a comparison ``perf.cop >= 0.9`` instead of a margin)."""
    if isinstance(raw, (bool, np.bool_)):
        return True
    return isinstance(raw, (np.ndarray, list, tuple)) and np.asarray(raw).dtype.kind == "b"


def _refuse_bool(what: str, at: str) -> None:
    advice = ("return a margin g(perf) that is >= 0 where feasible (e.g. perf.cop - 0.9), not a bool"
              if what.startswith("Optimizer.constraints") else "return the figure's value, not a bool")
    raise ParameterError(f"{what} returned a bool at {at}; {advice}")


def _reals(raw: Any) -> np.ndarray:
    """``raw`` as a float array; TypeError for None, complex, text, objects, quantities, bools."""
    if raw is None or is_quantity(raw):
        raise TypeError("not a real number")
    arr = np.asarray(raw)
    if arr.dtype.kind not in "iuf":  # integers, floats (not bools, complex, text, objects)
        raise TypeError("not a real number")
    return arr.astype(float)


__all__ = ["Optimizer", "OptimizationResult", "METHODS", "STATUS"]
