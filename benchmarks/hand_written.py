"""Hand-written reference implementations that the benchmarks compare ``thermocycles`` against.

Each function is what a physicist would write by hand for one Otto cycle, with no help from the
library (this module never imports ``thermocycles``). Each builds everything from scratch on every
call, so timing one call times "build + evaluate", and each returns the per-cycle heats and work in
the periodic steady state (limit cycle), so a benchmark can also check that both sides agree.

Conventions (docs/explanation/physics.md, sections 2-4 and 8): natural units hbar = k_B = 1; heats are absorbed by the
substance from each reservoir, work is done on the substance, so q_c + q_h_in + work = 0. The cycle is
1 -> 2 cold isochore at w_a, 2 -> 3 stroke w_a -> w_b, 3 -> 4 hot isochore at w_b, 4 -> 1 stroke
w_b -> w_a; the returned state (``rho1`` / ``p1``) is the limit-cycle state at point 1, the start of
the cold isochore. All reservoirs use the tanh law k(omega) = gamma (1 + tanh(beta omega / 2)) for a
jump that lowers the substance's energy by omega.

- ``qutip_qubit_otto``: the coherent qubit H(w) = (w sigma_z + delta sigma_x)/2 on QuTiP 5, with
  finite-time unitary ramps (quantum friction);
- ``scipy_population_cycle``: an N-level truncated oscillator, populations only, scipy expm;
- ``matrix_model`` / ``scipy_liouvillian_cycle``: a seeded non-commuting N-level model with hand-built
  Davies Liouvillians (N^2 x N^2) and ideal quantum adiabats.

Run ``python benchmarks/hand_written.py`` for a self-check (closed forms, first law, independent
cross-checks) and the time of one call of each.
"""

from __future__ import annotations

import os

# Pin BLAS to one thread before numpy is imported, so timings are reproducible and comparable.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import qutip
from scipy.linalg import expm

# Tolerances for qutip.propagator on the unitary ramps (QuTiP 5 SESolver, default method "adams",
# i.e. scipy's zvode). QuTiP's defaults are atol 1e-8 / rtol 1e-6; these are much tighter.
QUTIP_RAMP_OPTIONS = {"atol": 1e-12, "rtol": 1e-10, "nsteps": 100_000}

# Two Bohr frequencies closer than this (absolute, in energy units) are treated as one.
BOHR_TOL = 1e-9


# ----------------------------------------------------------------------------------------------------
# 1. Coherent qubit on QuTiP 5
# ----------------------------------------------------------------------------------------------------

