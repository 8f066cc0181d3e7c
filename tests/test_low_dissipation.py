"""LowDissipationAnalysis: the published formulas and their limits, the first-order optimum against
brute-force maximisation, the extracted dissipation coefficients against closed forms of the slow
-driving expansion derived here (sharing no code with the package), against solve_ivp and against a
direct two-duration estimate; errors and units.

First-order closed forms (two levels w, 2w, tanh law: the excited population u relaxes at 2 gamma
whatever w is, so along a ramp u = u_eq(w) - u_eq'(w) dw/dt / (2 gamma) + O(1/tau^2)). For an
isotherm from w_s to w_e at temperature T = 1/beta in time tau, linear in t, started in equilibrium:
Delta S_qs - Q/T = [beta w_e u_eq'(w_e) Dw - beta Dw Du_eq] / (2 gamma tau); it ends with the lag
delta u = -u_eq'(w_e) Dw / (2 gamma tau), whose energy w_e delta u the next reservoir takes up, so
the next isotherm's irreversible entropy gains beta w_e delta u (the adiabat between them maps the
Gibbs states onto each other). With the cosine schedule the speed vanishes at both ends: no lag at
first order, and Sigma = (1/(2 gamma)) int_0^1 beta |u_eq'(w(s))| (dw/ds)^2 ds.
"""

import math

import numpy as np
import pytest
import scipy.optimize
from scipy.integrate import quad, solve_ivp

import thermocycles as tc
from thermocycles.analysis.low_dissipation import (
    ENTROPY_TIME,
    LowDissipationAnalysis,
    cop_at_max_chi,
    cop_bounds,
    efficiency_at_max_power,
    efficiency_bounds,
    first_order_optimum,
    schmiedl_seifert_alpha,
)
from thermocycles.errors import AnalysisError, ParameterError

FAST = dict(compare=False)
CHEAP = dict(compare=False, gamma_tau=(8.0, 10.0, 12.0, 14.0, 16.0))  # where accuracy is not the point


def carnot(schedule="linear", *, T_c=1.0, T_h=2.0, w=(4.0, 2.0), gamma_h=1.0, gamma_c=1.0, w_3=None, **kw):
    """Hot isotherm w_1 -> w_2, ideal adiabat, cold isotherm w_3 -> w_4, ideal adiabat (by hand)."""
    hot = tc.Reservoir(name="h", temperature=T_h, coupling=gamma_h)
    cold = tc.Reservoir(name="c", temperature=T_c, coupling=gamma_c)
    w1, w2 = w
    values = (w1, w2, w2 * T_c / T_h if w_3 is None else w_3, w1 * T_c / T_h)
    p = [tc.Parameter(f"w_{k}", v) for k, v in enumerate(values, start=1)]
    return tc.Cycle(substance=kw.get("substance", tc.TwoLevelSubstance()), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=p[0], end=p[1], duration=5.0, schedule=schedule),
        tc.QuantumAdiabat(name="hc", start=p[1], end=p[2], duration=kw.get("tau_adi", 0.0)),
        tc.Isotherm(name="c", reservoir=cold, start=p[2], end=p[3], duration=5.0, schedule=schedule),
        tc.QuantumAdiabat(name="ch", start=p[3], end=p[0], duration=0.0)])


# -- slow-driving closed forms (two levels, tanh law) ---------------------------------------------
def u_eq(w, T):
    return 1.0 / (1.0 + math.exp(w / T))


def du_eq(w, T):
    x = math.exp(-w / T)
    return -x / (1.0 + x) ** 2 / T


def first_order_matrix(T_c, T_h, w, gamma_h, gamma_c):
    """A_ij of the linear-ramp Carnot cycle: row = isotherm, column = whose 1/tau."""
    w1, w2 = w
    w3, w4 = w2 * T_c / T_h, w1 * T_c / T_h
    own, lag = [], []
    for ws, we, T, g in ((w1, w2, T_h, gamma_h), (w3, w4, T_c, gamma_c)):
        dw, du = we - ws, u_eq(we, T) - u_eq(ws, T)
        own.append((we * du_eq(we, T) * dw - dw * du) / (T * 2 * g))
        lag.append(-we * du_eq(we, T) * dw / (T * 2 * g))  # taken up by the next isotherm
    return np.array([[own[0], lag[1]], [lag[0], own[1]]])


