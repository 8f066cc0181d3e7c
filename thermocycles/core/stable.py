"""Stable arithmetic for small differences: error-free products and differences of Gibbs states.

Near a reversible cycle the heats are proportional to the difference of two nearly equal Gibbs
states, e.g. ``n_eq(beta_c w_a) - n_eq(beta_h w_b)`` for the two-level Otto cycle. Computed the
obvious way, ``w_a / T_c - w_b / T_h`` loses all the digits the two ratios share (a relative error of
``eps * u / |u - v|``). Here the difference of two ratios is formed from error-free products
(Dekker's two-product), so it keeps its relative precision down to ``|u - v| / u ~ 1e-300``, and the
difference of two Gibbs states is written as a sum of ``expm1`` of such differences.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .linear_map import matvec

_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter for doubles


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLIT * a
    high = c - (c - a)
    return high, a - high


def two_product(a: Any, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(p, e)`` with ``p = fl(a b)`` and ``a b = p + e`` exactly (unless the result under- or
    overflows). Operands are scaled by powers of two first, so any finite doubles work.

    Examples
    --------
    >>> p, e = two_product(0.1, 3.0)  # 0.1 is 0.1000000000000000055511151231257827...
    >>> float(p), float(e)
    (0.30000000000000004, -2.7755575615628914e-17)
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    big = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    small = min(float(np.min(np.abs(a), initial=1.0)), float(np.min(np.abs(b), initial=1.0)))
    if big < 1e150 and (small > 1e-150 or small == 0.0):  # no splitting overflow, no underflow of e
        p = a * b
        a_hi, a_lo = _split(a)
        b_hi, b_lo = _split(b)
        return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    a, b = np.broadcast_arrays(a, b)
    ma, ea = np.frexp(a)
    mb, eb = np.frexp(b)
    p = ma * mb
    a_hi, a_lo = _split(ma)
    b_hi, b_lo = _split(mb)
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    scale = ea + eb
    return np.ldexp(p, scale), np.ldexp(e, scale)


def ratio_difference(x1: Any, t1: Any, x2: Any, t2: Any) -> np.ndarray:
    """``x1 / t1 - x2 / t2`` to a few ulps of the result, however close the two ratios are.

    Computed as ``(x1 t2 - x2 t1) / (t1 t2)`` with both products error-free.

    Examples
    --------
    >>> w_b = 3.0 * (1 + 1e-15)  # the double 3.0000000000000036
    >>> float(ratio_difference(w_b, 3.0, 1.0, 1.0))  # w_b/3 - 1/1, correct to the last digit
    1.1842378929335002e-15
    """
    p1, e1 = two_product(x1, t2)
    p2, e2 = two_product(x2, t1)
    numerator = (p1 - p2) + (e1 - e2)
    return numerator / np.asarray(t1, dtype=float) / np.asarray(t2, dtype=float)


def gibbs(energies: Any, temperature: Any) -> np.ndarray:
    """Gibbs populations ``exp(-E_i / T) / Z`` along the last axis (stable for any ``E / T``).

    Examples
    --------
    >>> gibbs(np.array([1.0, 2.0]), 1.0).round(6)
    array([0.731059, 0.268941])
    """
    exponent = -np.asarray(energies, dtype=float) / np.asarray(temperature, dtype=float)[..., None]
    weights = np.exp(exponent - exponent.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


#: below this relative size, a difference of two ratios is formed from error-free products
_CANCELLATION = 1e-3


def gibbs_difference(energies_a: Any, temperature_a: Any, energies_b: Any, temperature_b: Any,
                     states: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """``gibbs(E_a, T_a) - gibbs(E_b, T_b)``, with relative precision when the two are close.

    With ``D_ij = (E^a_j - E^a_i)/T_a - (E^b_j - E^b_i)/T_b`` (from error-free products of the level
    gaps and temperatures), ``p^a_i - p^b_i = p^b_i sum_j p^a_j expm1(D_ij)``: no difference of the
    two (nearly equal) populations is ever formed. Where some ``|D_ij| > 1`` the states are far
    apart and the plain difference is as accurate. ``states`` may give the two Gibbs states
    ``(p^a, p^b)`` where the caller has them already.

    Examples
    --------
    >>> E = np.array([1.0, 2.0])
    >>> T = 3.0 * (1 - 1e-13)
    >>> float(gibbs_difference(E, 1.0, 3 * E, T)[1])  # 60-digit arithmetic: 1.9674582980763108e-14
    1.967458298076311e-14
    >>> float((gibbs(E, 1.0) - gibbs(3 * E, T))[1])  # plain subtraction: the fourth digit is wrong
    1.965094753586527e-14
    """
    ea = np.asarray(energies_a, dtype=float)
    eb = np.asarray(energies_b, dtype=float)
    ta = np.asarray(temperature_a, dtype=float)[..., None, None]
    tb = np.asarray(temperature_b, dtype=float)[..., None, None]
    pa, pb = (gibbs(ea, temperature_a), gibbs(eb, temperature_b)) if states is None else states
    gap_a = (ea[..., None, :] - ea[..., :, None]) / ta  # [i, j] = (E_j - E_i) / T
    gap_b = (eb[..., None, :] - eb[..., :, None]) / tb
    d = gap_a - gap_b
    distance = np.abs(d)
    far = distance.max(axis=(-1, -2), initial=0.0) > 1.0
    if far.all():  # far apart: the plain difference is as accurate
        return pa - pb
    if (distance < _CANCELLATION * np.abs(gap_a)).any():  # digits lost: error-free products
        d = ratio_difference(ea[..., None, :] - ea[..., :, None], ta, eb[..., None, :] - eb[..., :, None], tb)
    if not far.any():
        return pb * matvec(np.expm1(d), pa)
    with np.errstate(over="ignore", invalid="ignore"):
        stable = pb * matvec(np.expm1(np.minimum(d, 1.0)), pa)
    return np.where(far[..., None], pa - pb, stable)


__all__ = ["two_product", "ratio_difference", "gibbs", "gibbs_difference"]
