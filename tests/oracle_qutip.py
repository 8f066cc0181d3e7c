"""QuTiP-based reference ("oracle") for COHERENT finite-time quantum cycles.

This module shares no code with ``thermocycles`` (it never imports it) nor with the numpy oracle
``oracle_density_matrix.py``. It states the same model (``docs/explanation/physics.md`` section 8, natural units
hbar = k_B = 1) with QuTiP 5 objects and finds the periodic steady state in a different way: it builds
the one-cycle superoperator from QuTiP propagators and takes its fixed point, instead of running cycles.

Substance
---------
``hamiltonian(w) -> (N, N)`` complex Hermitian matrix in a fixed "natural" basis (numpy array or
``qutip.Qobj``), and a coupling operator ``coupling`` (``(N, N)`` Hermitian, natural basis) or the
string ``"all_pairs_eigen"`` (every pair of distinct eigenstates coupled with ``|A_ij|^2 = 1``, no
diagonal: ``A = sum_{i != j} |i><j|`` in the eigenbasis). Helpers: :func:`qubit_hamiltonian`
(``(w sigma_z + delta sigma_x)/2`` with ``sigma_z = diag(1, -1)`` in the basis ``(|0>, |1>)``; note
that QuTiP's own ``sigmaz()`` is the same matrix), :func:`matrix_hamiltonian` (``w -> h0 + w h1``) and
:func:`qubit` (``w -> qubit_hamiltonian(w, delta)``).

Eigenbasis
----------
``Qobj.eigenstates()`` (ascending eigenvalues). Each eigenvector gets a fixed phase: its component of
largest modulus (the first one within 1e-9 of the largest) is made real positive. This only matters
for ``"all_pairs_eigen"`` when several transitions share a Bohr frequency (equally spaced levels).

Bath laws ``k(omega, beta, gamma)`` (``omega`` = energy given to the bath, ``> 0``: downward jump)
---------------------------------------------------------------------------------------------------
``"tanh"``: ``gamma (1 + tanh(beta omega/2))`` (evaluated as ``2 gamma / (1 + exp(-beta omega))`` to
keep the small upward rates accurate); ``"bosonic"``: ``gamma / |1 - exp(-beta omega)|``
(infinite at ``omega = 0``: a nonzero ``omega = 0`` jump operator raises ``ValueError``);
``"fermionic"``: ``gamma / (1 + exp(-beta omega))``; or any callable ``k(omega, beta, gamma)``.

Strokes and their superoperators
--------------------------------
* :class:`Isochore` ``(name, w, T, gamma, tau, law="tanh", reservoir=None)``. Davies (secular) GKSL
  generator, written here with eigenspace projectors: the eigenvalues of ``H(w)`` are grouped into
  levels ``E_a`` with projectors ``P_a`` (eigenvalues closer than ``BOHR_TOL`` times the spectral scale
  form one level); the level pairs ``(a, b)`` are grouped by Bohr frequency ``omega = E_b - E_a``
  (``omega`` exactly 0 for the group holding ``a == b``); each group gives one collapse operator
  ``sqrt(k(omega)) sum_(a, b) P_a A P_b``. No Lamb shift. The superoperator of the stroke is
  ``expm(tau * qutip.liouvillian(H, c_ops))``. Heat absorbed by the substance
  ``Q = Tr[H (rho_end - rho_start)]``.
* :class:`Unitary` ``(name, w0, w1, tau, schedule=None, schedule_derivative=None)``:
  ``w(t) = w0 + (w1 - w0) s(t/tau)`` (default ``s(x) = x``); the unitary ``U`` is
  ``qutip.propagator`` of the ``QobjEvo`` ``t -> H(w(t))`` (Schroedinger equation for ``U`` from the
  identity, QuTiP's own Verner 9(8) integrator, ``atol = 1e-14``, ``rtol = 1e-13``), and the
  superoperator is ``qutip.to_super(U)`` (``rho -> U rho U^dag``). ``schedule_derivative`` is accepted
  for symmetry with the numpy oracle and ignored. ``tau = 0`` is a sudden quench (identity).
  Work done on the substance ``W = Tr[H(w1) rho_end] - Tr[H(w0) rho_start]``.
* :class:`Adiabat` ``(name, w0, w1, tau)``: ideal adiabatic following,
  ``sum_k qutip.sprepost(|k_1><k_0|, |k_0><k_1|)`` (``rho -> sum_k <k_0|rho|k_0> |k_1><k_1|``), with
  ``W = Tr[H(w1) rho_end] - Tr[H(w0) rho_start]`` (= ``sum_k p_k (E_k(w1) - E_k(w0))``). A
  (near-)degenerate spectrum at either end raises ``ValueError``.

Consecutive strokes must join up in ``w`` (cyclically), else ``ValueError``.

Periodic steady state
---------------------
The one-cycle superoperator ``S = S_n ... S_2 S_1`` (the first stroke acts first) is formed;
``qutip.propagator_steadystate(S)`` returns its eigenvector of eigenvalue closest to 1 as a
trace-normalised Hermitian matrix. The residual ``max |S rho - rho|`` is recorded
(``fixed_point_residual``) and ``RuntimeError`` raised if it exceeds ``1e-9``. One cycle is then run
from that state with the per-stroke superoperators to get the heats, works and states.

Output and sign convention
--------------------------
:class:`Result`: ``heat[r]`` heat absorbed by the substance from reservoir ``r`` per cycle, ``work``
work done on the substance per cycle (``sum(heat) + work = 0``), ``stroke_heat`` / ``stroke_work`` per
stroke (0.0 where not applicable), ``rho_start`` / ``rho_end`` (numpy arrays, natural basis) per
stroke, ``cycle_time``, the cycle superoperator ``superoperator`` (a ``qutip.Qobj``) and the
per-stroke superoperators ``stroke_superoperators``. :func:`propagate` takes a given state once
through a (not necessarily closed) sequence of strokes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import qutip

#: options of QuTiP's ODE solver for the unitary ramps
SOLVER_OPTIONS = {"method": "vern9", "atol": 1e-14, "rtol": 1e-13, "nsteps": 10**7,
                  "normalize_output": False, "progress_bar": ""}
#: eigenvalues and Bohr frequencies closer than BOHR_TOL * (spectral scale) are taken as equal
BOHR_TOL = 1e-9
#: largest acceptable max |S rho - rho| of the fixed point
FIXED_POINT_TOL = 1e-9
ALL_PAIRS_EIGEN = "all_pairs_eigen"


# --------------------------------------------------------------------------------------------
# substances
# --------------------------------------------------------------------------------------------
def qubit_hamiltonian(w: float, delta: float) -> np.ndarray:
    """Qubit Hamiltonian ``(w sigma_z + delta sigma_x)/2`` in the basis ``(|0>, |1>)``.

    Parameters
    ----------
    w : float
        Control (``sigma_z`` splitting).
    delta : float
        ``sigma_x`` amplitude.

    Returns
    -------
    numpy.ndarray
        ``(2, 2)`` complex Hermitian matrix.
    """
    return 0.5 * (w * qutip.sigmaz().full() + delta * qutip.sigmax().full())


def matrix_hamiltonian(h0, h1) -> Callable[[float], np.ndarray]:
    """Return ``w -> h0 + w h1`` (``h0``, ``h1``: ``(N, N)`` Hermitian, natural basis)."""
    h0 = np.array(h0, dtype=complex)
    h1 = np.array(h1, dtype=complex)
    if h0.shape != h1.shape or h0.ndim != 2 or h0.shape[0] != h0.shape[1]:
        raise ValueError("h0 and h1 must be square matrices of the same shape")
    if not (qutip.Qobj(h0).isherm and qutip.Qobj(h1).isherm):
        raise ValueError("h0 and h1 must be Hermitian")

    def hamiltonian(w: float) -> np.ndarray:
        return h0 + w * h1

    return hamiltonian


def qubit(delta: float) -> Callable[[float], np.ndarray]:
    """The qubit family ``w -> qubit_hamiltonian(w, delta)``."""
    return lambda w: qubit_hamiltonian(w, delta)


def _qobj(hamiltonian: Callable, w: float) -> qutip.Qobj:
    h = hamiltonian(w)
    return h if isinstance(h, qutip.Qobj) else qutip.Qobj(np.asarray(h, dtype=complex))


def _spectral_tol(energies) -> float:
    e = np.asarray(energies, dtype=float)
    return BOHR_TOL * max(float(e.max() - e.min()), float(np.abs(e).max()), np.finfo(float).tiny)


def eigenstates(h: qutip.Qobj) -> tuple[np.ndarray, list]:
    """Ascending eigenvalues and eigenkets of ``h`` with the fixed phase convention.

    Parameters
    ----------
    h : qutip.Qobj
        Hermitian operator.

    Returns
    -------
    energies : numpy.ndarray
    kets : list of qutip.Qobj
        Eigenkets; in each, the first component whose modulus is within 1e-9 of the largest is real
        positive.
    """
    energies, kets = h.eigenstates()
    fixed = []
    for ket in kets:
        vec = ket.full().ravel()
        moduli = np.abs(vec)
        pivot = int(np.flatnonzero(moduli >= moduli.max() - 1e-9)[0])
        fixed.append(ket * (np.conj(vec[pivot]) / moduli[pivot]))
    return np.asarray(energies, dtype=float), fixed


# --------------------------------------------------------------------------------------------
# bath laws
# --------------------------------------------------------------------------------------------
def law_rate(law, omega: float, beta: float, gamma: float) -> float:
    """Rate of a jump giving ``omega`` to a bath at inverse temperature ``beta``.

    Parameters
    ----------
    law : str or callable
        ``"tanh"``, ``"bosonic"``, ``"fermionic"`` or ``k(omega, beta, gamma)``.
    omega : float
        Energy given to the bath (``> 0``: downward jump).
    beta : float
        Inverse temperature.
    gamma : float
        Coupling rate.

    Returns
    -------
    float
        The rate (``inf`` for the bosonic law at ``omega = 0``).
    """
    if callable(law):
        return float(law(omega, beta, gamma))
    x = beta * omega
    if law == "tanh":
        # gamma (1 + tanh(x/2)), written as 2 gamma / (1 + exp(-x)) because 1 - tanh(x/2) loses all
        # relative accuracy for large x; branches avoid overflow
        return 2.0 * gamma / (1.0 + math.exp(-x)) if x >= 0.0 else 2.0 * gamma * math.exp(x) / (1.0 + math.exp(x))
    if law == "bosonic":
        if x == 0.0:
            return math.inf
        # gamma / |1 - exp(-x)|, written without overflow for either sign of x
        return gamma / -math.expm1(-x) if x > 0.0 else gamma * math.exp(x) / -math.expm1(x)
    if law == "fermionic":
        # gamma / (1 + exp(-x)), written without overflow for either sign of x
        return gamma / (1.0 + math.exp(-x)) if x >= 0.0 else gamma * math.exp(x) / (1.0 + math.exp(x))
    raise ValueError(f"unknown bath law {law!r}")


# --------------------------------------------------------------------------------------------
# Davies collapse operators
# --------------------------------------------------------------------------------------------
def collapse_operators(h: qutip.Qobj, coupling, temperature: float, gamma: float, law="tanh") -> list:
    """Davies collapse operators ``sqrt(k(omega)) A(omega)`` for the isochore at Hamiltonian ``h``.

    Parameters
    ----------
    h : qutip.Qobj
        Hamiltonian at the isochore's control value.
    coupling : array_like, qutip.Qobj or str
        Coupling operator (natural basis) or ``"all_pairs_eigen"``.
    temperature : float
        Reservoir temperature ``T > 0``.
    gamma : float
        Coupling rate.
    law : str or callable
        Bath law.

    Returns
    -------
    list of qutip.Qobj
    """
    energies, kets = eigenstates(h)
    tol = _spectral_tol(energies)
    if isinstance(coupling, str):
        if coupling != ALL_PAIRS_EIGEN:
            raise ValueError(f"unknown coupling {coupling!r}")
        a = sum(kets[i] * kets[j].dag() for i in range(len(kets)) for j in range(len(kets)) if i != j)
    elif isinstance(coupling, qutip.Qobj):
        a = coupling
    else:
        a = qutip.Qobj(np.asarray(coupling, dtype=complex))
    # levels (groups of numerically degenerate eigenvalues) and their projectors
    levels: list[list[int]] = [[0]]
    for k in range(1, len(energies)):
        if energies[k] - energies[levels[-1][-1]] > tol:
            levels.append([k])
        else:
            levels[-1].append(k)
    level_energy = [float(np.mean(energies[idx])) for idx in levels]
    projectors = [sum(kets[k] * kets[k].dag() for k in idx) for idx in levels]
    # level pairs (a, b) grouped by Bohr frequency omega = E_b - E_a (energy given to the bath)
    pairs = sorted((level_energy[b] - level_energy[a], a, b)
                   for a in range(len(levels)) for b in range(len(levels)))
    groups = [[pairs[0]]]
    for item in pairs[1:]:
        if item[0] - groups[-1][-1][0] > tol:
            groups.append([item])
        else:
            groups[-1].append(item)
    beta = 1.0 / temperature
    c_ops = []
    for group in groups:
        omega = 0.0 if any(a_ == b_ for _, a_, b_ in group) else float(np.mean([g[0] for g in group]))
        op = sum(projectors[a_] * a * projectors[b_] for _, a_, b_ in group)
        if np.abs(op.full()).max() <= 1e-14 * max(1.0, np.abs(a.full()).max()):
            continue
        rate = law_rate(law, omega, beta, gamma)
        if not math.isfinite(rate):
            raise ValueError(f"the bath law gives a non-finite rate at omega = {omega!r} and the "
                             "coupling has a nonzero jump operator there")
        if rate > 0.0:
            c_ops.append(math.sqrt(rate) * op)
    return c_ops


# --------------------------------------------------------------------------------------------
# strokes
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Isochore:
    """Contact with reservoir ``reservoir`` (default ``name``) at temperature ``T`` and fixed ``w``."""

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
    """Isolated ramp ``w0 -> w1`` over ``tau`` along ``schedule`` (``s(0) = 0``, ``s(1) = 1``)."""

    name: str
    w0: float
    w1: float
    tau: float
    schedule: Callable | None = None
    schedule_derivative: Callable | None = None  # unused here, accepted for API symmetry

    @property
    def w_start(self) -> float:
        return self.w0

    @property
    def w_end(self) -> float:
        return self.w1


@dataclass(frozen=True)
class Adiabat:
    """Ideal quantum adiabat ``w0 -> w1``; ``tau`` only adds to the cycle time."""

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


def isochore_superoperator(hamiltonian: Callable, coupling, stroke: Isochore) -> qutip.Qobj:
    """``expm(tau L)`` with ``L = qutip.liouvillian(H(w), c_ops)``."""
    if stroke.T <= 0.0:
        raise ValueError("the reservoir temperature must be > 0")
    if stroke.tau < 0.0:
        raise ValueError("durations must be >= 0")
    h = _qobj(hamiltonian, stroke.w)
    c_ops = collapse_operators(h, coupling, stroke.T, stroke.gamma, stroke.law)
    return (qutip.liouvillian(h, c_ops) * stroke.tau).expm()


def unitary_superoperator(hamiltonian: Callable, stroke: Unitary) -> qutip.Qobj:
    """``rho -> U rho U^dag`` with ``U = qutip.propagator(QobjEvo(t -> H(w(t))), tau)``."""
    if stroke.tau < 0.0:
        raise ValueError("durations must be >= 0")
    h0 = _qobj(hamiltonian, stroke.w0)
    if stroke.tau == 0.0:
        return qutip.to_super(qutip.qeye_like(h0))
    tau, w0, dw = stroke.tau, stroke.w0, stroke.w1 - stroke.w0
    s = stroke.schedule if stroke.schedule is not None else (lambda x: x)
    h_t = qutip.QobjEvo(lambda t: _qobj(hamiltonian, w0 + dw * float(s(t / tau))))
    u = qutip.propagator(h_t, tau, options=SOLVER_OPTIONS)
    defect = float(np.abs((u.dag() @ u - qutip.qeye_like(u)).full()).max())
    if defect > 1e-10:  # pragma: no cover
        raise RuntimeError(f"propagator of {stroke.name!r} is not unitary (|U^dag U - 1| = {defect:.1e})")
    return qutip.to_super(u)


def adiabat_superoperator(hamiltonian: Callable, stroke: Adiabat) -> qutip.Qobj:
    """``sum_k sprepost(|k_1><k_0|, |k_0><k_1|)``: populations carried, coherences dropped."""
    e0, k0 = eigenstates(_qobj(hamiltonian, stroke.w0))
    e1, k1 = eigenstates(_qobj(hamiltonian, stroke.w1))
    for e in (e0, e1):
        if len(e) > 1 and np.min(np.diff(e)) <= _spectral_tol(e):
            raise ValueError("the ideal adiabat needs a non-degenerate spectrum at both ends")
    return sum(qutip.sprepost(b * a.dag(), a * b.dag()) for a, b in zip(k0, k1))


def stroke_superoperator(hamiltonian: Callable, coupling, stroke) -> qutip.Qobj:
    """Superoperator of one stroke (dispatch on its type)."""
    if isinstance(stroke, Isochore):
        return isochore_superoperator(hamiltonian, coupling, stroke)
    if isinstance(stroke, Unitary):
        return unitary_superoperator(hamiltonian, stroke)
    if isinstance(stroke, Adiabat):
        return adiabat_superoperator(hamiltonian, stroke)
    raise TypeError(f"not a stroke: {stroke!r}")


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
        Work done on the substance.
    stroke_names : list of str
    stroke_heat, stroke_work : list of float
        Per stroke (0.0 where not applicable).
    rho_start, rho_end : list of numpy.ndarray
        Density matrix (natural basis) at the start / end of each stroke.
    cycle_time : float
    temperatures : dict
        Reservoir name -> temperature.
    stroke_superoperators : list of qutip.Qobj
    superoperator : qutip.Qobj or None
        One-cycle superoperator (``run_cycle`` only).
    fixed_point_residual : float
        ``max |S rho - rho|`` of the fixed point (``run_cycle`` only).
    """

    heat: dict
    work: float
    stroke_names: list
    stroke_heat: list
    stroke_work: list
    rho_start: list
    rho_end: list
    cycle_time: float
    temperatures: dict = field(default_factory=dict)
    stroke_superoperators: list = field(default_factory=list)
    superoperator: qutip.Qobj | None = None
    fixed_point_residual: float = math.nan

    @property
    def first_law_residual(self) -> float:
        """``sum(heat) + work``."""
        return float(sum(self.heat.values()) + self.work)

    def entropy_production(self) -> float:
        """``-sum_r heat[r] / T_r`` per cycle."""
        return -sum(q / self.temperatures[r] for r, q in self.heat.items())


