"""The unit boundary: conversion of quantities to natural units, and what comes back out.

Every expected number here is computed from SI constants typed in below (exact since the 2019
SI redefinition), not from the package's own constants.
"""

from __future__ import annotations

import math

import numpy as np
import pint
import pytest

import thermocycles as tc
from thermocycles.units import ENERGY, RATE, TEMPERATURE, TIME, to_natural

Q_ = tc.Q_

# --- SI constants, typed by hand (all exact in the SI since 2019) -------------------------------
H = 6.62607015e-34  # Planck constant, J s
HBAR = H / (2 * math.pi)  # reduced Planck constant, J s (= 1.054571817...e-34)
KB = 1.380649e-23  # Boltzmann constant, J/K
E_CHARGE = 1.602176634e-19  # elementary charge, C (1 eV in J)

# The package's natural units: energy E0 = k_B * 1 K, time t0 = hbar / E0.
E0 = KB * 1.0
T0 = HBAR / E0

# Conversion tests check the logic (2 pi factors, prefixes, which path a unit takes) at this
# tolerance; the exactness of hbar is checked separately in test_hbar_is_h_over_two_pi.
RTOL = 1e-9

# A reference set of physical parameters (all with units).
SI = dict(
    T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(2, "MHz"),
    w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"),
    tau_c=Q_(0.5, "us"), tau_h=Q_(0.7, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.2, "us"),
)
PLAIN = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.5, w_a=1.0, w_b=3.0,
             tau_c=0.5, tau_h=0.7, tau_ch=0.1, tau_hc=0.2)


def natural_of(name, value):
    """The natural-unit value the package assigns to parameter ``name`` given ``value``.

    Builds the (unconstrained) Otto cycle with every other parameter from SI, so the value goes
    through the full public path (component validation, parameter table).
    """
    kw = dict(SI)
    kw[name] = value
    if name == "w_a":  # keep the junction values distinct, in the same unit as given
        kw["w_b"] = 3 * value
    cycle = tc.quantum_otto_cycle(**kw)
    return cycle.parameter_specs[name].natural


# --- conversions of each kind ---------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (Q_(50, "mK"), 0.05),
    (Q_(2, "K"), 2.0),
    (Q_(300, "uK"), 300e-6),
    (Q_(10, "ueV"), 10e-6 * E_CHARGE / E0),  # an energy k_B T
    (Q_(1e-25, "J"), 1e-25 / E0),
], ids=["mK", "K", "uK", "ueV", "J"])
def test_temperature_conversion(value, expected):
    assert natural_of("T_c", value) == pytest.approx(expected, rel=RTOL)
    assert to_natural(value, TEMPERATURE, "X.y") == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("value, expected", [
    # an energy is used as it is
    (Q_(20, "ueV"), 20e-6 * E_CHARGE / E0),
    (Q_(3e-25, "J"), 3e-25 / E0),
    # an angle per time is an angular frequency: E = hbar * w
    (Q_(2e9, "rad/s"), HBAR * 2e9 / E0),
    (Q_(1, "rad*GHz"), HBAR * 1e9 / E0),
    (Q_(1, "GHz*rad"), HBAR * 1e9 / E0),
    (Q_(1, "turn/s"), HBAR * 2 * math.pi / E0),  # one turn = 2 pi rad
    (Q_(5, "turn*GHz"), HBAR * 2 * math.pi * 5e9 / E0),
    # hertz is an ordinary frequency: E = h nu = hbar 2 pi nu
    (Q_(5, "GHz"), H * 5e9 / E0),
    (Q_(5e9, "Hz"), H * 5e9 / E0),
    (Q_(250, "MHz"), H * 250e6 / E0),
], ids=["ueV", "J", "rad/s", "rad*GHz", "GHz*rad", "turn/s", "turn*GHz", "GHz", "Hz", "MHz"])
def test_level_frequency_conversion(value, expected):
    assert natural_of("w_a", value) == pytest.approx(expected, rel=RTOL)
    assert to_natural(value, ENERGY, "X.y") == pytest.approx(expected, rel=RTOL)


