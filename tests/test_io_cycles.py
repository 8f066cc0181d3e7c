"""Cycles saved as TOML/JSON text and loaded back (thermocycles.io): identical cycles and results for
every built-in component and factory, user types and functions by registration (decorator and entry
points), errors that name the place in the file, and the TOML writer against tomllib."""

from __future__ import annotations

import concurrent.futures
import inspect
import json
import math
import pickle
import sys
import time
from typing import Any

import attrs
import numpy as np
import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

import thermocycles as tc
import thermocycles.factories as factories
from thermocycles.errors import FileFormatError, ParameterError
from thermocycles.io import dumps, load, loads, register_function, register_type, registry, save, toml_writer
from thermocycles.io.encode import cycle_to_dict
from thermocycles.io.unit_strings import check_unit_text, parse_unit
from thermocycles.spec.laws import BathLaw
from thermocycles.spec.reservoirs import Reservoir
from thermocycles.spec.strokes import Isochore, Isotherm, QuantumAdiabat, Thermalization, UnitaryStroke, schedules
from thermocycles.spec.strokes.base import Stroke, is_reservoir
from thermocycles.spec.substances import (
    HarmonicOscillator,
    MatrixSubstance,
    NLevel,
    Qubit,
    Spin,
    Substance,
    TwoLevelSubstance,
)
from thermocycles.spec.values import Parameter, value_field
from thermocycles.units import TIME_UNIT_S

Q_ = tc.Q_
FIGURES = ("q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency", "power",
           "entropy_production", "entropy_production_rate")
SX = np.array([[0.0, 1.0], [1.0, 0.0]])
SY = np.array([[0.0, -1j], [1j, 0.0]])
SZ = np.diag([1.0, -1.0])


# -- helpers ----------------------------------------------------------------------------------------
def same(a: Any, b: Any) -> bool:
    """Bit-for-bit equality of two figures (quantities: same units and magnitudes; NaN equals NaN)."""
    if hasattr(a, "units") or hasattr(b, "units"):
        return a.units == b.units and same(a.magnitude, b.magnitude)
    return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))


def assert_round_trip(cycle: tc.Cycle, fmt: str = "toml") -> tc.Cycle:
    """load(dumps(c)) is c: attrs-equal, same parameter names and values, bit-identical results, and the
    text parses to the encoded dict and is reproduced by a second save."""
    text = dumps(cycle, fmt)
    parsed = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    assert parsed == cycle_to_dict(cycle)
    back = loads(text, fmt)
    assert back == cycle
    assert back.parameter_names == cycle.parameter_names
    for name, spec in cycle.parameter_specs.items():
        assert same(back.parameter_specs[name].natural, spec.natural), name
    assert dumps(back, fmt) == text
    one, two = cycle.performance(), back.performance()
    assert (one.method, one.backend, str(one.mode)) == (two.method, two.backend, str(two.mode))
    for figure in FIGURES:
        assert same(getattr(one, figure), getattr(two, figure)), figure
    for name in one.heat:
        assert same(one.heat[name], two.heat[name])
    for r1, r2 in zip(one.strokes, two.strokes):
        assert same(r1.populations_end, r2.populations_end) and same(r1.state_end, r2.state_end)
    return back


def levels_of(w):
    """Anharmonic levels 0, w, 2.2 w (a registered level function)."""
    w = np.asarray(w, dtype=float)
    return np.stack([0.0 * w, w, 2.2 * w], axis=-1)


register_function(levels_of, name="tests.levels_of")


def sine_schedule(x):
    """s(x) = sin(pi x / 2)^2 (a registered schedule)."""
    return np.sin(0.5 * np.pi * np.asarray(x, dtype=float)) ** 2


register_function(sine_schedule, name="tests.sine_schedule")


@register_function(name="tests.double_tanh")
def double_tanh(omega, beta, gamma):
    """Twice the tanh law (a registered bath-law function)."""
    return 4.0 * gamma / (1.0 + np.exp(-beta * np.asarray(omega, dtype=float)))


def otto(substance: Any = None, law: Any = "tanh", adiabat: str = "ideal", **changes: Any) -> tc.Cycle:
    params = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.7, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.4, tau_ch=0.1,
                  tau_hc=0.2)
    params.update(changes)
    return tc.otto_cycle(substance, law=law, adiabat=adiabat, **params)


