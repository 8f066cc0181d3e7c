"""Unit-free kernels of the population dynamics: rate matrices, stroke maps, periodic states.

Everything here works on plain floats and ndarrays in natural units (hbar = k_B = 1) and
broadcasts over leading "batch" axes: energies have shape ``(..., N)``, rate matrices and maps
``(..., N, N)``. Populations are column vectors ``p`` with ``dp/dt = R p``; ``R[..., j, i]`` is the
rate of the jump i -> j, so every column of ``R`` sums to zero.

Sign convention (the one used everywhere in thermocycles): heat and work are energy flowing
*into the working substance*. On a stroke, the heat from a reservoir and the work are linear in
the populations at the stroke's start, so a stroke is fully described by a :class:`StrokeMap`.
"""

from __future__ import annotations

from typing import Mapping

import attrs
import numpy as np
import scipy.linalg
import scipy.special
from scipy.special import expit, log_softmax

from .errors import CycleError


def thermal_populations(energies: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Gibbs populations ``exp(-beta eps_i) / Z`` along the last axis (stable for any beta*eps).

    Examples
    --------
    >>> import numpy as np
    >>> thermal_populations(np.array([1.0, 2.0]), 1.0).round(6)
    array([0.731059, 0.268941])
    """
    beta = np.asarray(beta, dtype=float)[..., None]
    return np.exp(log_softmax(-beta * np.asarray(energies, dtype=float), axis=-1))


def tanh_rate_matrix(energies: np.ndarray, beta: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Detailed-balance rate matrix with ``k_{i->j} = gamma (1 + tanh(beta (eps_i - eps_j) / 2))``.

    For two levels (w, 2w) this is the paper's model: ``k_down = gamma (1 + tanh(beta w/2))``,
    ``k_up = gamma (1 - tanh(beta w/2))``. ``1 + tanh(z/2)`` is evaluated as ``2 expit(z)``, which
    keeps exponentially small upward rates instead of rounding them to zero.

    Parameters
    ----------
    energies : ndarray, shape (..., N)
        Level energies.
    beta, gamma : ndarray, broadcastable to the batch shape
        Inverse temperature and coupling rate of the reservoir.

    Returns
    -------
    ndarray, shape (..., N, N)
        ``R[..., j, i]`` = rate of i -> j; columns sum to zero.
    """
    eps = np.asarray(energies, dtype=float)
    beta = np.asarray(beta, dtype=float)[..., None, None]
    gamma = np.asarray(gamma, dtype=float)[..., None, None]
    gap = eps[..., None, :] - eps[..., :, None]  # gap[j, i] = eps_i - eps_j
    rates = 2.0 * gamma * expit(beta * gap)
    # the diagonal of `rates` is gamma (gap 0); subtracting the full column sums on the diagonal
    # leaves minus the off-diagonal sums, as generator_from_rates would
    return rates - _eye(rates.shape[-1]) * rates.sum(axis=-2)[..., None, :]


def generator_from_rates(rates: np.ndarray) -> np.ndarray:
    """Rate matrix (generator) from jump rates ``rates[..., j, i]`` (i -> j): the diagonal is set so
    that every column sums to zero (whatever it held). For user-defined reservoirs; also used to
    rebuild a map's deviation from its off-diagonal transition probabilities.

    Examples
    --------
    >>> generator_from_rates(np.array([[0.0, 3.0], [1.0, 0.0]]))
    array([[-1.,  3.],
           [ 1., -3.]])
    """
    eye = _eye(rates.shape[-1])
    rates = rates * (1.0 - eye)
    return rates - eye * rates.sum(axis=-2)[..., None, :]


@attrs.frozen
class StrokeMap:
    """What a stroke does to the populations, and the energy it exchanges, as linear maps.

    Attributes
    ----------
    deviation : ndarray, shape (..., N, N)
        ``M - I``, where ``p_end = M p_start``. Kept instead of ``M`` so that short strokes lose no
        digits to cancellation.
    heat : dict of str to ndarray, shape (..., N)
        For each reservoir touched, the row vector ``h`` with heat into the substance ``h @ p_start``.
    work : ndarray, shape (..., N)
        Row vector ``w``: work done on the substance is ``w @ p_start``.
    duration : ndarray
        Duration of the stroke.
    energies : ndarray, shape (..., N), optional
        For a stroke at fixed level energies in contact with one reservoir: the energies, so that
        its heat is ``energies @ (change of populations)``. The cycle then may take that change
        from the other strokes (they sum to zero over a cycle), which keeps a strongly relaxing
        stroke's heat accurate next to a much weaker one. Set by :func:`relaxation_map`.
    """

    deviation: np.ndarray
    heat: Mapping[str, np.ndarray]
    work: np.ndarray
    duration: np.ndarray
    energies: np.ndarray | None = None

    @property
    def matrix(self) -> np.ndarray:
        """The population map ``M``."""
        return self.deviation + _eye(self.deviation.shape[-1])


def frozen_populations_map(work: np.ndarray, duration: np.ndarray) -> StrokeMap:
    """Map of a stroke that leaves the populations unchanged and does work ``work @ p``."""
    work = np.asarray(work, dtype=float)
    n = work.shape[-1]
    return StrokeMap(
        deviation=np.zeros(work.shape[:-1] + (n, n)),
        heat={},
        work=work,
        duration=np.asarray(duration, dtype=float)[()],
    )


def relaxation_map(
    energies: np.ndarray, rates: Mapping[str, np.ndarray], duration: np.ndarray
) -> StrokeMap:
    """Map of a stroke at fixed energies in contact with one or more reservoirs.

    With ``R = sum_r R_r``, ``P = exp(R tau)`` and ``Phi = int_0^tau exp(R t) dt``, the deviation is
    ``P - I`` and the heat from reservoir r is ``eps @ R_r @ Phi @ p_start``. The off-diagonal
    transition probabilities are what carries the physics; each diagonal entry of the deviation is
    set to minus the sum of its column's off-diagonal entries (probability conservation), which is
    exact and subtraction-free.

    Where the rates span more than three orders of magnitude (populations that differ by
    ``e^(beta Delta eps)``, e.g. beta w > 7), P and Phi come from a subtraction-free computation:
    uniformisation ``exp(R h) = sum_k e^-x x^k/k! P^k`` (``P = I + R/q``, nonnegative,
    ``x = q h <= 1/2``), ``Phi(h) = (1/q) sum_k gammainc(k+1, x) P^k``, then doubling
    (``Phi(2h) = Phi(h) + exp(R h) Phi(h)``, ``exp(2Rh) = exp(Rh)^2``). Every term is nonnegative, so
    exponentially small transition probabilities keep their relative precision. Otherwise, faster:

    * short strokes (``|R tau| < 1``): P and Phi from one matrix exponential of
      ``[[R tau, tau I], [0, 0]]``, deviation ``R Phi``;
    * long strokes (spectral gap times tau > 36): ``P = pi 1^T`` exactly;
    * in between: ``P = expm(R tau)``; with several reservoirs
      ``Phi = tau Pi + R# (P - I)``, ``R# = (R - Pi)^-1 + Pi`` (group inverse).

    Parameters
    ----------
    energies : ndarray, shape (..., N)
    rates : dict of str to ndarray, shape (..., N, N)
        Rate matrix contributed by each reservoir.
    duration : ndarray
        Contact time.
    """
    eps = np.asarray(energies, dtype=float)
    tau = np.asarray(duration, dtype=float)
    names = list(rates)
    total = rates[names[0]] if len(names) == 1 else sum(rates[name] for name in names)
    n = total.shape[-1]
    if len(names) == 1 and total.ndim == 2 and tau.ndim == 0 and eps.ndim == 1:
        # one unbatched stroke with one reservoir: the common case, without batch bookkeeping
        off = total.reshape(-1)[_off_diagonal(n)]
        generator = total * tau
        norm = -2.0 * generator.diagonal().min()
        if off.min() >= 1e-3 * off.max() and 1.0 <= norm < 36.0:
            deviation = scipy.linalg.expm(generator) - _eye(n)
            return StrokeMap(deviation=deviation, heat={names[0]: eps @ deviation},
                             work=np.zeros(n), duration=tau[()], energies=eps)
    batch = np.broadcast_shapes(total.shape[:-2], tau.shape, eps.shape[:-1])
    R = _shaped(total, batch + (n, n)).reshape(-1, n, n)
    t = _shaped(tau, batch).reshape(-1)
    several = len(names) > 1
    off = R.reshape(-1, n * n)[:, _off_diagonal(n)]  # off-diagonal rates
    low, top = off.min(axis=-1), off.max(axis=-1)
    if not (low > 0).all():  # some transitions forbidden: the range of the allowed ones
        low = np.where(off > 0, off, np.inf).min(axis=-1)
    wide = low < 1e-3 * top

    if not wide.any():
        deviation, integral = _propagate_fast(R, t, several)
    else:
        deviation = np.empty_like(R)
        integral = np.empty_like(R) if several else None
        for mask, propagate in ((~wide, _propagate_fast), (wide, _propagate_exact)):
            if mask.any():
                dev_m, phi_m = propagate(R[mask], t[mask], several)
                # each diagonal entry: minus its column's off-diagonal sum (exact, subtraction-free)
                deviation[mask] = generator_from_rates(dev_m)
                if several:
                    integral[mask] = phi_m
    deviation = deviation.reshape(batch + (n, n))

    eps_b = _shaped(eps, batch + (n,))[..., None, :]
    if several:
        integral = integral.reshape(batch + (n, n))
        heat = {name: (eps_b @ (rates[name] @ integral))[..., 0, :] for name in names}
    else:
        heat = {names[0]: (eps_b @ deviation)[..., 0, :]}
    return StrokeMap(deviation=deviation, heat=heat, work=np.zeros(batch + (n,)),
                     duration=_shaped(tau, batch)[()],
                     energies=None if several else eps_b[..., 0, :])


def _propagate_fast(R: np.ndarray, t: np.ndarray, several: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Deviation (and Phi) of a flat batch of strokes by matrix exponentials (rates of one order)."""
    n = R.shape[-1]
    eye = _eye(n)
    generator = R * t[:, None, None]
    norm = -2 * np.diagonal(generator, axis1=-2, axis2=-1).min(axis=-1)  # |R tau|_1 = 2 max exit
    short = norm < 1.0
    if not several and not short.any() and norm.max() < 36:  # the common case, in one step
        return scipy.linalg.expm(generator) - eye, None
    deviation = np.empty_like(R)
    integral = np.empty_like(R) if several else None
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
        maybe_long = norm[rest] >= 36  # the gap is at most the norm
        if maybe_long.any() or several:
            projector = stationary_state(R_r)[:, :, None] * np.ones(n)
        if maybe_long.any():
            gap = np.sort(-np.linalg.eigvals(R_r).real, axis=-1)[:, 1]
            long = maybe_long & (gap * t_r > 36)
            propagator = np.where(long[:, None, None], projector, propagator)
        deviation[rest] = propagator - eye
        if several:
            group_inverse = np.linalg.inv(R_r - projector) + projector
            integral[rest] = t_r[:, None, None] * projector + group_inverse @ deviation[rest]
    return deviation, integral


def _propagate_exact(R: np.ndarray, t: np.ndarray, several: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Deviation (and Phi) by uniformisation and doubling: subtraction-free, so transition
    probabilities keep relative precision however small they are."""
    n = R.shape[-1]
    eye = _eye(n)
    off = R * (1.0 - eye)
    exit_rates = off.sum(axis=-2)  # per column: total rate out of each level
    q = exit_rates.max(axis=-1)
    q = np.where(q > 0, q, 1.0)
    P = off / q[:, None, None] + eye * (1.0 - exit_rates / q[:, None])[:, None, :]
    x_total = q * t
    doublings = int(max(0, np.ceil(np.log2(max(float(x_total.max()), 1e-300) / 0.5))))
    x = x_total / 2.0**doublings  # <= 1/2
    term = np.broadcast_to(eye, R.shape).copy()
    weight = np.exp(-x)  # Poisson weights e^-x x^k / k!
    M = weight[:, None, None] * term
    phi = scipy.special.gammainc(1, x)[:, None, None] * term if several else None
    for k in range(1, 18):  # x <= 1/2: the 18th term is below 1e-20
        term = term @ P
        weight = weight * x / k
        M = M + weight[:, None, None] * term
        if several:
            phi = phi + scipy.special.gammainc(k + 1, x)[:, None, None] * term
    if several:
        phi = phi / q[:, None, None]
    h = x / q
    for _ in range(doublings):
        # Squaring doubles any drift of M's column sums from 1 (and Phi's from the elapsed time):
        # rescale the columns each time (a division, still subtraction-free).
        if several:
            phi = phi + M @ phi
            h = 2 * h
            phi = phi * (h[:, None] / phi.sum(axis=-2))[:, None, :]
        M = M @ M
        M = M / M.sum(axis=-2, keepdims=True)
    return M - eye, phi


def _shaped(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return array if array.shape == shape else np.broadcast_to(array, shape)


def stationary_state(generator: np.ndarray) -> np.ndarray:
    """Stationary populations ``pi`` of rate matrices (``R pi = 0``, ``sum pi = 1``), batched.

    Grassmann-Taksar-Heyman elimination: only the off-diagonal entries are used and nothing is
    subtracted, so every population keeps its relative precision (and none comes out negative),
    however small. Returns NaN where the stationary state is not unique.
    """
    K = np.array(generator, dtype=float) * (1.0 - _eye(np.shape(generator)[-1]))
    n = K.shape[-1]
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


_EYES: dict[int, np.ndarray] = {}
_OFF: dict[int, np.ndarray] = {}


def _off_diagonal(n: int) -> np.ndarray:
    mask = _OFF.get(n)
    if mask is None:
        mask = _OFF[n] = ~np.eye(n, dtype=bool).reshape(-1)
    return mask


def _eye(n: int) -> np.ndarray:
    eye = _EYES.get(n)
    if eye is None:
        eye = _EYES[n] = np.eye(n)
        eye.flags.writeable = False
    return eye


def periodic_state(deviations: list[np.ndarray]) -> np.ndarray:
    """Populations ``p`` with ``M p = p``, ``sum p = 1``, for the one-cycle map ``M`` of strokes
    with maps ``I + A_k`` (``deviations = [A_1, ..., A_n]``, applied in order): one direct solve.

    M's off-diagonal entries (sums of products of nonnegative numbers) keep their relative
    precision; its stationary state is found by subtraction-free elimination (as in
    :func:`stationary_state`), so small populations are resolved relatively, and fast cycles
    (M close to I) lose nothing to cancellation.

    Raises
    ------
    CycleError
        If the periodic state is not unique (e.g. no stroke couples the substance to a reservoir).
    """
    total = None
    for dev in deviations:
        dev = np.asarray(dev, dtype=float)
        if total is not None and not dev.any():  # an identity map (e.g. an adiabat)
            continue
        step = dev + _eye(dev.shape[-1])
        total = step if total is None else step @ total
    p = stationary_state(total)
    ok = np.isfinite(p).all(axis=-1) & (p.min(axis=-1) >= 0)
    if not np.all(ok) or p.shape[-1] == 0:
        bad = np.argwhere(~ok)[0] if np.ndim(ok) else ()
        at = f" at element {tuple(int(i) for i in bad)}" if np.ndim(ok) else ""
        raise CycleError(
            f"the cycle has no unique periodic steady state{at}: the one-cycle map does not relax "
            f"the populations to a single fixed point (does every level connect to a reservoir on "
            f"some stroke, with a non-zero contact time?)"
        )
    return p
