"""Literature benchmarks 4 and 5: low-dissipation Carnot engines and refrigerators.

* Esposito, Kawai, Lindenberg and Van den Broeck, PRL 105, 150603 (2010): eta* between eta_C/2
  and eta_C/(2 - eta_C), eta_CA for symmetric dissipation.
* Schmiedl and Seifert, EPL 81, 20003 (2008): eta* = eta_C / (2 - alpha eta_C), alpha = 1/2 for
  equal irreversible work coefficients (T_h Sigma_h = T_c Sigma_c).
* de Tomas, Calvo Hernandez and Roco, PRE 85, 010104(R) (2012): COP at maximum chi between 0 and
  eps_plus, eps_CA for symmetric dissipation.

The model: a two-level Carnot cycle (hot isotherm w_1 -> w_2, ideal adiabat to w_2 T_c/T_h, cold
isotherm, ideal adiabat back), tanh law, optimised over the two isotherm durations by the Optimizer.
These claims are the leading order of an expansion in the dissipated fraction at the optimum: it is
O(eta_C) for the engine and O(eps_C^(-1/2)) for the refrigerator, and in this model the next order
is large. The tests assert what holds, with the measured deviations (docs/explanation/low_dissipation.md has
the table); numbers in comments were measured with these settings.
"""

import math

import pytest

import thermocycles as tc
from thermocycles.analysis.low_dissipation import LowDissipationAnalysis

ANALYSIS = LowDissipationAnalysis(n_starts=8, search=5.0)


def two_level_carnot(theta, *, schedule="cosine", engine=True, gamma_c=1.0):
    """T_h = 1, T_c = theta; the engine lowers the gap on the hot isotherm (w 2 -> 1), the
    refrigerator raises it (1 -> 2)."""
    hot = tc.Reservoir(name="h", temperature=1.0, coupling=1.0)
    cold = tc.Reservoir(name="c", temperature=theta, coupling=gamma_c)
    w1, w2 = (2.0, 1.0) if engine else (1.0, 2.0)
    p = [tc.Parameter(f"w_{k}", v) for k, v in enumerate((w1, w2, w2 * theta, w1 * theta), start=1)]
    return tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=p[0], end=p[1], duration=5.0, schedule=schedule),
        tc.QuantumAdiabat(name="hc", start=p[1], end=p[2], duration=0.0),
        tc.Isotherm(name="c", reservoir=cold, start=p[2], end=p[3], duration=5.0, schedule=schedule),
        tc.QuantumAdiabat(name="ch", start=p[3], end=p[0], duration=0.0)])


@pytest.fixture(scope="module")
def engines():
    return {key: ANALYSIS.run(two_level_carnot(theta, schedule=schedule, gamma_c=gamma_c))
            for key, (theta, schedule, gamma_c) in {
                "cosine 0.9": (0.9, "cosine", 1.0), "cosine 0.5": (0.5, "cosine", 1.0),
                "linear 0.9": (0.9, "linear", 1.0), "schmiedl-seifert 0.9": (0.9, "cosine", 0.9)}.items()}


@pytest.fixture(scope="module")
def refrigerators():
    return {theta: ANALYSIS.run(two_level_carnot(theta, engine=False)) for theta in (0.5, 0.99)}


def test_esposito_2010_symmetric_dissipation_gives_eta_ca_near_equilibrium(engines):
    res = engines["cosine 0.9"]
    assert res.optimum_success and res.mode == "engine"
    # the cosine schedule ends each isotherm at equilibrium (no lag carried over) and, with equal
    # couplings, both isotherms dissipate alike: the low-dissipation prediction is eta_CA
    assert res.sigma_c / res.sigma_h == pytest.approx(1.0, abs=3e-3)
    assert abs(res.coefficients[0, 1]) < 1e-3 * res.sigma_h
    assert res.literature == pytest.approx(res.curzon_ahlborn, rel=1e-4)
    # the true optimum (gamma tau* = 16) lies within the bounds, 0.79 % above eta_CA (0.051723 vs 0.051317)
    assert res.within_bounds
    assert 0 < res.deviation("curzon_ahlborn") < 0.01
    # alpha: 0.513 predicted, 0.666 measured; the difference is of order eta_C (here 1.5 eta_C)
    assert res.alpha == pytest.approx(1 / (1 + math.sqrt(0.9)), abs=1e-3)
    assert 0 < res.alpha_measured - res.alpha < 1.6 * res.carnot