# -- every built-in component -----------------------------------------------------------------------
SUBSTANCES = {
    "two_level": TwoLevelSubstance(),
    "qubit": Qubit(transverse=0.3),
    "qubit_default": Qubit(),
    "matrix_real": MatrixSubstance(h0=0.3 * SX, h1=0.5 * SZ, coupling=SX),
    "matrix_complex": MatrixSubstance(h0=0.2 * SY + 0.1 * SX, h1=SZ, coupling=[[0, 1], [1, 0]]),
    "matrix_commuting": MatrixSubstance(h0=np.diag([0.0, 0.1, 0.3]), h1=np.diag([1.0, 2.0, 3.5])),
    "nlevel_factors": NLevel(factors=[0.0, 1.0, 3.0]),
    "nlevel_function": NLevel(energies=levels_of, n_levels=3, coupling=[[0, 1, 0.5], [1, 0, 1], [0.5, 1, 0]]),
    "nlevel_complex_coupling": NLevel(factors=[0.0, 1.0], coupling=0.5 * SY + SX),
    "oscillator_truncated": HarmonicOscillator(levels=4),
    "spin_1": Spin(j=1),
    "spin_3_2": Spin(j=1.5),
}


@pytest.mark.parametrize("name", SUBSTANCES)
def test_every_substance_round_trips(name):
    assert_round_trip(otto(SUBSTANCES[name]))


def test_untruncated_oscillator_round_trips():
    cycle = otto(HarmonicOscillator(), law="bosonic", w_b=2.5)
    back = assert_round_trip(cycle)
    assert back.substance.levels is None and back.performance().backend == "mean_occupation"


@pytest.mark.parametrize("law", ["tanh", "bosonic", "fermionic"])
@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_builtin_laws_round_trip_to_the_same_objects(law, fmt):
    back = assert_round_trip(otto(law=law), fmt)
    assert back.reservoirs[0].law is tc.laws.LAWS[law]


def test_user_bath_law_round_trips_by_name():
    law = BathLaw(double_tanh, name="double", detailed_balance=True)
    cycle = otto(law=law)
    text = dumps(cycle)
    assert 'law = {type = "BathLaw", function = "tests.double_tanh", name = "double", detailed_balance = true}' in text
    back = assert_round_trip(cycle)
    assert back.reservoirs[0].law.function is double_tanh


@pytest.mark.parametrize("schedule", ["linear", "cosine", sine_schedule, schedules.cosine])
def test_strokes_with_schedules_round_trip(schedule):
    qubit = Qubit(transverse=0.4)
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=0.8, law="fermionic")
    cycle = tc.Cycle(substance=qubit, strokes=[
        Isotherm(name="h", reservoir=hot, start=3.0, end=2.0, duration=1.5, schedule=schedule),
        UnitaryStroke(name="hc", start=2.0, end=1.0, duration=0.3, schedule=schedule),
        Isochore(name="c", reservoir=cold, control=1.0, duration=0.7),
        Thermalization(name="t", reservoir=cold, control=1.0, duration=0.0),
        QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.2)])
    back = assert_round_trip(cycle)
    assert back.strokes[0].schedule is schedule or back.strokes[0].schedule == schedule


# -- every factory ----------------------------------------------------------------------------------
OTTO = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.7, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.4, tau_ch=0.1, tau_hc=0.2)
CARNOT = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.8, tau_h=3.0, tau_c=4.0)
STIRLING = dict(T_c=1.0, T_h=3.0, gamma_c=1.0, gamma_h=0.8, tau_h=4.0, tau_c=3.0, tau_hc=2.0, tau_ch=1.5)
#: parameter sets tried in turn for each factory (the engine and refrigerator factories refuse the
#: sets that do not run in their mode); a new factory whose parameters are named like these is covered
CANDIDATES = [
    OTTO, dict(OTTO, T_h=4.0, w_b=2.0),
    dict(CARNOT, w_1=4.0, w_2=2.0), dict(CARNOT, w_1=2.0, w_2=4.0),
    dict(STIRLING, w_1=4.0, w_2=2.0),
    dict(STIRLING, tau_h=40.0, tau_c=40.0, tau_hc=20.0, tau_ch=20.0, w_1=6.0, w_2=1.0),
    dict(STIRLING, T_h=1.5, w_1=1.0, w_2=4.0),
]
FACTORIES = sorted(factories.__all__)


