"""Sixth-order Magnus steps on a uniform grid, and their composition: shared by every time-ordered
exponential of the backends (unitary strokes, contacts while the control ramps).

For ``dx/dt = A(t) x`` on a step of length h, with ``A_k`` the generator at the three Gauss-Legendre
nodes ``t + (1/2 - sqrt(15)/10, 1/2, 1/2 + sqrt(15)/10) h`` (Blanes, Casas and Ros, BIT 40, 434
(2000)):

    a1 = h A_2,   a2 = sqrt(15) h / 3 (A_3 - A_1),   a3 = 10 h / 3 (A_3 - 2 A_2 + A_1),
    C1 = [a1, a2],   C2 = -[a1, 2 a3 + C1] / 60,
    Omega = a1 + a3 / 12 + [-20 a1 - a3 + C1, a2 + C2] / 240,

and the step's propagator is ``exp(Omega)`` with a global error O(h^6). Steps are kept as deviations
``K = exp(Omega) - I`` and composed as ``(I + K_2)(I + K_1) - I = K_1 + K_2 + K_2 K_1``, so short strokes
lose no digits.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

#: Gauss-Legendre nodes of a step, as fractions of it
NODES = np.array([0.5 - np.sqrt(15.0) / 10.0, 0.5, 0.5 + np.sqrt(15.0) / 10.0])
#: Gauss-Legendre weights of the nodes
WEIGHTS = np.array([5.0, 8.0, 5.0]) / 18.0
#: the error of the finer of two sixth-order results (steps n and 2n) is their difference / (2^6 - 1)
RICHARDSON = 63.0
#: coefficients of the exponent's terms
SQRT15_3 = math.sqrt(15.0) / 3.0
TEN_3 = 10.0 / 3.0


def commutator(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``[a, b] = a b - b a`` over batch axes."""
    return a @ b - b @ a


def omega(h: np.ndarray, a_1: np.ndarray, a_2: np.ndarray, a_3: np.ndarray) -> np.ndarray:
    """The sixth-order Magnus exponent of a step of length ``h`` from the generator at its three
    Gauss nodes (``h`` broadcasts against the matrices' batch axes, e.g. shape ``(..., 1, 1)``)."""
    alpha1 = h * a_2
    alpha2 = (SQRT15_3 * h) * (a_3 - a_1)
    alpha3 = (TEN_3 * h) * (a_3 - 2.0 * a_2 + a_1)
    c1 = commutator(alpha1, alpha2)
    c2 = commutator(2.0 * alpha3 + c1, alpha1) / 60.0
    return alpha1 + alpha3 / 12.0 + commutator(-20.0 * alpha1 - alpha3 + c1, alpha2 + c2) / 240.0


def pair_steps(k: np.ndarray) -> np.ndarray:
    """Adjacent step deviations along axis -3 composed in pairs (an odd last step is kept as it is)."""
    odd = k.shape[-3] % 2
    first, second = k[..., 0:k.shape[-3] - odd:2, :, :], k[..., 1::2, :, :]
    paired = first + second + second @ first
    return np.concatenate([paired, k[..., -1:, :, :]], axis=-3) if odd else paired


def compose_steps(k: np.ndarray) -> np.ndarray:
    """Deviation of the product of the steps along axis -3 (first step first)."""
    while k.shape[-3] > 1:
        k = pair_steps(k)
    return k[..., 0, :, :]


def compose_levels(k: np.ndarray, levels: tuple[int, ...]) -> list[np.ndarray]:
    """:func:`compose_steps` of each level's steps (the levels' steps one after another along
    axis -3).

    Where each level has twice the steps of the one before, the finer levels are paired down to the
    coarser one's count and then composed along with it: the same products in the same order as
    level by level, in fewer (larger) numpy calls.
    """
    bounds = list(itertools.accumulate(levels, initial=0))
    parts = [k[..., a:b, :, :] for a, b in zip(bounds[:-1], bounds[1:])]
    if any(fine != 2 * coarse for coarse, fine in zip(levels, levels[1:])):
        return [compose_steps(part) for part in parts]
    merged = parts[-1][..., None, :, :, :]  # batch + (levels so far, steps, N, N)
    for part in reversed(parts[:-1]):
        merged = np.concatenate([part[..., None, :, :, :], pair_steps(merged)], axis=-4)
    composed = compose_steps(merged)
    return [composed[..., i, :, :] for i in range(len(levels))]


@functools.lru_cache(maxsize=64)
def grid(levels: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """For the steps of each level in turn: the fractions of the stroke at their Gauss nodes
    (shape ``(steps, 3)``) and their lengths as fractions of the stroke (shape ``(steps, 1, 1)``).

    Examples
    --------
    >>> x, fraction = grid((1, 2))
    >>> x.shape, fraction[:, 0, 0].tolist()
    ((3, 3), [1.0, 0.5, 0.5])
    """
    x = np.concatenate([(np.arange(n)[:, None] + NODES) / n for n in levels])
    fraction = np.concatenate([np.full(n, 1.0 / n) for n in levels])[:, None, None]
    x.flags.writeable = fraction.flags.writeable = False
    return x, fraction


__all__ = ["NODES", "WEIGHTS", "RICHARDSON", "commutator", "omega", "pair_steps", "compose_steps",
           "compose_levels", "grid"]
