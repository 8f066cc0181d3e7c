"""Benchmarks of sweeps (issue 9). Each target is a ratio measured in this run; BLAS is pinned to one
thread (here and, through the environment, in the Dask workers).

Targets:
(a) a sweep of 10^6 flagship points (1000 x 1000 grid over w_b and tau_c; chi, cop, cooling_rate)
    within 1.2x of the direct vectorised call computing the same figures on broadcast arrays
    (interleaved repeats; the results are checked to agree);
(b) 40 Optimizer runs (the README fridge, chi over tau_c and tau_h, swept over T_h) on a 2-worker
    Dask LocalCluster (worker processes, one thread each) at least 1.5x faster than serial; also
    1 worker, and the per-task overhead of the cluster (trivial tasks).

Run: python benchmarks/bench_sweep.py [--skip-dask]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("THERMOCYCLES_PROGRESS", "0")

import sys
import time

import numpy as np

import thermocycles as tc
from thermocycles.sweeps import sweep

NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
               tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
OUTPUTS = ("chi", "cop", "cooling_rate")


def trivial(cycle):
    """A task that does (almost) nothing: the cluster's overhead per task."""
    return {"one": 1.0}


def bench_vectorised(repeats: int = 7) -> dict:
    fridge = tc.quantum_otto_refrigerator(**NATURAL)
    model = fridge.model
    w_b, tau_c = np.linspace(2.5, 6.0, 1000), np.logspace(-2, 1, 1000)

    def direct():
        perf = model.evaluate(model.values({"w_b": w_b[:, None], "tau_c": tau_c}))
        return {name: np.broadcast_to(getattr(perf, name), (1000, 1000)) for name in OUTPUTS}

    def swept():
        return sweep(fridge, {"w_b": w_b, "tau_c": tau_c}, outputs=OUTPUTS, progress=False)

    ref, ds = direct(), swept()
    for name in OUTPUTS:
        np.testing.assert_allclose(ds[name].values, ref[name], rtol=1e-15, atol=0)
    t_direct, t_sweep = [], []
    for _ in range(repeats):  # interleaved, best of each
        t0 = time.perf_counter()
        direct()
        t1 = time.perf_counter()
        swept()
        t2 = time.perf_counter()
        t_direct.append(t1 - t0)
        t_sweep.append(t2 - t1)
    return {"direct_ms": min(t_direct) * 1e3, "sweep_ms": min(t_sweep) * 1e3,
            "ratio": min(t_sweep) / min(t_direct), "chunks": ds.attrs["n_tasks"]}


def bench_dask(n_runs: int = 40, repeats: int = 3) -> dict:
    import distributed

    fridge = tc.quantum_otto_refrigerator(**NATURAL)
    opt = tc.Optimizer(objective="chi", variables={"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)})
    grid = {"T_h": np.linspace(1.5, 2.9, n_runs)}
    serial = sweep(fridge, grid, analysis=opt, progress=False)
    assert int(serial.attrs["n_failed"]) == 0 and bool(serial["success"].all())
    clusters = {w: distributed.LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                            dashboard_address=None) for w in (1, 2)}
    clients = {w: distributed.Client(c) for w, c in clusters.items()}
    try:
        for w, client in clients.items():  # warm up: the workers import thermocycles
            sweep(fridge, {"T_h": [2.0] * (2 * w)}, analysis=opt, executor=client, progress=False)
        times: dict[str, list[float]] = {"serial": [], "dask_1": [], "dask_2": []}
        for _ in range(repeats):  # interleaved, best of each
            for label, executor in (("serial", None), ("dask_1", clients[1]), ("dask_2", clients[2])):
                t0 = time.perf_counter()
                ds = sweep(fridge, grid, analysis=opt, executor=executor, progress=False)
                times[label].append(time.perf_counter() - t0)
                assert (ds["fun"].values == serial["fun"].values).all()  # identical, bit for bit
        out: dict = {f"{k}_s": min(v) for k, v in times.items()}
        out["tasks_2"] = int(ds.attrs["n_tasks"])
        client, n = clients[2], 400
        t0 = time.perf_counter()
        client.gather(client.map(trivial, [fridge] * n, pure=False))
        out["map_overhead_ms"] = (time.perf_counter() - t0) / n * 1e3
        t0 = time.perf_counter()
        sweep(fridge, {"T_h": np.linspace(1.5, 2.9, n)}, analysis=trivial, executor=client, progress=False,
              chunk_size=1)
        out["sweep_task_overhead_ms"] = (time.perf_counter() - t0) / n * 1e3
        t0 = time.perf_counter()
        sweep(fridge, {"T_h": np.linspace(1.5, 2.9, n)}, analysis=trivial, progress=False)
        out["serial_trivial_ms"] = (time.perf_counter() - t0) / n * 1e3
    finally:
        for w in clients:
            clients[w].close()
            clusters[w].close()
    out["speedup_1"] = out["serial_s"] / out["dask_1_s"]
    out["speedup_2"] = out["serial_s"] / out["dask_2_s"]
    return out


def main() -> None:
    v = bench_vectorised()
    print(f"(a) 10^6 flagship points (1000 x 1000, chi, cop, cooling_rate; {v['chunks']} chunks)")
    print(f"    direct vectorised call : {v['direct_ms']:8.1f} ms")
    print(f"    sweep -> xarray.Dataset: {v['sweep_ms']:8.1f} ms   ratio {v['ratio']:.2f}  (target <= 1.2)")
    if "--skip-dask" in sys.argv:
        return
    d = bench_dask()
    print("(b) 40 Optimizer runs (chi over tau_c, tau_h; T_h from 1.5 to 2.9)")
    print(f"    serial                 : {d['serial_s']:8.2f} s")
    print(f"    Dask, 1 worker         : {d['dask_1_s']:8.2f} s   speed-up {d['speedup_1']:.2f}")
    print(f"    Dask, 2 workers        : {d['dask_2_s']:8.2f} s   speed-up {d['speedup_2']:.2f}  (target >= 1.5; "
          f"{d['tasks_2']} tasks)")
    print(f"    per-task overhead      : client.map {d['map_overhead_ms']:.2f} ms/task, "
          f"sweep {d['sweep_task_overhead_ms']:.2f} ms/task (serial sweep: {d['serial_trivial_ms']:.2f} ms/point)")


if __name__ == "__main__":
    main()