def sigma_cosine(ws, we, T, g):
    def integrand(s):
        w = ws + (we - ws) * (1 - math.cos(math.pi * s)) / 2
        dw = (we - ws) * math.pi / 2 * math.sin(math.pi * s)
        return abs(du_eq(w, T)) * dw * dw / T

    return quad(integrand, 0, 1, epsabs=1e-15, epsrel=1e-13)[0] / (2 * g)


# -- the formulas -------------------------------------------------------------------------------------
def esposito_printed(T_c, T_h, s_h, s_c):
    """The paper's expression as printed: eta_C (1 + r) / ((1 + r)^2 + (T_c/T_h)(1 - Sigma_c/Sigma_h))."""
    eta_c = 1 - T_c / T_h
    r = np.sqrt(T_c * s_c / (T_h * s_h))
    return eta_c * (1 + r) / ((1 + r) ** 2 + T_c / T_h * (1 - s_c / s_h))


def test_efficiency_at_max_power_is_the_printed_formula_and_lies_within_its_bounds():
    rng = np.random.default_rng(1)
    T_h = rng.uniform(1, 5, 200)
    T_c = T_h * rng.uniform(0.01, 0.99, 200)
    s_h, s_c = np.exp(rng.uniform(-6, 6, (2, 200)))
    eta = efficiency_at_max_power(T_c, T_h, s_h, s_c)
    np.testing.assert_allclose(eta, esposito_printed(T_c, T_h, s_h, s_c), rtol=1e-12)
    lower, upper = efficiency_bounds(T_c, T_h)
    assert np.all(lower <= eta) and np.all(eta <= upper)
    alpha = schmiedl_seifert_alpha(T_c, T_h, s_h, s_c)
    np.testing.assert_allclose(eta, (1 - T_c / T_h) / (2 - alpha * (1 - T_c / T_h)), rtol=1e-14)


@pytest.mark.parametrize("theta", [0.1, 0.5, 0.9])
def test_efficiency_limits_symmetric_and_schmiedl_seifert_cases(theta):
    T_c, T_h = theta, 1.0
    eta_c = 1 - theta
    assert efficiency_at_max_power(T_c, T_h, 1.0, 1.0) == pytest.approx(1 - math.sqrt(theta), rel=1e-14)
    assert efficiency_at_max_power(T_c, T_h, 1.0, 1e-14) == pytest.approx(eta_c / (2 - eta_c), rel=1e-6)
    assert efficiency_at_max_power(T_c, T_h, 1.0, 0.0) == pytest.approx(eta_c / (2 - eta_c), rel=1e-15)
    assert efficiency_at_max_power(T_c, T_h, 1e-14, 1.0) == pytest.approx(eta_c / 2, rel=1e-6)
    assert efficiency_at_max_power(T_c, T_h, 0.0, 1.0) == pytest.approx(eta_c / 2, rel=1e-15)
    # equal irreversible work coefficients T_h Sigma_h = T_c Sigma_c: alpha = 1/2
    assert schmiedl_seifert_alpha(T_c, T_h, 1.0, T_h / T_c) == pytest.approx(0.5, rel=1e-14)
    assert efficiency_at_max_power(T_c, T_h, 1.0, T_h / T_c) == pytest.approx(eta_c / (2 - eta_c / 2), rel=1e-14)


