"""Bad input gets a clear error, never a silent NaN.

Every case checks the exception type and that the message names the class and field, the value
given and what was expected (README: "Errors name the class, the field, what was expected and what
was given").
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import thermocycles as tc

Q_ = tc.Q_

PLAIN = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
             tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
SI = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
          w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"),
          tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))


def every(*parts: str) -> str:
    """A regex matching a message that contains every part (each a regex), in any order."""
    return "".join(rf"(?=[\s\S]*?(?:{p}))" for p in parts)


def lit(text: str) -> str:
    return re.escape(text)


def fridge(**changes):
    return tc.quantum_otto_refrigerator(**{**PLAIN, **changes})


def otto_cycle(**changes):
    """The Otto cycle without the refrigerator's T_h > T_c check (isolates value validation)."""
    return tc.quantum_otto_cycle(**{**PLAIN, **changes})


def fridge_si(**changes):
    return tc.quantum_otto_refrigerator(**{**SI, **changes})


def cold(**kw):
    return tc.Reservoir(**{"name": "c", "temperature": 1.0, "coupling": 1.0, **kw})


def hot(**kw):
    return tc.Reservoir(**{"name": "h", "temperature": 2.0, "coupling": 1.0, **kw})


def otto(*, w=(1.0, 1.0, 3.0, 3.0, 3.0, 1.0), tau=(0.5, 0.1, 0.5, 0.1), names=("c", "ch", "h", "hc"),
         res=None, substance=None):
    """Hand-built Otto cycle; ``w`` = (iso c control, ch start, ch end, iso h control, hc start,
    hc end)."""
    r_c, r_h = res if res is not None else (cold(), hot())
    return tc.Cycle(substance=substance if substance is not None else tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name=names[0], reservoir=r_c, control=w[0], duration=tau[0]),
        tc.QuantumAdiabat(name=names[1], start=w[1], end=w[2], duration=tau[1]),
        tc.Isochore(name=names[2], reservoir=r_h, control=w[3], duration=tau[2]),
        tc.QuantumAdiabat(name=names[3], start=w[4], end=w[5], duration=tau[3]),
    ])


# --- signs: temperature, coupling, duration, frequency --------------------------------------------

@pytest.mark.parametrize("value, shown", [(0.0, "0.0"), (-1.0, "-1.0"), (0, "0.0"),
                                          (Q_(0, "K"), "0 K"), (Q_(-5, "mK"), "-5 mK")])
def test_nonpositive_temperature(value, shown):
    coupling = Q_(1, "MHz") if isinstance(value, tc.ureg.Quantity) else 1.0
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Reservoir 'c'.temperature"), lit("must be > 0"),
                                   lit(f"got {shown}"))):
        tc.Reservoir(name="c", temperature=value, coupling=coupling)


def test_nonpositive_temperature_in_factory_and_array():
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Reservoir 'c'.temperature"), lit("> 0"), lit("-1.0"))):
        fridge(T_c=-1.0)
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Reservoir 'h'.temperature"), lit("> 0"),
                                   lit("element (1,) is 0"))):
        fridge(T_h=np.array([3.0, 0.0, 4.0]))


@pytest.mark.parametrize("value, shown", [(0.0, "0.0"), (-2.0, "-2.0"), (Q_(-1, "MHz"), "-1 MHz")])
def test_nonpositive_coupling(value, shown):
    temperature = Q_(50, "mK") if isinstance(value, tc.ureg.Quantity) else 1.0
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Reservoir 'c'.coupling"), lit("must be > 0"),
                                   lit(f"got {shown}"))):
        tc.Reservoir(name="c", temperature=temperature, coupling=value)
    with pytest.raises(tc.ParameterError, match=every(lit("Reservoir 'h'.coupling"), lit("> 0"))):
        fridge(gamma_h=np.array([[1.0], [-1.0]]))


