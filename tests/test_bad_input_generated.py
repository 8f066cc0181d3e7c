"""Generated bad-input cases (issue 11): every public field x every bad kind.

The cases are discovered, not listed: every component class (the subclasses of
:class:`~thermocycles.spec.values.Component` defined in the package, the package's exported classes,
:class:`~thermocycles.BathLaw`, :class:`~thermocycles.Parameter`, :class:`~thermocycles.Cycle`) with
its init fields from ``attrs.fields``, every factory of :mod:`thermocycles.factories` with its
arguments from ``inspect.signature``, and every parameter of a few cycles for
``Cycle.with_parameters``. A field or an argument added later is covered at once; a class or factory
added later fails :func:`test_every_public_class_and_factory_has_a_baseline` until it gets a valid
baseline here.

Each case asserts that the bad value gets a :class:`~thermocycles.errors.ThermocyclesError` whose
message names the field (or argument, or parameter), is shorter than 300 characters and is not
raised while handling a raw error; or that the value is legitimately accepted, which is decided by
the field's declared sign constraint or by the short allow-list below, with a reason for each entry.
"""

from __future__ import annotations

import inspect
import math
import sys
from fractions import Fraction
from typing import Any, Callable

import attrs
import numpy as np
import pytest
from scipy.special import expit

import thermocycles as tc
from thermocycles import factories
from thermocycles.errors import ThermocyclesError
from thermocycles.spec.cycle import Cycle
from thermocycles.spec.laws import BathLaw
from thermocycles.spec.reservoirs import Reservoir
from thermocycles.spec.strokes import Isochore, Isotherm, QuantumAdiabat, Stroke, Thermalization, UnitaryStroke
from thermocycles.spec.substances import (
    HamiltonianSubstance,
    HarmonicOscillator,
    MatrixSubstance,
    NLevel,
    Qubit,
    Spin,
    Substance,
    TwoLevelSubstance,
)
from thermocycles.spec.values import POSITIVE, Component, Parameter, check_identifier, value_specs

Q_ = tc.Q_
MAX_MESSAGE = 300
RAISE, ACCEPT, EITHER = "raise", "accept", "either"


# --- the bad kinds ----------------------------------------------------------------------------------

#: name -> (category, a function making a fresh bad value)
BAD: dict[str, tuple[str, Callable[[], Any]]] = {
    "object": ("type", object),
    "dict": ("type", dict),
    "str": ("type", lambda: "abc"),
    "numeric_str": ("type", lambda: "1.0"),
    "long_str": ("type", lambda: "x" * 10_000),
    "none": ("type", lambda: None),
    "bool": ("type", lambda: True),
    "np_bool": ("type", lambda: np.bool_(True)),
    "complex": ("type", lambda: 1.0 + 1.0j),
    "nan": ("non-finite", lambda: math.nan),
    "+inf": ("non-finite", lambda: math.inf),
    "-inf": ("non-finite", lambda: -math.inf),
    "nan_in_array": ("non-finite", lambda: np.array([1.0, math.nan, 2.0])),
    "inf_in_array": ("non-finite", lambda: np.array([1.0, 2.0, math.inf])),
    "negative": ("sign", lambda: -1.0),
    "zero": ("sign", lambda: 0.0),
    "negative_zero": ("sign", lambda: -0.0),
    "negative_in_array": ("sign", lambda: np.array([1.0, 2.0, -1.0])),
    "empty_array": ("empty", lambda: np.array([])),
    "empty_list": ("empty", lambda: []),
    "empty_2d": ("empty", lambda: np.zeros((2, 0))),
    "object_array": ("dtype", lambda: np.array([1.0, 2.0], dtype=object)),
    "str_array": ("dtype", lambda: np.array(["1", "2"])),
    "bool_array": ("dtype", lambda: np.array([True, False])),
    "complex_array": ("dtype", lambda: np.array([1.0 + 1.0j, 2.0])),
    "ragged_list": ("dtype", lambda: [[1.0], [1.0, 2.0]]),
    "long_str_list": ("dtype", lambda: ["x"] * 5000),
    "wrong_dimension": ("dimension", lambda: Q_(1.0, "m")),
    "wrong_dimension_array": ("dimension", lambda: Q_(np.linspace(1.0, 2.0, 5000), "m")),
}
#: bad kinds that hold a number, finite or not, of any sign: a control value defers these to the cycle
NUMERIC_KINDS = {"nan", "+inf", "-inf", "nan_in_array", "inf_in_array", "negative", "zero", "negative_zero",
                 "negative_in_array"}
