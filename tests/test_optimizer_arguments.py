"""The Optimizer's own arguments, register_objective and constraint text (issue 11).

* Every attrs field of :class:`Optimizer` x every bad kind of value (discovered by introspection, so
  a field added later is covered) gets a ThermocyclesError naming the field, in under 300 characters.
* Values a user reasonably means are accepted: numpy integers, a single constraint string or triple.
* User objectives and constraints that raise or return None, complex numbers, text or the wrong
  shape are reported with the point and what came back, not as raw scipy/numpy errors.
* Constraint text is read by a strict grammar with bounded work: hostile strings are refused at once.
"""

from __future__ import annotations

import time

import attrs
import numpy as np
import pytest

from thermocycles.analysis import objectives
from thermocycles.analysis.objectives import as_constraint, register_objective
from thermocycles.analysis.optimize import Optimizer
from thermocycles.errors import ParameterError, ThermocyclesError
from thermocycles.factories.otto import quantum_otto_refrigerator
from thermocycles.quantity_text import parse_quantity_text
from thermocycles.units import Q_

BOX = {"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)}
VALID = dict(objective="chi", variables=BOX)


@pytest.fixture(scope="module")
def fridge():
    return quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
                                     tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)


BAD_KINDS = {
    "object": object(),
    "bool": True,
    "nan": float("nan"),
    "inf": float("inf"),
    "negative": -1,
    "zero": 0,
    "huge int": 10**30,
    "empty dict": {},
    "empty list": [],
    "string": "abc",
    "None": None,
    "array": np.array([1.0, 2.0]),
    "list of strings": ["tau_c", "tau_h"],
}

#: (field, kind) pairs that are valid values of the field
ACCEPTED = {
    ("sense", "None"), ("cycle", "None"), ("progress", "bool"), ("progress", "None"),
    ("constraints", "empty list"), ("constraints", "None"), ("scale", "empty dict"), ("options", "empty dict"),
    ("seed", "zero"),
}


def cases():
    for field in attrs.fields(Optimizer):
        for kind, value in BAD_KINDS.items():
            if (field.name, kind) not in ACCEPTED:
                yield pytest.param(field.name, value, id=f"{field.name}-{kind}")


@pytest.mark.parametrize(("field", "value"), list(cases()))
def test_every_field_refuses_every_bad_kind_with_a_short_pointed_error(field, value):
    with pytest.raises(ThermocyclesError) as info:
        Optimizer(**{**VALID, field: value})
    message = str(info.value)
    assert field in message, message
    assert len(message) < 300, message


def test_the_accepted_kinds_are_accepted(fridge):
    for field, kind in ACCEPTED:
        Optimizer(**{**VALID, field: BAD_KINDS[kind]})


def test_every_field_is_covered():
    # a new field needs no new test, but the table of accepted values must know about its defaults
    names = {f.name for f in attrs.fields(Optimizer)}
    assert {name for name, _ in ACCEPTED} <= names
    assert len(list(cases())) >= len(names) * (len(BAD_KINDS) - 2)


@pytest.mark.parametrize("integer", [np.int64(16), np.int32(16), np.uint8(16), 16])
def test_numpy_integers_are_integers(fridge, integer):
    opt = Optimizer(**VALID, n_starts=integer, n_local=np.int64(2), seed=np.int64(3))
    assert type(opt.n_starts) is int and opt.n_starts == 16 and opt.seed == 3
    assert opt.run(fridge).success


@pytest.mark.parametrize(("field", "value"), [("n_starts", True), ("n_local", False), ("seed", np.bool_(True)),
                                              ("n_starts", 16.0), ("tol", True)])
def test_bools_and_floats_are_not_integers(field, value):
    with pytest.raises(ParameterError, match=field):
        Optimizer(**VALID, **{field: value})


def test_variables_given_as_a_list_is_refused_clearly():
    with pytest.raises(ParameterError, match=r"Optimizer.variables must be a dict \{name: \(lower, upper\)\}"):
        Optimizer(objective="chi", variables=["tau_c", "tau_h"])
    with pytest.raises(ParameterError, match=r"Optimizer.variables must be a dict"):
        Optimizer(objective="chi", variables=[("tau_c", (1e-3, 50.0))])


@pytest.mark.parametrize("bounds", [(50.0, 1e-3), (1.0, 1.0), (float("nan"), 1.0), (0.1, float("inf")), (True, 2.0),
                                    ("0.1", 2.0), (0.1,), (0.1, 1.0, 2.0), "ab", None, (Q_(2, "us"), Q_(1, "us")),
                                    (Q_(float("nan"), "us"), Q_(1, "us"))])