def test_esposito_2010_upper_bound_fails_far_from_equilibrium(engines):
    res = engines["cosine 0.5"]
    assert res.optimum_success
    # eta* = 0.3506 > eta_C/(2 - eta_C) = 0.3333 (+5.2 %), 19.7 % above eta_CA: at gamma tau* = 3.2 the
    # terms beyond 1/tau are as large as the first order (first_order_error 0.54 and 2.8)
    assert res.optimum > res.bounds[1]
    assert res.deviation("upper") == pytest.approx(0.052, abs=0.003)
    assert res.deviation("curzon_ahlborn") == pytest.approx(0.197, abs=0.005)
    assert min(res.first_order_error) > 0.5
    assert res.optimum > res.bounds[0]  # the lower bound eta_C/2 holds


def test_esposito_2010_assumption_broken_by_the_lag_of_a_linear_ramp(engines):
    """A linear ramp ends each isotherm out of equilibrium; the next reservoir takes up the lag, so a
    heat depends on the other isotherm's duration (cross terms as large as the diagonal) and the
    low-dissipation model's bound does not apply, even where the optimum is in the slow regime."""
    res = engines["linear 0.9"]
    assert res.optimum_success
    assert abs(res.coefficients[0, 1]) > 0.5 * res.coefficients[0, 0]
    assert max(res.first_order_error) < 0.06  # gamma tau* = 13.5: the first order dominates
    # Esposito's formula with the entropy-production Sigma's (equal here) gives eta_CA = 0.05132; the
    # model gives 0.05318, above eta_C/(2 - eta_C) = 0.05263; the first-order model with the cross
    # terms predicts 0.05466, above the bound as well
    assert res.optimum > res.bounds[1] and res.prediction > res.bounds[1]
    assert res.literature == pytest.approx(res.curzon_ahlborn, rel=1e-4)
    assert res.deviation("literature") == pytest.approx(0.0364, abs=0.002)
    assert res.deviation("prediction") == pytest.approx(-0.027, abs=0.003)


def test_schmiedl_seifert_2008_alpha_one_half_for_equal_irreversible_work(engines):
    """Their Brownian particle in a harmonic trap, driven by the optimal protocol, dissipates the
    irreversible work W_irr = T Sigma / tau with the same coefficient on both isotherms (the
    Wasserstein distance of the two Gaussians over the mobility): T_h Sigma_h = T_c Sigma_c, alpha = 1/2.
    Here gamma_c = (T_c/T_h) gamma_h makes Sigma_c / Sigma_h = T_h / T_c with the cosine schedule
    (Sigma ~ 1/gamma along the same path in beta w)."""
    res = engines["schmiedl-seifert 0.9"]
    assert res.optimum_success
    assert res.T_h * res.sigma_h == pytest.approx(res.T_c * res.sigma_c, rel=3e-3)
    assert res.alpha == pytest.approx(0.5, abs=1e-3)
    eta_c = res.carnot
    assert res.literature == pytest.approx(eta_c / (2 - eta_c / 2), rel=1e-4)
    # the identity eta* = eta_C/(2 - alpha eta_C) holds with alpha_measured = 0.661, not 1/2: the model is
    # not their model (a two-level system, cosine rather than optimal protocol, whose isotherms are not
    # exactly A/tau); eta* = 0.051708 lies 0.83 % above eta_C/(2 - eta_C/2) = 0.051282, within the bounds
    assert res.optimum == pytest.approx(eta_c / (2 - res.alpha_measured * eta_c), rel=1e-12)
    assert res.alpha_measured == pytest.approx(0.661, abs=0.01)
    assert 0 < res.deviation("literature") < 0.01
    assert res.within_bounds


def test_de_tomas_2012_cop_at_max_chi_bounds_hold_only_near_equilibrium(refrigerators):
    near, far = refrigerators[0.99], refrigerators[0.5]
    assert near.mode == far.mode == "refrigerator" and near.optimum_success and far.optimum_success
    for res in (near, far):  # symmetric: the low-dissipation prediction is eps_CA
        assert res.literature == pytest.approx(res.curzon_ahlborn, rel=1e-5)
        assert res.optimum > 0
    # eps_C = 99: eps* = 10.87 <= eps_plus = 12.65, 20.8 % above eps_CA = 9
    assert near.within_bounds
    assert near.deviation("curzon_ahlborn") == pytest.approx(0.208, abs=0.01)
    # eps_C = 1: eps* = 0.6123 > eps_plus = 0.5616 (+9.0 %), 47.8 % above eps_CA (the optimum, gamma
    # tau* = 3, is far from the slow regime)
    assert far.optimum > far.bounds[1]
    assert far.deviation("upper") == pytest.approx(0.090, abs=0.005)
    assert far.deviation("curzon_ahlborn") == pytest.approx(0.478, abs=0.01)
    assert near.deviation("curzon_ahlborn") < far.deviation("curzon_ahlborn")