def qutip_qubit_otto(w_a=1.0, w_b=3.0, delta=0.6, T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
                     tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1):
    """Limit cycle of the coherent qubit Otto cycle, written by hand on QuTiP 5.

    H(w) = (w sigma_z + delta sigma_x)/2 with sigma_z = diag(1, -1); gap E(w) = sqrt(w^2 + delta^2).

    - Isochores (cold at w_a for tau_c, hot at w_b for tau_h): Davies dissipator in the eigenbasis of
      H(w), jump operators sqrt(k_down)|g><e| and sqrt(k_up)|e><g| with k_down = gamma (1 + tanh(beta
      E/2)), k_up = gamma (1 - tanh(beta E/2)), no Lamb shift; propagator
      ``(qutip.liouvillian(H, c_ops) * tau).expm()``.
    - Ramps: unitary, w linear in time, w_a -> w_b over tau_ch and w_b -> w_a over tau_hc, from
      ``qutip.propagator`` on a QobjEvo H(t) with ``QUTIP_RAMP_OPTIONS`` (atol 1e-12, rtol 1e-10),
      turned into a superoperator with ``qutip.to_super``.
    - Limit cycle: ``qutip.propagator_steadystate`` of the one-cycle superoperator
      S = S_hc S_h S_ch S_c (state at the start of the cold isochore).
    - Heats Tr[H (rho_end - rho_start)] on the isochores, works Tr[H_end rho_end] - Tr[H_start
      rho_start] on the ramps.

    Returns {"q_c": heat absorbed from the cold reservoir, "q_h_in": heat absorbed from the hot
    reservoir, "work": total work done on the qubit per cycle (both ramps), "rho1": the limit-cycle
    state at the start of the cold isochore as a 2 x 2 complex numpy array}.
    """
    sz, sx = qutip.sigmaz(), qutip.sigmax()

    def ham(w):
        return 0.5 * (w * sz + delta * sx)

    def isochore(w, T, gamma, tau):
        H = ham(w)
        evals, (g, e) = H.eigenstates()
        s = np.tanh((evals[1] - evals[0]) / (2.0 * T))
        c_ops = [np.sqrt(gamma * (1.0 + s)) * g * e.dag(), np.sqrt(gamma * (1.0 - s)) * e * g.dag()]
        return (qutip.liouvillian(H, c_ops) * tau).expm()

    def ramp(w0, w1, tau):
        H_t = qutip.QobjEvo([ham(w0), [0.5 * sz, lambda t: (w1 - w0) * t / tau]])
        return qutip.to_super(qutip.propagator(H_t, tau, options=QUTIP_RAMP_OPTIONS))

    H_a, H_b = ham(w_a), ham(w_b)
    S_c = isochore(w_a, T_c, gamma_c, tau_c)
    S_ch = ramp(w_a, w_b, tau_ch)
    S_h = isochore(w_b, T_h, gamma_h, tau_h)
    S_hc = ramp(w_b, w_a, tau_hc)

    rho1 = qutip.propagator_steadystate(S_hc * S_h * S_ch * S_c)

    def apply(S, rho):
        return qutip.vector_to_operator(S * qutip.operator_to_vector(rho))

    rho2 = apply(S_c, rho1)
    rho3 = apply(S_ch, rho2)
    rho4 = apply(S_h, rho3)
    rho5 = apply(S_hc, rho4)  # equals rho1 in the limit cycle; used so the first law is per stroke

    q_c = qutip.expect(H_a, rho2) - qutip.expect(H_a, rho1)
    w_ch = qutip.expect(H_b, rho3) - qutip.expect(H_a, rho2)
    q_h_in = qutip.expect(H_b, rho4) - qutip.expect(H_b, rho3)
    w_hc = qutip.expect(H_a, rho5) - qutip.expect(H_b, rho4)
    return {"q_c": float(q_c), "q_h_in": float(q_h_in), "work": float(w_ch + w_hc),
            "rho1": rho1.full()}


# ----------------------------------------------------------------------------------------------------
# 2. Truncated oscillator, populations only, scipy
# ----------------------------------------------------------------------------------------------------

def scipy_population_cycle(n_levels, T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
                           tau_c=0.5, tau_h=0.5):
    """Limit cycle of the population Otto cycle of an N-level truncated harmonic oscillator.

    Levels eps_n = (n + 1/2) w, n = 0..N-1. Each isochore couples all pairs of levels with the rates
    k_{i->j} = gamma (1 + tanh(beta (eps_i - eps_j)/2)) (docs/explanation/physics.md, section 2, |A|^2 = 1), i.e. the
    rate matrix R[j, i] = k_{i->j}, R[i, i] = -sum_j k_{i->j}, and propagates with
    ``scipy.linalg.expm(R * tau)``. The adiabats freeze the populations (their durations do not enter).
    The limit-cycle populations p1 at the start of the cold isochore solve (M - 1) p1 = 0 with
    M = P_h P_c and one equation replaced by sum(p1) = 1 (one numpy linear solve).

    Heats sum_n eps_n (p_end - p_start)_n at the isochore's frequency; works sum_n p_n (eps_n(w_end) -
    eps_n(w_start)) on the adiabats.

    Returns {"q_c": heat absorbed from the cold reservoir, "q_h_in": heat absorbed from the hot
    reservoir, "work": total work done on the substance per cycle, "p1": the limit-cycle populations at
    the start of the cold isochore (length N, ordered from the ground level up)}.
    """
    level = np.arange(n_levels) + 0.5
    eps_a, eps_b = w_a * level, w_b * level

    def propagator(eps, T, gamma, tau):
        rates = gamma * (1.0 + np.tanh((eps[:, None] - eps[None, :]) / (2.0 * T)))  # [i, j]: i -> j
        R = rates.T.copy()
        np.fill_diagonal(R, 0.0)
        R -= np.diag(R.sum(axis=0))
        return expm(R * tau)

    P_c = propagator(eps_a, T_c, gamma_c, tau_c)
    P_h = propagator(eps_b, T_h, gamma_h, tau_h)

    lhs = P_h @ P_c - np.eye(n_levels)
    lhs[0, :] = 1.0
    rhs = np.zeros(n_levels)
    rhs[0] = 1.0
    p1 = np.linalg.solve(lhs, rhs)

    p2 = P_c @ p1
    p4 = P_h @ p2  # the adiabat 2 -> 3 leaves the populations alone: p3 = p2
    q_c = eps_a @ (p2 - p1)
    q_h_in = eps_b @ (p4 - p2)
    work = (eps_b - eps_a) @ p2 + (eps_a - eps_b) @ p4
    return {"q_c": float(q_c), "q_h_in": float(q_h_in), "work": float(work), "p1": p1}