def test_negative_duration():
    with pytest.raises(tc.ParameterError,
                       match=every(lit("QuantumAdiabat 'a'.duration"), lit("must be >= 0"),
                                   lit("got -0.1"))):
        tc.QuantumAdiabat(name="a", start=1.0, end=2.0, duration=-0.1)
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Isochore 'a'.duration"), lit("must be >= 0"),
                                   lit(f"got {Q_(-2, 'us'):~P}"))):
        tc.Isochore(name="a", reservoir=cold(temperature=Q_(1, "K"), coupling=Q_(1, "MHz")),
                    control=Q_(1, "GHz"), duration=Q_(-2, "us"))
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Isochore 'h'.duration"), lit(">= 0"),
                                   lit("element (2,) is -1"))):
        fridge(tau_h=np.array([0.5, 0.0, -1.0]))
    # zero is allowed
    tc.QuantumAdiabat(name="a", start=1.0, end=2.0, duration=0.0)


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_nonpositive_frequency(value):
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Isochore 'c'.control"), lit("w_a"), lit("must be > 0"),
                                   lit(repr(value)))):
        fridge(w_a=value)


def test_nonpositive_frequency_in_hand_cycle():
    with pytest.raises(tc.ParameterError,
                       match=every(r"'h'\.control|'ch'\.end|'hc'\.start", lit("must be > 0"),
                                   lit("-3.0"))):
        otto(w=(1.0, 1.0, -3.0, -3.0, -3.0, 1.0))


# --- dimensions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, where, expected", [
    ("w_a", Q_(1, "m"), "Isochore 'c'.control (parameter 'w_a')", "must be an energy"),
    ("w_b", Q_(2, "kg"), "QuantumAdiabat 'ch'.end (parameter 'w_b')", "must be an energy"),
    ("T_c", Q_(1, "s"), "Reservoir 'c'.temperature", "must be a temperature"),
    ("gamma_c", Q_(1, "K"), "Reservoir 'c'.coupling", "must be a rate"),
    ("tau_c", Q_(1, "m"), "Isochore 'c'.duration", "must be a duration"),
    ("tau_hc", Q_(1, "GHz"), "QuantumAdiabat 'hc'.duration", "must be a duration"),
], ids=["w in m", "w in kg", "T in s", "gamma in K", "tau in m", "tau in GHz"])
def test_wrong_dimension(field, value, where, expected):
    shown = f"{value:~P}"
    with pytest.raises(tc.DimensionError, match=every(lit(where), lit(expected), lit(f"got {shown}"))):
        fridge_si(**{field: value})


def test_wrong_dimension_in_hand_cycle():
    r_c = cold(temperature=Q_(50, "mK"), coupling=Q_(1, "MHz"))
    r_h = hot(temperature=Q_(100, "mK"), coupling=Q_(1, "MHz"))
    us = Q_(0.5, "us")
    with pytest.raises(tc.DimensionError,
                       match=every(lit("'c'.control"), lit("must be an energy"), lit("got 1 m"))):
        otto(w=(Q_(1, "m"),) * 3 + (Q_(3, "GHz"),) * 3, tau=(us,) * 4, res=(r_c, r_h))


def test_bare_inverse_time_is_ambiguous():
    with pytest.raises(tc.DimensionError,
                       match=every(lit("Isochore 'c'.control (parameter 'w_a')"), "ambiguous",
                                   lit("'rad/s'"), lit("'Hz'"), r"got 1(000000000\.0|e\+?0?9) 1/s")):
        fridge_si(w_a=Q_(1e9, "1/s"))


# --- strokes that do not join; cycle not closing --------------------------------------------------

def test_strokes_do_not_join():
    with pytest.raises(tc.CycleError,
                       match=every("strokes do not join", lit("Isochore 'c'.control = 1.0"),
                                   lit("QuantumAdiabat 'ch'.start = 1.5"),
                                   "must start at the control value where the previous one ended")):
        otto(w=(1.0, 1.5, 3.0, 3.0, 3.0, 1.0))