def ld_chi_brute_force(T_c, T_h, s_h, s_c, dS=1.0):
    """Maximise chi of the low-dissipation refrigerator directly over (log tau_h, log tau_c)."""
    def neg_chi(z):
        tau_h, tau_c = np.exp(z)
        q_c = T_c * (dS - s_c / tau_c)
        work = (T_h - T_c) * dS + T_h * s_h / tau_h + T_c * s_c / tau_c
        return -(q_c / work) * q_c / (tau_h + tau_c) if q_c > 0 else 0.0

    grid = np.linspace(-6, 8, 57)
    z0 = min(((a, b) for a in grid for b in grid), key=neg_chi)
    res = scipy.optimize.minimize(neg_chi, z0, method="Nelder-Mead",
                                  options={"xatol": 1e-11, "fatol": 1e-16, "maxiter": 20000})
    tau_h, tau_c = np.exp(res.x)
    q_c = T_c * (dS - s_c / tau_c)
    return q_c / ((T_h - T_c) * dS + T_h * s_h / tau_h + T_c * s_c / tau_c)


@pytest.mark.parametrize("T_c, T_h, s_h, s_c", [(1.0, 2.0, 1.0, 1.0), (1.0, 2.0, 0.3, 2.0), (0.3, 1.0, 2.0, 0.5),
                                                 (0.9, 1.0, 1.0, 4.0)])
def test_cop_at_max_chi_against_brute_force_maximisation(T_c, T_h, s_h, s_c):
    assert cop_at_max_chi(T_c, T_h, s_h, s_c) == pytest.approx(ld_chi_brute_force(T_c, T_h, s_h, s_c), rel=1e-6)


@pytest.mark.parametrize("eps_c", [0.1, 1.0, 3.0, 30.0])
def test_cop_limits_de_tomas(eps_c):
    T_c, T_h = 1.0, 1.0 + 1.0 / eps_c
    ca, plus = math.sqrt(1 + eps_c) - 1, (math.sqrt(9 + 8 * eps_c) - 3) / 2
    assert cop_at_max_chi(T_c, T_h, 1.0, 1.0) == pytest.approx(ca, rel=1e-12)  # symmetric: eps_CA
    assert cop_at_max_chi(T_c, T_h, 0.0, 1.0) == pytest.approx(plus, rel=1e-12)  # Sigma_c/Sigma_h -> inf
    assert cop_at_max_chi(T_c, T_h, 1e-12, 1.0) == pytest.approx(plus, rel=1e-3)
    assert cop_at_max_chi(T_c, T_h, 1.0, 0.0) == 0.0  # Sigma_c/Sigma_h -> 0
    assert cop_at_max_chi(T_c, T_h, 1.0, 1e-12) < 1e-3 * plus
    ratios = np.logspace(-4, 4, 41)
    cop = cop_at_max_chi(T_c, T_h, 1.0, ratios)
    lower, upper = cop_bounds(T_c, T_h)
    assert np.all(cop > lower) and np.all(cop < upper)
    assert np.all(np.diff(cop) > 0)  # grows with Sigma_c / Sigma_h


def test_first_order_optimum_reduces_to_the_closed_forms():
    T_h, T_c, dS = 3.0, 1.0, 0.7
    for s_h, s_c in ((1.0, 1.0), (0.2, 3.0), (2.0, 0.1)):
        tau_h, tau_c, eta = first_order_optimum("engine", T_h, T_c, dS, -dS, np.diag([s_h, s_c]))
        assert eta == pytest.approx(efficiency_at_max_power(T_c, T_h, s_h, s_c), rel=1e-10)
        r = math.sqrt(T_c * s_c / (T_h * s_h))  # Esposito et al.: tau_h* = 2 T_h Sigma_h (1 + r) / (dT dS)
        assert tau_h == pytest.approx(2 * T_h * s_h * (1 + r) / ((T_h - T_c) * dS), rel=1e-9)
        assert tau_c == pytest.approx(2 * T_c * s_c * (1 + 1 / r) / ((T_h - T_c) * dS), rel=1e-9)
        _, _, cop = first_order_optimum("refrigerator", T_h, T_c, -dS, dS, np.diag([s_h, s_c]))
        assert cop == pytest.approx(cop_at_max_chi(T_c, T_h, s_h, s_c), rel=1e-9)


