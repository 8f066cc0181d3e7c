"""The generic Optimizer: API, units, errors, objectives, constraints, methods, other cycles.

Every optimum is checked against an independent brute-force search (:func:`brute_force`, a dense
grid refined by zooming) over the same variables, evaluated either with the closed form of the
two-level Otto cycle written out here from docs/explanation/physics.md, section 4 (:func:`otto`, independent of the
library) or, for a cycle without a closed form, with ``cycle.with_parameters`` on arrays.

Tolerances. The grid is refined until its spacing is ~1e-7 in log(variable), so the grid optimum
is exact to far below 1e-12 (relative) at a smooth interior optimum: it is a lower bound on the true
maximum that misses it by ~ curvature x spacing^2. The optimiser stops when the objective changes
by ~1e-12 relative (``tol``); global and derivative-free methods are somewhat looser. Hence values
are compared with ``VALUE_RTOL = 1e-9``. At a non-degenerate maximum f(x* + d) = f* (1 - c d^2)
with c = O(1) in log variables, so a value known to ~1e-11 pins the position only to ~sqrt(1e-11)
~ 3e-6: positions are compared with ``X_RTOL = 3e-5``. On an active constraint the objective has a
non-zero slope, so positions there are pinned as tightly as the value (grid spacing ~1e-7).
"""

from __future__ import annotations

import math
import re
from typing import ClassVar

import attrs
import numpy as np
import pytest
import scipy.optimize

import thermocycles as tc

Q_ = tc.Q_
VALUE_RTOL = 1e-9
X_RTOL = 3e-5

BASE = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
            tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