def _check_strokes(strokes, closed: bool) -> None:
    if not strokes:
        raise ValueError("no strokes")
    n = len(strokes) if closed else len(strokes) - 1
    for k in range(n):
        a, b = strokes[k].w_end, strokes[(k + 1) % len(strokes)].w_start
        if abs(a - b) > 1e-12 * max(1.0, abs(a), abs(b)):
            raise ValueError(f"stroke {strokes[k].name!r} ends at w = {a!r} but the next one starts at "
                             f"w = {b!r}")


def _apply(superop: qutip.Qobj, rho: qutip.Qobj) -> qutip.Qobj:
    return qutip.vector_to_operator(superop @ qutip.operator_to_vector(rho))


def _energy(hamiltonian: Callable, w: float, rho: qutip.Qobj) -> float:
    return float(np.real((_qobj(hamiltonian, w) @ rho).tr()))


def _one_pass(hamiltonian: Callable, strokes: list, superops: list, rho: qutip.Qobj) -> Result:
    heat: dict = {}
    temperatures: dict = {}
    for s in strokes:
        if isinstance(s, Isochore):
            if temperatures.setdefault(s.bath, s.T) != s.T:
                raise ValueError(f"reservoir {s.bath!r} used with two temperatures")
            heat.setdefault(s.bath, 0.0)
    out = Result(heat=heat, work=0.0, stroke_names=[], stroke_heat=[], stroke_work=[], rho_start=[],
                 rho_end=[], cycle_time=float(sum(s.tau for s in strokes)), temperatures=temperatures,
                 stroke_superoperators=list(superops))
    for s, superop in zip(strokes, superops):
        rho_next = _apply(superop, rho)
        delta_e = _energy(hamiltonian, s.w_end, rho_next) - _energy(hamiltonian, s.w_start, rho)
        q = w = 0.0
        if isinstance(s, Isochore):
            q = delta_e
            heat[s.bath] += q
        else:
            w = delta_e
        out.work += w
        out.stroke_names.append(s.name)
        out.stroke_heat.append(q)
        out.stroke_work.append(w)
        out.rho_start.append(rho.full())
        out.rho_end.append(rho_next.full())
        rho = rho_next
    return out


