r"""
Cycle diagram of the two-level Otto refrigerator
================================================

The paper's Fig. 1, drawn from the model: the excited-state population of the two-level quantum
Otto refrigerator against the frequency :math:`\omega`, each stroke along its real path (corners
numbered, heat and work per stroke in the legend); the same cycle with its mean energy; and a
family of cycles whose hot frequency :math:`\omega_b` varies. :func:`thermocycles.cycle_diagram`
draws each of them. The script writes the PNGs into the directory given as its first argument (a
temporary directory by default) and prints their paths.

Run: ``python examples/cycle_diagram.py [OUTPUT_DIRECTORY]``

Expected output
---------------
What the script prints (``OUTPUT_DIRECTORY`` stands for the directory the files go to).
tests/test_examples.py checks this.
::

    # rtol: 1e-3
    OUTPUT_DIRECTORY/otto_occupation.png
    OUTPUT_DIRECTORY/otto_energy.png
    OUTPUT_DIRECTORY/otto_family.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import thermocycles as tc
from thermocycles.core.trajectory import stroke_paths
from thermocycles.plots import cycle_diagram

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="cycle_diagram_"))
out.mkdir(parents=True, exist_ok=True)
written = []

# %%
# The refrigerator
# ----------------
# The flagship two-level refrigerator at :math:`T_c = 1`, :math:`T_h = 2`, between
# :math:`\omega_a = 1` and :math:`\omega_b = 3` (natural units, :math:`\hbar = k_B = 1`). Inside
# each stroke the periodic state is followed along the stroke's real path; the path ends where the
# cycle's ledger of heat and work says the stroke ends.

params = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=1.0, tau_h=1.0,
              tau_ch=0.1, tau_hc=0.1)
fridge = tc.quantum_otto_refrigerator(**params)

perf = fridge.performance()
for path, record in zip(stroke_paths(fridge.model), perf.strokes):
    assert abs(path.energy[-1] - record.energy_end) < 1e-12, path.name

# %%
# Population against frequency
# ----------------------------
# The refrigerator runs clockwise in this plane: the cold isochore (1→2) at :math:`\omega_a` raises
# the excited-state population (heat taken from the cold bath, :math:`\omega_a` times the rise),
# the adiabat (2→3) raises the frequency at fixed population, the hot isochore (3→4) lowers the
# population (heat given to the hot bath), and the second adiabat (4→1) closes the loop. The area
# enclosed is the net work done on the qubit per cycle.

fig, ax = plt.subplots(figsize=(7.5, 5.2), layout="constrained")
cycle_diagram(fridge, y="occupation", ax=ax)
ax.set_xlabel(r"frequency $\omega$ (natural units)")
fig.savefig(out / "otto_occupation.png", dpi=110)
written.append(out / "otto_occupation.png")

# %%
# Mean energy against frequency
# -----------------------------
# The same cycle with the mean energy :math:`\mathrm{Tr}(H\rho)` on the vertical axis: along the
# isochores the energy changes by the heat, along the adiabats by the work.

fig, ax = plt.subplots(figsize=(7.5, 5.2), layout="constrained")
cycle_diagram(fridge, y="energy", ax=ax)
ax.set_xlabel(r"frequency $\omega$ (natural units)")
ax.set_ylabel(r"mean energy $\mathrm{Tr}(H\rho)$ (natural units)")
fig.savefig(out / "otto_energy.png", dpi=110)
written.append(out / "otto_energy.png")

# %%
# A family of cycles
# ------------------
# An array-valued parameter makes a family: five cycles with :math:`\omega_b` from 2.5 to 4, one
# loop each, coloured by :math:`\omega_b`. A larger :math:`\omega_b` makes the population swing
# further, so more heat leaves the cold bath per cycle, at the price of more work (a larger area).

family = tc.quantum_otto_refrigerator(**dict(params, w_b=np.linspace(2.5, 4.0, 5)))
fig, ax = plt.subplots(figsize=(7.5, 5.2), layout="constrained")
cycle_diagram(family, y="occupation", ax=ax)
ax.set_xlabel(r"frequency $\omega$ (natural units)")
fig.savefig(out / "otto_family.png", dpi=110)
written.append(out / "otto_family.png")

# %%
# The files written:

for path in written:
    assert path.stat().st_size > 10_000
    print(path)
plt.show()