W_BOX = {"w_a": (0.05, 20.0), "w_b": (0.05, 40.0)}
TAU_BOX = {"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)}

# Constants for an independent unit conversion (SI exact values).
K_B = 1.380649e-23
H = 6.62607015e-34
HBAR = H / (2 * math.pi)
T0 = HBAR / K_B  # natural time unit, s
P0 = K_B / T0  # natural power unit, W


# -- independent references -------------------------------------------------------------------


def otto(T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h, tau_ch, tau_hc):
    """Figures of the two-level Otto cycle from docs/explanation/physics.md, section 4 (natural units, arrays).

    Returns (figures, refrigerator mask, engine mask).
    """
    with np.errstate(all="ignore"):
        x, y = 2 * gamma_c * tau_c, 2 * gamma_h * tau_h
        f = np.expm1(-x) * np.expm1(-y) / -np.expm1(-(x + y))
        dn = 0.5 * (np.tanh(w_b / (2 * T_h)) - np.tanh(w_a / (2 * T_c))) * f
        q_c, q_h, work = w_a * dn, w_b * dn, (w_b - w_a) * dn
        t = tau_c + tau_h + tau_ch + tau_hc
        sigma_rate = (q_h / T_h - q_c / T_c) / t  # -sum heat_r / T_r per time
        eps_C, eta_C = T_c / (T_h - T_c), 1 - T_c / T_h
        R, P = q_c / t, -work / t
        figs = {
            "chi": (q_c / work) * R,
            "cooling_rate": R,
            "cop": q_c / work,
            "power": P,
            "efficiency": work / q_h,
            "ecological_refrigerator": R / eps_C - T_h * sigma_rate,
            "omega_refrigerator": 2 * R - eps_C * work / t,
            "ecological_engine": P - T_c * sigma_rate,
            "omega_engine": 2 * P - eta_C * (-q_h) / t,
            "entropy_production_rate": sigma_rate,
            "work": work,
            "q_c": q_c,
        }
        fridge = (q_c > 0) & (work > 0)
        engine = (work < 0) & (q_h < 0)
    return figs, fridge, engine


def brute_force(fun, bounds, *, sense="max", n=201, zooms=4, window=2):
    """Best value of ``fun(**arrays)`` on a log-spaced grid over ``bounds``, refined by zooming.

    ``fun`` returns NaN where a point is excluded (outside the domain, infeasible). Each zoom keeps
    ``window`` cells either side of the best point. On an active constraint the best coarse point
    is chosen mostly by its distance to the constraint, not by its position along it, so such
    searches need a wide window (and more zooms). Returns (best value, dict of the best point).
    """
    names = list(bounds)
    lo = np.array([bounds[k][0] for k in names], dtype=float)
    hi = np.array([bounds[k][1] for k in names], dtype=float)
    best_value, best_point = None, None
    sign = 1.0 if sense == "max" else -1.0
    for _ in range(zooms + 1):
        axes = [np.geomspace(a, b, n) for a, b in zip(lo, hi)]
        mesh = np.meshgrid(*axes, indexing="ij")
        with np.errstate(all="ignore"):
            values = np.asarray(fun(**dict(zip(names, mesh))), dtype=float)
        score = np.where(np.isfinite(values), sign * values, -np.inf)
        idx = np.unravel_index(np.argmax(score), score.shape)
        if not np.isfinite(score[idx]):
            raise AssertionError("brute force: no admissible grid point")
        if best_value is None or sign * values[idx] > sign * best_value:
            best_value = float(values[idx])
            best_point = {k: float(m[idx]) for k, m in zip(names, mesh)}
        lo = np.array([ax[max(i - window, 0)] for ax, i in zip(axes, idx)])
        hi = np.array([ax[min(i + window, n - 1)] for ax, i in zip(axes, idx)])
    return best_value, best_point


def otto_grid(name, domain, base=BASE, mask=None):
    """A brute_force function: figure ``name`` of the Otto cycle at ``base`` with variables
    overridden, NaN outside ``domain`` ("refrigerator", "engine" or None) or where ``mask`` fails."""

    def fun(**variables):
        figs, fridge, engine = otto(**{**base, **variables})
        value = figs[name]
        ok = np.ones(np.shape(value), dtype=bool)
        if domain == "refrigerator":
            ok &= fridge
        elif domain == "engine":
            ok &= engine
        if mask is not None:
            ok &= mask(figs)
        return np.where(ok, value, np.nan)

    return fun


def constrained_brute_force(figure, margin, w_bounds, *, base=BASE, sense="max"):
    """Optimum of ``figure`` over (w_a, w_b) in the refrigerator regime subject to an active
    constraint ``margin(figures) >= 0``.

    A rectangular grid resolves an optimum on a slanted constraint poorly, so the search runs along
    the constraint: for each w_a, w_b solves margin = 0 by bisection in log w_b between the
    refrigerator edge w_b = w_a T_h / T_c and the upper bound (the margins used here are monotonic
    in w_b there), and a zoomed 1-D grid in w_a finds the best point on that curve. A 2-D grid over
    the feasible set then checks that no interior point does better (the constraint is active).
    Returns (best value, best point).
    """
    (a_lo, a_hi), (b_lo, b_hi) = w_bounds["w_a"], w_bounds["w_b"]
    ratio = base["T_h"] / base["T_c"]

    def margin_at(w_a, w_b):
        figs, _, _ = otto(**{**base, "w_a": w_a, "w_b": w_b})
        return margin(figs)

    def root(w_a):
        lo = np.log(np.maximum(b_lo, w_a * ratio * (1 + 1e-12)))
        hi = np.full_like(lo, np.log(b_hi))
        m_lo = margin_at(w_a, np.exp(lo))
        bracket = (np.sign(m_lo) * np.sign(margin_at(w_a, np.exp(hi))) < 0) & (lo < hi)
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            m_mid = margin_at(w_a, np.exp(mid))
            same = np.sign(m_mid) == np.sign(m_lo)
            lo, m_lo, hi = np.where(same, mid, lo), np.where(same, m_mid, m_lo), np.where(same, hi, mid)
        return np.where(bracket, np.exp(0.5 * (lo + hi)), np.nan)

    def on_curve(w_a):
        w_b = root(w_a)
        figs, fridge, _ = otto(**{**base, "w_a": w_a, "w_b": w_b})
        return np.where(fridge, figs[figure], np.nan)

    best, point = brute_force(on_curve, {"w_a": (a_lo, a_hi)}, sense=sense, n=401, zooms=4)
    point["w_b"] = float(root(np.array(point["w_a"])))
    interior, _ = brute_force(otto_grid(figure, "refrigerator", base, mask=lambda f: margin(f) >= 0),
                              w_bounds, sense=sense, zooms=0)
    sign = 1.0 if sense == "max" else -1.0
    assert sign * interior <= sign * best + 1e-12 * abs(best), "the constraint is not active"
    return best, point


def equal_gamma_time_optimum(gamma, tau_adi):
    """tau_c = tau_h = tau with sinh(2 gamma tau) - 2 gamma tau = gamma tau_adi.

    docs/explanation/physics.md, section 5."""
    s = scipy.optimize.brentq(lambda s: np.sinh(s) - s - gamma * tau_adi, 1e-6, 50.0, xtol=1e-15,
                              rtol=4 * np.finfo(float).eps)
    return s / (2 * gamma)


def assert_x_close(x, expected, rtol=X_RTOL):
    assert set(x) == set(expected)
    for k in expected:
        assert x[k] == pytest.approx(expected[k], rel=rtol), k


@pytest.fixture(scope="module")
def fridge():
    return tc.quantum_otto_refrigerator(**BASE)


@pytest.fixture(scope="module")
def fridge_si():
    return tc.quantum_otto_refrigerator(
        T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
        w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"),
        tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))


@pytest.fixture(scope="module")
def chi_w_reference():
    """Brute-force maximum of chi over W_BOX in the refrigerator regime."""
    return brute_force(otto_grid("chi", "refrigerator"), W_BOX)


# -- API -----------------------------------------------------------------------------------------


def test_result_fields_and_optimal_cycle(fridge, chi_w_reference):
    before = dict(fridge.parameters)
    res = tc.Optimizer(objective="chi", variables=W_BOX).run(fridge)
    assert isinstance(res, tc.OptimizationResult)
    assert res.success is True
    assert isinstance(res.message, str) and res.message
    assert isinstance(res.n_evaluations, int) and res.n_evaluations > 0
    assert (res.method, res.objective, res.sense) == ("multistart", "chi", "max")
    assert res.at_bounds == ()
    assert set(res.x) == {"w_a", "w_b"} and all(type(v) is float for v in res.x.values())
    assert res.x_natural == res.x  # plain cycle: natural units are the cycle's units
    # the optimal cycle: a new frozen Cycle whose parameters are x, the rest unchanged
    opt = res.cycle
    assert isinstance(opt, tc.Cycle) and opt is not fridge
    assert opt is res.cycle  # built once
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        opt.strokes = ()
    assert opt.parameters == {**before, **res.x}
    assert fridge.parameters == before  # the start cycle is untouched
    # its performance gives the value
    assert float(res.performance.chi) == pytest.approx(res.value, rel=1e-13)
    assert float(opt.performance(method="linear_algebra").chi) == pytest.approx(res.value, rel=1e-11)
    assert str(res.performance.mode) == "refrigerator"
    # and it is the optimum
    best, point = chi_w_reference
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert res.value >= best * (1 - 1e-12)
    assert_x_close(res.x, point)


