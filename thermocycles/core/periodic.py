"""The periodic steady state of a cycle of linear maps: one direct solve, never iterated cycles.

Notation: stroke k maps the state ``x_k`` at its start to ``x_{k+1} = (I + D_k) x_k``; the one-cycle
map is ``M = prod_k (I + D_k)``, and the periodic state is its fixed point with unit trace.

The solve works with *deviations from reference states*. Every corner k has a reference ``r_k``:
the stationary state ``pi_k`` of a contact stroke is the reference after it, and a stroke that only
transports states (an adiabat, a unitary) carries the reference through exactly. With
``x_k = r_k + d_k``:

* contact stroke (``D_k pi_k = 0``): ``d_{k+1} = (I + D_k)(d_k + g_k)``, ``g_k = r_k - pi_k``;
* transport stroke: ``d_{k+1} = (I + D_k) d_k``.

Around the cycle ``d_0 = M d_0 + b``, with ``b`` the gaps ``g_k`` carried to the end plus the gap
between the reference the cycle ends on and the one it started from. ``(I - M) d_0 = b`` with
``trace d_0 = 0`` is one linear solve (the backend's: subtraction-free elimination on populations).
Near reversibility every ``g_k`` is a difference of nearly equal Gibbs states, computed with relative
precision (:func:`thermocycles.core.stable.gibbs_difference`), and so are ``d`` and the heats
``Q = h_k . (x_k - pi_k)``: nothing small is ever obtained by subtracting large numbers.

Works are taken as ``w_k . x_first + w_k . (changes of state since the first corner)``: over a cycle
the first parts add up to ``(sum of the work rows) . x_first``, zero for an Otto cycle, and the
changes are as small as the heats, so the total work keeps its relative precision near
reversibility and for fast cycles alike; the first law ``sum(heats) + work = 0`` holds to round-off.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

import attrs
import numpy as np

from .linear_map import LinearMap, Reference, dot, matvec


class SolveSupport(Protocol):
    """What the periodic solve needs from a backend."""

    def gap(self, a: Reference, b: Reference) -> np.ndarray:
        """``a - b`` (stable where both are labelled Gibbs states in one basis)."""

    def solve(self, deviations: Sequence[np.ndarray], rhs: np.ndarray) -> np.ndarray:
        """``d`` with ``(I - M) d = rhs`` and ``trace d = 0``, ``M`` the product of ``I + D_k``."""

    def start_reference(self, maps: Sequence[LinearMap]) -> Reference:
        """A reference state to start from when no stroke has a stationary state."""


@attrs.frozen
class PeriodicSolution:
    """The periodic steady state of a cycle of maps.

    Attributes
    ----------
    starts, ends : list of ndarray
        State vectors at the start and the end of each stroke, in stroke order (each stroke's end
        is the next one's start, up to round-off).
    heat : list of dict
        Heat taken from each reservoir during each stroke.
    work : list of ndarray
        Work done on the substance during each stroke.
    total_work : ndarray
        Their sum, formed so that it keeps its relative precision near reversibility.
    """

    starts: list[np.ndarray]
    ends: list[np.ndarray]
    heat: list[dict[str, np.ndarray]]
    work: list[np.ndarray]
    total_work: np.ndarray


def transported(m: LinearMap, r: Reference) -> Reference:
    """The image of a reference under a map: exactly where the map knows how, else ``M r``."""
    if m.transport is not None:
        return m.transport(r)
    if not np.any(m.deviation):
        return r
    return Reference(r.vector + matvec(m.deviation, r.vector))


def solve_periodic(maps: Sequence[LinearMap], support: SolveSupport) -> PeriodicSolution:
    """Periodic steady state, corner states, heats and works of the strokes ``maps`` (in order)."""
    n = len(maps)
    anchor = next((k for k, m in enumerate(maps) if m.fixed is not None), None)
    start = maps[anchor].fixed if anchor is not None else support.start_reference(maps)
    assert start is not None
    first = anchor or 0
    order = [(first + i) % n for i in range(n)]

    # first pass: references at each corner and the gaps to the contacts' stationary states. The
    # right-hand side is sum_k (P_k - I) g_k + sum_transports (T r - r), P_k the maps from contact k
    # to the end: the gaps themselves telescope around the cycle (sum_k g_k + end gap = transport
    # terms), so no two nearly equal vectors are subtracted. ``partial`` accumulates
    # sum_j (P_j - I) g_j over the contacts passed, ``gaps_sum`` the plain sum of their gaps.
    refs: dict[int, Reference] = {}
    gaps: dict[int, Any] = {}
    r = start
    partial = np.zeros(np.shape(start.vector))
    gaps_sum: Any = 0.0
    moved: Any = 0.0
    for k in order:
        m = maps[k]
        refs[k] = r
        if m.fixed is not None:
            gaps[k] = 0.0 if r is m.fixed else support.gap(r, m.fixed)
            gaps_sum = gaps_sum + gaps[k]
            partial = partial + matvec(m.deviation, partial + gaps_sum)
            r = m.fixed
        else:
            partial = partial + matvec(m.deviation, partial + gaps_sum)
            image = transported(m, r)
            if image is not r:
                moved = moved + (image.vector - r.vector)
            r = image
    r_end = r
    d = support.solve([maps[k].deviation for k in order], partial + moved)

    # second pass: corners, the contacts' heats and every stroke's change of state
    starts: dict[int, np.ndarray] = {}
    ends: dict[int, np.ndarray] = {}
    changes: dict[int, np.ndarray] = {}
    heat: dict[int, dict[str, np.ndarray]] = {}
    for i, k in enumerate(order):
        m, r = maps[k], refs[k]
        starts[k] = r.vector + d
        after = refs[order[i + 1]] if i + 1 < n else r_end
        if m.fixed is not None:
            y = d + gaps[k]  # x_k - pi_k
            fixed_heat = m.fixed_heat or {}
            heat[k] = {name: fixed_heat.get(name, 0.0) + dot(row, y) for name, row in m.heat.items()}
            changes[k] = matvec(m.deviation, y)
            d = y + changes[k]
        else:
            step = matvec(m.deviation, d)
            changes[k] = step + (after.vector - r.vector if after is not r else 0.0)
            d = d + step
        ends[k] = after.vector + d
    _rebalance(maps, changes, heat)

    # third pass: energies linear in the state at a corner, as (row . x_first) + (row . sum of the
    # changes since): over a cycle the first parts of the works add up to (sum of the work rows) .
    # x_first, which vanishes for an Otto cycle, and the changes are as small as the heats
    base = starts[first]
    since = np.zeros(np.shape(base))
    work: dict[int, np.ndarray] = {}
    work_since: dict[int, np.ndarray] = {}
    for k in order:
        m = maps[k]
        work_since[k] = dot(m.work, since)
        work[k] = dot(m.work, base) + work_since[k]
        if m.fixed is None:
            heat[k] = {name: dot(row, base) + dot(row, since) for name, row in m.heat.items()}
        since = since + changes[k]
    rows = maps[0].work
    for m in maps[1:]:
        rows = rows + m.work
    total_work = sum(work_since.values())
    if np.any(rows):
        total_work = total_work + dot(rows, base)
    total_work = np.asarray(total_work)[()]
    return PeriodicSolution([starts[k] for k in range(n)], [ends[k] for k in range(n)],
                            [heat[k] for k in range(n)], [work[k] for k in range(n)], total_work)


def _rebalance(maps: Sequence[LinearMap], changes: dict[int, np.ndarray],
               heat: dict[int, dict[str, np.ndarray]]) -> None:
    """Take the change (and heat) of the most strongly relaxing one-reservoir contact from the
    other strokes.

    A contact that relaxes strongly brings the state close to its stationary state, so its input's
    distance from it, and with it its heat, is a small difference of larger numbers. The state
    changes of all strokes add up to zero over a periodic cycle, so that contact's change is minus
    the sum of the others, which are accurate relatively. Chosen per batch element.
    """
    candidates = [k for k, m in enumerate(maps)
                  if m.fixed is not None and m.energy is not None and len(m.heat) == 1 and not m.fixed_heat]
    if not candidates or len(maps) < 2:
        return
    strengths = [-np.diagonal(maps[k].deviation, axis1=-2, axis2=-1).min(axis=-1) for k in candidates]
    total = sum(changes.values())
    strongest = np.argmax(np.stack(np.broadcast_arrays(*strengths)), axis=0)
    for i, k in enumerate(candidates):
        choose = strongest == i
        if not np.any(choose):
            continue
        (name,) = maps[k].heat
        energy = maps[k].energy
        assert energy is not None  # a candidate
        if np.all(choose):
            changes[k] = changes[k] - total
            heat[k] = {name: dot(energy, changes[k])}
        else:
            changes[k] = np.where(choose[..., None], changes[k] - total, changes[k])
            heat[k] = {name: np.where(choose, dot(energy, changes[k]), heat[k][name])}


__all__ = ["solve_periodic", "PeriodicSolution", "SolveSupport", "transported"]
