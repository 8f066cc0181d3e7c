"""Brute-force reference ("oracle") for COHERENT finite-time quantum cycles, numpy/scipy only.

This module shares no code with ``thermocycles`` (it never imports it) nor with the second coherent
oracle ``oracle_qutip.py``. It re-derives everything from ``docs/explanation/physics.md`` section 8 and integrates the
density matrix itself, stroke by stroke, with ``scipy.integrate.solve_ivp``. Natural units,
hbar = k_B = 1.

Substance
---------
A substance is a function ``hamiltonian(w) -> (N, N)`` complex Hermitian matrix in a fixed "natural"
basis, plus a coupling operator ``coupling`` (an ``(N, N)`` Hermitian matrix in the natural basis) or
the string ``"all_pairs_eigen"``. Helpers: :func:`qubit_hamiltonian` (``(w sigma_z + delta
sigma_x)/2``, ``sigma_z = diag(1, -1)`` in the basis ``(|0>, |1>)``), :func:`matrix_hamiltonian`
(``w -> h0 + w h1``) and :func:`qubit` (the qubit family as a :class:`MatrixHamiltonian`).
``dH/dw`` is needed only for the work integral of the unitary strokes (a cross-check): it is exact
for a :class:`MatrixHamiltonian` (``h1``) or any callable with a ``derivative`` attribute, and a
fourth-order central difference (step ``1e-3 max(1, |w|)``) otherwise.

Eigenbasis
----------
``numpy.linalg.eigh`` of ``H(w)``, eigenvalues ascending. Every eigenvector is given a fixed phase:
its component of largest modulus (the first one within 1e-9 of the largest) is made real positive.
The phase convention only matters for ``"all_pairs_eigen"`` when several transitions share one Bohr
frequency (e.g. equally spaced levels): then ``A = sum_{i != j} |i><j|`` and hence the coherence
transfer terms of the secular dissipator depend on it. With a user matrix ``A`` it never matters.

Bath laws
---------
``k(omega, beta, gamma)`` is the rate of a jump that gives the energy ``omega`` to the bath
(``omega > 0``: downward jump):

* ``"tanh"``      ``gamma (1 + tanh(beta omega / 2))``, evaluated as ``2 gamma / (1 + exp(-beta omega))``
  (same function, but without the cancellation of ``1 - tanh`` for the upward rate at large
  ``beta omega``); note that it is exactly twice the fermionic law;
* ``"bosonic"``   ``gamma / |1 - exp(-beta omega)|`` (``gamma (nbar + 1)`` down, ``gamma nbar`` up);
  infinite at ``omega = 0``: a nonzero ``omega = 0`` jump operator then raises ``ValueError``;
* ``"fermionic"`` ``gamma / (1 + exp(-beta omega))``;
* or any callable ``k(omega, beta, gamma)`` (taken as given; no detailed-balance check here).

Strokes (each a frozen dataclass; ``tau`` is the duration)
------------------------------------------------------------
* :class:`Isochore` ``(name, w, T, gamma, tau, law="tanh", reservoir=None)``: fixed control ``w``,
  reservoir at temperature ``T`` (``reservoir`` defaults to ``name``). GKSL equation
  ``d rho/dt = -i[H, rho] + D(rho)`` with the Davies (secular) dissipator built in the eigenbasis
  ``{|i>, E_i}`` of ``H(w)``: the coupling in the eigenbasis ``A_ij = <i|A|j>`` (for
  ``"all_pairs_eigen"``: all ones minus the identity); all pairs ``(i, j)`` (``i == j`` included) are
  grouped by Bohr frequency ``omega = E_j - E_i`` (sorted values split where consecutive ones differ
  by more than ``BOHR_TOL`` times the spectral scale); each group gives one jump operator
  ``A(omega) = sum_(i, j) A_ij |i><j|`` (then rotated to the natural basis) with rate
  ``k(omega)`` (``omega`` exactly 0 for the group holding the diagonal), and
  ``D(rho) = sum_omega k(omega) [A(omega) rho A(omega)^dag - 1/2 {A(omega)^dag A(omega), rho}]``.
  No Lamb shift. Zero operators are dropped. Heat absorbed by the substance
  ``Q = Tr[H (rho_end - rho_start)]`` (reported); an extra ODE component integrates
  ``int_0^tau Tr[H D(rho)] dt`` independently (``stroke_heat_integrated``, a cross-check; a mismatch
  beyond ``CROSS_CHECK_TOL`` times the energy scale raises ``RuntimeError``).
* :class:`Unitary` ``(name, w0, w1, tau, schedule=None, schedule_derivative=None)``: isolated,
  ``d rho/dt = -i[H(w(t)), rho]`` with ``w(t) = w0 + (w1 - w0) s(t / tau)``, ``s(0) = 0``,
  ``s(1) = 1`` (default ``s(x) = x``). Work done on the substance
  ``W = Tr[H(w1) rho_end] - Tr[H(w0) rho_start]`` (reported); an extra ODE component integrates
  ``int_0^tau Tr[(dH/dt) rho] dt`` with ``dH/dt = dH/dw (w1 - w0) s'(t/tau) / tau``
  (``stroke_work_integrated``). ``s'`` is ``schedule_derivative`` if given, else a fourth-order
  central difference with step 1e-3 (so ``s`` is evaluated up to 2e-3 outside [0, 1]).
  ``tau = 0`` is a sudden quench: ``rho`` unchanged, ``W = Tr[(H(w1) - H(w0)) rho]``.
* :class:`Adiabat` ``(name, w0, w1, tau)``: ideal quantum adiabatic following. Populations in the
  instantaneous eigenbasis (ascending eigenvalues) are carried over, coherences dropped:
  ``rho_end = sum_k <k_0|rho|k_0> |k_1><k_1|``, ``W = sum_k p_k (E_k(w1) - E_k(w0))``. ``tau`` only
  adds to the cycle time. A (near-)degenerate spectrum at either end raises ``ValueError``.

Consecutive strokes must join up in ``w`` (end of one == start of the next, cyclically), else
``ValueError``.

Integration
-----------
``solve_ivp`` (``DOP853``, ``rtol = 1e-12``, ``atol = 1e-14``) on the real vector
``(Re rho.ravel(), Im rho.ravel(), energy accumulator)``. The right-hand sides are written with plain
matrix products (no superoperators); ``rho`` is never symmetrised or renormalised.

Periodic steady state
---------------------
:func:`run_cycle` is honest brute force, without any acceleration: start from an arbitrary full-rank
state with coherences (or ``rho0``), run whole cycles, and stop when the start-of-cycle density matrix
changes by less than ``tol`` (default ``1e-13``, max abs elementwise) from one cycle to the next. The
figures of that last cycle are reported, with the number of cycles it took (``n_cycles``), the last
change, and the observed contraction factor per cycle ``q`` (ratio of the last two changes), from which
the distance of the reported start state to the true fixed point is about ``last_change / (1 - q)``
(``error_estimate``). More than
``max_cycles`` cycles raise ``RuntimeError``.

Output and sign convention
--------------------------
:class:`Result`: ``heat[r]`` is the heat absorbed by the substance from reservoir ``r`` per cycle,
``work`` the work done on the substance per cycle, so ``sum(heat.values()) + work = 0`` in the periodic
state (up to the integration error). ``stroke_heat`` / ``stroke_work`` are per stroke (0.0 where not
applicable), ``rho_start`` / ``rho_end`` the density matrices (natural basis) at the start / end of each
stroke. :func:`propagate` takes a given state once through an arbitrary (not necessarily closed)
sequence of strokes and returns the same kind of object.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import expit

RTOL = 1e-12
ATOL = 1e-14
METHOD = "DOP853"
#: the cycle iteration stops when max |rho_start(next cycle) - rho_start(this cycle)| < CONVERGENCE_TOL
CONVERGENCE_TOL = 1e-13
MAX_CYCLES = 20_000
#: Bohr frequencies (and eigenvalues) closer than BOHR_TOL * (spectral scale) are taken as equal
BOHR_TOL = 1e-9
#: step of the finite differences for dH/dw (times max(1, |w|)) and ds/dx
FD_STEP = 1e-3
#: propagate() raises if a stroke's integrated heat / work misses the energy difference by more than
#: CROSS_CHECK_TOL * max(1, largest |eigenvalue| of H at the stroke's ends)
CROSS_CHECK_TOL = 1e-8
#: the string selecting the "every pair of eigenstates coupled with |A_ij|^2 = 1" coupling
ALL_PAIRS_EIGEN = "all_pairs_eigen"

SIGMA_X = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
SIGMA_Z = np.array([[1.0, 0.0], [0.0, -1.0]], dtype=complex)


# --------------------------------------------------------------------------------------------
# substances
# --------------------------------------------------------------------------------------------
def qubit_hamiltonian(w: float, delta: float) -> np.ndarray:
    """Qubit Hamiltonian ``(w sigma_z + delta sigma_x) / 2`` in the basis ``(|0>, |1>)``.

    Parameters
    ----------
    w : float
        Control (the ``sigma_z`` splitting).
    delta : float
        Tunnelling (``sigma_x``) amplitude; the gap is ``sqrt(w**2 + delta**2)``.

    Returns
    -------
    numpy.ndarray
        The ``(2, 2)`` complex Hermitian matrix.
    """
    return 0.5 * (w * SIGMA_Z + delta * SIGMA_X)


@dataclass(frozen=True, eq=False)
class MatrixHamiltonian:
    """Hamiltonian linear in the control, ``H(w) = h0 + w h1`` (so ``dH/dw = h1`` exactly).

    Parameters
    ----------
    h0, h1 : numpy.ndarray
        ``(N, N)`` Hermitian matrices in the natural basis.
    """

    h0: np.ndarray
    h1: np.ndarray

    def __call__(self, w: float) -> np.ndarray:
        """Return ``h0 + w h1``."""
        return self.h0 + w * self.h1

    def derivative(self, w: float) -> np.ndarray:
        """Return ``dH/dw = h1``."""
        return self.h1


def matrix_hamiltonian(h0, h1) -> MatrixHamiltonian:
    """Return the Hamiltonian ``w -> h0 + w h1`` (checks shapes and Hermiticity).

    Parameters
    ----------
    h0, h1 : array_like
        ``(N, N)`` Hermitian matrices in the natural basis.

    Returns
    -------
    MatrixHamiltonian
        Callable ``w -> h0 + w h1`` with an exact ``derivative``.
    """
    h0 = np.array(h0, dtype=complex)
    h1 = np.array(h1, dtype=complex)
    if h0.shape != h1.shape or h0.ndim != 2 or h0.shape[0] != h0.shape[1]:
        raise ValueError("h0 and h1 must be square matrices of the same shape")
    for h in (h0, h1):
        if not np.allclose(h, h.conj().T, rtol=0.0, atol=1e-14 * max(1.0, np.abs(h).max())):
            raise ValueError("h0 and h1 must be Hermitian")
    return MatrixHamiltonian(h0, h1)


def qubit(delta: float) -> MatrixHamiltonian:
    """The qubit family ``w -> (w sigma_z + delta sigma_x)/2`` as a :class:`MatrixHamiltonian`."""
    return matrix_hamiltonian(0.5 * delta * SIGMA_X, 0.5 * SIGMA_Z)


def _central_difference(f: Callable, x: float, h: float):
    """Fourth-order central difference ``f'(x)`` (works for array-valued ``f``)."""
    return (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h)) / (12 * h)