def test_run_with_the_cycle_given_at_construction(fridge):
    opt = tc.Optimizer(objective="chi", variables={"w_b": (2.05, 10.0)}, cycle=fridge)
    a, b = opt.run(), opt.run(fridge)
    assert a.x == b.x and a.value == b.value
    with pytest.raises(tc.ParameterError, match="needs a cycle"):
        tc.Optimizer(objective="chi", variables={"w_b": (2.05, 10.0)}).run()


def test_bound_optimum_is_reported_in_at_bounds(fridge):
    # cop = w_a / (w_b - w_a) falls with w_b: on [2.05, 10] the optimum is the lower bound,
    # inside the refrigerator regime (w_b / w_a > T_h / T_c = 2), so it is a genuine optimum.
    res = tc.Optimizer(objective="cop", variables={"w_b": (2.05, 10.0)}).run(fridge)
    assert res.success
    assert res.at_bounds == ("w_b",)
    assert "w_b" in res.message and "bound" in res.message
    assert res.x["w_b"] == pytest.approx(2.05, rel=1e-12)
    assert res.value == pytest.approx(1.0 / 1.05, rel=1e-12)


def test_shared_parameter_moves_every_field_that_uses_it(fridge):
    res = tc.Optimizer(objective="chi", variables={"w_a": (0.05, 1.45)}).run(fridge)
    w_a, w_b = res.x["w_a"], 3.0
    assert abs(w_a - 1.0) > 1e-3  # it did move
    c, ch, h, hc = res.cycle.strokes
    assert c.control.value == w_a and ch.start.value == w_a and hc.end.value == w_a
    assert ch.end.value == w_b and h.control.value == w_b and hc.start.value == w_b
    ledger = {s.name: (s.control_start, s.control_end) for s in res.performance.strokes}
    assert ledger == {"c": (w_a, w_a), "ch": (w_a, w_b), "h": (w_b, w_b), "hc": (w_b, w_a)}
    best, point = brute_force(otto_grid("chi", "refrigerator"), {"w_a": (0.05, 1.45)})
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert w_a == pytest.approx(point["w_a"], rel=X_RTOL)


def test_shared_junction_without_parameter_objects():
    # plain floats at the junctions: the joined control values are parameters w_1, w_2
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=1.0, duration=0.5),
        tc.QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.1),
        tc.Isochore(name="h", reservoir=hot, control=3.0, duration=0.5),
        tc.QuantumAdiabat(name="hc", start=3.0, end=1.0, duration=0.1)])
    assert {"w_1", "w_2"} <= set(cycle.parameter_names)
    res = tc.Optimizer(objective="chi", variables={"w_1": (0.05, 1.45)}).run(cycle)
    w = res.x["w_1"]
    c, ch, h, hc = res.cycle.strokes
    assert c.control == ch.start == hc.end == w
    assert ch.end == h.control == hc.start == 3.0
    best, point = brute_force(otto_grid("chi", "refrigerator"), {"w_a": (0.05, 1.45)})
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert w == pytest.approx(point["w_a"], rel=X_RTOL)


# -- units ---------------------------------------------------------------------------------------


def test_units_durations_stay_in_the_cycles_units(fridge_si):
    # bounds in ns and us, the cycle in us: x comes back in us
    res = tc.Optimizer(objective="chi", variables={
        "tau_c": (Q_(1, "ns"), Q_(100, "us")), "tau_h": (Q_(1e-3, "us"), Q_(100, "us"))}).run(fridge_si)
    assert res.success
    for k in ("tau_c", "tau_h"):
        assert isinstance(res.x[k], tc.ureg.Quantity)
        assert res.x[k].units == tc.ureg.microsecond
        assert isinstance(res.x_natural[k], float)
        assert res.x_natural[k] == pytest.approx(res.x[k].m_as("s") / T0, rel=1e-12)
    # gamma = 1 MHz, tau_adi = 0.2 us: gamma tau is the same as in natural units with gamma = 1
    tau = equal_gamma_time_optimum(1.0, 0.2)
    assert res.x["tau_c"].m_as("us") == pytest.approx(tau, rel=X_RTOL)
    assert res.x["tau_h"].m_as("us") == pytest.approx(tau, rel=X_RTOL)
    # the value is a power, equal to the optimal cycle's chi
    assert res.value.check("[power]")
    assert res.value.m_as("W") == pytest.approx(res.performance.chi.m_as("W"), rel=1e-12)
    assert res.cycle.parameters["tau_c"] == res.x["tau_c"]
    assert res.cycle.parameters["w_a"] == Q_(1, "GHz")


