"""A user-defined stroke with a heat leak: the Optimizer and the IrreversibleAnalysis on a cycle
that is not the flagship.

Each isochore of this Otto cycle touches its own reservoir and, weakly, the other one (a fraction
``leak`` of that reservoir's rates): some heat flows straight from hot to cold whatever the work.
That breaks the tight coupling of the ideal Otto cycle (q = 1): the coupling strength q drops below
1 as the leak grows. The stroke is defined here, outside the package, in a few lines: it describes its
physics through the context (a contact with two reservoirs, one of them weighted), so it works with
every backend, and both plugins handle it unchanged.

Run: python examples/heat_leak_onsager.py

Expected output
---------------
Numbers to a relative 1e-3 (they are printed to 3-6 digits); ``...`` stands for round-off
(a residual of 1e-13 whose digits are noise). tests/test_examples.py checks this.
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
import numpy as np

import thermocycles as tc


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


if __name__ == "__main__":
    analysis = tc.IrreversibleAnalysis()
    print(f"{'leak':>6} {'q':>12} {'(L12-L21)/L12':>14} {'det L / L11 L22':>16} {'max chi':>10} {'COP there':>10}")
    for leak in [0.0, 0.01, 0.05, 0.2]:
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
