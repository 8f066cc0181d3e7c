"""thermocycles against a brute-force time integration of the Pauli master equation.

The reference is ``tests/oracle_master_equation.py`` (see its docstring). It shares no code with
thermocycles: it builds the rate matrices itself from docs/explanation/physics.md, section 2, integrates the
populations together with the heat (``int w dn`` on the isochores, booked per reservoir) and the
work (``int n dw`` along a smooth cosine ramp of ``w`` on the adiabats, populations frozen) with
``scipy.integrate.solve_ivp`` (DOP853, rtol 1e-12, atol 1e-14), and finds the periodic steady state
by running whole cycles from an arbitrary (population-inverted) start until the start-of-cycle
populations change by less than 1e-14 per cycle. The library solves for that state directly.

What is compared, at 1e-8 relative (``REL``):

* two-level Otto cycle (``tc.quantum_otto_cycle``), both ``method="closed_form"`` and
  ``method="linear_algebra"``: ``q_c`` (heat absorbed from cold), ``q_h`` (heat released into hot),
  ``work`` (on the substance), the populations at the four corners and the per-stroke ledger, in
  the cooling and engine regimes, fast (2 gamma tau = 0.02) and slow (2 gamma tau = 20) cycles,
  asymmetric couplings (gamma_c / gamma_h = 10 and 0.1), high temperature (beta w ~ 1e-2) and
  nonzero adiabat durations;
* the same cycle given in physical units (pint quantities) against the oracle run in natural units
  after converting by hand with CODATA constants typed in below; only dimensionless combinations
  (COP, Q / (k_B T_c), gamma * t, populations) are compared;
* a user-defined three-level substance (levels ``w * (0, 1, 2.5)``) in hand-assembled cycles
  (``method="linear_algebra"``, the generic path): heat per reservoir, work, corner populations.

The first law is checked in the oracle (``Q_c - Q_h + W = 0`` with the paper's signs, to the
integration accuracy) and in the library (``sum(heat) + work = 0`` to round-off of the level
energies). A few tests check the oracle itself against physics it must obey, so that a
disagreement with the library can be attributed.
"""

from __future__ import annotations

import functools
import math
from typing import ClassVar

import attrs
import numpy as np
import oracle_master_equation as oracle
import pytest

import thermocycles as tc

#: relative agreement required between the library and the oracle
REL = 1e-8
#: first law in the library: |sum(heat) + work| <= FIRST_LAW_ULPS * eps * (largest level energy)
FIRST_LAW_ULPS = 256
METHODS = ("closed_form", "linear_algebra")


