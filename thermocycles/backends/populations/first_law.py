"""The first law of a hand-built population map, checked on the map itself.

A stroke that implements ``population_map(ctx)`` declares its own heat rows and work row; nothing
else can know them. If it declares them wrong (a swap of populations with ``work = 0``), the ledger
shows heat + work different from the change of the substance's mean energy and every figure of the
cycle is wrong, with no sign of it. So the map is checked when it is built, before the periodic
solve, as a linear identity independent of the state: with the level energies ``E_start`` and
``E_end`` (rows) at the stroke's start and end control, the mean energy changes by
``E_end (I + D) x - E_start x`` for every start state ``x``, so

    ``E_end (I + D) - E_start = sum_r h_r + w``

must hold row for row, to round-off; and a stroke whose ``reservoirs()`` lists none, or not the
one named, declares no heat from it.

Only ``population_map`` strokes are checked. A stroke described through ``evolution(ctx)`` is built
from the populations backend's own operations, each of which satisfies the identity by
construction: ``relax`` has ``w = 0`` and heat rows ``E (P - I)`` (one reservoir) or
``E R_r Phi`` (several, summing to ``E (P - I)`` since the columns of ``R`` sum to zero) at one
fixed control; ``follow``/``drive`` have ``D = 0`` and ``w = E_end - E_start``; ``ramp`` takes its
work row as ``E_end (I + D) - E_start - sum_r h_r``; and ``LinearMap.then`` carries the identity
over to a composition (``h = h1 + h2 (I + D1)``, ``w = w1 + w2 (I + D1)``) when the pieces join at
the same control value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...core.linear_map import LinearMap
from ...errors import CycleError
from ..base import label

#: relative tolerance of the identity, per level, against the magnitude of its terms
#: ``|E_end| + |E_end| |D| + |E_start| + |w| + sum_r |h_r|`` (round-off of a map built in double
#: precision is some 1e-16 of it; a wrong row is off by a sizeable fraction)
FIRST_LAW_RTOL = 1e-9


def check_first_law(stroke: Any, ctx: Any, m: Any) -> None:
    """Raise a CycleError naming ``stroke`` if its hand-built population map ``m`` breaks the first
    law (see the module docstring); a map of the wrong type or shape is left to
    :meth:`thermocycles.backends.base.Backend.maps`, which says so."""
    n = ctx.n_levels
    if not isinstance(m, LinearMap) or np.shape(m.deviation)[-2:] != (n, n) or np.shape(m.work)[-1:] != (n,):
        return
    heats = []
    if m.heat:
        touched = [r.name for r in stroke.reservoirs()]
        for name, row in m.heat.items():
            if name not in touched:
                where = (f"among the reservoirs its reservoirs() lists ({', '.join(map(repr, touched))})" if touched
                         else "touched: its reservoirs() lists none, so it exchanges only work")
                raise CycleError(
                    f"{label(stroke)}: its population_map declares heat from reservoir {name!r}, which is not "
                    f"{where}; declare heat only for the reservoirs the stroke touches (an isolated stroke: "
                    f"heat={{}} and work = E_end (I + D) - E_start)")
            heats.append(np.asarray(row, dtype=float))
            if heats[-1].shape[-1:] != (n,):
                raise CycleError(f"{label(stroke)}: its population_map declares a heat row for {name!r} of shape "
                                 f"{heats[-1].shape}; its last axis must hold the {n} level populations")
    start, end = stroke.control_fields
    e_start, e_end = ctx.energies(ctx[start]), ctx.energies(ctx[end])
    deviation, work = np.asarray(m.deviation, dtype=float), np.asarray(m.work, dtype=float)
    with np.errstate(all="ignore"):  # non-finite maps: NaN compares False here, check_finite names them
        # per level j (a start in level j): the residual, and the magnitude of its terms, whose
        # round-off is some 1e-16 of it (heat rows of several reservoirs may be large and cancel:
        # their round-off scales with them)
        residual = e_end + _row_times(e_end, deviation) - e_start - work
        size_end = np.abs(e_end)
        size_start = size_end if e_start is e_end else np.abs(e_start)
        scale = size_end + _row_times(size_end, np.abs(deviation)) + size_start + np.abs(work)
        for h in heats:
            residual = residual - h
            scale = scale + np.abs(h)
        error = np.abs(residual)
        bad = error > FIRST_LAW_RTOL * scale
        if not bad.any():
            return
        relative = np.where(bad, error / np.where(scale > 0.0, scale, 1.0), -1.0)
    error, scale, relative = np.broadcast_arrays(error, scale, relative)
    worst = np.unravel_index(np.argmax(relative), relative.shape)
    batch = relative.shape[:-1]
    at = f"; at parameter index {tuple(int(i) for i in worst[:-1])} of {batch}" if batch else ""
    fix = ("Check its heat rows and declare work = E_end (I + D) - E_start - (the heat rows)" if stroke.reservoirs()
           else "It touches no reservoir, so declare work = E_end (I + D) - E_start")
    raise CycleError(
        f"{label(stroke)}: its population_map breaks the first law: E_end (I + D) - E_start (the change of the "
        f"mean energy) must equal the sum of its heat rows and its work row, but differs by "
        f"{float(error[worst]):.3g} for a start in level {int(worst[-1])} ({float(relative[worst]):.2g} of the "
        f"magnitude {float(scale[worst]):.3g} of its terms{at}). {fix}, with E_start, E_end = ctx.energies(...) "
        f"at its start and end control ({start!r}, {end!r}) and D its deviation.")


def _row_times(row: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``row @ matrix`` over batch axes (one BLAS product when the matrix is not batched)."""
    if matrix.ndim == 2:
        return row @ matrix
    return np.einsum("...i,...ij->...j", row, matrix)


__all__ = ["check_first_law", "FIRST_LAW_RTOL"]
