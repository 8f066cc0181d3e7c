"""Paper, section III, eq. (20): optimal time allocation on the isochores.

At fixed adiabat time, chi depends on the contact times only through F = f(x, y)/t_cyc
(x = 2 gamma_c tau_c, y = 2 gamma_h tau_h). At its maximum (physics.md section 5, in physical time)
    gamma_c [cosh(2 gamma_h tau_h) - 1] = gamma_h [cosh(2 gamma_c tau_c) - 1],
and for gamma_c = gamma_h = gamma: tau_c = tau_h = tau with sinh(2 gamma tau) - 2 gamma tau = gamma tau_adi.

The optimum is found two independent ways: the generic Optimizer on the full cycle (which knows
nothing of eq. 20) and the dedicated solver `optimal_time_allocation`.
"""

import numpy as np
import pytest

import thermocycles as tc
from thermocycles.closed_forms.otto_two_level import chi_time_part, optimal_time_allocation

# (gamma_c, gamma_h, tau_adi) with tau_adi split unevenly over the two adiabats
CASES = [(1.0, 1.0, 0.2), (1.0, 3.0, 0.2), (5.0, 0.5, 1.0), (0.2, 0.2, 5.0), (2.0, 0.1, 0.05)]

# The Optimizer stops on relative changes of chi ~1e-12, so near the smooth maximum the durations
# are determined to about sqrt(1e-12) ~ 1e-6 (relative); 2e-5 leaves room for curvature.
OPTIMIZER_RTOL = 2e-5


def fridge(gamma_c, gamma_h, tau_adi):
    return tc.quantum_otto_refrigerator(
        T_c=1.0, T_h=2.0, gamma_c=gamma_c, gamma_h=gamma_h, w_a=1.0, w_b=3.0,
        tau_c=1.0, tau_h=1.0, tau_ch=0.3 * tau_adi, tau_hc=0.7 * tau_adi)


def eq20_ratio(gamma_c, gamma_h, tau_c, tau_h):
    return gamma_c * (np.cosh(2 * gamma_h * tau_h) - 1) / (gamma_h * (np.cosh(2 * gamma_c * tau_c) - 1))


@pytest.mark.parametrize("gamma_c, gamma_h, tau_adi", CASES)
def test_eq20_holds_at_the_optimizer_optimum(gamma_c, gamma_h, tau_adi):
    res = tc.Optimizer(objective="chi", variables={"tau_c": (1e-4, 100.0), "tau_h": (1e-4, 100.0)}
                       ).run(fridge(gamma_c, gamma_h, tau_adi))
    assert res.success, res.message
    assert not res.at_bounds
    tau_c, tau_h = res.x["tau_c"], res.x["tau_h"]
    # eq. 20 involves cosh of the durations: its relative error is ~ (2 gamma tau) x the durations'.
    slack = OPTIMIZER_RTOL * 4 * max(2 * gamma_c * tau_c, 2 * gamma_h * tau_h, 1.0)
    assert eq20_ratio(gamma_c, gamma_h, tau_c, tau_h) == pytest.approx(1.0, rel=slack)


@pytest.mark.parametrize("gamma_c, gamma_h, tau_adi", CASES)
def test_eq20_dedicated_solver_agrees_with_optimizer(gamma_c, gamma_h, tau_adi):
    exact = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
    assert exact.converged
    assert eq20_ratio(gamma_c, gamma_h, exact.tau_c, exact.tau_h) == pytest.approx(1.0, rel=1e-12)
    res = tc.Optimizer(objective="chi", variables={"tau_c": (1e-4, 100.0), "tau_h": (1e-4, 100.0)}
                       ).run(fridge(gamma_c, gamma_h, tau_adi))
    assert res.x["tau_c"] == pytest.approx(exact.tau_c, rel=OPTIMIZER_RTOL)
    assert res.x["tau_h"] == pytest.approx(exact.tau_h, rel=OPTIMIZER_RTOL)


@pytest.mark.parametrize("gamma, tau_adi", [(1.0, 0.2), (0.3, 2.0), (4.0, 0.01)])
def test_eq20_equal_rates_give_equal_times(gamma, tau_adi):
    exact = optimal_time_allocation(gamma, gamma, tau_adi)
    assert exact.tau_c == pytest.approx(exact.tau_h, rel=1e-12)
    z = 2 * gamma * exact.tau_c
    assert np.sinh(z) - z == pytest.approx(gamma * tau_adi, rel=1e-10)
    res = tc.Optimizer(objective="chi", variables={"tau_c": (1e-4, 100.0), "tau_h": (1e-4, 100.0)}
                       ).run(fridge(gamma, gamma, tau_adi))
    assert res.x["tau_c"] == pytest.approx(res.x["tau_h"], rel=OPTIMIZER_RTOL)
    assert res.x["tau_c"] == pytest.approx(exact.tau_c, rel=OPTIMIZER_RTOL)


def test_eq20_alone_does_not_fix_the_optimum():
    """Eq. (20) is the ratio of the two stationarity conditions: a whole curve satisfies it."""
    gamma_c, gamma_h, tau_adi = 1.0, 3.0, 0.2
    exact = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
    best = chi_time_part(gamma_c, gamma_h, exact.tau_c, exact.tau_h, tau_adi)
    for scale in (0.5, 2.0):
        x = 2 * gamma_c * exact.tau_c * scale
        y = 2 * np.arcsinh(np.sqrt(gamma_h / gamma_c) * np.sinh(x / 2))  # on the eq. 20 curve
        tau_c, tau_h = x / (2 * gamma_c), y / (2 * gamma_h)
        assert eq20_ratio(gamma_c, gamma_h, tau_c, tau_h) == pytest.approx(1.0, rel=1e-12)
        assert chi_time_part(gamma_c, gamma_h, tau_c, tau_h, tau_adi) < best


def test_eq20_paper_form_is_in_rescaled_time():
    """Erratum 5: the printed eq. (20) uses tau' = 2 tau; read in physical time it fails."""
    gamma_c, gamma_h = 1.0, 3.0
    exact = optimal_time_allocation(gamma_c, gamma_h, 0.2)
    printed = gamma_c * (np.cosh(gamma_h * exact.tau_h) - 1) / (gamma_h * (np.cosh(gamma_c * exact.tau_c) - 1))
    assert abs(printed - 1) > 0.05
