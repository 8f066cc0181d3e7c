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
    return generator_from_rates(rates)


def generator_from_rates(rates: np.ndarray) -> np.ndarray:
    """Rate matrix (generator) from jump rates ``rates[..., j, i]`` (i -> j): the diagonal is set so
    that every column sums to zero. For user-defined reservoirs.

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
    """

    deviation: np.ndarray
    heat: Mapping[str, np.ndarray]
    work: np.ndarray
    duration: np.ndarray

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
    ``P - I`` and the heat from reservoir r is ``eps @ R_r @ Phi @ p_start``. Three regimes keep full
    precision from tau = 1e-9 to 1e9:

    * short strokes (``|R tau| < 1``): P and Phi from one matrix exponential of
      ``[[R tau, tau I], [0, 0]]``, deviation ``R Phi`` (no cancellation in ``P - I``);
    * long strokes (spectral gap times tau > 36, so ``e^(-gap tau)`` is below double precision):
      ``P = Pi = pi 1^T`` exactly, pi the stationary state;
    * in between: ``P = expm(R tau)``.

    Outside the short regime, Phi (needed only with several reservoirs) is
    ``tau Pi + R# (P - I)`` with the group inverse ``R# = (R - Pi)^-1 + Pi``.

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
    batch = np.broadcast_shapes(total.shape[:-2], tau.shape, eps.shape[:-1])
    eye = _eye(n)
    # work on a flat batch of B strokes
    R = _shaped(total, batch + (n, n)).reshape(-1, n, n)
    t = _shaped(tau, batch).reshape(-1)
    generator = R * t[:, None, None]
    norm = 2 * np.abs(np.diagonal(generator, axis1=-2, axis2=-1)).max(axis=-1)  # |R tau|_1
    short = norm < 1.0
    several = len(names) > 1
    if not several and not short.any() and norm.max() < 36:
        # the common case in one step: neither short nor possibly long, one reservoir
        deviation = (scipy.linalg.expm(generator) - eye).reshape(batch + (n, n))
        eps_b = _shaped(eps, batch + (n,))[..., None, :]
        return StrokeMap(deviation=deviation, heat={names[0]: (eps_b @ deviation)[..., 0, :]},
                         work=np.zeros(batch + (n,)), duration=_shaped(tau, batch)[()])
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

    deviation = deviation.reshape(batch + (n, n))
    eps_b = _shaped(eps, batch + (n,))[..., None, :]
    if several:
        integral = integral.reshape(batch + (n, n))
        heat = {name: (eps_b @ (rates[name] @ integral))[..., 0, :] for name in names}
    else:
        heat = {names[0]: (eps_b @ deviation)[..., 0, :]}
    return StrokeMap(deviation=deviation, heat=heat, work=np.zeros(batch + (n,)),
                     duration=_shaped(tau, batch)[()])


def _shaped(array: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return array if array.shape == shape else np.broadcast_to(array, shape)


def stationary_state(generator: np.ndarray) -> np.ndarray:
    """Stationary populations ``pi`` of rate matrices (``R pi = 0``, ``sum pi = 1``), batched."""
    system = np.array(generator, dtype=float)
    scale = np.abs(system).max(axis=(-2, -1))
    system[..., -1, :] = scale[..., None]
    rhs = np.zeros(system.shape[:-1])
    rhs[..., -1] = scale
    return np.linalg.solve(system, rhs[..., None])[..., 0]


_EYES: dict[int, np.ndarray] = {}


def _eye(n: int) -> np.ndarray:
    eye = _EYES.get(n)
    if eye is None:
        eye = _EYES[n] = np.eye(n)
        eye.flags.writeable = False
    return eye


def cycle_deviation(deviations: list[np.ndarray]) -> np.ndarray:
    """``M_total - I`` for maps applied in order, accumulated without forming ``I + small``."""
    total = deviations[0]
    for dev in deviations[1:]:
        total = dev + total + dev @ total
    return total


def periodic_state(deviation: np.ndarray) -> np.ndarray:
    """Populations ``p`` with ``M p = p`` and ``sum p = 1``, from ``deviation = M - I``: one solve.

    The last equation of ``(M - I) p = 0`` is redundant (columns of a stochastic map's deviation sum
    to zero) and is replaced by the normalisation, scaled to the size of ``M - I``.

    Raises
    ------
    CycleError
        If the periodic state is not unique (e.g. no stroke couples the substance to a reservoir).
    """
    dev = np.asarray(deviation, dtype=float)
    n = dev.shape[-1]
    scale = np.abs(dev).max(axis=(-2, -1))
    system = dev.copy()
    system[..., -1, :] = scale[..., None]
    rhs = np.zeros(dev.shape[:-1])
    rhs[..., -1] = scale
    try:
        p = np.linalg.solve(system, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        p = np.full(dev.shape[:-1], np.nan)
    ok = np.isfinite(p).all(axis=-1) & (p.min(axis=-1) > -1e-9) & (np.abs(p.sum(axis=-1) - 1) < 1e-9)
    if not np.all(ok) or n == 0:
        bad = np.argwhere(~ok)[0] if np.ndim(ok) else ()
        at = f" at element {tuple(int(i) for i in bad)}" if np.ndim(ok) else ""
        raise CycleError(
            f"the cycle has no unique periodic steady state{at}: the one-cycle map does not relax "
            f"the populations to a single fixed point (does every level connect to a reservoir on "
            f"some stroke, with a non-zero contact time?)"
        )
    return p