def test_units_frequencies_stay_in_ghz_and_match_natural_units(fridge_si):
    bounds = {"w_a": (Q_(0.05, "GHz"), Q_(10, "GHz")), "w_b": (Q_(50, "MHz"), Q_(30, "GHz"))}
    res = tc.Optimizer(objective="chi", variables=bounds).run(fridge_si)
    assert res.success
    assert res.x["w_a"].units == tc.ureg.gigahertz and res.x["w_b"].units == tc.ureg.gigahertz
    # Independent conversion: in natural units (energies in k_B * 1 K, times in hbar / (k_B 1 K))
    # a GHz is an ordinary frequency, energy h nu.
    ghz = H * 1e9 / K_B
    mhz_rate, us = 1e6 * T0, 1e-6 / T0
    base = dict(T_c=0.05, T_h=0.1, gamma_c=mhz_rate, gamma_h=mhz_rate, w_a=ghz, w_b=3 * ghz,
                tau_c=0.5 * us, tau_h=0.5 * us, tau_ch=0.1 * us, tau_hc=0.1 * us)
    best, point = brute_force(otto_grid("chi", "refrigerator", base),
                              {"w_a": (0.05 * ghz, 10 * ghz), "w_b": (0.05 * ghz, 30 * ghz)})
    assert res.value.m_as("W") == pytest.approx(best * P0, rel=VALUE_RTOL)
    assert res.x["w_a"].m_as("GHz") == pytest.approx(point["w_a"] / ghz, rel=X_RTOL)
    assert res.x["w_b"].m_as("GHz") == pytest.approx(point["w_b"] / ghz, rel=X_RTOL)
    # the frequency optimum depends only on T_c/T_h: beta_c w_a as for the natural-unit fridge
    nat = tc.Optimizer(objective="chi", variables=W_BOX).run(tc.quantum_otto_refrigerator(**BASE))
    u = H * res.x["w_a"].m_as("Hz") / (K_B * 0.05)
    assert u == pytest.approx(nat.x["w_a"] / BASE["T_c"], rel=X_RTOL)


@pytest.mark.parametrize("at", ["construction", "run"])
def test_unit_bounds_on_plain_cycle_raise_dimension_error(fridge, at):
    kwargs = dict(objective="chi", variables={"tau_c": (Q_(1, "ns"), Q_(1, "us"))})
    with pytest.raises(tc.DimensionError) as info:
        if at == "construction":
            tc.Optimizer(**kwargs, cycle=fridge)
        else:
            tc.Optimizer(**kwargs).run(fridge)
    msg = str(info.value)
    assert "tau_c" in msg and "units" in msg and "plain number" in msg


@pytest.mark.parametrize("name", ["tau_c", "w_a", "T_c", "gamma_c"])
@pytest.mark.parametrize("at", ["construction", "run"])
def test_plain_bounds_on_unit_cycle_raise_dimension_error(fridge_si, name, at):
    kwargs = dict(objective="chi", variables={name: (0.5, 2.0)})
    with pytest.raises(tc.DimensionError) as info:
        if at == "construction":
            tc.Optimizer(**kwargs, cycle=fridge_si)
        else:
            tc.Optimizer(**kwargs).run(fridge_si)
    msg = str(info.value)
    assert name in msg and "plain number" in msg and "units" in msg
    # The message must tell the user what to give instead, and not offer the very thing it
    # rejected (a plain number).
    advice = msg.split("give it as", 1)[-1]
    assert "Q_(" in advice
    assert "plain number" not in advice, msg


def test_bound_with_wrong_dimension(fridge_si):
    with pytest.raises(tc.DimensionError, match="tau_c"):
        tc.Optimizer(objective="chi", variables={"tau_c": (Q_(1, "K"), Q_(2, "K"))}).run(fridge_si)


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("at", ["construction", "run"])
def test_unknown_variable_lists_valid_names(fridge, at):
    with pytest.raises(tc.ParameterError) as info:
        if at == "construction":
            tc.Optimizer(objective="chi", variables={"tau_x": (0.1, 1.0)}, cycle=fridge)
        else:
            tc.Optimizer(objective="chi", variables={"tau_x": (0.1, 1.0)}).run(fridge)
    msg = str(info.value)
    assert "tau_x" in msg
    for name in fridge.parameter_names:
        assert name in msg


@pytest.mark.parametrize("bounds", [(1.0, 1.0), (2.0, 1.0)])
def test_lower_bound_must_be_below_upper(fridge, bounds):
    with pytest.raises(tc.ParameterError, match=r"tau_c.*lower bound must be below the upper"):
        tc.Optimizer(objective="chi", variables={"tau_c": bounds}, cycle=fridge)


@pytest.mark.parametrize("name", ["T_c", "w_a", "gamma_h"])
@pytest.mark.parametrize("lower", [0.0, -1.0])
def test_nonpositive_lower_bound_of_positive_parameter(fridge, name, lower):
    with pytest.raises(tc.ParameterError) as info:
        tc.Optimizer(objective="chi", variables={name: (lower, 5.0)}).run(fridge)
    msg = str(info.value)
    assert name in msg and "> 0" in msg and repr(lower) in msg


def test_negative_lower_bound_of_duration(fridge):
    with pytest.raises(tc.ParameterError, match=r"tau_c.*>= 0"):
        tc.Optimizer(objective="chi", variables={"tau_c": (-1.0, 5.0)}, cycle=fridge)


def test_unknown_objective_lists_registered_names():
    with pytest.raises(tc.ParameterError) as info:
        tc.Optimizer(objective="chii", variables={"tau_c": (0.1, 1.0)})
    msg = str(info.value)
    assert "chii" in msg
    for name in tc.objectives.names():
        assert name in msg