#: where in an array the first bad element sits (the message must name it)
BAD_INDEX = {"nan_in_array": "(1,)", "inf_in_array": "(2,)", "negative_in_array": "(2,)"}
#: good values that are not plain floats: every numeric field accepts them
GOOD: dict[str, Callable[[float], Any]] = {
    "0d_array": lambda base: np.array(base),
    "nested_list": lambda base: [[base, base], [base, base]],
    "column": lambda base: np.full((2, 1), base),
    "np_float32": lambda base: np.float32(base),
    "np_int": lambda base: np.int64(max(round(base), 1)),
    "fraction": lambda base: Fraction(base).limit_denominator(1000),
}


def sign_ok(kind: str, constraint: str | None) -> bool:
    """Whether a value of this sign kind satisfies the constraint."""
    if kind in ("negative", "negative_in_array"):
        return constraint is None
    if kind in ("zero", "negative_zero"):
        return constraint != POSITIVE
    return True


# --- baselines: one valid construction per class and factory ----------------------------------------

def user_law(omega: Any, beta: Any, gamma: Any) -> Any:
    return 2.0 * gamma * expit(beta * omega)


SX = np.array([[0.0, 1.0], [1.0, 0.0]])
SZ = np.diag([1.0, -1.0])


def cold() -> Reservoir:
    return Reservoir(name="c", temperature=1.0, coupling=1.0)


BASELINES: dict[type, Callable[[], dict[str, Any]]] = {
    Reservoir: lambda: dict(name="c", temperature=1.0, coupling=1.0),
    Isochore: lambda: dict(name="s", reservoir=cold(), control=1.0, duration=0.5),
    Thermalization: lambda: dict(name="s", reservoir=cold(), control=1.0, duration=0.5),
    Isotherm: lambda: dict(name="s", reservoir=cold(), start=1.0, end=2.0, duration=1.0),
    QuantumAdiabat: lambda: dict(name="s", start=1.0, end=2.0, duration=0.1),
    UnitaryStroke: lambda: dict(name="s", start=1.0, end=2.0, duration=0.1),
    TwoLevelSubstance: dict,
    Qubit: lambda: dict(transverse=0.3),
    Spin: lambda: dict(j=1),
    HarmonicOscillator: lambda: dict(levels=3),
    NLevel: lambda: dict(factors=[0.0, 1.0, 3.0]),
    MatrixSubstance: lambda: dict(h0=0.3 * SX, h1=0.5 * SZ, coupling=SX),
    BathLaw: lambda: dict(function=user_law, name="mine"),
    Parameter: lambda: dict(name="x", value=1.0),
    Cycle: lambda: dict(substance=TwoLevelSubstance(), strokes=[
        Isochore(name="c", reservoir=cold(), control=Parameter("w_a", 1.0), duration=0.5),
        QuantumAdiabat(name="ch", start=Parameter("w_a", 1.0), end=Parameter("w_b", 3.0), duration=0.1),
        Isochore(name="h", reservoir=Reservoir(name="h", temperature=2.0, coupling=1.0),
                 control=Parameter("w_b", 3.0), duration=0.5),
        QuantumAdiabat(name="hc", start=Parameter("w_b", 3.0), end=Parameter("w_a", 1.0), duration=0.1)]),
}
#: base classes for users to derive from: their fields are covered through every subclass
BASES = {Component, Substance, HamiltonianSubstance, Stroke}

