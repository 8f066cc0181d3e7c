"""Contact with reservoirs while the control ramps: the time-ordered exponential of a generator that
changes along the stroke, with the heat from each reservoir carried along.

The state ``x`` obeys ``dx/dt = L(w(t)) x`` with ``L = sum_r L_r`` (one generator per reservoir, plus
the Hamiltonian part on the density-matrix backend) and the heat from reservoir r accumulates as
``dq_r/dt = c_r(w(t)) . x`` with ``c_r = e . L_r`` (``e`` the energy row). Both are linear in the
start state, so the stroke is the time-ordered exponential of the augmented generator

    [[L, 0],
     [c, 0]]    (c: one row per reservoir)

computed with the sixth-order Magnus integrator of :mod:`thermocycles.backends.magnus` on a uniform
grid; each step's exponential comes from a scaled Taylor series and squaring (:func:`expm1`), kept as a
deviation ``exp(Omega) - I`` (for two levels, in closed form in a four-number algebra). Step counts
``n`` and ``2n`` are computed in one pass; the finer is accepted when the two agree to
``63 * tolerance`` (on the state block, and on the heat rows relative to the spread of the spectrum),
so that its O(h^6) error is below ``tolerance``; otherwise the measured error predicts the step
count of the next pair. The work follows
from the first law: ``W = e_end . x_end - e_start . x_start - sum_r q_r``.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

from ..errors import CycleError
from . import magnus

#: error tolerance on the entries of the stroke's map (and on its heat rows, relative to the spread
#: of the spectrum)
TOLERANCE = 1e-11
#: the most Magnus steps tried before giving up
MAX_STEPS = 2**15
#: the step counts of the first pass are this and twice this
FIRST_STEPS = 32
#: Taylor degree and the norm it is used at (the remainder ||X||^15 / 15! < 3e-17 for ||X|| <= 1/2)
_DEGREE = 14
_THETA = 0.5

#: ``generators(w)`` for controls ``w`` of shape ``batch + (S, 3)``: the total generator, shape
#: ``batch + (S, 3, n, n)``, and the heat-rate row ``c_r`` of each reservoir, shape ``batch + (S, 3, n)``
Generators = Callable[[np.ndarray], tuple[np.ndarray, Mapping[str, np.ndarray]]]


def expm1(x: np.ndarray, n: int | None = None) -> np.ndarray:
    """``exp(X) - I`` for real square matrices over batch axes, without cancellation for small ``X``.

    Each matrix is scaled by ``2^-s`` to a norm of at most 1/2, its exponential taken from a Taylor
    series of degree 14 as a deviation, and squared back ``s`` times as ``(I + K)^2 - I = 2K + K^2``.
    The norm is that of the leading ``n x n`` block (all of it if None): rows below it (heat rows of
    an augmented generator, whose last columns are zero) ride along without setting the scale.

    Examples
    --------
    >>> import scipy.linalg
    >>> a = np.array([[-1.0, 2.0], [1.0, -2.0]])
    >>> bool(np.allclose(expm1(a), scipy.linalg.expm(a) - np.eye(2), rtol=1e-14, atol=1e-15))
    True
    """
    x = np.asarray(x, dtype=float)
    m = x.shape[-1]
    k = m if n is None else n
    norm = np.abs(x[..., :k, :k]).sum(axis=-2).max(axis=-1)  # 1-norm of the state block
    with np.errstate(divide="ignore"):
        squarings = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / _THETA))).astype(int)
    top = int(squarings.max(initial=0))
    scaled = x * np.ldexp(1.0, -squarings)[..., None, None]
    eye = np.eye(m)
    series = eye + scaled / _DEGREE
    for j in range(_DEGREE - 1, 1, -1):  # Horner: I + X/2 (I + X/3 (... (I + X/14)))
        series = eye + (scaled @ series) / j
    dev = scaled @ series
    for i in range(top):
        squared = 2.0 * dev + dev @ dev
        dev = squared if i < int(squarings.min(initial=0)) else np.where((i < squarings)[..., None, None], squared, dev)
    return dev


# -- two levels: the algebra of augmented rate matrices in four numbers per reservoir ---------------
#
# A two-level rate matrix and everything built from such matrices by sums, products and commutators
# (Magnus exponents, their exponentials minus I) has a state block X = [[-a, b], [a, -b]] with
# X Y = -(a + b)_X Y, and heat rows c = (c0, c1) with c Y = (c1 - c0)(a_Y, -b_Y). An element is the
# tuple (a, b, c0, c1) (c0, c1 with one last entry per reservoir); the operations below are then a few
# elementwise products instead of batched 3 x 3 matrix products.

Element = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _combine(*terms: tuple[Any, Element]) -> Element:
    """``sum_k f_k X_k`` for scalar or array factors ``f_k`` (broadcast against a and b)."""
    f, x = terms[0]
    fc = f[..., None] if np.ndim(f) else f
    a, b, c0, c1 = f * x[0], f * x[1], fc * x[2], fc * x[3]
    for f, x in terms[1:]:
        fc = f[..., None] if np.ndim(f) else f
        a, b, c0, c1 = a + f * x[0], b + f * x[1], c0 + fc * x[2], c1 + fc * x[3]
    return a, b, c0, c1


def _commutator(x: Element, y: Element) -> Element:
    """``[X, Y] = X Y - Y X``."""
    s_x, s_y = x[0] + x[1], y[0] + y[1]
    d_x, d_y = x[3] - x[2], y[3] - y[2]
    return (s_y * x[0] - s_x * y[0], s_y * x[1] - s_x * y[1],
            d_x * y[0][..., None] - d_y * x[0][..., None], d_y * x[1][..., None] - d_x * y[1][..., None])


def _expm1(x: Element) -> Element:
    """``exp(X) - I``: with ``s = a + b``, ``X^2 = -s X``, so the state block is ``X (1 - e^-s)/s`` and a
    heat row ``c`` becomes ``c + (c X)(e^-s - 1 + s)/s^2``."""
    a, b, c0, c1 = x
    s = a + b
    small = np.abs(s) < 1e-3
    safe = np.where(small, 1.0, s)
    f = np.where(small, 1.0 - s / 2 + s * s / 6 - s**3 / 24, -np.expm1(-safe) / safe)
    g = np.where(small, 0.5 - s / 6 + s * s / 24 - s**3 / 120, (np.expm1(-safe) + safe) / (safe * safe))
    dg = (c1 - c0) * g[..., None]
    return a * f, b * f, c0 + dg * a[..., None], c1 - dg * b[..., None]


def _compose_pairs(k: Element) -> Element:
    """Adjacent steps along the last axis of a and b composed in pairs, ``K1 + K2 + K2 K1`` with
    ``K2 K1 = (-s_2 a_1, -s_2 b_1, d_2 a_1, -d_2 b_1)`` (an odd last step is kept as it is)."""
    a, b, c0, c1 = k
    odd = a.shape[-1] % 2
    end = a.shape[-1] - odd
    a1, a2, b1, b2 = a[..., 0:end:2], a[..., 1::2], b[..., 0:end:2], b[..., 1::2]
    c01, c02, c11, c12 = c0[..., 0:end:2, :], c0[..., 1::2, :], c1[..., 0:end:2, :], c1[..., 1::2, :]
    s2 = a2 + b2
    d2 = c12 - c02
    pa, pb = a1 + a2 - s2 * a1, b1 + b2 - s2 * b1
    pc0, pc1 = c01 + c02 + d2 * a1[..., None], c11 + c12 - d2 * b1[..., None]
    if odd:
        pa, pb = np.concatenate([pa, a[..., -1:]], -1), np.concatenate([pb, b[..., -1:]], -1)
        pc0, pc1 = np.concatenate([pc0, c0[..., -1:, :]], -2), np.concatenate([pc1, c1[..., -1:, :]], -2)
    return pa, pb, pc0, pc1


def _compose(k: Element) -> Element:
    """Deviation of the product of the steps along the last axis of a and b (first step first)."""
    while k[0].shape[-1] > 1:
        k = _compose_pairs(k)
    return k[0][..., 0], k[1][..., 0], k[2][..., 0, :], k[3][..., 0, :]


def _compose_floats(a: np.ndarray, b: np.ndarray, c0: np.ndarray, c1: np.ndarray) -> np.ndarray:
    """:func:`_compose` of one stroke's steps (no batch axes) in Python floats, step after step, as
    the augmented deviation matrix."""
    r = c0.shape[-1]
    a_, b_, c0_, c1_ = a.tolist(), b.tolist(), c0.tolist(), c1.tolist()
    pa, pb, pc0, pc1 = a_[0], b_[0], list(c0_[0]), list(c1_[0])
    for k in range(1, len(a_)):
        ka, kb, kc0, kc1 = a_[k], b_[k], c0_[k], c1_[k]
        s = ka + kb
        for i in range(r):
            d = kc1[i] - kc0[i]
            pc0[i] += kc0[i] + d * pa
            pc1[i] += kc1[i] - d * pb
        pa, pb = pa + ka - s * pa, pb + kb - s * pb
    m = np.zeros((2 + r, 2 + r))
    m[0, 0], m[0, 1], m[1, 0], m[1, 1] = -pa, pb, pa, -pb
    m[2:, 0], m[2:, 1] = pc0, pc1
    return m


def _two_level_steps(total: np.ndarray, heat_rows: list[np.ndarray], h: np.ndarray,
                     levels: tuple[int, ...]) -> list[np.ndarray]:
    """The two-level counterpart of the generic pass: augmented deviations per step count.

    ``total`` has shape ``batch + (S, 3, 2, 2)``, each heat row ``batch + (S, 3, 2)``, ``h`` (the step
    lengths) ``batch + (S, 1)``."""
    shape = np.broadcast_shapes(total.shape[:-2], *(r.shape[:-1] for r in heat_rows))
    a = np.broadcast_to(total[..., 1, 0], shape)
    b = np.broadcast_to(total[..., 0, 1], shape)
    c = np.stack([np.broadcast_to(r, shape + (2,)) for r in heat_rows], axis=-1)  # shape + (2, R)
    nodes = [(a[..., k], b[..., k], c[..., k, 0, :], c[..., k, 1, :]) for k in range(3)]
    h = h[..., 0]
    alpha1 = _combine((h, nodes[1]))
    alpha2 = _combine((magnus.SQRT15_3 * h, nodes[2]), (-magnus.SQRT15_3 * h, nodes[0]))
    t = magnus.TEN_3 * h
    alpha3 = _combine((t, nodes[2]), (-2.0 * t, nodes[1]), (t, nodes[0]))
    c1 = _commutator(alpha1, alpha2)
    c2 = _combine((1.0 / 60.0, _commutator(_combine((2.0, alpha3), (1.0, c1)), alpha1)))
    inner = _commutator(_combine((-20.0, alpha1), (-1.0, alpha3), (1.0, c1)), _combine((1.0, alpha2), (1.0, c2)))
    exponent = _combine((1.0, alpha1), (1.0 / 12.0, alpha3), (1.0 / 240.0, inner))
    steps = _expm1(exponent)
    n = levels[0]
    if levels != (n, 2 * n):
        raise ValueError(f"two-level steps come in pairs (n, 2n); got {levels}")
    sa, sb, sc0, sc1 = steps
    if sa.ndim == 1:  # one stroke: a loop over Python floats costs less than numpy calls on short rows
        return [_compose_floats(sa[:n], sb[:n], sc0[:n], sc1[:n]), _compose_floats(sa[n:], sb[n:], sc0[n:], sc1[n:])]
    coarse: Element = (sa[..., :n], sb[..., :n], sc0[..., :n, :], sc1[..., :n, :])
    # pair the fine steps once, then compose both levels in one tree (an extra axis in front of steps)
    fa, fb, fc0, fc1 = _compose_pairs((sa[..., n:], sb[..., n:], sc0[..., n:, :], sc1[..., n:, :]))
    both: Element = (np.stack([coarse[0], fa], axis=-2), np.stack([coarse[1], fb], axis=-2),
                     np.stack([coarse[2], fc0], axis=-3), np.stack([coarse[3], fc1], axis=-3))
    ka, kb, kc0, kc1 = _compose(both)
    r = len(heat_rows)
    out = []
    for i in range(2):
        m = np.zeros(ka.shape[:-1] + (2 + r, 2 + r))
        m[..., 0, 0], m[..., 0, 1] = -ka[..., i], kb[..., i]
        m[..., 1, 0], m[..., 1, 1] = ka[..., i], -kb[..., i]
        m[..., 2:, 0], m[..., 2:, 1] = kc0[..., i, :], kc1[..., i, :]
        out.append(m)
    return out


def time_ordered(generators: Generators, start: np.ndarray, end: np.ndarray, tau: np.ndarray,
                 schedule: Callable[[np.ndarray], np.ndarray], n: int, names: tuple[str, ...], *,
                 energy_scale: Any, where: str, stochastic: bool = False,
                 tolerance: float = TOLERANCE) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Deviation ``M - I`` of the stroke and the heat rows of its reservoirs, error-controlled.

    Parameters
    ----------
    generators : callable
        See :data:`Generators`.
    start, end, tau : ndarray
        Control at the start and end, and the duration (broadcast to the batch shape).
    schedule : callable
        ``s(t / tau)``.
    n : int
        Dimension of the state vector.
    names : tuple of str
        The reservoirs, in the order of the heat rows.
    energy_scale : ndarray
        Spread of the spectrum (heat rows are compared relative to it).
    stochastic : bool
        The generators' columns sum to zero (rate matrices): two levels then take a closed form.
    """
    start, end, tau = (np.asarray(a, dtype=float) for a in np.broadcast_arrays(start, end, tau))
    scale = np.maximum(np.asarray(energy_scale, dtype=float), np.finfo(float).tiny)
    scale = np.broadcast_to(scale, tau.shape)[..., None, None]

    def propagate(levels: list[int]) -> tuple[list[np.ndarray], float]:
        """The deviations with each step count, and the largest extent ``|A| tau`` met at the nodes."""
        x, fraction = magnus.grid(tuple(levels))
        s = np.asarray(schedule(x), dtype=float)
        w = start[..., None, None] + (end - start)[..., None, None] * s  # batch + (S, 3)
        total, heat_rows = generators(w)
        extent = float(np.max(np.abs(total).max(axis=(-1, -2)) * tau[..., None, None], initial=0.0))
        if stochastic and n == 2:
            with np.errstate(over="ignore", invalid="ignore"):
                return _two_level_steps(total, [heat_rows[name] for name in names],
                                        tau[..., None, None] * fraction[..., 0], tuple(levels)), extent
        m = n + len(names)
        augmented = np.zeros(np.broadcast_shapes(total.shape[:-2], w.shape) + (m, m))
        augmented[..., :n, :n] = total
        for i, name in enumerate(names):
            augmented[..., n + i, :n] = heat_rows[name]
        h = tau[..., None, None, None] * fraction  # batch + (S, 1, 1)
        # steps too long for the Magnus series may overflow: the error estimate then says so
        with np.errstate(over="ignore", invalid="ignore"):
            exponent = magnus.omega(h, augmented[..., 0, :, :], augmented[..., 1, :, :], augmented[..., 2, :, :])
            exponent[..., :, n:] = 0.0  # exactly: the heat columns of the augmented generator vanish
            return magnus.compose_levels(expm1(exponent, n), tuple(levels)), extent

    def error(coarse: np.ndarray, fine: np.ndarray) -> float:
        with np.errstate(invalid="ignore"):
            diff = np.abs(fine[..., :, :n] - coarse[..., :, :n]) / magnus.RICHARDSON
        state = float(diff[..., :n, :].max(initial=0.0))
        heat = float((diff[..., n:, :] / scale).max(initial=0.0))
        return float(np.max([state, heat]))  # nan (overflow) propagates

    # steps n and 2n; if the pair does not agree to the tolerance, the error's h^6 law predicts the
    # step count that will (at least two steps per unit of |A| tau, the Magnus series' radius), and the
    # next pair brackets it
    levels = [FIRST_STEPS, 2 * FIRST_STEPS]
    while True:
        (coarse, fine), extent = propagate(levels)
        if 2.0 * extent > MAX_STEPS // 2:
            raise CycleError(f"{where}: the contact lasts {extent:.3g} times its fastest rate's inverse, more than "
                             f"the integrator resolves ({MAX_STEPS} Magnus steps); shorten it or weaken the "
                             f"coupling (a ramp this slow is quasi-static to about one part in {extent:.1g})")
        estimate = error(coarse, fine)
        if not np.isfinite(estimate) and levels[-1] >= 2.0 * extent:
            raise CycleError(f"{where}: the contact with a ramping control gave non-finite values with "
                             f"{levels[-1]} Magnus steps; its rates or duration are out of range")
        if estimate <= tolerance and levels[0] >= extent:
            return fine[..., :n, :n], {name: fine[..., n + i, :n] for i, name in enumerate(names)}
        if levels[-1] >= MAX_STEPS:
            raise CycleError(f"{where}: the contact with a ramping control did not converge to {tolerance:g} "
                             f"within {levels[-1]} Magnus steps (estimated error {estimate:.3g})")
        need = 2.0 * extent
        if np.isfinite(estimate) and levels[0] >= extent:
            need = max(need, levels[-1] * (1.25 * estimate / tolerance) ** (1.0 / 6.0))
        coarse_steps = int(min(max(np.ceil(need / 2.0), levels[-1]), MAX_STEPS // 2))
        levels = [coarse_steps, 2 * coarse_steps]


__all__ = ["time_ordered", "expm1", "TOLERANCE", "MAX_STEPS"]
