r"""
Quantum friction in a qubit Otto refrigerator
=============================================

Changing a Hamiltonian that does not commute with itself at different times costs extra work when
it is done fast. Here the working substance is a qubit with

.. math:: H(\omega) = \frac{\omega\,\sigma_z + \Delta\,\sigma_x}{2}, \qquad \Delta = 0.6,

so its eigenbasis turns as :math:`\omega` goes from :math:`\omega_a = 1` to :math:`\omega_b = 3`. A
finite-time ramp (a :class:`thermocycles.UnitaryStroke`) leaves the qubit partly outside its
instantaneous eigenstates; the next isochore dissipates that coherence, and the cycle needs more
work than with ideal adiabatic following (a :class:`thermocycles.QuantumAdiabat`).

The extra work vanishes as the ramps slow down: roughly as :math:`1/\tau^2` for a linear ramp
(with oscillations from the phase accumulated between the two eigenstates), and much faster for a
ramp that starts and ends at rest (cosine schedule). With a stronger transverse field
(:math:`\Delta = 1`), sudden ramps no longer cool at all, and the :class:`thermocycles.Optimizer`
finds the ramp durations that balance friction against cycle time for the figure of merit
:math:`\chi` (COP times cooling rate).

Run: ``python examples/quantum_friction.py``

Expected output
---------------
What the script prints. Numbers agree to a relative 1e-3 (they are printed to 3-6 digits);
``...`` stands for round-off (a residual of 1e-13 whose digits are noise). tests/test_examples.py
checks this.
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

import matplotlib.pyplot as plt
import numpy as np

import thermocycles as tc

# %%
# The cycle
# ---------
# Two isochores of duration 0.5 (cold bath at :math:`T_c = 1`, hot bath at :math:`T_h = 2`) and two
# ramps between :math:`\omega_a` and :math:`\omega_b`. ``ramp`` is the stroke class of the ramps:
# :class:`thermocycles.QuantumAdiabat` follows the eigenstates perfectly (the frictionless
# reference), :class:`thermocycles.UnitaryStroke` solves the Schrödinger equation along a schedule
# ``linear`` or ``cosine``.

COLD = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
HOT = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)


def qubit_otto(ramp: type, tau: float = 1.0, delta: float = 0.6, **options: str) -> tc.Cycle:
    w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    return tc.Cycle(substance=tc.Qubit(transverse=delta), strokes=[
        tc.Isochore(name="c", reservoir=COLD, control=w_a, duration=0.5),
        ramp(name="ch", start=w_a, end=w_b, duration=tau, **options),
        tc.Isochore(name="h", reservoir=HOT, control=w_b, duration=0.5),
        ramp(name="hc", start=w_b, end=w_a, duration=tau, **options)])


# %%
# Extra work against the ramp time
# --------------------------------
# The extra work is the cycle's work minus that of the frictionless cycle. One vectorised
# evaluation per schedule gives every ramp duration at once (both ramps take the same time); the
# table prints every third of them.

ideal = qubit_otto(tc.QuantumAdiabat).performance().work
taus = np.geomspace(0.1, 100.0, 28)  # nine per decade; every third one is in the table
excess = {}
for schedule in ("linear", "cosine"):
    model = qubit_otto(tc.UnitaryStroke, schedule=schedule).model
    perf = model.evaluate(model.values({"tau_ch": taus, "tau_hc": taus}))  # all durations at once
    excess[schedule] = perf.work - ideal
print(f"{'ramp time':>10} {'extra work, linear':>19} {'extra work, cosine':>19}")
for tau, lin, cos in zip(taus[::3], excess["linear"][::3], excess["cosine"][::3]):
    print(f"{tau:10.3g} {lin:19.3e} {cos:19.3e}")
assert np.all(excess["linear"] > 0) and np.all(excess["cosine"] > 0)  # friction always costs work
assert excess["linear"][-1] < 1e-2 * excess["linear"][0]
assert excess["cosine"][-1] < 1e-6 * excess["cosine"][0] < excess["linear"][-1]

# %%
# On a log-log plot the linear ramp's extra work falls off like :math:`1/\tau^2` (the dotted
# guide), with dips where the qubit's phase happens to bring it back to an eigenstate; the cosine
# ramp, whose speed vanishes at both ends, leaves the eigenstates far less at long ramp times.

fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
ax.loglog(taus, excess["linear"], "o-", ms=3, label="linear ramp")
ax.loglog(taus, excess["cosine"], "s-", ms=3, label="cosine ramp")
guide = taus > 3
ax.loglog(taus[guide], excess["linear"][-1] * (taus[-1] / taus[guide]) ** 2, "k:",
          label=r"$\propto 1/\tau^2$")
ax.set_xlabel(r"ramp time $\tau$ (natural units, $\hbar = k_B = 1$)")
ax.set_ylabel("extra work per cycle (natural units)")
ax.set_title(r"Quantum friction, $\Delta = 0.6$")
ax.legend()

# %%
# Balancing friction against cycle time
# -------------------------------------
# With :math:`\Delta = 1` the friction of sudden ramps is so large that the cycle heats both baths
# (a heater). Slower ramps cool, but they also lengthen the cycle, so :math:`\chi` has a maximum at
# finite ramp times; the optimizer varies both ramp durations independently.

strong = qubit_otto(tc.UnitaryStroke, delta=1.0)
sudden = strong.with_parameters(tau_ch=0.01, tau_hc=0.01).performance()
best = tc.Optimizer(objective="chi", variables={"tau_ch": (0.01, 20.0), "tau_hc": (0.01, 20.0)}).run(strong)
print(f"Delta = 1: sudden ramps make a {sudden.mode}; chi is largest for ramps of {best.x['tau_ch']:.3f} and "
      f"{best.x['tau_hc']:.3f}: chi = {best.fun:.4e}, COP = {float(best.performance.cop):.3f}")
assert sudden.mode == tc.Mode.HEATER
assert best.success and not best.at_bounds, best.message

# %%
# :math:`\chi` along equal ramp times, and the optimum over both ramp times. The curve has gaps
# where the cycle does not cool (:math:`\chi` is not defined there) and oscillates with the
# phase the qubit accumulates during a ramp: friction is smallest where that phase brings the
# qubit back close to an eigenstate.

ramps = np.linspace(0.2, 12.0, 150)
model = strong.model
chi = model.evaluate(model.values({"tau_ch": ramps, "tau_hc": ramps})).chi
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
ax.plot(ramps, chi, "-", label=r"$\tau_{ch} = \tau_{hc} = \tau$")
ax.plot(np.sqrt(best.x["tau_ch"] * best.x["tau_hc"]), best.fun, "r*", ms=12,
        label=rf"optimum: $\tau_{{ch}}$ = {best.x['tau_ch']:.2f}, $\tau_{{hc}}$ = {best.x['tau_hc']:.2f}")
ax.set_xlabel(r"ramp time $\tau$ (natural units)")
ax.set_ylabel(r"$\chi$ = COP $\times$ cooling rate (natural units)")
ax.set_title(r"Qubit refrigerator, $\Delta = 1$")
ax.legend()
plt.show()