#: (class name or "*", field, bad kind or "*") -> (outcome, reason): the explicit allow-list
ALLOWED: dict[tuple[str, str, str], tuple[str, str]] = {
    ("Parameter", "value", "*"): (EITHER, "a Parameter's value is checked against the kind of every field that "
                                          "uses it (covered by the factories' w_* arguments)"),
    ("BathLaw", "name", "str"): (ACCEPT, "'abc' is a name"),
    ("BathLaw", "name", "long_str"): (ACCEPT, "a long name is still a name (messages clip it)"),
    ("BathLaw", "name", "numeric_str"): (ACCEPT, "'1.0' is a name"),
    ("BathLaw", "detailed_balance", "bool"): (ACCEPT, "a flag"),
    ("BathLaw", "detailed_balance", "np_bool"): (ACCEPT, "a flag"),
    ("*", "name", "str"): (ACCEPT, "'abc' is an identifier"),
    ("*", "name", "long_str"): (ACCEPT, "'xx...x' is an identifier (messages clip it)"),
    ("NLevel", "factors", "negative_in_array"): (ACCEPT, "levels f_i w may be negative"),
}
#: array fields that are not named parameters: a bad element is named by its index, too
ARRAY_FIELDS = {("NLevel", "factors")}
#: fields not for users
SKIPPED_FIELDS = {("BathLaw", "builtin"): "internal flag of the laws shipped with thermocycles"}


def public_classes() -> list[type]:
    """Component subclasses defined in the package, and the exported attrs classes of its specification
    layer (:mod:`thermocycles.spec`)."""
    found: set[type] = set()
    stack = [Component]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            module = sys.modules.get(sub.__module__)
            # defined in the package, at module level (not the tests' or the doctests' own subclasses)
            if sub.__module__.startswith("thermocycles.") and getattr(module, sub.__qualname__, None) is sub:
                found.add(sub)
    for name in tc.__all__:
        obj = getattr(tc, name)
        if isinstance(obj, type) and attrs.has(obj) and obj.__module__.startswith("thermocycles.spec."):
            found.add(obj)  # the specification's classes (results and analyses have their own tests)
    return sorted(found - BASES, key=lambda c: c.__name__)


def init_fields(cls: type) -> list[attrs.Attribute]:
    return [f for f in attrs.fields(cls) if f.init and (cls.__name__, f.alias) not in SKIPPED_FIELDS]


def expectation(cls: type, field: attrs.Attribute, kind: str) -> tuple[str, str]:
    """What a bad value must do: (RAISE | ACCEPT | EITHER, reason)."""
    name = cls.__name__
    for key in ((name, field.alias, kind), (name, field.alias, "*"), ("*", field.alias, kind)):
        if key in ALLOWED:
            if key[0] == "*" and field.validator is not check_identifier:
                continue
            return ALLOWED[key]
    value = BAD[kind][1]()
    if field.default is not attrs.NOTHING and value is None and field.default is None:
        return EITHER, "the field's default (it may clash with the baseline's other fields)"
    spec = dict(value_specs(cls)).get(field.name)
    if spec is None:
        return RAISE, "" if kind not in BAD_INDEX else "not a numeric field"
    if spec.control and (kind in NUMERIC_KINDS - {"nan", "+inf", "-inf", "nan_in_array", "inf_in_array"}
                         or BAD[kind][0] == "dimension"):
        return EITHER, ("a control value's sign and kind are the substance's: the cycle checks them "
                        "(covered by the factory and with_parameters cases)")
    if BAD[kind][0] == "sign" and sign_ok(kind, spec.constraint):
        return ACCEPT, f"the field's declared constraint is {spec.constraint}"
    return RAISE, ""


def check_error(exc: BaseException, names: list[str], extra: tuple[str, ...] = ()) -> None:
    """A ThermocyclesError, short, not raised while handling another error, naming one of ``names``."""
    message = str(exc)
    assert isinstance(exc, ThermocyclesError), f"raw {type(exc).__name__}: {message[:300]}"
    assert len(message) < MAX_MESSAGE, f"{len(message)} characters: {message[:400]}"
    assert exc.__context__ is None or exc.__suppress_context__, (
        f"raised while handling {type(exc.__context__).__name__}: {exc.__context__}")
    assert any(n in message for n in names), f"names none of {names}: {message}"
    for part in extra:
        assert part in message, f"does not say {part!r}: {message}"


