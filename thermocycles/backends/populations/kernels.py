"""Numerical kernels of the population dynamics, on plain floats in natural units.

Populations are column vectors ``p`` with ``dp/dt = R p``; ``R[..., j, i]`` is the rate of the jump
``i -> j`` and every column of ``R`` sums to zero. Everything broadcasts over leading batch axes:
energies have shape ``(..., N)``, rate matrices and maps ``(..., N, N)``.

Two properties are kept throughout, because the populations of a cold substance span hundreds of
orders of magnitude (``exp(-beta w)`` at ``beta w = 700``):

* transition probabilities (off-diagonal entries of a stroke map) are computed without subtraction
  where the rates span more than six orders of magnitude (uniformisation: a series of nonnegative
  terms), and each diagonal entry of a deviation ``M - I`` is minus its column's off-diagonal sum;
* stationary states and the periodic state come from Grassmann-Taksar-Heyman elimination, which
  uses only the off-diagonal entries and never subtracts: every population keeps its relative
  precision, however small.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import scipy.linalg
import scipy.linalg.lapack
import scipy.special

from ...core.linear_map import matmul
from ...errors import CycleError

#: where the smallest jump rate is below this fraction of the largest, transition probabilities come
#: from uniformisation (relative precision however small they are); above it a matrix exponential's
#: absolute error (~1e-16) is at most ~1e-10 relative to the smallest of them
WIDE = 1e-6


def generator_from_rates(rates: np.ndarray) -> np.ndarray:
    """Rate matrix from jump rates ``rates[..., j, i]`` (i -> j): the diagonal is set so that every
    column sums to zero (whatever it held).

    Examples
    --------
    >>> generator_from_rates(np.array([[0.0, 3.0], [1.0, 0.0]]))
    array([[-1.,  3.],
           [ 1., -3.]])
    """
    eye = eye_matrix(rates.shape[-1])
    rates = rates * (1.0 - eye)
    return rates - eye * rates.sum(axis=-2)[..., None, :]


def total_rates(rates: Mapping[str, np.ndarray]) -> np.ndarray:
    """The sum of several reservoirs' rate matrices (broadcast)."""
    arrays = list(rates.values())
    total = np.asarray(arrays[0], dtype=float)
    for more in arrays[1:]:
        total = total + more
    return total


def energy_change_row(energies: np.ndarray, deviation: np.ndarray) -> np.ndarray:
    """The row ``h`` with ``h @ p = energies @ (deviation @ p)``, as ``h_j = sum_i (E_i - E_j) D_ij``:
    the columns of a deviation sum to zero, so the diagonal drops out and no large terms cancel."""
    gaps = np.asarray(energies)[..., :, None] - np.asarray(energies)[..., None, :]  # [i, j] = E_i - E_j
    return (gaps * deviation).sum(axis=-2)