# ----------------------------------------------------------------------------------------------------
# 3. Non-commuting N-level model, hand-built Davies Liouvillians, scipy
# ----------------------------------------------------------------------------------------------------

def matrix_model(n_levels, seed=7):
    """A fixed, seeded, non-commuting N-level model (h0, h1, A), all real symmetric N x N arrays.

    H(w) = h0 + w h1 with
    - h0 = diag(e0) + V: e0 distinct irregular energies (cumulative sums of spacings drawn uniformly
      in [0.5, 1.5]), V a random real symmetric matrix with zero diagonal and off-diagonal entries
      ~ N(0, 0.3^2);
    - h1 = diag(d): d = 1..N with each value shifted uniformly in [-0.25, 0.25] (irregular spacing);
    - A: random real symmetric coupling operator with zero diagonal, normalised to spectral norm 1.
    Since V does not commute with h1, [H(w), H(w')] != 0. For seed 7 the spectrum is non-degenerate
    on w in [1, 3] and the Bohr frequencies are non-degenerate at w = 1 and w = 3 (the self-check
    below verifies this for N = 2, 4, 10, 20). Bohr frequencies E_j - E_i of different pairs do cross
    at isolated w in between (no repulsion between differences), so non-degeneracy at every w in
    [1, 3] is not generic; only the isochore frequencies matter. Needs n_levels >= 2.
    """
    rng = np.random.default_rng(seed)
    n = n_levels
    e0 = np.cumsum(rng.uniform(0.5, 1.5, n))
    x = rng.normal(0.0, 0.3, (n, n))
    v = np.triu(x, 1)
    h0 = np.diag(e0) + v + v.T
    h1 = np.diag(np.arange(1.0, n + 1.0) + rng.uniform(-0.25, 0.25, n))
    y = np.triu(rng.normal(0.0, 1.0, (n, n)), 1)
    A = y + y.T
    A /= np.linalg.norm(A, 2)
    return h0, h1, A


def _vec(X):
    """Column-stacking vectorisation (QuTiP's convention): vec(A X B) = (B^T kron A) vec(X)."""
    return X.reshape(-1, order="F")


def _unvec(v, n):
    return v.reshape(n, n, order="F")


