"""Benchmarks of the finite-time isotherm (issue: substances, isotherms and cycle families).

Targets:
1. a two-level Carnot-type cycle with two finite-time isotherms (populations backend): < 2 ms per
   evaluation (and "well under 10 ms" on the density-matrix backend);
2. its heats and work within 1e-9 relative of an independent solve_ivp integration (DOP853 at
   rtol 1e-13, heat and work as extra components, periodic state by iterating cycles);
3. the same cycle by hand with solve_ivp (the periodic state from the propagated 2 x 2 map and one
   linear solve, rtol 1e-10): time ratio, measured in this run.

Run: python benchmarks/bench_isotherm.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import timeit

import numpy as np
from scipy.integrate import solve_ivp

import thermocycles as tc

T_C, T_H, W_1, W_2 = 1.0, 2.0, 4.0, 2.0


def carnot(tau: float, gamma: float = 1.0, substance=None) -> tc.Cycle:
    hot = tc.Reservoir(name="h", temperature=T_H, coupling=gamma)
    cold = tc.Reservoir(name="c", temperature=T_C, coupling=gamma)
    w = [tc.Parameter(n, v) for n, v in
         (("w_1", W_1), ("w_2", W_2), ("w_3", W_2 * T_C / T_H), ("w_4", W_1 * T_C / T_H))]
    return tc.Cycle(substance=substance or tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=w[0], end=w[1], duration=tau),
        tc.QuantumAdiabat(name="hc", start=w[1], end=w[2], duration=0.0),
        tc.Isotherm(name="c", reservoir=cold, start=w[2], end=w[3], duration=tau),
        tc.QuantumAdiabat(name="ch", start=w[3], end=w[0], duration=0.0)])


def _rhs(t, y, w_s, w_e, tau, T, gamma):
    """Two levels w, 2w: columns of the 2 x 2 propagator, then heat and work rows (6 + 4 entries)."""
    w = w_s + (w_e - w_s) * t / tau
    s = np.tanh(w / (2 * T))
    k_down, k_up = gamma * (1 + s), gamma * (1 - s)
    R = np.array([[-k_up, k_down], [k_up, -k_down]])
    P = y[:4].reshape(2, 2)
    dP = R @ P
    energies = np.array([w, 2 * w])
    return np.concatenate([dP.ravel(), energies @ dP, (w_e - w_s) / tau * np.array([1.0, 2.0]) @ P])


def by_hand(tau: float, gamma: float = 1.0, rtol: float = 1e-10) -> tuple[float, float, float]:
    """The Carnot cycle by hand: propagate each isotherm's map with solve_ivp, compose, solve."""
    strokes = [(W_1, W_2, T_H), (W_2 * T_C / T_H, W_1 * T_C / T_H, T_C)]
    maps = []
    for w_s, w_e, T in strokes:
        y0 = np.concatenate([np.eye(2).ravel(), np.zeros(4)])
        sol = solve_ivp(_rhs, (0, tau), y0, args=(w_s, w_e, tau, T, gamma), method="DOP853", rtol=rtol,
                        atol=rtol * 1e-3)
        y = sol.y[:, -1]
        maps.append((y[:4].reshape(2, 2), y[4:6], y[6:8]))
    (P_h, q_h, wk_h), (P_c, q_c, wk_c) = maps
    M = P_c @ P_h
    A = np.vstack([M - np.eye(2), np.ones(2)])
    p1 = np.linalg.lstsq(A, np.array([0.0, 0.0, 1.0]), rcond=None)[0]
    p2 = P_h @ p1
    levels = np.array([1.0, 2.0])
    work = wk_h @ p1 + wk_c @ p2 + levels @ p2 * (strokes[1][0] - W_2) + levels @ (P_c @ p2) * (W_1 - strokes[1][1])
    return float(q_h @ p1), float(q_c @ p2), float(work)


def per_call(fn, number: int, repeat: int = 5) -> float:
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> dict:
    out: dict = {}
    for tau in (1.0, 3.0, 10.0, 100.0):
        cycle = carnot(tau)
        model = cycle.model
        model.evaluate()
        number = 100 if tau < 50 else 5
        out[f"populations_ms_gamma_tau_{tau:g}"] = per_call(model.evaluate, number) * 1e3
    cycle = carnot(3.0)
    model = cycle.model
    out["density_matrix_ms_gamma_tau_3"] = per_call(lambda: model.evaluate(backend="density_matrix"), 20) * 1e3
    qubit = carnot(3.0, substance=tc.Qubit(transverse=0.3))
    out["density_matrix_qubit_delta_0.3_ms"] = per_call(qubit.model.evaluate, 20) * 1e3
    taus = np.linspace(1.0, 10.0, 100)
    values = model.values({"tau_h": taus, "tau_c": taus})
    out["populations_batch_100_per_point_ms"] = per_call(lambda: model.evaluate(values), 3) / 100 * 1e3

    # accuracy against the brute force (reference values at rtol 1e-13)
    perf = model.evaluate()
    q_h, q_c, work = by_hand(3.0, rtol=1e-13)
    out["relative_error_vs_solve_ivp"] = max(abs(perf.heat["h"] - q_h) / abs(q_h),
                                             abs(perf.heat["c"] - q_c) / abs(q_c), abs(perf.work - work) / abs(work))
    # by hand at a tolerance that gives ~1e-9, interleaved with the library
    hand = per_call(lambda: by_hand(3.0), 3, repeat=3)
    lib = per_call(model.evaluate, 30, repeat=3)
    out["by_hand_solve_ivp_ms"] = hand * 1e3
    out["library_vs_by_hand_speedup"] = hand / lib
    return out


if __name__ == "__main__":
    for key, value in main().items():
        print(f"{key:45s} {value:.4g}")