@pytest.mark.parametrize("mode, A", [  # the sign patterns of linear ramps
    ("engine", [[0.17, 0.10], [-0.09, 0.05]]), ("refrigerator", [[0.05, -0.09], [0.10, 0.17]])])
def test_first_order_optimum_with_cross_terms_and_adiabat_time_against_brute_force(mode, A):
    T_h, T_c, dS, t_other = 2.0, 1.0, 0.5, 0.8
    A = np.array(A)
    dS_h = dS if mode == "engine" else -dS
    tau_h, tau_c, figure = first_order_optimum(mode, T_h, T_c, dS_h, -dS_h, A, t_other)

    def figures(z):
        th, tcc = np.exp(z)
        s = A @ np.array([1 / th, 1 / tcc])
        heat_h, heat_c = T_h * (dS_h - s[0]), T_c * (-dS_h - s[1])
        work = -(heat_h + heat_c)
        t = th + tcc + t_other
        if mode == "engine":
            return -work / t, -work / heat_h
        return (heat_c / work) * heat_c / t if heat_c > 0 and work > 0 else -1.0, heat_c / work

    grid = np.linspace(-3, 5, 81)
    z0 = max(((a, b) for a in grid for b in grid), key=lambda z: figures(z)[0])
    res = scipy.optimize.minimize(lambda z: -figures(z)[0], z0, method="Nelder-Mead", bounds=[(-3, 5)] * 2,
                                  options={"xatol": 1e-12, "fatol": 1e-17, "maxiter": 20000})
    assert (tau_h, tau_c) == pytest.approx(tuple(np.exp(res.x)), rel=1e-5)
    assert figure == pytest.approx(figures(res.x)[1], rel=1e-8)


def test_first_order_optimum_without_an_interior_maximum_gives_nan():
    # a cold isotherm whose heat grows as it speeds up (negative coefficients): the model gains without bound
    A = np.array([[0.1, 0.0], [0.0, -0.2]])
    assert all(math.isnan(v) for v in first_order_optimum("refrigerator", 2.0, 1.0, -0.5, 0.5, A))
    A = np.array([[0.1, 0.0], [-0.3, 0.1]])  # T_h A_hh + T_c A_ch < 0: work grows as the hot isotherm speeds up
    assert all(math.isnan(v) for v in first_order_optimum("engine", 2.0, 1.0, 0.5, -0.5, A))
    with pytest.raises(ParameterError, match="mode"):
        first_order_optimum("heater", 2.0, 1.0, 0.5, -0.5, A)


def test_formula_input_is_checked():
    with pytest.raises(ParameterError, match="0 < T_c < T_h"):
        efficiency_at_max_power(2.0, 1.0, 1.0, 1.0)
    with pytest.raises(ParameterError, match="sigma_h=-1"):
        efficiency_at_max_power(1.0, 2.0, -1.0, 1.0)
    with pytest.raises(ParameterError, match="not both 0"):
        cop_at_max_chi(1.0, 2.0, 0.0, 0.0)
    with pytest.raises(ParameterError, match="finite"):
        cop_at_max_chi(1.0, 2.0, math.nan, 1.0)


