"""Hand assembly of cycles from their parts: same results as the factory, parameter naming,
with_parameters, evolve/frozen semantics, equality with arrays, and the per-stroke ledger."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest

import thermocycles as tc

Q_ = tc.Q_

PLAIN = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.5, w_a=1.0, w_b=3.0,
             tau_c=0.5, tau_h=0.7, tau_ch=0.1, tau_hc=0.2)
SI = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(2, "MHz"),
          w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.7, "us"),
          tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.2, "us"))
FACTORY_NAMES = ("T_c", "gamma_c", "T_h", "gamma_h", "w_a", "w_b", "tau_c", "tau_ch", "tau_h", "tau_hc")
FIGURES = ["q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency", "power",
           "entropy_production", "entropy_production_rate"]
METHODS = ["closed_form", "linear_algebra"]


def by_hand(p, *, parameters=True):
    """The Otto cycle assembled from its parts (with Parameter junctions unless told otherwise)."""
    cold = tc.Reservoir(name="c", temperature=p["T_c"], coupling=p["gamma_c"])
    hot = tc.Reservoir(name="h", temperature=p["T_h"], coupling=p["gamma_h"])
    if parameters:
        w_a, w_b = tc.Parameter("w_a", p["w_a"]), tc.Parameter("w_b", p["w_b"])
    else:
        w_a, w_b = p["w_a"], p["w_b"]
    return tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=p["tau_c"]),
        tc.QuantumAdiabat(name="ch", start=w_a, end=w_b, duration=p["tau_ch"]),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=p["tau_h"]),
        tc.QuantumAdiabat(name="hc", start=w_b, end=w_a, duration=p["tau_hc"]),
    ])


def same(a, b):
    """Exact equality of two results (floats, arrays or quantities)."""
    if isinstance(a, tc.ureg.Quantity) or isinstance(b, tc.ureg.Quantity):
        assert isinstance(a, tc.ureg.Quantity) and isinstance(b, tc.ureg.Quantity)
        assert a.units == b.units
        a, b = a.magnitude, b.magnitude
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def assert_same_performance(pa, pb):
    for key in FIGURES:
        same(getattr(pa, key), getattr(pb, key))
    assert np.array_equal(np.asarray(pa.mode, dtype=str), np.asarray(pb.mode, dtype=str))
    assert pa.heat.keys() == pb.heat.keys()
    for r in pa.heat:
        same(pa.heat[r], pb.heat[r])


# --- hand assembly == factory ---------------------------------------------------------------------

ARRAYS = dict(PLAIN, w_b=np.linspace(2.5, 6.0, 4), tau_c=np.logspace(-2, 1, 3)[:, None])


@pytest.mark.parametrize("params", [PLAIN, SI, ARRAYS], ids=["plain", "units", "arrays"])
@pytest.mark.parametrize("method", METHODS)
def test_hand_assembly_equals_factory(params, method):
    hand, factory = by_hand(params), tc.quantum_otto_refrigerator(**params)
    assert hand.parameter_names == factory.parameter_names == FACTORY_NAMES
    assert hand == factory
    assert hand.has_units == factory.has_units == (params is SI)
    for name in FACTORY_NAMES:
        same(hand.parameter_specs[name].natural, factory.parameter_specs[name].natural)
        assert hand.parameter_specs[name].uses == factory.parameter_specs[name].uses
    assert_same_performance(hand.performance(method=method), factory.performance(method=method))


def test_hand_assembly_readme_claim():
    hand, factory = by_hand(PLAIN), tc.quantum_otto_refrigerator(**PLAIN)
    assert hand.performance().chi == factory.performance().chi
    assert hand.parameters == factory.parameters


def test_hand_assembly_without_parameters_names_junctions_w1_w2():
    hand = by_hand(PLAIN, parameters=False)
    assert hand.parameter_names == ("T_c", "gamma_c", "T_h", "gamma_h", "w_1", "w_2",
                                    "tau_c", "tau_ch", "tau_h", "tau_hc")
    assert hand.parameters["w_1"] == 1.0 and hand.parameters["w_2"] == 3.0
    assert hand.parameter_specs["w_1"].uses == (
        "Isochore 'c'.control", "QuantumAdiabat 'ch'.start", "QuantumAdiabat 'hc'.end")
    assert hand.parameter_specs["w_2"].uses == (
        "QuantumAdiabat 'ch'.end", "Isochore 'h'.control", "QuantumAdiabat 'hc'.start")
    # same physics as the factory, bit for bit
    assert_same_performance(hand.performance(), tc.quantum_otto_refrigerator(**PLAIN).performance())


# --- parameter naming rules -----------------------------------------------------------------------

def test_names_follow_reservoir_and_stroke_names():
    cold = tc.Reservoir(name="cold", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="hot", temperature=2.0, coupling=1.0)
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="thermalise_hot", reservoir=hot, control=3.0, duration=0.5),
        tc.QuantumAdiabat(name="expand", start=3.0, end=1.0, duration=0.1),
        tc.Isochore(name="thermalise_cold", reservoir=cold, control=1.0, duration=0.5),
        tc.QuantumAdiabat(name="compress", start=1.0, end=3.0, duration=0.1),
    ])
    # order: substance, reservoirs (in order of first contact), control junctions, stroke fields
    assert cycle.parameter_names == (
        "T_hot", "gamma_hot", "T_cold", "gamma_cold", "w_1", "w_2",
        "tau_thermalise_hot", "tau_expand", "tau_thermalise_cold", "tau_compress")
    assert cycle.parameters["w_1"] == 3.0 and cycle.parameters["w_2"] == 1.0
    assert [r.name for r in cycle.reservoirs] == ["hot", "cold"]
    # the same physics as the factory (cold isochore first): heat keyed by reservoir name
    perf = cycle.performance()
    ref = tc.quantum_otto_refrigerator(**dict(PLAIN, gamma_h=1.0, tau_h=0.5, tau_hc=0.1)).performance()
    assert set(perf.heat) == {"hot", "cold"}
    assert perf.q_c == pytest.approx(ref.q_c, rel=1e-12)
    assert perf.q_h == pytest.approx(ref.q_h, rel=1e-12)
    assert perf.heat["cold"] == pytest.approx(ref.heat["c"], rel=1e-12)


def test_parameter_names_a_reservoir_field():
    bath = tc.Reservoir(name="c", temperature=tc.Parameter("T_bath", 1.0), coupling=1.0)
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="c", reservoir=bath, control=1.0, duration=0.5),
        tc.QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.1),
        tc.Isochore(name="h", reservoir=tc.Reservoir(name="h", temperature=2.0, coupling=1.0),
                    control=3.0, duration=0.5),
        tc.QuantumAdiabat(name="hc", start=3.0, end=1.0, duration=0.1),
    ])
    assert "T_bath" in cycle.parameter_names and "T_c" not in cycle.parameter_names
    assert cycle.parameter_names[:2] == ("T_bath", "gamma_c")
    hotter = cycle.with_parameters(T_bath=0.5)
    assert hotter.strokes[0].reservoir.temperature == tc.Parameter("T_bath", 0.5)
    ref = tc.quantum_otto_cycle(**dict(PLAIN, T_c=0.5, gamma_h=1.0, tau_h=0.5, tau_hc=0.1))
    # an engine (w_b/w_a = 3 < T_h/T_c = 4): chi itself is NaN there, the ratio behind it is not
    assert hotter.performance().algebraic("chi") == pytest.approx(ref.performance().algebraic("chi"), rel=1e-12)


def test_one_parameter_at_a_junction_names_the_whole_junction():
    w_a = tc.Parameter("w_a", 1.0)
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        tc.QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.1),
        tc.Isochore(name="h", reservoir=hot, control=3.0, duration=0.5),
        tc.QuantumAdiabat(name="hc", start=3.0, end=1.0, duration=0.1),
    ])
    # the w_a junction takes the Parameter's name; the other is the first auto-named junction...
    assert cycle.parameter_names[4:6] in (("w_a", "w_2"), ("w_a", "w_1"))
    assert cycle.parameter_specs["w_a"].uses == (
        "Isochore 'c'.control", "QuantumAdiabat 'ch'.start", "QuantumAdiabat 'hc'.end")
    # ...and changing it changes all three fields, the plain ones included
    moved = cycle.with_parameters(w_a=1.5)
    assert moved.strokes[1].start == 1.5 and moved.strokes[3].end == 1.5
    assert moved.strokes[0].control == tc.Parameter("w_a", 1.5)


def test_explicit_parameter_cannot_take_an_automatic_name():
    """A Parameter named 'tau_c' on another field would collide with stroke 'c's duration."""
    with pytest.raises(tc.CycleError, match=r"'tau_c'.*Isochore 'c'\.duration.*explicit Parameter"):
        by_hand(dict(PLAIN, tau_ch=tc.Parameter("tau_c", 0.1)))


def test_one_parameter_name_two_values():
    with pytest.raises(tc.CycleError, match=r"parameter 'tau' has two values.*0\.1.*0\.2"):
        by_hand(dict(PLAIN, tau_ch=tc.Parameter("tau", 0.1), tau_hc=tc.Parameter("tau", 0.2)))


def test_one_parameter_name_two_kinds():
    with pytest.raises(tc.DimensionError, match=r"parameter 'x' is used as rate and as temperature"):
        by_hand(dict(PLAIN, T_c=tc.Parameter("x", 1.0), gamma_c=tc.Parameter("x", 1.0)))


def test_shared_coupling_parameter():
    gamma = tc.Parameter("gamma", 1.0)
    cycle = by_hand(dict(PLAIN, gamma_c=gamma, gamma_h=gamma))
    assert cycle.parameter_names == ("T_c", "gamma", "T_h", "w_a", "w_b",
                                     "tau_c", "tau_ch", "tau_h", "tau_hc")
    assert cycle.parameter_specs["gamma"].uses == ("Reservoir 'c'.coupling", "Reservoir 'h'.coupling")
    faster = cycle.with_parameters(gamma=2.0)
    ref = tc.quantum_otto_refrigerator(**dict(PLAIN, gamma_c=2.0, gamma_h=2.0))
    assert_same_performance(faster.performance(), ref.performance())


# --- a shared Parameter for both adiabat durations ------------------------------------------------

def test_shared_adiabat_duration():
    tau_adi = tc.Parameter("tau_adi", 0.1)
    cycle = by_hand(dict(PLAIN, tau_ch=tau_adi, tau_hc=tau_adi))
    assert cycle.parameter_names == ("T_c", "gamma_c", "T_h", "gamma_h", "w_a", "w_b",
                                     "tau_c", "tau_adi", "tau_h")
    assert cycle.parameter_specs["tau_adi"].uses == (
        "QuantumAdiabat 'ch'.duration", "QuantumAdiabat 'hc'.duration")
    perf = cycle.performance()
    assert perf.cycle_time == pytest.approx(0.5 + 0.7 + 2 * 0.1, rel=1e-15)
    slower = cycle.with_parameters(tau_adi=0.3)
    assert slower.strokes[1].duration == tc.Parameter("tau_adi", 0.3)
    assert slower.strokes[3].duration == tc.Parameter("tau_adi", 0.3)
    ref = tc.quantum_otto_refrigerator(**dict(PLAIN, tau_ch=0.3, tau_hc=0.3))
    for method in METHODS:
        assert_same_performance(slower.performance(method=method), ref.performance(method=method))
    assert [r.duration for r in slower.performance().strokes] == [0.5, 0.3, 0.7, 0.3]


# --- with_parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [PLAIN, SI], ids=["plain", "units"])
def test_with_parameters_w_a_changes_isochore_and_both_adiabats(params):
    new_w_a = 1.5 if params is PLAIN else Q_(1.5, "GHz")
    cycle = tc.quantum_otto_refrigerator(**params)
    moved = cycle.with_parameters(w_a=new_w_a)
    c, ch, h, hc = moved.strokes
    assert c.control == tc.Parameter("w_a", new_w_a)
    assert ch.start == tc.Parameter("w_a", new_w_a)
    assert hc.end == tc.Parameter("w_a", new_w_a)
    assert ch.end == hc.start == h.control == cycle.strokes[2].control  # w_b untouched
    assert moved.parameters["w_a"] == new_w_a
    fresh = tc.quantum_otto_cycle(**dict(params, w_a=new_w_a))  # w_b/w_a = T_h/T_c: idle
    assert moved == fresh
    assert moved.parameter_names == fresh.parameter_names
    for method in METHODS:
        assert_same_performance(moved.performance(method=method), fresh.performance(method=method))
    # the original is unchanged
    assert cycle.parameters["w_a"] == params["w_a"]
    assert cycle == tc.quantum_otto_refrigerator(**params)


def test_with_parameters_on_automatic_junction_names():
    cycle = by_hand(PLAIN, parameters=False)
    moved = cycle.with_parameters(w_1=1.5)
    c, ch, h, hc = moved.strokes
    assert c.control == ch.start == hc.end == 1.5
    assert ch.end == h.control == hc.start == 3.0
    assert_same_performance(moved.performance(),
                            tc.quantum_otto_cycle(**dict(PLAIN, w_a=1.5)).performance())


def test_with_parameters_reservoir_and_several_at_once():
    cycle = tc.quantum_otto_refrigerator(**PLAIN)
    changed = cycle.with_parameters(T_c=0.8, gamma_h=3.0, tau_hc=0.05, w_b=np.array([2.5, 4.0]))
    fresh = tc.quantum_otto_refrigerator(**dict(PLAIN, T_c=0.8, gamma_h=3.0, tau_hc=0.05,
                                                w_b=np.array([2.5, 4.0])))
    assert changed == fresh
    assert changed.strokes[0].reservoir.temperature == 0.8
    assert_same_performance(changed.performance(), fresh.performance())
    assert cycle.with_parameters() == cycle


# --- attrs.evolve re-validates; frozen objects ------------------------------------------------------

def test_evolve_revalidates():
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    assert attrs.evolve(cold, temperature=2.0).temperature == 2.0
    with pytest.raises(tc.ParameterError, match=r"Reservoir 'c'\.temperature must be > 0; got -1\.0"):
        attrs.evolve(cold, temperature=-1.0)
    with pytest.raises(tc.ParameterError, match=r"Reservoir 'c'\.coupling must be finite"):
        attrs.evolve(cold, coupling=math.nan)
    with pytest.raises(tc.DimensionError, match=r"Reservoir 'c' mixes quantities"):
        attrs.evolve(cold, temperature=Q_(1, "K"))
    with pytest.raises(tc.ParameterError, match=r"Reservoir\.name must be a Python identifier"):
        attrs.evolve(cold, name="not valid")
    iso = tc.Isochore(name="c", reservoir=cold, control=1.0, duration=0.5)
    with pytest.raises(tc.ParameterError, match=r"Isochore 'c'\.duration must be >= 0"):
        attrs.evolve(iso, duration=-0.5)
    with pytest.raises(tc.ParameterError, match=r"Isochore\.reservoir must be a Reservoir"):
        attrs.evolve(iso, reservoir="cold")
    with pytest.raises(tc.ParameterError, match=r"Parameter\.name must be a Python identifier"):
        attrs.evolve(tc.Parameter("w_a", 1.0), name="w-a")


def test_evolve_cycle_rechecks_joins():
    cycle = tc.quantum_otto_refrigerator(**PLAIN)
    c, ch, h, hc = cycle.strokes
    with pytest.raises(tc.CycleError, match=r"strokes do not join"):
        attrs.evolve(cycle, strokes=[c, attrs.evolve(ch, start=1.5), h, hc])
    with pytest.raises(tc.CycleError, match=r"distinct names"):
        attrs.evolve(cycle, strokes=[c, ch, h, attrs.evolve(hc, name="ch")])
    # a valid evolve is a valid cycle with the same results as the factory
    faster = attrs.evolve(cycle, strokes=[attrs.evolve(c, duration=0.25), ch, h, hc])
    assert_same_performance(faster.performance(),
                            tc.quantum_otto_refrigerator(**dict(PLAIN, tau_c=0.25)).performance())


def test_frozen_objects_cannot_be_mutated():
    cycle = tc.quantum_otto_refrigerator(**PLAIN)
    cold = cycle.strokes[0].reservoir
    objects_and_fields = [
        (cold, "temperature"), (cold, "name"), (cycle.strokes[0], "duration"),
        (cycle.strokes[0], "reservoir"), (cycle.strokes[1], "start"), (cycle.strokes[0].control, "value"),
        (cycle.substance, "n_levels"), (cycle, "strokes"), (cycle, "substance"),
        (cycle.performance().strokes[0], "heat"),
    ]
    for obj, field in objects_and_fields:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(obj, field, 5.0)
    assert cold.temperature == 1.0
    # accessors hand out copies
    cycle.parameters["T_c"] = 99.0
    cycle.parameter_specs.pop("T_c")
    assert cycle.parameters["T_c"] == 1.0 and "T_c" in cycle.parameter_specs
    assert isinstance(cycle.strokes, tuple)


def test_array_values_cannot_be_mutated_in_place():
    """A validated array inside a frozen component is read-only (else validation is bypassed)."""
    cycle = tc.quantum_otto_refrigerator(**dict(PLAIN, T_c=np.array([1.0, 1.5])))
    temperature = cycle.strokes[0].reservoir.temperature
    with pytest.raises(ValueError):
        temperature[1] = math.nan  # numpy raises ValueError on a read-only array
    assert np.all(np.isfinite(cycle.performance().q_c))


def test_caller_array_mutation_does_not_reach_the_cycle():
    """Mutating the array the caller passed in must not change a built (validated) cycle."""
    T_c = np.array([1.0, 1.5])
    cycle = tc.quantum_otto_refrigerator(**dict(PLAIN, T_c=T_c))
    before = np.array(cycle.performance().q_c)
    T_c[0] = -1.0  # would be rejected by validation
    np.testing.assert_array_equal(cycle.strokes[0].reservoir.temperature, [1.0, 1.5])
    np.testing.assert_array_equal(cycle.performance().q_c, before)


def test_ledger_arrays_cannot_be_mutated_in_place():
    """StrokeRecord is frozen; its population arrays must not be writable (they are shared
    between neighbouring records: the end of one stroke is the start of the next)."""
    perf = tc.quantum_otto_refrigerator(**PLAIN).performance()
    first, second = perf.strokes[0], perf.strokes[1]
    before = second.populations_start.copy()
    try:
        first.populations_end[0] = 5.0
    except ValueError:
        pass
    np.testing.assert_array_equal(perf.strokes[1].populations_start, before)
    np.testing.assert_array_equal(second.populations_start, before)


# --- equality of components with array values -------------------------------------------------------

def test_reservoir_array_equality():
    a = tc.Reservoir(name="c", temperature=np.array([1.0, 2.0]), coupling=1.0)
    assert a == tc.Reservoir(name="c", temperature=[1.0, 2.0], coupling=1.0)
    assert a == tc.Reservoir(name="c", temperature=(1, 2), coupling=1)
    assert a != tc.Reservoir(name="c", temperature=np.array([1.0, 3.0]), coupling=1.0)
    assert a != tc.Reservoir(name="c", temperature=np.array([1.0, 2.0, 3.0]), coupling=1.0)
    assert a != tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    assert a != tc.Reservoir(name="c", temperature=np.array([[1.0, 2.0]]), coupling=1.0)
    assert a != tc.Reservoir(name="d", temperature=np.array([1.0, 2.0]), coupling=1.0)
    assert not (a == tc.Reservoir(name="c", temperature=np.array([1.0, 3.0]), coupling=1.0))


def test_quantity_array_equality():
    a = tc.Reservoir(name="c", temperature=Q_(np.array([500.0, 250.0]), "mK"), coupling=Q_(1, "MHz"))
    assert a == tc.Reservoir(name="c", temperature=Q_(np.array([500.0, 250.0]), "mK"),
                             coupling=Q_(1, "MHz"))
    assert a == tc.Reservoir(name="c", temperature=Q_(np.array([0.5, 0.25]), "K"),
                             coupling=Q_(1e6, "1/s"))
    assert a != tc.Reservoir(name="c", temperature=Q_(np.array([500.0, 260.0]), "mK"),
                             coupling=Q_(1, "MHz"))
    # a quantity is never equal to a plain number
    assert a != tc.Reservoir(name="c", temperature=np.array([0.5, 0.25]), coupling=1.0)


def test_stroke_and_parameter_array_equality():
    res = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    iso = tc.Isochore(name="c", reservoir=res, control=np.array([1.0, 2.0]), duration=0.5)
    assert iso == tc.Isochore(name="c", reservoir=res, control=[1.0, 2.0], duration=0.5)
    assert iso != tc.Isochore(name="c", reservoir=res, control=[1.0, 2.5], duration=0.5)
    assert iso != tc.Isochore(name="c", reservoir=res, control=[1.0, 2.0], duration=[0.5, 0.5])
    p = tc.Parameter("w", np.array([1.0, 2.0]))
    assert p == tc.Parameter("w", [1.0, 2.0])
    assert p != tc.Parameter("w", [1.0, 2.5])
    assert p != tc.Parameter("v", [1.0, 2.0])
    assert p != 1.0 and p != "w"
    adi = tc.QuantumAdiabat(name="a", start=p, end=3.0, duration=0.1)
    assert adi == tc.QuantumAdiabat(name="a", start=tc.Parameter("w", [1.0, 2.0]), end=3.0, duration=0.1)
    assert adi != tc.QuantumAdiabat(name="a", start=np.array([1.0, 2.0]), end=3.0, duration=0.1)


def test_cycle_array_equality():
    a = tc.quantum_otto_refrigerator(**ARRAYS)
    assert a == tc.quantum_otto_refrigerator(**ARRAYS)
    assert a != tc.quantum_otto_refrigerator(**dict(ARRAYS, w_b=np.linspace(2.5, 6.5, 4)))
    assert a != tc.quantum_otto_refrigerator(**PLAIN)


# --- the per-stroke ledger ------------------------------------------------------------------------

def occupation(p):
    """n = p_g + 2 p_e."""
    return p[..., 0] + 2 * p[..., 1]


@pytest.mark.parametrize("params", [PLAIN, ARRAYS], ids=["scalar", "arrays"])
@pytest.mark.parametrize("method", METHODS)
def test_ledger(params, method):
    perf = tc.quantum_otto_refrigerator(**params).performance(method=method)
    recs = perf.strokes
    assert len(recs) == 4
    assert [r.name for r in recs] == ["c", "ch", "h", "hc"]
    assert [r.kind for r in recs] == ["Isochore", "QuantumAdiabat", "Isochore", "QuantumAdiabat"]
    for rec, key in zip(recs, ["tau_c", "tau_ch", "tau_h", "tau_hc"]):
        np.testing.assert_array_equal(np.broadcast_to(rec.duration, np.shape(rec.duration)),
                                      np.broadcast_to(params[key], np.shape(rec.duration)))
    # heat keyed by reservoir name; adiabats exchange none
    assert [set(r.heat) for r in recs] == [{"c"}, set(), {"h"}, set()]
    rtol = 1e-12
    np.testing.assert_allclose(recs[0].heat["c"], perf.heat["c"], rtol=rtol)
    np.testing.assert_allclose(recs[2].heat["h"], perf.heat["h"], rtol=rtol)
    np.testing.assert_allclose(recs[0].heat["c"], perf.q_c, rtol=rtol)
    np.testing.assert_allclose(-recs[2].heat["h"], perf.q_h, rtol=rtol)
    # isochores do no work; the strokes' work adds up to the cycle's
    np.testing.assert_array_equal(recs[0].work, 0.0 * np.asarray(recs[0].work))
    np.testing.assert_array_equal(recs[2].work, 0.0 * np.asarray(recs[2].work))
    np.testing.assert_allclose(sum(r.work for r in recs), perf.work, rtol=1e-10)
    # corners chain: end of one = start of next, last end = first start
    for k in range(4):
        a, b = recs[k], recs[(k + 1) % 4]
        np.testing.assert_allclose(a.populations_end, b.populations_start, rtol=0, atol=1e-14)
        np.testing.assert_allclose(a.control_end, b.control_start, rtol=1e-15)
    for rec in recs:
        for p in (rec.populations_start, rec.populations_end):
            assert p.shape[-1] == 2
            np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-14)
            assert np.all((p >= 0) & (p <= 1))
    # adiabats freeze populations; isochores hold the control value
    for k in (1, 3):
        np.testing.assert_array_equal(recs[k].populations_start, recs[k].populations_end)
    # every ledger entry has the record's batch shape (StrokeRecord / Performance.strokes)
    shape = np.shape(perf.work)
    w_a, w_b = (np.broadcast_to(params[k], shape) for k in ("w_a", "w_b"))
    for k, w in ((0, w_a), (1, w_a), (2, w_b), (3, w_b)):
        np.testing.assert_allclose(recs[k].control_start, w, rtol=1e-15)
    for k, w in ((0, w_a), (1, w_b), (2, w_b), (3, w_a)):
        np.testing.assert_allclose(recs[k].control_end, w, rtol=1e-15)
    # heat on an isochore = w dn; work on an adiabat = n dw (docs/explanation/physics.md, section 3)
    n1, n2 = occupation(recs[0].populations_start), occupation(recs[0].populations_end)
    np.testing.assert_allclose(recs[0].heat["c"], w_a * (n2 - n1), rtol=1e-9)
    np.testing.assert_allclose(recs[2].heat["h"], w_b * (n1 - n2), rtol=1e-9)
    np.testing.assert_allclose(recs[1].work, n2 * (w_b - w_a), rtol=1e-12)
    np.testing.assert_allclose(recs[3].work, n1 * (w_a - w_b), rtol=1e-12)


def test_ledger_methods_agree():
    cycle = tc.quantum_otto_refrigerator(**ARRAYS)
    cf, la = (cycle.performance(method=m).strokes for m in METHODS)
    for a, b in zip(cf, la):
        assert (a.name, a.kind) == (b.name, b.kind)
        np.testing.assert_allclose(a.populations_start, b.populations_start, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(a.populations_end, b.populations_end, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(a.work, b.work, rtol=1e-10, atol=1e-15)
        assert a.heat.keys() == b.heat.keys()
        for r in a.heat:
            np.testing.assert_allclose(a.heat[r], b.heat[r], rtol=1e-10)


@pytest.mark.parametrize("method", METHODS)
def test_ledger_with_units_and_other_names(method):
    cold = tc.Reservoir(name="fridge", temperature=SI["T_c"], coupling=SI["gamma_c"])
    hot = tc.Reservoir(name="room", temperature=SI["T_h"], coupling=SI["gamma_h"])
    w_a, w_b = tc.Parameter("w_a", SI["w_a"]), tc.Parameter("w_b", SI["w_b"])
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="cool", reservoir=cold, control=w_a, duration=SI["tau_c"]),
        tc.QuantumAdiabat(name="up", start=w_a, end=w_b, duration=SI["tau_ch"]),
        tc.Isochore(name="dump", reservoir=hot, control=w_b, duration=SI["tau_h"]),
        tc.QuantumAdiabat(name="down", start=w_b, end=w_a, duration=SI["tau_hc"]),
    ])
    assert cycle.parameter_names == ("T_fridge", "gamma_fridge", "T_room", "gamma_room", "w_a", "w_b",
                                     "tau_cool", "tau_up", "tau_dump", "tau_down")
    perf = cycle.performance(method=method)
    recs = perf.strokes
    assert [r.name for r in recs] == ["cool", "up", "dump", "down"]
    assert [set(r.heat) for r in recs] == [{"fridge"}, set(), {"room"}, set()]
    assert [r.duration.m_as("us") for r in recs] == pytest.approx([0.5, 0.1, 0.7, 0.2], rel=1e-12)
    assert recs[0].heat["fridge"].m_as("J") == pytest.approx(perf.q_c.m_as("J"), rel=1e-12)
    assert recs[0].heat["fridge"].m_as("J") == pytest.approx(perf.heat["fridge"].m_as("J"), rel=1e-12)
    total_work = sum((r.work for r in recs), Q_(0.0, "J"))
    assert total_work.m_as("J") == pytest.approx(perf.work.m_as("J"), rel=1e-10)
    for k in range(4):
        np.testing.assert_allclose(recs[k].populations_end, recs[(k + 1) % 4].populations_start,
                                   rtol=0, atol=1e-14)
    ref = tc.quantum_otto_refrigerator(**SI).performance(method=method)
    assert perf.chi.m_as("W") == ref.chi.m_as("W")