def test_bad_bounds_are_refused_at_construction(bounds):
    with pytest.raises(ParameterError, match=r"Optimizer.variables\['tau_c'\]") as info:
        Optimizer(objective="chi", variables={"tau_c": bounds})
    assert len(str(info.value)) < 300


def test_bounds_outside_the_domain_are_refused_with_the_cycle(fridge):
    with pytest.raises(ParameterError, match=r"tau_c.*>= 0"):
        Optimizer(objective="chi", variables={"tau_c": (-1.0, 1.0)}, cycle=fridge)


def test_a_single_constraint_is_one_constraint(fridge):
    assert len(Optimizer(**VALID, constraints="cools").constraints) == 1
    assert len(Optimizer(**VALID, constraints="cop >= 0.4").constraints) == 1
    assert len(Optimizer(**VALID, constraints=("cop", ">=", 0.4)).constraints) == 1
    assert len(Optimizer(**VALID, constraints=lambda p: p.q_c).constraints) == 1
    assert len(Optimizer(**VALID, constraints=["cools", ("cop", ">=", 0.4)]).constraints) == 2
    res = Optimizer(**VALID, constraints="cools", n_starts=8).run(fridge)
    assert res.success, res.message


def test_a_bad_constraint_in_a_list_is_named_by_its_index():
    with pytest.raises(ParameterError, match=r"Optimizer.constraints\[1\]: constraint 'cop > 0.4'.*'>='"):
        Optimizer(**VALID, constraints=["cools", "cop > 0.4"])
    with pytest.raises(ParameterError, match=r"Optimizer.constraints\[0\].*threshold.*finite"):
        Optimizer(**VALID, constraints=[("cop", ">=", float("nan"))])
    with pytest.raises(ParameterError, match=r"Optimizer.constraints\[0\].*not a registered figure"):
        Optimizer(**VALID, constraints=["heat >= 1"])


@pytest.mark.parametrize(("keyword", "value"), [("kind", "W"), ("kind", None), ("sense", "maximum"), ("sense", 1),
                                                ("domain", "fridge"), ("domain", 3), ("description", None),
                                                ("function", None), ("name", "two words"), ("name", 3),
                                                ("name", "omega")])
def test_register_objective_checks_at_registration(keyword, value):
    arguments = dict(name="my_figure", function=lambda p: p.q_c)
    arguments[keyword] = value
    before = objectives.names()
    with pytest.raises(ParameterError, match=rf"register_objective: .*{keyword if keyword != 'function' else 'call'}"):
        register_objective(**arguments)
    assert objectives.names() == before


# -- user callables that misbehave ----------------------------------------------------------------
MISBEHAVING = {
    "raises": (lambda p: 1 / 0, r"raised ZeroDivisionError: division by zero at tau_c=0\.5, tau_h=0\.5"),
    "None": (lambda p: None, r"must return one real number per point; got None at tau_c=0\.5"),
    "complex": (lambda p: p.q_c * 1j,
                r"must return one real number per point; got (np\.)?complex128\([0-9.e-]+j\) at tau_c=0\.5"),
    "text": (lambda p: "high", r"must return one real number per point; got 'high' at tau_c=0\.5"),
    "wrong shape": (lambda p: np.stack([p.q_c, p.q_c], axis=-1),
                    r"must return one real number per point; got shape \(1?,? ?2,?\) at tau_c"),
    "quantity": (lambda p: Q_(1.0, "W"), r"must return one real number per point; got 1\.0 W at tau_c=0\.5"),
}


@pytest.mark.parametrize("case", sorted(MISBEHAVING))
@pytest.mark.parametrize("role", ["objective", "constraint"])
def test_misbehaving_user_callables_are_reported_with_the_point(fridge, case, role):
    function, pattern = MISBEHAVING[case]
    if role == "objective":
        opt = Optimizer(objective=function, variables=BOX, n_starts=4)
        where = r"Optimizer\.objective \(<lambda>\) "
    else:
        opt = Optimizer(objective="chi", variables=BOX, constraints=[function], n_starts=4)
        where = r"Optimizer\.constraints \(<lambda>\) "
    with pytest.raises(ParameterError, match=where + pattern) as info:
        opt.run(fridge)
    assert len(str(info.value)) < 300


def test_nan_from_a_user_objective_means_no_value_there(fridge):
    # NaN is a value: the point has no figure; where the figure exists the optimum is found
    def chi_or_nan(perf):
        return np.where(np.asarray(perf.tau_c) < 1.0, np.nan, perf.chi) if hasattr(perf, "tau_c") else perf.chi

    res = Optimizer(objective=chi_or_nan, variables=BOX, n_starts=8).run(fridge)
    assert res.success, res.message


