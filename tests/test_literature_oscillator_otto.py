"""Literature benchmark 3: the harmonic-oscillator Otto engine and refrigerator in the high-temperature limit.

1. Rezek and Kosloff, "Irreversible performance of a quantum harmonic heat engine", New J. Phys. 8,
   83 (2006): with ideal (adiabatic-following) adiabats the efficiency of the oscillator Otto engine
   is 1 - w_c/w_h whatever the contact times, and in the high-temperature limit its efficiency at
   maximum power is the Curzon-Ahlborn efficiency eta_CA = 1 - sqrt(T_c/T_h).
2. Abah and Lutz, "Optimal performance of a quantum Otto refrigerator", EPL 113, 60002 (2016): the
   COP at maximum chi = COP x cooling rate of the oscillator Otto refrigerator tends, in the
   high-temperature (classical) limit, to eps_CA = sqrt(1 + eps_C) - 1.

The model (docs/explanation/physics.md, section 8): untruncated oscillator, bosonic reservoirs, cold isochore at
w_a = w_c (T_c, gamma_c, tau_c), hot isochore at w_b = w_h (T_h, gamma_h, tau_h), ideal adiabats.
With nbar(x) = 1/(e^x - 1), a = exp(-gamma_c tau_c), b = exp(-gamma_h tau_h), F = (1-a)(1-b)/(1-ab):

    power = (w_b - w_a) [nbar(w_b/T_h) - nbar(w_a/T_c)] F / t_cyc,   eta = 1 - w_a/w_b,
    chi   = w_a^2/(w_b - w_a) [nbar(w_a/T_c) - nbar(w_b/T_h)] F / t_cyc,   COP = w_a/(w_b - w_a).

Both factorise into a time part F/t_cyc and a frequency part, so the frequencies at the optimum do
not depend on the contact times (nor on gamma), and the limit is the same whether the heat strokes
thermalise fully (F = 1, as Abah and Lutz assume) or not.

What holds and what does not (derived here, asserted below). With r = w_a/w_b, theta = T_c/T_h and
nbar(x) = 1/x - 1/2 + x/12 + O(x^3), the frequency parts are, to leading order, functions of r alone:
power ~ (1 - r)(T_h - T_c/r), maximal at r = sqrt(theta) (eta_CA exactly), and
chi ~ r (T_c - T_h r)/(1 - r), maximal at r^2 - 2r + theta = 0 (eps_CA exactly). The x/12 term adds
a correction of order (w/T)^2 that depends on which frequency is held fixed (s = sqrt(theta),
q = sqrt(1 - theta) = 1/sqrt(1 + eps_C)):

    engine, w_h fixed:  eta* - eta_CA = +(w_h/T_h)^2 (1 - s)^2 / (24 s)
    engine, w_c fixed:  eta* - eta_CA = -(w_c/T_c)^2 s (1 - s)^2 / 24
    fridge, w_h fixed:  eps* - eps_CA = -(w_h/T_h)^2 (1 - q) / (24 q (1 + q))
    fridge, w_c fixed:  eps* - eps_CA = +(w_c/T_c)^2 theta / (24 q)

so both published statements hold in the limit T -> infinity (beta w -> 0), approached as 1/T^2 from
above or below. Over both frequencies at once there is no interior optimum: at a fixed ratio the exact
power and chi decrease as the frequencies grow (x nbar(x) is convex), so their supremum is the
classical limit w -> 0, where eta* = eta_CA and eps* = eps_CA exactly; the Optimizer ends on the lower
bound of w_a. Abah and Lutz's text was not available to check which frequency they hold fixed (their
high-temperature result depends on the ratio only); both choices are tested.

Every expected number is computed here from these formulas (numpy, scipy.optimize.brentq on the
analytic derivative), independently of the package; the closed form is checked against solve_ivp of
the mean occupation through many cycles, and one optimum is repeated on the truncated oscillator
(levels=N, generic populations path).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

import thermocycles as tc

THETAS = (0.25, 0.5)  # T_c / T_h
SCALES = (5.0, 10.0, 20.0, 40.0, 80.0)  # T_h in units of the fixed frequency
TAU_ADIABATS = 0.1  # each adiabat


def oscillator_otto(T_c, T_h, w_a, w_b, *, tau_c=1.0, tau_h=1.0, gamma_c=1.0, gamma_h=1.0, levels=None):
    """Cold isochore at w_a, adiabat, hot isochore at w_b, adiabat; bosonic reservoirs."""
    cold = tc.Reservoir(name="c", temperature=T_c, coupling=gamma_c, law="bosonic")
    hot = tc.Reservoir(name="h", temperature=T_h, coupling=gamma_h, law="bosonic")
    a, b = tc.Parameter("w_a", w_a), tc.Parameter("w_b", w_b)
    return tc.Cycle(substance=tc.HarmonicOscillator(levels=levels), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=a, duration=tau_c),
        tc.QuantumAdiabat(name="ch", start=a, end=b, duration=TAU_ADIABATS),
        tc.Isochore(name="h", reservoir=hot, control=b, duration=tau_h),
        tc.QuantumAdiabat(name="hc", start=b, end=a, duration=TAU_ADIABATS)])


# -- independent formulas (no package code) ---------------------------------------------------------

def nbar(x):
    return 1.0 / np.expm1(x)


def dnbar(x):
    """d nbar / dx."""
    return -np.exp(-x) / np.expm1(-x) ** 2


def time_factor(tau_c, tau_h, gamma_c=1.0, gamma_h=1.0):
    """F / t_cyc with F = (1 - a)(1 - b)/(1 - ab)."""
    a, b = np.exp(-gamma_c * tau_c), np.exp(-gamma_h * tau_h)
    return (1 - a) * (1 - b) / (1 - a * b) / (tau_c + tau_h + 2 * TAU_ADIABATS)


def power_formula(T_c, T_h, w_a, w_b, tau_c=1.0, tau_h=1.0):
    return (w_b - w_a) * (nbar(w_b / T_h) - nbar(w_a / T_c)) * time_factor(tau_c, tau_h)


def chi_formula(T_c, T_h, w_a, w_b, tau_c=1.0, tau_h=1.0):
    return w_a ** 2 / (w_b - w_a) * (nbar(w_a / T_c) - nbar(w_b / T_h)) * time_factor(tau_c, tau_h)


def d_frequency_part(kind, fixed, T_c, T_h, w_a, w_b):
    """Derivative of the frequency part of power (engine) or chi (fridge) with respect to the free
    frequency (w_a if ``fixed == "w_b"``, else w_b)."""
    d_h, d_c = nbar(w_b / T_h) - nbar(w_a / T_c), dnbar(w_a / T_c) / T_c
    if kind == "engine":  # (w_b - w_a)(nbar_h - nbar_c)
        if fixed == "w_b":
            return -d_h - (w_b - w_a) * d_c
        return d_h + (w_b - w_a) * dnbar(w_b / T_h) / T_h
    n = -d_h  # nbar_c - nbar_h; fridge: w_a^2/(w_b - w_a) n
    if fixed == "w_b":
        return (2 * w_a / (w_b - w_a) + w_a ** 2 / (w_b - w_a) ** 2) * n + w_a ** 2 / (w_b - w_a) * d_c
    return -w_a ** 2 / (w_b - w_a) ** 2 * n - w_a ** 2 / (w_b - w_a) * dnbar(w_b / T_h) / T_h


def free_bounds(kind, fixed, theta):
    """Where the free frequency lets the cycle run in its mode (the fixed one is 1)."""
    if kind == "engine":  # theta < w_a/w_b < 1
        return (theta, 1.0) if fixed == "w_b" else (1.0, 1.0 / theta)
    return (0.0, theta) if fixed == "w_b" else (1.0 / theta, math.inf)


def independent_optimum(kind, fixed, theta, T_h):
    """The free frequency at the optimum: brentq on the analytic derivative (fixed frequency 1)."""
    T_c = theta * T_h
    lo, hi = free_bounds(kind, fixed, theta)
    hi = min(hi, 1e3)
    eps = 1e-9 * (hi - lo)
    if fixed == "w_b":
        return brentq(lambda w: d_frequency_part(kind, fixed, T_c, T_h, w, 1.0), lo + eps, hi - eps, xtol=1e-15)
    return brentq(lambda w: d_frequency_part(kind, fixed, T_c, T_h, 1.0, w), lo + eps, hi - eps, xtol=1e-15)


def eta_ca(theta):
    return 1 - math.sqrt(theta)


def eps_ca(theta):
    eps_c = theta / (1 - theta)
    return math.sqrt(1 + eps_c) - 1


def high_temperature_deviation(kind, fixed, theta, T_h):
    """Leading (w/T)^2 deviation of eta* (engine) or eps* (fridge) from the CA value (fixed frequency 1)."""
    s, q = math.sqrt(theta), math.sqrt(1 - theta)
    x_h, x_c = 1.0 / T_h, 1.0 / (theta * T_h)  # w/T of the fixed frequency on its own stroke
    return {("engine", "w_b"): x_h ** 2 * (1 - s) ** 2 / (24 * s),
            ("engine", "w_a"): -(x_c ** 2) * s * (1 - s) ** 2 / 24,
            ("fridge", "w_b"): -(x_h ** 2) * (1 - q) / (24 * q * (1 + q)),
            ("fridge", "w_a"): x_c ** 2 * theta / (24 * q)}[kind, fixed]


# -- the Optimizer on the library's closed form -----------------------------------------------------

OBJECTIVE = {"engine": "power", "fridge": "chi"}


def optimize_free_frequency(kind, fixed, theta, T_h, *, levels=None, **options):
    """The Optimizer over the free frequency, the other held at 1; returns (result, figure at optimum)."""
    lo, hi = free_bounds(kind, fixed, theta)
    # the search interval: where the cycle runs in its mode, cut off at 0.01 theta (fridge, w_a) and
    # 50 (fridge, w_b), far from the optimum
    lo, hi = max(lo, 0.01 * theta), min(hi, 50.0)
    free = "w_a" if fixed == "w_b" else "w_b"
    start = 0.5 * (lo + hi) if math.isfinite(hi) else 2 * lo
    w = {"w_a": start, "w_b": 1.0} if fixed == "w_b" else {"w_a": 1.0, "w_b": start}
    cycle = oscillator_otto(theta * T_h, T_h, w["w_a"], w["w_b"], levels=levels)
    res = tc.Optimizer(objective=OBJECTIVE[kind],
                       variables={free: (lo + 1e-6 * (hi - lo), hi - 1e-6 * (hi - lo))}, **options).run(cycle)
    perf = res.performance
    return res, perf.efficiency if kind == "engine" else perf.cop


def limit_value(kind, theta):
    return eta_ca(theta) if kind == "engine" else eps_ca(theta)


# -- 1. the closed form against independent formulas and a brute-force integration ------------------

def test_rezek_kosloff_2006_efficiency_is_otto_whatever_the_contact_times():
    """eta = 1 - w_a/w_b on a grid of contact times and frequencies; power as the formula above."""
    tau = np.logspace(-2, 1.5, 6)
    tau_c, tau_h = tau[:, None, None], tau[None, :, None]
    w_a = np.array([0.55, 0.7, 0.9])[None, None, :]
    perf = oscillator_otto(1.0, 2.0, w_a, 1.0, tau_c=tau_c, tau_h=tau_h).performance()
    assert perf.method == "closed_form"
    assert np.all(np.asarray(perf.mode) == "engine")
    np.testing.assert_allclose(perf.efficiency, np.broadcast_to(1 - w_a, perf.efficiency.shape), rtol=1e-12)
    np.testing.assert_allclose(perf.power, power_formula(1.0, 2.0, w_a, 1.0, tau_c, tau_h), rtol=1e-12)
    np.testing.assert_allclose(sum(perf.heat.values()) + perf.work, 0.0, atol=1e-14)


def test_abah_lutz_2016_cop_is_otto_whatever_the_contact_times():
    tau = np.logspace(-2, 1.5, 6)
    tau_c, tau_h = tau[:, None, None], tau[None, :, None]
    w_a = np.array([0.05, 0.2, 0.45])[None, None, :]
    perf = oscillator_otto(1.0, 2.0, w_a, 1.0, tau_c=tau_c, tau_h=tau_h).performance()
    assert np.all(np.asarray(perf.mode) == "refrigerator")
    np.testing.assert_allclose(perf.cop, np.broadcast_to(w_a / (1 - w_a), perf.cop.shape), rtol=1e-12)
    np.testing.assert_allclose(perf.chi, chi_formula(1.0, 2.0, w_a, 1.0, tau_c, tau_h), rtol=1e-12)


def brute_force_cycle(T_c, T_h, w_a, w_b, tau_c=1.0, tau_h=1.0, gamma=1.0, cycles=40):
    """Heats and work of the last of many cycles from solve_ivp on dn/dt = -gamma (n - nbar) (contacts)
    and n constant with a linear frequency ramp (adiabats); heat = int w dn, work = int (n + 1/2) dw."""
    strokes = [("c", w_a, w_a, tau_c, T_c), (None, w_a, w_b, TAU_ADIABATS, None),
               ("h", w_b, w_b, tau_h, T_h), (None, w_b, w_a, TAU_ADIABATS, None)]
    n = 0.0
    for _ in range(cycles):
        ledger = {"c": 0.0, "h": 0.0, "work": 0.0}
        for bath, w0, w1, tau, T in strokes:
            def rhs(t, y, bath=bath, w0=w0, w1=w1, tau=tau, T=T):
                w, dw = w0 + (w1 - w0) * t / tau, (w1 - w0) / tau
                dn = -gamma * (y[0] - 1.0 / math.expm1(w / T)) if bath else 0.0
                return [dn, w * dn, (y[0] + 0.5) * dw]
            sol = solve_ivp(rhs, (0.0, tau), [n, 0.0, 0.0], method="DOP853", rtol=1e-12, atol=1e-13)
            n, heat, work = sol.y[:, -1]
            if bath:
                ledger[bath] += heat
            ledger["work"] += work
    return ledger


@pytest.mark.parametrize("kind", ["engine", "fridge"])
def test_closed_form_against_solve_ivp_at_the_optimum(kind):
    """At each paper's optimum (theta = 0.5, T_h = 10, w_b = 1): heats and work per cycle of the
    library against a brute-force integration through 40 cycles, and the first law."""
    theta, T_h = 0.5, 10.0
    w_a = independent_optimum(kind, "w_b", theta, T_h)
    perf = oscillator_otto(theta * T_h, T_h, w_a, 1.0).performance()
    ref = brute_force_cycle(theta * T_h, T_h, w_a, 1.0)
    assert perf.heat["c"] == pytest.approx(ref["c"], rel=1e-9)
    assert perf.heat["h"] == pytest.approx(ref["h"], rel=1e-9)
    assert perf.work == pytest.approx(ref["work"], rel=1e-9)
    assert abs(ref["c"] + ref["h"] + ref["work"]) < 1e-9 * abs(ref["h"])
    assert abs(perf.heat["c"] + perf.heat["h"] + perf.work) < 1e-14 * abs(perf.heat["h"])


# -- 2. the optimum tends to the Curzon-Ahlborn value as 1/T^2 --------------------------------------

def approach(kind, fixed, theta):
    """(deviations measured with the Optimizer, predicted leading deviations) over SCALES."""
    measured, predicted = [], []
    free = "w_a" if fixed == "w_b" else "w_b"
    for T_h in SCALES:
        res, figure = optimize_free_frequency(kind, fixed, theta, T_h)
        assert res.success, res.message
        assert res.at_bounds == ()
        # the Optimizer's optimum against the independent maximisation
        assert res.x[free] == pytest.approx(independent_optimum(kind, fixed, theta, T_h), rel=1e-9)
        measured.append(figure - limit_value(kind, theta))
        w_a, w_b = (res.x[free], 1.0) if fixed == "w_b" else (1.0, res.x[free])
        beta_w = max(w_a / (theta * T_h), w_b / T_h)  # both heat strokes at the optimum
        predicted.append(high_temperature_deviation(kind, fixed, theta, T_h))
    assert beta_w < 0.1  # at T_h = 80 (largest: fridge, w_a fixed, theta = 0.25: 0.093): beta w << 1
    return np.array(measured), np.array(predicted)


def expansion_parameter(fixed, theta):
    T = np.array(SCALES)
    return 1.0 / T if fixed == "w_b" else 1.0 / (theta * T)


def assert_approach(measured, predicted, x):
    """``x``: w/T of the fixed frequency on its own stroke at each scale (the expansion parameter)."""
    T = np.array(SCALES)
    # same sign as the predicted leading term at every scale; their ratio tends to 1 as x^2 (the
    # next order: measured 0.001 x^2 to 0.24 x^2 depending on the case)
    assert np.all(np.sign(measured) == np.sign(predicted))
    excess = np.abs(measured / predicted - 1)
    assert np.all(excess < 0.5 * x ** 2), excess / x ** 2
    # the deviation itself shrinks as T^-2 (log-log slope between successive scales)
    slopes = np.diff(np.log(np.abs(measured))) / np.diff(np.log(T))
    assert np.all(np.abs(slopes + 2) < x[:-1] ** 2), slopes
    assert abs(measured[-1]) < 4e-5  # at T_h = 80 w


@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("fixed", ["w_b", "w_a"])
def test_rezek_kosloff_2006_efficiency_at_max_power_tends_to_curzon_ahlborn(fixed, theta):
    measured, predicted = approach("engine", fixed, theta)
    assert_approach(measured, predicted, expansion_parameter(fixed, theta))


@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("fixed", ["w_b", "w_a"])
def test_abah_lutz_2016_cop_at_max_chi_tends_to_curzon_ahlborn(fixed, theta):
    measured, predicted = approach("fridge", fixed, theta)
    assert_approach(measured, predicted, expansion_parameter(fixed, theta))


# -- 3. over both frequencies: no interior optimum; the supremum is the classical limit -------------

@pytest.mark.parametrize("kind", ["engine", "fridge"])
def test_frequency_scale_has_no_interior_optimum(kind):
    """At a fixed ratio r = w_a/w_b, power and chi fall as the frequencies grow, towards the
    classical values (1 - r)(T_h - T_c/r) F/t and r (T_c - T_h r)/(1 - r) F/t as w -> 0."""
    theta, T_h = 0.5, 1.0
    r = math.sqrt(theta) if kind == "engine" else 1 - math.sqrt(1 - theta)
    scale = np.logspace(-6, 1, 50)
    perf = oscillator_otto(theta * T_h, T_h, r * scale, scale).performance()
    figure = perf.power if kind == "engine" else perf.chi
    assert np.all(np.diff(figure) < 0)
    F = time_factor(1.0, 1.0)
    classical = ((1 - r) * (T_h - theta * T_h / r) if kind == "engine" else r * (theta * T_h - T_h * r) / (1 - r)) * F
    assert figure[0] == pytest.approx(classical, rel=1e-10)


@pytest.mark.parametrize("kind", ["engine", "fridge"])
def test_optimizer_over_both_frequencies_ends_on_the_lower_bound(kind):
    """The Optimizer over (w_a, w_b) in [0.5, 50]^2 stops at w_a = 0.5 (the lowest frequency allowed)
    and there finds the optimum of w_b at fixed w_a (independent maximisation)."""
    theta, T_h, lowest = 0.5, 10.0, 0.5
    start = (0.6, 0.9) if kind == "engine" else (0.3, 1.0)
    cycle = oscillator_otto(theta * T_h, T_h, *start)
    res = tc.Optimizer(objective=OBJECTIVE[kind],
                       variables={"w_a": (lowest, 50.0), "w_b": (lowest, 50.0)}).run(cycle)
    assert res.success, res.message
    assert res.at_bounds == ("w_a",) and res.x["w_a"] == pytest.approx(lowest, rel=1e-12)
    # fixed w_a = 0.5 at T_h = 10 is fixed w_a = 1 at T_h = 20
    expected = lowest * independent_optimum(kind, "w_a", theta, T_h / lowest)
    assert res.x["w_b"] == pytest.approx(expected, rel=1e-5)  # no Newton polish on a bound: ~1e-6


# -- 4. contact times do not move the efficiency at maximum power ----------------------------------

def test_rezek_kosloff_2006_optimising_contact_times_too():
    """Power over (w_a, tau_c, tau_h) at w_b = 1: the same w_a as over w_a alone, and equal contact
    times tau with tanh(tau/2)/(2 tau + tau_adi) maximal (gamma = 1: F = tanh(gamma tau / 2))."""
    theta, T_h = 0.5, 10.0
    cycle = oscillator_otto(theta * T_h, T_h, 0.8, 1.0)
    res = tc.Optimizer(objective="power", variables={"w_a": (0.5001, 0.9999), "tau_c": (0.01, 100.0),
                                                    "tau_h": (0.01, 100.0)}).run(cycle)
    assert res.success, res.message
    assert res.x["w_a"] == pytest.approx(independent_optimum("engine", "w_b", theta, T_h), rel=1e-8)
    tau_adi = 2 * TAU_ADIABATS
    tau = brentq(lambda t: 0.5 / math.cosh(t / 2) ** 2 * (2 * t + tau_adi) - 2 * math.tanh(t / 2), 1e-3, 10.0,
                 xtol=1e-15)
    assert res.x["tau_c"] == pytest.approx(tau, rel=1e-6)
    assert res.x["tau_h"] == pytest.approx(tau, rel=1e-6)


# -- 5. the truncated oscillator (generic path) gives the same optimum -------------------------------

@pytest.mark.parametrize("kind", ["engine", "fridge"])
def test_truncated_oscillator_has_the_same_optimum(kind):
    """At T_h = 0.5, T_c = 0.25, w_b = 1 the Boltzmann factor of level 20 is below 1e-9 at the
    optimum, so levels=24 on the populations backend must give the closed form's optimum."""
    theta, T_h = 0.5, 0.5
    exact, figure = optimize_free_frequency(kind, "w_b", theta, T_h)
    truncated, figure_n = optimize_free_frequency(kind, "w_b", theta, T_h, levels=24, n_starts=16,
                                                   n_local=1)
    assert exact.performance.method == "closed_form"
    assert truncated.performance.backend == "populations"
    assert truncated.success, truncated.message
    assert truncated.x["w_a"] == pytest.approx(exact.x["w_a"], rel=1e-8)
    assert truncated.fun == pytest.approx(exact.fun, rel=1e-9)
    assert figure_n == pytest.approx(figure, rel=1e-8)
    assert exact.x["w_a"] == pytest.approx(independent_optimum(kind, "w_b", theta, T_h), rel=1e-9)