def _dh_dw(hamiltonian: Callable, w: float) -> np.ndarray:
    """``dH/dw``: the ``derivative`` attribute when present, else a central difference."""
    derivative = getattr(hamiltonian, "derivative", None)
    if derivative is not None:
        return np.asarray(derivative(w), dtype=complex)
    step = FD_STEP * max(1.0, abs(w))
    return _central_difference(lambda x: np.asarray(hamiltonian(x), dtype=complex), w, step)


def _h(hamiltonian: Callable, w: float) -> np.ndarray:
    """``H(w)`` as a complex array."""
    return np.asarray(hamiltonian(w), dtype=complex)


def eigensystem(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors (columns) of ``h`` with the fixed phase convention.

    Parameters
    ----------
    h : numpy.ndarray
        Hermitian matrix.

    Returns
    -------
    energies : numpy.ndarray
        Ascending eigenvalues.
    vectors : numpy.ndarray
        Unitary matrix whose column ``k`` is the eigenvector of ``energies[k]``; in each column the
        first component whose modulus is within 1e-9 of the largest one is real positive.
    """
    energies, vectors = np.linalg.eigh(h)
    vectors = vectors.copy()
    for k in range(vectors.shape[1]):
        moduli = np.abs(vectors[:, k])
        pivot = int(np.flatnonzero(moduli >= moduli.max() - 1e-9)[0])
        vectors[:, k] *= np.conj(vectors[pivot, k]) / moduli[pivot]
    return energies, vectors


def _spectral_tol(energies: np.ndarray) -> float:
    scale = max(float(np.ptp(energies)), float(np.abs(energies).max()), np.finfo(float).tiny)
    return BOHR_TOL * scale


# --------------------------------------------------------------------------------------------
# bath laws
# --------------------------------------------------------------------------------------------
def _tanh_law(omega: float, beta: float, gamma: float) -> float:
    # gamma (1 + tanh(x/2)) = 2 gamma / (1 + exp(-x)): the second form keeps its full relative accuracy
    # for the small upward rates (1 - tanh(x/2) cancels catastrophically for x >~ 10)
    return 2.0 * gamma * float(expit(beta * omega))


def _bosonic_law(omega: float, beta: float, gamma: float) -> float:
    x = beta * omega
    if x == 0.0:
        return math.inf
    if x > 0.0:  # gamma (nbar + 1) = gamma / (1 - exp(-x))
        return gamma / -math.expm1(-x)
    return gamma * math.exp(x) / -math.expm1(x)  # gamma nbar(|x|) = gamma / (exp(|x|) - 1)


def _fermionic_law(omega: float, beta: float, gamma: float) -> float:
    return gamma * float(expit(beta * omega))  # gamma / (1 + exp(-beta omega))


LAWS = {"tanh": _tanh_law, "bosonic": _bosonic_law, "fermionic": _fermionic_law}


def law_rate(law, omega: float, beta: float, gamma: float) -> float:
    """Rate of a jump giving ``omega`` to a bath at inverse temperature ``beta``.

    Parameters
    ----------
    law : str or callable
        ``"tanh"``, ``"bosonic"``, ``"fermionic"`` or ``k(omega, beta, gamma)``.
    omega : float
        Energy given to the bath (``> 0``: downward jump).
    beta : float
        Inverse temperature of the bath.
    gamma : float
        Coupling rate.

    Returns
    -------
    float
        The rate (``inf`` for the bosonic law at ``omega = 0``).
    """
    fn = LAWS[law] if isinstance(law, str) else law
    return float(fn(float(omega), float(beta), float(gamma)))


# --------------------------------------------------------------------------------------------
# Davies dissipator
# --------------------------------------------------------------------------------------------
def jump_operators(h: np.ndarray, coupling, temperature: float, gamma: float, law="tanh") -> list:
    """Davies jump operators of the coupling ``coupling`` at Hamiltonian ``h``.

    Parameters
    ----------
    h : numpy.ndarray
        Hamiltonian at the isochore's control value (natural basis).
    coupling : numpy.ndarray or str
        Coupling operator ``A`` (natural basis) or ``"all_pairs_eigen"``.
    temperature : float
        Reservoir temperature ``T > 0``.
    gamma : float
        Coupling rate.
    law : str or callable
        Bath law (see :func:`law_rate`).

    Returns
    -------
    list of tuple
        ``(omega, rate, L)`` with ``L = A(omega)`` in the natural basis; the dissipator is
        ``sum rate (L rho L^dag - {L^dag L, rho}/2)``.
    """
    energies, vectors = eigensystem(h)
    n = len(energies)
    if isinstance(coupling, str):
        if coupling != ALL_PAIRS_EIGEN:
            raise ValueError(f"unknown coupling {coupling!r}")
        a_eig = np.ones((n, n), dtype=complex) - np.eye(n)
    else:
        a_nat = np.asarray(coupling, dtype=complex)
        a_eig = vectors.conj().T @ a_nat @ vectors  # <i|A|j>
    beta = 1.0 / temperature
    tol = _spectral_tol(energies)
    # all pairs (i, j) with their Bohr frequency omega_ij = E_j - E_i, sorted and split into groups
    pairs = sorted(((energies[j] - energies[i], i, j) for i in range(n) for j in range(n)),
                   key=lambda item: item[0])
    groups: list[list] = [[pairs[0]]]
    for item in pairs[1:]:
        if item[0] - groups[-1][-1][0] > tol:
            groups.append([item])
        else:
            groups[-1].append(item)
    result = []
    for group in groups:
        members = [(i, j) for _, i, j in group]
        omega = 0.0 if any(i == j for i, j in members) else float(np.mean([g[0] for g in group]))
        op_eig = np.zeros((n, n), dtype=complex)
        for i, j in members:
            op_eig[i, j] = a_eig[i, j]
        if np.abs(op_eig).max() <= 1e-14 * max(1.0, np.abs(a_eig).max()):
            continue
        rate = law_rate(law, omega, beta, gamma)
        if not math.isfinite(rate):
            raise ValueError(f"the bath law gives a non-finite rate at omega = {omega!r} and the "
                             "coupling has a nonzero jump operator there")
        if rate == 0.0:
            continue
        result.append((omega, rate, vectors @ op_eig @ vectors.conj().T))
    return result


def dissipator(rho: np.ndarray, jumps: list) -> np.ndarray:
    """``D(rho) = sum_k rate_k (L_k rho L_k^dag - {L_k^dag L_k, rho}/2)`` for ``(omega, rate, L)``."""
    out = np.zeros_like(rho)
    for _, rate, op in jumps:
        op_dag = op.conj().T
        ldl = op_dag @ op
        out += rate * (op @ rho @ op_dag - 0.5 * (ldl @ rho + rho @ ldl))
    return out


def gibbs_state(h: np.ndarray, temperature: float) -> np.ndarray:
    """Thermal state ``exp(-H/T)/Z`` (natural basis), via the eigen-decomposition."""
    energies, vectors = np.linalg.eigh(np.asarray(h, dtype=complex))
    weights = np.exp(-(energies - energies.min()) / temperature)
    return (vectors * (weights / weights.sum())) @ vectors.conj().T


# --------------------------------------------------------------------------------------------
# strokes
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Isochore:
    """Contact with a reservoir at fixed control ``w`` for the duration ``tau``.

    Parameters
    ----------
    name : str
        Stroke name.
    w : float
        Control value.
    T : float
        Reservoir temperature (``> 0``).
    gamma : float
        Coupling rate.
    tau : float
        Duration (``>= 0``).
    law : str or callable
        Bath law, default ``"tanh"``.
    reservoir : str, optional
        Reservoir the heat is booked to (default: ``name``).
    """

    name: str
    w: float
    T: float
    gamma: float
    tau: float
    law: object = "tanh"
    reservoir: str | None = None

    @property
    def bath(self) -> str:
        """Name of the reservoir the heat is booked to."""
        return self.name if self.reservoir is None else self.reservoir

    @property
    def w_start(self) -> float:
        return self.w

    @property
    def w_end(self) -> float:
        return self.w


@dataclass(frozen=True)
class Unitary:
    """Isolated finite-time ramp ``w0 -> w1`` over ``tau`` along ``schedule`` (default linear).

    Parameters
    ----------
    name : str
        Stroke name.
    w0, w1 : float
        Control at the start and at the end.
    tau : float
        Duration (``0``: sudden quench).
    schedule : callable, optional
        ``s: [0, 1] -> [0, 1]`` with ``s(0) = 0``, ``s(1) = 1``; ``w(t) = w0 + (w1 - w0) s(t/tau)``.
    schedule_derivative : callable, optional
        ``s'(x)``; only used for the work-integral cross-check (default: finite difference).
    """

    name: str
    w0: float
    w1: float
    tau: float
    schedule: Callable | None = None
    schedule_derivative: Callable | None = None

    @property
    def w_start(self) -> float:
        return self.w0

    @property
    def w_end(self) -> float:
        return self.w1

    def s(self, x: float) -> float:
        """Schedule value ``s(x)``."""
        return x if self.schedule is None else float(self.schedule(x))

    def ds(self, x: float) -> float:
        """Schedule derivative ``s'(x)``."""
        if self.schedule is None:
            return 1.0
        if self.schedule_derivative is not None:
            return float(self.schedule_derivative(x))
        return float(_central_difference(self.schedule, x, FD_STEP))


@dataclass(frozen=True)
class Adiabat:
    """Ideal quantum adiabat ``w0 -> w1`` (populations carried, coherences dropped), duration ``tau``."""

    name: str
    w0: float
    w1: float
    tau: float = 0.0

    @property
    def w_start(self) -> float:
        return self.w0

    @property
    def w_end(self) -> float:
        return self.w1


def _pack(rho: np.ndarray, acc: float = 0.0) -> np.ndarray:
    """ODE state vector ``(Re rho.ravel(), Im rho.ravel(), acc)``."""
    m = rho.size
    y = np.empty(2 * m + 1)
    y[:m] = rho.real.ravel()
    y[m:2 * m] = rho.imag.ravel()
    y[2 * m] = acc
    return y


def _unpack(y: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    """Inverse of :func:`_pack`: ``(rho, acc)``."""
    m = n * n
    return (y[:m] + 1j * y[m:2 * m]).reshape(n, n), float(y[2 * m])


def _trace_product(a: np.ndarray, b: np.ndarray) -> float:
    """``Re Tr[a b]`` as ``sum_ij a_ij b_ji`` (real for Hermitian ``a``, ``b``)."""
    return float(np.sum(a * b.T).real)


def _integrate(rhs: Callable, t_end: float, y0: np.ndarray) -> np.ndarray:
    sol = solve_ivp(rhs, (0.0, t_end), y0, method=METHOD, rtol=RTOL, atol=ATOL)
    if not sol.success:  # pragma: no cover
        raise RuntimeError(f"solve_ivp failed: {sol.message}")
    return sol.y[:, -1]


def run_isochore(hamiltonian: Callable, coupling, stroke: Isochore,
                 rho: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Integrate the Davies master equation for one isochore.

    Returns
    -------
    rho_end : numpy.ndarray
        State at the end (natural basis).
    heat : float
        ``Tr[H (rho_end - rho)]``, heat absorbed by the substance.
    heat_integrated : float
        ``int Tr[H D(rho)] dt`` from the extra ODE component.
    """
    if stroke.T <= 0.0:
        raise ValueError("the reservoir temperature must be > 0")
    if stroke.tau < 0.0:
        raise ValueError("durations must be >= 0")
    h = _h(hamiltonian, stroke.w)
    jumps = jump_operators(h, coupling, stroke.T, stroke.gamma, stroke.law)
    n = h.shape[0]
    if stroke.tau == 0.0:
        return rho.copy(), 0.0, 0.0

    def rhs(t, y):
        r, _ = _unpack(y, n)
        d = dissipator(r, jumps)
        dr = -1j * (h @ r - r @ h) + d
        return _pack(dr, _trace_product(h, d))

    rho_end, heat_integrated = _unpack(_integrate(rhs, stroke.tau, _pack(rho)), n)
    heat = float(np.trace(h @ (rho_end - rho)).real)
    return rho_end, heat, heat_integrated


def run_unitary(hamiltonian: Callable, stroke: Unitary,
                rho: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Integrate the von Neumann equation along the ramp.

    Returns
    -------
    rho_end : numpy.ndarray
        State at the end (natural basis).
    work : float
        ``Tr[H(w1) rho_end] - Tr[H(w0) rho]``, work done on the substance.
    work_integrated : float
        ``int Tr[(dH/dt) rho] dt`` from the extra ODE component.
    """
    h0 = _h(hamiltonian, stroke.w0)
    h1 = _h(hamiltonian, stroke.w1)
    n = h0.shape[0]
    if stroke.tau < 0.0:
        raise ValueError("durations must be >= 0")
    if stroke.tau == 0.0:  # sudden quench
        work = float(np.trace((h1 - h0) @ rho).real)
        return rho.copy(), work, work
    tau, dw = stroke.tau, stroke.w1 - stroke.w0

    def rhs(t, y):
        r, _ = _unpack(y, n)
        x = t / tau
        w = stroke.w0 + dw * stroke.s(x)
        h = _h(hamiltonian, w)
        h_dot = _dh_dw(hamiltonian, w) * (dw * stroke.ds(x) / tau)
        return _pack(-1j * (h @ r - r @ h), _trace_product(h_dot, r))

    rho_end, work_integrated = _unpack(_integrate(rhs, tau, _pack(rho)), n)
    work = float(np.trace(h1 @ rho_end).real - np.trace(h0 @ rho).real)
    return rho_end, work, work_integrated


def run_adiabat(hamiltonian: Callable, stroke: Adiabat, rho: np.ndarray) -> tuple[np.ndarray, float]:
    """Ideal adiabatic following: returns ``(rho_end, work)``."""
    e0, v0 = eigensystem(_h(hamiltonian, stroke.w0))
    e1, v1 = eigensystem(_h(hamiltonian, stroke.w1))
    for e in (e0, e1):
        if len(e) > 1 and np.min(np.diff(e)) <= _spectral_tol(e):
            raise ValueError("the ideal adiabat needs a non-degenerate spectrum at both ends")
    p = np.einsum("ik,ij,jk->k", v0.conj(), rho, v0).real  # <k_0|rho|k_0>
    rho_end = (v1 * p) @ v1.conj().T
    return rho_end, float(p @ (e1 - e0))


# --------------------------------------------------------------------------------------------
# cycles
# --------------------------------------------------------------------------------------------
@dataclass
class Result:
    """Figures of one pass through the strokes (for :func:`run_cycle`: one cycle of the limit cycle).

    Attributes
    ----------
    heat : dict
        Reservoir name -> heat absorbed by the substance.
    work : float
        Total work done on the substance.
    stroke_names : list of str
    stroke_heat : list of float
        Heat absorbed on each stroke (0.0 on unitary strokes and adiabats).
    stroke_work : list of float
        Work done on each stroke (0.0 on isochores).
    stroke_heat_integrated, stroke_work_integrated : list of float
        The same from the extra ODE components (``int Tr[H D(rho)] dt``, ``int Tr[dH/dt rho] dt``);
        on adiabats the work is ``Tr[H(w1) rho_end] - Tr[H(w0) rho_start]``.
    rho_start, rho_end : list of numpy.ndarray
        Density matrix (natural basis) at the start / end of each stroke.
    cycle_time : float
        Sum of the stroke durations.
    temperatures : dict
        Reservoir name -> temperature.
    n_cycles : int
        Cycles run to reach the periodic state (0 for :func:`propagate`).
    last_change : float
        max |rho_start change| over the last cycle.
    contraction : float
        Observed contraction factor per cycle (ratio of the last two changes; nan if unknown).
    """

    heat: dict
    work: float
    stroke_names: list
    stroke_heat: list
    stroke_work: list
    stroke_heat_integrated: list
    stroke_work_integrated: list
    rho_start: list
    rho_end: list
    cycle_time: float
    temperatures: dict = field(default_factory=dict)
    n_cycles: int = 0
    last_change: float = math.nan
    contraction: float = math.nan

    @property
    def first_law_residual(self) -> float:
        """``sum(heat) + work`` (zero in the periodic state up to the integration error)."""
        return float(sum(self.heat.values()) + self.work)

    @property
    def error_estimate(self) -> float:
        """Rough distance of ``rho_start[0]`` to the true fixed point, ``last_change / (1 - q)``."""
        q = self.contraction
        if not (0.0 <= q < 1.0):
            return math.nan
        return self.last_change / (1.0 - q)

    def entropy_production(self) -> float:
        """``-sum_r heat[r] / T_r`` per cycle (``>= 0`` in the periodic state)."""
        return -sum(q / self.temperatures[r] for r, q in self.heat.items())


def _check_strokes(strokes, closed: bool) -> None:
    if not strokes:
        raise ValueError("no strokes")
    for s in strokes:
        if not isinstance(s, (Isochore, Unitary, Adiabat)):
            raise TypeError(f"not a stroke: {s!r}")
    n = len(strokes) if closed else len(strokes) - 1
    for k in range(n):
        a, b = strokes[k].w_end, strokes[(k + 1) % len(strokes)].w_start
        if abs(a - b) > 1e-12 * max(1.0, abs(a), abs(b)):
            raise ValueError(f"stroke {strokes[k].name!r} ends at w = {a!r} but the next one starts at "
                             f"w = {b!r}")


def propagate(hamiltonian: Callable, coupling, strokes, rho0) -> Result:
    """Take the density matrix ``rho0`` once through ``strokes`` (need not be a closed cycle).

    Parameters
    ----------
    hamiltonian : callable
        ``w -> H(w)``, ``(N, N)`` Hermitian (natural basis).
    coupling : array_like or str
        Coupling operator ``A`` (natural basis) or ``"all_pairs_eigen"``.
    strokes : sequence of Isochore, Unitary, Adiabat
    rho0 : array_like
        Initial density matrix (natural basis).

    Returns
    -------
    Result
    """
    strokes = list(strokes)
    _check_strokes(strokes, closed=False)
    rho = np.array(rho0, dtype=complex)
    heat: dict = {}
    temperatures: dict = {}
    for s in strokes:
        if isinstance(s, Isochore):
            if temperatures.setdefault(s.bath, s.T) != s.T:
                raise ValueError(f"reservoir {s.bath!r} used with two temperatures")
            heat.setdefault(s.bath, 0.0)
    out = Result(heat=heat, work=0.0, stroke_names=[], stroke_heat=[], stroke_work=[],
                 stroke_heat_integrated=[], stroke_work_integrated=[], rho_start=[], rho_end=[],
                 cycle_time=float(sum(s.tau for s in strokes)), temperatures=temperatures)
    for s in strokes:
        out.rho_start.append(rho)
        q = q_int = w = w_int = 0.0
        if isinstance(s, Isochore):
            rho, q, q_int = run_isochore(hamiltonian, coupling, s, rho)
            heat[s.bath] += q
        elif isinstance(s, Unitary):
            rho, w, w_int = run_unitary(hamiltonian, s, rho)
        else:
            rho, w = run_adiabat(hamiltonian, s, rho)
            w_int = float(np.trace(_h(hamiltonian, s.w1) @ rho).real
                          - np.trace(_h(hamiltonian, s.w0) @ out.rho_start[-1]).real)
        h_scale = max(1.0, *(float(np.abs(np.linalg.eigvalsh(_h(hamiltonian, x))).max())
                             for x in (s.w_start, s.w_end)))
        if abs(q - q_int) + abs(w - w_int) > CROSS_CHECK_TOL * h_scale:
            raise RuntimeError(f"stroke {s.name!r}: energy difference and integrated heat/work disagree "
                               f"(heat {q!r} vs {q_int!r}, work {w!r} vs {w_int!r})")
        out.work += w
        out.stroke_names.append(s.name)
        out.stroke_heat.append(q)
        out.stroke_heat_integrated.append(q_int)
        out.stroke_work.append(w)
        out.stroke_work_integrated.append(w_int)
        out.rho_end.append(rho)
    return out


def default_initial_state(n: int) -> np.ndarray:
    """An arbitrary full-rank ``n x n`` density matrix with coherences (fixed, deterministic)."""
    k = np.arange(n)
    m = np.eye(n) + 0.3 * np.exp(1j * (np.add.outer(k, 2 * k) + 1.0)) / n
    rho = m @ m.conj().T
    return rho / np.trace(rho).real


def run_cycle(hamiltonian: Callable, coupling, strokes, rho0=None, tol: float = CONVERGENCE_TOL,
              max_cycles: int = MAX_CYCLES) -> Result:
    """Periodic steady state by running whole cycles until the start state stops changing.

    Parameters
    ----------
    hamiltonian : callable
        ``w -> H(w)``, ``(N, N)`` Hermitian (natural basis).
    coupling : array_like or str
        Coupling operator ``A`` (natural basis) or ``"all_pairs_eigen"``.
    strokes : sequence of Isochore, Unitary, Adiabat
        One cycle; consecutive strokes (cyclically) must join up in ``w``.
    rho0 : array_like, optional
        Start state (default :func:`default_initial_state`).
    tol : float
        Stop when max |rho_start(next) - rho_start(this)| < tol.
    max_cycles : int
        Raise ``RuntimeError`` after this many cycles.

    Returns
    -------
    Result
        The last cycle, with ``n_cycles``, ``last_change`` and ``contraction`` filled in.
    """
    strokes = list(strokes)
    _check_strokes(strokes, closed=True)
    n = _h(hamiltonian, strokes[0].w_start).shape[0]
    rho = default_initial_state(n) if rho0 is None else np.array(rho0, dtype=complex)
    previous = math.nan
    change = math.nan
    for k in range(1, max_cycles + 1):
        result = propagate(hamiltonian, coupling, strokes, rho)
        change = float(np.max(np.abs(result.rho_end[-1] - rho)))
        rho = result.rho_end[-1]
        if change < tol:
            result.n_cycles = k
            result.last_change = change
            result.contraction = change / previous if previous > 0.0 else math.nan
            return result
        previous = change
    raise RuntimeError(f"no periodic state after {max_cycles} cycles (last change {change:.3e})")
