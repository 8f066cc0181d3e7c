"""A constraint active at the optimum is met, and the run is a success (the docs' bug report).

On the flagship refrigerator the COP of the two-level Otto cycle is w_a / (w_b - w_a) whatever the
contact times, so ``cop >= c`` means ``w_b <= w_a (1 + 1/c)``; the cooling rate and chi grow with
w_b up to beyond that bound here, so their constrained maximum lies exactly on it. Before, the
multistart's SLSQP run stopped at the limit of its precision ("Positive directional derivative for
linesearch") on a trial point 3e-6 on the infeasible side; the restoration onto the feasible side
refused it (it took at most 1e-6) and the failed run's verdict was kept: success=False, "reached
0.599998". Now every local run ending on the infeasible side within a solver's tolerance is
restored, and restarted from there if the method had reported a failure.

The checks are independent of the optimiser: the returned w_b against the closed-form boundary, and
the COP recomputed from ``res.cycle``.
"""

from __future__ import annotations

import json

import pytest

from thermocycles import cli
from thermocycles.analysis.optimize import FEASIBILITY_RTOL, Optimizer
from thermocycles.factories.otto import quantum_otto_refrigerator
from thermocycles.io import save
from thermocycles.units import Q_

NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5,
               tau_ch=0.1, tau_hc=0.1)
SI = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"), w_a=Q_(1, "GHz"),
          w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))
BOUNDS = {"natural": {"w_b": (2.2, 20.0)}, "si": {"w_b": (Q_(2.2, "GHz"), Q_(20, "GHz"))}}
#: every method that takes constraints; trust-constr is judged apart (it stops inside, see below)
METHODS = ["multistart", "SLSQP", "COBYLA", "COBYQA", "shgo", "differential_evolution"]


def fridge(units: str, **changes):
    return quantum_otto_refrigerator(**{**(SI if units == "si" else NATURAL), **changes})


def boundary(units: str, cop_min: float) -> float:
    """The closed-form optimum w_b = w_a (1 + 1/cop_min), in the cycle's unit of w_b (1 or GHz)."""
    return 1.0 * (1.0 + 1.0 / cop_min)


def w_b_of(res, units: str) -> float:
    return res.x["w_b"].m_as("GHz") if units == "si" else res.x["w_b"]


def cop_holds(res, cop_min: float) -> bool:
    """The COP of the returned cycle, recomputed, meets the threshold (relative FEASIBILITY_RTOL)."""
    cop = float(res.cycle.performance().algebraic("cop"))
    return cop >= cop_min - FEASIBILITY_RTOL * max(cop_min, abs(cop))


def optimise(units, objective, cop_min, method, **kwargs):
    return Optimizer(objective=objective, variables=BOUNDS[units], constraints=[f"cop >= {cop_min}"],
                     method=method, progress=False, **kwargs).run(fridge(units))


# -- the report's case -------------------------------------------------------------------------------
def test_the_reported_fridge_reaches_w_b_8_over_3():
    res = optimise("natural", "cooling_rate", 0.6, "multistart")
    assert res.success and res.status == 0, res.message
    assert "constraint violated" not in res.message
    assert res.x["w_b"] == pytest.approx(8 / 3, rel=1e-12)
    assert cop_holds(res, 0.6), res.message
    assert float(res.performance.cop) == pytest.approx(0.6, rel=1e-12)
    # the maximum: the cooling rate on the boundary, computed directly
    on_boundary = fridge("natural", w_b=8 / 3).performance().cooling_rate
    assert res.fun == pytest.approx(float(on_boundary), rel=1e-12)


def test_a_failed_slsqp_run_on_the_infeasible_side_is_restored_and_restarted():
    # the end of the reported multistart run as the start: SLSQP's line search fails at once there
    start = fridge("natural", w_b=2.666671501796062)
    res = Optimizer(objective="cooling_rate", variables={"w_b": (2.2, 20.0)}, constraints=["cop >= 0.6"],
                    method="SLSQP", progress=False).run(start)
    assert res.success and res.status == 0, res.message
    assert "onto the feasible side" in res.message and "restarted from there" in res.message, res.message
    assert res.x["w_b"] == pytest.approx(8 / 3, rel=1e-12)
    assert cop_holds(res, 0.6)


# -- variations: objectives, units, thresholds, methods ----------------------------------------------
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("cop_min", [0.6, 0.45])
@pytest.mark.parametrize("objective", ["cooling_rate", "chi"])
@pytest.mark.parametrize("units", ["natural", "si"])
def test_an_active_cop_constraint_is_met_on_its_closed_form_boundary(units, objective, cop_min, method):
    res = optimise(units, objective, cop_min, method)
    assert res.success and res.status == 0, res.message
    assert cop_holds(res, cop_min), res.message
    # derivative-free COBYQA stops within ~1e-8 of the boundary, the others within round-off
    assert w_b_of(res, units) == pytest.approx(boundary(units, cop_min), rel=3e-8 if method == "COBYQA" else 1e-12)


@pytest.mark.parametrize("cop_min", [0.6, 0.45])
@pytest.mark.parametrize("units", ["natural", "si"])
def test_trust_constr_never_calls_an_interior_stop_a_success(units, cop_min):
    # trust-constr's barrier stops ~1e-5 inside the feasible set, worse than points it evaluated:
    # an honest failure (status 3), never a success with the constraint violated
    res = optimise(units, "cooling_rate", cop_min, "trust-constr")
    assert cop_holds(res, cop_min), res.message
    if res.success:
        assert w_b_of(res, units) == pytest.approx(boundary(units, cop_min), rel=1e-8)
    else:
        assert res.status != 2, res.message


@pytest.mark.parametrize("method", METHODS + ["trust-constr"])
@pytest.mark.parametrize("units", ["natural", "si"])
def test_a_success_never_comes_with_the_active_constraint_violated(units, method):
    """Short runs that stop anywhere: the verdict still never passes a violated constraint."""
    short = {"SLSQP": {"maxiter": 3}, "COBYLA": {"maxiter": 8}, "COBYQA": {"maxfev": 8},
             "trust-constr": {"maxiter": 5}, "differential_evolution": {"maxiter": 1}}
    for cop_min in (0.6, 0.45):
        res = optimise(units, "chi", cop_min, method, options=short.get(method, {}), n_starts=8)
        if res.success:
            assert cop_holds(res, cop_min), (cop_min, res.message)


# -- the command line --------------------------------------------------------------------------------
@pytest.mark.parametrize("units", ["natural", "si"])
def test_the_command_line_succeeds_on_the_reported_case(units, tmp_path, capsys):
    path = tmp_path / "fridge.toml"
    save(fridge(units), path)
    vary = "w_b=2.2:20" if units == "natural" else "w_b=2.2 GHz:20 GHz"
    code = cli.main(["optimize", str(path), "--objective", "cooling_rate", "--vary", vary, "--constraint",
                     "cop >= 0.6", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert result["success"] is True, result["message"]
    w_b = result["x_natural"]["w_b"]
    w_a = fridge(units).model.defaults["w_a"]
    assert w_b == pytest.approx(w_a * (1 + 1 / 0.6), rel=1e-12)