def rel_dev(actual, expected, scale=None) -> float:
    """max |actual - expected| / scale (scale defaults to |expected|, elementwise)."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    denom = np.abs(expected) if scale is None else scale
    return float(np.max(np.abs(actual - expected) / denom))


def assert_rel(actual, expected, what: str, scale=None, rel: float = REL) -> None:
    dev = rel_dev(actual, expected, scale)
    assert dev <= rel, f"{what}: library {actual!r} vs oracle {expected!r} (rel. dev. {dev:.3e} > {rel:.0e})"


# ============================================================================================
# Two-level Otto cycle: regimes
# ============================================================================================
BASE = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
            tau_c=0.5, tau_h=0.5, tau_ch=0.0, tau_hc=0.0)

REGIMES = {
    # w_b / w_a = 3 > T_h / T_c = 2: refrigerator
    "cooling_Tc1_Th2_wa1_wb3": dict(),
    # w_b / w_a = 1.5 < T_h / T_c = 2: Q_c, Q_h and W all change sign
    "engine_wb1.5": dict(w_b=1.5),
    # x = y = 2 gamma tau = 0.02 (fast cycle; the oracle needs ~700 cycles)
    "fast_2gammatau_0.02": dict(tau_c=0.01, tau_h=0.01),
    # x = y = 20 (slow cycle: the corners are thermal states)
    "slow_2gammatau_20": dict(tau_c=10.0, tau_h=10.0),
    # asymmetric couplings and unequal contact times
    "asymmetric_gammac_over_gammah_10": dict(gamma_c=10.0, gamma_h=1.0, tau_c=0.3, tau_h=0.8),
    "asymmetric_gammac_over_gammah_0.1": dict(gamma_c=0.1, gamma_h=1.0, tau_c=3.0, tau_h=0.8),
    # beta_c w_a = 0.01, beta_h w_b = 0.015
    "high_temperature_betaw_1e-2": dict(T_c=100.0, T_h=200.0),
    "high_temperature_engine_betaw_1e-2": dict(T_c=100.0, T_h=200.0, w_b=1.5),
    # unequal, nonzero adiabat durations (only the cycle time may change)
    "nonzero_adiabat_durations": dict(tau_ch=0.3, tau_hc=0.7),
}
EXPECTED_MODE = {name: ("engine" if "engine" in name else "refrigerator") for name in REGIMES}


def regime_params(name: str) -> dict:
    return {**BASE, **REGIMES[name]}


@functools.cache
def oracle_run(name: str) -> oracle.OttoResult:
    return oracle.otto_two_level(**regime_params(name))


@functools.cache
def library_perf(name: str, method: str):
    cycle = tc.quantum_otto_cycle(**regime_params(name))  # refrigerator and engine regimes
    return cycle.performance(method=method)


regimes = pytest.mark.parametrize("regime", list(REGIMES))
methods = pytest.mark.parametrize("method", METHODS)


# --------------------------------------------------------------------------------------------
# The oracle itself
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("beta_w", [1e-3, 0.7, 5.0])
def test_oracle_two_level_rates_obey_detailed_balance_and_relax_at_two_gamma(beta_w):
    w, T, gamma = 1.3, 1.3 / beta_w, 0.7
    R = oracle.two_level_rate_matrix(T, w, gamma)
    k_up, k_down = R[1, 0], R[0, 1]
    assert np.allclose(R.sum(axis=0), 0.0, atol=1e-15)
    assert k_down / k_up == pytest.approx(math.exp(beta_w), rel=1e-12)
    # p_e relaxes at k_up + k_down = 2 gamma: the nonzero eigenvalue of R is -2 gamma
    assert sorted(np.linalg.eigvals(R).real) == pytest.approx([-2 * gamma, 0.0], abs=1e-12)
    # the Gibbs state of levels (w, 2w) is stationary
    assert np.abs(R @ oracle.gibbs_populations(T, [w, 2 * w])).max() < 1e-15


def test_oracle_pairwise_rates_reduce_to_two_level_and_keep_gibbs_state_stationary():
    T, gamma = 0.8, 1.7
    for w in (0.01, 1.0, 4.0):
        two = oracle.two_level_rate_matrix(T, w, gamma)
        pair = oracle.pairwise_tanh_rate_matrix(T, [w, 2 * w], gamma)
        assert np.allclose(pair, two, rtol=1e-14, atol=1e-15)
    eps = [0.0, 1.0, 2.5]
    R = oracle.pairwise_tanh_rate_matrix(T, eps, gamma)
    assert np.allclose(R.sum(axis=0), 0.0, atol=1e-14)
    assert (R - np.diag(np.diag(R)) >= 0).all()
    for i in range(3):
        for j in range(3):
            if i != j:  # k_{i->j} / k_{j->i} = exp(-beta (eps_j - eps_i))
                assert R[j, i] / R[i, j] == pytest.approx(math.exp(-(eps[j] - eps[i]) / T), rel=1e-12)
    assert np.abs(R @ oracle.gibbs_populations(T, eps)).max() < 1e-14


def test_oracle_isochore_matches_exponential_relaxation_and_heat_equals_w_dn():
    T, gamma, w, tau = 1.5, 0.8, 2.0, 0.9
    p0 = np.array([0.1, 0.9])
    p_end, q = oracle.run_contact(oracle.TWO_LEVEL, oracle.Contact("c", T, gamma, w, tau), p0)
    pe_eq = (1.0 - math.tanh(w / T / 2.0)) / 2.0
    pe_exact = pe_eq + (p0[1] - pe_eq) * math.exp(-2.0 * gamma * tau)
    assert p_end[1] == pytest.approx(pe_exact, rel=1e-11)
    assert p_end.sum() == pytest.approx(1.0, abs=1e-14)
    assert q == pytest.approx(w * (p_end[1] - p0[1]), rel=1e-11)  # Q = w (n_end - n_start)


@pytest.mark.parametrize("duration", [0.0, 0.4])
def test_oracle_adiabat_freezes_populations_and_does_work_n_dw(duration):
    p0 = np.array([0.35, 0.65])
    p_end, work = oracle.run_ramp(oracle.TWO_LEVEL, oracle.Ramp(1.2, 3.7, duration), p0)
    assert np.array_equal(p_end, p0)
    assert work == pytest.approx((p0[0] + 2 * p0[1]) * (3.7 - 1.2), rel=1e-12)


def test_oracle_periodic_state_does_not_depend_on_the_start():
    params = regime_params("cooling_Tc1_Th2_wa1_wb3")
    a = oracle.otto_two_level(**params, p0=(0.2, 0.8))
    b = oracle.otto_two_level(**params, p0=(1.0, 0.0))
    assert a.q_c == pytest.approx(b.q_c, rel=1e-11)
    assert a.work == pytest.approx(b.work, rel=1e-11)
    for pa, pb in zip(a.cycle.corners, b.cycle.corners):
        assert np.allclose(pa, pb, rtol=0, atol=1e-13)


def test_oracle_slow_cycle_corners_are_the_reservoirs_gibbs_states():
    p = regime_params("slow_2gammatau_20")
    cyc = oracle_run("slow_2gammatau_20").cycle
    gibbs_hot = oracle.gibbs_populations(p["T_h"], [p["w_b"], 2 * p["w_b"]])
    gibbs_cold = oracle.gibbs_populations(p["T_c"], [p["w_a"], 2 * p["w_a"]])
    assert np.allclose(cyc.corners[0], gibbs_hot, rtol=0, atol=1e-8)  # e^-20 ~ 2e-9
    assert np.allclose(cyc.corners[2], gibbs_cold, rtol=0, atol=1e-8)


@regimes
def test_oracle_first_law_and_operating_signs(regime):
    r = oracle_run(regime)
    scale = max(abs(r.q_c), abs(r.q_h), abs(r.work))
    assert abs(r.q_c - r.q_h + r.work) <= 1e-10 * scale
    assert r.cycle.last_change < oracle.CONVERGENCE_TOL
    signs = np.sign([r.q_c, r.q_h, r.work])
    if EXPECTED_MODE[regime] == "engine":
        assert (signs == -1).all(), (r.q_c, r.q_h, r.work)
    else:
        assert (signs == 1).all(), (r.q_c, r.q_h, r.work)


# --------------------------------------------------------------------------------------------
# The library against the oracle
# --------------------------------------------------------------------------------------------
@methods
@regimes
def test_two_level_otto_heats_and_work_match_oracle(regime, method):
    r, perf = oracle_run(regime), library_perf(regime, method)
    assert_rel(perf.q_c, r.q_c, "q_c (heat absorbed from cold)")
    assert_rel(perf.q_h, r.q_h, "q_h (heat released into hot)")
    assert_rel(perf.work, r.work, "work on the substance")
    assert_rel(perf.heat["c"], r.cycle.heat["c"], "heat['c']")
    assert_rel(perf.heat["h"], r.cycle.heat["h"], "heat['h']")


@methods
@regimes
def test_two_level_otto_corner_populations_and_stroke_ledger_match_oracle(regime, method):
    cyc, perf = oracle_run(regime).cycle, library_perf(regime, method)
    assert [s.name for s in perf.strokes] == ["c", "ch", "h", "hc"]
    energy_scale = max(abs(q) for q in cyc.heat.values())
    for k, stroke in enumerate(perf.strokes):
        assert_rel(stroke.populations_start, cyc.corners[k], f"stroke {stroke.name} populations_start")
        assert_rel(stroke.populations_end, cyc.ends[k], f"stroke {stroke.name} populations_end")
        if cyc.stroke_work[k] != 0.0:
            assert_rel(stroke.work, cyc.stroke_work[k], f"stroke {stroke.name} work")
        else:
            assert_rel(stroke.work, 0.0, f"stroke {stroke.name} work", scale=energy_scale)
        assert set(stroke.heat) == set(cyc.stroke_heat[k]), stroke.heat
        for res, q in cyc.stroke_heat[k].items():
            assert_rel(stroke.heat[res], q, f"stroke {stroke.name} heat[{res}]")


@methods
@regimes
def test_two_level_otto_derived_figures_and_mode_match_oracle(regime, method):
    r, perf = oracle_run(regime), library_perf(regime, method)
    t_cyc = r.cycle.cycle_time
    assert_rel(perf.cycle_time, t_cyc, "cycle_time")
    assert_rel(perf.algebraic("cop"), r.q_c / r.work, "q_c / work")
    assert_rel(perf.cooling_rate, r.q_c / t_cyc, "cooling_rate")
    assert_rel(perf.algebraic("chi"), r.q_c / r.work * r.q_c / t_cyc, "(q_c / work) (q_c / t_cyc)")
    assert_rel(perf.algebraic("efficiency"), r.work / r.q_h, "work / q_h")
    assert_rel(perf.entropy_production, r.cycle.entropy_production(), "entropy_production")
    assert str(perf.mode) == EXPECTED_MODE[regime]
    # the figures of the cycle's mode are those ratios, the others NaN
    if EXPECTED_MODE[regime] == "refrigerator":
        assert_rel(perf.cop, r.q_c / r.work, "cop")
        assert_rel(perf.chi, r.q_c / r.work * r.q_c / t_cyc, "chi")
        assert math.isnan(perf.efficiency)
    else:
        assert_rel(perf.efficiency, r.work / r.q_h, "efficiency")
        assert math.isnan(perf.cop) and math.isnan(perf.chi)


@methods
@regimes
def test_two_level_otto_library_first_law_to_round_off(regime, method):
    perf = library_perf(regime, method)
    p = regime_params(regime)
    residual = sum(perf.heat.values()) + perf.work
    largest_level_energy = 2.0 * max(p["w_a"], p["w_b"])
    assert abs(residual) <= FIRST_LAW_ULPS * np.finfo(float).eps * largest_level_energy, residual


# ============================================================================================
# Physical units: the same cycle, converted by hand
# ============================================================================================
# CODATA (exact in the 2019 SI), typed in here on purpose (not taken from pint or thermocycles)
H_PLANCK = 6.62607015e-34  # J s
HBAR = H_PLANCK / (2.0 * math.pi)  # J s
K_BOLTZMANN = 1.380649e-23  # J / K
E_CHARGE = 1.602176634e-19  # C (1 eV = E_CHARGE J)

# the physical cycle: 50 mK / 100 mK, 1 MHz couplings, 1 GHz -> 3 GHz, 0.5 us contacts,
# 0.1 us and 0.2 us adiabats (hot coupling slower by a factor 2)
PHYS = dict(T_c_K=0.050, T_h_K=0.100, gamma_c_per_s=1.0e6, gamma_h_per_s=0.5e6,
            nu_a_Hz=1.0e9, nu_b_Hz=3.0e9, tau_c_s=0.5e-6, tau_h_s=0.7e-6,
            tau_ch_s=0.1e-6, tau_hc_s=0.2e-6)


def _ueV(energy_J: float) -> float:
    return energy_J / E_CHARGE * 1e6


UNIT_SPELLINGS = {
    # as in the README: mK, MHz, GHz (ordinary frequency: energy h nu), us
    "mK_MHz_GHz_us": lambda Q_, p: dict(
        T_c=Q_(p["T_c_K"] * 1e3, "mK"), T_h=Q_(p["T_h_K"] * 1e3, "mK"),
        gamma_c=Q_(p["gamma_c_per_s"] / 1e6, "MHz"), gamma_h=Q_(p["gamma_h_per_s"] / 1e6, "MHz"),
        w_a=Q_(p["nu_a_Hz"] / 1e9, "GHz"), w_b=Q_(p["nu_b_Hz"] / 1e9, "GHz"),
        tau_c=Q_(p["tau_c_s"] * 1e6, "us"), tau_h=Q_(p["tau_h_s"] * 1e6, "us"),
        tau_ch=Q_(p["tau_ch_s"] * 1e6, "us"), tau_hc=Q_(p["tau_hc_s"] * 1e6, "us")),
    # K, 1/s, angular frequency omega = 2 pi nu in rad*GHz, ns
    "K_per_s_radGHz_ns": lambda Q_, p: dict(
        T_c=Q_(p["T_c_K"], "K"), T_h=Q_(p["T_h_K"], "K"),
        gamma_c=Q_(p["gamma_c_per_s"], "1/s"), gamma_h=Q_(p["gamma_h_per_s"], "1/s"),
        w_a=Q_(2 * math.pi * p["nu_a_Hz"] / 1e9, "rad*GHz"),
        w_b=Q_(2 * math.pi * p["nu_b_Hz"] / 1e9, "rad*GHz"),
        tau_c=Q_(p["tau_c_s"] * 1e9, "ns"), tau_h=Q_(p["tau_h_s"] * 1e9, "ns"),
        tau_ch=Q_(p["tau_ch_s"] * 1e9, "ns"), tau_hc=Q_(p["tau_hc_s"] * 1e9, "ns")),
    # level energies hbar omega and temperatures k_B T as energies in ueV, rates in 1/us
    "ueV_energies_per_us_s": lambda Q_, p: dict(
        T_c=Q_(_ueV(K_BOLTZMANN * p["T_c_K"]), "ueV"), T_h=Q_(_ueV(K_BOLTZMANN * p["T_h_K"]), "ueV"),
        gamma_c=Q_(p["gamma_c_per_s"] / 1e6, "1/us"), gamma_h=Q_(p["gamma_h_per_s"] / 1e6, "1/us"),
        w_a=Q_(_ueV(HBAR * 2 * math.pi * p["nu_a_Hz"]), "ueV"),
        w_b=Q_(_ueV(HBAR * 2 * math.pi * p["nu_b_Hz"]), "ueV"),
        tau_c=Q_(p["tau_c_s"], "s"), tau_h=Q_(p["tau_h_s"], "s"),
        tau_ch=Q_(p["tau_ch_s"], "s"), tau_hc=Q_(p["tau_hc_s"], "s")),
}


@functools.cache
def oracle_physical() -> oracle.OttoResult:
    """The physical cycle in the oracle's units: energy k_B T_c, time 1 / gamma_c."""
    p = PHYS
    e_ref = K_BOLTZMANN * p["T_c_K"]
    g_ref = p["gamma_c_per_s"]
    return oracle.otto_two_level(
        T_c=1.0, T_h=p["T_h_K"] / p["T_c_K"],
        gamma_c=1.0, gamma_h=p["gamma_h_per_s"] / g_ref,
        w_a=HBAR * 2 * math.pi * p["nu_a_Hz"] / e_ref, w_b=HBAR * 2 * math.pi * p["nu_b_Hz"] / e_ref,
        tau_c=p["tau_c_s"] * g_ref, tau_h=p["tau_h_s"] * g_ref,
        tau_ch=p["tau_ch_s"] * g_ref, tau_hc=p["tau_hc_s"] * g_ref)