def _davies_liouvillian(E, A_eig, T, gamma, tol=BOHR_TOL):
    """N^2 x N^2 Davies Liouvillian (column stacking) in the eigenbasis of H, for
    d rho/dt = -i[H, rho] + sum_omega k(omega) D[A(omega)], D[L] rho = L rho L^dag - {L^dag L, rho}/2.

    E: sorted eigenvalues of H; A_eig[i, j] = <i|A|j> in that eigenbasis. One jump operator per Bohr
    frequency, A(omega) = sum_{E_j - E_i = omega} A_eig[i, j] |i><j| (frequencies within ``tol`` are one
    group), omega = 0 included; k(omega) = gamma (1 + tanh(omega / (2T))), so k(0) = gamma; no Lamb
    shift. The sums over omega are done with masks instead of a Python loop: sum_omega k conj(A(omega))
    kron A(omega) keeps the entries of conj(A_eig) kron A_eig whose two pairs share a Bohr frequency,
    and sum_omega k A(omega)^dag A(omega) keeps the terms conj(A_eig[i, l]) A_eig[i, j] with E_l = E_j.
    """
    n = E.size
    omega = E[None, :] - E[:, None]  # omega[i, j] = E_j - E_i: the energy the jump |i><j| gives away
    flat = omega.ravel()
    order = np.argsort(flat)
    label = np.empty(n * n, dtype=int)
    label[order] = np.concatenate(([0], np.cumsum(np.diff(flat[order]) > tol)))
    centre = np.bincount(label, flat) / np.bincount(label)  # one frequency per group
    label = label.reshape(n, n)
    kA = gamma * (1.0 + np.tanh(centre[label] / (2.0 * T))) * A_eig  # k(omega_ij) <i|A|j>

    # kron(X, Y)[a n + i, b n + j] = X[a, b] Y[i, j]; keep the terms with group(a, b) == group(i, j).
    same = label[:, None, :, None] == label[None, :, None, :]
    jumps = (np.einsum("ab,ij->aibj", A_eig.conj(), kA) * same).reshape(n * n, n * n)
    same_row = (label[:, :, None] == label[:, None, :]).astype(float)  # [i, l, j]: group(i, l) == group(i, j)
    G = np.einsum("il,ij,ilj->lj", A_eig.conj(), kA, same_row)  # sum_omega k A(omega)^dag A(omega)

    eye = np.eye(n)
    hamiltonian = np.diag(-1j * omega.ravel())  # -i[H, rho]_{ic} = -i (E_i - E_c) rho_{ic}
    return hamiltonian + jumps - 0.5 * (np.kron(eye, G) + np.kron(G.T, eye))


def _liouvillian_cycle(h0, h1, A, w_a, w_b, T_c, T_h, gamma_c, gamma_h, tau_c, tau_h):
    n = h0.shape[0]
    E_a, V_a = np.linalg.eigh(h0 + w_a * h1)
    E_b, V_b = np.linalg.eigh(h0 + w_b * h1)
    # Each isochore is written in the sorted eigenbasis of its own H. In these coordinates the ideal
    # adiabat (population of level k of H(w_a) -> level k of H(w_b), coherences dropped) is the
    # projector P onto the diagonal elements, in both directions.
    S_c = expm(_davies_liouvillian(E_a, V_a.conj().T @ A @ V_a, T_c, gamma_c) * tau_c)
    S_h = expm(_davies_liouvillian(E_b, V_b.conj().T @ A @ V_b, T_h, gamma_h) * tau_h)
    diag = np.arange(n) * (n + 1)  # positions of rho_kk in vec(rho)
    P = np.zeros((n * n, n * n))
    P[diag, diag] = 1.0

    # Fixed point of the one-cycle map; the trace row replaces the rho_00 equation (the equations for
    # the diagonal elements sum to zero because the map preserves the trace).
    lhs = P @ S_h @ P @ S_c - np.eye(n * n)
    lhs[0, :] = 0.0
    lhs[0, diag] = 1.0
    rhs = np.zeros(n * n, dtype=complex)
    rhs[0] = 1.0
    v1 = np.linalg.solve(lhs, rhs)

    v2 = S_c @ v1
    v3 = P @ v2
    v4 = S_h @ v3
    v5 = P @ v4  # equals v1 in the limit cycle

    def energy(E, v):  # Tr[H rho] in the eigenbasis of H
        return E @ v[diag].real

    q_c = energy(E_a, v2) - energy(E_a, v1)
    q_h_in = energy(E_b, v4) - energy(E_b, v3)
    work = (energy(E_b, v3) - energy(E_a, v2)) + (energy(E_a, v5) - energy(E_b, v4))
    rho1 = V_a @ _unvec(v1, n) @ V_a.conj().T  # back to the basis of h0, h1
    return {"q_c": float(q_c), "q_h_in": float(q_h_in), "work": float(work), "rho1": rho1}