# -- extraction -----------------------------------------------------------------------------------
@pytest.mark.parametrize("w, T_c, T_h, gamma_h, gamma_c", [
    ((4.0, 2.0), 1.0, 2.0, 1.0, 1.0),  # engine
    ((1.0, 3.0), 0.5, 1.0, 0.7, 1.5),  # refrigerator, unequal couplings
])
def test_coefficients_of_linear_ramps_match_the_slow_driving_closed_form(w, T_c, T_h, gamma_h, gamma_c):
    res = LowDissipationAnalysis(**FAST).run(carnot(w=w, T_c=T_c, T_h=T_h, gamma_h=gamma_h, gamma_c=gamma_c))
    expected = first_order_matrix(T_c, T_h, w, gamma_h, gamma_c)
    assert res.mode == ("engine" if w[0] > w[1] else "refrigerator")
    actual_error = np.abs(res.coefficients - expected)
    assert np.all(actual_error <= res.coefficients_error)  # the estimate bounds the error
    assert np.all(res.coefficients_error <= 5e-5 * np.abs(expected).max())
    # the cross terms are as large as the diagonal: the lag at the end of a linear ramp
    assert abs(expected[0, 1]) > 0.3 * abs(expected[0, 0])
    np.testing.assert_allclose([res.sigma_h, res.sigma_c], expected.sum(axis=0), rtol=1e-5)
    assert res.sigma_h > 0 and res.sigma_c > 0


def test_coefficients_of_cosine_ramps_match_the_thermodynamic_length_integral():
    T_c, T_h = 1.0, 2.0
    res = LowDissipationAnalysis(**FAST).run(carnot("cosine", T_c=T_c, T_h=T_h, gamma_c=0.5))
    s_h, s_c = sigma_cosine(4.0, 2.0, T_h, 1.0), sigma_cosine(1.0, 2.0, T_c, 0.5)
    expected = np.diag([s_h, s_c])
    assert np.all(np.abs(res.coefficients - expected) <= res.coefficients_error)
    assert np.all(res.coefficients_error <= 2e-3 * s_h)
    assert res.sigma_c / res.sigma_h == pytest.approx(2.0, rel=2e-3)  # Sigma ~ 1/gamma, same path in beta w


def test_sigma_against_a_direct_two_duration_estimate():
    """tau (Delta S - Q/T) at gamma tau = 200 and 400 on the diagonal tau_h = tau_c, Richardson-
    extrapolated: A_hh + A_hc and A_ch + A_cc, independently of the analysis's grid and fit."""
    cycle = carnot()
    res = LowDissipationAnalysis(**FAST).run(cycle)
    def gibbs_entropy(w, T):
        p = np.array([1.0, math.exp(-w / T)])
        p /= p.sum()
        return float(-(p * np.log(p)).sum())

    dS_h = gibbs_entropy(2.0, 2.0) - gibbs_entropy(4.0, 2.0)
    taus = np.array([200.0, 400.0])
    perf = cycle.model.evaluate(cycle.model.values({"tau_h": taus, "tau_c": taus}))
    s_h = taus * (dS_h - perf.heat["h"] / 2.0)
    s_c = taus * (-dS_h - perf.heat["c"] / 1.0)
    direct = 2 * np.array([s_h[1], s_c[1]]) - np.array([s_h[0], s_c[0]])
    expected = res.coefficients.sum(axis=1)
    np.testing.assert_allclose(direct, expected, rtol=1e-5, atol=1e-7)


def pauli_isotherm(p, ws, we, tau, T, gamma):
    """solve_ivp of the two-level Pauli equation along a linear ramp, with the heat as a component."""
    def rhs(t, y):
        w = ws + (we - ws) * t / tau
        s = math.tanh(w / (2 * T))
        k_down, k_up = gamma * (1 + s), gamma * (1 - s)
        dpe = k_up * y[0] - k_down * y[1]
        return [-dpe, dpe, w * dpe]  # heat rate: sum_i E_i dp_i/dt = w dp_e (levels w, 2w)

    sol = solve_ivp(rhs, (0, tau), [p[0], p[1], 0.0], method="DOP853", rtol=1e-12, atol=1e-14)
    return sol.y[:2, -1], sol.y[2, -1]


