"""Paper, section III and Fig. 2: the COP at maximum chi, eps*, against the Carnot COP.

Checks that eps* (i) satisfies the stationarity conditions, eqs. (21)-(22) as corrected in
docs/explanation/physics.md, section 7, (ii) agrees with the generic Optimizer maximising chi of the full cycle over
(w_a, w_b), (iii) does not depend on gamma, the durations or the absolute temperature, (iv) stays below eps_plus,
and (v) how far it is from the Curzon-Ahlborn COP (the paper calls the agreement "nice"; the numbers
are 3 to 6.5 percent above eps_CA on 0 < eps_C <= 10, decreasing with eps_C).
"""

import numpy as np
import pytest

import thermocycles as tc
from thermocycles import bounds
from thermocycles.closed_forms.otto_two_level import optimal_frequencies, stationarity_residuals
from thermocycles.figures import DEFAULT_EPS_C, fig2_data

# The Optimizer works on function values: at a smooth maximum the frequencies, hence eps*, are
# determined to ~sqrt(1e-12) relative; 1e-6 is that with a margin.
OPTIMIZER_RTOL = 1e-6


def fridge_at(eps_c, T_c=1.0, gamma=(1.0, 1.0), taus=(0.5, 0.5, 0.1, 0.1)):
    T_h = T_c * (1 + eps_c) / eps_c
    return tc.quantum_otto_refrigerator(
        T_c=T_c, T_h=T_h, gamma_c=gamma[0], gamma_h=gamma[1], w_a=T_c, w_b=3 * T_h,
        tau_c=taus[0], tau_h=taus[1], tau_ch=taus[2], tau_hc=taus[3])


def eps_star_by_optimizer(cycle):
    T_c = cycle.model.defaults["T_c"]
    T_h = cycle.model.defaults["T_h"]
    res = tc.Optimizer(objective="chi",
                       variables={"w_a": (1e-2 * T_c, 20 * T_c), "w_b": (1e-2 * T_h, 40 * T_h)}).run(cycle)
    assert res.success, res.message
    assert not res.at_bounds
    return float(res.performance.cop), res


def test_fig2_solution_satisfies_eqs_21_22():
    r = optimal_frequencies(DEFAULT_EPS_C)
    assert r.converged.all()
    theta = DEFAULT_EPS_C / (1 + DEFAULT_EPS_C)
    res21, res22 = stationarity_residuals(r.u, r.v, theta)
    assert np.max(np.abs(res21)) < 1e-10
    assert np.max(np.abs(res22)) < 1e-10


def test_fig2_solution_is_a_maximum():
    r = optimal_frequencies([0.3, 1.0, 4.0])
    theta = r.eps_c / (1 + r.eps_c)
    from thermocycles.closed_forms.otto_two_level import log_frequency_part
    best = log_frequency_part(r.u, r.v, theta)
    for du, dv in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3), (1e-3, 1e-3), (1e-3, -1e-3)]:
        assert np.all(log_frequency_part(r.u * (1 + du), r.v * (1 + dv), theta) < best)


@pytest.mark.parametrize("eps_c", [0.25, 1.0, 3.0, 10.0])
def test_fig2_eps_star_agrees_with_optimizer_on_full_cycle(eps_c):
    cop, res = eps_star_by_optimizer(fridge_at(eps_c))
    exact = optimal_frequencies(eps_c)
    assert cop == pytest.approx(exact.eps_star[0], rel=OPTIMIZER_RTOL)
    T_c, T_h = res.cycle.model.defaults["T_c"], res.cycle.model.defaults["T_h"]
    assert res.x["w_a"] / T_c == pytest.approx(exact.u[0], rel=10 * OPTIMIZER_RTOL)
    assert res.x["w_b"] / T_h == pytest.approx(exact.v[0], rel=10 * OPTIMIZER_RTOL)