def test_strokes_do_not_join_with_units():
    r_c = cold(temperature=Q_(50, "mK"), coupling=Q_(1, "MHz"))
    r_h = hot(temperature=Q_(100, "mK"), coupling=Q_(1, "MHz"))
    us = Q_(0.5, "us")
    with pytest.raises(tc.CycleError,
                       match=every("strokes do not join", lit("QuantumAdiabat 'ch'.end = 3 GHz"),
                                   lit("Isochore 'h'.control = 4 GHz"))):
        otto(w=(Q_(1, "GHz"), Q_(1, "GHz"), Q_(3, "GHz"), Q_(4, "GHz"), Q_(4, "GHz"), Q_(1, "GHz")),
             tau=(us,) * 4, res=(r_c, r_h))


def test_cycle_does_not_close():
    with pytest.raises(tc.CycleError,
                       match=every("strokes do not join", lit("Isochore 'c'.control = 1.0"),
                                   lit("QuantumAdiabat 'hc'.end = 1.5"),
                                   "last must end where the first starts")):
        otto(w=(1.0, 1.0, 3.0, 3.0, 3.0, 1.5))


def test_junction_named_twice():
    w_a, other = tc.Parameter("w_a", 1.0), tc.Parameter("w_x", 1.0)
    with pytest.raises(tc.CycleError,
                       match=every(lit("Isochore 'c'.control"), lit("QuantumAdiabat 'ch'.start"),
                                   "name it differently", lit("'w_a'"), lit("'w_x'"),
                                   "use one Parameter")):
        otto(w=(w_a, other, 3.0, 3.0, 3.0, w_a))


# --- T_h <= T_c in the refrigerator factory -------------------------------------------------------

@pytest.mark.parametrize("T_c, T_h", [(2.0, 1.0), (2.0, 2.0)], ids=["T_h < T_c", "T_h == T_c"])
def test_refrigerator_needs_hot_above_cold(T_c, T_h):
    with pytest.raises(tc.ParameterError,
                       match=every(lit("quantum_otto_refrigerator"),
                                   lit("T_h must be greater than T_c"),
                                   lit(f"T_c={T_c!r}"), lit(f"T_h={T_h!r}"))):
        fridge(T_c=T_c, T_h=T_h)


def test_refrigerator_hot_above_cold_one_bad_array_element():
    with pytest.raises(tc.ParameterError,
                       match=every(lit("quantum_otto_refrigerator"), lit("T_h must be greater than T_c"),
                                   "T_c=", "T_h=", lit("element (2,)"))):
        fridge(T_c=np.array([1.0, 2.0, 3.0]), T_h=2.5)
    with pytest.raises(tc.ParameterError, match=every(lit("T_h must be greater"), lit("element (1, 2)"))):
        fridge(T_c=np.array([1.0, 2.0, 3.0]), T_h=np.array([[4.0], [2.5]]))
    with pytest.raises(tc.ParameterError, match=every(lit("T_h must be greater"), lit("element (1,)"))):
        fridge_si(T_c=Q_(np.array([50.0, 200.0]), "mK"), T_h=Q_(100, "mK"))


def test_refrigerator_compares_temperatures_in_physical_units():
    # 1 ueV is about 11.6 mK, below T_c = 50 mK
    with pytest.raises(tc.ParameterError, match=lit("T_h must be greater than T_c")):
        fridge_si(T_c=Q_(50, "mK"), T_h=Q_(1, "ueV"))
    # 0.1 K is above 50 mK even though 0.1 < 50
    fridge_si(T_c=Q_(50, "mK"), T_h=Q_(0.1, "K"))


# --- NaN and inf, for each kind of field -----------------------------------------------------------

FIELD_WHERE = {
    "T_c": "Reservoir 'c'.temperature",
    "T_h": "Reservoir 'h'.temperature",
    "gamma_c": "Reservoir 'c'.coupling",
    "w_a": "Isochore 'c'.control (parameter 'w_a')",
    "w_b": "QuantumAdiabat 'ch'.end (parameter 'w_b')",
    "tau_c": "Isochore 'c'.duration",
    "tau_ch": "QuantumAdiabat 'ch'.duration",
}
ONE_PER_KIND = ["T_c", "gamma_c", "w_a", "tau_ch"]  # temperature, rate, level frequency, duration
UNITS = {"T_c": "mK", "T_h": "mK", "gamma_c": "MHz", "w_a": "GHz", "w_b": "GHz", "tau_c": "us",
         "tau_ch": "us"}


