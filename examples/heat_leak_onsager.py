r"""
A heat leak breaks tight coupling: a stroke of your own
=======================================================

This script defines a new kind of stroke outside the package, in a few lines, and runs the
:class:`thermocycles.Optimizer` and the :class:`thermocycles.IrreversibleAnalysis` on a cycle that
is not the flagship.

Each isochore of this two-level Otto cycle touches its own reservoir and, weakly, the other one (a
fraction ``leak`` of that reservoir's rates), so some heat flows straight from hot to cold whatever
the work. That breaks the tight coupling of the ideal Otto cycle: the coupling strength :math:`q`
of the Onsager matrix :math:`L`,

.. math:: q = \frac{L_{12}}{\sqrt{L_{11} L_{22}}},

drops below 1 as the leak grows, and the refrigerator's best figure of merit :math:`\chi` (COP
times cooling rate) falls with it, until it no longer cools at all. The stroke describes its
physics through the context (a contact with two reservoirs, one of them weighted), so it works with
every backend, and both analyses handle it unchanged.

Run: ``python examples/heat_leak_onsager.py``

Expected output
---------------
What the script prints. Numbers agree to a relative 1e-3 (they are printed to 3-6 digits);
``...`` stands for round-off (a residual of 1e-13 whose digits are noise). tests/test_examples.py
checks this.
::

    # rtol: 1e-3
      leak            q  (L12-L21)/L12  det L / L11 L22    max chi  COP there
      0.00  1.000000000       ...       ...   0.028131   0.436804
      0.01  0.978595413       ...        4.235e-02   0.023117   0.365790
      0.05  0.897446903       ...        1.946e-01   0.009395   0.192465
      0.20  0.645965835      ...        5.827e-01   (cannot cool at these contact times)
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import matplotlib.pyplot as plt
import numpy as np

import thermocycles as tc

# %%
# The leaky isochore
# ------------------
# A stroke is a frozen attrs class. Its numeric fields are declared with
# :func:`thermocycles.value_field` (``leak`` is dimensionless and nonnegative, and becomes the cycle
# parameter ``leak_c`` or ``leak_h``); ``reservoirs`` names the baths it touches, and ``evolution``
# returns the stroke's linear map on the state: relaxation at the fixed control value towards both
# reservoirs, the second one with its rates weighted by ``leak``.


@attrs.frozen(kw_only=True)
class LeakyIsochore(tc.Stroke):
    """Contact with ``reservoir`` at a fixed control value, plus a weak contact with ``leak_to``."""

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")

    reservoir: tc.Reservoir
    leak_to: tc.Reservoir
    control: Any = tc.value_field(None, control=True)
    leak: Any = tc.value_field(tc.units.DIMENSIONLESS, "leak", constraint="nonnegative", default=0.0)

    def reservoirs(self) -> tuple[tc.Reservoir, ...]:
        return (self.reservoir, self.leak_to)

    def evolution(self, ctx: tc.StrokeContext) -> tc.LinearMap:
        return ctx.relax(ctx["control"], ctx["duration"], [self.reservoir, (self.leak_to, ctx["leak"])])


# %%
# The cycle: cold isochore at :math:`\omega_a`, adiabat, hot isochore at :math:`\omega_b`, adiabat,
# with :math:`T_c = 1`, :math:`T_h = 2` and the same leak on both isochores.


def leaky_otto(leak: float, T_c: float = 1.0, T_h: float = 2.0, w_a: float = 1.0,
               w_b: float = 3.0) -> tc.Cycle:
    cold = tc.Reservoir(name="c", temperature=T_c, coupling=1.0)
    hot = tc.Reservoir(name="h", temperature=T_h, coupling=1.0)
    wa, wb = tc.Parameter("w_a", w_a), tc.Parameter("w_b", w_b)
    return tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        LeakyIsochore(name="c", reservoir=cold, leak_to=hot, control=wa, duration=0.5, leak=leak),
        tc.QuantumAdiabat(name="ch", start=wa, end=wb, duration=0.1),
        LeakyIsochore(name="h", reservoir=hot, leak_to=cold, control=wb, duration=0.5, leak=leak),
        tc.QuantumAdiabat(name="hc", start=wb, end=wa, duration=0.1),
    ])


# %%
# Coupling strength and the best refrigerator
# -------------------------------------------
# For each leak: the Onsager analysis gives :math:`q`, the reciprocity defect
# :math:`(L_{12} - L_{21})/L_{12}` and :math:`\det L/(L_{11} L_{22}) = 1 - q^2` (up to the
# reciprocity defect); the optimizer maximises :math:`\chi` over both frequencies. The asserts
# check the second law, tight coupling without a leak, and that the entropy production rate is
# :math:`J_1 X_1 + J_2 X_2`. (The ``__main__`` guard lets the test suite import ``leaky_otto``
# without running the study.)

if __name__ == "__main__":
    leaks = [0.0, 0.01, 0.05, 0.2]
    analysis = tc.IrreversibleAnalysis()
    print(f"{'leak':>6} {'q':>12} {'(L12-L21)/L12':>14} {'det L / L11 L22':>16} {'max chi':>10} {'COP there':>10}")
    for leak in leaks:
        cycle = leaky_otto(leak)
        onsager = analysis.run(cycle)
        L = onsager.L_natural
        row = (f"{leak:6.2f} {onsager.coupling:12.9f} {onsager.reciprocity:14.2e} "
               f"{np.linalg.det(L) / (L[0, 0] * L[1, 1]):16.3e}")
        try:
            best = tc.Optimizer(objective="chi", variables={"w_a": (0.05, 10.0), "w_b": (0.05, 30.0)}
                                ).run(cycle)
        except tc.AnalysisError:  # the leak outruns the pumping: no frequencies cool at all
            print(f"{row}   (cannot cool at these contact times)")
            assert leak >= 0.1
        else:
            print(f"{row} {best.value:10.6f} {float(best.performance.cop):10.6f}")
            assert best.success, best.message
        assert onsager.second_law
        if leak == 0.0:
            assert onsager.tight_coupling
        else:
            assert onsager.coupling < 1 - 1e-4  # the leak breaks tight coupling
        a = onsager.at_cycle
        assert abs(a["J1"] * a["X1"] + a["J2"] * a["X2"] - a["entropy_production_rate"]) \
            <= 1e-12 * abs(a["entropy_production_rate"])

# %%
# The coupling strength against the leak, on a finer grid (the Onsager analysis alone is cheap; the
# points are the rows of the table):

if __name__ == "__main__":
    grid = np.linspace(0.0, 0.3, 31)
    q = [analysis.run(leaky_otto(leak)).coupling for leak in grid]
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(grid, q, "-", label="coupling strength $q$")
    ax.plot(leaks, [analysis.run(leaky_otto(leak)).coupling for leak in leaks], "o", label="rows of the table")
    ax.axhline(1.0, color="k", ls="--", lw=0.8, label="tight coupling, $q = 1$")
    ax.set_xlabel("leak: fraction of the other reservoir's rates (dimensionless)")
    ax.set_ylabel(r"$q = L_{12}/\sqrt{L_{11} L_{22}}$ (dimensionless)")
    ax.set_title("Otto refrigerator with a heat leak")
    ax.legend()
    plt.show()
