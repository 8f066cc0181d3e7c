"""Paper, section IV (eqs. 24-32): COP at maximum chi of the model as a linear irreversible
refrigerator under tight coupling, against the full model.

What the paper claims: with J2 = lambda J1 (tight coupling) and lambda fixed, maximising chi of the
linear model gives eps_plus. What the numbers show (docs/explanation/irreversible.md):

* the Onsager matrix of the two-level Otto cycle is tightly coupled (q = 1), and the linear model
  J = L X does give eps_plus exactly, whatever L;
* the full model at fixed lambda (= w_b for the Otto cycle) does NOT approach eps_plus as the
  thermal force vanishes (eps_C -> infinity) unless also v = beta_h w_b -> 0. The optimum balances
  the kinematic factor (w_a/w_b)^2 against the second-order term of Delta_n_eq, which the linear model
  drops, and the two are of the same order; expanding both gives
  eps*/eps_plus -> sqrt(1 - (v/4) tanh(v/2)) as eps_C -> infinity at fixed v;
* the joint optimum over (w_a, w_b) (Fig. 2) tends to eps_plus/sqrt(2) ~ eps_CA.
"""

import numpy as np
import pytest

import thermocycles as tc
from thermocycles import bounds
from thermocycles.closed_forms.otto_two_level import optimal_frequencies


def fridge(eps_c, v, T_c=1.0):
    """Flagship at Carnot COP eps_c with beta_h w_b = v, started halfway into the cooling window."""
    T_h = T_c * (1 + eps_c) / eps_c
    w_b = v * T_h
    return tc.quantum_otto_refrigerator(T_c=T_c, T_h=T_h, gamma_c=1.0, gamma_h=1.0,
                                        w_a=0.5 * w_b * T_c / T_h, w_b=w_b,
                                        tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)


def cop_at_max_chi_fixed_w_b(cycle):
    """The full model's optimum over w_a at fixed w_b (lambda = J2/J1 = w_b fixed), by the Optimizer."""
    T_c, T_h, w_b = (cycle.model.defaults[k] for k in ("T_c", "T_h", "w_b"))
    top = w_b * T_c / T_h  # cooling needs w_a < w_b T_c / T_h
    res = tc.Optimizer(objective="chi", variables={"w_a": (1e-4 * top, top)}).run(cycle)
    assert res.success, res.message
    return float(res.performance.cop)


def asymptote(v):
    return np.sqrt(1 - v / 4 * np.tanh(v / 2))


@pytest.mark.parametrize("eps_c", [0.5, 2.0, 10.0, 100.0, 1e4])
def test_section4_linear_tight_coupling_model_gives_eps_plus(eps_c):
    res = tc.IrreversibleAnalysis().run(fridge(2.0, 1.0))
    assert res.tight_coupling
    assert res.cop_at_max_chi(eps_c) == pytest.approx(float(bounds.eps_plus(eps_c)), rel=1e-9)


@pytest.mark.parametrize("v", [0.1, 1.0, 3.0])
def test_section4_full_model_at_fixed_lambda_tends_to_the_second_order_asymptote(v):
    """As eps_C grows the full model's COP at max chi (fixed w_b) tends to
    eps_plus sqrt(1 - (v/4) tanh(v/2)), not to eps_plus (unless v -> 0)."""
    ratios = []
    for eps_c in (1.0, 10.0, 100.0, 1000.0, 1e5):
        ratios.append(cop_at_max_chi_fixed_w_b(fridge(eps_c, v)) / float(bounds.eps_plus(eps_c)))
    # The correction to the asymptote is of order v delta', delta' = 1 - w_a T_h/(w_b T_c) ~
    # sqrt((1 - theta)/a), a = 2 - (v/2) tanh(v/2): it shrinks like eps_c^(-1/2), slowest for large v.
    assert ratios[-1] == pytest.approx(asymptote(v), rel=1e-2)
    gaps = [abs(r - asymptote(v)) for r in ratios]
    assert all(g1 > g2 for g1, g2 in zip(gaps, gaps[1:]))
    if v >= 1.0:  # a deviation from eps_plus that does not go away in the linear regime
        assert 1 - ratios[-1] > 0.05


def test_section4_high_temperature_recovers_eps_plus():
    eps_c = 100.0
    ratios = [cop_at_max_chi_fixed_w_b(fridge(eps_c, v)) / float(bounds.eps_plus(eps_c))
              for v in (1.0, 0.3, 0.1, 0.03)]
    assert np.all(np.diff(ratios) > 0) and abs(ratios[-1] - 1) < 2e-4


def test_section4_joint_optimum_tends_to_eps_plus_over_sqrt2():
    eps_c = np.array([1.0, 10.0, 1e3, 1e6])
    ratio = optimal_frequencies(eps_c).eps_star / bounds.eps_plus(eps_c)
    assert np.all(np.diff(ratio) < 0)
    assert ratio[-1] == pytest.approx(1 / np.sqrt(2), rel=2e-3)
    assert np.all(ratio < 1)  # eps_plus bounds the true optimum


def test_section4_erratum_9_positive_root():
    """The optimal X1 of the linear model is lambda (sqrt(X2^2 - 8 beta_c X2) - X2)/4 > 0."""
    beta_c, lam = 1.0, 1.7
    x2 = -0.4  # beta_h - beta_c < 0
    x1 = lam * (np.sqrt(x2**2 - 8 * beta_c * x2) - x2) / 4
    assert x1 > 0
    eps = beta_c * lam / x1 - 1
    eps_c = (beta_c + x2) / beta_c / (1 - (beta_c + x2) / beta_c)  # theta / (1 - theta)
    assert eps == pytest.approx(float(bounds.eps_plus(eps_c)), rel=1e-12)