def test_bad_method_and_bad_sense():
    with pytest.raises(tc.ParameterError) as info:
        tc.Optimizer(objective="chi", variables={"tau_c": (0.1, 1.0)}, method="newton")
    assert "newton" in str(info.value)
    for m in ("multistart", "L-BFGS-B", "Nelder-Mead", "differential_evolution", "shgo"):
        assert m in str(info.value)
    with pytest.raises(tc.ParameterError, match=r"sense.*'max', 'min'.*'maximum'"):
        tc.Optimizer(objective="chi", variables={"tau_c": (0.1, 1.0)}, sense="maximum")


@pytest.mark.parametrize("method", ["L-BFGS-B", "Nelder-Mead", "dual_annealing", "Powell"])
def test_constraints_with_a_method_that_cannot_take_them(method):
    with pytest.raises(tc.ParameterError) as info:
        tc.Optimizer(objective="chi", variables={"tau_c": (0.1, 1.0)}, constraints=["cools"],
                     method=method)
    msg = str(info.value)
    assert method in msg and "constraints" in msg and "SLSQP" in msg


@pytest.mark.parametrize("spec", ["cop > 0.5", "cop >= foo", ("cop", ">", 0.5), 42, "chii >= 1"])
def test_malformed_constraints(spec):
    with pytest.raises(tc.ParameterError):
        tc.Optimizer(objective="chi", variables={"tau_c": (0.1, 1.0)}, constraints=[spec])


# -- objectives ----------------------------------------------------------------------------------

ENGINE_START = {**BASE, "w_a": 3.0, "w_b": 4.0}  # w_b / w_a < T_h / T_c: runs as an engine
HOT3 = {**BASE, "T_h": 3.0}  # eps_C = 1/2, so ecological != omega for refrigerators
HOT3_ENGINE = {**HOT3, "w_a": 3.0, "w_b": 4.0}

OBJECTIVE_CASES = [
    # (objective, start parameters, resolved name, reference figure, domain)
    ("chi", BASE, "chi", "chi", "refrigerator"),
    ("cooling_rate", BASE, "cooling_rate", "cooling_rate", "refrigerator"),
    ("power", BASE, "power", "power", "engine"),
    ("power", ENGINE_START, "power", "power", "engine"),
    ("ecological", HOT3, "ecological_refrigerator", "ecological_refrigerator", "refrigerator"),
    ("ecological", HOT3_ENGINE, "ecological_engine", "ecological_engine", "engine"),
    ("omega", HOT3, "omega_refrigerator", "omega_refrigerator", "refrigerator"),
    ("omega", HOT3_ENGINE, "omega_engine", "omega_engine", "engine"),
    ("ecological_engine", BASE, "ecological_engine", "ecological_engine", "engine"),
    ("omega_refrigerator", ENGINE_START, "omega_refrigerator", "omega_refrigerator", "refrigerator"),
]


@pytest.mark.parametrize("objective,start,resolved,figure,domain", OBJECTIVE_CASES,
                         ids=[f"{c[0]}-{c[2]}-from-{'engine' if c[1]['w_b'] == 4.0 else 'fridge'}"
                              for c in OBJECTIVE_CASES])
def test_objective_against_brute_force(objective, start, resolved, figure, domain):
    cycle = tc.quantum_otto_cycle(**start)  # engine and refrigerator starts
    res = tc.Optimizer(objective=objective, variables=W_BOX).run(cycle)
    assert res.objective == resolved
    assert res.sense == "max"
    best, point = brute_force(otto_grid(figure, domain, start), W_BOX)
    assert res.success, res.message
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    for k, (lo, hi) in W_BOX.items():
        if k in res.at_bounds:
            # (the figure may be flat there to round-off, so the grid's best need not be exact)
            assert point[k] in (pytest.approx(lo, rel=1e-6), pytest.approx(hi, rel=1e-6))
    assert_x_close(res.x, point)
    assert str(res.performance.mode) == domain
    # the value is what the optimal cycle's performance says
    figs, _, _ = otto(**{**start, **res.x})
    assert res.value == pytest.approx(float(figs[figure]), rel=1e-11)


def test_cooling_rate_optimum_on_a_bound_is_reported(fridge):
    res = tc.Optimizer(objective="cooling_rate", variables=W_BOX).run(fridge)
    # the cooling rate grows with w_b (a wider gap on the hot side) at these durations
    assert res.at_bounds == ("w_b",)
    assert res.x["w_b"] == pytest.approx(W_BOX["w_b"][1], rel=1e-12)


def test_chi_on_wide_bounds_stays_a_refrigerator(fridge):
    # chi's ratio q_c^2/(W t_cyc) has the sign of the work W: negative for an engine, but positive for
    # the accelerator at w_b < w_a (work in, heat from hot to cold), and unbounded there as w_b -> w_a
    # from below. The optimiser must stay in its domain.
    bounds = {"w_a": (0.01, 50.0), "w_b": (0.01, 100.0)}
    raw, _ = brute_force(otto_grid("chi", None), bounds, zooms=0)
    best, point = brute_force(otto_grid("chi", "refrigerator"), bounds)
    assert raw > 10 * best  # the trap is real
    res = tc.Optimizer(objective="chi", variables=bounds).run(fridge)
    assert res.success
    assert str(res.performance.mode) == "refrigerator"
    assert res.x["w_b"] / res.x["w_a"] > BASE["T_h"] / BASE["T_c"]
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)


@pytest.mark.parametrize("method", ["Nelder-Mead", "L-BFGS-B", "SLSQP", "shgo", "dual_annealing",
                                    "differential_evolution"])
