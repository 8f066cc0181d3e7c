"""The cycle diagram (the paper's Fig. 1) of the flagship refrigerator and of a family of cycles.

Draws the excited-state population against the frequency w for the two-level quantum Otto
refrigerator (each stroke along its real path, corners numbered, heat and work per stroke in the
legend), the same cycle's mean energy, and a family of cycles whose hot frequency w_b varies. Writes
the PNGs into the directory given as the first argument (a temporary directory by default) and
prints their paths.

    python examples/cycle_diagram.py [OUTPUT_DIRECTORY]

Expected output
---------------
Numbers to a relative 1e-3 (they are printed to 3-6 digits); ``...`` stands for round-off
(a residual of 1e-13 whose digits are noise). tests/test_examples.py checks this.
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

import numpy as np

import thermocycles as tc
from thermocycles.core.trajectory import stroke_paths
from thermocycles.plots import cycle_diagram

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="cycle_diagram_"))
out.mkdir(parents=True, exist_ok=True)

params = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=1.0, tau_h=1.0,
              tau_ch=0.1, tau_hc=0.1)
fridge = tc.quantum_otto_refrigerator(**params)

# the path inside each stroke ends where the ledger says the stroke ends
perf = fridge.performance()
for path, record in zip(stroke_paths(fridge.model), perf.strokes):
    assert abs(path.energy[-1] - record.energy_end) < 1e-12, path.name

written = []
for y in ("occupation", "energy"):
    ax = cycle_diagram(fridge, y=y)
    ax.figure.savefig(out / f"otto_{y}.png", dpi=110)
    written.append(out / f"otto_{y}.png")

family = tc.quantum_otto_refrigerator(**dict(params, w_b=np.linspace(2.5, 4.0, 5)))
ax = cycle_diagram(family, y="occupation")
ax.figure.savefig(out / "otto_family.png", dpi=110)
written.append(out / "otto_family.png")

for path in written:
    assert path.stat().st_size > 10_000
    print(path)
