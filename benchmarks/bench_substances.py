"""Benchmarks of the substance library (issue 8). Each target is a ratio measured in this run,
interleaving the two sides (best of several repeats each); BLAS is pinned to one thread (see
bench_optimizer.py for why).

Targets:
1. one Otto evaluation of the untruncated harmonic oscillator (mean-occupation closed form) from the
   unit-free core, in the same microseconds as the two-level closed form (ratio ~ 1);
2. the same for 1e5 parameter points as arrays (ratio reported);
3. one Otto cycle of the oscillator truncated to N = 50 levels (bosonic law, generic populations
   path), within 1.5x of a hand-written scipy version: the tridiagonal rate matrices, ``expm`` of
   each, and one linear solve for the periodic state (written below, with no help from the library).

Run: python benchmarks/bench_substances.py  [--profile | --sizes]  (--sizes: target 3 at N = 2, 10, 50)
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys
import timeit

import numpy as np
import scipy.linalg

import thermocycles as tc
from thermocycles.spec.strokes import Isochore, QuantumAdiabat
from thermocycles.spec.substances.oscillator import HarmonicOscillator

NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
               tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)


def oscillator_otto(substance, law="bosonic", **p) -> tc.Cycle:
    p = dict(NATURAL, **p)
    cold = tc.Reservoir(name="c", temperature=p["T_c"], coupling=p["gamma_c"], law=law)
    hot = tc.Reservoir(name="h", temperature=p["T_h"], coupling=p["gamma_h"], law=law)
    w_a, w_b = tc.Parameter("w_a", p["w_a"]), tc.Parameter("w_b", p["w_b"])
    return tc.Cycle(substance=substance, strokes=[
        Isochore(name="c", reservoir=cold, control=w_a, duration=p["tau_c"]),
        QuantumAdiabat(name="ch", start=w_a, end=w_b, duration=p["tau_ch"]),
        Isochore(name="h", reservoir=hot, control=w_b, duration=p["tau_h"]),
        QuantumAdiabat(name="hc", start=w_b, end=w_a, duration=p["tau_hc"]),
    ])


def hand_written_truncated_otto(n, T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
                                tau_c=0.5, tau_h=0.5):
    """The truncated oscillator's Otto cycle as a physicist writes it with scipy
    (docs/explanation/physics.md, section 8): levels (m + 1/2) w, jumps m -> m-1 at gamma m (nbar + 1) and m-1 -> m at
    gamma m nbar; propagators expm(R tau); periodic populations from (M - I) p = 0 with sum(p) = 1 (one solve);
    heats sum_m eps_m (p_end - p_start)_m. Returns (q_c, q_h_in, work)."""
    m = np.arange(1, n)
    levels = np.arange(n) + 0.5

    def rates(w, temperature, gamma):
        nbar = 1.0 / np.expm1(w / temperature)
        down, up = gamma * m * (nbar + 1.0), gamma * m * nbar
        r = np.diag(down, 1) + np.diag(up, -1)
        return r - np.diag(r.sum(axis=0))

    p_c = scipy.linalg.expm(rates(w_a, T_c, gamma_c) * tau_c)
    p_h = scipy.linalg.expm(rates(w_b, T_h, gamma_h) * tau_h)
    system = p_h @ p_c - np.eye(n)
    system[-1, :] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    p1 = np.linalg.solve(system, rhs)
    p2 = p_c @ p1
    q_c = w_a * levels @ (p2 - p1)
    q_h_in = w_b * levels @ (p1 - p2)
    return q_c, q_h_in, -(q_c + q_h_in)


def interleaved(first, second, number, repeat=7):
    """Best time per call of each, measured alternately so that load changes hit both."""
    a, b = [], []
    for _ in range(repeat):
        a.append(timeit.timeit(first, number=number) / number)
        b.append(timeit.timeit(second, number=number) / number)
    return min(a), min(b)


def main() -> dict:
    out = {}
    untruncated = oscillator_otto(HarmonicOscillator()).model
    two_level = tc.quantum_otto_refrigerator(**NATURAL).model
    v_osc, v_two = untruncated.defaults, two_level.defaults
    assert untruncated.evaluate(v_osc).method == "closed_form"
    t_osc, t_two = interleaved(lambda: untruncated.evaluate(v_osc).chi, lambda: two_level.evaluate(v_two).chi, 5000)
    out["untruncated_us"], out["two_level_us"], out["scalar_ratio"] = t_osc * 1e6, t_two * 1e6, t_osc / t_two

    rng = np.random.default_rng(0)
    points = dict(w_b=rng.uniform(2.5, 6.0, 100_000), tau_c=rng.uniform(0.1, 2.0, 100_000))
    s_osc, s_two = untruncated.values(points), two_level.values(points)
    t_osc, t_two = interleaved(lambda: untruncated.evaluate(s_osc).chi, lambda: two_level.evaluate(s_two).chi, 3)
    out["sweep_untruncated_ms"], out["sweep_two_level_ms"], out["sweep_ratio"] = t_osc * 1e3, t_two * 1e3, t_osc / t_two

    n = 50
    truncated = oscillator_otto(HarmonicOscillator(levels=n)).model
    v_tr = truncated.defaults
    perf = truncated.evaluate(v_tr)
    assert perf.method == "linear_algebra" and perf.backend == "populations"
    q_c, q_h_in, work = hand_written_truncated_otto(n)
    agree = max(abs(perf.heat["c"] - q_c) / abs(q_c), abs(perf.heat["h"] - q_h_in) / abs(q_h_in),
                abs(perf.work - work) / abs(work))
    exact = untruncated.evaluate(v_osc)
    t_lib, t_hand = interleaved(lambda: truncated.evaluate(v_tr).chi, lambda: hand_written_truncated_otto(n), 20)
    out.update(truncated_ms=t_lib * 1e3, hand_ms=t_hand * 1e3, truncated_ratio=t_lib / t_hand, agree=agree,
               truncation_error=abs(perf.q_c - exact.q_c) / exact.q_c)
    return out


def sizes(levels=(2, 10, 50)) -> dict:
    """Target 3 at several truncations: (library ms, hand-written ms, ratio) per N, interleaved."""
    out = {}
    for n in levels:
        model = oscillator_otto(HarmonicOscillator(levels=n)).model
        values = model.defaults
        t_lib, t_hand = interleaved(lambda m=model, v=values: m.evaluate(v).chi,
                                    lambda n=n: hand_written_truncated_otto(n), 50 if n < 50 else 20)
        out[n] = (t_lib * 1e3, t_hand * 1e3, t_lib / t_hand)
    return out


def profile() -> None:
    import cProfile
    import pstats

    model = oscillator_otto(HarmonicOscillator(levels=50)).model
    values = model.defaults
    cProfile.runctx("for _ in range(200): model.evaluate(values)", globals(), {"model": model, "values": values},
                    "/tmp/bench_substances.prof")
    pstats.Stats("/tmp/bench_substances.prof").sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile()
        raise SystemExit
    if "--sizes" in sys.argv:
        for n, (t_lib, t_hand, ratio) in sizes().items():
            print(f"3. truncated N = {n:2d}: {t_lib:.2f} ms; hand-written {t_hand:.2f} ms -> ratio {ratio:.2f}")
        raise SystemExit
    r = main()
    print(f"1. untruncated oscillator Otto, model.evaluate().chi : {r['untruncated_us']:8.1f} us; two-level closed "
          f"form {r['two_level_us']:.1f} us -> ratio {r['scalar_ratio']:.2f}  (target ~1)")
    print(f"2. 1e5 points: untruncated {r['sweep_untruncated_ms']:.1f} ms, two-level {r['sweep_two_level_ms']:.1f} ms "
          f"-> ratio {r['sweep_ratio']:.2f}")
    print(f"3. truncated N = 50 (generic path): {r['truncated_ms']:.2f} ms; hand-written scipy expm + solve "
          f"{r['hand_ms']:.2f} ms -> ratio {r['truncated_ratio']:.2f}  (target <= 1.5); agree to {r['agree']:.1e}; "
          f"truncation error vs untruncated {r['truncation_error']:.1e}")