def si(name: str, value: Any) -> Any:
    """A natural-unit parameter as a quantity with SI-style units (same physics)."""
    if name.startswith("T_"):
        return Q_(value * 1000.0, "mK")
    if name.startswith("gamma"):
        return Q_(value / TIME_UNIT_S / 1e6, "MHz")
    if name.startswith("tau"):
        return Q_(value * TIME_UNIT_S * 1e12, "ps")
    return Q_(value * 86.17333262, "ueV")


def build(factory_name: str, substance: Any = None, units: bool = False, arrays: bool = False) -> tc.Cycle | None:
    """The factory's cycle with the first candidate parameter set it accepts (None if none)."""
    factory = getattr(factories, factory_name)
    signature = inspect.signature(factory)
    required = {n for n, p in signature.parameters.items() if p.default is inspect.Parameter.empty}
    for candidate in CANDIDATES:
        if not required <= set(candidate) | {"substance"}:
            continue
        kwargs = {k: v for k, v in candidate.items() if k in signature.parameters}
        if arrays:
            first = next(k for k in kwargs if k.startswith("tau"))
            kwargs[first] = kwargs[first] * np.array([1.0, 1.5, 2.0])
        if units:
            kwargs = {k: si(k, v) for k, v in kwargs.items()}
        if substance is not None:
            if "substance" not in signature.parameters:
                return None
            kwargs["substance"] = substance
        try:
            return factory(**kwargs)
        except ParameterError:
            continue
    return None


@pytest.mark.parametrize("factory", FACTORIES)
@pytest.mark.parametrize("variant", ["plain", "units", "arrays", "arrays_units"])
def test_every_factory_round_trips(factory, variant):
    cycle = build(factory, units="units" in variant, arrays="arrays" in variant)
    assert cycle is not None, f"no candidate parameter set builds {factory}: add one to CANDIDATES"
    assert_round_trip(cycle, "toml")
    assert_round_trip(cycle, "json")


WITH_SUBSTANCE = [f for f in FACTORIES if "substance" in inspect.signature(getattr(factories, f)).parameters]


@pytest.mark.parametrize("factory", WITH_SUBSTANCE)
@pytest.mark.parametrize("substance", ["spin_1", "nlevel_function", "oscillator_truncated", "qubit"])
def test_every_factory_with_other_substances_round_trips(factory, substance):
    cycle = build(factory, SUBSTANCES[substance])
    if cycle is None:  # this substance does not run in the factory's mode with any candidate set
        pytest.skip(f"{factory} refuses {substance} with every candidate parameter set")
    assert_round_trip(cycle)


def test_factories_with_other_substances_are_mostly_covered():
    built = [build(f, SUBSTANCES[s]) is not None for f in FACTORIES if f.split("_")[0] != "quantum"
             for s in ("spin_1", "nlevel_function")]
    assert sum(built) >= 0.75 * len(built)


README_SI = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"), w_a=Q_(1, "GHz"),
                 w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"),
                 tau_hc=Q_(0.1, "us"))


def test_readme_si_fridge_file_is_readable_and_exact(tmp_path):
    fridge = tc.quantum_otto_refrigerator(**README_SI)
    path = save(fridge, tmp_path / "fridge.toml")
    text = path.read_text()
    assert 'temperature = {value = 50, unit = "millikelvin"}' in text
    assert 'control = {parameter = "w_a"}' in text and 'w_a = {value = 1, unit = "gigahertz"}' in text
    assert text.count("[[reservoirs]]") == 2 and text.count("[[strokes]]") == 4
    back = load(path)
    assert back == fridge and back.performance().chi == fridge.performance().chi
    assert load(save(fridge, tmp_path / "fridge.json")) == fridge
    assert_round_trip(fridge)


def test_quantity_arrays_and_parameter_arrays_round_trip():
    w_b = Parameter("w_b", Q_(np.array([[2.5, 3.0], [4.0, 5.0]]), "GHz"))
    cycle = tc.quantum_otto_refrigerator(**dict(README_SI, w_b=w_b.value, tau_c=Q_(np.array([0.3, 0.6]), "us")))
    text = dumps(cycle)
    assert 'w_b = {value = [[2.5, 3.0], [4.0, 5.0]], unit = "gigahertz"}' in text
    assert_round_trip(cycle)
    plain = tc.quantum_otto_refrigerator(**dict(OTTO, w_b=np.array([2.5, 3.0, 4.0])))
    assert "w_b = [2.5, 3.0, 4.0]" in dumps(plain)
    assert_round_trip(plain)