def test_physical_cycle_is_a_refrigerator_with_moderate_beta_w():
    p = PHYS
    beta_c_w_a = H_PLANCK * p["nu_a_Hz"] / (K_BOLTZMANN * p["T_c_K"])
    assert 0.5 < beta_c_w_a < 2  # ~0.96: neither classical nor frozen out
    r = oracle_physical()
    assert r.q_c > 0 and r.q_h > 0 and r.work > 0


@methods
@pytest.mark.parametrize("spelling", list(UNIT_SPELLINGS))
def test_physical_units_cycle_gives_oracle_dimensionless_figures(spelling, method):
    p = PHYS
    cycle = tc.quantum_otto_refrigerator(**UNIT_SPELLINGS[spelling](tc.Q_, p))
    assert cycle.has_units
    perf = cycle.performance(method=method)
    r = oracle_physical()
    e_ref = K_BOLTZMANN * p["T_c_K"]  # J
    g_ref = p["gamma_c_per_s"]  # 1/s
    t_cyc = r.cycle.cycle_time  # in 1 / gamma_c
    assert_rel(perf.q_c.m_as("J") / e_ref, r.q_c, "Q_c / (k_B T_c)")
    assert_rel(perf.q_h.m_as("J") / e_ref, r.q_h, "Q_h / (k_B T_c)")
    assert_rel(perf.work.m_as("J") / e_ref, r.work, "W / (k_B T_c)")
    assert_rel(perf.cop, r.q_c / r.work, "COP")
    assert_rel(perf.cycle_time.m_as("s") * g_ref, t_cyc, "gamma_c t_cyc")
    assert_rel(perf.cooling_rate.m_as("W") / (e_ref * g_ref), r.q_c / t_cyc, "R / (k_B T_c gamma_c)")
    assert_rel(perf.chi.m_as("W") / (e_ref * g_ref), r.q_c / r.work * r.q_c / t_cyc,
               "chi / (k_B T_c gamma_c)")
    assert_rel(perf.entropy_production.m_as("J/K") / K_BOLTZMANN, r.cycle.entropy_production(),
               "entropy production / k_B")
    for k, stroke in enumerate(perf.strokes):
        assert_rel(stroke.populations_start, r.cycle.corners[k], f"stroke {stroke.name} populations_start")


