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
between the reference the cycle ends on and the one it started from. The gaps themselves add up to
the references' moves on the transport strokes (the references close the loop), so ``b`` is
assembled as ``sum_k (P_k - I) g_k + sum_transports (T r - r)``, ``P_k`` the maps from contact k to
the end: no two nearly equal vectors are subtracted. ``(I - M) d_0 = b`` with ``trace d_0 = 0`` is one
linear solve (the backend's: subtraction-free elimination on populations).
Near reversibility every ``g_k`` is a difference of nearly equal Gibbs states, computed with relative
precision (``thermocycles.core.stable.gibbs_difference``), and so are ``d`` and the heats
``Q = h_k . (x_k - pi_k)``: nothing small is ever obtained by subtracting large numbers.

Works are taken as ``w_k . x_first + w_k . (changes of state since the first corner)``: over a cycle
the first parts add up to ``(sum of the work rows) . x_first``, zero for an Otto cycle, and the
changes are as small as the heats, so the total work keeps its relative precision near
reversibility and for fast cycles alike; the first law ``sum(heats) + work = 0`` holds to round-off.

Where some step forms a state difference by plain subtraction (a reference without a closed-form
label, labels in different eigenbases, a reference moved by a rotation of the density matrix, work
rows that do not cancel exactly, heat read from a stroke without a stationary state), the net flows
are sums of larger per-stroke flows and keep only an absolute precision: the solution's
``resolution`` is then ``thermocycles.core.modes.GROSS_TOLERANCE`` times the gross turnover
(every stroke's |heat| and |work| added up), the size below which a net flow is round-off.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

import attrs
import numpy as np

from .linear_map import LinearMap, Reference, dot, matvec
from .modes import GROSS_TOLERANCE


class SolveSupport(Protocol):
    """What the periodic solve needs from a backend."""

    def gap(self, a: Reference, b: Reference) -> np.ndarray:
        """``a - b`` (stable where both are labelled Gibbs states in one basis)."""

    def solve(self, deviations: Sequence[np.ndarray], rhs: np.ndarray) -> np.ndarray:
        """``d`` with ``(I - M) d = rhs`` and ``trace d = 0``, ``M`` the product of ``I + D_k``."""

    def start_reference(self, maps: Sequence[LinearMap]) -> Reference:
        """A reference state to start from when no stroke has a stationary state."""

    # optional: ``stable_gap(a, b) -> bool``, whether :meth:`gap` keeps relative precision for these
    # two references everywhere (a support without it is taken to subtract plainly)


@attrs.frozen
class PeriodicSolution:
    """The periodic steady state of a cycle of maps.

    Attributes
    ----------
    starts, ends : list of ndarray
        State vectors at the start and the end of each stroke, in stroke order (each stroke's end
        is the next one's start: the same array, and for the last stroke the same state up to
        round-off).
    heat : list of dict
        Heat taken from each reservoir during each stroke.
    work : list of ndarray
        Work done on the substance during each stroke.
    total_work : ndarray
        Their sum, formed so that it keeps its relative precision near reversibility.
    resolution : ndarray or None
        None where the net flows keep relative precision; otherwise the size below which they are
        round-off (``GROSS_TOLERANCE`` times the gross turnover), see the module docstring.
    """

    starts: list[np.ndarray]
    ends: list[np.ndarray]
    heat: list[dict[str, np.ndarray]]
    work: list[np.ndarray]
    total_work: np.ndarray
    resolution: np.ndarray | None = None


def transported(m: LinearMap, r: Reference, moves: bool = True) -> Reference:
    """The image of a reference under a map: exactly where the map knows how, else ``M r``
    (``moves=False``: the caller knows that the map's deviation is zero)."""
    if m.transport is not None:
        return m.transport(r)
    if not moves or not np.any(m.deviation):
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
    # Products with a map that changes nothing (an adiabat on populations) and sums with vectors
    # known to be exactly zero are skipped below: they would only add exact zeros. ``None`` stands
    # for such a vector (no gap yet, a stroke's zero change, ...).
    moves = [bool(np.asarray(m.deviation).any()) for m in maps]
    stable_gap = getattr(support, "stable_gap", None)
    plain = False  # whether some step subtracts plainly (the net flows then have an absolute floor)

    # first pass: references at each corner and the gaps to the contacts' stationary states. The
    # right-hand side is sum_k (P_k - I) g_k + sum_transports (T r - r), P_k the maps from contact k
    # to the end: the gaps themselves telescope around the cycle (sum_k g_k + end gap = transport
    # terms), so no two nearly equal vectors are subtracted. ``partial`` accumulates
    # sum_j (P_j - I) g_j over the contacts passed, ``gaps_sum`` the plain sum of their gaps.
    refs: dict[int, Reference] = {}
    gaps: dict[int, np.ndarray] = {}
    r = start
    partial: Any = None
    gaps_sum: Any = None
    moved: Any = None
    for k in order:
        m = maps[k]
        refs[k] = r
        if m.fixed is not None:
            if r is not m.fixed:
                gaps[k] = support.gap(r, m.fixed)
                plain = plain or stable_gap is None or not stable_gap(r, m.fixed)
                gaps_sum = gaps[k] if gaps_sum is None else gaps_sum + gaps[k]
            r = m.fixed
        if moves[k] and gaps_sum is not None:
            step = matvec(m.deviation, gaps_sum if partial is None else partial + gaps_sum)
            partial = step if partial is None else partial + step
        if m.fixed is None:
            image = transported(m, r, moves[k])
            if image is not r:
                jump = image.vector - r.vector
                moved = jump if moved is None else moved + jump
                plain = plain or bool(jump.any())
            r = image
    r_end = r
    rhs = _total(partial, moved)
    # the one-cycle map: maps that change nothing are identity factors (left out, unless all are)
    factors = [maps[k].deviation for k in order if moves[k]] or [maps[k].deviation for k in order]
    d = support.solve(factors, np.zeros(np.shape(start.vector)) if rhs is None else rhs)

    # second pass: corners, the contacts' heats and every stroke's change of state
    starts: dict[int, np.ndarray] = {}
    ends: dict[int, np.ndarray] = {}
    changes: dict[int, np.ndarray | None] = {}
    heat: dict[int, dict[str, np.ndarray]] = {}
    change: np.ndarray | None
    for i, k in enumerate(order):
        m, r = maps[k], refs[k]
        starts[k] = ends[order[i - 1]] if i else r.vector + d  # where the stroke before ended
        after = refs[order[i + 1]] if i + 1 < n else r_end
        if m.fixed is not None:
            y = d + gaps[k] if k in gaps else d  # x_k - pi_k
            heat[k] = {name: dot(row, y) for name, row in m.heat.items()}
            if m.fixed_heat:
                heat[k] = {name: m.fixed_heat.get(name, 0.0) + q for name, q in heat[k].items()}
            change = matvec(m.deviation, y) if moves[k] else None
            d = _total(y, change)
        else:
            shift = matvec(m.deviation, d) if moves[k] else None
            change = _total(shift, after.vector - r.vector if after is not r else None)
            d = _total(d, shift)
        changes[k] = change
        ends[k] = after.vector + d
    _rebalance(maps, changes, heat)

    # third pass: energies linear in the state at a corner, as (row . x_first) + (row . sum of the
    # changes since): over a cycle the first parts of the works add up to (sum of the work rows) .
    # x_first, which vanishes for an Otto cycle, and the changes are as small as the heats
    base = starts[first]
    since: Any = None
    work: dict[int, np.ndarray] = {}
    total_work: Any = 0.0
    for k in order:
        m = maps[k]
        work[k] = dot(m.work, base)
        if since is not None:
            work_since = dot(m.work, since)
            work[k] = work[k] + work_since
            total_work = total_work + work_since
        if m.fixed is None:
            heat[k] = {name: dot(row, base) if since is None else dot(row, base) + dot(row, since)
                       for name, row in m.heat.items()}
            plain = plain or any(np.asarray(row).any() for row in m.heat.values())
        since = _total(since, changes[k])
    rows = maps[0].work
    for m in maps[1:]:
        rows = rows + m.work
    if np.asarray(rows).any():
        total_work = total_work + dot(rows, base)
        plain = True
    total_work = np.asarray(total_work)[()]
    resolution = None
    if plain:
        gross: Any = 0.0
        for k in range(n):
            gross = gross + np.abs(work[k])
            for q in heat[k].values():
                gross = gross + np.abs(q)
        resolution = GROSS_TOLERANCE * np.asarray(gross, dtype=float)[()]
    return PeriodicSolution([starts[k] for k in range(n)], [ends[k] for k in range(n)],
                            [heat[k] for k in range(n)], [work[k] for k in range(n)], total_work, resolution)


def _total(a: Any, b: Any) -> Any:
    """``a + b`` where None stands for an exact zero (None if both are)."""
    if a is None:
        return b
    return a if b is None else a + b


def _rebalance(maps: Sequence[LinearMap], changes: dict[int, np.ndarray | None],
               heat: dict[int, dict[str, np.ndarray]]) -> None:
    """Take the change (and heat) of the most strongly relaxing one-reservoir contact from the
    other strokes (a change None is zero).

    A contact that relaxes strongly brings the state close to its stationary state, so its input's
    distance from it, and with it its heat, is a small difference of larger numbers. The state
    changes of all strokes add up to zero over a periodic cycle, so that contact's change is minus
    the sum of the others, which are accurate relatively. Chosen per batch element.
    """
    candidates = [k for k, m in enumerate(maps)
                  if m.fixed is not None and m.energy is not None and len(m.heat) == 1 and not m.fixed_heat]
    if not candidates or len(maps) < 2:
        return
    strengths = [-np.asarray(maps[k].deviation).diagonal(axis1=-2, axis2=-1).min(axis=-1) for k in candidates]
    chosen: dict[int, Any]
    if all(x.ndim == 0 for x in strengths):  # one cycle: the first strongest (as argmax picks)
        chosen = {candidates[max(range(len(strengths)), key=strengths.__getitem__)]: True}
    else:
        strongest = np.argmax(np.stack(np.broadcast_arrays(*strengths)), axis=0)
        chosen = {k: strongest == i for i, k in enumerate(candidates)}
    for k, choose in chosen.items():
        if choose is not True and not np.any(choose):
            continue
        (name,) = maps[k].heat
        energy = maps[k].energy
        assert energy is not None  # a candidate
        current = changes[k]
        # minus the sum of the others (not current - total: a tiny change of a weak contact next to
        # this one's rounding error would be lost, e.g. gamma_c tau_c ~ 1e-300)
        others = [c for j, c in changes.items() if j != k and c is not None]
        change: Any = -sum(others) if others else np.zeros_like(np.asarray(maps[k].energy))
        if choose is True or np.all(choose):
            changes[k] = change
            heat[k] = {name: dot(energy, change)}
        else:
            changes[k] = np.where(choose[..., None], change, 0.0 if current is None else current)
            heat[k] = {name: np.where(choose, dot(energy, change), heat[k][name])}


__all__ = ["solve_periodic", "PeriodicSolution", "SolveSupport", "transported"]