def test_matrix_with_units_and_exact_floats_round_trip():
    h0 = Q_(np.array([[0.0, 0.1 + 0.2j], [0.1 - 0.2j, 1 / 3]]), "ueV")
    cycle = tc.otto_cycle(MatrixSubstance(h0=h0, h1=SZ, coupling=SX), **{k: si(k, v) for k, v in OTTO.items()})
    text = dumps(cycle)
    assert 'h0 = {value = {real = [[0.0, 0.1], [0.1, 0.3333333333333333]], imag = [[0.0, 0.2], [-0.2, 0.0]]}' in text
    assert_round_trip(cycle)


def test_shared_parameters_in_reservoirs_and_substance():
    temperature = Parameter("T", 1.5)
    cold = Reservoir(name="c", temperature=temperature, coupling=1.0)
    other = Reservoir(name="d", temperature=temperature, coupling=2.0, law="bosonic")
    delta = Parameter("Delta", 0.25)
    cycle = tc.Cycle(substance=Qubit(transverse=delta), strokes=[
        Isochore(name="c", reservoir=cold, control=1.0, duration=0.5),
        QuantumAdiabat(name="ch", start=1.0, end=2.0, duration=0.1),
        Isochore(name="d", reservoir=other, control=2.0, duration=0.5),
        QuantumAdiabat(name="dc", start=2.0, end=1.0, duration=0.1)])
    data = cycle_to_dict(cycle)
    assert data["parameters"] == {"Delta": 0.25, "T": 1.5}
    assert data["reservoirs"][1]["temperature"] == {"parameter": "T"}
    assert_round_trip(cycle)


def test_two_parameters_of_one_name_with_different_values_are_refused_at_save():
    cold = Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = Reservoir(name="h", temperature=2.0, coupling=1.0)
    a, b = Parameter("w_a", 1.0), Parameter("w_a", 1.0 + 1e-12)  # within the cycle's 1e-9 tolerance
    cycle = tc.Cycle(substance=TwoLevelSubstance(), strokes=[
        Isochore(name="c", reservoir=cold, control=a, duration=0.5),
        QuantumAdiabat(name="ch", start=b, end=3.0, duration=0.1),
        Isochore(name="h", reservoir=hot, control=3.0, duration=0.5),
        QuantumAdiabat(name="hc", start=3.0, end=a, duration=0.1)])
    with pytest.raises(FileFormatError, match=r"strokes\[1\]\.start: Parameter 'w_a' holds 1.000000000001 here but "
                                              r"1.0 at strokes\[0\]\.control"):
        dumps(cycle)


# -- user types and functions -----------------------------------------------------------------------
@register_type
@attrs.frozen(kw_only=True)
class LeakyIsochore(Stroke):
    """An isochore with an extra heat leak stroke-wide (a user stroke with plain and value fields)."""

    control_fields = ("control", "control")

    reservoir: Reservoir = attrs.field(validator=is_reservoir)
    control: Any = value_field(None, control=True)
    label: str = "leaky"
    repeats: int = 1
    enabled: bool = True
    note: str | None = None

    def reservoirs(self) -> tuple[Reservoir, ...]:
        return (self.reservoir,)

    def evolution(self, ctx: Any) -> Any:
        return ctx.relax(ctx["control"], ctx["duration"] * self.repeats, [self.reservoir])


@register_type(name="tests.FastReservoir")
@attrs.frozen(kw_only=True)
class FastReservoir(Reservoir):
    """A reservoir with an extra dimensionless boost (a user reservoir)."""

    boost: Any = value_field(tc.extend.DIMENSIONLESS, "boost", default=1.0)


@register_type(name="tests.Ladder")
@attrs.frozen(kw_only=True)
class Ladder(Substance):
    """Three levels 0, w, 2 w + shift (a user substance with a value field)."""

    n_levels = 3
    shift: Any = value_field(tc.extend.ENERGY, "shift", default=0.0)

    def energies(self, control: Any, values: Any) -> Any:
        w = np.asarray(control, dtype=float)
        return np.stack([0.0 * w, w, 2.0 * w + values["shift"]], axis=-1)


