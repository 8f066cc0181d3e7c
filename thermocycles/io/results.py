"""Results as plain, JSON-ready dicts: :func:`to_dict` and :func:`to_json`.

Performance records, stroke records, optimisation, Onsager and low-dissipation results, and cycles
(as the dict of their file) become dicts of str, int, float, bool, None, lists and dicts:

* a quantity is ``{"value": v, "unit": "joule"}`` (``v`` a number or a nested list);
* an array is a (nested) list; a complex array ``{"real": [...], "imag": [...]}``;
* NaN is ``None`` (``null`` in JSON, which has no NaN), and so are infinities;
* numpy scalars are Python numbers, modes their names.
"""

from __future__ import annotations

import json
import math
import numbers
from typing import Any

import attrs
import numpy as np

from ..analysis.irreversible import OnsagerResult
from ..analysis.low_dissipation import LowDissipationResult
from ..analysis.optimize import OptimizationResult
from ..core.modes import Mode
from ..core.performance import Performance, StrokeRecord
from ..errors import AnalysisError, ParameterError
from ..spec.cycle import Cycle
from ..units import is_quantity
from .encode import cycle_to_dict

#: Performance figures exported by :func:`to_dict` (those of ``Performance.as_dict``)
FIGURES = ("q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency", "power",
           "entropy_production", "entropy_production_rate", "mode")


def plain(value: Any) -> Any:
    """Any value of a result as JSON-ready data (see the module docstring)."""
    if isinstance(value, Mode):
        return value.value
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if is_quantity(value):
        return {"value": plain(value.magnitude), "unit": str(value.units)}
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, numbers.Complex):
        return {"real": plain(value.real), "imag": plain(value.imag)}
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "c":
            return {"real": plain(value.real), "imag": plain(value.imag)}
        if value.dtype.kind == "f":
            if np.isfinite(value).all():
                return value.tolist()
            return [plain(v) for v in value] if value.ndim else plain(float(value))
        if value.dtype.kind in "iubU":
            return value.tolist()
        return [plain(v) for v in value]  # object arrays (quantities, modes): element by element
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (Performance, StrokeRecord, OptimizationResult, OnsagerResult, LowDissipationResult, Cycle)):
        return to_dict(value)
    raise ParameterError(f"to_dict: cannot export a {type(value).__name__} ({value!r:.80}) as plain data")


def _performance(perf: Performance) -> dict[str, Any]:
    out: dict[str, Any] = {"result": "performance"}
    for figure in FIGURES:
        try:
            out[figure] = plain(getattr(perf, figure))
        except AnalysisError:  # q_c, q_h and the ratios need two reservoirs
            continue
    out["heat"] = plain(perf.heat)
    out["temperatures"] = plain(perf.temperatures)
    out["method"] = perf.method
    out["backend"] = perf.backend
    out["has_units"] = perf.has_units
    out["strokes"] = [_stroke(record) for record in perf.strokes]
    return out


def _stroke(record: StrokeRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"result": "stroke_record"}
    out.update({field.name: plain(getattr(record, field.name)) for field in attrs.fields(StrokeRecord)})
    return out


def _attrs_result(result: Any, kind: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"result": kind}
    for field in attrs.fields(type(result)):
        if field.name.startswith("_") or field.name in skip:
            continue
        out[field.name] = plain(getattr(result, field.name))
    return out


def to_dict(obj: Any) -> dict[str, Any]:
    """A result (or a cycle) as a plain, JSON-ready dict.

    Parameters
    ----------
    obj : Performance, StrokeRecord, OptimizationResult, OnsagerResult, LowDissipationResult or Cycle
        A cycle gives the dict of its file (``thermocycles.io.encode.cycle_to_dict``).

    Returns
    -------
    dict
        With a ``"result"`` key (``"performance"``, ``"stroke_record"``, ``"optimization"``,
        ``"onsager"``, ``"low_dissipation"``; a cycle has ``"format"`` instead).

    Examples
    --------
    >>> import thermocycles as tc
    >>> from thermocycles.io import to_dict
    >>> perf = tc.quantum_otto_refrigerator(T_c=tc.Q_(50, "mK"), T_h=tc.Q_(100, "mK"), gamma_c=tc.Q_(1, "MHz"),
    ...     gamma_h=tc.Q_(1, "MHz"), w_a=tc.Q_(1, "GHz"), w_b=tc.Q_(3, "GHz"), tau_c=tc.Q_(0.5, "us"),
    ...     tau_h=tc.Q_(0.5, "us"), tau_ch=tc.Q_(0.1, "us"), tau_hc=tc.Q_(0.1, "us")).performance()
    >>> d = to_dict(perf)
    >>> d["mode"], d["cycle_time"], d["efficiency"]
    ('refrigerator', {'value': 1.2e-06, 'unit': 'second'}, None)
    """
    if isinstance(obj, Cycle):
        return cycle_to_dict(obj)
    if isinstance(obj, Performance):
        return _performance(obj)
    if isinstance(obj, StrokeRecord):
        return _stroke(obj)
    if isinstance(obj, OptimizationResult):
        return _attrs_result(obj, "optimization")
    if isinstance(obj, OnsagerResult):
        return _attrs_result(obj, "onsager")
    if isinstance(obj, LowDissipationResult):
        out = _attrs_result(obj, "low_dissipation")
        out["within_bounds"] = obj.within_bounds
        return out
    raise ParameterError(f"to_dict: expected a Performance, StrokeRecord, OptimizationResult, OnsagerResult, "
                         f"LowDissipationResult or Cycle; got a {type(obj).__name__}")


def to_json(obj: Any, indent: int | None = 2) -> str:
    """:func:`to_dict` as JSON text (strict JSON: NaN and infinities are ``null``).

    Examples
    --------
    >>> import json, thermocycles as tc
    >>> from thermocycles.io import to_json
    >>> perf = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
    ...     tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1).performance()
    >>> json.loads(to_json(perf))["cop"] == float(perf.cop)
    True
    """
    return json.dumps(to_dict(obj), indent=indent, allow_nan=False)


__all__ = ["FIGURES", "plain", "to_dict", "to_json"]
