"""The Fig. 2 solver (``optimal_frequencies``) over its whole documented range eps_C in [1e-12, 1e12].

Issue 11: it did not converge at eps_C = 1e9, 1e11, 1e12 (v - theta u and tanh(v/2) - tanh(u/2)
cancel as eps_C grows) and accepted 2e12, returning eps* below eps_CA. Checked here on a dense
grid, at the end points and one ulp inside, against

* the paper's stationarity conditions, eqs. (21)-(22) as corrected in
  docs/explanation/physics.md, section 7, evaluated without cancellation (a different formulation from the
  solver's gradient);
* the bounds eps_CA < eps* < eps_plus < eps_C;
* the asymptotic forms, derived from docs/explanation/physics.md, section 5: eps_C -> 0 gives eps*/eps_C -> u0/v0, the
  maximum of u^2 [tanh(v/2) - tanh(u/2)]/v (theta = 0); eps_C -> inf gives v - u -> 0 with
  u -> u_inf, the root of u tanh(u/2) = 2 (maximum of u^2 sech^2(u/2)), (v - u)/sqrt(1 - theta) -> u_inf
  and eps* - sqrt(1 + eps_C) -> a constant;
* an independent 40-digit solution of eqs. (21)-(22) (Python's decimal module, Newton's method);
* an independent brute-force maximisation of chi in other variables (log u, log eps) by scipy.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import numpy as np
import pytest
import scipy.optimize

from thermocycles.closed_forms.otto_two_level import EPS_C_RANGE, optimal_frequencies, stationarity_residuals
from thermocycles.errors import ParameterError
from thermocycles.figures import fig2_data

LO, HI = EPS_C_RANGE
C_INF = -0.8800642633424  # lim eps* - sqrt(1 + eps_C) as eps_C -> inf (decimal oracle, 1e24 and 1e30)
DENSE = np.concatenate([np.logspace(-12, 12, 2000), [LO, HI, np.nextafter(LO, 1.0), np.nextafter(HI, 0.0)],
                        [1e8, 1e9, 1e10, 1e11]])  # the values of the issue


@pytest.fixture(scope="module")
def dense():
    return optimal_frequencies(DENSE)


def test_fig2_solver_converges_over_the_whole_documented_range(dense):
    assert dense.converged.all(), DENSE[~dense.converged]
    theta, delta = DENSE / (1 + DENSE), 1 / (1 + DENSE)
    r21, r22 = stationarity_residuals(dense.u, dense.v, theta, v_minus_u=dense.v_minus_u,
                                      one_minus_theta=delta)
    assert np.max(np.abs(r21)) < 1e-13 and np.max(np.abs(r22)) < 1e-13
    assert np.all(dense.v_minus_u > 0)
    assert np.array_equal(dense.v, dense.u + dense.v_minus_u)


def test_fig2_eps_star_between_eps_ca_and_eps_plus_over_the_whole_range(dense):
    eps_ca = np.sqrt(1 + DENSE) - 1
    eps_plus = (np.sqrt(9 + 8 * DENSE) - 3) / 2
    assert np.all(eps_ca < dense.eps_star)
    assert np.all(dense.eps_star < eps_plus)
    assert np.all(eps_plus < DENSE)


def test_fig2_small_eps_c_asymptote(dense):
    """eps_C -> 0: theta -> 0, eps* ~ theta u0/v0 with (u0, v0) maximising u^2 [tanh(v/2) - tanh(u/2)]/v."""
    def minus(p):
        u, v = np.exp(p)
        return -(2 * np.log(u) + np.log(np.tanh(v / 2) - np.tanh(u / 2)) - np.log(v))

    sol = scipy.optimize.minimize(minus, np.log([1.5, 3.0]), method="Nelder-Mead",
                                  options={"xatol": 1e-12, "fatol": 1e-16, "maxiter": 4000})
    u0, v0 = np.exp(sol.x)
    small = DENSE < 1e-6
    ratio = dense.eps_star[small] / (DENSE[small] * u0 / v0)
    # Nelder-Mead finds (u0, v0) to ~5e-9 (a maximum is flat); the correction is O(eps_C) (0.25 eps_C)
    assert np.all(np.abs(ratio - 1) < 2e-8 + 0.5 * DENSE[small])
    assert np.all(np.abs(dense.u[small] / u0 - 1) < 2e-8 + 0.5 * DENSE[small])


def test_fig2_large_eps_c_asymptote(dense):
    """eps_C -> inf: u -> u_inf (u tanh(u/2) = 2), (v - u)/sqrt(delta) -> u_inf, eps* = sqrt(1 + eps_C) + c."""
    u_inf = scipy.optimize.brentq(lambda u: u * np.tanh(u / 2) - 2, 1.0, 4.0, xtol=1e-15)
    big = DENSE > 1e6
    e, delta = DENSE[big], 1 / (1 + DENSE[big])
    assert np.all(np.abs(dense.u[big] - u_inf) < 2 / np.sqrt(e))  # O(sqrt(delta)) corrections
    assert np.all(np.abs(dense.v_minus_u[big] / np.sqrt(delta) / u_inf - 1) < 2 / np.sqrt(e))
    c = dense.eps_star[big] - np.sqrt(1 + e)
    # c -> C_INF (the decimal oracle below) as -0.2/sqrt(eps_C), plus the rounding of eps* ~ sqrt(eps_C)
    assert np.all(np.abs(c - C_INF) < 0.25 / np.sqrt(e) + 1e-14 * np.sqrt(e))


# -- independent oracles --------------------------------------------------------------------------


def decimal_stationary_point(eps_c: float, u: float, w: float, digits: int = 40) -> tuple[Decimal, Decimal]:
    """Root (u, w = v - u) of eqs. (21)-(22) in ``digits``-digit decimal arithmetic, by Newton's method
    with a finite-difference Jacobian, from (u, w). Shares no code with the library."""
    ctx = decimal.Context(prec=digits + 30)  # v - u ~ sqrt(1 - theta) cancels up to 12 digits in x_c - x_h
    with decimal.localcontext(ctx):
        e = Decimal(eps_c)
        delta = 1 / (1 + e)
        theta = e / (1 + e)

        def residuals(u: Decimal, w: Decimal) -> tuple[Decimal, Decimal]:
            v = u + w
            x_c, x_h = (-u).exp(), (-v).exp()
            gap = w + delta * u  # v - theta u
            r21 = x_c * gap / (theta * (1 + x_c)) - (x_c - x_h) / (1 + x_h) * (2 * v / (theta * u) - 1)
            r22 = x_h * gap / (1 + x_h) - (x_c - x_h) / (1 + x_c)
            return r21, r22

        U, W = Decimal(u), Decimal(w)
        for _ in range(60):
            r1, r2 = residuals(U, W)
            hu, hw = U * Decimal(10) ** -(digits // 2), W * Decimal(10) ** -(digits // 2)
            a1, a2 = residuals(U + hu, W)
            b1, b2 = residuals(U, W + hw)
            j11, j21, j12, j22 = (a1 - r1) / hu, (a2 - r2) / hu, (b1 - r1) / hw, (b2 - r2) / hw
            det = j11 * j22 - j12 * j21
            du = (j22 * r1 - j12 * r2) / det
            dw = (j11 * r2 - j21 * r1) / det
            U, W = U - du, W - dw
            if abs(du) < U * Decimal(10) ** -(digits - 5) and abs(dw) < W * Decimal(10) ** -(digits - 5):
                return U, W
    raise AssertionError(f"decimal Newton did not converge at eps_C = {eps_c}")


ORACLE_POINTS = [1e-12, 3e-9, 1e-5, 0.05, 1.0, 10.0, 1e3, 1e6, 1e9, 1e11, 1e12]


@pytest.mark.parametrize("eps_c", ORACLE_POINTS)
def test_fig2_matches_a_40_digit_solution_of_eqs_21_22(eps_c):
    r = optimal_frequencies(eps_c)
    # start 1e-3 away from the solver's answer: Newton must find the root on its own
    U, W = decimal_stationary_point(eps_c, float(r.u[0]) * 1.001, float(r.v_minus_u[0]) * 0.999)
    with decimal.localcontext(decimal.Context(prec=50)):
        e = Decimal(eps_c)
        eps_star = (e / (1 + e)) * U / (W + U / (1 + e))
    assert float(r.u[0]) == pytest.approx(float(U), rel=1e-14)
    assert float(r.v_minus_u[0]) == pytest.approx(float(W), rel=2e-14)
    assert float(r.eps_star[0]) == pytest.approx(float(eps_star), rel=2e-14)


def test_decimal_oracle_gives_the_large_eps_c_constant():
    """eps* - sqrt(1 + eps_C) at eps_C = 1e24 and 1e30 (beyond double precision): the constant used above."""
    r = optimal_frequencies(1e12)
    for eps_c in (1e24, 1e30):
        U, W = decimal_stationary_point(eps_c, float(r.u[0]), float(r.v_minus_u[0]) * np.sqrt(1e12 / eps_c))
        with decimal.localcontext(decimal.Context(prec=60)):
            e = Decimal(eps_c)  # the same number the oracle solved for
            c = (e / (1 + e)) * U / (W + U / (1 + e)) - (1 + e).sqrt()
        assert float(c) == pytest.approx(C_INF, abs=1e-12)


BRUTE_POINTS = np.logspace(-12, 12, 20)


def test_fig2_matches_brute_force_maximisation_in_other_variables():
    """chi ~ u eps [tanh(v/2) - tanh(u/2)] at fixed theta, in (log u, log eps) with v = theta u (1 + 1/eps):
    the best point of a 40 x 40 grid, then Nelder-Mead (no derivative, no code of the solver) on
    log chi minus its value at the start, evaluated in 40-digit decimal arithmetic (chi is so flat in
    eps as eps_C grows, ~sqrt(1 - theta) (d log eps)^2, that double-precision values of chi would
    fix eps* only to ~sqrt(1e-16 / sqrt(1 - theta)), 3e-5 at eps_C = 1e12)."""
    r = optimal_frequencies(BRUTE_POINTS)
    ctx = decimal.Context(prec=40)
    for k, e in enumerate(BRUTE_POINTS):
        theta = e / (1 + e)

        def log_chi_float(p, theta=theta):
            u, eps = np.exp(p)
            v = theta * u * (1 + 1 / eps)
            return np.log(u) + np.log(eps) + np.log(np.tanh(v / 2) - np.tanh(u / 2))

        with decimal.localcontext(ctx):
            th = Decimal(e) / (1 + Decimal(e))

            def log_chi(p, th=th):
                u, eps = Decimal(float(p[0])).exp(), Decimal(float(p[1])).exp()
                v = th * u * (1 + 1 / eps)
                tanh_diff = 2 / (1 + (-v).exp()) - 2 / (1 + (-u).exp())  # tanh(v/2) - tanh(u/2)
                if tanh_diff <= 0:
                    return None
                return u.ln() + eps.ln() + tanh_diff.ln()

            a = np.linspace(np.log(0.3), np.log(10.0), 40)
            ca = np.sqrt(1 + e) - 1
            b = np.linspace(np.log(0.5 * ca), np.log(2 * ca), 40)
            with np.errstate(all="ignore"):
                values = log_chi_float(np.stack(np.meshgrid(a, b, indexing="ij")))
            i, j = np.unravel_index(np.nanargmax(values), values.shape)
            start = np.array([a[i], b[j]])
            # two passes, the second measuring log chi from the first pass's end (where it is
            # flat): a float difference then resolves far smaller changes
            simplex = None
            for fatol in (1e-17, 1e-30):
                f0 = log_chi(start)
                assert f0 is not None, (e, start)

                def minus(p, f0=f0):
                    f = log_chi(p)
                    return np.inf if f is None else -float(f - f0)

                sol = scipy.optimize.minimize(minus, start, method="Nelder-Mead", options={
                    "xatol": 1e-11, "fatol": fatol, "maxiter": 600, "initial_simplex": simplex})
                start = sol.x
                simplex = sol.x + np.array([[0.0, 0.0], [1e-4, 0.0], [0.0, 1e-4]])
            u, eps = np.exp(sol.x)
            assert eps == pytest.approx(r.eps_star[k], rel=1e-10), e  # seen: 1e-11
            assert u == pytest.approx(r.u[k], rel=1e-10), e
            # the solver's point is at least as good as the brute-force one
            assert minus(np.log([r.u[k], r.eps_star[k]])) <= sol.fun + 1e-25


# -- refusals -------------------------------------------------------------------------------------

OUTSIDE = [np.nextafter(HI, np.inf), 2e12, 1e14, np.nextafter(LO, 0.0), 1e-13, 0.0, -1.0, np.nan,
           np.inf, -np.inf]


@pytest.mark.parametrize("bad", OUTSIDE)
def test_optimal_frequencies_refuses_eps_c_outside_its_range(bad):
    with pytest.raises(ParameterError, match=r"^optimal_frequencies: eps_c must lie in \[1e-12, 1e\+12\]"
                                             r" .*; got (-?[0-9.e+-]+|nan|-?inf)$") as info:
        optimal_frequencies(bad)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("bad", OUTSIDE)
def test_fig2_data_refuses_eps_c_outside_the_range_and_names_the_element(bad):
    with pytest.raises(ParameterError, match=r"^fig2_data: eps_c must lie in .*\(element 2\)$"):
        fig2_data([1.0, 2.0, bad, 3.0], progress=False)


def test_fig2_data_end_points_and_one_ulp_inside():
    d = fig2_data([LO, np.nextafter(LO, 1.0), np.nextafter(HI, 0.0), HI], progress=False)
    assert d.converged.all()
    assert np.all((d.eps_ca < d.eps_star) & (d.eps_star < d.eps_plus))


def test_fig2_data_refuses_a_point_that_did_not_converge(monkeypatch):
    from thermocycles import figures
    from thermocycles.errors import CycleError

    real = figures.optimal_frequencies

    def stalled(eps_c):
        r = real(eps_c)
        return r._replace(converged=np.zeros_like(r.converged))

    monkeypatch.setattr(figures, "optimal_frequencies", stalled)
    with pytest.raises(CycleError, match=r"^fig2_data: the eps\* solver did not converge .* eps_C = 2\.0"):
        fig2_data([2.0], progress=False)


# -- optimal_time_allocation: the same classes (raw errors, silent inaccuracy, out-of-range input) ---

from thermocycles.closed_forms.otto_two_level import optimal_time_allocation  # noqa: E402
from thermocycles.errors import CycleError  # noqa: E402

TA_ARGS = ("gamma_c", "gamma_h", "tau_adi")
BAD_KINDS = [0.0, -1.0, np.nan, np.inf, -np.inf, "1", None, True, np.array([1.0, 2.0]), [1.0]]


@pytest.mark.parametrize("name", TA_ARGS)
@pytest.mark.parametrize("bad", BAD_KINDS, ids=repr)
def test_optimal_time_allocation_refuses_bad_arguments(name, bad):
    args = dict.fromkeys(TA_ARGS, 1.0)
    args[name] = bad
    with pytest.raises(ParameterError, match=rf"^optimal_time_allocation: {name} must be "):
        optimal_time_allocation(**args)


def log_F(x, y, gamma_c, gamma_h, tau_adi):
    """log[f(x, y)/t_cyc] in logs (rates and times from 1e-300 to 1e300), for the maximum check."""
    def log_one_minus_exp(z):  # log(1 - e^-z), accurate also where it is ~ -e^-z ~ -1e-300
        return np.log1p(-np.exp(-z)) if z > 1 else np.log(-np.expm1(-z))

    log_f = log_one_minus_exp(x) + log_one_minus_exp(y) - log_one_minus_exp(x + y)
    log_t = np.logaddexp.reduce([np.log(x) - np.log(2 * gamma_c), np.log(y) - np.log(2 * gamma_h),
                                 np.log(tau_adi)])
    return log_f - log_t


SCALES = [1e-300, 1e-12, 1e-3, 1.0, 1e3, 1e12, 1e300]


def test_optimal_time_allocation_over_extreme_scales_answers_everywhere():
    """Every point of the grid is answered (the fast-contact refusal, 409 of 729 points, is gone:
    the solver is exact there; tests/test_time_allocation_fast_contacts.py checks it in decimal)."""
    answered = 0
    for gamma_c in SCALES:
        for gamma_h in SCALES:
            for tau_adi in SCALES:
                r = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
                answered += 1
                x, y = 2 * gamma_c * r.tau_c, 2 * gamma_h * r.tau_h
                assert r.converged and np.isfinite([r.tau_c, r.tau_h]).all() and r.tau_c > 0 and r.tau_h > 0
                # eq. (20), gamma_c [cosh y - 1] = gamma_h [cosh x - 1], in logs
                def log_cosh_minus_1(z):  # cosh z - 1 = 2 sinh^2(z/2) = e^z (1 - e^-z)^2 / 2
                    return z + 2 * np.log(-np.expm1(-z)) - np.log(2)

                lhs = np.log(gamma_c) + log_cosh_minus_1(y)
                rhs = np.log(gamma_h) + log_cosh_minus_1(x)
                if x > 1e-2 and y > 1e-2:  # cosh - 1 evaluated plainly loses digits below
                    assert lhs == pytest.approx(rhs, abs=1e-6 + 1e-9 * abs(rhs)), (gamma_c, gamma_h, tau_adi)
                if min(x, y) < 1e-4:  # F in floats cannot resolve the maximum there (the rise of F
                    continue  # over 1e-3 ~ its round-off): checked in decimal, test_time_allocation_fast_contacts
                # a maximum of F: every neighbour 1e-3 away is lower
                best = log_F(x, y, gamma_c, gamma_h, tau_adi)
                for dx, dy in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
                    assert log_F(x * (1 + dx), y * (1 + dy), gamma_c, gamma_h, tau_adi) < best + 1e-15 * abs(best)
    assert answered == len(SCALES) ** 3


@pytest.mark.parametrize("g, tau_adi", [(1.0, 0.2), (1e-3, 7.0), (1e3, 1e-2), (1e100, 1e-99), (1e-200, 1e203)])
def test_optimal_time_allocation_equal_couplings_closed_relation(g, tau_adi):
    """gamma_c = gamma_h = g: tau_c = tau_h with sinh(2 g tau) - 2 g tau = g tau_adi.

    docs/explanation/physics.md, section 5."""
    r = optimal_time_allocation(g, g, tau_adi)
    z = 2 * g * r.tau_c
    assert r.tau_c == pytest.approx(r.tau_h, rel=1e-12)
    assert np.sinh(z) - z == pytest.approx(g * tau_adi, rel=1e-9)


def test_optimal_time_allocation_answers_the_fast_cycle_regime():
    """Was refused (x ~ 4e-7 < 1e-4); now exact: sinh x - x = x^3/6 (1 + x^2/20) = tau_adi (g = 1)."""
    r = optimal_time_allocation(1.0, 1.0, 1e-20)
    x = 2 * r.tau_c
    assert r.tau_h == r.tau_c
    assert x**3 / 6 * (1 + x**2 / 20) == pytest.approx(1e-20, rel=1e-15)


def test_optimal_time_allocation_refuses_only_unrepresentable_times():
    with pytest.raises(CycleError, match=r"^optimal_time_allocation: the optimal contact times .* not representable"):
        optimal_time_allocation(1.7e308, 5e-324, 1.7e308)  # tau_h ~ 2^1048