def test_ordinary_frequency_is_two_pi_times_angular():
    """A 5 GHz qubit (nu) and w = 2 pi * 5 GHz rad/s are the same level energy."""
    nu = natural_of("w_a", Q_(5, "GHz"))
    w = natural_of("w_a", Q_(2 * math.pi * 5, "rad*GHz"))
    assert nu == pytest.approx(w, rel=1e-12)
    assert natural_of("w_a", Q_(5, "GHz")) == pytest.approx(
        2 * math.pi * natural_of("w_a", Q_(5, "rad*GHz")), rel=1e-12)


@pytest.mark.parametrize("value", [Q_(1e9, "1/s"), Q_(1, "1/ns"), Q_(3, "s**-1")],
                         ids=["1/s", "1/ns", "s**-1"])
def test_bare_inverse_time_rejected_as_level_frequency(value):
    with pytest.raises(tc.DimensionError, match=r"(?s)(?=.*ambiguous)(?=.*rad/s)(?=.*'Hz')"
                                                r"(?=.*Isochore 'c'\.control)(?=.*w_a)"):
        natural_of("w_a", value)
    with pytest.raises(tc.DimensionError, match=r"ambiguous.*rad/s.*Hz"):
        to_natural(value, ENERGY, "X.y")


@pytest.mark.parametrize("value, expected", [
    (Q_(1, "MHz"), 1e6 * T0),  # a rate: no 2 pi
    (Q_(1e6, "1/s"), 1e6 * T0),
    (Q_(1, "1/us"), 1e6 * T0),
    (Q_(2.5, "kHz"), 2.5e3 * T0),
    (Q_(1, "ueV"), 1e-6 * E_CHARGE / E0),  # an energy hbar*gamma: gamma t0 = E / E0
], ids=["MHz", "1/s", "1/us", "kHz", "ueV"])
def test_rate_conversion(value, expected):
    assert natural_of("gamma_c", value) == pytest.approx(expected, rel=RTOL)
    assert to_natural(value, RATE, "X.y") == pytest.approx(expected, rel=RTOL)


def test_same_megahertz_is_a_rate_for_coupling_but_h_nu_for_a_level():
    """Q_(1, 'MHz') as a coupling is 1e6/s; as a level frequency it is h * 1 MHz (2 pi more)."""
    q = Q_(1, "MHz")
    gamma = natural_of("gamma_c", q)
    w = natural_of("w_a", q)
    assert w / gamma == pytest.approx(2 * math.pi, rel=1e-12)


@pytest.mark.parametrize("value, expected", [
    (Q_(1, "us"), 1e-6 / T0),
    (Q_(2, "s"), 2.0 / T0),
    (Q_(3, "ns"), 3e-9 / T0),
    (Q_(0, "us"), 0.0),
], ids=["us", "s", "ns", "zero"])
def test_duration_conversion(value, expected):
    assert natural_of("tau_c", value) == pytest.approx(expected, rel=RTOL, abs=0.0)
    assert natural_of("tau_ch", value) == pytest.approx(expected, rel=RTOL, abs=0.0)
    assert to_natural(value, TIME, "X.y") == pytest.approx(expected, rel=RTOL, abs=0.0)


def test_gamma_tau_is_dimensionless_and_scale_free():
    """x = 2 gamma tau from 1 MHz and 0.5 us is exactly 1, whatever the natural time unit."""
    cycle = tc.quantum_otto_cycle(**SI)
    spec = cycle.parameter_specs
    assert 2 * spec["gamma_c"].natural * spec["tau_c"].natural == pytest.approx(1.0, rel=1e-12)


def test_beta_w_from_temperature_and_frequency():
    """beta_c w_a = h * 1 GHz / (k_B * 50 mK), computed from typed constants."""
    spec = tc.quantum_otto_cycle(**SI).parameter_specs
    assert spec["w_a"].natural / spec["T_c"].natural == pytest.approx(H * 1e9 / (KB * 0.05), rel=RTOL)


def test_hbar_is_h_over_two_pi():
    """Since 2019 h is exact and hbar = h / (2 pi) exactly: a level given as 5 GHz and the same
    energy given in joule (h * 5 GHz) must convert to the same natural number to round-off, and a
    duration must convert with t0 = hbar / (k_B * 1 K) to round-off."""
    nu = 5e9
    via_hertz = to_natural(Q_(nu, "Hz"), ENERGY, "X.y")
    via_joule = to_natural(Q_(H * nu, "J"), ENERGY, "X.y")
    assert via_hertz == pytest.approx(via_joule, rel=1e-12)
    assert to_natural(Q_(1, "s"), TIME, "X.y") == pytest.approx(1.0 / T0, rel=1e-12)


