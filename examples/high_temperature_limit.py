"""High-temperature limit of the Otto refrigerator with a user-defined reservoir.

The model: docs/explanation/physics.md, section 5.

In the high-temperature limit tanh(beta w / 2) ~ beta w / 2 and the heat exchanged becomes linear in
beta w ("linearised heat law"). Instead of editing the package, we define that law as a reservoir of
our own: jump rates gamma (1 +- beta (eps_i - eps_j) / 2), a BathLaw that says it is not thermal. The
library's generic path (stroke maps and one linear solve) and the Optimizer then work on it unchanged.
At fixed w_b, the COP at maximum chi over w_a is eps_plus = (sqrt(9 + 8 eps_C) - 3) / 2: eps^2 + 3 eps - 2 eps_C = 0.

Run: python examples/high_temperature_limit.py

Expected output
---------------
Numbers to a relative 1e-3 (they are printed to 3-6 digits); ``...`` stands for round-off
(a residual of 1e-13 whose digits are noise). tests/test_examples.py checks this.
::

    # rtol: 1e-3
     eps_C  COP at max chi   eps_plus  relative diff
      0.50     0.302775638   0.302776       ...
      1.00     0.561552813   0.561553        ...
      2.00     1.000000000   1.000000       ...
      5.00     2.000000000   2.000000       ...
"""

from __future__ import annotations

import numpy as np

import thermocycles as tc


def linearised_law(omega, beta, gamma):
    """Jump rates linear in beta: gamma (1 + beta omega / 2) (valid while beta |omega| < 2).

    Its equilibrium occupation of the two-level system is n_eq = (3 - beta w / 2) / 2, so
    Delta n_eq = (beta_h w_b - beta_c w_a) / 4. It is not a thermal law (k(omega)/k(-omega) is not
    exp(beta omega)), which the BathLaw declares; a negative rate (beta |omega| > 2) is refused.
    """
    return gamma * (1.0 + beta * np.asarray(omega) / 2.0)


LINEARISED = tc.BathLaw(linearised_law, name="linearised", detailed_balance=False)


def linearised_fridge(T_c: float, T_h: float, w_a: float, w_b: float) -> tc.Cycle:
    cold = tc.Reservoir(name="c", temperature=T_c, coupling=1.0, law=LINEARISED)
    hot = tc.Reservoir(name="h", temperature=T_h, coupling=1.0, law=LINEARISED)
    wa, wb = tc.Parameter("w_a", w_a), tc.Parameter("w_b", w_b)
    return tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=wa, duration=0.7),
        tc.QuantumAdiabat(name="ch", start=wa, end=wb, duration=0.2),
        tc.Isochore(name="h", reservoir=hot, control=wb, duration=0.4),
        tc.QuantumAdiabat(name="hc", start=wb, end=wa, duration=0.2),
    ])


def cop_at_max_chi_fixed_w_b(T_c: float, T_h: float, w_b: float) -> tc.OptimizationResult:
    """Maximise chi over w_a at fixed w_b (the paper's constrained high-temperature problem)."""
    fridge = linearised_fridge(T_c, T_h, w_a=0.5 * w_b * T_c / T_h, w_b=w_b)
    upper = w_b * T_c / T_h  # cooling needs w_a < w_b T_c / T_h
    return tc.Optimizer(objective="chi", variables={"w_a": (1e-3 * upper, upper)}).run(fridge)


if __name__ == "__main__":
    print(f"{'eps_C':>6} {'COP at max chi':>15} {'eps_plus':>10} {'relative diff':>14}")
    for eps_c in [0.5, 1.0, 2.0, 5.0]:
        T_c = 100.0
        T_h = T_c * (1 + eps_c) / eps_c
        res = cop_at_max_chi_fixed_w_b(T_c, T_h, w_b=1.0)
        cop = float(res.performance.cop)
        target = float(tc.bounds.eps_plus(eps_c))
        print(f"{eps_c:6.2f} {cop:15.9f} {target:10.6f} {cop / target - 1:14.1e}")
        assert res.success, res.message
        assert abs(cop / target - 1) < 1e-6
