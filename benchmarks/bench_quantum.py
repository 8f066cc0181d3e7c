"""Benchmarks of the quantum core (populations and density-matrix backends), as ratios in one run.

Targets (the library and the hand-written reference of ``hand_written.py`` are timed interleaved,
best of several repeats each, BLAS pinned to one thread):

1. non-commuting qubit Otto limit cycle (Delta = 0.6, finite-time unitary ramps), build + evaluate,
   against the same model written by hand on QuTiP 5: at least 10x faster;
2. populations backend, truncated oscillator with N = 2..50 levels (levels (n + 1/2) w, all-pairs
   tanh rates, the flagship's other parameters), against hand-written scipy ``expm`` + one linear
   solve: within 1.5x;
3. density-matrix backend, a non-commuting N = 10 matrix substance with ideal adiabats, against a
   hand-written Davies Liouvillian with scipy ``expm``: within 3x;
4. scale: time and peak memory of one evaluation against N (populations up to 500 levels,
   density matrices up to 30).

Every comparison also checks that both sides give the same heats and work.

Run: python benchmarks/bench_quantum.py [--quick]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Mapping

import attrs
import numpy as np

import thermocycles as tc

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hand_written

FLAGSHIP = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5)


@attrs.frozen(kw_only=True)
class TruncatedOscillator(tc.Substance):
    """Levels (n + 1/2) w, n = 0..N-1, every pair coupled (a user-defined substance)."""

    levels: int = attrs.field(default=2)

    @property
    def n_levels(self) -> int:
        return self.levels

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.asarray(control, dtype=float)[..., None] * (np.arange(self.levels) + 0.5)


def otto(substance: tc.Substance, stroke: type = tc.QuantumAdiabat, tau_ramp: float = 0.1,
         **overrides: float) -> tc.Cycle:
    p = dict(FLAGSHIP, **overrides)
    cold = tc.Reservoir(name="c", temperature=p["T_c"], coupling=p["gamma_c"])
    hot = tc.Reservoir(name="h", temperature=p["T_h"], coupling=p["gamma_h"])
    w_a, w_b = tc.Parameter("w_a", p["w_a"]), tc.Parameter("w_b", p["w_b"])
    return tc.Cycle(substance=substance, strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=p["tau_c"]),
        stroke(name="ch", start=w_a, end=w_b, duration=tau_ramp),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=p["tau_h"]),
        stroke(name="hc", start=w_b, end=w_a, duration=tau_ramp)])


def best_interleaved(first: Callable[[], Any], second: Callable[[], Any], number: int,
                     repeat: int) -> tuple[float, float]:
    """Best time per call of two functions, measured alternately (load changes hit both)."""
    best = [np.inf, np.inf]
    for _ in range(repeat):
        for i, fn in enumerate((first, second)):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            best[i] = min(best[i], (time.perf_counter() - start) / number)
    return best[0], best[1]


def check(label: str, perf: tc.Performance, ref: Mapping[str, float], rtol: float) -> float:
    got = np.array([perf.heat["c"], perf.heat["h"], perf.work], dtype=float)
    want = np.array([ref["q_c"], ref["q_h_in"], ref["work"]])
    dev = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
    if dev > rtol:
        raise AssertionError(f"{label}: library and hand-written reference differ by {dev:.2e}")
    return dev


def qubit_ratio(repeat: int) -> dict[str, float]:
    def library() -> tc.Performance:
        return otto(tc.Qubit(transverse=0.6), tc.UnitaryStroke).performance()

    dev = check("qubit", library(), hand_written.qutip_qubit_otto(), 1e-8)
    t_lib, t_ref = best_interleaved(library, hand_written.qutip_qubit_otto, 20, repeat)
    # a sweep: 100 transverse fields in one vectorised evaluation, against 100 QuTiP cycles
    deltas = np.linspace(0.1, 2.0, 100)

    def sweep() -> Any:
        return otto(tc.Qubit(transverse=deltas), tc.UnitaryStroke).performance().q_c

    swept = sweep()
    for i in (0, 57, 99):
        check_value = hand_written.qutip_qubit_otto(delta=float(deltas[i]))["q_c"]
        if abs(swept[i] - check_value) > 1e-8 * abs(check_value):
            raise AssertionError(f"sweep point {i} differs from QuTiP: {swept[i]} vs {check_value}")
    t_sweep, _ = best_interleaved(sweep, lambda: None, 3, repeat)
    return {"library_ms": t_lib * 1e3, "qutip_ms": t_ref * 1e3, "speedup": t_ref / t_lib, "agreement": dev,
            "sweep_per_point_ms": t_sweep / len(deltas) * 1e3, "sweep_speedup": t_ref * len(deltas) / t_sweep}


def population_ratios(sizes: list[int], repeat: int) -> list[dict[str, float]]:
    rows = []
    for n in sizes:
        cycle = otto(TruncatedOscillator(levels=n))
        model = cycle.model

        def library(model: Any = model) -> Any:
            return model.evaluate(method="linear_algebra").q_c

        def reference(n: int = n) -> Any:
            return hand_written.scipy_population_cycle(n)

        dev = check(f"populations N={n}", model.evaluate(method="linear_algebra"), reference(), 1e-10)
        t_lib, t_ref = best_interleaved(library, reference, 20, repeat)
        rows.append({"N": n, "library_ms": t_lib * 1e3, "scipy_ms": t_ref * 1e3, "ratio": t_lib / t_ref,
                     "agreement": dev})
    return rows


def density_matrix_ratio(n: int, repeat: int) -> dict[str, float]:
    h0, h1, coupling = hand_written.matrix_model(n)
    cycle = otto(tc.MatrixSubstance(h0=h0, h1=h1, coupling=coupling))
    model = cycle.model

    def library() -> Any:
        return model.evaluate().q_c

    dev = check(f"density matrix N={n}", model.evaluate(), hand_written.scipy_liouvillian_cycle(n), 1e-9)
    t_lib, t_ref = best_interleaved(library, lambda: hand_written.scipy_liouvillian_cycle(n), 3, repeat)
    return {"N": n, "library_ms": t_lib * 1e3, "scipy_ms": t_ref * 1e3, "ratio": t_lib / t_ref,
            "agreement": dev}


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def scale(sizes: list[int], backend: str) -> list[dict[str, float]]:
    rows = []
    for n in sizes:
        if backend == "populations":
            cycle = otto(TruncatedOscillator(levels=n))
        else:
            h0, h1, coupling = hand_written.matrix_model(n)
            cycle = otto(tc.MatrixSubstance(h0=h0, h1=h1, coupling=coupling))
        model = cycle.model
        model.evaluate(backend=backend)  # warm up
        elapsed = min(_timed(lambda m=model: m.evaluate(backend=backend)) for _ in range(3))
        tracemalloc.start()  # memory in a separate run: tracing slows numpy's allocations down
        perf = model.evaluate(backend=backend)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        first_law = abs(sum(perf.heat.values()) + perf.work) / max(abs(perf.work), 1e-300)
        rows.append({"N": n, "ms": elapsed * 1e3, "peak_MB": peak / 2**20, "first_law": first_law})
    return rows


def main(quick: bool = False) -> dict[str, Any]:
    repeat = 3 if quick else 7
    out: dict[str, Any] = {"qubit": qubit_ratio(repeat)}
    out["populations"] = population_ratios([2, 5, 10, 20, 50], repeat)
    out["density_matrix"] = density_matrix_ratio(10, repeat)
    out["scale_populations"] = scale([10, 50, 100, 200] if quick else [10, 50, 100, 200, 500], "populations")
    out["scale_density_matrix"] = scale([2, 5, 10] if quick else [2, 5, 10, 20, 30], "density_matrix")
    return out


if __name__ == "__main__":
    r = main(quick="--quick" in sys.argv)
    q = r["qubit"]
    print(f"1. qubit Otto, build + evaluate: library {q['library_ms']:.3f} ms, QuTiP by hand "
          f"{q['qutip_ms']:.3f} ms -> {q['speedup']:.1f}x faster (target >= 10x); agree to {q['agreement']:.1e}")
    print(f"   a sweep of 100 transverse fields in one call: {q['sweep_per_point_ms']:.3f} ms per point -> "
          f"{q['sweep_speedup']:.1f}x faster than QuTiP per cycle")
    print("2. populations backend vs scipy expm + solve (target <= 1.5x):")
    for row in r["populations"]:
        print(f"   N = {row['N']:3d}: library {row['library_ms']:.3f} ms, scipy {row['scipy_ms']:.3f} ms -> "
              f"{row['ratio']:.2f}x; agree to {row['agreement']:.1e}")
    d = r["density_matrix"]
    print(f"3. density-matrix backend, N = {d['N']}: library {d['library_ms']:.2f} ms, scipy Liouvillian "
          f"{d['scipy_ms']:.2f} ms -> {d['ratio']:.2f}x (target <= 3x); agree to {d['agreement']:.1e}")
    for backend in ("populations", "density_matrix"):
        print(f"4. scale, {backend} backend (one evaluation, peak memory, |sum heat + work| / |work|):")
        for row in r[f"scale_{backend}"]:
            print(f"   N = {row['N']:3d}: {row['ms']:9.2f} ms  {row['peak_MB']:9.2f} MB  {row['first_law']:.1e}")