@pytest.mark.parametrize("field", list(FIELD_WHERE))
@pytest.mark.parametrize("bad, shown", [(math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf"),
                                        (np.float64("nan"), "nan"), (np.float32("inf"), "inf")],
                         ids=["nan", "inf", "-inf", "np.float64 nan", "np.float32 inf"])
def test_non_finite_scalar(field, bad, shown):
    with pytest.raises(tc.ParameterError,
                       match=every(lit(FIELD_WHERE[field]), "must be finite", lit(f"got {shown}"))):
        fridge(**{field: bad})


@pytest.mark.parametrize("field", list(FIELD_WHERE))
@pytest.mark.parametrize("bad", [math.nan, math.inf], ids=["nan", "inf"])
def test_non_finite_quantity(field, bad):
    with pytest.raises(tc.ParameterError,
                       match=every(lit(FIELD_WHERE[field]), "must be finite",
                                   lit(f"got {Q_(bad, UNITS[field]):~P}"))):
        fridge_si(**{field: Q_(bad, UNITS[field])})


@pytest.mark.parametrize("field", list(FIELD_WHERE))
def test_non_finite_inside_arrays(field):
    base = PLAIN[field]
    with pytest.raises(tc.ParameterError,
                       match=every(lit(FIELD_WHERE[field]), "must be finite",
                                   lit("array of shape (3,)"), lit("element (1,) is nan"))):
        fridge(**{field: np.array([base, math.nan, base])})
    with pytest.raises(tc.ParameterError,
                       match=every(lit(FIELD_WHERE[field]), "must be finite",
                                   lit("element (1, 0) is inf"))):
        fridge(**{field: np.array([[base], [math.inf]])})
    with pytest.raises(tc.ParameterError,
                       match=every(lit(FIELD_WHERE[field]), "must be finite", lit("element (0,) is nan"))):
        fridge(**{field: [math.nan, base]})  # a list, too
    with pytest.raises(tc.ParameterError,
                       match=every(lit(FIELD_WHERE[field]), "must be finite", lit("element (2,) is inf"))):
        q = Q_(np.array([1.0, 2.0, math.inf]) * SI[field].magnitude, UNITS[field])
        fridge_si(**{field: q})


def test_non_finite_through_parameter_and_with_parameters():
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Reservoir 'c'.temperature (parameter 'T_bath')"),
                                   "must be finite", lit("got nan"))):
        tc.Reservoir(name="c", temperature=tc.Parameter("T_bath", math.nan), coupling=1.0)
    cycle = fridge()
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Isochore 'c'.duration"), "must be finite", lit("got inf"))):
        cycle.with_parameters(tau_c=math.inf)
    with pytest.raises(tc.ParameterError,
                       match=every(r"'ch'\.end|'h'\.control", "w_b", "must be finite",
                                   lit("element (0,) is nan"))):
        cycle.with_parameters(w_b=np.array([math.nan, 3.0]))


# --- non-numeric values ---------------------------------------------------------------------------

NON_NUMERIC = [
    ("1.0", "'1.0'"),
    (None, "None"),
    (True, "True"),
    (False, "False"),
    (np.bool_(True), r"(np\.)?True_?"),
    (1 + 2j, lit("(1+2j)")),
    ({"value": 1.0}, lit("{'value': 1.0}")),
]


@pytest.mark.parametrize("field", list(FIELD_WHERE))
@pytest.mark.parametrize("bad, shown", NON_NUMERIC,
                         ids=["str", "None", "True", "False", "np.bool_", "complex", "dict"])
def test_non_numeric_scalar(field, bad, shown):
    with pytest.raises(tc.ParameterError,
                       match=every(lit(FIELD_WHERE[field]), "must be", "got " + shown)):
        fridge(**{field: bad})