# ============================================================================================
# N levels: a user-defined three-level substance through the generic linear-algebra path
# ============================================================================================
THREE_LEVEL_FACTORS = (0.0, 1.0, 2.5)


@attrs.frozen(kw_only=True)
class ThreeLevel(tc.Substance):
    """Levels 0, w, 2.5 w (not equally spaced)."""

    n_levels: ClassVar[int] = 3

    def energies(self, control, values):
        return np.asarray(control)[..., None] * np.array(THREE_LEVEL_FACTORS)


ORACLE_THREE_LEVEL = oracle.Substance(factors=THREE_LEVEL_FACTORS, rates="pairwise")

# A cycle is a list of strokes, each ("iso", reservoir, w, tau) or ("adi", w_start, w_end, tau);
# reservoirs are name -> (T, gamma).
THREE_LEVEL_CYCLES = {
    "otto_cooling": dict(
        reservoirs=dict(c=(1.0, 1.0), h=(2.0, 1.0)),
        strokes=[("iso", "c", 1.0, 0.5), ("adi", 1.0, 3.0, 0.2),
                 ("iso", "h", 3.0, 0.5), ("adi", 3.0, 1.0, 0.1)]),
    "otto_engine": dict(
        reservoirs=dict(c=(1.0, 1.0), h=(2.0, 1.0)),
        strokes=[("iso", "c", 1.0, 0.5), ("adi", 1.0, 1.5, 0.0),
                 ("iso", "h", 1.5, 0.5), ("adi", 1.5, 1.0, 0.0)]),
    # 2 gamma tau = 0.02 on both isochores, gamma_c / gamma_h = 10
    "otto_fast_asymmetric": dict(
        reservoirs=dict(c=(1.0, 10.0), h=(2.0, 1.0)),
        strokes=[("iso", "c", 1.0, 0.001), ("adi", 1.0, 3.0, 0.05),
                 ("iso", "h", 3.0, 0.01), ("adi", 3.0, 1.0, 0.05)]),
    "otto_slow": dict(
        reservoirs=dict(c=(1.0, 1.0), h=(2.0, 0.1)),
        strokes=[("iso", "c", 1.0, 10.0), ("adi", 1.0, 3.0, 0.0),
                 ("iso", "h", 3.0, 100.0), ("adi", 3.0, 1.0, 0.0)]),
    "otto_high_temperature": dict(
        reservoirs=dict(c=(100.0, 1.0), h=(200.0, 0.5)),
        strokes=[("iso", "c", 1.0, 0.7), ("adi", 1.0, 3.0, 0.2),
                 ("iso", "h", 3.0, 0.4), ("adi", 3.0, 1.0, 0.3)]),
    # six strokes, three reservoirs at three frequencies (heat per reservoir, no q_c/q_h)
    "six_strokes_three_reservoirs": dict(
        reservoirs=dict(cold=(1.0, 1.0), mid=(1.5, 0.5), hot=(2.0, 2.0)),
        strokes=[("iso", "cold", 1.0, 0.6), ("adi", 1.0, 2.0, 0.1),
                 ("iso", "mid", 2.0, 0.8), ("adi", 2.0, 3.5, 0.2),
                 ("iso", "hot", 3.5, 0.3), ("adi", 3.5, 1.0, 0.1)]),
}
three_level_cycles = pytest.mark.parametrize("case", list(THREE_LEVEL_CYCLES))


