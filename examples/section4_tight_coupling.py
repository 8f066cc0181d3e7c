"""The paper's section IV, checked: linear irreversible thermodynamics vs the full model.

Prints, as eps_C grows (the thermal force shrinks): eps_plus; the COP at maximum chi of the linear
model built from the Onsager matrix that IrreversibleAnalysis computes (tight coupling, so eps_plus);
the full model's COP at maximum chi over w_a at fixed w_b (lambda = J2/J1 = w_b fixed, as the paper's
argument assumes), for beta_h w_b = 0.1, 1 and 3, with the second-order asymptote
eps_plus sqrt(1 - (v/4) tanh(v/2)); and the joint optimum over (w_a, w_b) of Fig. 2.

Run: python examples/section4_tight_coupling.py

Expected output
---------------
Numbers to a relative 1e-3 (they are printed to 3-6 digits); ``...`` stands for round-off
(a residual of 1e-13 whose digits are noise). tests/test_examples.py checks this.
::

    # rtol: 1e-3
    COP at maximum chi divided by eps_plus
       eps_C  eps_plus   linear    v=0.1    v=1.0    v=3.0    joint
         0.5    0.3028  1.00000  0.99975  0.97547  0.80890  0.78627
           1    0.5616  1.00000  0.99972  0.97303  0.79129  0.77785
           3    1.3723  1.00000  0.99966  0.96725  0.74999  0.76042
          10    3.2170  1.00000  0.99958  0.95958  0.69630  0.74147
         100   12.7215  1.00000  0.99946  0.94820  0.61847  0.71933
        1000   43.2465  1.00000  0.99940  0.94312  0.58436  0.71109
       limit            1.00000  0.99938  0.94046  0.56669  0.70711
"""

from __future__ import annotations

import numpy as np

import thermocycles as tc
from thermocycles.closed_forms.otto_two_level import optimal_frequencies


def fridge(eps_c: float, v: float) -> tc.Cycle:
    T_c = 1.0
    T_h = T_c * (1 + eps_c) / eps_c
    w_b = v * T_h
    return tc.quantum_otto_refrigerator(T_c=T_c, T_h=T_h, gamma_c=1.0, gamma_h=1.0,
                                        w_a=0.5 * w_b * T_c / T_h, w_b=w_b,
                                        tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)


def fixed_w_b_optimum(cycle: tc.Cycle) -> float:
    T_c, T_h, w_b = (cycle.model.defaults[k] for k in ("T_c", "T_h", "w_b"))
    top = w_b * T_c / T_h
    res = tc.Optimizer(objective="chi", variables={"w_a": (1e-4 * top, top)}).run(cycle)
    assert res.success, res.message
    return float(res.performance.cop)


if __name__ == "__main__":
    vs = (0.1, 1.0, 3.0)
    print("COP at maximum chi divided by eps_plus")
    print(f"{'eps_C':>8} {'eps_plus':>9} {'linear':>8} " + " ".join(f"{'v=' + str(v):>8}" for v in vs)
          + f" {'joint':>8}")
    for eps_c in (0.5, 1.0, 3.0, 10.0, 100.0, 1000.0):
        ep = float(tc.bounds.eps_plus(eps_c))
        linear = tc.IrreversibleAnalysis().run(fridge(eps_c, 1.0)).cop_at_max_chi(eps_c)
        fixed = [fixed_w_b_optimum(fridge(eps_c, v)) / ep for v in vs]
        joint = float(optimal_frequencies(eps_c).eps_star[0]) / ep
        print(f"{eps_c:8g} {ep:9.4f} {linear / ep:8.5f} " + " ".join(f"{r:8.5f}" for r in fixed)
              + f" {joint:8.5f}")
    print(f"{'limit':>8} {'':>9} {1.0:8.5f} "
          + " ".join(f"{np.sqrt(1 - v / 4 * np.tanh(v / 2)):8.5f}" for v in vs) + f" {1 / np.sqrt(2):8.5f}")
