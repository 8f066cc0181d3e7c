"""Finite differences on a stencil evaluated in one vectorised call (shared by the plugins).

A :class:`Stencil` lists the points around ``x0`` needed for first, second and mixed second
derivatives at one or several step sizes; the model evaluates all of them at once (parameters
broadcast), and the stencil turns the values into derivatives. Steps may be one-sided (``down = 0``)
where a variable sits on a bound. :func:`richardson` combines two step sizes ``h`` and ``h/2``.

Examples
--------
>>> import numpy as np
>>> stencil = Stencil([np.array([1e-3, 1e-3])], mixed=True)
>>> f = lambda p: p[:, 0] ** 2 * p[:, 1]  # at (1, 2): gradient (4, 1), Hessian [[4, 2], [2, 0]]
>>> values = f(np.array([1.0, 2.0]) + stencil.offsets)
>>> np.round(stencil.first(values), 6), np.round(stencil.hessian(values), 6)
(array([4., 1.]), array([[4., 2.],
       [2., 0.]]))
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np


class Stencil:
    """Points ``x0 + offsets`` for central differences at one or more step sizes.

    Parameters
    ----------
    up : sequence of ndarray, shape (d,)
        For each level, the forward step of each variable.
    down : sequence of ndarray, optional
        For each level, the backward step (default: ``up``; 0 makes the difference one-sided).
    mixed : bool
        Add the four corners ``(+-h_i, +-h_j)`` of every pair (for mixed second derivatives).

    Attributes
    ----------
    offsets : ndarray, shape (P, d)
        The origin first, then per level ``+h_i e_i``, ``-h_i e_i``, then the corners.
    """

    def __init__(self, up: Sequence[np.ndarray], down: Sequence[np.ndarray] | None = None, *,
                 mixed: bool = False):
        self.up = [np.asarray(h, dtype=float) for h in up]
        self.down = self.up if down is None else [np.asarray(h, dtype=float) for h in down]
        d = len(self.up[0])
        self.dim = d
        self.pairs = [(i, j) for i in range(d) for j in range(i + 1, d)] if mixed else []
        blocks = [np.zeros((1, d))]
        self._start: list[int] = []
        for up_level, down_level in zip(self.up, self.down):
            self._start.append(sum(len(b) for b in blocks))
            blocks += [np.diag(up_level), -np.diag(down_level)]
            for i, j in self.pairs:
                for si in (1.0, -1.0):
                    for sj in (1.0, -1.0):
                        corner = np.zeros((1, d))
                        corner[0, i], corner[0, j] = si * up_level[i], sj * up_level[j]
                        blocks.append(corner)
        self.offsets = np.concatenate(blocks)

    def _plus_minus(self, values: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray]:
        start = self._start[level]
        return values[start:start + self.dim], values[start + self.dim:start + 2 * self.dim]

    def first(self, values: Any, level: int = 0) -> np.ndarray:
        """First derivatives ``(f(x + h_up) - f(x - h_down)) / (h_up + h_down)`` at a level."""
        plus, minus = self._plus_minus(np.asarray(values), level)
        return (plus - minus) / (self.up[level] + self.down[level])

    def second(self, values: Any, level: int = 0) -> np.ndarray:
        """Diagonal second derivatives ``(f(x + h) - 2 f(x) + f(x - h)) / h^2`` (symmetric steps)."""
        values = np.asarray(values)
        plus, minus = self._plus_minus(values, level)
        return (plus - 2.0 * values[0] + minus) / self.up[level] ** 2

    def mixed(self, values: Any, i: int, j: int, level: int = 0) -> Any:
        """``d^2 f / dx_i dx_j`` from the four corners ``(f(++) - f(+-) - f(-+) + f(--)) / (4 h_i h_j)``."""
        values = np.asarray(values)
        k = self._start[level] + 2 * self.dim + 4 * self.pairs.index((min(i, j), max(i, j)))
        pp, pm, mp, mm = values[k:k + 4]
        return (pp - pm - mp + mm) / (4.0 * self.up[level][i] * self.up[level][j])

    def hessian(self, values: Any, level: int = 0) -> np.ndarray:
        """The Hessian: diagonal from :meth:`second`, off-diagonal from :meth:`mixed`."""
        hess = np.diag(self.second(values, level))
        for i, j in self.pairs:
            hess[i, j] = hess[j, i] = self.mixed(values, i, j, level)
        return hess


def richardson(coarse: Any, fine: Any, order: int = 2) -> Any:
    """Extrapolate two estimates at steps ``h`` and ``h/2`` whose error is ``O(h^order)``."""
    factor = 2.0**order
    return (factor * np.asarray(fine) - np.asarray(coarse)) / (factor - 1.0)


__all__ = ["Stencil", "richardson"]
