"""Paper, section III, eq. (23): the high-temperature limit gives eps_plus.

With tanh z ~ z, Delta_n_eq ~ (beta_h w_b - beta_c w_a)/4 (docs/explanation/physics.md, section 5; the paper's
printed heat law is erratum 7). At fixed w_b, maximising the linearised chi over w_a gives
eps^2 + 3 eps - 2 eps_C = 0, i.e. eps_plus; the joint optimum over (w_a, w_b) does not exist.
"""

import pathlib
import runpy

import numpy as np
import pytest
import scipy.optimize

import thermocycles as tc
from thermocycles.closed_forms.otto_two_level import delta_n_eq, optimal_frequencies

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "high_temperature_limit.py"


def linearised_chi_over_w_a(w_a, w_b, T_c, T_h):
    """chi up to the positive time factor, with the linearised heat law."""
    return w_a**2 * (w_b / T_h - w_a / T_c) / (4 * (w_b - w_a))


@pytest.mark.parametrize("eps_c", [0.1, 0.5, 1.0, 2.0, 5.0, 20.0])
def test_eq23_linearised_closed_form_gives_eps_plus(eps_c):
    T_c, w_b = 1.0, 1.0
    T_h = T_c * (1 + eps_c) / eps_c
    upper = w_b * T_c / T_h
    res = scipy.optimize.minimize_scalar(lambda w: -linearised_chi_over_w_a(w, w_b, T_c, T_h),
                                         bounds=(1e-9, upper), method="bounded",
                                         options={"xatol": 1e-13})
    cop = res.x / (w_b - res.x)
    assert cop == pytest.approx(float(tc.bounds.eps_plus(eps_c)), rel=1e-7)
    assert cop**2 + 3 * cop - 2 * eps_c == pytest.approx(0.0, abs=1e-6 * (1 + eps_c))


@pytest.mark.parametrize("eps_c", [0.5, 2.0, 5.0])
def test_eq23_user_defined_linearised_reservoir_with_optimizer(eps_c):
    """The same result through the framework: a reservoir class of our own + the Optimizer."""
    example = runpy.run_path(str(EXAMPLE))
    T_c = 100.0
    res = example["cop_at_max_chi_fixed_w_b"](T_c, T_c * (1 + eps_c) / eps_c, w_b=1.0)
    assert res.success, res.message
    assert float(res.performance.cop) == pytest.approx(float(tc.bounds.eps_plus(eps_c)), rel=1e-6)


def test_eq23_full_model_approaches_eps_plus_as_beta_w_vanishes():
    """With the exact tanh law at fixed w_b, the COP at maximum chi over w_a tends to eps_plus."""
    eps_c = 2.0
    target = float(tc.bounds.eps_plus(eps_c))
    gaps = []
    for beta_h_w_b in (1.0, 0.1, 0.01):
        T_h = 1.0
        T_c = T_h * eps_c / (1 + eps_c)
        w_b = beta_h_w_b * T_h
        res = scipy.optimize.minimize_scalar(
            lambda w: -(w**2 * delta_n_eq(w / T_c, w_b / T_h) / (w_b - w)),
            bounds=(1e-12, w_b * T_c / T_h), method="bounded", options={"xatol": 1e-16})
        gaps.append(abs(res.x / (w_b - res.x) / target - 1))
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 1e-4


def test_eq23_holds_only_for_the_constrained_problem():
    """Erratum 8: the joint optimum over (w_a, w_b) of the exact model is eps* != eps_plus."""
    eps_c = 2.0
    eps_star = optimal_frequencies(eps_c).eps_star[0]
    assert eps_star < 0.8 * float(tc.bounds.eps_plus(eps_c))
    # and the linearised chi has no joint optimum: it grows without bound in w_b
    T_c, T_h = 1.0, 1.5
    values = [linearised_chi_over_w_a(0.3 * w_b * T_c / T_h, w_b, T_c, T_h) for w_b in (1, 10, 100)]
    assert np.all(np.diff(values) > 0)