def test_chi_on_wide_bounds_stays_a_refrigerator_for_every_method(fridge, method):
    bounds = {"w_a": (0.01, 50.0), "w_b": (0.01, 100.0)}
    best, point = brute_force(otto_grid("chi", "refrigerator"), bounds)
    res = tc.Optimizer(objective="chi", variables=bounds, method=method).run(fridge)
    assert str(res.performance.mode) == "refrigerator"
    if res.success:  # success=True must mean the optimum, never a silent wrong answer
        assert res.value == pytest.approx(best, rel=VALUE_RTOL), (res.x, point, res.message)
        assert_x_close(res.x, point)


@pytest.mark.parametrize("objective,start,edge", [
    ("cop", BASE, BASE["T_c"] / (BASE["T_h"] - BASE["T_c"])),  # Carnot COP, where cooling stops
    ("efficiency", ENGINE_START, 1 - BASE["T_c"] / BASE["T_h"]),  # Carnot efficiency, no power
])
def test_supremum_on_the_domain_edge_is_not_a_success(objective, start, edge):
    cycle = tc.quantum_otto_cycle(**start)
    res = tc.Optimizer(objective=objective, variables=W_BOX).run(cycle)
    assert res.success is False
    assert "edge" in res.message and "domain" in res.message
    # it does approach the supremum (w_b / w_a -> T_h / T_c) ...
    assert res.value == pytest.approx(edge, rel=1e-6)
    assert res.x["w_b"] / res.x["w_a"] == pytest.approx(BASE["T_h"] / BASE["T_c"], rel=1e-6)
    # ... which the brute-force search confirms is not attained inside the domain
    domain = "refrigerator" if objective == "cop" else "engine"
    sup, _ = brute_force(otto_grid(objective, domain, start), W_BOX)
    assert edge * (1 - 1e-3) < sup <= edge * (1 + 1e-12)


def test_entropy_production_rate_is_minimised(fridge):
    res = tc.Optimizer(objective="entropy_production_rate", variables=W_BOX).run(fridge)
    assert res.sense == "min" and res.objective == "entropy_production_rate"
    # its infimum, 0, is reached on the line w_b / w_a = T_h / T_c (no heat flows)
    assert res.success, res.message
    low, _ = brute_force(otto_grid("entropy_production_rate", None), W_BOX, sense="min")
    assert 0.0 <= res.value <= max(low, 1e-14)
    assert res.x["w_b"] / res.x["w_a"] == pytest.approx(2.0, rel=1e-6)
    # a non-trivial minimum: least entropy production at a required cooling rate
    res = tc.Optimizer(objective="entropy_production_rate", variables=W_BOX,
                       constraints=["cooling_rate >= 0.05"]).run(fridge)
    assert res.success, res.message
    low, point = constrained_brute_force("entropy_production_rate",
                                         lambda f: f["cooling_rate"] - 0.05, W_BOX, sense="min")
    assert res.value == pytest.approx(low, rel=VALUE_RTOL)
    assert float(res.performance.cooling_rate) == pytest.approx(0.05, rel=1e-8)
    assert_x_close(res.x, point)


def test_user_callable_objective(fridge):
    def sqrt_cop_rate(perf):
        return perf.cooling_rate * np.sqrt(perf.cop)

    bounds = {"w_a": (0.05, 1.45), "tau_c": (1e-3, 20.0)}
    res = tc.Optimizer(objective=sqrt_cop_rate, variables=bounds).run(fridge)
    assert res.objective == "sqrt_cop_rate" and res.sense == "max"
    assert res.success, res.message

    def reference(**v):
        figs, fridge_mask, _ = otto(**{**BASE, **v})
        return np.where(fridge_mask, figs["cooling_rate"] * np.sqrt(figs["cop"]), np.nan)

    best, point = brute_force(reference, bounds)
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)
    # sense="min" turns it round: the smallest value on the box is at a corner
    low = tc.Optimizer(objective=lambda p: -sqrt_cop_rate(p), variables=bounds, sense="min").run(fridge)
    assert low.value == pytest.approx(-best, rel=VALUE_RTOL)


def test_user_registered_objective(fridge, monkeypatch):
    # keep the global registry as it was after this test
    monkeypatch.setattr(tc.objectives, "_REGISTRY", dict(tc.objectives._REGISTRY))
    obj = tc.objectives.register_objective(
        "cooling_minus_half_work_rate", lambda p: p.cooling_rate - 0.5 * p.work / p.cycle_time,
        kind=tc.units.POWER, domain="refrigerator")
    assert obj.name in tc.objectives.names()
    tc.objectives.register_objective("negative_chi", lambda p: -p.chi, sense="min",
                                     kind=tc.units.POWER, domain="refrigerator")

    res = tc.Optimizer(objective="cooling_minus_half_work_rate", variables=W_BOX).run(fridge)
    assert res.objective == "cooling_minus_half_work_rate" and res.success, res.message

    def reference(**v):
        figs, fridge_mask, _ = otto(**{**BASE, **v})
        t = sum(BASE[k] for k in ("tau_c", "tau_h", "tau_ch", "tau_hc"))
        return np.where(fridge_mask, figs["cooling_rate"] - 0.5 * figs["work"] / t, np.nan)

    best, point = brute_force(reference, W_BOX)
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)

    neg = tc.Optimizer(objective="negative_chi", variables=W_BOX).run(fridge)
    assert neg.sense == "min" and neg.success
    best, point = brute_force(otto_grid("chi", "refrigerator"), W_BOX)
    assert neg.value == pytest.approx(-best, rel=VALUE_RTOL)
    assert_x_close(neg.x, point)