@pytest.mark.parametrize("T_c, gamma, taus", [
    (1.0, (1.0, 1.0), (0.5, 0.5, 0.1, 0.1)),
    (37.0, (1.0, 1.0), (0.5, 0.5, 0.1, 0.1)),       # absolute temperature
    (1.0, (0.05, 8.0), (0.5, 0.5, 0.1, 0.1)),       # couplings
    (1.0, (1.0, 1.0), (10.0, 0.01, 3.0, 0.0)),      # time allocation
])
def test_fig2_eps_star_independent_of_gamma_tau_and_temperature_scale(T_c, gamma, taus):
    eps_c = 2.0
    cop, _ = eps_star_by_optimizer(fridge_at(eps_c, T_c=T_c, gamma=gamma, taus=taus))
    assert cop == pytest.approx(optimal_frequencies(eps_c).eps_star[0], rel=OPTIMIZER_RTOL)


def test_fig2_eps_star_below_eps_plus():
    eps_c = np.concatenate([np.logspace(-3, -1, 20), DEFAULT_EPS_C, np.logspace(1, 3, 20)])
    d = fig2_data(eps_c)
    assert d.converged.all()
    assert np.all(d.eps_star < d.eps_plus)


def test_fig2_eps_star_above_eps_ca_by_three_to_seven_percent():
    """How close eps* is to eps_CA: 2.96 % (eps_C = 10) to 6.50 % (eps_C = 0.05) above it."""
    d = fig2_data(DEFAULT_EPS_C)
    dev = d.deviation_from_ca
    assert np.all(dev > 0.029) and np.all(dev < 0.066)
    assert np.all(np.diff(dev) < 0)  # the agreement improves as eps_C grows
    assert dev[0] == pytest.approx(0.0650, abs=5e-4)
    assert dev[-1] == pytest.approx(0.0296, abs=5e-4)


def test_fig2_known_values():
    """Reference values from this implementation, cross-checked with the Optimizer above."""
    r = optimal_frequencies([0.5, 1.0, 2.0])
    np.testing.assert_allclose(r.eps_star, [0.238062525, 0.436804434, 0.767177515], rtol=1e-8)
    np.testing.assert_allclose(r.u, [1.847598842, 1.891766780, 1.951916439], rtol=1e-8)


def test_bounds_module_vectorised():
    eps_c = np.array([0.5, 3.0, 8.0])
    np.testing.assert_allclose(bounds.curzon_ahlborn_cop(eps_c), np.sqrt(1 + eps_c) - 1)
    np.testing.assert_allclose(bounds.eps_plus(eps_c), (np.sqrt(9 + 8 * eps_c) - 3) / 2)
    T_c, T_h = np.array([1.0, 2.0]), np.array([3.0, 5.0])
    np.testing.assert_allclose(bounds.carnot_cop(T_c, T_h), T_c / (T_h - T_c))
    np.testing.assert_allclose(bounds.carnot_efficiency(T_c, T_h), 1 - T_c / T_h)
    np.testing.assert_allclose(bounds.curzon_ahlborn_efficiency(T_c, T_h), 1 - np.sqrt(T_c / T_h))
    np.testing.assert_allclose(bounds.eps_c_from_theta(bounds.theta_from_eps_c(eps_c)), eps_c)


def test_fig2_in_chunks_equals_one_vectorised_solve():
    """fig2_data solves CHUNK values per call (for its progress bar): each eps_C is an independent
    optimisation, so the chunks give exactly what one call over all values gives."""
    from thermocycles import figures

    eps_c = np.linspace(0.05, 10.0, 2 * figures.CHUNK + 37)
    whole = optimal_frequencies(eps_c)
    d = fig2_data(eps_c, progress=False)
    np.testing.assert_array_equal(d.eps_star, whole.eps_star)
    np.testing.assert_array_equal(d.beta_c_w_a, whole.u)
    np.testing.assert_array_equal(d.beta_h_w_b, whole.v)


@pytest.mark.parametrize("bad", [[], [[1.0, 2.0]]])
def test_fig2_data_refuses_empty_or_two_dimensional_input(bad):
    from thermocycles.errors import ParameterError

    with pytest.raises(ParameterError, match=r"fig2_data: eps_c must be a non-empty 1-D array .* got shape"):
        fig2_data(bad)
