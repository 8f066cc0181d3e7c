"""Objectives for the Optimizer: a registry of named figures of merit, and constraints.

An objective maps a natural-unit :class:`~thermocycles.Performance` (whose fields are arrays when
the optimiser evaluates many points at once) to an array of values. Register your own with
:func:`register_objective`.

Definitions (T_c, T_h the reservoir temperatures, ``eps_C = T_c/(T_h - T_c)``,
``eta_C = 1 - T_c/T_h``, dots are per unit cycle time, ``sigma`` the entropy production):

* ``chi`` = COP x cooling rate (Yan and Chen's figure of merit for refrigerators; the paper's eq. 19)
* ``cooling_rate`` = Q_c/t, ``cop`` = Q_c/W, ``power`` = -W/t, ``efficiency`` = -W/Q_h,in
* ``ecological_engine`` = P - T_c sigma_dot (Angulo-Brown 1991)
* ``ecological_refrigerator`` = R/eps_C - T_h sigma_dot: exergy of the cooling minus the exergy
  destroyed, with the hot reservoir as environment (Chen, Chen and Sun 2001); it equals
  (2R - eps_C W_dot)/eps_C
* ``omega_engine`` = 2P - eta_C Q_dot_h,in, ``omega_refrigerator`` = 2R - eps_C W_dot: the Omega
  criterion (Hernandez et al. 2001), with the Carnot values as maximum efficiency and COP. Register
  another objective to use a model-specific maximum instead.
* ``ecological`` and ``omega`` choose the engine or refrigerator form from the mode of the cycle
  being optimised when the run starts.
* ``entropy_production_rate`` (minimised by default).

Refrigerator figures (chi, cooling_rate, cop, ecological_refrigerator, omega_refrigerator) have the
domain "refrigerator" and engine figures the domain "engine": the optimiser only accepts points where
the cycle operates in the figure's mode (see :attr:`Objective.domain`). The ratios alone would not
say so: chi = q_c^2/(W t_cyc) is positive wherever work is done on the substance (a heater or an
accelerator as well as a refrigerator), and an Otto engine's q_c/W = w_a/(w_b - w_a) is positive.
``Performance.cop``, ``chi`` and ``efficiency`` are NaN outside their mode; the registered
objectives use :meth:`Performance.algebraic` instead, the same ratios continued across the mode
boundary, so that a constrained optimiser that steps over the domain's edge sees a smooth function
(outside the domain the point is infeasible either way). Write your own objectives the same way if
they must be smooth there.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any, Callable

import attrs
import numpy as np

from ..core.modes import Mode
from ..core.performance import Performance
from ..errors import DimensionError, ParameterError, brief
from ..quantity_text import parse_quantity_text
from ..units import DIMENSIONLESS, ENERGY, ENTROPY_RATE, POWER, Kind, is_quantity, to_natural


@attrs.frozen
class Objective:
    """A named figure of merit.

    Attributes
    ----------
    name : str
    function : callable
        ``function(perf) -> array`` on a natural-unit Performance.
    sense : {"max", "min"}
        Default direction.
    kind : Kind
        Physical kind of the value (for units on the way out).
    description : str
    domain : {"refrigerator", "engine", None}
        Where the figure means what it says: refrigerator figures where the cycle cools
        (q_c > 0, work > 0), engine figures where it delivers work (work < 0, heat drawn from the
        hot reservoir). chi = q_c^2/(W t_cyc) alone is also positive for a heater or an
        accelerator. The optimiser treats points outside the domain as infeasible.
    """

    name: str = attrs.field()
    function: Callable[[Performance], Any] = attrs.field()
    sense: str = attrs.field(default="max")
    kind: Kind = attrs.field(default=DIMENSIONLESS)
    description: str = attrs.field(default="")
    domain: str | None = attrs.field(default=None)

    @domain.validator
    def _check_domain(self, attribute: attrs.Attribute, value: str | None) -> None:
        if not (value is None or (isinstance(value, str) and value in ("refrigerator", "engine"))):
            raise ParameterError(f"Objective.domain must be 'refrigerator', 'engine' or None; got {brief(value)}")

    def domain_constraints(self) -> tuple[Constraint, ...]:
        """The domain as smooth constraints ``g(perf) >= 0`` (for constrained optimisers)."""
        if self.domain == "refrigerator":
            return (Constraint(lambda p: p.q_c, "cools (q_c >= 0)", kind=ENERGY),
                    Constraint(lambda p: p.work, "takes work (work >= 0)", kind=ENERGY))
        if self.domain == "engine":
            return (Constraint(lambda p: -p.work, "delivers work (work <= 0)", kind=ENERGY),
                    Constraint(lambda p: -p.q_h, "draws heat from the hot reservoir",
                               kind=ENERGY))
        return ()

    def in_domain(self, perf: Performance) -> Any:
        """Boolean (array): where ``perf`` lies in this objective's domain."""
        if self.domain == "refrigerator":
            return (perf.q_c > 0) & (perf.work > 0)
        if self.domain == "engine":
            return (perf.work < 0) & (perf.q_h < 0)
        return np.ones(np.shape(perf.work), dtype=bool)

    @sense.validator
    def _check_sense(self, attribute: attrs.Attribute, value: str) -> None:
        if not (isinstance(value, str) and value in ("max", "min")):
            raise ParameterError(f"Objective.sense must be 'max' or 'min'; got {brief(value)}")

    @kind.validator
    def _check_kind(self, attribute: attrs.Attribute, value: Kind) -> None:
        if not isinstance(value, Kind):
            raise ParameterError(f"Objective.kind must be a Kind of thermocycles.units (e.g. POWER, "
                                 f"DIMENSIONLESS); got {brief(value)}")

    @name.validator
    def _check_name(self, attribute: attrs.Attribute, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise ParameterError(f"Objective.name must be a non-empty string; got {brief(value)}")

    @function.validator
    def _check_function(self, attribute: attrs.Attribute, value: Any) -> None:
        if not callable(value):
            raise ParameterError(f"Objective.function must be callable(perf); got {brief(value)}")

    @description.validator
    def _check_description(self, attribute: attrs.Attribute, value: str) -> None:
        if not isinstance(value, str):
            raise ParameterError(f"Objective.description must be a string; got {brief(value)}")

    def __call__(self, perf: Performance) -> Any:
        return self.function(perf)


_REGISTRY: dict[str, Objective] = {}
#: objective names that pick the engine or refrigerator form (``<name>_engine`` or
#: ``<name>_refrigerator``) by the mode of the cycle being optimised; reserved in the registry
BY_MODE = ("ecological", "omega")


def register_objective(name: str, function: Callable[[Performance], Any], *, sense: str = "max",
                       kind: Kind = DIMENSIONLESS, description: str = "",
                       domain: str | None = None) -> Objective:
    """Add an objective to the registry (it can then be named in ``Optimizer(objective=...)``).

    Examples
    --------
    >>> import thermocycles as tc
    >>> obj = tc.objectives.register_objective(
    ...     "heat_per_cycle", lambda perf: perf.q_c, kind=tc.units.ENERGY)
    >>> obj.name in tc.objectives.names()
    True
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ParameterError(f"register_objective: name must be an identifier; got {brief(name)}")
    if name in BY_MODE:
        raise ParameterError(f"register_objective: name {name!r} is reserved (it picks the engine or "
                             f"refrigerator form by the cycle's mode)")
    try:
        obj = Objective(name, function, sense, kind, description, domain)
    except ParameterError as exc:
        raise ParameterError(f"register_objective: {str(exc).replace('Objective.', '', 1)}") from None
    _REGISTRY[name] = obj
    return obj


def names() -> tuple[str, ...]:
    """Names of the registered objectives (plus ``ecological`` and ``omega``)."""
    return tuple(_REGISTRY) + BY_MODE


def get(name: str, mode: Any = None) -> Objective:
    """The registered objective ``name``; ``ecological``/``omega`` resolve by ``mode``."""
    if name in BY_MODE:
        suffix = "engine" if mode == Mode.ENGINE else "refrigerator"
        return _REGISTRY[f"{name}_{suffix}"]
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ParameterError(
            f"unknown objective {name!r}; registered: {', '.join(names())} (or pass a callable "
            f"perf -> value)"
        ) from None


def _eps_c(perf: Performance) -> Any:
    t_c, t_h = perf.T_c, perf.T_h
    return t_c / (t_h - t_c)


def _eta_c(perf: Performance) -> Any:
    return 1.0 - perf.T_c / perf.T_h


def _rate(perf: Performance, value: Any) -> Any:
    return value / perf.cycle_time


def _sigma_rate(perf: Performance) -> Any:
    return perf.entropy_production_rate


register_objective("chi", lambda p: p.algebraic("chi"), kind=POWER, description="COP x cooling rate",
                   domain="refrigerator")
register_objective("cooling_rate", lambda p: p.cooling_rate, kind=POWER,
                   description="heat extracted from the cold reservoir per unit time",
                   domain="refrigerator")
register_objective("cop", lambda p: p.algebraic("cop"), description="coefficient of performance q_c/work",
                   domain="refrigerator")
register_objective("power", lambda p: p.power, kind=POWER, description="power delivered -work/t",
                   domain="engine")
register_objective("efficiency", lambda p: p.algebraic("efficiency"), description="engine efficiency work/q_h",
                   domain="engine")
register_objective(
    "ecological_engine",
    lambda p: p.power - p.T_c * _sigma_rate(p),
    kind=POWER, description="P - T_c sigma_dot (Angulo-Brown)", domain="engine")
register_objective(
    "ecological_refrigerator",
    lambda p: p.cooling_rate / _eps_c(p) - p.T_h * _sigma_rate(p),
    kind=POWER, description="R/eps_C - T_h sigma_dot (exergy-based, Chen et al.)",
    domain="refrigerator")
register_objective(
    "omega_engine",
    lambda p: 2.0 * p.power + _eta_c(p) * _rate(p, p.q_h),
    kind=POWER, description="2P - eta_C Q_dot_h,in (Hernandez et al.)", domain="engine")
register_objective(
    "omega_refrigerator",
    lambda p: 2.0 * p.cooling_rate - _eps_c(p) * _rate(p, p.work),
    kind=POWER, description="2R - eps_C W_dot (Hernandez et al.)", domain="refrigerator")
register_objective("entropy_production_rate", lambda p: p.entropy_production_rate, sense="min",
                   kind=ENTROPY_RATE, description="entropy production per unit time")


@attrs.frozen
class Constraint:
    """A constraint ``function(perf) >= 0`` on a natural-unit Performance (arrays in, arrays out).

    Build one from a string (``"cools"``, ``"engine"``, ``"cop >= 0.5"``,
    ``"cooling_rate >= 2 aW"``), a tuple ``("cop", ">=", 0.5)``, or a callable with
    :func:`as_constraint`.

    Attributes
    ----------
    function : callable
        The margin ``g(perf)``, >= 0 where feasible.
    description : str
    figure : callable or None
        The constrained figure (natural units) of a comparison ``figure op threshold``; None when
        the margin is itself the figure (callables, ``"cools"``, the objectives' domains).
    threshold : float
        The comparison's threshold in natural units (0 when ``figure`` is None).
    op : {">=", "<="}
    kind : Kind
        Physical kind of the figure (for messages in units).
    unit : pint.Unit or None
        The unit the user gave the threshold in (messages quote values in it).
    """

    function: Callable[[Performance], Any]
    description: str
    _bound: Any = attrs.field(default=None, repr=False)  # (name, op, raw value) to convert later
    figure: Callable[[Performance], Any] | None = attrs.field(default=None, repr=False, eq=False)
    threshold: float = 0.0
    op: str = ">="
    kind: Kind = attrs.field(default=DIMENSIONLESS, repr=False)
    unit: Any = attrs.field(default=None, repr=False)

    def __call__(self, perf: Performance) -> Any:
        return self.function(perf)

    def show(self, natural: float, has_units: bool = False, digits: int = 6) -> str:
        """A natural-unit value of the figure: in the user's unit if they gave one, else in the
        kind's unit for a cycle with units, else as a plain number."""
        if self.unit is not None:
            return f"{self.kind.wrap(natural).to(self.unit):.{digits}g~}"
        if has_units and self.kind is not DIMENSIONLESS:
            return f"{self.kind.wrap(natural):.{digits}g~}"
        return f"{natural:.{digits}g}"


#: the comparisons a constraint may use (the optimiser works on closed sets: '>' would mean '>=')
OPERATORS = (">=", "<=")
#: longest constraint text accepted
MAX_CONSTRAINT_LENGTH = 300
_COMPARISON = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|==|=>|=<|>|<|=)\s*(.*?)\s*", re.ASCII)
_FORMS = ("write 'cools', 'engine', '<figure> >= <number> [unit]' or '<figure> <= <number> [unit]' "
          "(e.g. 'cop >= 0.5', 'cooling_rate >= 60 zW'), a tuple ('cop', '>=', 0.5), or a callable "
          "perf -> value that is >= 0 where feasible")


def as_constraint(spec: Any) -> Constraint:
    """A :class:`Constraint` from a string, a (name, op, value) tuple, a callable or a Constraint.

    A string is ``"cools"``, ``"engine"`` or ``figure op number [unit]``: a registered objective's
    name, ``>=`` or ``<=`` (strict ``>``/``<`` and ``==`` are refused: the optimiser works on closed
    sets, and an equality is two inequalities), and a finite number with an optional unit read by
    the strict grammar of ``thermocycles.quantity_text`` (no arithmetic; at most
    :data:`MAX_CONSTRAINT_LENGTH` characters, so any text is refused or read at once).

    Examples
    --------
    >>> as_constraint("cooling_rate >= 60 zW").description
    'cooling_rate >= 60.0 zW'
    >>> as_constraint("cop >= 9**9**9")
    Traceback (most recent call last):
    ...
    thermocycles.errors.ParameterError: constraint 'cop >= 9**9**9': '9**9**9' is not a number with ...
    """
    if isinstance(spec, Constraint):
        return spec
    if isinstance(spec, str):
        if len(spec) > MAX_CONSTRAINT_LENGTH:
            raise ParameterError(f"constraint text may have at most {MAX_CONSTRAINT_LENGTH} characters; got "
                                 f"{len(spec)} ({brief(spec, 30)})")
        key = spec.strip()
        if key == "cools":
            return Constraint(lambda p: p.q_c, "cools (q_c >= 0)", kind=ENERGY)
        if key == "engine":
            return Constraint(lambda p: -p.work, "runs as an engine (work <= 0)", kind=ENERGY)
        match = _COMPARISON.fullmatch(spec)
        if not match:
            raise ParameterError(f"constraint {spec!r} is not understood; {_FORMS}")
        name, op, text = match.groups()
        _check_operator(f"constraint {spec!r}", op)
        try:
            value = parse_quantity_text(text)
        except ParameterError as exc:
            raise ParameterError(f"constraint {spec!r}: {exc}") from None
        return _comparison(name, op, value)
    if isinstance(spec, (tuple, list)) and len(spec) == 3:
        name, op, value = spec
        where = f"constraint {brief(tuple(spec), 80)}"
        if not isinstance(name, str):
            raise ParameterError(f"{where}: the figure must be a registered name such as 'cop'; got {name!r}")
        _check_operator(where, op)
        return _comparison(name, op, _threshold(where, value))
    if callable(spec):
        return Constraint(spec, getattr(spec, "__name__", "user constraint"))
    raise ParameterError(
        f"constraint must be a string, a (name, op, value) tuple or a callable; got {type(spec).__name__}"
        f" {brief(spec)}"
    )


def finite_real(value: Any) -> float | None:
    """``value`` as a float if it is a finite real number (Python or numpy integer or float, or a
    :class:`fractions.Fraction`; not a bool) that a float can hold, else None.

    Examples
    --------
    >>> from fractions import Fraction
    >>> finite_real(Fraction(1, 4)), finite_real(10**400), finite_real(True), finite_real(float("inf"))
    (0.25, None, None, None)
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, Fraction, np.integer,
                                                                     np.floating)):
        return None
    try:
        number = float(value)
    except OverflowError:  # a Python int or Fraction beyond float
        return None
    return number if math.isfinite(number) else None


def _check_operator(where: str, op: Any) -> None:
    if op not in OPERATORS:
        why = (" (the optimiser works on closed sets; write '>=' or '<=')" if op in (">", "<") else
               " (an equality is two constraints, '>=' and '<=')" if op in ("==", "=") else "")
        raise ParameterError(f"{where}: the comparison must be '>=' or '<='; got {brief(op)}{why}")


def _threshold(where: str, value: Any) -> Any:
    """A constraint's threshold: a finite real number, a finite scalar quantity, or such text."""
    if isinstance(value, str):
        try:
            return parse_quantity_text(value)
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None
    magnitude = value.magnitude if is_quantity(value) else value
    if finite_real(magnitude) is None:
        raise ParameterError(f"{where}: the threshold must be a finite real number or quantity; got "
                             f"{brief(value)}")
    return value


def _comparison(name: str, op: str, value: Any) -> Constraint:
    if name in BY_MODE or name not in _REGISTRY:
        raise ParameterError(f"constraint on {name!r}: not a registered figure; use one of "
                             f"{', '.join(_REGISTRY)}")
    obj = get(name)
    shown = f"{value.magnitude!r} {value.units:~}" if is_quantity(value) else f"{value!r}"
    return Constraint(obj.function, f"{name} {op} {shown}", (name, op, value))


def bind_constraint(constraint: Constraint, has_units: bool) -> Constraint:
    """Convert a comparison constraint's threshold to natural units for a cycle with/without units."""
    if constraint._bound is None:
        return constraint
    name, op, value = constraint._bound
    obj = get(name)
    if is_quantity(value):
        if not has_units and obj.kind is not DIMENSIONLESS:
            raise DimensionError(
                f"constraint '{constraint.description}' has units but the cycle uses plain numbers "
                f"(natural units); give the threshold as a plain number"
            )
        threshold = to_natural(value, obj.kind, f"constraint '{constraint.description}'")
    else:
        if has_units and obj.kind is not DIMENSIONLESS:
            raise DimensionError(
                f"constraint '{constraint.description}': the cycle carries units, so the threshold "
                f"of {name} needs units too (e.g. {obj.kind.example or obj.kind.unit})"
            )
        threshold = float(value)
    fn = obj.function
    unit = value.units if is_quantity(value) else None
    if op == ">=":
        return Constraint(lambda p: fn(p) - threshold, constraint.description, None, fn, threshold, op,
                          obj.kind, unit)
    return Constraint(lambda p: threshold - fn(p), constraint.description, None, fn, threshold, op,
                      obj.kind, unit)


__all__ = ["Objective", "Constraint", "register_objective", "get", "names", "as_constraint",
           "bind_constraint"]