@pytest.mark.parametrize("name, value, expected", [
    ("T_c", Q_(1, "s"), "a temperature"),
    ("gamma_c", Q_(1, "K"), "a rate"),
    ("tau_c", Q_(1, "K"), "a duration"),
    ("tau_ch", Q_(1, "MHz"), "a duration"),
    ("w_a", Q_(1, "m"), "an energy"),
    ("w_a", Q_(1, "s"), "an energy"),
], ids=["T in s", "gamma in K", "tau in K", "tau_ch in MHz", "w in m", "w in s"])
def test_wrong_dimension_rejected(name, value, expected):
    with pytest.raises(tc.DimensionError, match=rf"must be {expected}.*got 1 \w+"):
        natural_of(name, value)


def test_junction_accepts_the_same_value_in_different_units():
    """1 GHz, 1000 MHz, 1e9 Hz and 2 pi rad*GHz are one level frequency: the strokes join."""
    cold = tc.Reservoir(name="c", temperature=Q_(50, "mK"), coupling=Q_(1, "MHz"))
    hot = tc.Reservoir(name="h", temperature=Q_(100, "mK"), coupling=Q_(1, "MHz"))
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=Q_(1, "GHz"), duration=Q_(1, "us")),
        tc.QuantumAdiabat(name="ch", start=Q_(1000, "MHz"), end=Q_(3, "GHz"), duration=Q_(1, "us")),
        tc.Isochore(name="h", reservoir=hot, control=Q_(2 * math.pi * 3, "rad*GHz"),
                    duration=Q_(1, "us")),
        tc.QuantumAdiabat(name="hc", start=Q_(3e9, "Hz"), end=Q_(1e9, "Hz"), duration=Q_(1, "us")),
    ])
    assert cycle.parameter_specs["w_1"].natural == pytest.approx(H * 1e9 / E0, rel=RTOL)
    assert cycle.parameter_specs["w_2"].natural == pytest.approx(H * 3e9 / E0, rel=RTOL)


# --- the same physics in natural and in physical units ------------------------------------------

# Two physical parameter sets: one cools (w_b / w_a = 3 > T_h / T_c = 2), one runs as an engine.
PHYSICAL_SETS = {
    "refrigerator": dict(T_c_mK=50.0, T_h_mK=100.0, gc_MHz=1.0, gh_MHz=2.0, wa_GHz=1.0, wb_GHz=3.0,
                         tc_us=0.5, th_us=0.7, tch_us=0.1, thc_us=0.2),
    "engine": dict(T_c_mK=30.0, T_h_mK=120.0, gc_MHz=3.0, gh_MHz=0.5, wa_GHz=2.0, wb_GHz=4.0,
                   tc_us=0.2, th_us=1.5, tch_us=0.05, thc_us=0.3),
}

# Two choices of natural energy unit (the package's k_B * 1 K, and h * 1 GHz); the dimensionless
# results must not depend on it.
ENERGY_UNITS = {"kB*1K": KB * 1.0, "h*1GHz": H * 1e9}


def physical_cycle(p):
    return tc.quantum_otto_cycle(  # the refrigerator and the engine set
        T_c=Q_(p["T_c_mK"], "mK"), T_h=Q_(p["T_h_mK"], "mK"),
        gamma_c=Q_(p["gc_MHz"], "MHz"), gamma_h=Q_(p["gh_MHz"], "MHz"),
        w_a=Q_(p["wa_GHz"], "GHz"), w_b=Q_(p["wb_GHz"], "GHz"),
        tau_c=Q_(p["tc_us"], "us"), tau_h=Q_(p["th_us"], "us"),
        tau_ch=Q_(p["tch_us"], "us"), tau_hc=Q_(p["thc_us"], "us"))


