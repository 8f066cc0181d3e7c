"""Paper, section III, eq. (20): optimal time allocation on the isochores.

At fixed adiabat time, chi depends on the contact times only through F = f(x, y)/t_cyc
(x = 2 gamma_c tau_c, y = 2 gamma_h tau_h). At its maximum (docs/explanation/physics.md, section 5, in physical time)
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


# Fast contacts (2 gamma tau << 1, adiabats much shorter than 1/gamma): eq. (20) and the equal-rate
# relation hold there too. In that regime the solver once returned tau_c = 0.5 for gamma = 1e-12,
# tau_adi = 1e-300 (truth ~9.1e-93), then refused every min(x, y) < 1e-4.
FAST_CASES = [(1.0, 3.0, 1e-20), (1e-12, 1e-12, 1e-300), (2.0, 0.1, 1e-13), (1e-3, 1e3, 1e-250),
              (1e100, 1e-100, 1e-200)]


def eq20_ratio_half_angle(gamma_c, gamma_h, tau_c, tau_h):
    """eq. (20) with cosh z - 1 = 2 sinh(z/2)^2 (no cancellation for small z)."""
    return gamma_c * np.sinh(gamma_h * tau_h) ** 2 / (gamma_h * np.sinh(gamma_c * tau_c) ** 2)


@pytest.mark.parametrize("gamma_c, gamma_h, tau_adi", FAST_CASES)
def test_eq20_holds_for_fast_contacts(gamma_c, gamma_h, tau_adi):
    exact = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
    x, y = 2 * gamma_c * exact.tau_c, 2 * gamma_h * exact.tau_h
    assert min(x, y) < 1e-4  # the regime once refused
    assert eq20_ratio_half_angle(gamma_c, gamma_h, exact.tau_c, exact.tau_h) == pytest.approx(1.0, rel=1e-14)


@pytest.mark.parametrize("gamma, tau_adi", [(1e-12, 1e-300), (1.0, 1e-20), (1e3, 1e-40), (1e-200, 1e-100)])
def test_eq20_equal_rates_fast_contacts(gamma, tau_adi):
    """sinh z - z = gamma tau_adi with z = 2 gamma tau, its series z^3/6 (1 + z^2/20) for z << 1."""
    exact = optimal_time_allocation(gamma, gamma, tau_adi)
    z = 2 * gamma * exact.tau_c
    assert exact.tau_h == exact.tau_c and z < 1e-4
    assert z**3 / 6 * (1 + z**2 / 20) == pytest.approx(gamma * tau_adi, rel=1e-14)
    if (gamma, tau_adi) == (1e-12, 1e-300):  # the example: tau_c = (6e-312)^(1/3) / 2e-12
        assert exact.tau_c == pytest.approx(9.0856029641607e-93, rel=1e-13)
