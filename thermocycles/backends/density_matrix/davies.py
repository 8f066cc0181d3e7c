"""The Davies (secular) master equation at a fixed Hamiltonian, in its eigenbasis.

With eigenstates ``|a>`` (energies ``E_a``) and the coupling operator ``A_ab = <a|A|b>``, the GKSL
generator has one jump operator per Bohr frequency ``omega``,
``A(omega) = sum_{E_j - E_i = omega} A_ij |i><j|`` at the rate ``k(omega)`` of each reservoir's law,
and no Lamb shift (docs/explanation/physics.md, section 8). In the eigenbasis:

* populations obey the Pauli master equation with the rates ``|A_ji|^2 k(E_i - E_j)``; with
  non-degenerate levels they do not mix with coherences;
* a coherence ``rho_ab`` rotates at ``E_a - E_b`` and decays at half the sum of the two levels'
  total jump rates, plus pure dephasing ``k(0) |A_aa - A_bb|^2 / 2`` from diagonal elements of ``A``;
  when no two coherences share a Bohr frequency, that is all;
* otherwise (equally spaced levels, degenerate levels) coherences of one Bohr frequency, or
  populations and degenerate coherences, are coupled: :func:`generator` builds the full generator.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

from .basis import pairs

#: Bohr frequencies closer than this (relative to the spectrum's width) are one frequency
SECULAR_TOLERANCE = 1e-10

RateFunction = Callable[[np.ndarray], np.ndarray]


def spectrum_scale(energies: np.ndarray) -> np.ndarray:
    """Width of the spectrum, per batch element (the scale of Bohr-frequency comparisons)."""
    e = np.asarray(energies)
    return _scale(e.min(axis=-1), e.max(axis=-1))


def _scale(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """:func:`spectrum_scale` from the lowest and highest levels: ``max |E| = max(-low, high)``."""
    return np.maximum(high - low, np.maximum(-low, high)) + 1e-300


def degenerate_levels(energies: np.ndarray) -> bool:
    """Whether any two levels coincide (anywhere in the batch).

    The closest two levels are neighbours in ascending order (rounding is monotonic, so also in
    floating point): only those N - 1 gaps are compared with the tolerance.
    """
    e = np.sort(energies, axis=-1)
    gaps = e[..., 1:] - e[..., :-1]
    return bool((gaps <= SECULAR_TOLERANCE * _scale(e[..., 0], e[..., -1])[..., None]).any())


def shared_bohr_frequencies(energies: np.ndarray) -> bool:
    """Whether two different coherences ``(a, b)``, ``(j, l)`` (``a != b``) share a Bohr frequency."""
    e = np.asarray(energies)
    n = e.shape[-1]
    a, b = np.where(~np.eye(n, dtype=bool))
    bohr = e[..., a] - e[..., b]
    diff = np.where(np.eye(len(a), dtype=bool), np.inf, np.abs(bohr[..., :, None] - bohr[..., None, :]))
    return bool((diff <= SECULAR_TOLERANCE * spectrum_scale(e)[..., None, None]).any())


def coherence_exponents(energies: np.ndarray, total_rates: np.ndarray, coupling: np.ndarray | None,
                        zero_rates: Sequence[np.ndarray]) -> np.ndarray:
    """``lambda_ab`` with ``d rho_ab / dt = lambda_ab rho_ab`` for each pair ``a < b`` (row-major).

    Parameters
    ----------
    total_rates : ndarray, shape (..., N, N)
        Sum of the Pauli rate matrices of the contact (their diagonals: minus the exit rates).
    coupling : ndarray or None
        ``A`` in the eigenbasis (None: no diagonal elements, no dephasing).
    zero_rates : sequence of ndarray
        Each reservoir's (weighted) rate at zero Bohr frequency, ``k(0)``.
    """
    e = np.asarray(energies)
    n = e.shape[-1]
    a, b = pairs(n)
    exits = -np.asarray(total_rates).diagonal(axis1=-2, axis2=-1)
    lam = -1j * (e[..., a] - e[..., b]) - 0.5 * (exits[..., a] + exits[..., b])
    if coupling is not None and zero_rates:
        diag = np.diagonal(coupling, axis1=-2, axis2=-1)
        dephasing = 0.5 * np.abs(diag[..., a] - diag[..., b]) ** 2
        k0 = sum(np.asarray(k, dtype=float) for k in zero_rates)
        lam = lam - np.asarray(k0)[..., None] * dephasing
    return lam


def coherence_deviation(exponents: np.ndarray, duration: Any, n: int) -> np.ndarray:
    """The real 2P x 2P deviation block of independent coherences ``rho_ab -> e^(lambda tau) rho_ab``,
    in the coordinates ``(sqrt 2 Re rho_ab ..., sqrt 2 Im rho_ab ...)``."""
    tau = np.asarray(duration, dtype=float)[..., None]
    f1 = np.expm1(exponents * tau)  # e^(lambda tau) - 1, accurate for short strokes
    p = exponents.shape[-1]
    block = np.zeros(f1.shape[:-1] + (2 * p, 2 * p))
    rows, columns = _rotation_slots(p)
    block[..., rows, columns] = np.concatenate([f1.real, f1.real, -f1.imag, f1.imag], axis=-1)
    return block


@functools.lru_cache(maxsize=64)
def _rotation_slots(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Where the entries ``Re f, Re f, -Im f, Im f`` of each coherence's 2 x 2 block sit in the 2P x 2P
    block of :func:`coherence_deviation` (rows, columns)."""
    idx = np.arange(p)
    rows = np.concatenate([idx, p + idx, idx, p + idx])
    columns = np.concatenate([idx, p + idx, p + idx, idx])
    rows.flags.writeable = columns.flags.writeable = False
    return rows, columns