def natural_numbers(p, e_unit):
    """The same physics as plain numbers, converted by hand with energy unit e_unit."""
    t_unit = HBAR / e_unit
    temp = lambda mK: KB * mK * 1e-3 / e_unit  # noqa: E731
    freq = lambda GHz: H * GHz * 1e9 / e_unit  # noqa: E731  ordinary frequency: E = h nu
    rate = lambda MHz: MHz * 1e6 * t_unit  # noqa: E731  a rate: no 2 pi
    time = lambda us: us * 1e-6 / t_unit  # noqa: E731
    return dict(T_c=temp(p["T_c_mK"]), T_h=temp(p["T_h_mK"]),
                gamma_c=rate(p["gc_MHz"]), gamma_h=rate(p["gh_MHz"]),
                w_a=freq(p["wa_GHz"]), w_b=freq(p["wb_GHz"]),
                tau_c=time(p["tc_us"]), tau_h=time(p["th_us"]),
                tau_ch=time(p["tch_us"]), tau_hc=time(p["thc_us"]))


def dimensionless_si(perf, p):
    """Dimensionless figures from a performance record with units."""
    kT_c = KB * p["T_c_mK"] * 1e-3  # J
    gamma_c = p["gc_MHz"] * 1e6  # 1/s
    return dict(
        cop=perf.cop, efficiency=perf.efficiency,
        q_c=perf.q_c.m_as("J") / kT_c, q_h=perf.q_h.m_as("J") / kT_c,
        work=perf.work.m_as("J") / kT_c,
        chi=perf.chi.m_as("W") / (kT_c * gamma_c),
        cooling_rate=perf.cooling_rate.m_as("W") / (kT_c * gamma_c),
        power=perf.power.m_as("W") / (kT_c * gamma_c),
        cycle_time=perf.cycle_time.m_as("s") * gamma_c,
        entropy_production=perf.entropy_production.m_as("J/K") / KB,
        entropy_production_rate=perf.entropy_production_rate.m_as("W/K") / (KB * gamma_c),
    )


def dimensionless_natural(perf, n):
    kT_c, gamma_c = n["T_c"], n["gamma_c"]
    return dict(
        cop=perf.cop, efficiency=perf.efficiency,
        q_c=perf.q_c / kT_c, q_h=perf.q_h / kT_c, work=perf.work / kT_c,
        chi=perf.chi / (kT_c * gamma_c), cooling_rate=perf.cooling_rate / (kT_c * gamma_c),
        power=perf.power / (kT_c * gamma_c), cycle_time=perf.cycle_time * gamma_c,
        entropy_production=perf.entropy_production,
        entropy_production_rate=perf.entropy_production_rate / gamma_c,
    )


@pytest.mark.parametrize("e_unit", list(ENERGY_UNITS), ids=list(ENERGY_UNITS))
@pytest.mark.parametrize("which", list(PHYSICAL_SETS))
@pytest.mark.parametrize("method", ["closed_form", "linear_algebra"])
def test_natural_and_physical_units_agree(which, e_unit, method):
    p = PHYSICAL_SETS[which]
    n = natural_numbers(p, ENERGY_UNITS[e_unit])
    perf_si = physical_cycle(p).performance(method=method)
    perf_nat = tc.quantum_otto_cycle(**n).performance(method=method)
    assert perf_si.has_units and not perf_nat.has_units
    si, nat = dimensionless_si(perf_si, p), dimensionless_natural(perf_nat, n)
    for key in si:
        # nan_ok: a figure of the other mode (cop of the engine, efficiency of the refrigerator) is
        # NaN in both records; the mode is checked next
        assert si[key] == pytest.approx(nat[key], rel=1e-8, nan_ok=True), key
    assert perf_si.mode == perf_nat.mode == tc.Mode(which)
    # the figures are nontrivial (the comparison above is not 0 == 0)
    assert abs(nat["q_c"]) > 1e-3 and abs(nat["entropy_production"]) > 1e-4


@pytest.mark.parametrize("which", list(PHYSICAL_SETS))
def test_physical_cycle_natural_values_match_hand_conversion(which):
    """The package's own natural values are the hand conversion with E0 = k_B * 1 K."""
    p = PHYSICAL_SETS[which]
    n = natural_numbers(p, KB * 1.0)
    cycle = physical_cycle(p)
    for name, value in n.items():
        assert cycle.parameter_specs[name].natural == pytest.approx(value, rel=RTOL), name
    # and perf.natural() then equals the plain-number cycle's results
    nat = physical_cycle(p).performance().natural()
    plain = tc.quantum_otto_cycle(**n).performance()
    for key in ["q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency",
                "power", "entropy_production", "entropy_production_rate"]:
        assert getattr(nat, key) == pytest.approx(getattr(plain, key), rel=1e-8, nan_ok=True), key
    assert nat.mode == plain.mode == tc.Mode(which)


