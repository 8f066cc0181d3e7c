"""Sweeps (issue 9): labelled results equal direct evaluation point by point, units follow the
cycle, analyses per point equal their own runs, serial and process-pool results are identical, and
the Dataset survives a trip through netCDF."""

from __future__ import annotations

import concurrent.futures
import json
import pickle

import numpy as np
import pytest

xr = pytest.importorskip("xarray")

from thermocycles.analysis.irreversible import IrreversibleAnalysis  # noqa: E402
from thermocycles.analysis.low_dissipation import LowDissipationAnalysis  # noqa: E402
from thermocycles.analysis.optimize import Optimizer  # noqa: E402
from thermocycles.errors import CycleError, DimensionError, ParameterError  # noqa: E402
from thermocycles.factories import carnot_engine, otto_cycle, quantum_otto_cycle, quantum_otto_refrigerator  # noqa: E402
from thermocycles.spec.cycle import Cycle  # noqa: E402
from thermocycles.spec.reservoirs import Reservoir  # noqa: E402
from thermocycles.spec.strokes import Isochore, UnitaryStroke  # noqa: E402
from thermocycles.spec.substances import Qubit, Spin  # noqa: E402
from thermocycles.spec.values import Parameter  # noqa: E402
from thermocycles.sweeps import sweep  # noqa: E402
from thermocycles.sweeps.analyses import run_points  # noqa: E402
from thermocycles.sweeps.api import default_chunk_size  # noqa: E402
from thermocycles.sweeps.outputs import evaluate_chunk  # noqa: E402
from thermocycles.units import Q_  # noqa: E402

NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
               tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
PHYSICAL = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
                w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"),
                tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))
FIGURES = ("chi", "cop", "cooling_rate", "q_c", "q_h", "work", "cycle_time", "efficiency", "power",
           "entropy_production", "entropy_production_rate", "heat_c", "heat_h")