def relaxation(energies: np.ndarray, rates: Mapping[str, np.ndarray],
               duration: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None]:
    """Deviation ``exp(R tau) - I`` and heat rows of a contact at fixed energies.

    With ``R = sum_r R_r``, ``P = exp(R tau)`` and ``Phi = int_0^tau exp(R t) dt``, the deviation is
    ``P - I`` and the heat from reservoir r is ``E @ R_r @ Phi @ p_start`` (one reservoir:
    ``E @ (P - I) @ p_start``). Where the rates span more than six orders of magnitude, P and Phi
    come from uniformisation and doubling (every term nonnegative); otherwise from matrix
    exponentials: short strokes (``|R tau| < 1``) through ``exp([[R tau, tau I], [0, 0]])``, long
    ones (spectral gap x tau > 36) as the stationary projector, and with several reservoirs
    ``Phi = tau Pi + R# (P - I)``, ``R#`` the group inverse.

    Returns
    -------
    deviation : ndarray, shape (..., N, N)
    heat : dict of str to ndarray, shape (..., N)
    integral : ndarray, shape (..., N, N), or None
        Phi, with several reservoirs (None with one).
    """
    eps = np.asarray(energies, dtype=float)
    tau = np.asarray(duration, dtype=float)
    names = list(rates)
    total = total_rates(rates)
    n = total.shape[-1]
    if n == 2:  # (its closed form holds for any rate x duration, inf included: no cap needed)
        return _relaxation_two_levels(eps, rates, total, tau)
    if len(names) == 1:  # (with several reservoirs the heat grows with the duration: not capped)
        tau = _capped(total, tau)
    if len(names) == 1 and total.ndim == 2 and tau.ndim == 0 and eps.ndim == 1:
        # one unbatched stroke with one reservoir: the common cases without batch bookkeeping (the
        # same kernels as below)
        off = total.reshape(-1)[_off_diagonal(n)]
        low, top = off.min(), off.max()
        if low == 0.0 < top:  # some jumps forbidden (a banded coupling): the range of the allowed ones
            low = off[off > 0.0].min()
        generator = total * tau
        exits = -generator.diagonal()
        norm = 2.0 * exits.max()
        deviation = None
        if low >= WIDE * top and 1.0 <= norm and _surely_not_long(norm, exits.sum(), n):
            deviation = _with_exact_diagonal(scipy.linalg.expm(generator))
        elif 0.0 < low < WIDE * top:  # rates of many orders of magnitude
            deviation = generator_from_rates(_propagate_exact(total, tau, False)[0])
        if deviation is not None:
            return deviation, {names[0]: energy_change_row(eps, deviation)}, None
    batch = np.broadcast_shapes(total.shape[:-2], tau.shape, eps.shape[:-1])
    R = _shaped(total, batch + (n, n)).reshape(-1, n, n)
    t = _shaped(tau, batch).reshape(-1)
    several = len(names) > 1
    off = R.reshape(-1, n * n)[:, _off_diagonal(n)]  # off-diagonal rates
    low, top = off.min(axis=-1), off.max(axis=-1)
    if not (low > 0).all():  # some transitions forbidden: the range of the allowed ones
        low = np.where(off > 0, off, np.inf).min(axis=-1)
    wide = low < WIDE * top

    if not wide.any():
        deviation, integral = _propagate_fast(R, t, several)
    else:
        deviation = np.empty_like(R)
        integral = np.empty_like(R)  # filled only with several reservoirs
        for mask, propagate in ((~wide, _propagate_fast), (wide, _propagate_exact)):
            if mask.any():
                dev_m, phi_m = propagate(R[mask], t[mask], several)
                deviation[mask] = dev_m
                if phi_m is not None:
                    integral[mask] = phi_m
    # each diagonal entry: minus its column's off-diagonal sum (exact, subtraction-free)
    deviation = generator_from_rates(deviation).reshape(batch + (n, n))
    eps_b = _shaped(eps, batch + (n,))
    if several and integral is not None:
        integral = integral.reshape(batch + (n, n))
        heat = {name: (energy_change_row(eps_b, _shaped(rates[name], batch + (n, n)))[..., None, :]
                       @ integral)[..., 0, :] for name in names}
        return deviation, heat, integral
    return deviation, {names[0]: energy_change_row(eps_b, deviation)}, None


#: a contact's largest exit rate x duration is capped here: the map is then the stationary projector
#: to double precision unless its slowest relaxation rate is below ~1e-297 of the fastest
MAX_RATE_TIME = 1e300