def user_cycle(units: bool = False) -> tc.Cycle:
    q = (lambda v, u: Q_(v, u)) if units else (lambda v, u: v)
    cold = FastReservoir(name="c", temperature=q(1.0, "K"), coupling=q(1e11, "1/s") if units else 1.0, boost=2.0)
    hot = Reservoir(name="h", temperature=q(2.0, "K"), coupling=q(1e11, "1/s") if units else 1.0,
                    law=BathLaw(double_tanh, name="double"))
    w_a, w_b = Parameter("w_a", q(1.0, "K")), Parameter("w_b", q(3.0, "K"))
    return tc.Cycle(substance=Ladder(shift=q(0.2, "K")), strokes=[
        LeakyIsochore(name="c", reservoir=cold, control=w_a, duration=q(0.5, "ps") if units else 0.5, repeats=2,
                      label="the cold one"),
        QuantumAdiabat(name="ch", start=w_a, end=w_b, duration=q(0.1, "ps") if units else 0.1),
        Isochore(name="h", reservoir=hot, control=w_b, duration=q(0.5, "ps") if units else 0.5),
        QuantumAdiabat(name="hc", start=w_b, end=w_a, duration=q(0.1, "ps") if units else 0.1)])


@pytest.mark.parametrize("units", [False, True])
def test_user_types_round_trip_by_decorator(units):
    cycle = user_cycle(units)
    text = dumps(cycle)
    assert 'type = "LeakyIsochore"' in text and 'type = "tests.FastReservoir"' in text
    assert 'type = "tests.Ladder"' in text and 'label = "the cold one"' in text and "repeats = 2" in text
    assert "note" not in text  # None is left out (its default)
    back = assert_round_trip(cycle)
    assert type(back.strokes[0]) is LeakyIsochore and type(back.reservoirs[0]) is FastReservoir


def test_register_type_and_function_refuse_clashes_and_bad_objects():
    assert register_type(LeakyIsochore) is LeakyIsochore  # the same object again: harmless
    with pytest.raises(ParameterError, match="the name 'LeakyIsochore' is already registered for .*LeakyIsochore; "
                                             "give Isochore another one with register_type"):
        register_type(Isochore, name="LeakyIsochore")
    with pytest.raises(ParameterError, match="must be an attrs class deriving from Substance, Stroke or Reservoir"):
        register_type(dict)
    with pytest.raises(ParameterError, match="has no usable name; pass one"):
        register_function(lambda x: x)
    with pytest.raises(ParameterError, match="'tests.levels_of' is already registered for another function"):
        register_function(np.sin, name="tests.levels_of")
    assert register_type(name="tests.via_register_type")(np.cos) is np.cos  # functions go to register_function
    assert registry.lookup_function("tests.via_register_type") is np.cos


class FakeEntryPoint:
    def __init__(self, name: str, obj: Any):
        self.name, self.obj, self.loads = name, obj, 0

    def load(self) -> Any:
        self.loads += 1
        return self.obj


def test_entry_points_register_types_and_functions_lazily(monkeypatch):
    @attrs.frozen(kw_only=True)
    class PluginAdiabat(QuantumAdiabat):
        """A plugin's stroke."""

    def plugin_levels(w):
        return levels_of(w) * 1.0

    stroke_ep = FakeEntryPoint("plugin.Adiabat", PluginAdiabat)
    levels_ep = FakeEntryPoint("plugin.levels", plugin_levels)
    monkeypatch.setattr(registry, "_entry_points", lambda: [stroke_ep, levels_ep])
    text = dumps(otto(SUBSTANCES["nlevel_factors"]))
    assert stroke_ep.loads == 0 and levels_ep.loads == 0  # nothing loaded while not needed
    loads(text)
    assert stroke_ep.loads == 0
    text = text.replace('type = "QuantumAdiabat"', 'type = "plugin.Adiabat"', 1)
    text = text.replace('factors = [0.0, 1.0, 3.0]', 'energies = {function = "plugin.levels"}\nn_levels = 3')
    cycle = loads(text)
    assert type(cycle.strokes[1]) is PluginAdiabat and cycle.substance._function is plugin_levels
    assert (stroke_ep.loads, levels_ep.loads) == (1, 1)
    assert dumps(cycle) == text  # written back under the plugin's names
    loads(text)
    assert (stroke_ep.loads, levels_ep.loads) == (1, 1)  # loaded once