def propagate(hamiltonian: Callable, coupling, strokes, rho0) -> Result:
    """Take ``rho0`` (natural basis) once through ``strokes`` (need not be a closed cycle).

    Parameters
    ----------
    hamiltonian : callable
        ``w -> H(w)`` (numpy array or Qobj).
    coupling : array_like, qutip.Qobj or str
        Coupling operator or ``"all_pairs_eigen"``.
    strokes : sequence of Isochore, Unitary, Adiabat
    rho0 : array_like or qutip.Qobj

    Returns
    -------
    Result
    """
    strokes = list(strokes)
    _check_strokes(strokes, closed=False)
    superops = [stroke_superoperator(hamiltonian, coupling, s) for s in strokes]
    rho = rho0 if isinstance(rho0, qutip.Qobj) else qutip.Qobj(np.asarray(rho0, dtype=complex))
    return _one_pass(hamiltonian, strokes, superops, rho)


def run_cycle(hamiltonian: Callable, coupling, strokes) -> Result:
    """Periodic steady state from the fixed point of the one-cycle superoperator.

    Parameters
    ----------
    hamiltonian : callable
        ``w -> H(w)`` (numpy array or Qobj), natural basis.
    coupling : array_like, qutip.Qobj or str
        Coupling operator (natural basis) or ``"all_pairs_eigen"``.
    strokes : sequence of Isochore, Unitary, Adiabat
        One cycle; consecutive strokes (cyclically) must join up in ``w``.

    Returns
    -------
    Result
        With ``superoperator`` and ``fixed_point_residual`` filled in.
    """
    strokes = list(strokes)
    _check_strokes(strokes, closed=True)
    superops = [stroke_superoperator(hamiltonian, coupling, s) for s in strokes]
    cycle = superops[0]
    for superop in superops[1:]:
        cycle = superop @ cycle
    rho = qutip.propagator_steadystate(cycle)
    residual = float(np.abs((_apply(cycle, rho) - rho).full()).max())
    if residual > FIXED_POINT_TOL:
        raise RuntimeError(f"fixed point of the cycle superoperator not found (residual {residual:.3e})")
    out = _one_pass(hamiltonian, strokes, superops, rho)
    out.superoperator = cycle
    out.fixed_point_residual = residual
    return out