def problems_of(judge: Callable[[str], None], kinds: Any = None) -> list[str]:
    """Run ``judge(kind)`` for every bad kind; collect what fails (one test reports all kinds)."""
    found = []
    for kind in kinds or BAD:
        try:
            judge(kind)
        except AssertionError as exc:
            found.append(f"[{kind} / {BAD[kind][0]}] {str(exc).splitlines()[0][:400]}")
    return found


def outcome(build: Callable[[], Any]) -> BaseException | None:
    try:
        build()
    except Exception as exc:
        return exc
    return None


# --- components: every init field x every bad kind -------------------------------------------------

def component_cases() -> list[Any]:
    return [pytest.param(cls, field.alias, id=f"{cls.__name__}.{field.alias}")
            for cls in public_classes() if cls in BASELINES for field in init_fields(cls)]


def test_every_public_class_and_factory_has_a_baseline():
    missing = [cls.__name__ for cls in public_classes() if cls not in BASELINES]
    assert not missing, f"add a valid baseline to BASELINES for {missing} (their fields are then generated)"
    for cls in public_classes():
        cls(**BASELINES[cls]())  # every baseline is valid
    missing = [name for name in factories.__all__ if name not in FACTORY_BASELINES]
    assert not missing, f"add a valid baseline to FACTORY_BASELINES for {missing}"


@pytest.mark.parametrize("cls, alias", component_cases())
def test_component_field_bad_kinds(cls, alias):
    assert not problems_of(lambda kind: judge_component(cls, alias, kind))


def judge_component(cls: type, alias: str, kind: str) -> None:
    field = next(f for f in attrs.fields(cls) if f.alias == alias)
    expected, reason = expectation(cls, field, kind)
    exc = outcome(lambda: cls(**{**BASELINES[cls](), alias: BAD[kind][1]()}))
    if exc is None:
        assert expected != RAISE, f"{cls.__name__}.{alias} accepted a bad value ({kind})"
        return
    assert expected != ACCEPT, f"{cls.__name__}.{alias} refused a value the allow-list accepts ({reason}): {exc}"
    numeric = dict(value_specs(cls)).get(field.name) is not None or (cls.__name__, alias) in ARRAY_FIELDS
    check_error(exc, [alias, field.name.lstrip("_")], (BAD_INDEX[kind],) if kind in BAD_INDEX and numeric else ())


def good_cases() -> list[Any]:
    return [pytest.param(cls, name, good, id=f"{cls.__name__}.{name}-{good}")
            for cls in public_classes() if cls in BASELINES
            for name, spec in value_specs(cls) for good in GOOD]


@pytest.mark.parametrize("cls, name, good", good_cases())
def test_component_field_accepts_numbers_in_any_form(cls, name, good):
    base = BASELINES[cls]()
    value = base[name].value if isinstance(base[name], Parameter) else base[name]
    cls(**{**base, name: GOOD[good](value)})


def mismatch_cases() -> list[Any]:
    cases = []
    for cls in public_classes():
        names = [name for name, _ in value_specs(cls)]
        if cls in BASELINES and len(names) > 1:
            cases += [pytest.param(cls, a, b, id=f"{cls.__name__}.{a}-{b}") for a in names for b in names if a != b]
    return cases


@pytest.mark.parametrize("cls, a, b", mismatch_cases())
def test_component_fields_that_do_not_broadcast(cls, a, b):
    base = BASELINES[cls]()
    exc = outcome(lambda: cls(**{**base, a: np.full(3, base[a]), b: np.full(4, base[b])}))
    assert exc is not None, f"{cls.__name__} accepted {a} of shape (3,) with {b} of shape (4,)"
    check_error(exc, [a], (b, "(3,)", "(4,)"))