def test_cop_is_frequency_ratio_in_any_unit():
    """COP = w_a / (w_b - w_a) whatever unit the frequencies carry (mixed across fields too)."""
    kw = dict(SI, w_a=Q_(1, "GHz"), w_b=Q_(2 * math.pi * 3, "rad*GHz"))
    perf = tc.quantum_otto_refrigerator(**kw).performance()
    assert perf.cop == pytest.approx(0.5, rel=1e-12)
    kw = dict(SI, w_a=Q_(H * 1e9 / E_CHARGE * 1e6, "ueV"), w_b=Q_(3, "GHz"))
    assert tc.quantum_otto_refrigerator(**kw).performance().cop == pytest.approx(0.5, rel=1e-8)


# --- results carry units when inputs do ------------------------------------------------------------

EXPECTED_UNITS = {
    "q_c": "J", "q_h": "J", "work": "J", "cycle_time": "s", "cooling_rate": "W", "chi": "W",
    "power": "W", "entropy_production": "J/K", "entropy_production_rate": "W/K",
}


@pytest.mark.parametrize("method", ["closed_form", "linear_algebra"])
def test_results_carry_units(method):
    perf = tc.quantum_otto_refrigerator(**SI).performance(method=method)
    assert perf.has_units
    for key, unit in EXPECTED_UNITS.items():
        value = getattr(perf, key)
        assert isinstance(value, tc.ureg.Quantity), key
        assert value.units == tc.ureg.Unit(unit), (key, value.units)
    for key in ["cop", "efficiency"]:
        assert not isinstance(getattr(perf, key), pint.Quantity), key
        assert isinstance(float(getattr(perf, key)), float)
    assert isinstance(perf.mode, tc.Mode)
    for name, q in perf.heat.items():
        assert q.units == tc.ureg.joule, name
    for name, t in perf.temperatures.items():
        assert t.units == tc.ureg.kelvin, name
    assert perf.temperatures["c"].m_as("mK") == pytest.approx(50.0)
    for rec in perf.strokes:
        assert rec.duration.units == tc.ureg.second
        assert rec.work.units == tc.ureg.joule
        assert all(q.units == tc.ureg.joule for q in rec.heat.values())
        assert rec.control_start.units == tc.ureg.joule
    # the control value comes back as the level energy h * nu
    assert perf.strokes[0].control_start.m_as("J") == pytest.approx(H * 1e9, rel=RTOL)
    assert perf.strokes[0].duration.m_as("us") == pytest.approx(0.5, rel=RTOL)
    assert perf.cycle_time.m_as("us") == pytest.approx(0.5 + 0.7 + 0.1 + 0.2, rel=RTOL)


def test_results_magnitudes_are_natural_values_times_scales():
    perf = tc.quantum_otto_refrigerator(**SI).performance()
    nat = perf.natural()
    assert perf.q_c.m_as("J") == pytest.approx(nat.q_c * E0, rel=RTOL)
    assert perf.cycle_time.m_as("s") == pytest.approx(nat.cycle_time * T0, rel=RTOL)
    assert perf.chi.m_as("W") == pytest.approx(nat.chi * E0 / T0, rel=RTOL)
    assert perf.entropy_production.m_as("J/K") == pytest.approx(nat.entropy_production * KB,
                                                                rel=RTOL)


@pytest.mark.parametrize("method", ["closed_form", "linear_algebra"])
def test_plain_inputs_give_plain_floats(method):
    perf = tc.quantum_otto_refrigerator(**PLAIN).performance(method=method)
    assert not perf.has_units
    for key in [*EXPECTED_UNITS, "cop", "efficiency"]:
        value = getattr(perf, key)
        assert not isinstance(value, pint.Quantity), key
        assert isinstance(value, (float, np.floating)), (key, type(value))
    assert all(not isinstance(q, pint.Quantity) for q in perf.heat.values())
    for rec in perf.strokes:
        assert not isinstance(rec.duration, pint.Quantity)
        assert not isinstance(rec.work, pint.Quantity)
    nat = perf.natural()
    assert not nat.has_units and nat.q_c == perf.q_c and nat.chi == perf.chi


