"""Finite-time unitary evolution under ``H(w(t))``: a sixth-order Magnus integrator with error control.

On a uniform grid of n steps of length h, each step's propagator is ``exp(Omega)``, with the Magnus
expansion truncated at sixth order and its integrals taken at the three Gauss-Legendre nodes
``t + (1/2 - sqrt(15)/10, 1/2, 1/2 + sqrt(15)/10) h`` (Blanes, Casas and Ros, BIT 40, 434 (2000)):
with ``A_k = -i H(t_k)``,

    a1 = h A_2,   a2 = sqrt(15) h / 3 (A_3 - A_1),   a3 = 10 h / 3 (A_3 - 2 A_2 + A_1),
    C1 = [a1, a2],   C2 = -[a1, 2 a3 + C1] / 60,
    Omega = a1 + a3 / 12 + [-20 a1 - a3 + C1, a2 + C2] / 240.

The global error of the propagator is O(h^6) (measured in the tests). Each step is exponentiated
through the eigen-decomposition of the Hermitian ``G = i Omega`` as ``U - I = V expm1(-i lambda) V^dag``
(a closed form for two levels), and the steps are composed as deviations
(``(I + K_2)(I + K_1) - I = K_1 + K_2 + K_2 K_1``), so short strokes lose no digits. Step counts
``n, 2n, 4n`` are computed in one pass (n from the spread of the spectrum times the duration);
the first that differs from the previous one by less than ``63 * tolerance`` is accepted (its O(h^6)
error is then below ``tolerance``); past ``MAX_STEPS`` the stroke is refused with an error.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ...errors import CycleError
from .. import magnus

#: absolute tolerance on the entries of the propagator U (whose entries are at most 1)
TOLERANCE = 1e-13
#: the most Magnus steps tried before giving up
MAX_STEPS = 2**17
#: step counts n, 2n, 4n tried in one pass
_LEVELS = 3

Hamiltonian = Callable[[np.ndarray], np.ndarray]


def _step_deviation(g: np.ndarray) -> np.ndarray:
    """``exp(-i G) - I`` for Hermitian ``G`` (batched), without cancellation for small ``G``."""
    n = g.shape[-1]
    if n == 2:  # G = g0 I + g . sigma: exp(-iG) = e^(-i g0) (cos|g| I - i sin|g| (g . sigma)/|g|)
        d0, d1, g10 = g[..., 0, 0].real, g[..., 1, 1].real, g[..., 1, 0]
        g0 = 0.5 * (d0 + d1)
        gz = 0.5 * (d0 - d1)
        gx, gy = g10.real, g10.imag
        norm = np.sqrt(gx * gx + gy * gy + gz * gz)
        minus_i_g0 = -1j * g0
        cos_minus_1 = -2.0 * np.sin(0.5 * norm) ** 2
        if norm.all():  # sin|g| / |g|, 1 at |g| = 0
            sinc = np.sin(norm) / norm
        else:
            sinc = np.where(norm > 0, np.sin(norm) / np.where(norm > 0, norm, 1.0), 1.0)
        diag_common = np.expm1(minus_i_g0) * np.cos(norm) + cos_minus_1  # e^(-i g0) cos|g| - 1
        rotation = -1j * np.exp(minus_i_g0) * sinc  # the factor of g . sigma
        along_z = rotation * gz
        out = np.empty(g.shape, dtype=complex)
        out[..., 0, 0] = diag_common + along_z
        out[..., 1, 1] = diag_common - along_z
        out[..., 0, 1] = rotation * np.conj(g10)
        out[..., 1, 0] = rotation * g10
        return out
    lam, v = np.linalg.eigh(g)
    return (v * np.expm1(-1j * lam)[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


def _nodes(start: np.ndarray, end: np.ndarray, schedule: Callable[[np.ndarray], np.ndarray],
           steps: int) -> np.ndarray:
    """Control values at the Gauss nodes of every step, shape ``batch + (steps, nodes)``."""
    x = (np.arange(steps)[:, None] + magnus.NODES) / steps
    s = np.asarray(schedule(x), dtype=float)
    return start[..., None, None] + (end - start)[..., None, None] * s


def magnus_propagators(hamiltonian: Hamiltonian, start: np.ndarray, end: np.ndarray, tau: np.ndarray,
                       schedule: Callable[[np.ndarray], np.ndarray], levels: list[int]) -> list[np.ndarray]:
    """``U - I`` with each of the step counts ``levels`` (one pass over all their steps), no error
    control (:func:`magnus_deviation` adds it)."""
    x, fraction = magnus.grid(tuple(levels))
    s = np.asarray(schedule(x), dtype=float)
    H = hamiltonian(start[..., None, None] + (end - start)[..., None, None] * s)  # batch + (S, 3, N, N)
    # the step lengths times -i: with A_k = -i H_k, a1 = h A_2 = (-i h) H_2, and so on
    h = -1j * (tau[..., None, None, None] * fraction)
    omega = magnus.omega(h, H[..., 0, :, :], H[..., 1, :, :], H[..., 2, :, :])
    # G = i Omega is Hermitian up to round-off; the step's exponential reads its lower triangle
    k = _step_deviation(1j * omega)
    return magnus.compose_levels(k, tuple(levels))


def magnus_deviation(hamiltonian: Hamiltonian, start: Any, end: Any, duration: Any,
                     schedule: Callable[[np.ndarray], np.ndarray], *, spread: Any,
                     where: str, tolerance: float = TOLERANCE) -> tuple[np.ndarray, int]:
    """``U - I`` of the evolution under ``H(w(t))`` over ``duration``, and the number of steps used.

    Parameters
    ----------
    hamiltonian : callable
        ``H(w)`` for control values of shape ``batch + (steps, 2)`` (natural basis, complex).
    start, end, duration : ndarray
        Broadcast to the batch shape.
    spread : ndarray
        Largest spread of the spectrum along the stroke (sets the first step count).
    """
    start, end, tau = _broadcast(start, end, duration)
    phase = float((np.asarray(spread) * tau).max(initial=0.0))
    steps = int(max(4, np.ceil(phase / 1.5)))
    if 2 ** (_LEVELS - 1) * steps > MAX_STEPS:
        raise CycleError(f"{where}: the stroke lasts {phase:.3g} radians of the level spacing, more than "
                         f"the Magnus integrator resolves ({MAX_STEPS} steps); for a change this slow use "
                         f"QuantumAdiabat (ideal adiabatic following)")

    def propagate(levels: list[int]) -> list[np.ndarray]:
        return magnus_propagators(hamiltonian, start, end, tau, schedule, levels)

    # step counts steps, 2 steps, 4 steps in one pass; the first that agrees with the one
    # before it to 63 * tolerance is accepted (the O(h^6) error of the finer one is then below it)
    levels = [steps * 2**i for i in range(_LEVELS)]
    previous = None
    while True:
        results = propagate(levels if previous is None else levels[1:])
        if previous is not None:
            results = [previous] + results
        for n, coarse, fine in zip(levels[1:], results[:-1], results[1:]):
            error = float(np.abs(fine - coarse).max(initial=0.0)) / magnus.RICHARDSON
            if error <= tolerance:
                return fine, n
        if levels[-1] * 2 ** (_LEVELS - 1) > MAX_STEPS:
            raise CycleError(f"{where}: the unitary evolution did not converge to {tolerance:g} within "
                             f"{levels[-1]} Magnus steps (estimated error {error:.3g}); the Hamiltonian "
                             f"changes too fast or too far for its duration")
        previous = results[-1]
        levels = [levels[-1] * 2**i for i in range(_LEVELS)]


def commuting_phases(energies: Callable[[np.ndarray], np.ndarray], start: Any, end: Any, duration: Any,
                     schedule: Callable[[np.ndarray], np.ndarray], *, where: str,
                     tolerance: float = TOLERANCE) -> np.ndarray:
    """``phi_a = int_0^tau E_a(w(t)) dt`` in a fixed eigenbasis (composite three-point Gauss rule,
    doubled until converged): a commuting Hamiltonian's propagator is ``diag(exp(-i phi))``."""
    start, end, tau = _broadcast(start, end, duration)
    steps = 4

    def integrate(n: int) -> np.ndarray:
        e = energies(_nodes(start, end, schedule, n))  # batch + (n, 3, N)
        weighted = (e * magnus.WEIGHTS[:, None]).sum(axis=-2)
        return (tau / n)[..., None] * weighted.sum(axis=-2)

    coarse = integrate(steps)
    while True:
        fine = integrate(2 * steps)
        spread = np.abs(fine).max(axis=-1, initial=0.0)
        error = float(np.max(np.abs(fine - coarse).max(axis=-1, initial=0.0) / (1.0 + spread), initial=0.0))
        steps *= 2
        if error <= magnus.RICHARDSON * tolerance:
            return fine
        if steps >= MAX_STEPS:
            raise CycleError(f"{where}: the phases of the evolution did not converge within {steps} steps")
        coarse = fine


def _broadcast(*values: Any) -> list[np.ndarray]:
    """The values as float arrays of one shape."""
    arrays = [np.asarray(v, dtype=float) for v in values]
    if any(a.shape != arrays[0].shape for a in arrays[1:]):
        arrays = list(np.broadcast_arrays(*arrays))
    return arrays


__all__ = ["magnus_deviation", "magnus_propagators", "commuting_phases", "TOLERANCE", "MAX_STEPS"]