def test_irreversible_entropies_feeding_the_fit_match_solve_ivp_through_cycles():
    tau_h, tau_c = 16.0, 24.0
    cycle = carnot()
    perf = cycle.model.evaluate(cycle.model.values({"tau_h": tau_h, "tau_c": tau_c}))
    p = np.array([0.5, 0.5])
    for _ in range(4):  # the map contracts by exp(-2 gamma tau) per isotherm: a few cycles suffice
        p, q_h = pauli_isotherm(p, 4.0, 2.0, tau_h, 2.0, 1.0)
        p, q_c = pauli_isotherm(p, 1.0, 2.0, tau_c, 1.0, 1.0)
    assert perf.heat["h"] == pytest.approx(q_h, rel=1e-9)
    assert perf.heat["c"] == pytest.approx(q_c, rel=1e-9)


def test_durations_named_and_adiabat_time_counted():
    cycle = carnot("cosine", tau_adi=2.0)
    named = LowDissipationAnalysis(durations=("tau_h", "tau_c"), **CHEAP).run(cycle)
    default = LowDissipationAnalysis(**CHEAP).run(cycle)
    assert named.durations == default.durations == ("tau_h", "tau_c")
    np.testing.assert_array_equal(named.coefficients, default.coefficients)
    without = LowDissipationAnalysis(**CHEAP).run(carnot("cosine"))
    np.testing.assert_allclose(default.coefficients, without.coefficients, rtol=1e-9, atol=1e-12)
    # time spent on the adiabats lengthens the optimal isotherms
    assert default.prediction_tau[0] > without.prediction_tau[0]
    assert default.prediction > without.prediction  # ... dissipate less, and run closer to eta_C


def test_result_with_units_matches_natural_units():
    k_B, hbar = tc.ureg.boltzmann_constant, tc.ureg.hbar
    energy = tc.Q_(1.0, "K") * k_B  # the natural energy unit
    rate = (energy / hbar).to("1/s")
    hot = tc.Reservoir(name="h", temperature=tc.Q_(2.0, "K"), coupling=rate)
    cold = tc.Reservoir(name="c", temperature=tc.Q_(1.0, "K"), coupling=rate)
    p = [tc.Parameter(f"w_{k}", (v * energy).to("ueV")) for k, v in enumerate((4.0, 2.0, 1.0, 2.0), start=1)]
    tau = (5.0 * hbar / energy).to("ps")
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=p[0], end=p[1], duration=tau),
        tc.QuantumAdiabat(name="hc", start=p[1], end=p[2], duration=0.0 * tau),
        tc.Isotherm(name="c", reservoir=cold, start=p[2], end=p[3], duration=tau),
        tc.QuantumAdiabat(name="ch", start=p[3], end=p[0], duration=0.0 * tau)])
    si = LowDissipationAnalysis(**CHEAP).run(cycle)
    plain = LowDissipationAnalysis(**CHEAP).run(carnot())
    assert si.has_units and not plain.has_units
    np.testing.assert_allclose(si.coefficients, plain.coefficients, rtol=1e-9)
    q = si.quantities()
    assert q["sigma_h"].units == tc.ureg("J*s/K").units
    natural = ENTROPY_TIME.scale  # J s / K per natural unit
    assert q["sigma_h"].m == pytest.approx(plain.sigma_h * natural, rel=1e-9)
    assert q["prediction_tau"][0].to("s").m == pytest.approx(plain.prediction_tau[0] * tc.units.TIME_UNIT_S, rel=1e-8)
    assert plain.quantities()["sigma_h"] == plain.sigma_h


def test_result_helpers():
    res = LowDissipationAnalysis(**CHEAP).run(carnot("cosine"))
    assert res.optimum is None and res.within_bounds is None
    with pytest.raises(AnalysisError, match="compare=False"):
        res.deviation()
    assert "Sigma_h" in res.summary() and "engine" in res.summary()
    done = LowDissipationAnalysis(n_starts=4, search=4.0, gamma_tau=CHEAP["gamma_tau"]).run(
        carnot("cosine", T_c=0.5, T_h=1.0, w=(2.0, 1.0)))
    assert done.optimum_success
    assert done.deviation("upper") == pytest.approx((done.optimum - done.bounds[1]) / done.bounds[1])
    assert "true optimum" in done.summary()
    with pytest.raises(ParameterError, match="reference"):
        done.deviation("carnot")