def generator(energies: np.ndarray, coupling: np.ndarray | None, laws: Sequence[RateFunction], *,
              hamiltonian: bool = True) -> np.ndarray:
    """The full Davies generator in the eigenbasis, acting on row-major ``vec(rho)``, complex
    ``(..., N^2, N^2)``: for Bohr frequencies shared by several transitions and degenerate levels.

    ``laws`` are the reservoirs' rate functions ``k(omega)`` (temperature, coupling and weight
    bound); ``hamiltonian=False`` leaves out ``-i [H, rho]`` (the dissipator alone).
    """
    e = np.asarray(energies, dtype=float)
    n = e.shape[-1]
    A = (np.ones(e.shape[:-1] + (n, n)) - np.eye(n)).astype(complex) if coupling is None else np.asarray(coupling)
    scale = SECULAR_TOLERANCE * spectrum_scale(e)[..., None, None, None, None]
    omega = e[..., None, :] - e[..., :, None]  # [a, j] = E_j - E_a: energy given to the bath by j -> a
    # secular condition for A_aj rho_jl A*_bl: the two transitions share their Bohr frequency
    same = np.abs(omega[..., :, :, None, None] - omega[..., None, None, :, :]) <= scale  # [a, j, b, l]
    degenerate = np.abs(omega) <= SECULAR_TOLERANCE * spectrum_scale(e)[..., None, None]  # [a, b]: E_a = E_b
    L = np.zeros(e.shape[:-1] + (n, n, n, n), dtype=complex)  # [a, b, j, l]
    eye = np.eye(n)
    if hamiltonian:
        L += ((-1j * (e[..., :, None] - e[..., None, :]))[..., :, :, None, None]
              * eye[:, None, :, None] * eye[None, :, None, :])
    active = np.abs(A) > 0  # only coupled pairs need a rate (a law may diverge at omega = 0)
    for law in laws:
        k = np.where(active, law(np.where(active, omega, 1.0)), 0.0)  # [a, j] = k(E_j - E_a): j -> a
        jump = (k * A)[..., :, :, None, None] * np.conj(A)[..., None, None, :, :]  # [a, j, b, l]
        L += np.swapaxes(np.where(same, jump, 0.0), -3, -2)  # -> [a, b, j, l]
        # Gamma = sum_omega k(omega) A(omega)^dag A(omega): Gamma_ab = sum_i k(E_a - E_i) conj(A_ia) A_ib
        # between degenerate a, b only (k(E_a - E_i) sits at [i, a])
        gamma = np.where(degenerate, np.einsum("...ia,...ia,...ib->...ab", k, np.conj(A), A), 0.0)
        L -= 0.5 * gamma[..., :, None, :, None] * eye[None, :, None, :]  # Gamma_aj rho_jb
        L -= 0.5 * eye[:, None, :, None] * np.swapaxes(gamma, -1, -2)[..., None, :, None, :]  # rho_al Gamma_lb
    return L.reshape(e.shape[:-1] + (n * n, n * n))


__all__ = ["coherence_exponents", "coherence_deviation", "generator", "degenerate_levels",
           "shared_bohr_frequencies", "SECULAR_TOLERANCE"]