def scipy_liouvillian_cycle(n_levels, w_a=1.0, w_b=3.0, T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
                            tau_c=0.5, tau_h=0.5, seed=7):
    """Limit cycle of the Otto cycle of the non-commuting N-level model ``matrix_model(n_levels, seed)``.

    H(w) = h0 + w h1, coupling operator A (both reservoirs).

    - Isochores: Davies GKSL generator built by hand in numpy as an N^2 x N^2 matrix (column
      stacking) in the sorted eigenbasis of H(w) (numpy.linalg.eigh): one jump operator per Bohr
      frequency, A(omega) = sum_{E_j - E_i = omega} <i|A|j> |i><j| (omega = 0 included; frequencies
      within ``BOHR_TOL`` grouped), rate k(omega) = gamma (1 + tanh(beta omega/2)) (k(0) = gamma), no
      Lamb shift; propagator ``scipy.linalg.expm(L * tau)`` (complex N^2 x N^2).
    - Adiabats: ideal (quantum adiabatic theorem), populations in the sorted eigenbasis carried over
      from H(w_a) to H(w_b) and back, coherences in the eigenbasis dropped (an N^2 x N^2 map, the
      projector onto the diagonal in eigenbasis coordinates); their durations do not enter.
    - Limit cycle: fixed point of the one-cycle superoperator by one linear solve with the trace
      condition replacing one equation.
    - Heats Tr[H (rho_end - rho_start)] on the isochores, works Tr[H_end rho_end] - Tr[H_start
      rho_start] on the adiabats.

    Returns {"q_c": heat absorbed from the cold reservoir, "q_h_in": heat absorbed from the hot
    reservoir, "work": total work done on the substance per cycle, "rho1": the limit-cycle density
    matrix at the start of the cold isochore, N x N complex numpy array in the basis of h0, h1}.
    """
    h0, h1, A = matrix_model(n_levels, seed)
    return _liouvillian_cycle(h0, h1, A, w_a, w_b, T_c, T_h, gamma_c, gamma_h, tau_c, tau_h)


# ----------------------------------------------------------------------------------------------------
# Self-check and timings
# ----------------------------------------------------------------------------------------------------

def _closed_form_two_level(T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h):
    """docs/explanation/physics.md, section 4: (Q_c, Q_h absorbed, W) of the two-level Otto cycle."""
    x, y = 2 * gamma_c * tau_c, 2 * gamma_h * tau_h
    f = np.expm1(-x) * np.expm1(-y) / -np.expm1(-(x + y))
    dn = 0.5 * (np.tanh(w_b / (2 * T_h)) - np.tanh(w_a / (2 * T_c))) * f
    return w_a * dn, -w_b * dn, (w_b - w_a) * dn


def _scipy_qubit_otto(w_a, w_b, delta, T_c, T_h, gamma_c, gamma_h, tau_c, tau_h, tau_ch, tau_hc):
    """Independent oracle for qutip_qubit_otto: hand-built 4 x 4 Liouvillians, unitaries by solve_ivp,
    fixed point by a linear solve. Shares no code with the QuTiP version."""
    from scipy.integrate import solve_ivp

    sz, sx = np.diag([1.0, -1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])
    eye = np.eye(2)

    def ham(w):
        return 0.5 * (w * sz + delta * sx)

    def isochore(w, T, gamma, tau):
        E, V = np.linalg.eigh(ham(w))
        g, e = V[:, 0], V[:, 1]
        s = np.tanh((E[1] - E[0]) / (2 * T))
        L = -1j * (np.kron(eye, ham(w)) - np.kron(ham(w).T, eye))
        for k, J in ((gamma * (1 + s), np.outer(g, e)), (gamma * (1 - s), np.outer(e, g))):
            JdJ = J.conj().T @ J
            L += k * (np.kron(J.conj(), J) - 0.5 * np.kron(eye, JdJ) - 0.5 * np.kron(JdJ.T, eye))
        return expm(L * tau)

    def ramp(w0, w1, tau):
        def rhs(t, u):
            return (-1j * ham(w0 + (w1 - w0) * t / tau) @ u.reshape(2, 2)).ravel()

        sol = solve_ivp(rhs, (0.0, tau), eye.astype(complex).ravel(), method="DOP853", rtol=1e-13,
                        atol=1e-14)
        U = sol.y[:, -1].reshape(2, 2)
        return np.kron(U.conj(), U)

    H_a, H_b = ham(w_a), ham(w_b)
    S = [isochore(w_a, T_c, gamma_c, tau_c), ramp(w_a, w_b, tau_ch), isochore(w_b, T_h, gamma_h, tau_h),
         ramp(w_b, w_a, tau_hc)]
    lhs = S[3] @ S[2] @ S[1] @ S[0] - np.eye(4)
    lhs[0, :] = _vec(eye)
    v = [np.linalg.solve(lhs, np.array([1.0, 0, 0, 0], dtype=complex))]
    for s_map in S:
        v.append(s_map @ v[-1])

    def en(H, x):
        return np.vdot(_vec(H), x).real

    return {"q_c": en(H_a, v[1]) - en(H_a, v[0]), "q_h_in": en(H_b, v[3]) - en(H_b, v[2]),
            "work": en(H_b, v[2]) - en(H_a, v[1]) + en(H_a, v[4]) - en(H_b, v[3]), "rho1": _unvec(v[0], 2)}


