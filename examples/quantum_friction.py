"""Quantum friction in a qubit Otto cycle: the price of changing a non-commuting Hamiltonian fast.

H(w) = (w sigma_z + Delta sigma_x)/2 with Delta = 0.6: the eigenbasis turns as w goes from w_a = 1 to
w_b = 3, so a finite-time ramp excites the qubit out of its instantaneous eigenstates. The next
isochore dissipates that coherence; the cycle needs more work than with ideal adiabatic following.
The extra work vanishes as the ramps slow down: roughly as 1/tau^2 for a linear ramp (with
oscillations from the phase accumulated between the two eigenstates) and much faster for a ramp that
starts and ends at rest (cosine schedule). One vectorised evaluation per schedule gives all ramp
durations. With a stronger transverse field (Delta = 1) sudden ramps no longer cool at all, and the
Optimizer finds the ramp durations that balance friction against cycle time for chi.

Run: python examples/quantum_friction.py

Expected output
---------------
Numbers to a relative 1e-3 (they are printed to 3-6 digits); ``...`` stands for round-off
(a residual of 1e-13 whose digits are noise). tests/test_examples.py checks this.
::

    # rtol: 1e-3
     ramp time  extra work, linear  extra work, cosine
           0.1           1.872e-02           1.874e-02
         0.215           2.153e-02           2.166e-02
         0.464           3.307e-02           3.405e-02
             1           1.161e-01           1.333e-01
          2.15           3.046e-02           5.239e-02
          4.64           7.066e-03           6.585e-03
            10           1.256e-02           6.650e-04
          21.5           7.269e-04           1.563e-05
          46.4           1.894e-04           3.253e-07
           100           1.404e-04           1.617e-08
    Delta = 1: sudden ramps make a heater; chi is largest for ramps of 2.844 and 2.917: chi = 1.1009e-03, COP = 0.471
"""

from __future__ import annotations

import numpy as np

import thermocycles as tc

COLD = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
HOT = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)


def qubit_otto(ramp: type, tau: float = 1.0, delta: float = 0.6, **options: str) -> tc.Cycle:
    w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    return tc.Cycle(substance=tc.Qubit(transverse=delta), strokes=[
        tc.Isochore(name="c", reservoir=COLD, control=w_a, duration=0.5),
        ramp(name="ch", start=w_a, end=w_b, duration=tau, **options),
        tc.Isochore(name="h", reservoir=HOT, control=w_b, duration=0.5),
        ramp(name="hc", start=w_b, end=w_a, duration=tau, **options)])


if __name__ == "__main__":
    ideal = qubit_otto(tc.QuantumAdiabat).performance().work
    taus = np.geomspace(0.1, 100.0, 10)
    excess = {}
    for schedule in ("linear", "cosine"):
        model = qubit_otto(tc.UnitaryStroke, schedule=schedule).model
        perf = model.evaluate(model.values({"tau_ch": taus, "tau_hc": taus}))  # all durations at once
        excess[schedule] = perf.work - ideal
    print(f"{'ramp time':>10} {'extra work, linear':>19} {'extra work, cosine':>19}")
    for tau, lin, cos in zip(taus, excess["linear"], excess["cosine"]):
        print(f"{tau:10.3g} {lin:19.3e} {cos:19.3e}")
    assert np.all(excess["linear"] > 0) and np.all(excess["cosine"] > 0)  # friction always costs work
    assert excess["linear"][-1] < 1e-2 * excess["linear"][0]
    assert excess["cosine"][-1] < 1e-6 * excess["cosine"][0] < excess["linear"][-1]

    strong = qubit_otto(tc.UnitaryStroke, delta=1.0)
    sudden = strong.with_parameters(tau_ch=0.01, tau_hc=0.01).performance()
    best = tc.Optimizer(objective="chi", variables={"tau_ch": (0.01, 20.0), "tau_hc": (0.01, 20.0)}).run(strong)
    print(f"Delta = 1: sudden ramps make a {sudden.mode}; chi is largest for ramps of {best.x['tau_ch']:.3f} and "
          f"{best.x['tau_hc']:.3f}: chi = {best.fun:.4e}, COP = {float(best.performance.cop):.3f}")
    assert sudden.mode == tc.Mode.HEATER
    assert best.success and not best.at_bounds, best.message