# -- constraints ---------------------------------------------------------------------------------


def test_constraint_cools_leaves_the_refrigerator_optimum(fridge, chi_w_reference):
    best, point = chi_w_reference
    res = tc.Optimizer(objective="chi", variables=W_BOX, constraints=["cools"]).run(fridge)
    assert res.success and res.value == pytest.approx(best, rel=VALUE_RTOL)
    # a callable chi has no domain, but "cools" excludes the engine regime just as well
    res = tc.Optimizer(objective=lambda p: p.chi, variables={"w_a": (0.01, 50.0), "w_b": (0.01, 100.0)},
                       constraints=["cools"]).run(fridge)
    assert res.success, res.message
    assert str(res.performance.mode) == "refrigerator"
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)


@pytest.mark.parametrize("spec", ["cop >= 0.6", ("cop", ">=", 0.6), "  cop>=0.6 "])
def test_cop_constraint_is_active(fridge, chi_w_reference, spec):
    unconstrained, _ = chi_w_reference
    res = tc.Optimizer(objective="chi", variables=W_BOX, constraints=[spec]).run(fridge)
    assert res.success, res.message
    # the unconstrained optimum has COP 0.437 < 0.6, so the constrained one sits on cop = 0.6
    assert float(res.performance.cop) == pytest.approx(0.6, rel=1e-8)
    assert res.x["w_b"] / res.x["w_a"] == pytest.approx(1 + 1 / 0.6, rel=1e-8)
    best, point = constrained_brute_force("chi", lambda f: f["cop"] - 0.6, W_BOX)
    assert res.value < unconstrained
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)


@pytest.mark.parametrize("method", ["multistart", "SLSQP", "COBYLA", "shgo"])
def test_active_constraint_with_every_constrained_method(fridge, method):
    # success=True must mean the constrained optimum, whichever method takes the constraint
    best, point = constrained_brute_force("chi", lambda f: f["cop"] - 0.6, W_BOX)
    res = tc.Optimizer(objective="chi", variables=W_BOX, constraints=["cop >= 0.6"],
                       method=method).run(fridge)
    if method == "COBYLA":
        # COBYLA is a derivative-free local method started from the cycle's own point, which is
        # infeasible here (cop = 0.5); it stops in a flat corner. The library cannot make it succeed,
        # but must not call that a success.
        if not res.success:
            assert "worse point than one it evaluated" in res.message, res.message
            return
    assert res.success, res.message
    assert res.value == pytest.approx(best, rel=VALUE_RTOL), (res.x, point, res.message)
    assert_x_close(res.x, point)


def test_callable_constraint(fridge):
    def small_work(perf):  # work per cycle at most 0.1 (the unconstrained optimum needs 0.177)
        return 0.1 - perf.work

    res = tc.Optimizer(objective="chi", variables=W_BOX, constraints=[small_work]).run(fridge)
    assert res.success, res.message
    assert float(res.performance.work) == pytest.approx(0.1, rel=1e-8)
    best, point = constrained_brute_force("chi", lambda f: 0.1 - f["work"], W_BOX)
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)


@pytest.mark.parametrize("spec", ["cooling_rate >= 0.06 aW", "cooling_rate >= 60 zW",
                                  ("cooling_rate", ">=", Q_(0.06, "aW"))])
def test_constraint_with_units_on_a_unit_cycle(fridge_si, spec):
    bounds = {"w_a": (Q_(0.05, "GHz"), Q_(10, "GHz")), "w_b": (Q_(0.05, "GHz"), Q_(30, "GHz"))}
    res = tc.Optimizer(objective="chi", variables=bounds, constraints=[spec]).run(fridge_si)
    assert res.success, res.message
    # unconstrained, the optimum cools at 0.0445 aW; the constraint is active
    assert res.performance.cooling_rate.m_as("aW") == pytest.approx(0.06, rel=1e-8)
    ghz = H * 1e9 / K_B
    mhz_rate, us = 1e6 * T0, 1e-6 / T0
    base = dict(T_c=0.05, T_h=0.1, gamma_c=mhz_rate, gamma_h=mhz_rate, w_a=ghz, w_b=3 * ghz,
                tau_c=0.5 * us, tau_h=0.5 * us, tau_ch=0.1 * us, tau_hc=0.1 * us)
    threshold = 0.06e-18 / P0
    best, point = constrained_brute_force(
        "chi", lambda f: f["cooling_rate"] / threshold - 1.0,
        {"w_a": (0.05 * ghz, 10 * ghz), "w_b": (0.05 * ghz, 30 * ghz)}, base=base)
    assert res.value.m_as("W") == pytest.approx(best * P0, rel=VALUE_RTOL)
    assert res.x["w_a"].m_as("GHz") == pytest.approx(point["w_a"] / ghz, rel=X_RTOL)
    assert res.x["w_b"].m_as("GHz") == pytest.approx(point["w_b"] / ghz, rel=X_RTOL)


def test_constraint_units_must_match_the_cycle(fridge, fridge_si):
    with pytest.raises(tc.ParameterError, match="units"):
        tc.Optimizer(objective="chi", variables=W_BOX, constraints=["cooling_rate >= 0.06 aW"]).run(fridge)
    bounds = {"w_a": (Q_(0.05, "GHz"), Q_(10, "GHz"))}
    with pytest.raises(tc.ParameterError, match="units"):
        tc.Optimizer(objective="chi", variables=bounds, constraints=["cooling_rate >= 0.06"]).run(fridge_si)
    with pytest.raises(tc.DimensionError, match="power"):
        tc.Optimizer(objective="chi", variables=bounds, constraints=["cooling_rate >= 1 K"]).run(fridge_si)