def build_library_cycle(case: str) -> tc.Cycle:
    spec = THREE_LEVEL_CYCLES[case]
    reservoirs = {name: tc.Reservoir(name=name, temperature=T, coupling=g)
                  for name, (T, g) in spec["reservoirs"].items()}
    controls: dict[float, tc.Parameter] = {}

    def control(w: float) -> tc.Parameter:
        return controls.setdefault(w, tc.Parameter(f"w_{len(controls) + 1}", w))

    strokes = []
    for k, s in enumerate(spec["strokes"]):
        if s[0] == "iso":
            _, res, w, tau = s
            strokes.append(tc.Isochore(name=f"iso{k}", reservoir=reservoirs[res], control=control(w),
                                       duration=tau))
        else:
            _, w0, w1, tau = s
            strokes.append(tc.QuantumAdiabat(name=f"adi{k}", start=control(w0), end=control(w1),
                                             duration=tau))
    return tc.Cycle(substance=ThreeLevel(), strokes=strokes)


def build_oracle_strokes(case: str) -> list:
    spec = THREE_LEVEL_CYCLES[case]
    out = []
    for s in spec["strokes"]:
        if s[0] == "iso":
            _, res, w, tau = s
            T, g = spec["reservoirs"][res]
            out.append(oracle.Contact(res, T, g, w, tau))
        else:
            _, w0, w1, tau = s
            out.append(oracle.Ramp(w0, w1, tau))
    return out