@pytest.mark.parametrize("field", ONE_PER_KIND)
@pytest.mark.parametrize("bad", [
    ["1.0", "2.0"],
    ("2.0",),
    np.array(["1.0", "2.0"]),
    [1.0, "a"],
], ids=["list of str", "tuple of str", "array of str", "mixed list"])
def test_strings_inside_sequences_are_rejected(field, bad):
    """A sequence of strings is not a number, even if the strings look like numbers."""
    with pytest.raises(tc.ParameterError, match=every(lit(FIELD_WHERE[field]), "must be", "got")):
        otto_cycle(**{field: bad})


@pytest.mark.parametrize("field", ONE_PER_KIND)
@pytest.mark.parametrize("bad", [[True, True], np.array([True, True]), [1.0, True]],
                         ids=["list of bool", "array of bool", "mixed list"])
def test_booleans_inside_sequences_are_rejected(field, bad):
    """A boolean is rejected as a scalar; it must not slip through inside an array as 1.0."""
    with pytest.raises(tc.ParameterError, match=every(lit(FIELD_WHERE[field]), "must be", "got")):
        otto_cycle(**{field: bad})


@pytest.mark.parametrize("field", ONE_PER_KIND)
def test_complex_arrays_are_rejected(field):
    """The imaginary part must not be dropped silently."""
    with pytest.raises(tc.ParameterError, match=every(lit(FIELD_WHERE[field]), "must be", "got")):
        otto_cycle(**{field: np.array([1.0 + 0.5j, 2.0 + 0.0j])})


def test_non_numeric_in_with_parameters():
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Isochore 'c'.control"), "must be", lit("got '2'"))):
        fridge().with_parameters(w_a="2")


# --- wrong component types ------------------------------------------------------------------------

@pytest.mark.parametrize("bad, shown", [
    ("cold", "'cold'"),
    ({"temperature": 1.0}, lit("{'temperature': 1.0}")),
    (None, "None"),
    (tc.Reservoir, lit("<class")),
    (tc.Parameter("c", 1.0), lit("Parameter(")),
])
def test_non_reservoir_as_reservoir(bad, shown):
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Isochore"), lit(".reservoir"), "must be a Reservoir", "got " + shown)):
        tc.Isochore(name="c", reservoir=bad, control=1.0, duration=0.5)


@pytest.mark.parametrize("bad, shown", [
    ("two-level", "'two-level'"),
    (None, "None"),
    (tc.TwoLevelSubstance, lit("<class")),  # the class, not an instance
    (cold(), lit("Reservoir(")),
])
def test_non_substance_as_substance(bad, shown):
    strokes = otto().strokes
    with pytest.raises(tc.ParameterError,
                       match=every(lit("Cycle.substance"), "must be a Substance", "got " + shown)):
        tc.Cycle(substance=bad, strokes=strokes)


def test_empty_stroke_list():
    with pytest.raises(tc.CycleError, match=every(lit("Cycle.strokes"), "at least one stroke", "got none")):
        tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[])


def test_non_stroke_in_stroke_list():
    with pytest.raises(tc.CycleError,
                       match=every(lit("Cycle.strokes[1]"), "must be a Stroke", lit("got Reservoir("))):
        tc.Cycle(substance=tc.TwoLevelSubstance(),
                 strokes=[otto().strokes[0], cold()])


@pytest.mark.parametrize("bad", [None, 3.0, "strokes"], ids=["None", "float", "str"])
def test_strokes_not_a_sequence(bad):
    with pytest.raises((tc.CycleError, tc.ParameterError), match=every(lit("Cycle.strokes"), "got")):
        tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=bad)


def test_single_stroke_instead_of_list():
    iso = otto().strokes[0]
    with pytest.raises((tc.CycleError, tc.ParameterError),
                       match=every(lit("Cycle.strokes"), "Isochore")):
        tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=iso)


# --- names ----------------------------------------------------------------------------------------

def test_duplicate_stroke_names():
    with pytest.raises(tc.CycleError,
                       match=every(lit("Cycle.strokes"), "distinct names", lit("['a']"))):
        otto(names=("c", "a", "h", "a"))


