"""Results as plain JSON-ready dicts (thermocycles.io.to_dict / to_json): every value equals the
object's value, quantities as value + unit, arrays as lists, NaN as null."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

import thermocycles as tc
from thermocycles.errors import ParameterError
from thermocycles.io import to_dict, to_json
from thermocycles.io.results import FIGURES

Q_ = tc.Q_
OTTO = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1,
            tau_hc=0.1)
SI = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"), w_a=Q_(1, "GHz"),
          w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))


def round_trip(obj: Any) -> dict[str, Any]:
    """to_json is strict JSON and reads back to to_dict."""
    text = to_json(obj)
    assert "NaN" not in text and "Infinity" not in text
    data = json.loads(text)
    assert data == to_dict(obj)
    return data


def matches(exported: Any, value: Any) -> bool:
    """An exported value equals the object's value (quantities: magnitude in the same unit; NaN as None)."""
    if hasattr(value, "units"):
        return exported["unit"] == str(value.units) and matches(exported["value"], value.magnitude)
    if isinstance(value, np.ndarray) and value.dtype.kind == "c":
        return matches(exported["real"], value.real) and matches(exported["imag"], value.imag)
    if isinstance(value, np.ndarray) and value.dtype.kind == "U":
        return exported == value.tolist()
    if isinstance(value, np.ndarray) and value.dtype == object:
        return all(matches(e, v) for e, v in zip(exported, value))
    if isinstance(value, dict):
        return set(exported) == {str(k) for k in value} and all(matches(exported[str(k)], v) for k, v in value.items())
    if isinstance(value, (tuple, list)):
        return len(exported) == len(value) and all(matches(e, v) for e, v in zip(exported, value))
    if isinstance(value, (str, bool, np.bool_)) or value is None:
        return exported == (str(value) if isinstance(value, str) else value)
    array = np.asarray(value, dtype=float)
    got = np.asarray(np.where(np.equal(exported, None), np.nan, exported) if np.ndim(exported) else
                     (math.nan if exported is None else exported), dtype=float)
    return got.shape == array.shape and bool(np.array_equal(got, array, equal_nan=True))


@pytest.mark.parametrize("params", [OTTO, SI, dict(OTTO, w_b=np.array([1.5, 3.0, 4.0]))],
                         ids=["plain", "units", "arrays"])
def test_performance_to_dict(params):
    perf = tc.quantum_otto_cycle(**params).performance()
    data = round_trip(perf)
    assert data["result"] == "performance"
    for figure in FIGURES:
        assert matches(data[figure], getattr(perf, figure)), figure
    assert matches(data["heat"], perf.heat) and matches(data["temperatures"], perf.temperatures)
    assert (data["method"], data["backend"], data["has_units"]) == (perf.method, perf.backend, perf.has_units)
    assert len(data["strokes"]) == 4
    for exported, record in zip(data["strokes"], perf.strokes):
        assert exported["result"] == "stroke_record" and exported["name"] == record.name
        for field in ("duration", "work", "populations_start", "populations_end", "control_start", "control_end",
                      "state_start", "state_end", "coherence_start", "energy_end", "heat"):
            assert matches(exported[field], getattr(record, field)), field
    assert to_dict(perf.strokes[1]) == data["strokes"][1]


def test_nan_figures_are_null_and_modes_are_names():
    engine = tc.quantum_otto_cycle(**dict(OTTO, w_b=1.5)).performance()
    data = round_trip(engine)
    assert data["mode"] == "engine" and data["cop"] is None and data["chi"] is None
    assert data["efficiency"] == float(engine.efficiency)
    mixed = tc.quantum_otto_cycle(**dict(OTTO, w_b=np.array([1.5, 3.0]))).performance()
    data = round_trip(mixed)
    assert data["mode"] == ["engine", "refrigerator"]
    assert data["cop"][0] is None and data["cop"][1] == float(mixed.cop[1])
    assert data["efficiency"][1] is None


def test_units_are_value_and_unit():
    data = round_trip(tc.quantum_otto_refrigerator(**SI).performance())
    assert data["cycle_time"] == {"value": pytest.approx(1.2e-6, rel=1e-12), "unit": "second"}
    assert data["cooling_rate"]["unit"] == "watt" and data["entropy_production"]["unit"] == "joule / kelvin"
    assert data["strokes"][0]["control_start"]["unit"] == "joule"


def test_three_reservoirs_export_what_applies():
    res = [tc.Reservoir(name=n, temperature=t, coupling=1.0) for n, t in (("a", 1.0), ("b", 2.0), ("c", 3.0))]
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name=r.name, reservoir=r, control=1.0, duration=0.5) for r in res])
    perf = cycle.performance()
    data = round_trip(perf)
    assert "q_c" not in data and "cop" not in data
    assert matches(data["work"], perf.work) and matches(data["heat"], perf.heat)


def test_optimization_result_to_dict():
    fridge = tc.quantum_otto_refrigerator(**SI)
    res = tc.Optimizer(objective="cooling_rate", variables={"tau_c": (Q_(10, "ns"), Q_(10, "us"))}).run(fridge)
    data = round_trip(res)
    assert data["result"] == "optimization"
    for name in ("x", "fun", "success", "status", "message", "nfev", "nit", "method", "objective", "sense",
                 "at_bounds", "x_natural"):
        assert matches(data[name], getattr(res, name)), name
    assert data["x"]["tau_c"]["unit"] == str(res.x["tau_c"].units) and isinstance(data["success"], bool)


@pytest.mark.parametrize("params", [OTTO, SI], ids=["plain", "units"])
def test_onsager_result_to_dict(params):
    res = tc.IrreversibleAnalysis().run(tc.quantum_otto_refrigerator(**params))
    data = round_trip(res)
    assert data["result"] == "onsager"
    for name in ("L", "L_natural", "error_estimate", "coupling", "reciprocity", "reciprocal", "tight_coupling",
                 "second_law", "forces", "fluxes", "at_cycle", "reference", "tolerance"):
        assert matches(data[name], getattr(res, name)), name
    assert np.array(data["L_natural"]).shape == (2, 2)
    if params is SI:
        assert data["L"][0][0]["unit"] == str(res.L[0, 0].units)


def test_low_dissipation_result_to_dict():
    cycle = tc.carnot_engine(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0, tau_h=10.0, tau_c=10.0,
                             schedule="cosine")
    res = tc.LowDissipationAnalysis(compare=False, gamma_tau=(16.0, 32.0, 64.0), degree=2).run(cycle)
    data = round_trip(res)
    assert data["result"] == "low_dissipation" and data["optimum"] is None and data["within_bounds"] is None
    for name in ("mode", "hot", "cold", "durations", "T_h", "T_c", "delta_S", "coefficients", "coefficients_error",
                 "sigma_h", "sigma_c", "sigma_error", "gamma_tau", "literature", "alpha", "bounds", "carnot",
                 "curzon_ahlborn", "prediction", "prediction_tau", "has_units"):
        assert matches(data[name], getattr(res, name)), name


def test_cycle_to_dict_is_the_file_and_other_objects_are_refused():
    fridge = tc.quantum_otto_refrigerator(**SI)
    data = round_trip(fridge)
    assert data["format"] == "thermocycles.cycle" and data["parameters"]["w_b"] == {"value": 3, "unit": "gigahertz"}
    with pytest.raises(ParameterError, match="to_dict: expected a Performance, StrokeRecord, OptimizationResult, "
                                             "OnsagerResult, LowDissipationResult or Cycle; got a dict"):
        to_dict({})