def test_natural_strips_units():
    perf = tc.quantum_otto_refrigerator(**SI).performance()
    nat = perf.natural()
    assert not nat.has_units
    for key in [*EXPECTED_UNITS, "cop", "efficiency"]:
        value = getattr(nat, key)
        assert not isinstance(value, pint.Quantity), key
        assert isinstance(value, (float, np.floating)), (key, type(value))
    assert all(not isinstance(q, pint.Quantity) for q in nat.heat.values())
    for rec in nat.strokes:
        assert not isinstance(rec.duration, pint.Quantity)
        assert not isinstance(rec.control_start, pint.Quantity)
    assert nat.mode == perf.mode
    # the original keeps its units
    assert isinstance(perf.q_c, pint.Quantity)


# --- mixing plain numbers and quantities --------------------------------------------------------

MIX_MSG = r"plain numbers are read in natural units"


def test_mixing_within_a_reservoir():
    with pytest.raises(tc.DimensionError,
                       match=r"Reservoir 'c' mixes quantities with units \(Reservoir 'c'\.temperature\) "
                             r"and plain numbers \(Reservoir 'c'\.coupling\).*" + MIX_MSG):
        tc.Reservoir(name="c", temperature=Q_(50, "mK"), coupling=1.0)
    with pytest.raises(tc.DimensionError,
                       match=r"\(Reservoir 'h'\.coupling\) and plain numbers "
                             r"\(Reservoir 'h'\.temperature\)"):
        tc.Reservoir(name="h", temperature=0.1, coupling=Q_(1, "MHz"))


def test_mixing_within_a_stroke():
    with pytest.raises(tc.DimensionError, match=r"QuantumAdiabat 'ch' mixes.*" + MIX_MSG):
        tc.QuantumAdiabat(name="ch", start=Q_(1, "GHz"), end=Q_(3, "GHz"), duration=0.1)
    with pytest.raises(tc.DimensionError, match=r"Isochore 'c' mixes.*'c'\.control.*" + MIX_MSG):
        tc.Isochore(name="c", reservoir=tc.Reservoir(name="c", temperature=1.0, coupling=1.0),
                    control=tc.Parameter("w_a", Q_(1, "GHz")), duration=0.5)


def test_mixing_across_components_of_one_cycle():
    cold = tc.Reservoir(name="c", temperature=Q_(50, "mK"), coupling=Q_(1, "MHz"))
    hot = tc.Reservoir(name="h", temperature=Q_(100, "mK"), coupling=Q_(1, "MHz"))
    with pytest.raises(tc.DimensionError,
                       match=r"(?s)^Cycle mixes quantities with units \(.*Reservoir 'c'\.temperature.*\) "
                             r"and plain numbers \(.*Isochore 'c'\.duration.*\).*" + MIX_MSG):
        tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
            tc.Isochore(name="c", reservoir=cold, control=1.0, duration=0.5),
            tc.QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.1),
            tc.Isochore(name="h", reservoir=hot, control=3.0, duration=0.5),
            tc.QuantumAdiabat(name="hc", start=3.0, end=1.0, duration=0.1),
        ])


@pytest.mark.parametrize("plain", ["T_c", "gamma_h", "w_a", "w_b", "tau_c", "tau_hc"])
def test_mixing_in_factory(plain):
    kw = dict(SI)
    kw[plain] = PLAIN[plain]
    with pytest.raises(tc.DimensionError, match=r"mixes quantities with units.*" + MIX_MSG):
        tc.quantum_otto_refrigerator(**kw)


def test_with_parameters_cannot_mix():
    cycle = tc.quantum_otto_refrigerator(**PLAIN)
    with pytest.raises(tc.DimensionError, match=r"mixes quantities with units"):
        cycle.with_parameters(tau_c=Q_(1, "us"))
    cycle_si = tc.quantum_otto_refrigerator(**SI)
    with pytest.raises(tc.DimensionError, match=r"mixes quantities with units"):
        cycle_si.with_parameters(T_c=0.05)


def test_the_registry_is_pints_application_registry():
    """Quantities unpickled in another process land in pint's application registry: it must be
    the package's, so that they can be compared with the cycle's."""
    assert tc.ureg is pint.get_application_registry().get()
    cycle = tc.quantum_otto_refrigerator(**dict(SI, T_c=pint.Quantity(50, "mK")))
    assert cycle.performance().cop == tc.quantum_otto_refrigerator(**SI).performance().cop