def _population_liouvillian_cycle(h0, h1, A, w_a, w_b, T_c, T_h, gamma_c, gamma_h, tau_c, tau_h):
    """Oracle for the Liouvillian cycle when Bohr frequencies are non-degenerate: populations in the
    eigenbasis obey a rate equation with k_{j->i} = |<i|A|j>|^2 k(E_j - E_i); the adiabats carry them."""
    def stroke(w, T, gamma, tau):
        E, V = np.linalg.eigh(h0 + w * h1)
        a2 = np.abs(V.T @ A @ V) ** 2
        R = a2 * gamma * (1 + np.tanh((E[None, :] - E[:, None]) / (2 * T)))  # R[i, j]: rate j -> i
        np.fill_diagonal(R, 0.0)
        R -= np.diag(R.sum(axis=0))
        return E, expm(R * tau)

    E_a, P_c = stroke(w_a, T_c, gamma_c, tau_c)
    E_b, P_h = stroke(w_b, T_h, gamma_h, tau_h)
    n = E_a.size
    lhs = P_h @ P_c - np.eye(n)
    lhs[0, :] = 1.0
    p1 = np.linalg.solve(lhs, np.eye(n)[0])
    p2 = P_c @ p1
    p4 = P_h @ p2
    return {"q_c": E_a @ (p2 - p1), "q_h_in": E_b @ (p4 - p2), "work": (E_b - E_a) @ (p2 - p4)}


