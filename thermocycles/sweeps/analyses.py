"""Running an analysis at one point of a sweep, and flattening its result into named scalars.

An analysis is an :class:`~thermocycles.Optimizer`, an :class:`~thermocycles.IrreversibleAnalysis`,
a :class:`~thermocycles.LowDissipationAnalysis`, or any callable ``f(cycle)`` returning a mapping of
scalars (or one scalar, stored as ``value``). Each result becomes a flat dict of plain Python
scalars (float, int, bool, str), and a dict of units for the values that were quantities.

Variables
---------
Optimizer
    ``fun`` (the objective at the optimum), ``x_<name>`` per variable, ``success``, ``status``,
    ``message``, ``nfev``, ``nit``, ``at_bounds`` (comma-separated names).
IrreversibleAnalysis
    ``L11``, ``L12``, ``L21``, ``L22``, their errors ``L11_error`` ..., ``coupling`` (q),
    ``reciprocity``, ``reciprocal``, ``tight_coupling``, ``second_law``, the forces and fluxes of the
    given cycle ``X1``, ``X2``, ``J1``, ``J2``, ``entropy_production_rate``, and
    ``cop_at_max_chi`` (of the linear model at the cycle's temperatures; NaN where it has none).
LowDissipationAnalysis, callables
    Every scalar field (attrs fields, or the mapping's items); tuples and small arrays give
    ``<name>_0``, ``<name>_1``...; None counts as missing (NaN). Quantities are stored in their
    own unit.

Runs in the worker: the cycle arrives as its specification, the point as parameter values.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import attrs
import numpy as np

from ..analysis import objectives as _objectives
from ..analysis.irreversible import IrreversibleAnalysis, OnsagerResult
from ..analysis.low_dissipation import LowDissipationAnalysis
from ..analysis.optimize import OptimizationResult, Optimizer
from ..core.modes import Mode
from ..errors import ParameterError, ThermocyclesError
from ..spec.cycle import Cycle
from ..units import (
    DIMENSIONLESS,
    ENERGY_POWER,
    ENTROPY_RATE,
    INVERSE_ENERGY,
    POWER,
    RATE,
    Kind,
    is_quantity,
)
from .grid import short_unit_text
from .outputs import check_backend_here, natural_unit, si_unit

Flat = tuple[dict[str, Any], dict[str, str]]

_L_KINDS = {"L11": RATE, "L12": POWER, "L21": POWER, "L22": ENERGY_POWER}
_AT_CYCLE_KINDS = {"X1": DIMENSIONLESS, "X2": INVERSE_ENERGY, "J1": RATE, "J2": POWER,
                   "entropy_production_rate": ENTROPY_RATE}
_ONSAGER_TEXT = {
    "L11": "Onsager coefficient L11 = dJ1/dX1", "L12": "Onsager coefficient L12 = dJ1/dX2",
    "L21": "Onsager coefficient L21 = dJ2/dX1", "L22": "Onsager coefficient L22 = dJ2/dX2",
    "coupling": "coupling strength q = L12 / sqrt(L11 L22)",
    "reciprocity": "(L12 - L21) / L12",
    "reciprocal": "Onsager reciprocity holds within the errors",
    "tight_coupling": "tight coupling |q| = 1 within the errors",
    "second_law": "the symmetric part of L is positive semidefinite within the errors",
    "X1": "mechanical force beta_c Dw of the given cycle", "X2": "thermal force beta_h - beta_c of the given cycle",
    "J1": "flux W / (t_cyc Dw) of the given cycle", "J2": "heat flow into the hot reservoir of the given cycle",
    "entropy_production_rate": "entropy production rate J1 X1 + J2 X2 of the given cycle",
    "cop_at_max_chi": "COP at maximum chi of the linear model J = L X at the cycle's temperatures",
}


def check_analysis(analysis: Any) -> Any:
    """Check that ``analysis`` is something a sweep can run, and return it ready to ship.

    An Optimizer gets ``progress=False`` (its workers draw no bars).
    """
    if isinstance(analysis, Optimizer):
        return attrs.evolve(analysis, progress=False) if "progress" in attrs.fields_dict(Optimizer) else analysis
    if isinstance(analysis, (IrreversibleAnalysis, LowDissipationAnalysis)) or callable(analysis):
        return analysis
    raise ParameterError(f"sweep analysis must be an Optimizer, an IrreversibleAnalysis, a LowDissipationAnalysis "
                         f"or a callable f(cycle) -> mapping of scalars; got {analysis!r}")


def analysis_name(analysis: Any) -> str:
    """A short name of the analysis (for the Dataset's attributes)."""
    if isinstance(analysis, (Optimizer, IrreversibleAnalysis, LowDissipationAnalysis)):
        return type(analysis).__name__
    name = getattr(analysis, "__qualname__", None) or type(analysis).__name__
    return f"{getattr(analysis, '__module__', '')}.{name}".lstrip(".")


def _unit_of(q: Any) -> str:
    return short_unit_text(q.units)


def _scalar(value: Any) -> Any:
    """A plain Python scalar, or raise TypeError."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, Mode):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _scalar(value[()])
    raise TypeError(type(value).__name__)


def _put(values: dict[str, Any], units: dict[str, str], name: str, value: Any, depth: int = 0) -> None:
    """Store ``value`` under ``name`` (flattening quantities, tuples, small arrays, dicts)."""
    if value is None:
        values[name] = None
        return
    if is_quantity(value):
        if np.ndim(value.magnitude) == 0:
            values[name] = float(value.magnitude)
            units[name] = _unit_of(value)
            return
        for i, item in enumerate(np.asarray(value.magnitude).ravel()[:16]):
            values[f"{name}_{i}"] = float(item)
            units[f"{name}_{i}"] = _unit_of(value)
        return
    try:
        values[name] = _scalar(value)
        return
    except TypeError:
        pass
    if depth >= 2:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _put(values, units, f"{name}_{key}" if name else str(key), item, depth + 1)
    elif isinstance(value, (tuple, list, np.ndarray)) and np.size(value) <= 16:
        for i, item in enumerate(np.asarray(value, dtype=object).ravel()):
            _put(values, units, f"{name}_{i}", item, depth + 1)


def flatten(result: Any, analysis: Any, cycle: Cycle) -> Flat:
    """Named scalars (and units of the quantities among them) of one analysis result.

    Examples
    --------
    >>> import thermocycles as tc
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
    ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> values, units = flatten({"cop": 0.5, "mode": "refrigerator"}, None, fridge)
    >>> values, units
    ({'cop': 0.5, 'mode': 'refrigerator'}, {})
    """
    values: dict[str, Any] = {}
    units: dict[str, str] = {}
    if isinstance(result, OptimizationResult):
        _put(values, units, "fun", result.fun)
        for name, x in result.x.items():
            _put(values, units, f"x_{name}", x)
        for name in ("success", "status", "message", "nfev", "nit"):
            values[name] = _scalar(getattr(result, name))
        values["at_bounds"] = ",".join(result.at_bounds)
        return values, units
    if isinstance(result, OnsagerResult):
        si = cycle.has_units
        for (i, j), name in np.ndenumerate(np.array([["L11", "L12"], ["L21", "L22"]])):
            kind = _L_KINDS[name]
            for key, table in ((name, result.L_natural), (f"{name}_error", result.error_estimate)):
                values[key] = float(table[i, j]) * (kind.scale if si else 1.0)
                if si:
                    units[key] = si_unit(kind)
        for name in ("coupling", "reciprocity", "reciprocal", "tight_coupling", "second_law"):
            values[name] = _scalar(getattr(result, name))
        for name, kind in _AT_CYCLE_KINDS.items():
            values[name] = float(result.at_cycle[name]) * (kind.scale if si else 1.0)
            if si:
                units[name] = si_unit(kind)
        try:
            values["cop_at_max_chi"] = float(result.cop_at_max_chi())
        except ThermocyclesError:
            values["cop_at_max_chi"] = math.nan
        return values, units
    if isinstance(result, Mapping):
        for key, item in result.items():
            _put(values, units, str(key), item)
        return values, units
    if attrs.has(type(result)):
        for field in attrs.fields(type(result)):
            if field.name.startswith("_") or field.name == "has_units":
                continue
            _put(values, units, field.name, getattr(result, field.name))
        return values, units
    try:
        _put(values, units, "value", result)
    except TypeError:
        pass
    if not values:
        raise ParameterError(f"sweep analysis {analysis_name(analysis)} returned {type(result).__name__}; "
                             f"expected a mapping of scalars or a scalar")
    return values, units


def run_one(analysis: Any, cycle: Cycle) -> Any:
    """Run ``analysis`` on one cycle."""
    if isinstance(analysis, (Optimizer, IrreversibleAnalysis, LowDissipationAnalysis)):
        return analysis.run(cycle)
    return analysis(cycle)


def run_points(cycle: Cycle, analysis: Any, points: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Run the analysis at each point: ``(values, units)``, or ``(None, message)`` where a
    ThermocyclesError was raised (any other exception propagates). The task a sweep ships.

    An analysis whose ``backend`` this process has not registered (a user's backend, in a worker
    that does not know it) raises at once, for the whole sweep (see ``check_backend_here``)."""
    backend = getattr(analysis, "backend", None)
    check_backend_here(backend, f"{type(analysis).__name__}.backend")
    out: list[Any] = []
    for point in points:
        try:
            at = cycle.with_parameters(**point)
            out.append(flatten(run_one(analysis, at), analysis, at))
        except ThermocyclesError as exc:
            out.append((None, f"{type(exc).__name__}: {exc}"))
    return out


def describe(analysis: Any, cycle: Cycle, name: str, units: str | None, kind_of_value: str) -> dict[str, str]:
    """``units`` and ``long_name`` attributes of an analysis variable.

    ``units`` is the unit the worker reported (quantities), else derived from the analysis (the
    objective's kind, a variable's kind, the Onsager coefficients' kinds) in the cycle's unit
    system; strings and booleans get none.
    """
    attrs_: dict[str, str] = {"long_name": name}
    kind: Kind | None = None
    if isinstance(analysis, Optimizer):
        objective = analysis.objective
        obj_name = objective if isinstance(objective, str) else objective.name
        if name == "fun":
            attrs_["long_name"] = f"{obj_name} at the optimum"
            kind = objective.kind if not isinstance(objective, str) else _objectives.get(objective).kind
        elif name.startswith("x_") and name[2:] in cycle.parameter_specs:
            attrs_["long_name"] = f"optimal {name[2:]}"
            kind = cycle.parameter_specs[name[2:]].kind
        else:
            attrs_["long_name"] = {"success": "the optimiser reports success", "status": "status code (0: success)",
                                   "message": "the optimiser's message", "nfev": "parameter points evaluated",
                                   "nit": "iterations", "at_bounds": "variables on a bound"}.get(name, name)
            kind = DIMENSIONLESS
    elif isinstance(analysis, IrreversibleAnalysis):
        base = name[:-6] if name.endswith("_error") else name
        text = _ONSAGER_TEXT.get(base, name)
        attrs_["long_name"] = f"error estimate of {text}" if name.endswith("_error") else text
        kind = _L_KINDS.get(base) or _AT_CYCLE_KINDS.get(base) or DIMENSIONLESS
    if kind_of_value in ("bool", "str"):
        return attrs_
    if units is not None:
        attrs_["units"] = units
    elif kind is not None:
        attrs_["units"] = si_unit(kind) if cycle.has_units else natural_unit(kind)
    elif isinstance(analysis, LowDissipationAnalysis):
        attrs_["units"] = "natural units (hbar = k_B = 1) where dimensional, as LowDissipationResult gives"
    else:
        attrs_["units"] = f"as returned by {analysis_name(analysis)} (a plain number)"
    return attrs_


Runner = Callable[[Cycle, Any, Sequence[Mapping[str, Any]]], list[Any]]

__all__ = ["check_analysis", "describe", "flatten", "run_one", "run_points"]