@functools.cache
def oracle_three_level(case: str) -> oracle.CycleResult:
    return oracle.periodic_cycle(ORACLE_THREE_LEVEL, build_oracle_strokes(case), p0=(0.2, 0.3, 0.5))


@functools.cache
def library_three_level(case: str):
    return build_library_cycle(case).performance(method="linear_algebra")


def test_three_level_substance_has_the_intended_levels():
    eps = ThreeLevel().energies(np.array([1.0, 2.0]), {})
    assert np.array_equal(eps, [[0.0, 1.0, 2.5], [0.0, 2.0, 5.0]])
    assert np.array_equal(ORACLE_THREE_LEVEL.energies(2.0), [0.0, 2.0, 5.0])


@three_level_cycles
def test_three_level_oracle_first_law(case):
    cyc = oracle_three_level(case)
    scale = max(max(abs(q) for q in cyc.heat.values()), abs(cyc.work))
    assert abs(sum(cyc.heat.values()) + cyc.work) <= 1e-10 * scale
    assert cyc.last_change < oracle.CONVERGENCE_TOL


@three_level_cycles
def test_three_level_heat_per_reservoir_and_work_match_oracle(case):
    cyc, perf = oracle_three_level(case), library_three_level(case)
    assert set(perf.heat) == set(cyc.heat)
    for res, q in cyc.heat.items():
        assert_rel(perf.heat[res], q, f"heat[{res!r}] absorbed from {res}")
    assert_rel(perf.work, cyc.work, "work on the substance")
    assert_rel(perf.cycle_time, cyc.cycle_time, "cycle_time")
    assert_rel(perf.entropy_production, cyc.entropy_production(), "entropy_production")