def _best_time(fn, repeat=7):
    """Best-of-`repeat` time of one call, in seconds (timeit, with autoranged number of calls)."""
    import timeit

    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def _self_check():
    failures = []

    def check(name, ok, detail=""):
        print(f"  [{'ok' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail else ""))
        if not ok:
            failures.append(name)

    def close(a, b, tol):
        return abs(a - b) <= tol * max(1.0, abs(b))

    base = {"T_c": 1.0, "T_h": 2.0, "gamma_c": 1.0, "gamma_h": 1.0, "w_a": 1.0, "w_b": 3.0, "tau_c": 0.5,
            "tau_h": 0.5}
    cases = {
        "default (cooling)": base,
        "engine (w_b/w_a < T_h/T_c)": {**base, "w_b": 1.5},
        "asymmetric, slow": {**base, "gamma_c": 0.3, "gamma_h": 2.0, "tau_c": 3.0, "tau_h": 1.7},
        "fast (x + y << 1)": {**base, "tau_c": 1e-3, "tau_h": 2e-3},
        "high temperature": {**base, "T_c": 100.0, "T_h": 200.0},
    }

    print("1. qutip_qubit_otto, delta = 0, against the closed form (docs/explanation/physics.md, section 4)")
    for label, p in cases.items():
        r = qutip_qubit_otto(delta=0.0, tau_ch=0.1, tau_hc=0.1, **p)
        q_c, q_h, w = _closed_form_two_level(**p)
        err = max(abs(r["q_c"] - q_c), abs(r["q_h_in"] - q_h), abs(r["work"] - w))
        check(f"{label}: Q_c = {r['q_c']:.12g} (closed form {q_c:.12g})", err <= 1e-8 * max(1, abs(q_h)),
              f"max abs error of (Q_c, Q_h, W) {err:.1e}")

    print("2. scipy_population_cycle(n_levels=2) against the same closed form")
    for label, p in cases.items():
        r = scipy_population_cycle(2, **p)
        q_c, q_h, w = _closed_form_two_level(**p)
        err = max(abs(r["q_c"] - q_c), abs(r["q_h_in"] - q_h), abs(r["work"] - w))
        check(f"{label}: Q_c = {r['q_c']:.12g}", err <= 1e-12 * max(1, abs(q_h)),
              f"max abs error {err:.1e}")

    print("3. qutip_qubit_otto, delta = 0.6, against an independent scipy/solve_ivp computation")
    for kw in ({}, {"tau_ch": 0.02, "tau_hc": 0.03}, {"tau_ch": 2.0, "tau_hc": 1.0, "delta": 1.5}):
        args = {"w_a": 1.0, "w_b": 3.0, "delta": 0.6, "T_c": 1.0, "T_h": 2.0, "gamma_c": 1.0,
                "gamma_h": 1.0, "tau_c": 0.5, "tau_h": 0.5, "tau_ch": 0.1, "tau_hc": 0.1, **kw}
        r, o = qutip_qubit_otto(**args), _scipy_qubit_otto(**args)
        err = max(abs(r[k] - o[k]) for k in ("q_c", "q_h_in", "work"))
        err_rho = np.abs(r["rho1"] - o["rho1"]).max()
        evals = np.linalg.eigvalsh(r["rho1"])
        check(f"{kw or 'defaults'}: Q_c = {r['q_c']:.12g}, W = {r['work']:.12g}",
              err <= 1e-8 and err_rho <= 1e-8 and evals.min() >= -1e-12
              and abs(np.trace(r["rho1"]) - 1) <= 1e-12,
              f"heat/work error {err:.1e}, rho1 error {err_rho:.1e}, rho1 eigenvalues {evals.round(6)}")

    print("4. scipy_liouvillian_cycle: cross-checks")
    # The vectorised Davies Liouvillian, rotated to the lab basis, against qutip.liouvillian with the
    # jump operators A(omega) built one Bohr frequency at a time by a plain loop: a random model, and a
    # model with degenerate Bohr frequencies (equally spaced levels) where the grouping matters.
    h0, h1, A = matrix_model(5)
    for label, H in (("matrix_model(5)", h0 + 1.7 * h1), ("equally spaced, degenerate", 1.3 * h1.round())):
        E, V = np.linalg.eigh(H)
        A_eig = V.T @ A @ V
        groups = []  # [omega, A(omega) in the eigenbasis]
        for i in range(5):
            for j in range(5):
                for g in groups:
                    if abs(g[0] - (E[j] - E[i])) < BOHR_TOL:
                        break
                else:
                    g = [E[j] - E[i], np.zeros((5, 5))]
                    groups.append(g)
                g[1][i, j] = A_eig[i, j]
        c_ops = [qutip.Qobj(np.sqrt(0.8 * (1 + np.tanh(w / 2.6))) * V @ a @ V.T) for w, a in groups]
        W = np.kron(V.conj(), V)  # vec(V X V^dag) = (conj(V) kron V) vec(X)
        L = W @ _davies_liouvillian(E, A_eig, 1.3, 0.8) @ W.conj().T
        err = np.abs(L - qutip.liouvillian(qutip.Qobj(H), c_ops).full()).max()
        check(f"Davies Liouvillian, {label} ({len(groups)} Bohr frequencies) equals qutip.liouvillian",
              err < 1e-12, f"max abs difference {err:.1e}")
    # Diagonal model, A = all ones: must reproduce the all-pairs population cycle (degenerate Bohr
    # frequencies of the equally spaced oscillator are grouped, which must not matter for populations).
    for n in (2, 6):
        for label, p in (("default", base), ("asymmetric, slow", cases["asymmetric, slow"])):
            r = _liouvillian_cycle(np.zeros((n, n)), np.diag(np.arange(n) + 0.5), np.ones((n, n)), **p)
            o = scipy_population_cycle(n, **p)
            err = max(abs(r[k] - o[k]) for k in ("q_c", "q_h_in", "work"))
            err_p = np.abs(np.diag(r["rho1"]) - o["p1"]).max()
            check(f"diagonal oscillator, N = {n}, {label}: equals scipy_population_cycle",
                  err < 1e-12 and err_p < 1e-12, f"heat/work error {err:.1e}, p1 error {err_p:.1e}")
    # The seeded non-commuting model against the eigenbasis rate equation (valid for non-degenerate
    # Bohr frequencies, where populations decouple from coherences).
    for n in (2, 4, 10, 20):
        h0, h1, A = matrix_model(n)
        spec_gap = min(np.diff(np.linalg.eigvalsh(h0 + w * h1)).min() for w in np.linspace(1, 3, 201))
        bohr_gaps = []
        for w in (1.0, 3.0):
            E = np.linalg.eigvalsh(h0 + w * h1)
            om = np.sort((E[None, :] - E[:, None])[~np.eye(n, dtype=bool)])
            bohr_gaps.append(np.diff(om).min() if om.size > 1 else np.inf)
        check(f"matrix_model({n}): non-commuting, non-degenerate",
              np.abs(h0 @ h1 - h1 @ h0).max() > 1e-3 and spec_gap > 1e-3 and min(bohr_gaps) > 1e3 * BOHR_TOL,
              f"min level spacing on w in [1, 3] {spec_gap:.3g}, min Bohr-frequency spacing at w = 1, 3: "
              f"{bohr_gaps[0]:.2e}, {bohr_gaps[1]:.2e}")
        for label, p in (("default", base), ("engine", cases["engine (w_b/w_a < T_h/T_c)"])):
            r = scipy_liouvillian_cycle(n, **p)
            o = _population_liouvillian_cycle(h0, h1, A, **p)
            err = max(abs(r[k] - o[k]) for k in ("q_c", "q_h_in", "work"))
            rho = r["rho1"]
            evals = np.linalg.eigvalsh(0.5 * (rho + rho.conj().T))
            check(f"N = {n}, {label}: Q_c = {r['q_c']:.10g}, equals the eigenbasis rate equation, rho1 valid",
                  err < 1e-11 and abs(np.trace(rho) - 1) < 1e-12 and evals.min() > -1e-12
                  and np.abs(rho - rho.conj().T).max() < 1e-12, f"error {err:.1e}")

    print("5. First law q_c + q_h_in + work = 0 (worst |sum| over the cases of 1.)")
    # The QuTiP ramps are ODE solutions at rtol 1e-10 (not exactly unitary), so its first law closes
    # only to ~1e-10 absolute; the other two are exact up to rounding.
    worst = {}
    for p in cases.values():
        runs = {
            ("qutip_qubit_otto (delta 0.6)", 1e-9): [qutip_qubit_otto(delta=0.6, **p)],
            ("scipy_population_cycle (N 2, 10, 50)", 1e-13):
                [scipy_population_cycle(n, **p) for n in (2, 10, 50)],
            ("scipy_liouvillian_cycle (N 3, 10)", 1e-13): [scipy_liouvillian_cycle(n, **p) for n in (3, 10)],
        }
        for key, rs in runs.items():
            for r in rs:
                worst[key] = max(worst.get(key, 0.0), abs(r["q_c"] + r["q_h_in"] + r["work"]))
    for (name, tol), err in worst.items():
        check(name, err < tol, f"worst |q_c + q_h_in + work| {err:.1e} (tolerance {tol:.0e})")

    print("Timings (one call, best of 7, BLAS pinned to one thread)")
    timings = {
        "qutip_qubit_otto()": lambda: qutip_qubit_otto(),
        "scipy_population_cycle(2)": lambda: scipy_population_cycle(2),
        "scipy_population_cycle(10)": lambda: scipy_population_cycle(10),
        "scipy_population_cycle(50)": lambda: scipy_population_cycle(50),
        "scipy_liouvillian_cycle(10)": lambda: scipy_liouvillian_cycle(10),
    }
    for name, fn in timings.items():
        print(f"  {name:30s} {_best_time(fn) * 1e6:10.1f} us")

    print("ALL CHECKS PASSED" if not failures else f"{len(failures)} CHECK(S) FAILED: {failures}")
    return not failures


if __name__ == "__main__":
    import sys

    sys.exit(0 if _self_check() else 1)
