r"""
High-temperature limit with a reservoir of your own
===================================================

At high temperature, :math:`\tanh(\beta\omega/2) \approx \beta\omega/2` and the heat a two-level
system exchanges with a bath becomes linear in :math:`\beta\omega` (the "linearised heat law"; the
model: docs/explanation/physics.md, section 5). Instead of editing the package, this script
defines that law as a bath of its own: jump rates

.. math:: k(\omega) = \gamma\,\left(1 + \frac{\beta\omega}{2}\right),

wrapped in a :class:`thermocycles.BathLaw` that declares it is not thermal (it breaks detailed
balance). The library's generic path (stroke maps and one linear solve) and the
:class:`thermocycles.Optimizer` then work on it unchanged.

At fixed :math:`\omega_b`, the COP at maximum :math:`\chi` (COP times cooling rate) over
:math:`\omega_a` is the root of :math:`\varepsilon^2 + 3\varepsilon - 2\varepsilon_C = 0`,

.. math:: \varepsilon_+ = \frac{\sqrt{9 + 8\varepsilon_C} - 3}{2},

where :math:`\varepsilon_C = T_c/(T_h - T_c)` is the Carnot COP. The optimizer finds it to
round-off.

Run: ``python examples/high_temperature_limit.py``

Expected output
---------------
What the script prints. Numbers agree to a relative 1e-3 (they are printed to 3-6 digits);
``...`` stands for round-off (a residual of 1e-13 whose digits are noise). tests/test_examples.py
checks this.
::

    # rtol: 1e-3
     eps_C  COP at max chi   eps_plus  relative diff
      0.50     0.302775638   0.302776       ...
      1.00     0.561552813   0.561553        ...
      2.00     1.000000000   1.000000       ...
      5.00     2.000000000   2.000000       ...
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import thermocycles as tc

# %%
# The linearised bath law
# -----------------------
# A bath law is a function of the transition frequency :math:`\omega`, the inverse temperature
# :math:`\beta` and the coupling :math:`\gamma` that returns the jump rate. Wrapped in a
# :class:`thermocycles.BathLaw`, it can be given to any :class:`thermocycles.Reservoir`.


def linearised_law(omega, beta, gamma):
    """Jump rates linear in beta: gamma (1 + beta omega / 2) (valid while beta |omega| < 2).

    Its equilibrium occupation of the two-level system is n_eq = (3 - beta w / 2) / 2, so
    Delta n_eq = (beta_h w_b - beta_c w_a) / 4. It is not a thermal law (k(omega)/k(-omega) is not
    exp(beta omega)), which the BathLaw declares; a negative rate (beta |omega| > 2) is refused.
    """
    return gamma * (1.0 + beta * np.asarray(omega) / 2.0)


LINEARISED = tc.BathLaw(linearised_law, name="linearised", detailed_balance=False)

# %%
# The refrigerator and its constrained optimum
# --------------------------------------------
# A two-level Otto refrigerator built stroke by stroke, with both reservoirs following the
# linearised law; then :math:`\chi` is maximised over :math:`\omega_a` at fixed :math:`\omega_b`.


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


# %%
# The check against :math:`\varepsilon_+`
# ---------------------------------------
# The temperatures are high (:math:`T_c = 100`, :math:`\omega_b = 1`), as the linearised law
# requires. (The ``__main__`` guard lets the test suite import the functions above without
# running the study.)

if __name__ == "__main__":
    eps_cs, cops = [0.5, 1.0, 2.0, 5.0], []
    print(f"{'eps_C':>6} {'COP at max chi':>15} {'eps_plus':>10} {'relative diff':>14}")
    for eps_c in eps_cs:
        T_c = 100.0
        T_h = T_c * (1 + eps_c) / eps_c
        res = cop_at_max_chi_fixed_w_b(T_c, T_h, w_b=1.0)
        cop = float(res.performance.cop)
        target = float(tc.bounds.eps_plus(eps_c))
        print(f"{eps_c:6.2f} {cop:15.9f} {target:10.6f} {cop / target - 1:14.1e}")
        assert res.success, res.message
        assert abs(cop / target - 1) < 1e-6
        cops.append(cop)

# %%
# The optimizer's results on the closed form, with the Carnot COP (the reversible limit) and the
# Curzon-Ahlborn COP :math:`\sqrt{1 + \varepsilon_C} - 1` for comparison:

if __name__ == "__main__":
    grid = np.linspace(0.05, 6.0, 200)
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(grid, grid, "k--", lw=1, label=r"Carnot COP $\varepsilon_C$")
    ax.plot(grid, tc.bounds.eps_plus(grid), label=r"$\varepsilon_+ = (\sqrt{9 + 8\varepsilon_C} - 3)/2$")
    ax.plot(grid, tc.bounds.curzon_ahlborn_cop(grid), ":", label=r"Curzon-Ahlborn $\sqrt{1 + \varepsilon_C} - 1$")
    ax.plot(eps_cs, cops, "o", label="Optimizer, linearised bath law")
    ax.set_xlabel(r"Carnot COP $\varepsilon_C = T_c/(T_h - T_c)$ (dimensionless)")
    ax.set_ylabel(r"COP at maximum $\chi$ (dimensionless)")
    ax.set_title(r"High-temperature limit, $\omega_b$ fixed")
    ax.legend()
    plt.show()
