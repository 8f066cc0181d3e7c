"""The Optimizer and the IrreversibleAnalysis run unchanged on coherent cycles.

* Quantum friction against time: the chi of a qubit Otto refrigerator with finite-time unitary
  ramps has an interior optimum in the two ramp durations (fast ramps excite transitions, slow ones
  cost cycle time); the Optimizer finds it, and a dense grid of the same cycle confirms it.
* Onsager coefficients of the same cycle: the second law holds, and friction (dissipation without
  heat flow) breaks the tight coupling that the commuting cycle has.
"""

from __future__ import annotations

import numpy as np
import pytest

import thermocycles as tc


def qubit_fridge(delta: float, tau_ramp: float = 0.3) -> tc.Cycle:
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    return tc.Cycle(substance=tc.Qubit(transverse=delta), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        tc.UnitaryStroke(name="ch", start=w_a, end=w_b, duration=tau_ramp),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=0.5),
        tc.UnitaryStroke(name="hc", start=w_b, end=w_a, duration=tau_ramp)])


def test_optimal_ramp_durations_balance_friction_and_time():
    cycle = qubit_fridge(1.0)
    bounds = (0.01, 20.0)
    res = tc.Optimizer(objective="chi", variables={"tau_ch": bounds, "tau_hc": bounds}).run(cycle)
    assert res.success, res.message
    assert res.status == 0 and not res.at_bounds and res.nfev > 0
    tau_ch, tau_hc = res.x["tau_ch"], res.x["tau_hc"]
    assert bounds[0] * 2 < tau_ch < bounds[1] / 2 and bounds[0] * 2 < tau_hc < bounds[1] / 2
    # a dense grid of the same cycle (one vectorised evaluation) never beats the optimum
    grid = np.geomspace(*bounds, 60)
    perf = cycle.model.evaluate(cycle.model.values({"tau_ch": grid[:, None], "tau_hc": grid[None, :]}))
    cools = (perf.q_c > 0) & (perf.work > 0)  # perf.chi is NaN where it does not
    assert cools.any() and res.fun >= perf.chi[cools].max() * (1 - 1e-9)
    # fast ramps cost friction: near the sudden limit the work done on the qubit ends as heat in
    # both reservoirs (a heater, not a refrigerator), and more coherence is left to dissipate
    sudden = cycle.with_parameters(tau_ch=bounds[0], tau_hc=bounds[0]).performance()
    assert sudden.mode == tc.Mode.HEATER
    assert res.performance.strokes[1].coherence_end < sudden.strokes[1].coherence_end


@pytest.mark.parametrize("delta", [0.0, 0.6])
def test_onsager_analysis_of_a_coherent_cycle(delta):
    result = tc.IrreversibleAnalysis().run(qubit_fridge(delta, tau_ramp=0.05))
    assert result.second_law
    L = result.L_natural
    assert L[0, 0] > 0 and L[1, 1] > 0
    a = result.at_cycle
    assert abs(a["J1"] * a["X1"] + a["J2"] * a["X2"] - a["entropy_production_rate"]) <= \
        1e-10 * abs(a["entropy_production_rate"])
    if delta == 0.0:
        assert result.tight_coupling  # the two-level Otto cycle: q = 1
    else:
        assert result.coupling < 1 - 1e-3 and not result.tight_coupling  # friction breaks it