# --- factories: every argument x every bad kind -----------------------------------------------------

OTTO = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1,
            tau_hc=0.1)
OTTO_ENGINE = {**OTTO, "T_h": 4.0, "w_b": 2.0}
CARNOT = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0, tau_h=20.0, tau_c=20.0)
CARNOT_FRIDGE = {**CARNOT, "w_1": 2.0, "w_2": 4.0}
STIRLING = dict(T_c=1.0, T_h=3.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0, tau_h=10.0, tau_c=10.0, tau_hc=5.0,
                tau_ch=5.0)
STIRLING_FRIDGE = {**STIRLING, "T_h": 1.5, "w_1": 1.0, "w_2": 3.0}
FACTORY_BASELINES: dict[str, dict[str, Any]] = {
    "quantum_otto_cycle": OTTO, "quantum_otto_refrigerator": OTTO, "otto_cycle": OTTO,
    "otto_refrigerator": OTTO, "otto_engine": OTTO_ENGINE,
    "carnot_cycle": CARNOT, "carnot_engine": CARNOT, "carnot_refrigerator": CARNOT_FRIDGE,
    "stirling_cycle": STIRLING, "stirling_engine": STIRLING, "stirling_refrigerator": STIRLING_FRIDGE,
}
#: kinds the mode-checking factories may refuse for the mode rather than the value (e.g. a zero
#: contact time leaves the cycle idle): then the message names the regime, not the argument
MODE_REFUSAL = ("do not refrigerate", "do not run as an engine")
_SPECS: dict[str, dict[str, Any]] = {}


def factory_specs(name: str) -> dict[str, Any]:
    """The parameter specs of the factory's baseline cycle (names, kinds, constraints, uses)."""
    if name not in _SPECS:
        _SPECS[name] = getattr(factories, name)(**FACTORY_BASELINES[name]).parameter_specs
    return _SPECS[name]


def factory_arguments(name: str) -> list[str]:
    return list(inspect.signature(getattr(factories, name)).parameters)


#: the factories that check their mode evaluate the cycle: they get one bad kind per category (their
#: arguments go through the same validation as the ``*_cycle`` factories', which get every kind)
ONE_PER_CATEGORY = ["str", "none", "nan_in_array", "negative", "zero", "empty_array", "object_array",
                    "ragged_list", "wrong_dimension_array"]


def factory_cases() -> list[Any]:
    return [pytest.param(name, arg, id=f"{name}.{arg}")
            for name in factories.__all__ if name in FACTORY_BASELINES for arg in factory_arguments(name)]


@pytest.mark.parametrize("name, arg", factory_cases())
def test_factory_argument_bad_kinds(name, arg):
    kinds = None if name.endswith("_cycle") else ONE_PER_CATEGORY
    assert not problems_of(lambda kind: judge_factory(name, arg, kind), kinds)


def judge_factory(name: str, arg: str, kind: str) -> None:
    factory = getattr(factories, name)
    specs = factory_specs(name)
    default = inspect.signature(factory).parameters[arg].default
    value = BAD[kind][1]()
    if value is None and default is None:
        expected = ACCEPT  # the default (carnot's w_3, w_4: computed from w_2, w_1)
    elif arg in specs:
        expected = ACCEPT if BAD[kind][0] == "sign" and sign_ok(kind, specs[arg].constraint) else RAISE
    else:
        expected = RAISE
    exc = outcome(lambda: factory(**{**FACTORY_BASELINES[name], arg: value}))
    if exc is None:
        assert expected == ACCEPT, f"{name}({arg}=<{kind}>) was accepted"
        return
    if expected == ACCEPT and isinstance(exc, ThermocyclesError) and any(m in str(exc) for m in MODE_REFUSAL):
        check_error(exc, [name])  # a valid value that leaves the cycle out of the factory's mode
        return
    assert expected == RAISE, f"{name}({arg}=<{kind}>) refused a valid value: {exc}"
    uses = list(specs[arg].uses) if arg in specs else []
    check_error(exc, [arg, *uses], (BAD_INDEX[kind],) if kind in BAD_INDEX and arg in specs else ())