OPT = Optimizer(objective="chi", variables={"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)}, n_starts=16, n_local=2)


@pytest.fixture(scope="module")
def fridge():
    return quantum_otto_refrigerator(**NATURAL)


@pytest.fixture(scope="module")
def otto():
    return quantum_otto_cycle(**NATURAL)  # any regime: engines, heaters and fridges on one grid


def figure_of(perf, name):
    return perf.heat[name[5:]] if name.startswith("heat_") else getattr(perf, name)


def assert_close(a, b, rtol=1e-15):
    a, b = float(a), float(b)
    if np.isnan(b):
        assert np.isnan(a)
    else:
        assert abs(a - b) <= rtol * abs(b), (a, b, abs(a - b) / abs(b))


def cop_and_mode(cycle):
    """A callable analysis, at module level so that it pickles; raises a ThermocyclesError where
    w_b > 5."""
    if cycle.parameters["w_b"] > 5:
        raise CycleError("w_b above 5 is refused by this test analysis")
    perf = cycle.performance()
    return {"cop": perf.cop, "mode": perf.mode, "n": 3, "cools": bool(perf.q_c > 0)}


def crash(cycle):
    raise RuntimeError("not a ThermocyclesError")


# -- results equal direct evaluation --------------------------------------------------------------
def test_grid_equals_direct_evaluation_point_by_point(otto):
    grid = {"w_b": np.linspace(0.5, 6.0, 23), "tau_c": np.logspace(-2, 1, 7), "T_h": [1.5, 3.0]}
    ds = sweep(otto, grid, outputs=[*FIGURES, "mode"], progress=False, chunk_size=5)
    assert ds["chi"].dims == ("w_b", "tau_c", "T_h") and ds["chi"].shape == (23, 7, 2)
    assert ds.attrs["n_tasks"] > 20  # the chunks cut the leading dimensions
    modes = set(np.unique(ds["mode"].values))
    assert {"engine", "refrigerator"} <= modes
    rng = np.random.default_rng(1)
    for _ in range(12):
        i, j, k = rng.integers(23), rng.integers(7), rng.integers(2)
        point = dict(w_b=float(ds.w_b[i]), tau_c=float(ds.tau_c[j]), T_h=float(ds.T_h[k]))
        perf = otto.with_parameters(**point).performance()
        for name in FIGURES:
            assert_close(ds[name].values[i, j, k], figure_of(perf, name))
        assert ds["mode"].values[i, j, k] == perf.mode.value


def test_one_chunk_equals_the_direct_vectorised_call(fridge):
    w_b, tau_c = np.linspace(2.5, 6, 40), np.logspace(-2, 1, 30)
    ds = sweep(fridge, {"w_b": w_b, "tau_c": tau_c}, outputs=["chi", "cop", "cooling_rate"], progress=False)
    perf = fridge.model.evaluate(fridge.model.values({"w_b": w_b[:, None], "tau_c": tau_c}))
    for name in ("chi", "cop", "cooling_rate"):
        np.testing.assert_array_equal(ds[name].values, getattr(perf, name))
    chunked = sweep(fridge, {"w_b": w_b, "tau_c": tau_c}, outputs=["chi"], progress=False, chunk_size=7)
    np.testing.assert_allclose(chunked["chi"].values, ds["chi"].values, rtol=1e-15, atol=0)


def test_points_equal_direct_evaluation(fridge):
    rng = np.random.default_rng(2)
    w_b, tau_c = rng.uniform(2.5, 6, 50), rng.uniform(0.05, 3, 50)
    ds = sweep(fridge, points={"w_b": w_b, "tau_c": tau_c, "T_h": 2.5}, outputs=["chi", "q_h", "mode"],
               progress=False, chunk_size=16)
    assert ds["chi"].dims == ("point",) and ds.attrs["grid"] == "points"
    np.testing.assert_array_equal(ds["w_b"].values, w_b)
    assert float(ds["T_h"]) == 2.5 and ds["T_h"].dims == ()
    for i in range(0, 50, 7):
        perf = fridge.with_parameters(w_b=w_b[i], tau_c=tau_c[i], T_h=2.5).performance()
        assert_close(ds["chi"].values[i], perf.chi)
        assert_close(ds["q_h"].values[i], perf.q_h)


def test_default_outputs_follow_the_cycle_kind(fridge):
    ds = sweep(fridge, {"tau_c": [0.5, 1.0]}, progress=False)
    assert list(ds.data_vars) == ["chi", "cop", "cooling_rate", "q_c", "q_h", "work", "cycle_time", "mode"]
    engine = quantum_otto_cycle(**{**NATURAL, "w_b": 1.5})
    ds = sweep(engine, {"tau_c": [0.5, 1.0]}, progress=False)
    assert list(ds.data_vars)[:2] == ["power", "efficiency"]


def test_density_matrix_cycle_sweeps_and_bounds_its_chunks():
    cold, hot = Reservoir(name="c", temperature=1.0, coupling=1.0), Reservoir(name="h", temperature=2.0, coupling=1.0)
    w_a, w_b = Parameter("w_a", 1.0), Parameter("w_b", 3.0)
    cycle = Cycle(substance=Qubit(transverse=0.6), strokes=[
        Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        UnitaryStroke(name="ch", start=w_a, end=w_b, duration=0.1),
        Isochore(name="h", reservoir=hot, control=w_b, duration=0.5),
        UnitaryStroke(name="hc", start=w_b, end=w_a, duration=0.1)])
    ds = sweep(cycle, {"Delta": [0.0, 0.3, 0.6], "tau_ch": [0.05, 0.5]}, outputs=["work", "q_c"], progress=False)
    for i, delta in enumerate([0.0, 0.3, 0.6]):
        for j, tau in enumerate([0.05, 0.5]):
            perf = cycle.with_parameters(Delta=delta, tau_ch=tau).performance()
            np.testing.assert_allclose(ds["work"].values[i, j], perf.work, rtol=1e-12)
            np.testing.assert_allclose(ds["q_c"].values[i, j], perf.q_c, rtol=1e-12)
    assert default_chunk_size(cycle, cycle.model.defaults) == 2**16  # qubit: d = 4
    assert default_chunk_size(cycle, cycle.model.defaults, backend="density_matrix") == 2**16


# -- units ----------------------------------------------------------------------------------------
def test_si_cycle_units_attrs_and_values():
    fridge_si = quantum_otto_refrigerator(**PHYSICAL)
    tau = Q_(np.array([200.0, 500.0, 2000.0]), "ns")  # another unit than the cycle's (us)
    ds = sweep(fridge_si, {"w_b": np.array([2.5, 3.0, 4.0]), "tau_c": tau},
               outputs=["chi", "cop", "cooling_rate", "q_c", "work", "cycle_time", "entropy_production",
                        "entropy_production_rate", "mode"], progress=False)
    assert ds["w_b"].attrs["units"] == "GHz" and ds["tau_c"].attrs["units"] == "us"
    np.testing.assert_allclose(ds["tau_c"].values, [0.2, 0.5, 2.0], rtol=1e-14)
    expected = {"chi": "W", "cop": "1", "cooling_rate": "W", "q_c": "J", "work": "J", "cycle_time": "s",
                "entropy_production": "J/K", "entropy_production_rate": "W/K"}
    for name, unit in expected.items():
        assert ds[name].attrs["units"] == unit
        assert ds[name].attrs["long_name"]
    assert "units" not in ds["mode"].attrs
    assert ds.attrs["units_convention"].startswith("SI")
    for i, j in [(0, 0), (1, 1), (2, 2), (0, 2)]:
        perf = fridge_si.with_parameters(w_b=Q_(float(ds.w_b[i]), "GHz"), tau_c=tau[j]).performance()
        for name, unit in expected.items():
            value = getattr(perf, name)
            value = value.m_as(unit) if unit != "1" else value
            assert_close(ds[name].values[i, j], value)


def test_natural_units_attrs(fridge):
    ds = sweep(fridge, {"w_b": [3.0, 4.0]}, outputs=["chi", "cop", "q_c"], progress=False)
    assert ds["chi"].attrs["units"] == "natural power unit (hbar = k_B = 1)"
    assert ds["q_c"].attrs["units"] == "natural energy unit (hbar = k_B = 1)"
    assert ds["cop"].attrs["units"] == "1"
    assert ds["w_b"].attrs["units"] == "natural energy unit (hbar = k_B = 1)"
    assert "w_b" in ds["w_b"].attrs["long_name"]
    assert ds.attrs["units_convention"] == "natural units (hbar = k_B = 1)"


# -- analyses per point ---------------------------------------------------------------------------
def test_optimizer_sweep_equals_runs_per_point(fridge):
    T_h = np.linspace(1.5, 2.5, 4)
    ds = sweep(fridge, {"T_h": T_h}, analysis=OPT, progress=False)
    for i, t in enumerate(T_h):
        res = OPT.run(fridge.with_parameters(T_h=float(t)))
        assert ds["fun"].values[i] == res.fun
        assert ds["x_tau_c"].values[i] == res.x["tau_c"] and ds["x_tau_h"].values[i] == res.x["tau_h"]
        assert ds["success"].values[i] == res.success and ds["message"].values[i] == res.message
        assert ds["nfev"].values[i] == res.nfev and ds["status"].values[i] == res.status
    assert ds["fun"].attrs["units"] == "natural power unit (hbar = k_B = 1)"
    assert ds["x_tau_c"].attrs["long_name"] == "optimal tau_c"
    assert ds.attrs["n_failed"] == 0 and (ds["error"].values == "").all()


def test_optimizer_sweep_with_units_stores_optima_in_the_cycle_units():
    fridge_si = quantum_otto_refrigerator(**PHYSICAL)
    opt = Optimizer(objective="chi", variables={"tau_c": (Q_(10, "ns"), Q_(50, "us"))}, n_starts=8, n_local=1)
    ds = sweep(fridge_si, {"T_h": Q_([90.0, 110.0], "mK")}, analysis=opt, progress=False)
    assert ds["x_tau_c"].attrs["units"] == "us" and ds["fun"].attrs["units"] == "W"
    res = opt.run(fridge_si.with_parameters(T_h=Q_(110.0, "mK")))
    assert ds["x_tau_c"].values[1] == res.x["tau_c"].m_as("us") and ds["fun"].values[1] == res.fun.m_as("W")


def test_irreversible_analysis_sweep_equals_runs_per_point(fridge):
    w_b = [2.2, 3.0]
    ds = sweep(fridge, {"w_b": w_b}, analysis=IrreversibleAnalysis(), progress=False)
    for i, w in enumerate(w_b):
        res = IrreversibleAnalysis().run(fridge.with_parameters(w_b=w))
        assert ds["L12"].values[i] == res.L_natural[0, 1] and ds["L22_error"].values[i] == res.error_estimate[1, 1]
        assert ds["coupling"].values[i] == res.coupling and bool(ds["tight_coupling"].values[i]) is res.tight_coupling
        assert ds["J2"].values[i] == res.at_cycle["J2"]
        assert ds["cop_at_max_chi"].values[i] == res.cop_at_max_chi()
    assert ds["L11"].attrs["units"] == "natural rate unit (hbar = k_B = 1)"
    assert ds["tight_coupling"].dtype == bool


def test_low_dissipation_analysis_sweep_equals_runs_per_point():
    carnot = carnot_engine(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0, tau_h=20.0, tau_c=20.0)
    analysis = LowDissipationAnalysis(compare=False)
    ds = sweep(carnot, {"gamma_h": [1.0, 2.0], "T_c": 1.0}, analysis=analysis, progress=False)
    for i, g in enumerate([1.0, 2.0]):
        res = analysis.run(carnot.with_parameters(gamma_h=g))
        assert ds["sigma_h"].values[i] == res.sigma_h and ds["literature"].values[i] == res.literature
        assert ds["result_T_c"].values[i] == res.T_c and ds["T_h"].values[i] == res.T_h  # T_c: a coordinate
        assert ds["bounds_1"].values[i] == res.bounds[1] and ds["mode"].values[i] == res.mode
    assert np.isnan(ds["optimum"].values).all()  # None (not compared) is missing


def test_failed_points_give_nan_and_a_message_other_errors_propagate(fridge):
    ds = sweep(fridge, {"w_b": [3.0, 6.0, 4.0]}, analysis=cop_and_mode, progress=False)
    assert_close(ds["cop"].values[0], fridge.with_parameters(w_b=3.0).performance().cop)
    assert np.isnan(ds["cop"].values[1]) and ds["n"].values[1] == -1 and not ds["cools"].values[1]
    assert ds["mode"].values[1] == "" and ds["mode"].values[2] == "refrigerator"
    assert ds["error"].values[1] == "CycleError: w_b above 5 is refused by this test analysis"
    assert list(ds["error"].values[[0, 2]]) == ["", ""]
    assert ds.attrs["n_failed"] == 1 and ds["n"].dtype == np.int64
    with pytest.raises(RuntimeError, match="not a ThermocyclesError"):
        sweep(fridge, {"w_b": [3.0]}, analysis=crash, progress=False)


def test_scalar_callable_is_stored_as_value(fridge):
    ds = sweep(fridge, {"tau_c": [0.5, 1.0]}, analysis=lambda c: float(c.performance().cycle_time), progress=False)
    np.testing.assert_allclose(ds["value"].values, [1.2, 1.7], rtol=1e-15)


# -- executors ------------------------------------------------------------------------------------
def test_serial_and_process_pool_results_are_identical(otto):
    grid = {"w_b": np.linspace(0.5, 6.0, 31), "tau_c": np.logspace(-2, 1, 9)}
    serial = sweep(otto, grid, outputs=["chi", "work", "mode"], progress=False, chunk_size=20)
    pooled = sweep(otto, grid, outputs=["chi", "work", "mode"], progress=False, chunk_size=20, executor=2)
    xr.testing.assert_identical(serial.drop_attrs(), pooled.drop_attrs())
    assert pooled.attrs["executor"].startswith("processes") and serial.attrs["executor"] == "serial"
    T_h = {"T_h": [1.5, 2.0, 2.5]}
    a = sweep(otto, T_h, analysis=OPT, progress=False)
    b = sweep(otto, T_h, analysis=OPT, progress=False, executor="processes")
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


def test_user_executor_is_used_and_left_running(fridge):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        ds = sweep(fridge, {"w_b": np.linspace(2.5, 6, 9)}, outputs=["chi"], executor=pool, progress=False,
                   chunk_size=2)
        assert pool.submit(lambda: 1).result() == 1  # not shut down by the sweep
    assert "ThreadPoolExecutor" in ds.attrs["executor"] and ds.attrs["n_tasks"] == 5
    np.testing.assert_array_equal(ds["chi"].values,
                                  sweep(fridge, {"w_b": np.linspace(2.5, 6, 9)}, outputs=["chi"], progress=False,
                                        chunk_size=2)["chi"].values)


def test_tasks_pickle_with_the_standard_pickle(fridge):
    args = (fridge, ("chi", "mode"), {"w_b": np.array([3.0, 4.0])}, "auto", "auto")
    fn, back = pickle.loads(pickle.dumps((evaluate_chunk, args)))
    np.testing.assert_array_equal(fn(*back)["chi"], evaluate_chunk(*args)["chi"])
    task = (run_points, (fridge, OPT, [{"T_h": 2.0}]))
    fn, back = pickle.loads(pickle.dumps(task))
    assert fn(*back)[0][0]["fun"] == OPT.run(fridge).fun


# -- the Dataset ----------------------------------------------------------------------------------
def test_attrs_are_netcdf_safe_and_hold_the_cycle_and_versions(fridge):
    ds = sweep(fridge, {"w_b": [3.0, 4.0]}, outputs=["chi"], progress=False)
    for key, value in ds.attrs.items():
        assert isinstance(value, (str, int, float)) and not isinstance(value, bool), key
    for package in ("thermocycles", "numpy", "scipy", "pint", "xarray"):
        assert ds.attrs[f"{package}_version"]
    if ds.attrs["cycle"]:
        from thermocycles.io import loads

        assert json.loads(ds.attrs["cycle"])
        again = loads(ds.attrs["cycle"], format="json")
        assert again.parameter_names == fridge.parameter_names
        assert again.performance().chi == fridge.performance().chi
    else:
        assert ds.attrs["cycle_note"]


@pytest.mark.parametrize("engine", ["netcdf4", "scipy"])
def test_netcdf_round_trip(fridge, tmp_path, engine):
    if engine == "netcdf4":
        pytest.importorskip("netCDF4")
    grid = sweep(fridge, {"w_b": [3.0, 4.0, 7.0], "tau_c": [0.5, 1.0]}, outputs=["chi", "q_c", "mode"],
                 progress=False)
    ana = sweep(fridge, {"w_b": [3.0, 6.0]}, analysis=cop_and_mode, progress=False)
    for k, ds in enumerate((grid, ana)):
        path = tmp_path / f"sweep{k}.nc"
        ds.to_netcdf(path, engine=engine)
        back = xr.load_dataset(path, engine=engine)
        xr.testing.assert_identical(back, ds)


# -- progress -------------------------------------------------------------------------------------
def test_progress_false_is_silent_and_true_draws(fridge, capsys):
    pytest.importorskip("tqdm")
    sweep(fridge, {"w_b": np.linspace(2.5, 6, 5)}, outputs=["chi"], progress=False, chunk_size=1)
    assert capsys.readouterr().err == ""
    sweep(fridge, {"w_b": np.linspace(2.5, 6, 5)}, outputs=["chi"], progress=True, chunk_size=1)
    assert "sweep" in capsys.readouterr().err


def test_optimizer_multistart_progress_bar(fridge, capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.delenv("THERMOCYCLES_PROGRESS", raising=False)
    quiet = OPT.run(fridge)
    assert capsys.readouterr().err == ""  # automatic: off when stderr is not a terminal
    loud = Optimizer(objective="chi", variables=OPT.variables, n_starts=16, n_local=2, progress=True).run(fridge)
    assert "multistart" in capsys.readouterr().err
    assert loud.fun == quiet.fun and loud.x == quiet.x
    with pytest.raises(ParameterError, match="Optimizer.progress"):
        Optimizer(objective="chi", variables=OPT.variables, progress="yes")


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, match", [
    (dict(grid={"w_x": [1.0]}), ParameterError, r"no parameter of this cycle is called 'w_x'"),
    (dict(grid={"w_b": []}), ParameterError, r"'w_b'\] is empty \(shape \(0,\)\)"),
    (dict(grid={"w_b": np.ones((2, 2))}), ParameterError, r"'w_b'\] must be a scalar or a 1-D array; got an array of "
                                                          r"shape \(2, 2\)"),
    (dict(points={"w_b": [3.0, 4.0], "tau_c": [1.0]}), ParameterError, r"same number of values; got w_b: shape "
                                                                        r"\(2,\), tau_c: shape \(1,\)"),
    (dict(grid={"w_b": Q_([3.0], "GHz")}), DimensionError, r"has units .* plain numbers"),
    (dict(grid={"tau_c": [0.5, -1.0]}), ParameterError, r"sweep grid: .*tau_c|duration"),
    (dict(grid={"w_b": ["a"]}), ParameterError, r"must be a number or a 1-D array of numbers"),
    (dict(grid={"w_b": [3.0]}, outputs=["chi", "nope"]), ParameterError, r"unknown figure 'nope'"),
    (dict(grid={"w_b": [3.0]}, outputs=["chi"], analysis=OPT), ParameterError, r"leave outputs out"),
    (dict(grid={"w_b": [3.0]}, executor="threads"), ParameterError, r"executor must be"),
    (dict(grid={"w_b": [3.0]}, executor=0), ParameterError, r"number of processes must be >= 1"),
    (dict(grid={"w_b": [3.0]}, chunk_size=0), ParameterError, r"chunk_size must be a positive integer"),
    (dict(grid={"w_b": [3.0]}, analysis=3), ParameterError, r"analysis must be an Optimizer"),
    (dict(), ParameterError, r"needs a grid"),
    (dict(grid={"w_b": [3.0]}, points={"w_b": [3.0]}), ParameterError, r"not both"),
])
def test_bad_input_gives_a_clear_error(fridge, kwargs, error, match):
    with pytest.raises(error, match=match):
        sweep(fridge, progress=False, **kwargs)


def test_si_cycle_reads_plain_numbers_in_the_cycle_unit():
    fridge_si = quantum_otto_refrigerator(**PHYSICAL)
    ds = sweep(fridge_si, {"tau_c": [0.5, 1.0]}, outputs=["chi"], progress=False)
    assert ds["tau_c"].attrs["units"] == "us"
    assert_close(ds["chi"].values[1], fridge_si.with_parameters(tau_c=Q_(1.0, "us")).performance().chi.m_as("W"))


@pytest.mark.parametrize("chunk_size", [None, 3])
def test_a_point_without_a_periodic_state_is_nan_with_its_reason_and_the_rest_is_exact(otto, chunk_size):
    """tau_c = tau_h = 0 has no periodic steady state: that point alone becomes NaN (mode "") with the
    reason in `error`; every other point of its block equals the direct evaluation."""
    grid = {"tau_c": [0.0, 0.5, 1.0], "tau_h": [0.0, 0.5], "w_b": [2.5, 4.0]}
    ds = sweep(otto, grid, outputs=["q_c", "work", "mode"], progress=False, chunk_size=chunk_size)
    assert ds.attrs["n_failed"] == 2  # (tau_c, tau_h) = (0, 0) at both w_b
    for i, tau_c in enumerate(grid["tau_c"]):
        for j, tau_h in enumerate(grid["tau_h"]):
            for k, w_b in enumerate(grid["w_b"]):
                error = str(ds["error"].values[i, j, k])
                if tau_c == tau_h == 0.0:
                    assert np.isnan(ds["q_c"].values[i, j, k]) and ds["mode"].values[i, j, k] == ""
                    assert error.startswith("CycleError: ") and "zero duration (tau_c = tau_h = 0)" in error
                    continue
                perf = otto.with_parameters(tau_c=tau_c, tau_h=tau_h, w_b=w_b).performance()
                assert error == ""
                assert_close(ds["q_c"].values[i, j, k], perf.q_c)
                assert_close(ds["work"].values[i, j, k], perf.work)
                assert ds["mode"].values[i, j, k] == perf.mode.value


def test_a_sweep_where_every_point_works_has_no_error_variable(fridge):
    ds = sweep(fridge, {"tau_c": [0.5, 1.0]}, outputs=["chi"], progress=False)
    assert "error" not in ds and ds.attrs["n_failed"] == 0


def test_failing_points_on_a_process_pool_equal_serial():
    spin = otto_cycle(Spin(j=1), **NATURAL)
    grid = {"tau_c": [0.0, 0.5], "tau_h": [0.0, 0.5]}
    serial = sweep(spin, grid, outputs=["q_c", "mode"], progress=False)
    pooled = sweep(spin, grid, outputs=["q_c", "mode"], progress=False, executor=2, chunk_size=2)
    assert serial.attrs["n_failed"] == pooled.attrs["n_failed"] == 1
    for name in ("q_c", "mode", "error"):
        np.testing.assert_array_equal(serial[name].values, pooled[name].values)