def test_unregistered_types_and_functions_are_refused_at_save_naming_the_field():
    with pytest.raises(FileFormatError, match=r"substance\.energies: the function test_unregistered_types_and_"
                                              r"functions_are_refused_at_save_naming_the_field\.<locals>\.<lambda> is "
                                              r"not registered; register it by name with thermocycles\.io\."
                                              r"register_function\(fn, name='my_package\.fn'\)"):
        dumps(otto(NLevel(energies=lambda w: np.stack([0 * w, w], axis=-1), n_levels=2)))
    with pytest.raises(FileFormatError, match=r"reservoirs\[0\]\.law\.function: the function .*<lambda> is not "
                                              r"registered"):
        dumps(otto(law=BathLaw(lambda o, b, g: 2 * g / (1 + np.exp(-b * o)), name="mine")))
    with pytest.raises(FileFormatError, match=r"strokes\[0\]\.schedule: the function .*<lambda> is not registered"):
        dumps(tc.carnot_cycle(**dict(CARNOT, w_1=4.0, w_2=2.0), schedule=lambda x: np.asarray(x) ** 2))

    @attrs.frozen(kw_only=True)
    class Secret(TwoLevelSubstance):
        """Not registered."""

    with pytest.raises(FileFormatError, match=r"substance: .*Secret is not a registered type, so a file cannot name "
                                              r"it; decorate its class with @thermocycles\.io\.register_type"):
        dumps(otto(Secret()))


# -- errors naming the place in the file ------------------------------------------------------------
def fridge_text() -> str:
    return dumps(tc.quantum_otto_refrigerator(**README_SI))