def test_quantity_from_another_registry():
    def make_quantity(m, u):
        return pint.UnitRegistry().Quantity(m, u)

    msg = r"another pint UnitRegistry.*thermocycles\.Q_"
    with pytest.raises(tc.DimensionError, match=r"Reservoir 'c'\.temperature was built with " + msg):
        tc.Reservoir(name="c", temperature=make_quantity(50, "mK"), coupling=Q_(1, "MHz"))
    with pytest.raises(tc.DimensionError, match=r"QuantumAdiabat 'a'\.duration.*" + msg):
        tc.QuantumAdiabat(name="a", start=Q_(1, "GHz"), end=Q_(2, "GHz"),
                          duration=make_quantity(1, "us"))
    with pytest.raises(tc.DimensionError, match=r"Isochore 'c'\.control \(parameter 'w_a'\).*" + msg):
        tc.quantum_otto_refrigerator(**dict(SI, w_a=make_quantity(1, "GHz")))


# --- arrays of quantities ------------------------------------------------------------------------

def test_array_quantities():
    T_c = Q_(np.array([20.0, 50.0, 80.0]), "mK")
    w_b = Q_(np.array([3.0, 4.0])[:, None], "GHz")
    cycle = tc.quantum_otto_cycle(**dict(SI, T_c=T_c, w_b=w_b))  # an engine at T_c = 20 mK
    np.testing.assert_allclose(cycle.parameter_specs["T_c"].natural, [0.02, 0.05, 0.08], rtol=RTOL)
    np.testing.assert_allclose(cycle.parameter_specs["w_b"].natural,
                               H * np.array([[3e9], [4e9]]) / E0, rtol=RTOL)
    perf = cycle.performance()
    assert perf.chi.shape == (2, 3)
    assert perf.chi.units == tc.ureg.watt
    assert perf.q_c.units == tc.ureg.joule
    assert np.shape(perf.cop) == (2, 3)
    assert np.shape(perf.mode) == (2, 3)
    for i, wb in enumerate([3.0, 4.0]):
        for j, tcold in enumerate([20.0, 50.0, 80.0]):
            one = tc.quantum_otto_cycle(
                **dict(SI, T_c=Q_(tcold, "mK"), w_b=Q_(wb, "GHz"))).performance()
            assert perf.q_c[i, j].m_as("J") == pytest.approx(one.q_c.m_as("J"), rel=1e-12)
            assert perf.chi[i, j].m_as("W") == pytest.approx(one.chi.m_as("W"), rel=1e-12, nan_ok=True)
            assert perf.cop[i, j] == pytest.approx(one.cop, rel=1e-12, nan_ok=True)
            assert str(perf.mode[i, j]) == str(one.mode)
    # w_b = 3 GHz cools only when T_h / T_c < 3, i.e. T_c > 33 mK
    assert list(perf.mode[0]) == ["engine", "refrigerator", "refrigerator"]
    assert list(np.isnan(perf.cop[0])) == list(np.isnan(perf.chi[0].m_as("W"))) == [True, False, False]
    nat = perf.natural()
    assert not isinstance(nat.chi, pint.Quantity) and nat.chi.shape == (2, 3)


def test_array_quantities_of_frequency_and_time():
    w_a = Q_(np.array([0.5, 1.0, 1.2]), "GHz")  # w_b = 3 GHz (1.5 GHz would sit at the
    # reversible point w_b / w_a = T_h / T_c, where q_c = work = 0)
    tau_c = Q_(np.array([0.1, 1.0]), "us")[:, None]
    perf = tc.quantum_otto_refrigerator(**dict(SI, w_a=w_a, tau_c=tau_c)).performance()
    assert perf.q_c.shape == (2, 3)
    np.testing.assert_allclose(perf.cop, np.broadcast_to([0.5 / 2.5, 1.0 / 2.0, 1.2 / 1.8], (2, 3)),
                               rtol=1e-12)
    np.testing.assert_allclose(perf.cycle_time.m_as("us")[:, 0], [0.1 + 1.0, 1.0 + 1.0], rtol=RTOL)