@three_level_cycles
def test_three_level_corner_populations_and_stroke_ledger_match_oracle(case):
    cyc, perf = oracle_three_level(case), library_three_level(case)
    energy_scale = max(abs(q) for q in cyc.heat.values())
    assert len(perf.strokes) == len(cyc.corners)
    for k, stroke in enumerate(perf.strokes):
        assert np.shape(stroke.populations_start) == (3,)
        assert_rel(stroke.populations_start, cyc.corners[k], f"stroke {stroke.name} populations_start")
        assert_rel(stroke.populations_end, cyc.ends[k], f"stroke {stroke.name} populations_end")
        if cyc.stroke_work[k] != 0.0:
            assert_rel(stroke.work, cyc.stroke_work[k], f"stroke {stroke.name} work")
        else:
            assert_rel(stroke.work, 0.0, f"stroke {stroke.name} work", scale=energy_scale)
        for res, q in cyc.stroke_heat[k].items():
            assert_rel(stroke.heat[res], q, f"stroke {stroke.name} heat[{res}]")


@three_level_cycles
def test_three_level_library_first_law_to_round_off(case):
    perf = library_three_level(case)
    residual = sum(perf.heat.values()) + perf.work
    largest_level_energy = max(THREE_LEVEL_FACTORS) * max(
        max(s[2], s[3]) if s[0] == "adi" else s[2] for s in THREE_LEVEL_CYCLES[case]["strokes"])
    assert abs(residual) <= FIRST_LAW_ULPS * np.finfo(float).eps * largest_level_energy, residual


def test_three_level_two_reservoir_cycle_names_cold_and_hot_like_the_paper():
    """For a two-reservoir cycle q_c / q_h follow the paper's signs (colder = cold)."""
    cyc, perf = oracle_three_level("otto_cooling"), library_three_level("otto_cooling")
    assert_rel(perf.q_c, cyc.heat["c"], "q_c")
    assert_rel(perf.q_h, -cyc.heat["h"], "q_h")
    assert str(perf.mode) == "refrigerator"