def edit(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def fails(text: str, fmt: str = "toml") -> str:
    start = time.perf_counter()
    with pytest.raises(FileFormatError) as info:
        loads(text, fmt, source="fridge.toml" if fmt == "toml" else "fridge.json")
    assert time.perf_counter() - start < 1.0
    return str(info.value)


@pytest.mark.parametrize("old, new, message", [
    ("coupling = {value = 1, unit = \"megahertz\"}\nlaw", "coupling = {value = 1, unit = \"megahertz\"\nlaw",
     "fridge.toml: not valid TOML: Unclosed inline table (at line 19, column 42)"),
    ("duration = {value = 0.1, unit = \"microsecond\"}\n", "",
     "fridge.toml: strokes[1].duration: missing (QuantumAdiabat needs name, duration, start, end)"),
    ("duration = {value = 0.1, unit = \"microsecond\"}", "duration = \"0.1 us\"",
     "fridge.toml: strokes[1].duration: expected a number (natural units), an array, {value = ..., unit = \"...\"} or "
     "{parameter = \"name\"}; got the str '0.1 us'"),
    ("type = \"Isochore\"", "type = \"Isocore\"",
     "fridge.toml: strokes[0].type: unknown type 'Isocore' (known stroke types: Isochore, Isotherm, LeakyIsochore, "),
    ("unit = \"millikelvin\"", "unit = \"blarg\"",
     "fridge.toml: reservoirs[0].temperature.unit: unknown unit 'blarg' (pint does not know 'blarg')"),
    ("unit = \"millikelvin\"", "unit = \"9**9**9\"",
     "fridge.toml: reservoirs[0].temperature.unit: '9**9**9' is not a unit this file format accepts (after '9**9' "
     "comes '**')"),
    ("unit = \"millikelvin\"", "unit = \"__import__('os')\"",
     "fridge.toml: reservoirs[0].temperature.unit: \"__import__('os')\" is not a unit this file format accepts"),
    ("unit = \"millikelvin\"", "unit = \"second\"",
     "fridge.toml: reservoirs[0].temperature: Reservoir.temperature must be a temperature (e.g. Q_(50, 'mK')) or an "
     "energy k_B*T, or a plain number in natural units; got 50 s"),
    ("w_a = {value = 1, unit = \"gigahertz\"}", "w_a = {value = 1, unit = \"s\"}",
     "fridge.toml: parameters.w_a (used by strokes[0].control): Isochore.control (parameter 'w_a') must be an energy"),
    ("schema_version = 1", "schema_version = 2",
     "fridge.toml: schema_version: the file has schema version 2, newer than this thermocycles reads (up to 1): it "
     "was written by a newer thermocycles; upgrade thermocycles"),
    ("control = {parameter = \"w_a\"}", "control = {parameter = \"w_c\"}",
     "fridge.toml: strokes[0].control.parameter: unknown parameter 'w_c'; the [parameters] table defines: w_a, w_b"),
    ("[substance]\n", "colour = \"blue\"\n[substance]\n",
     "fridge.toml: colour: unknown key; expected one of format, schema_version, written_by, substance, parameters, "
     "reservoirs, strokes"),
    ("law = \"tanh\"", "law = \"tanh\"\nlaws = \"tanh\"",
     "fridge.toml: reservoirs[0].laws: unknown field of Reservoir; its fields are name, temperature, coupling, law"),
    ("{value = 50, unit = \"millikelvin\"}", "{value = 50, unit = \"millikelvin\", units = \"K\"}",
     "fridge.toml: reservoirs[0].temperature.units: unknown key; expected one of value, unit"),
    ("duration = {value = 0.5, unit = \"microsecond\"}", "duration = {value = -0.5, unit = \"microsecond\"}",
     "fridge.toml: strokes[0].duration: Isochore.duration must be >= 0; got -0.5 µs"),
    ("format = \"thermocycles.cycle\"", "format = \"thermocycles.sweep\"",
     "fridge.toml: format: this is not a thermocycles cycle file: expected format = 'thermocycles.cycle'; got "
     "'thermocycles.sweep'"),
    ("reservoir = \"c\"", "reservoir = \"cold\"",
     "fridge.toml: strokes[0].reservoir: no reservoir named 'cold' in [[reservoirs]] (defined: 'c', 'h')"),
    ("end = {parameter = \"w_a\"}", "end = {value = 2, unit = \"gigahertz\"}",
     "fridge.toml: strokes: strokes do not join: Isochore 'c'.control = 1 GHz (parameter 'w_a') but QuantumAdiabat "
     "'hc'.end = 2 GHz"),
    ("name = \"ch\"", "name = 5",
     "fridge.toml: strokes[1].name: QuantumAdiabat.name must be a Python identifier"),
    ("w_b = {value = 3, unit = \"gigahertz\"}", "w_b = {value = 3, unit = \"gigahertz\"}\nw_z = 1.0",
     "fridge.toml: parameters.w_z: no field uses this parameter"),
    ("law = \"tanh\"", "law = \"tan\"", "fridge.toml: reservoirs[0].law: Reservoir.law must be one of 'tanh', "),
    ("type = \"TwoLevelSubstance\"", "type = \"Isochore\"", "fridge.toml: substance.type: 'Isochore' is a Isochore, "
     "not a Substance"),
])
def test_errors_name_the_place(old, new, message):
    text = edit(fridge_text(), old, new)
    error = fails(text)
    assert error.startswith(message), error


def test_json_errors_name_line_and_column_and_the_place():
    text = dumps(tc.quantum_otto_refrigerator(**README_SI), "json")
    assert fails(edit(text, '"schema_version": 1,', '"schema_version": 1'), "json").startswith(
        "fridge.json: not valid JSON: Expecting ',' delimiter (at line 4, column 3)")
    assert fails(edit(text, '"value": 50', '"value": NaN'), "json").startswith(
        "fridge.json: not valid JSON: NaN is not a number a cycle file may hold")
    assert fails(edit(text, '"value": 50', '"value": [50, true]'), "json").startswith(
        "fridge.json: reservoirs[0].temperature.value[1]: expected a number; got the bool True")
    assert fails(edit(text, '"value": 50', '"value": [[50], [1, 2]]'), "json").startswith(
        "fridge.json: reservoirs[0].temperature.value: the rows of an array must all have the same length")
    assert fails("[1, 2]", "json") == "fridge.json: a cycle file holds a table at the top; got an array [1, 2]"


def test_unknown_types_name_the_place_and_how_to_register_and_import_nothing():
    error = fails(edit(fridge_text(), 'type = "Isochore"', 'type = "antigravity.Fly"'))
    assert error.startswith("fridge.toml: strokes[0].type: unknown type 'antigravity.Fly'")
    assert ("a user type must be registered before loading: decorate its class with @thermocycles.io.register_type, "
            "or install a package that registers it under the entry-point group 'thermocycles.types'") in error
    assert "antigravity" not in sys.modules
    text = edit(fridge_text(), 'law = "tanh"', 'law = {type = "BathLaw", function = "os:system"}')
    assert fails(text).startswith("fridge.toml: reservoirs[0].law.function: unknown function 'os:system'; a user "
                                  "function must be registered before loading: thermocycles.io.register_function(fn, "
                                  "name='os:system')")


def test_errors_of_save_and_load_paths(tmp_path):
    fridge = tc.quantum_otto_refrigerator(**README_SI)
    with pytest.raises(FileFormatError, match=r"fridge\.yaml: cannot tell the format from the extension '\.yaml'"):
        save(fridge, tmp_path / "fridge.yaml")
    path = save(fridge, tmp_path / "fridge.txt", format="json")
    assert load(path, format="json") == fridge
    with pytest.raises(FileFormatError, match="format must be 'toml' or 'json'; got 'yaml'"):
        dumps(fridge, "yaml")
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.toml")
    (tmp_path / "binary.toml").write_bytes(b"format = \xff\xfe")
    with pytest.raises(FileFormatError, match=r"binary\.toml: not UTF-8 text \(byte 9\)"):
        load(tmp_path / "binary.toml")
    with pytest.raises(FileFormatError, match="save: expected a thermocycles.Cycle; got 3"):
        dumps(3)  # type: ignore[arg-type]


# -- unit grammar -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["GHz", "rad*GHz", "1 / second", "kilogram * meter ** 2 / second ** 2", "m^2",
                                  "J/(K*s)", "s**-1", "microelectron_volt", "degree_Celsius", ""])
