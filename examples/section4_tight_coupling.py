r"""
Linear irreversible thermodynamics against the full model (the paper's section IV)
==================================================================================

Section IV of the paper argues, with linear irreversible thermodynamics, that the two-level Otto
refrigerator is tightly coupled (coupling strength :math:`q = 1`), so that its COP at maximum
:math:`\chi` (COP times cooling rate) is

.. math:: \varepsilon_+ = \frac{\sqrt{9 + 8\varepsilon_C} - 3}{2},

where :math:`\varepsilon_C = T_c/(T_h - T_c)` is the Carnot COP. This script checks how far that
holds. As :math:`\varepsilon_C` grows the thermal force shrinks, and it prints, as ratios to
:math:`\varepsilon_+`:

* the COP at maximum :math:`\chi` of the linear model built from the Onsager matrix that
  :class:`thermocycles.IrreversibleAnalysis` computes (tight coupling, so exactly :math:`\varepsilon_+`);
* the full model's COP at maximum :math:`\chi` over :math:`\omega_a` at fixed :math:`\omega_b`
  (:math:`\lambda = J_2/J_1 = \omega_b` fixed, as the paper's argument assumes), for
  :math:`v = \beta_h \omega_b` = 0.1, 1 and 3; its limit for large :math:`\varepsilon_C` is
  :math:`\sqrt{1 - (v/4)\tanh(v/2)}`;
* the joint optimum over :math:`(\omega_a, \omega_b)` of the paper's Fig. 2, whose ratio tends to
  :math:`1/\sqrt{2}`.

Only at high temperature (:math:`v \ll 1`) does the full model reach the linear-response result;
the joint optimum stays well below it.

Run: ``python examples/section4_tight_coupling.py``

Expected output
---------------
What the script prints. Numbers agree to a relative 1e-3 (they are printed to 3-6 digits);
``...`` stands for round-off (a residual of 1e-13 whose digits are noise). tests/test_examples.py
checks this.
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

import matplotlib.pyplot as plt
import numpy as np

import thermocycles as tc
from thermocycles.closed_forms.otto_two_level import optimal_frequencies

# %%
# The refrigerator and the constrained optimum
# --------------------------------------------
# ``fridge(eps_c, v)`` is the flagship two-level refrigerator at :math:`T_c = 1` with the hot
# temperature that gives Carnot COP ``eps_c`` and :math:`\omega_b = v\,T_h`. ``fixed_w_b_optimum``
# maximises :math:`\chi` over :math:`\omega_a` alone (cooling needs
# :math:`\omega_a < \omega_b T_c/T_h`) and returns the COP there.


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


# %%
# The table
# ---------
# One row per Carnot COP; the last row holds the large-:math:`\varepsilon_C` limits.

vs = (0.1, 1.0, 3.0)
eps_cs = (0.5, 1.0, 3.0, 10.0, 100.0, 1000.0)
rows = []
print("COP at maximum chi divided by eps_plus")
print(f"{'eps_C':>8} {'eps_plus':>9} {'linear':>8} " + " ".join(f"{'v=' + str(v):>8}" for v in vs)
      + f" {'joint':>8}")
for eps_c in eps_cs:
    ep = float(tc.bounds.eps_plus(eps_c))
    linear = tc.IrreversibleAnalysis().run(fridge(eps_c, 1.0)).cop_at_max_chi(eps_c)
    fixed = [fixed_w_b_optimum(fridge(eps_c, v)) / ep for v in vs]
    joint = float(optimal_frequencies(eps_c).eps_star[0]) / ep
    rows.append([linear / ep, *fixed, joint])
    print(f"{eps_c:8g} {ep:9.4f} {linear / ep:8.5f} " + " ".join(f"{r:8.5f}" for r in fixed)
          + f" {joint:8.5f}")
limits = [1.0, *(np.sqrt(1 - v / 4 * np.tanh(v / 2)) for v in vs), 1 / np.sqrt(2)]
print(f"{'limit':>8} {'':>9} {limits[0]:8.5f} " + " ".join(f"{r:8.5f}" for r in limits[1:-1])
      + f" {limits[-1]:8.5f}")

# %%
# The same numbers as a figure: each column of the table is a curve, and its limit is the dashed
# line of the same colour. The linear model sits on 1 by construction; the full model comes close
# to it only at small :math:`v`.

ratios = np.array(rows)
labels = ["linear model (Onsager)", *(rf"full model, $\omega_b$ fixed, $v$ = {v:g}" for v in vs),
          r"full model, joint optimum over $(\omega_a, \omega_b)$"]
fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
for column, (label, limit) in enumerate(zip(labels, limits)):
    style = dict(lw=4, alpha=0.5) if column == 0 else dict(marker="o", ms=4)  # v = 0.1 lies on top of it
    line, = ax.semilogx(eps_cs, ratios[:, column], label=label, **style)
    ax.axhline(limit, color=line.get_color(), ls="--", lw=0.8)
ax.set_xlabel(r"Carnot COP $\varepsilon_C = T_c/(T_h - T_c)$ (dimensionless)")
ax.set_ylabel(r"COP at maximum $\chi$ / $\varepsilon_+$ (dimensionless)")
ax.set_title("Two-level Otto refrigerator: linear response against the full model")
ax.legend(fontsize="small")
plt.show()