def factory_mismatch_cases() -> list[Any]:
    return [pytest.param(name, arg, id=f"{name}.{arg}") for name in factories.__all__ if name in FACTORY_BASELINES
            for arg in factory_arguments(name) if arg in factory_specs(name)]


@pytest.mark.parametrize("name, arg", factory_mismatch_cases())
def test_factory_arguments_that_do_not_broadcast(name, arg):
    specs = factory_specs(name)
    partner = next(a for a in factory_arguments(name) if a in specs and a != arg)
    base = {**FACTORY_BASELINES[name]}
    natural = {n: s.natural for n, s in specs.items()}
    base[arg] = np.full(4, natural[arg])
    base[partner] = np.full(3, natural[partner])
    exc = outcome(lambda: getattr(factories, name)(**base))
    assert exc is not None, f"{name} accepted {arg} of shape (4,) with {partner} of shape (3,)"
    # each is named as the argument or as the field that holds it (Reservoir 'c': temperature, coupling)
    check_error(exc, [arg, *[u.rsplit(".", 1)[-1] for u in specs[arg].uses]], ("(3,)", "(4,)"))
    # the other is the partner or a value derived from it (carnot: w_4 = w_1 T_c/T_h)
    derived = [partner, *(["w_3", "w_4"] if "w_3" in specs else [])]
    names = [*derived, "T_c/T_h", *[u.rsplit(".", 1)[-1] for d in derived for u in specs[d].uses]]
    assert any(n in str(exc) for n in names), str(exc)


# --- Cycle.with_parameters: every parameter x every bad kind ----------------------------------------