def _capped(total: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """The durations, with (largest exit rate) x duration capped at :data:`MAX_RATE_TIME` (a product
    beyond double precision would give inf - inf = nan in the maps; the relaxation is complete long
    before)."""
    exits = np.abs(np.diagonal(total, axis1=-2, axis2=-1)).max(axis=-1)
    with np.errstate(over="ignore"):
        product = exits * tau
    if np.all(product <= MAX_RATE_TIME):
        return tau
    if not np.isfinite(exits).all():  # (the cap would give tau = 0: an infinitely fast contact as none)
        raise CycleError("a contact's exit rate overflows double precision (the sum of its jump rates is "
                         "infinite); reduce the couplings or weights")
    with np.errstate(divide="ignore"):
        return np.where(product > MAX_RATE_TIME, MAX_RATE_TIME / exits, tau)


def _relaxation_two_levels(eps: np.ndarray, rates: Mapping[str, np.ndarray], total: np.ndarray,
                           tau: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None]:
    """Two levels in closed form: with ``s = k_01 + k_10``, ``exp(R tau) - I = R (1 - e^(-s tau)) / s``
    and ``Phi = tau I + R (s tau - 1 + e^(-s tau)) / s^2``; subtraction-free, any rates."""
    s = total[..., 0, 1] + total[..., 1, 0]
    x = s * tau
    if x.ndim == 0:  # one stroke: a branch instead of masks
        deviation = total * (-np.expm1(-x) / s if s > 0 else tau)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(s > 0, -np.expm1(-x) / s, tau)
        deviation = total * factor[..., None, None]
    if len(rates) == 1:
        (name,) = rates
        return deviation, {name: energy_change_row(eps, deviation)}, None
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.abs(x) < 1e-3
        series = 0.5 - x / 6.0 + x * x / 24.0 - x * x * x / 120.0
        second = np.where(small, series, (x + np.expm1(-x)) / np.where(small, 1.0, x * x)) * tau * tau
    integral = tau[..., None, None] * eye_matrix(2) + total * second[..., None, None]
    heat = {name: (energy_change_row(eps, r)[..., None, :] @ integral)[..., 0, :] for name, r in rates.items()}
    return deviation, heat, integral


def _propagate_fast(R: np.ndarray, t: np.ndarray, several: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Deviation (and Phi) of a flat batch of strokes by matrix exponentials (rates of one order)."""
    n = R.shape[-1]
    eye = eye_matrix(n)
    generator = R * t[:, None, None]
    exits = -np.diagonal(generator, axis1=-2, axis2=-1)
    norm = 2 * exits.max(axis=-1)  # |R tau|_1 = 2 max exit
    short = norm < 1.0
    maybe_long = ~_surely_not_long(norm, exits.sum(axis=-1), n)
    if not several and not short.any() and not maybe_long.any():  # the common case, in one step
        return scipy.linalg.expm(generator) - eye, None
    deviation = np.empty_like(R)
    integral = np.empty_like(R)  # filled only with several reservoirs
    if short.any():
        aug = np.zeros((int(short.sum()), 2 * n, 2 * n))
        aug[:, :n, :n] = generator[short]
        aug[:, :n, n:] = eye * t[short][:, None, None]
        phi = scipy.linalg.expm(aug)[:, :n, n:]
        deviation[short] = R[short] @ phi
        if several:
            integral[short] = phi
    rest = ~short
    if rest.any():
        R_r, t_r = R[rest], t[rest]
        propagator = scipy.linalg.expm(generator[rest])
        maybe_long = maybe_long[rest]
        if maybe_long.any() or several:
            projector = stationary_state(R_r)[:, :, None] * np.ones(n)
        if maybe_long.any():  # the spectral gap decides (eigenvalues only where the bounds leave it open)
            gap = np.sort(-np.linalg.eigvals(R_r[maybe_long]).real, axis=-1)[:, 1]
            long = np.zeros(len(t_r), dtype=bool)
            long[maybe_long] = gap * t_r[maybe_long] > 36
            propagator = np.where(long[:, None, None], projector, propagator)
        deviation[rest] = propagator - eye
        if several:
            group_inverse = np.linalg.inv(R_r - projector) + projector
            integral[rest] = t_r[:, None, None] * projector + group_inverse @ deviation[rest]
    return deviation, integral if several else None


def _surely_not_long(norm: np.ndarray, exit_sum: np.ndarray, n: int) -> np.ndarray:
    """Whether the spectral gap x tau of strokes is surely at most 36 (no stroke relaxes fully),
    from the norm ``|R tau|_1`` (twice the largest exit rate x tau) and the sum of the exit rates x
    tau (minus the trace): both bound the gap, without eigenvalues.

    The eigenvalues of a rate matrix have real parts <= 0 and add up to its trace, so the
    second-smallest of their magnitudes ``-Re lambda`` (the gap; the smallest is the stationary 0) is
    at most the mean of all but the smallest, ``-trace / (N - 1)``; and every ``|lambda|`` is at most
    the norm. (A margin of 1e-6 covers the rounding of both bounds and of the eigenvalues.)
    """
    return (norm < 36.0) | (exit_sum < 36.0 * (n - 1) * (1.0 - 1e-6))


def _with_exact_diagonal(matrix: np.ndarray) -> np.ndarray:
    """``matrix - I`` for one stochastic matrix, each diagonal entry minus its column's
    off-diagonal sum (as :func:`generator_from_rates`), in place."""
    n = matrix.shape[-1]
    flat = matrix.reshape(-1)
    flat[:: n + 1] = 0.0
    flat[:: n + 1] = -matrix.sum(axis=0)
    return matrix


def _propagate_exact(R: np.ndarray, t: np.ndarray, several: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Deviation (and Phi) by uniformisation and doubling: subtraction-free, so transition
    probabilities keep relative precision however small they are. ``R`` has shape ``(..., N, N)``
    and ``t`` the batch shape ``...`` (none for one stroke)."""
    n = R.shape[-1]
    eye = eye_matrix(n)
    off = R * (1.0 - eye)
    exit_rates = off.sum(axis=-2)  # per column: total rate out of each level
    q = exit_rates.max(axis=-1)
    q = np.where(q > 0, q, 1.0)
    P = off / q[..., None, None] + eye * (1.0 - exit_rates / q[..., None])[..., None, :]
    x_total = q * t
    doublings = int(max(0, np.ceil(np.log2(max(float(x_total.max()), 1e-300) / 0.5))))
    x = x_total / 2.0**doublings  # <= 1/2
    # M = sum_k e^-x x^k / k! P^k (Poisson weights) and Phi = sum_k P(k+1, x) P^k / q, k <= 19 (the
    # tail is below 1e-24 for x <= 1/2), by Paterson-Stockmeyer: blocks of four powers, Horner in P^4
    # (7 matrix products instead of 19; every term is still nonnegative)
    ratios = np.concatenate([np.ones(x.shape + (1,)), x[..., None] / _ORDERS[1:]], axis=-1)
    weights = np.exp(-x)[..., None] * np.cumprod(ratios, axis=-1)
    M = _horner_blocks(P, weights)
    phi = _horner_blocks(P, scipy.special.gammainc(_ORDERS + 1, x[..., None])) if several else None
    if several:
        phi = phi / q[..., None, None]
    h = x / q
    for _ in range(doublings):
        # Squaring doubles any drift of M's column sums from 1 (and Phi's from the elapsed time):
        # rescale the columns each time (a division, still subtraction-free).
        if phi is not None:
            phi = phi + matmul(M, phi)
            h = 2 * h
            phi = phi * (h[..., None] / phi.sum(axis=-2))[..., None, :]
        M = matmul(M, M)
        M = M / M.sum(axis=-2, keepdims=True)
    return M - eye, phi


_TERMS = 20
_BLOCK = 4
_ORDERS = np.arange(_TERMS)  # k = 0 .. 19
_ORDERS.flags.writeable = False


def _horner_blocks(P: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """``sum_k c_k P^k`` (k < 20, batched) with four precomputed powers and Horner's rule in P^4."""
    batch, n = P.shape[:-2], P.shape[-1]
    powers = np.empty(batch + (_BLOCK, n, n))
    powers[..., 0, :, :] = eye_matrix(n)
    powers[..., 1, :, :] = P
    np.matmul(P, P, out=powers[..., 2, :, :])
    np.matmul(powers[..., 2, :, :], P, out=powers[..., 3, :, :])
    p4 = matmul(powers[..., 2, :, :], powers[..., 2, :, :])
    # each block sum_i c_(4j+i) P^i is one (batched) product of the coefficients with the powers
    blocks = (coefficients.reshape(batch + (_TERMS // _BLOCK, _BLOCK)) @ powers.reshape(batch + (_BLOCK, n * n)))
    blocks = blocks.reshape(batch + (_TERMS // _BLOCK, n, n))
    result = blocks[..., -1, :, :]
    for j in range(_TERMS // _BLOCK - 2, -1, -1):
        result = blocks[..., j, :, :] + matmul(p4, result)
    return result


def stationary_state(generator: np.ndarray) -> np.ndarray:
    """Stationary populations ``pi`` of rate matrices (``R pi = 0``, ``sum pi = 1``), batched.

    Grassmann-Taksar-Heyman elimination: only the off-diagonal entries are used and nothing is
    subtracted, so every population keeps its relative precision (and none comes out negative),
    however small. Returns NaN where the stationary state is not unique.
    """
    K = np.array(generator, dtype=float) * (1.0 - eye_matrix(np.shape(generator)[-1]))
    n = K.shape[-1]
    if n > 2:
        top = K.max(axis=(-1, -2), keepdims=True, initial=0.0)
        if not (top[top > 0] < 1e150).all():  # products of two rates would overflow: rescale
            K = K / np.where(top > 0, top, 1.0)
    if n == 2:  # elimination reduces to the ratio of the two rates
        with np.errstate(divide="ignore", invalid="ignore"):
            pi = np.stack([K[..., 0, 1], K[..., 1, 0]], axis=-1)
            return pi / pi.sum(axis=-1, keepdims=True)
    out = np.empty(K.shape[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(n - 1, 0, -1):
            out[..., k] = K[..., :k, k].sum(axis=-1)  # rate from level k to the levels below it
            K[..., :k, :k] += K[..., :k, k][..., :, None] * K[..., k, :k][..., None, :] / out[..., k, None, None]
        pi = np.zeros(K.shape[:-1])
        pi[..., 0] = 1.0
        for k in range(1, n):
            pi[..., k] = (K[..., k, :k] * pi[..., :k]).sum(axis=-1) / out[..., k]
        return pi / pi.sum(axis=-1, keepdims=True)


def _shaped(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return array if array.shape == shape else np.broadcast_to(array, shape)


_EYES: dict[int, np.ndarray] = {}
_OFF: dict[int, np.ndarray] = {}


def _off_diagonal(n: int) -> np.ndarray:
    mask = _OFF.get(n)
    if mask is None:
        mask = _OFF[n] = ~np.eye(n, dtype=bool).reshape(-1)
    return mask


def eye_matrix(n: int) -> np.ndarray:
    """A cached, read-only identity matrix."""
    eye = _EYES.get(n)
    if eye is None:
        eye = _EYES[n] = np.eye(n)
        eye.flags.writeable = False
    return eye


def stochastic_product(deviations: list[np.ndarray]) -> np.ndarray:
    """``prod_k (I + D_k)`` (later maps on the left); products of nonnegative matrices, so the
    off-diagonal entries keep their relative precision."""
    eye = eye_matrix(np.shape(deviations[0])[-1])
    total = np.asarray(deviations[0], dtype=float) + eye
    for dev in deviations[1:]:
        total = matmul(np.asarray(dev, dtype=float) + eye, total)
    return total


#: up to this many levels, one periodic solve runs on Python floats (fewer calls than numpy's)
_SMALL_GTH = 16


def _gth_solve_small(K: list[list[float]], b: list[float]) -> np.ndarray:
    """:func:`gth_solve` for one small matrix, on Python floats (the same operations in order)."""
    n = len(b)
    out = [0.0] * n
    for k in range(n - 1, 0, -1):
        column = [K[i][k] for i in range(k)]
        total = sum(column)
        out[k] = total
        row, bk = K[k], b[k]
        for i in range(k):
            weight = column[i] / total
            if weight:
                target = K[i]
                for j in range(k):
                    target[j] += weight * row[j]
                b[i] += weight * bk
    alpha, beta = [0.0] * n, [0.0] * n
    beta[0] = 1.0
    for k in range(1, n):
        row = K[k]
        a, c = b[k], 0.0
        for j in range(k):
            a += row[j] * alpha[j]
            c += row[j] * beta[j]
        alpha[k], beta[k] = a / out[k], c / out[k]
    d0 = -sum(alpha) / sum(beta)
    return np.array([a + c * d0 for a, c in zip(alpha, beta)])


def _eliminate(A: np.ndarray) -> np.ndarray:
    """GTH elimination in place on ``A = [b | K]``: the right-hand side ``b`` in column 0, then the
    off-diagonal rates ``K`` (state j in column j + 1). The chain is censored on ever fewer states
    (the last first); the update of the rates and of ``b`` by state k is one outer product, over
    the columns ``:k + 1`` (``b`` and the states below k). Returns the rates ``out_k`` from each state
    k to the states below it. Diagonal entries of K are never read."""
    n = A.shape[-2]
    out = np.zeros(A.shape[:-1])
    if A.ndim == 2:  # one system: the same operations with fewer numpy calls (half the time at N = 50)
        add, outer = np.add.reduce, np.multiply.outer
        for k in range(n - 1, 0, -1):
            column = A[:k, k + 1]
            total = add(column)
            out[k] = total
            A[:k, :k + 1] += outer(column / total, A[k, :k + 1])
        return out
    for k in range(n - 1, 0, -1):
        column = A[..., :k, k + 1]
        total = column.sum(axis=-1)
        out[..., k] = total
        weight = column / total[..., None]
        A[..., :k, :k + 1] += weight[..., :, None] * A[..., k, None, :k + 1]
    return out


def _forward(rates: np.ndarray, columns: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``x`` with ``out_k x_k - sum_{j<k} rates_kj x_j = columns_k`` (the strictly lower part of
    ``rates`` is read), for each column: forward substitution, every term nonnegative."""
    if rates.ndim == 2:  # one system: LAPACK's trtrs (NaN where a rate out is zero)
        lower = np.tril(-rates, -1) + out[:, None] * eye_matrix(len(out))
        x, info = scipy.linalg.lapack.dtrtrs(lower, columns, lower=1)
        return x if info == 0 else np.full(columns.shape, np.nan)
    # a batch (which scipy would solve one system at a time): state by state, vectorised over it
    x = np.empty(columns.shape)
    for k in range(columns.shape[-2]):
        x[..., k, :] = (columns[..., k, :] + (rates[..., k, :k, None] * x[..., :k, :]).sum(axis=-2)) / out[..., k, None]
    return x


def gth_solve(matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """``d`` with ``(I - M) d = rhs`` and ``sum d = 0``, for a stochastic matrix M (only its
    off-diagonal entries are read) and ``sum rhs = 0``: Grassmann-Taksar-Heyman elimination with a
    right-hand side.

    States are eliminated from the last to the first; in the chain censored on the states below k,
    ``d_k = (b_k + sum_{j<k} K_kj d_j) / out_k`` with ``out_k`` the rate from k to the states below,
    and the updates ``K_ij += K_ik K_kj / out_k``, ``b_i += K_ik b_k / out_k`` add nonnegative
    multiples: the matrix part is subtraction-free, so the solution is as precise as ``rhs`` (a
    difference of nearly equal states near reversibility stays relatively precise). ``d_0`` then
    follows from ``sum d = 0``.

    Raises
    ------
    CycleError
        If M has no unique stationary state (some ``out_k = 0``).
    """
    # Only off-diagonal entries are read (the diagonal is never needed).
    M = np.asarray(matrix, dtype=float)
    n = M.shape[-1]
    b = np.asarray(rhs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if n == 2:
            d1 = b[..., 1] / (M[..., 0, 1] + M[..., 1, 0])
            d = np.array([-d1, d1]) if np.ndim(d1) == 0 else np.stack([-d1, d1], axis=-1)
        elif M.ndim == 2 and b.ndim == 1 and n <= _SMALL_GTH:
            try:
                d = _gth_solve_small(M.tolist(), b.tolist())
            except ZeroDivisionError:  # a state with no way out: Python floats raise where numpy gives inf
                d = np.full(n, np.nan)
        else:
            A = np.concatenate([np.broadcast_to(b, M.shape[:-1])[..., None], M], axis=-1)  # [b | K]
            out = _eliminate(A)
            # back-substitution d_k = alpha_k + beta_k d_0 for k >= 1 (alpha_0 = 0, beta_0 = 1): a lower
            # triangular system diag(out) - (censored rates) with the columns b and K[:, 0], solved
            # forward with nonnegative terms
            solution = _forward(A[..., 1:, 2:], A[..., 1:, :2], out[..., 1:])
            alpha = np.concatenate([np.zeros(M.shape[:-2] + (1,)), solution[..., 0]], axis=-1)
            beta = np.concatenate([np.ones(M.shape[:-2] + (1,)), solution[..., 1]], axis=-1)
            d0 = -alpha.sum(axis=-1) / beta.sum(axis=-1)
            d = alpha + beta * d0[..., None]
    if not np.isfinite(d).all():
        bad = np.argwhere(~np.isfinite(d).all(axis=-1))[0] if d.ndim > 1 else ()
        at = f" at element {tuple(int(i) for i in bad)}" if d.ndim > 1 else ""
        raise CycleError(
            f"the cycle has no unique periodic steady state{at}: the one-cycle map does not relax "
            f"the populations to a single fixed point (does every level connect to a reservoir on "
            f"some stroke, with a non-zero contact time?)")
    return d