def test_two_reservoirs_with_one_name():
    with pytest.raises(tc.CycleError,
                       match=every(lit("two different reservoirs are named 'c'"),
                                   lit("temperature=1.0"), lit("temperature=2.0"), "rename")):
        otto(res=(cold(), hot(name="c")))


def test_equal_reservoirs_with_one_name_are_one_reservoir():
    cycle = otto(res=(cold(), cold()))  # equal objects: the same reservoir (a one-bath cycle)
    assert [r.name for r in cycle.reservoirs] == ["c"]


@pytest.mark.parametrize("name", ["", "1c", "c-d", "c d", "class", "None", "c\n", 3, None, b"c"])
def test_invalid_identifiers(name):
    expected = every("must be a Python identifier", lit(f"got {name!r}"))
    with pytest.raises(tc.ParameterError, match=every(lit("Reservoir.name"), expected)):
        tc.Reservoir(name=name, temperature=1.0, coupling=1.0)
    with pytest.raises(tc.ParameterError, match=every(lit("QuantumAdiabat.name"), expected)):
        tc.QuantumAdiabat(name=name, start=1.0, end=2.0, duration=0.1)
    with pytest.raises(tc.ParameterError, match=every(lit("Isochore.name"), expected)):
        tc.Isochore(name=name, reservoir=cold(), control=1.0, duration=0.1)
    with pytest.raises(tc.ParameterError, match=every(lit("Parameter.name"), expected)):
        tc.Parameter(name, 1.0)


@pytest.mark.parametrize("unknown", [{"w_c": 2.0}, {"T_cold": 1.0, "tau_c": 1.0}, {"tau": 1.0}])
def test_unknown_parameter_names(unknown):
    cycle = fridge()
    bad = sorted(set(unknown) - set(cycle.parameter_names))
    with pytest.raises(tc.ParameterError,
                       match=every("unknown parameter", lit(repr(bad)), "(?i:cycle)", "valid names",
                                   lit("T_c, gamma_c, T_h, gamma_h, w_a, w_b, tau_c, tau_ch, tau_h, tau_hc"))):
        cycle.with_parameters(**unknown)


def test_auto_junction_names_are_the_valid_names():
    with pytest.raises(tc.ParameterError, match=every(lit("['w_a']"), lit("w_1, w_2"))):
        otto().with_parameters(w_a=2.0)


# --- no unique periodic state ---------------------------------------------------------------------

ZERO_CONTACT = every("(?i:isochore)", "(?i:periodic)", r"(?i:duration|tau|contact time)",
                     r"(?i:zero|= 0\b)")


@pytest.mark.parametrize("method", ["auto", "closed_form", "linear_algebra"])
def test_all_isochores_zero_duration(method):
    with pytest.raises(tc.CycleError, match=ZERO_CONTACT):
        fridge(tau_c=0.0, tau_h=0.0).performance(method=method)


@pytest.mark.parametrize("method", ["auto", "closed_form", "linear_algebra"])
def test_all_isochores_zero_duration_with_units(method):
    with pytest.raises(tc.CycleError, match=ZERO_CONTACT):
        fridge_si(tau_c=Q_(0, "us"), tau_h=Q_(0, "ns")).performance(method=method)


@pytest.mark.parametrize("method", ["auto", "closed_form", "linear_algebra"])
def test_all_isochores_zero_duration_in_one_array_element(method):
    """A sweep with one degenerate point: the error says which element (as other array errors do)."""
    cycle = otto_cycle(tau_c=np.array([0.5, 0.0, 1.0]), tau_h=np.array([0.5, 0.0, 0.0]))
    with pytest.raises(tc.CycleError, match=every(ZERO_CONTACT, lit("element (1,)"))):
        cycle.performance(method=method)


def test_one_isochore_zero_duration_is_fine():
    perf = otto_cycle(tau_c=0.0).performance()
    assert perf.q_c == 0.0 and perf.work == 0.0