# -- constraint text: strict grammar, bounded work ------------------------------------------------
HOSTILE = ["cop >= 9**9**9", "cop >= 1e999999", "cop >= " + "(" * 10**5 + ")" * 10**5, "cop >= " + "9" * 10**6,
           "x" * 10**6, "cop >= \u0661\u0662", "cop >= \uff11", "cop >= nan", "cop >= inf", "cop >= -inf",
           "cop >= 2**10", "cop >= 1+1", "cop >= 0.5 * 2", "cop >= 1 m**2**2", "cop >= eval('1')",
           "cop >= __import__('os')", "cop >= 0.5 0.5", "cop > 0.5", "cop == 0.5", "cop >= ", ">= 0.5", "cop",
           "cooling_rate >= 1 zW " + "* zW " * 60, "cop >= 1e-999", "cop >= 0x10", "cop >= 1_000"]


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t[:20]) for t in HOSTILE])
def test_hostile_constraint_text_is_refused_at_once(text):
    start = time.perf_counter()
    with pytest.raises(ParameterError) as info:
        Optimizer(**VALID, constraints=[text])
    assert time.perf_counter() - start < 1.0
    assert len(str(info.value)) < 300 and "Optimizer.constraints[0]" in str(info.value)


@pytest.mark.parametrize(("text", "threshold"), [("cop >= 0.5", 0.5), ("  cop<=0.6 ", 0.6), ("cop >= -2.5e-3", -2.5e-3),
                                                 ("cop >= +.5", 0.5), ("cooling_rate >= 60 zW", Q_(60, "zW")),
                                                 ("cooling_rate >= 0.06 aW", Q_(0.06, "aW")),
                                                 ("cooling_rate >= 1e3 J/s", Q_(1e3, "W"))])
def test_constraint_text_that_is_read(text, threshold):
    constraint = as_constraint(text)
    name, op, value = constraint._bound
    assert value == threshold and type(value) is type(threshold)


def test_parse_quantity_text():
    assert parse_quantity_text("0.5") == 0.5 and isinstance(parse_quantity_text("3"), float)
    assert parse_quantity_text("50 mK") == Q_(50, "mK")
    assert parse_quantity_text("1 rad*GHz") == Q_(1, "rad*GHz")
    for text in ["", "  ", "mK", "50 mK mK", "5 1/s", "1.5.3", 3, None, "1e400", "\u0665"]:
        with pytest.raises(ParameterError):
            parse_quantity_text(text)


# -- numbers beyond float, and fractions (review of issue 11) ---------------------------------------
HUGE = 10**400  # a Python int that float() cannot hold


@pytest.mark.parametrize("field", [f.name for f in attrs.fields(Optimizer)])
def test_every_field_refuses_an_integer_beyond_float_with_a_pointed_error(field):
    with pytest.raises(ParameterError) as info:
        Optimizer(**{**VALID, field: HUGE})
    assert field in str(info.value) and len(str(info.value)) < 300, str(info.value)


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("huge", [HUGE, -HUGE, Q_(HUGE, "us")])
def test_bounds_beyond_float_are_refused(which, huge):
    bounds = [1e-3, 50.0] if not hasattr(huge, "units") else [Q_(1, "ns"), Q_(1, "us")]
    bounds[which] = huge
    with pytest.raises(ParameterError, match=r"Optimizer.variables\['tau_c'\] (lower|upper) bound") as info:
        Optimizer(objective="chi", variables={"tau_c": tuple(bounds)})
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("threshold", [HUGE, -HUGE, Q_(HUGE, "zW")])
def test_thresholds_beyond_float_are_refused(threshold):
    name = "cooling_rate" if hasattr(threshold, "units") else "cop"
    with pytest.raises(ParameterError, match=r"Optimizer.constraints\[0\].*threshold.*finite") as info:
        Optimizer(**VALID, constraints=[(name, ">=", threshold)])
    assert len(str(info.value)) < 300


def test_fractions_are_real_numbers(fridge):
    from fractions import Fraction

    opt = Optimizer(objective="chi", variables={"tau_c": (Fraction(1, 1000), Fraction(50)), "tau_h": (1e-3, 50.0)},
                    constraints=[("cop", ">=", Fraction(2, 5))], tol=Fraction(1, 10**12), n_starts=8)
    assert opt.tol == 1e-12
    res = opt.run(fridge)
    assert res.success, res.message
    free = Optimizer(**VALID, n_starts=8).run(fridge)
    assert res.fun == pytest.approx(free.fun, rel=1e-9)