@pytest.mark.parametrize("method", ["multistart", "SLSQP", "COBYLA", "shgo"])
def test_infeasible_constraint_is_never_a_silent_answer(fridge, method):
    # the COP of a refrigerator cannot exceed the Carnot COP T_c / (T_h - T_c) = 1
    opt = tc.Optimizer(objective="chi", variables=W_BOX, constraints=["cop >= 5"], method=method)
    try:
        res = opt.run(fridge)
    except tc.ThermocyclesError as exc:
        assert re.search(r"feasible|constraint", str(exc)), str(exc)
        return
    assert res.success is False
    assert "constraint" in res.message


# -- methods -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chi_tau_reference():
    tau = equal_gamma_time_optimum(1.0, BASE["tau_ch"] + BASE["tau_hc"])
    figs, _, _ = otto(**{**BASE, "tau_c": tau, "tau_h": tau})
    # cross-check the time-allocation condition with the grid
    best, point = brute_force(otto_grid("chi", "refrigerator"), TAU_BOX)
    assert best == pytest.approx(float(figs["chi"]), rel=1e-12)
    assert_x_close(point, {"tau_c": tau, "tau_h": tau}, rtol=1e-5)
    return float(figs["chi"]), tau


@pytest.mark.parametrize("method", ["multistart", "L-BFGS-B", "Nelder-Mead", "SLSQP",
                                    "differential_evolution", "shgo", "dual_annealing"])
def test_every_method_reaches_the_time_allocation_optimum(fridge, chi_tau_reference, method):
    value, tau = chi_tau_reference
    res = tc.Optimizer(objective="chi", variables=TAU_BOX, method=method).run(fridge)
    assert res.method == method
    assert res.success, res.message
    assert res.value == pytest.approx(value, rel=VALUE_RTOL)
    assert res.value <= value * (1 + 1e-13)  # nothing beats the true optimum
    assert_x_close(res.x, {"tau_c": tau, "tau_h": tau})
    assert res.at_bounds == ()


def test_starved_run_reports_failure_and_why(fridge):
    res = tc.Optimizer(objective="chi", variables=TAU_BOX, method="Nelder-Mead",
                       options={"maxfev": 5}).run(fridge)
    assert res.success is False
    assert re.search(r"evaluations|maxfev|iterations", res.message, re.IGNORECASE), res.message
    # n_evaluations counts every point: the sanity sample of n_starts + 1 points that a local
    # method's run starts with, plus the method's own (at most maxfev plus a few).
    assert res.n_evaluations <= (64 + 1) + 10


# -- a cycle that is not the flagship ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ThreeLevel(tc.Substance):
    """Levels 0, w, 2.5 w."""

    n_levels: ClassVar[int] = 3

    def energies(self, control, values):
        return np.asarray(control)[..., None] * np.array([0.0, 1.0, 2.5])


@pytest.fixture(scope="module")
def three_level():
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=0.7)
    w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    return tc.Cycle(substance=ThreeLevel(), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        tc.QuantumAdiabat(name="ch", start=w_a, end=w_b, duration=0.1),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=0.5),
        tc.QuantumAdiabat(name="hc", start=w_b, end=w_a, duration=0.2),
    ])


def cycle_grid(cycle, figure, domain="refrigerator"):
    def fun(**variables):
        perf = cycle.with_parameters(**variables).performance()
        value = np.asarray(getattr(perf, figure), dtype=float)
        if domain == "refrigerator":
            value = np.where((np.asarray(perf.q_c) > 0) & (np.asarray(perf.work) > 0), value, np.nan)
        return value

    return fun


@pytest.mark.parametrize("objective", ["cooling_rate", "chi"])
def test_three_level_cycle_durations(three_level, objective):
    assert three_level.performance().method == "linear_algebra"
    res = tc.Optimizer(objective=objective, variables=TAU_BOX).run(three_level)
    assert res.success, res.message
    assert isinstance(res.cycle.substance, ThreeLevel)
    best, point = brute_force(cycle_grid(three_level, objective), TAU_BOX, n=101, zooms=3)
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)
    assert float(getattr(res.cycle.performance(), objective)) == pytest.approx(res.value, rel=1e-12)


def test_three_level_cycle_frequencies(three_level):
    bounds = {"w_a": (0.05, 20.0), "w_b": (0.05, 40.0)}
    res = tc.Optimizer(objective="chi", variables=bounds).run(three_level)
    assert res.success, res.message
    assert str(res.performance.mode) == "refrigerator"
    best, point = brute_force(cycle_grid(three_level, "chi"), bounds, n=101, zooms=3)
    assert res.value == pytest.approx(best, rel=VALUE_RTOL)
    assert_x_close(res.x, point)


# -- reproducibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["multistart", "differential_evolution", "dual_annealing"])
def test_same_seed_same_result(fridge, method):
    kwargs = dict(objective="chi", variables=W_BOX, method=method, seed=7)
    a = tc.Optimizer(**kwargs).run(fridge)
    b = tc.Optimizer(**kwargs).run(fridge)
    assert a.x == b.x and a.value == b.value and a.n_evaluations == b.n_evaluations
    assert a.message == b.message
