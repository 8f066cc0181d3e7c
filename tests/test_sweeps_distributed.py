"""Sweeps on a real Dask cluster (a LocalCluster of two worker processes, one thread each): the
results are identical to the serial ones, for vectorised evaluation and analyses per point, and
failures and user callables travel. Skipped cleanly where distributed is not installed."""

from __future__ import annotations

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
xr = pytest.importorskip("xarray")

from thermocycles.analysis.irreversible import IrreversibleAnalysis  # noqa: E402
from thermocycles.analysis.optimize import Optimizer  # noqa: E402
from thermocycles.errors import CycleError  # noqa: E402
from thermocycles.factories import quantum_otto_cycle  # noqa: E402
from thermocycles.sweeps import sweep  # noqa: E402
from thermocycles.sweeps.executors import is_dask_client  # noqa: E402

NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
               tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
OPT = Optimizer(objective="chi", variables={"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)}, n_starts=16, n_local=2)


def refuses_large_w_b(cycle):
    """A user analysis defined at module level (workers import it by name)."""
    if cycle.parameters["w_b"] > 5:
        raise CycleError("refused above w_b = 5")
    return {"work": cycle.performance().work}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def otto():
    return quantum_otto_cycle(**NATURAL)


def test_client_is_recognised(client):
    assert is_dask_client(client)


def test_vectorised_sweep_on_dask_is_identical_to_serial(client, otto):
    grid = {"w_b": np.linspace(0.5, 6.0, 41), "tau_c": np.logspace(-2, 1, 13)}
    outputs = ["chi", "cop", "work", "efficiency", "mode"]
    serial = sweep(otto, grid, outputs=outputs, progress=False, chunk_size=64)
    dask = sweep(otto, grid, outputs=outputs, progress=False, chunk_size=64, executor=client)
    xr.testing.assert_identical(serial.drop_attrs(), dask.drop_attrs())
    assert dask.attrs["executor"].startswith("dask.distributed") and dask.attrs["n_tasks"] == serial.attrs["n_tasks"]


def test_optimizer_sweep_on_dask_is_identical_to_serial(client, otto):
    T_h = {"T_h": np.linspace(1.5, 2.5, 4)}
    serial = sweep(otto, T_h, analysis=OPT, progress=False)
    dask = sweep(otto, T_h, analysis=OPT, progress=False, executor=client)
    xr.testing.assert_identical(serial.drop_attrs(), dask.drop_attrs())
    assert dask.attrs["n_failed"] == 0


def test_analyses_and_failures_on_dask(client, otto):
    w_b = {"w_b": [3.0, 6.0, 4.0]}
    serial = sweep(otto, w_b, analysis=refuses_large_w_b, progress=False)
    dask = sweep(otto, w_b, analysis=refuses_large_w_b, progress=False, executor=client)
    xr.testing.assert_identical(serial.drop_attrs(), dask.drop_attrs())
    assert dask.attrs["n_failed"] == 1 and dask["error"].values[1] == "CycleError: refused above w_b = 5"
    onsager = sweep(otto, {"w_b": [2.2, 3.0]}, analysis=IrreversibleAnalysis(), progress=False, executor=client)
    for i, w in enumerate([2.2, 3.0]):
        assert onsager["L12"].values[i] == IrreversibleAnalysis().run(otto.with_parameters(w_b=w)).L_natural[0, 1]


def test_points_without_a_periodic_state_on_dask_are_identical_to_serial(client, otto):
    grid = {"tau_c": [0.0, 0.5, 1.0], "tau_h": [0.0, 0.5]}
    serial = sweep(otto, grid, outputs=["q_c", "mode"], progress=False, chunk_size=2)
    remote = sweep(otto, grid, outputs=["q_c", "mode"], progress=False, chunk_size=2, executor=client)
    assert serial.attrs["n_failed"] == remote.attrs["n_failed"] == 1
    for name in ("q_c", "mode", "error"):
        np.testing.assert_array_equal(serial[name].values, remote[name].values)