def cycles() -> dict[str, Cycle]:
    return {
        "otto": factories.quantum_otto_cycle(**OTTO),
        "qubit_otto": factories.otto_cycle(Qubit(transverse=0.3), **OTTO, adiabat="unitary"),
        "carnot": factories.carnot_cycle(**CARNOT),
        "si_otto": factories.quantum_otto_cycle(
            T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"), w_a=Q_(1, "GHz"),
            w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us")),
    }


CYCLES = cycles()


def with_parameters_cases() -> list[Any]:
    return [pytest.param(label, name, id=f"{label}.{name}")
            for label, cycle in CYCLES.items() for name in cycle.parameter_names]


@pytest.mark.parametrize("label, name", with_parameters_cases())
def test_with_parameters_bad_kinds(label, name):
    assert not problems_of(lambda kind: judge_with_parameters(label, name, kind))


def judge_with_parameters(label: str, name: str, kind: str) -> None:
    cycle = CYCLES[label]
    spec = cycle.parameter_specs[name]
    value = BAD[kind][1]()
    expected = ACCEPT if BAD[kind][0] == "sign" and sign_ok(kind, spec.constraint) else RAISE
    if expected == ACCEPT and cycle.has_units and kind not in ("zero", "negative_zero"):
        expected = RAISE  # a plain non-zero number in a cycle with units: refused as mixing
    exc = outcome(lambda: cycle.with_parameters(**{name: value}))
    if exc is None:
        assert expected == ACCEPT, f"with_parameters({name}=<{kind}>) was accepted"
        return
    assert expected == RAISE, f"with_parameters({name}=<{kind}>) refused a valid value: {exc}"
    check_error(exc, [name], (BAD_INDEX[kind],) if kind in BAD_INDEX else ())


@pytest.mark.parametrize("label", list(CYCLES))
def test_with_parameters_mismatched_shapes(label):
    cycle = CYCLES[label]
    first, second = cycle.parameter_names[0], cycle.parameter_names[-1]
    specs = cycle.parameter_specs
    bad = {first: np.full(3, 1.0) * specs[first].value, second: np.full(4, 1.0) * specs[second].value}
    exc = outcome(lambda: cycle.with_parameters(**bad))
    assert exc is not None
    check_error(exc, [first], (second, "(3,)", "(4,)", "Cycle.with_parameters"))
    # a value that clashes with an array already in the cycle
    arrays = cycle.with_parameters(**{first: np.full(3, 1.0) * specs[first].value})
    exc = outcome(lambda: arrays.with_parameters(**{second: np.full(4, 1.0) * specs[second].value}))
    assert exc is not None
    check_error(exc, [first], (second, "(3,)", "(4,)"))


@pytest.mark.parametrize("unknown", [{"nope": 1.0}, {"T_c": 1.0, "x" * 5000: 1.0}, {f"p{k}": 1.0 for k in range(500)}],
                         ids=["one", "long name", "many"])
def test_with_parameters_unknown_names(unknown):
    exc = outcome(lambda: CYCLES["otto"].with_parameters(**unknown))
    check_error(exc, ["unknown parameter"], ("valid names", "T_c"))


def test_performance_of_validated_arrays():
    """Arrays that passed validation evaluate with the broadcast shape, point by point as scalars."""
    cycle = CYCLES["otto"]
    grid = cycle.with_parameters(T_c=np.array([[0.8], [1.0]]), w_b=np.array([3.0, 3.5, 4.0]), tau_c=np.array(0.5))
    perf = grid.performance()
    assert np.shape(perf.cop) == (2, 3)
    for i, t_c in enumerate((0.8, 1.0)):
        for j, w_b in enumerate((3.0, 3.5, 4.0)):
            point = cycle.with_parameters(T_c=t_c, w_b=w_b).performance()
            assert perf.cop[i, j] == pytest.approx(float(point.cop), rel=1e-12)
            assert perf.work[i, j] == pytest.approx(float(point.work), rel=1e-12)
    linear = grid.performance(method="linear_algebra")
    np.testing.assert_allclose(linear.cop, perf.cop, rtol=1e-9)
    # -0.0 is zero: a zero-duration adiabat and a nested list of values
    same = cycle.with_parameters(tau_ch=-0.0, w_a=[[1.0, 1.0]])
    assert np.shape(same.performance().cop) == (1, 2)
    assert math.copysign(1.0, same.parameters["tau_ch"]) == 1.0


def test_a_large_parameter_array_builds_and_evaluates():
    """10^6 points: built and evaluated by the closed form without a copy per field per check."""
    cycle = CYCLES["otto"].with_parameters(tau_c=np.linspace(0.1, 1.0, 10**6))
    assert np.shape(cycle.performance().cop) == (10**6,)


def test_long_values_give_short_messages():
    """Values whose repr is huge (the 18,693-character message of the issue)."""
    levels = np.linspace(1.0, 2.0, 1000)
    cases = [
        lambda: HarmonicOscillator(levels=levels),
        lambda: Spin(j=levels),
        lambda: NLevel(factors=np.arange(5000.0), n_levels=3),
        lambda: NLevel(factors=np.arange(5000.0), coupling=np.eye(3)),
        lambda: NLevel(energies=lambda w: np.full(np.shape(w) + (3000,), np.nan), n_levels=3000),
        lambda: MatrixSubstance(h0=np.eye(300), h1=np.eye(3)),
        lambda: factories.otto_refrigerator(**{**OTTO, "T_c": np.full(5000, 3.0)}),
        lambda: Cycle(substance=TwoLevelSubstance(), strokes=[
            Isochore(name="c", reservoir=Reservoir(name="c", temperature=levels, coupling=1.0), control=1.0,
                     duration=1.0),
            Isochore(name="h", reservoir=Reservoir(name="c", temperature=levels + 1, coupling=1.0), control=1.0,
                     duration=1.0)]),
        lambda: Reservoir(name="x" * 5000, temperature=-1.0, coupling=1.0),  # a valid, long name: clipped
        lambda: Isochore(name="c", reservoir=[cold()] * 1000, control=1.0, duration=1.0),
        lambda: Cycle(substance=TwoLevelSubstance(), strokes=["x" * 100] * 1000),
    ]
    for build in cases:
        exc = outcome(build)
        assert exc is not None
        check_error(exc, [""])