def test_unit_grammar_accepts_what_pint_writes_and_people_type(text):
    assert check_unit_text(text) == text
    parse_unit(text)


@pytest.mark.parametrize("text", ["9**9**9", "2**999", "m**1.5", "1e3 m", "m+s", "((((((m))))))", "m * ", "eval('1')",
                                  "a" * 101, "m;s", "m**(2)"])
def test_unit_grammar_refuses_the_rest_quickly(text):
    start = time.perf_counter()
    with pytest.raises(ValueError):
        parse_unit(text)
    assert time.perf_counter() - start < 0.1


# -- the TOML writer --------------------------------------------------------------------------------
KEYS = st.text(min_size=0, max_size=8)
SCALARS = (st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                      max_leaves=10)
DOCUMENTS = st.dictionaries(KEYS, VALUES | st.lists(st.dictionaries(KEYS, VALUES, max_size=4), min_size=1, max_size=3),
                            max_size=6)


def exactly(a: Any, b: Any) -> bool:
    """Equality that tells -0.0 from 0.0 and int from float."""
    if isinstance(a, dict):  # (TOML puts a table's plain keys before its sub-tables: order may change)
        return isinstance(b, dict) and sorted(a) == sorted(b) and all(exactly(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(exactly(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return isinstance(b, float) and a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


@settings(max_examples=80, deadline=None)
@given(DOCUMENTS)
def test_toml_writer_round_trips_through_tomllib(document):
    text = toml_writer.dumps(document)
    assert exactly(document, tomllib.loads(text)), text


def test_toml_writer_refuses_what_toml_cannot_hold():
    for bad in (math.inf, math.nan):
        with pytest.raises(ValueError, match="finite numbers only"):
            toml_writer.dumps({"x": bad})
    with pytest.raises(ValueError, match="64 bits"):
        toml_writer.dumps({"x": 2**64})
    with pytest.raises(TypeError, match="cannot write NoneType"):
        toml_writer.dumps({"x": None})


# -- portability ------------------------------------------------------------------------------------
def evaluate(cycle: tc.Cycle) -> tuple[float, float]:
    perf = cycle.performance().natural()
    return float(perf.chi), float(perf.cop)


def test_loaded_cycles_pickle_and_evaluate_in_another_process(tmp_path):
    fridge = tc.quantum_otto_refrigerator(**README_SI)
    loaded = load(save(fridge, tmp_path / "fridge.toml"))
    assert pickle.loads(pickle.dumps(loaded)) == fridge
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        remote = pool.submit(evaluate, loaded).result(timeout=60)
    assert remote == evaluate(fridge)


def test_rates_of_user_reservoirs_survive_the_round_trip():
    rate = FastReservoir(name="x", temperature=1.0, coupling=2.0, boost=3.0)
    back = loads(dumps(tc.Cycle(substance=TwoLevelSubstance(), strokes=[
        Isochore(name="x", reservoir=rate, control=1.0, duration=1.0)])))
    assert back.reservoirs[0] == rate and back.reservoirs[0].boost == 3.0


def test_the_annotated_example_of_the_docs_is_the_readme_fridge():
    import pathlib
    import re

    page = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "how_to" / "files.md").read_text()
    annotated = re.findall(r"```toml\n(.*?)```", page, flags=re.S)[0]
    fridge = tc.quantum_otto_refrigerator(**README_SI)
    assert loads(annotated, source="docs/how_to/files.md") == fridge
    assert tomllib.loads(annotated) == dict(cycle_to_dict(fridge), written_by=tomllib.loads(annotated)["written_by"])