# -- errors -----------------------------------------------------------------------------------------
def test_cycles_it_cannot_analyse_are_refused_with_the_reason():
    otto = tc.quantum_otto_cycle(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5,
                                 tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    with pytest.raises(AnalysisError, match="hot and a cold Isotherm.*has 0"):
        LowDissipationAnalysis(**CHEAP).run(otto)
    res = tc.Reservoir(name="r", temperature=1.0, coupling=1.0)
    one = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="a", reservoir=res, start=1.0, end=2.0, duration=1.0),
        tc.Isotherm(name="b", reservoir=res, start=2.0, end=1.0, duration=1.0)])
    with pytest.raises(AnalysisError, match="one Isotherm with each of two reservoirs"):
        LowDissipationAnalysis(**CHEAP).run(one)
    with pytest.raises(AnalysisError, match="entropy changes do not cancel"):
        LowDissipationAnalysis(**CHEAP).run(carnot(w_3=1.2))
    with pytest.raises(AnalysisError, match="scalar parameters; tau_h"):
        LowDissipationAnalysis(**CHEAP).run(carnot().with_parameters(tau_h=np.array([1.0, 2.0])))
    with pytest.raises(AnalysisError, match="'tau_x' is not the duration"):
        LowDissipationAnalysis(durations=("tau_x", "tau_c"), **CHEAP).run(carnot())
    with pytest.raises(AnalysisError, match="first name must be the hot"):
        LowDissipationAnalysis(durations=("tau_c", "tau_h"), **CHEAP).run(carnot())
    with pytest.raises(ParameterError, match="needs a Cycle"):
        LowDissipationAnalysis(**CHEAP).run("cycle")


def test_heat_off_the_isotherms_and_shared_durations_are_refused():
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    p = [tc.Parameter(f"w_{k}", v) for k, v in enumerate((4.0, 2.0, 1.0, 2.0), start=1)]
    leaky = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=p[0], end=p[1], duration=5.0),
        tc.QuantumAdiabat(name="hc", start=p[1], end=p[2], duration=0.0),
        tc.Isotherm(name="c", reservoir=cold, start=p[2], end=p[3], duration=5.0),
        tc.Isochore(name="x", reservoir=cold, control=p[3], duration=1.0),
        tc.QuantumAdiabat(name="ch", start=p[3], end=p[0], duration=0.0)])
    with pytest.raises(AnalysisError, match="Isochore 'x' also touch"):
        LowDissipationAnalysis(**CHEAP).run(leaky)
    tau = tc.Parameter("tau", 5.0)
    shared = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=p[0], end=p[1], duration=tau),
        tc.QuantumAdiabat(name="hc", start=p[1], end=p[2], duration=0.0),
        tc.Isotherm(name="c", reservoir=cold, start=p[2], end=p[3], duration=tau),
        tc.QuantumAdiabat(name="ch", start=p[3], end=p[0], duration=0.0)])
    with pytest.raises(AnalysisError, match="both isotherms read the duration parameter 'tau'"):
        LowDissipationAnalysis(**CHEAP).run(shared)


@pytest.mark.parametrize("field, value, match", [
    ("degree", 1, "degree must be an integer from 2 to 4"),
    ("gamma_tau", (16.0, 24.0), "at least degree \\+ 1 = 5"),
    ("gamma_tau", (1.0, 2.0, 3.0, 4.0, 5.0), ">= 4"),
    ("durations", ("tau_h",), "two different parameter names"),
    ("search", 1.0, "search must be a number > 1"),
    ("n_starts", 0, "n_starts must be a positive integer"),
    ("tolerance", 0.0, "tolerance must be in"),
    ("backend", "gpu", "backend must be one of"),
])
def test_bad_fields_are_refused(field, value, match):
    with pytest.raises(ParameterError, match=f"LowDissipationAnalysis.*{match}"):
        LowDissipationAnalysis(**{field: value})
