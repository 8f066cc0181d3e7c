"""The ``thermocycles`` commands evaluate, optimize, sweep and onsager: their tables and JSON equal
direct Python calls, their exit codes mean what docs/how_to/cli.md says, and a user's mistake ends in one
line on standard error, never a traceback."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from thermocycles import cli
from thermocycles.analysis.irreversible import IrreversibleAnalysis
from thermocycles.analysis.optimize import Optimizer
from thermocycles.factories import quantum_otto_refrigerator
from thermocycles.io import load, save, to_dict
from thermocycles.units import Q_

NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1,
               tau_hc=0.1)
SI = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"), w_a=Q_(1, "GHz"),
          w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))
VARY = ["--vary", "tau_c=1e-3:50", "--vary", "tau_h=1e-3:50"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cycles")
    paths = {"natural": folder / "fridge.toml", "si": folder / "fridge_si.json"}
    save(quantum_otto_refrigerator(**NATURAL), paths["natural"])
    save(quantum_otto_refrigerator(**SI), paths["si"])
    return {k: str(v) for k, v in paths.items()}


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def plain_json(obj):
    """What a JSON round trip makes of a dict (tuples become lists, ...)."""
    return json.loads(json.dumps(obj))


def table_values(out: str) -> dict[str, tuple[float, str]]:
    """``name value [unit]`` rows of a table, by name."""
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) in (2, 3) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\[\]]*", parts[0]):
            try:
                rows[parts[0]] = (float(parts[1]), parts[2] if len(parts) == 3 else "")
            except ValueError:
                continue
    return rows


# -- evaluate ------------------------------------------------------------------------------------


def test_evaluate_table_equals_performance(capsys, files):
    code, out, err = run(capsys, "evaluate", files["natural"])
    assert code == 0 and err == ""
    perf = quantum_otto_refrigerator(**NATURAL).performance()
    rows = table_values(out)
    for name in ("q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "power", "entropy_production",
                 "entropy_production_rate"):
        assert rows[name][0] == pytest.approx(float(getattr(perf, name)), rel=1e-9), name
    assert rows["heat[c]"][0] == pytest.approx(perf.heat["c"], rel=1e-9)
    assert "mode: refrigerator" in out
    assert "efficiency is nan: efficiency applies to an engine" in out
    # per-stroke heat and work: the stroke table's rows, checked against the ledger and the first law
    strokes = {line.split()[0]: line.split() for line in out.splitlines()
               if line.split()[:1] and line.split()[0] in ("c", "ch", "h", "hc")}
    total = 0.0
    for record in perf.strokes:
        row = strokes[record.name]
        heat, work = float(row[-2]), float(row[-1])
        assert row[1] == record.kind
        assert heat == pytest.approx(sum(record.heat.values()), rel=1e-9, abs=1e-15)
        assert work == pytest.approx(record.work, rel=1e-9, abs=1e-15)
        total += heat + work
    assert total == pytest.approx(0.0, abs=1e-9)


def test_evaluate_with_units_prints_units(capsys, files):
    code, out, _ = run(capsys, "evaluate", files["si"])
    assert code == 0
    perf = quantum_otto_refrigerator(**SI).performance()
    rows = table_values(out)
    assert rows["q_c"] == (pytest.approx(perf.q_c.m_as("J"), rel=1e-9), "J")
    assert rows["chi"] == (pytest.approx(perf.chi.m_as("W"), rel=1e-9), "W")
    assert rows["cycle_time"] == (pytest.approx(1.2e-6, rel=1e-12), "s")
    assert rows["entropy_production"][1] == "J/K"
    assert "duration [s]" in out and "heat [J]" in out


def test_evaluate_json_equals_to_dict(capsys, files):
    for key, params in (("natural", NATURAL), ("si", SI)):
        code, out, err = run(capsys, "evaluate", files[key], "--json")
        assert code == 0 and err == ""
        assert out.count("\n") == 1  # one JSON object, nothing else
        assert json.loads(out) == plain_json(to_dict(quantum_otto_refrigerator(**params).performance()))


def test_evaluate_set_and_backend(capsys, files):
    code, out, _ = run(capsys, "evaluate", files["natural"], "--set", "w_b=4", "--set", "tau_c=0.7", "--json",
                       "--backend", "density_matrix")
    assert code == 0
    direct = quantum_otto_refrigerator(**NATURAL).with_parameters(w_b=4.0, tau_c=0.7)
    data = json.loads(out)
    assert data["backend"] == "density_matrix"
    assert data["chi"] == pytest.approx(float(direct.performance().chi), rel=1e-8)
    # a cycle with units: a quantity, or a plain number read in the file's unit (mK here)
    expected = float(quantum_otto_refrigerator(**{**SI, "T_c": Q_(40, "mK")}).performance().chi.m_as("W"))
    for value in ("40 mK", "40", "0.04K"):
        code, out, _ = run(capsys, "evaluate", files["si"], "--set", f"T_c={value}", "--json")
        assert code == 0, value
        assert json.loads(out)["chi"]["value"] == pytest.approx(expected, rel=1e-12), value


# -- optimize ------------------------------------------------------------------------------------


def test_optimize_table_and_json_equal_the_optimizer(capsys, files, tmp_path):
    cycle = quantum_otto_refrigerator(**NATURAL)
    result = Optimizer(objective="chi", variables={"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)},
                       n_starts=16, progress=False).run(cycle)
    assert result.success
    code, out, err = run(capsys, "optimize", files["natural"], "--objective", "chi", *VARY, "--starts", 16,
                         "--json")
    assert code == 0 and err == ""
    assert json.loads(out) == plain_json(to_dict(result))
    target = tmp_path / "best.toml"
    code, out, err = run(capsys, "optimize", files["natural"], "--objective", "chi", *VARY, "--starts", 16,
                         "--save-optimum", target)
    assert code == 0 and err == ""
    rows = table_values(out)
    assert rows["tau_c"][0] == pytest.approx(result.x["tau_c"], rel=1e-9)
    assert rows["tau_h"][0] == pytest.approx(result.x["tau_h"], rel=1e-9)
    assert f"maximise chi: {float(result.fun):.10g}" in out
    assert f"wrote the optimal cycle to {target}" in out
    saved = load(target)
    assert saved.parameters["tau_c"] == pytest.approx(result.x["tau_c"], rel=1e-15)
    assert float(saved.performance().chi) == pytest.approx(float(result.fun), rel=1e-12)


def test_optimize_with_units_and_constraint(capsys, files):
    code, out, _ = run(capsys, "optimize", files["si"], "--objective", "chi", "--vary", "tau_c=1 ns:50 us",
                       "--vary", "tau_h=0.001:50", "--constraint", "cop >= 0.4", "--starts", 16, "--json")
    assert code == 0
    data = json.loads(out)
    result = Optimizer(objective="chi", variables={"tau_c": (Q_(1, "ns"), Q_(50, "us")),
                                                   "tau_h": (Q_(0.001, "us"), Q_(50, "us"))},
                       constraints=["cop >= 0.4"], n_starts=16, progress=False).run(quantum_otto_refrigerator(**SI))
    assert data == plain_json(to_dict(result))
    assert data["success"] is True


def test_optimize_failure_exits_1_with_the_message(capsys, files, monkeypatch):
    # no feasible point: the Optimizer raises (AnalysisError), nothing is printed on stdout
    code, out, err = run(capsys, "optimize", files["natural"], "--objective", "chi", *VARY, "--constraint",
                         "cop >= 10", "--starts", 8, "--json")
    assert code == 1 and out == ""
    assert err.startswith("thermocycles optimize: error: no feasible point with a finite objective")
    assert err.count("\n") == 1 and "Traceback" not in err
    # the optimiser reports failure (success False): the result is still printed (for scripts),
    # its message goes to stderr and the exit code is 1
    import attrs

    real = Optimizer.run

    def failing(self, cycle=None):
        return attrs.evolve(real(self, cycle), success=False, status=1, message="Iteration limit reached")

    monkeypatch.setattr(Optimizer, "run", failing)
    code, out, err = run(capsys, "optimize", files["natural"], "--objective", "chi", *VARY, "--starts", 8, "--json")
    assert code == 1
    data = json.loads(out)
    assert data["success"] is False and data["status"] == 1
    assert err == ("thermocycles optimize: error: the optimiser did not succeed (status 1): "
                   "Iteration limit reached\n")
    code, out, err = run(capsys, "optimize", files["natural"], "--objective", "chi", *VARY, "--starts", 8,
                         "--save-optimum", "never.toml")
    assert code == 1 and "success: False" in out and not os.path.exists("never.toml")


# -- sweep ---------------------------------------------------------------------------------------


def test_sweep_netcdf_equals_direct_evaluation(capsys, files, tmp_path):
    xr = pytest.importorskip("xarray")
    target = tmp_path / "sweep.nc"
    code, out, err = run(capsys, "sweep", files["natural"], "--grid", "w_b=2:6:9", "--grid", "tau_c=1e-2:10:5:log",
                         "--outputs", "chi,cop", "--out", target, "--no-progress")
    assert code == 0 and err == ""
    assert f"wrote {target}" in out and "swept w_b (9) x tau_c (5)" in out
    with xr.open_dataset(target) as ds:
        ds.load()
    assert ds["chi"].dims == ("w_b", "tau_c")
    np.testing.assert_allclose(ds["w_b"].values, np.linspace(2, 6, 9), rtol=0, atol=0)
    np.testing.assert_allclose(ds["tau_c"].values, np.geomspace(1e-2, 10, 5), rtol=1e-15)
    fridge = quantum_otto_refrigerator(**NATURAL)
    for i, w_b in enumerate(ds["w_b"].values):
        for j, tau_c in enumerate(ds["tau_c"].values):
            perf = fridge.with_parameters(w_b=float(w_b), tau_c=float(tau_c)).performance()
            np.testing.assert_allclose(ds["chi"].values[i, j], perf.chi, rtol=1e-12, equal_nan=True)
            np.testing.assert_allclose(ds["cop"].values[i, j], perf.cop, rtol=1e-12, equal_nan=True)


def test_sweep_flat_tables_and_json_summary(capsys, files, tmp_path):
    pytest.importorskip("xarray")
    pd = pytest.importorskip("pandas")
    fridge = quantum_otto_refrigerator(**NATURAL)
    for suffix in (".csv", ".json"):
        target = tmp_path / f"table{suffix}"
        code, out, err = run(capsys, "sweep", files["natural"], "--grid", "w_b=3,4,5", "--grid", "tau_h=0.5:1:2",
                             "--outputs", "chi,mode", "--out", target, "--json")
        assert code == 0 and err == ""
        summary = json.loads(out)
        assert summary["dims"] == {"w_b": 3, "tau_h": 2} and summary["out"] == str(target)
        frame = pd.read_csv(target) if suffix == ".csv" else pd.read_json(target, orient="records")
        assert list(frame.columns) == ["w_b", "tau_h", "chi", "mode"] and len(frame) == 6
        chis = []
        for row in frame.itertuples():
            perf = fridge.with_parameters(w_b=row.w_b, tau_h=row.tau_h).performance()
            assert row.chi == pytest.approx(float(perf.chi), rel=1e-12)
            assert row.mode == str(perf.mode)
            chis.append(float(perf.chi))
        assert summary["variables"]["chi"]["max"] == pytest.approx(max(chis), rel=1e-15)
        best = frame.iloc[int(np.argmax(chis))]
        assert summary["variables"]["chi"]["argmax"] == {"w_b": best.w_b, "tau_h": best.tau_h}


def test_sweep_process_pool_and_optimisation_per_point(capsys, files, tmp_path):
    xr = pytest.importorskip("xarray")
    serial, pooled = tmp_path / "serial.nc", tmp_path / "pooled.nc"
    argv = ["sweep", files["natural"], "--grid", "T_h=1.5:2.5:2", "--optimize-objective", "chi", "--vary",
            "tau_c=1e-3:50", "--vary", "tau_h=1e-3:50", "--starts", 8]
    assert run(capsys, *argv, "--out", serial)[0] == 0
    code, out, err = run(capsys, *argv, "--out", pooled, "--workers", 2)
    assert code == 0, err
    with xr.open_dataset(serial) as a, xr.open_dataset(pooled) as b:
        a.load()
        b.load()
    assert a.equals(b)  # identical whatever the executor
    fridge = quantum_otto_refrigerator(**NATURAL)
    opt = Optimizer(objective="chi", variables={"tau_c": (1e-3, 50.0), "tau_h": (1e-3, 50.0)}, n_starts=8,
                    progress=False)
    assert a["success"].values.all()
    for k, T_h in enumerate(a["T_h"].values):
        direct = opt.run(fridge.with_parameters(T_h=float(T_h)))
        assert float(a["fun"].values[k]) == pytest.approx(float(direct.fun), rel=1e-12)
        assert float(a["x_tau_c"].values[k]) == pytest.approx(direct.x["tau_c"], rel=1e-12)


def test_sweep_on_a_dask_scheduler(capsys, files, tmp_path):
    pytest.importorskip("xarray")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as lc:
        code, out, err = run(capsys, "sweep", files["natural"], "--grid", "w_b=2:6:7", "--outputs", "chi",
                             "--scheduler", lc.scheduler_address, "--json")
    assert code == 0, err
    summary = json.loads(out)
    chis = [float(quantum_otto_refrigerator(**NATURAL).with_parameters(w_b=w).performance().chi)
            for w in np.linspace(2, 6, 7)]
    assert summary["variables"]["chi"]["max"] == pytest.approx(np.nanmax(chis), rel=1e-12)


# -- onsager -------------------------------------------------------------------------------------


def test_onsager_table_and_json(capsys, files):
    result = IrreversibleAnalysis().run(quantum_otto_refrigerator(**NATURAL))
    code, out, err = run(capsys, "onsager", files["natural"], "--json")
    assert code == 0 and err == ""
    assert json.loads(out) == plain_json(to_dict(result))
    code, out, _ = run(capsys, "onsager", files["natural"])
    assert code == 0
    rows = table_values(out)
    for i in range(2):
        for j in range(2):
            assert rows[f"L{i + 1}{j + 1}"][0] == pytest.approx(result.L_natural[i, j], rel=1e-9)
    assert re.search(r"tight coupling \(\|q\| = 1\)\s+True", out)
    assert re.search(r"second law \(L positive semidefinite\)\s+True", out)


# -- mistakes: one line, an exit code, no traceback ----------------------------------------------

MISTAKES = [
    (["evaluate", "{dir}/missing.toml"], 3, "missing.toml: no such file"),
    (["evaluate", "{dir}/bad.toml"], 3, "not valid TOML"),
    (["evaluate", "{dir}/unknown_type.json"], 3, "unknown_type.json: "),
    (["evaluate", "{dir}"], 3, "is a directory"),
    (["evaluate", "{natural}", "--set", "nope=1"], 2, "'nope' is not a parameter of the cycle; its parameters: T_c"),
    (["evaluate", "{natural}", "--set", "w_b"], 2, "expected NAME=VALUE"),
    (["evaluate", "{natural}", "--set", "w_b=fast"], 2, "is not a number"),
    (["evaluate", "{natural}", "--set", "T_c=-1"], 2, "must be > 0; got -1"),
    (["evaluate", "{si}", "--set", "T_c=5 s"], 2, "must be a temperature"),
    (["evaluate", "{si}", "--set", "T_c=5 blorps"], 2, "unknown unit '5 blorps'"),
    (["evaluate", "{si}", "--set", "T_c=1 mK**9**9**9"], 2, "is not a number with an optional unit"),  # no pint eval
    (["evaluate", "{si}", "--set", "T_c=nan"], 2, "'nan' is not a number with an optional unit"),
    (["evaluate", "{si}", "--set", "T_c=1e999"], 2, "beyond the float range"),
    (["evaluate", "{natural}", "--set", "tau_c=inf"], 2, "'inf' is not a number with an optional unit"),
    (["optimize", "{natural}", "--objective", "chi", "--vary", "tau_c=1"], 2, "expected NAME=LOW:HIGH"),
    (["optimize", "{natural}", "--objective", "chi", "--vary", "tau_c=1:2:3"], 2, "expected NAME=LOW:HIGH"),
    (["optimize", "{natural}", "--objective", "chi", "--vary", "tau_x=1:2"], 2, "'tau_x' is not a parameter"),
    (["optimize", "{natural}", "--objective", "chi", "--vary", "tau_c=5:1"], 2, "lower bound must be below"),
    (["optimize", "{natural}", "--objective", "nope", "--vary", "tau_c=1:5"], 2, "unknown objective 'nope'"),
    (["optimize", "{natural}", "--objective", "chi"], 2, "name at least one parameter to vary"),
    (["optimize", "{natural}", "--objective", "chi", "--vary", "tau_c=1:5", "--method", "bogus"], 2,
     "Optimizer.method must be one of"),
    (["optimize", "{natural}", "--objective", "chi", "--vary", "tau_c=1:5", "--save-optimum", "{dir}/x.txt"], 2,
     "has the extension '.txt'; use one of .toml, .json"),
    (["optimize", "{natural}", "--objective", "chi", "--vary", "tau_c=1:5", "--save-optimum",
      "{dir}/no/such/dir/x.toml"], 3, "does not exist"),
    (["sweep", "{natural}", "--grid", "w_b=2:6"], 2, "expected NAME=START:STOP:NUM[:log]"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:many"], 2, "NUM must be a whole number"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5:cubic"], 2, "spacing must be 'lin' or 'log'"),
    (["sweep", "{natural}", "--grid", "w_b=-1:6:5:log"], 2, "a log grid needs START and STOP > 0"),
    (["sweep", "{natural}", "--grid", "w_x=2:6:5"], 2, "'w_x' is not a parameter"),
    (["sweep", "{natural}"], 2, "name at least one axis"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5", "--outputs", "nope"], 2, "unknown figure 'nope'"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5", "--out", ""], 2, "--out must name a file"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5", "--out", "{dir}/x.xlsx"], 2, "use one of .nc, .csv, .json"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5", "--out", "{natural}/x.nc"], 3, "is not a directory"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5", "--out", "{dir}"], 3, "is a directory"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5", "--workers", "0"], 2, "--workers must be at least 1"),
    (["sweep", "{natural}", "--grid", "w_b=2:6:5", "--vary", "tau_c=1:2"], 2, "add --optimize-objective"),
    (["onsager", "{dir}/missing.json"], 3, "no such file"),
]


@pytest.fixture(scope="module")
def mistakes_dir(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("mistakes")
    (folder / "bad.toml").write_text("this is [not toml\n")
    (folder / "unknown_type.json").write_text(
        '{"format": "thermocycles.cycle", "schema_version": 1, "substance": {"type": "Bogus"}, "strokes": []}')
    return folder


def fill(argv, folder, files):
    return [a.format(dir=folder, **files) for a in argv]


@pytest.mark.parametrize(("argv", "code", "message"), MISTAKES, ids=[" ".join(m[0][:3]) for m in MISTAKES])
def test_mistakes_give_one_line_and_an_exit_code(capsys, mistakes_dir, files, argv, code, message):
    pytest.importorskip("xarray")
    got, out, err = run(capsys, *fill(argv, mistakes_dir, files))
    assert got == code, err
    assert out == ""
    assert err.startswith(f"thermocycles {argv[0]}: error: ") and err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err


def test_mistakes_as_subprocesses(mistakes_dir, files, tmp_path):
    """The installed command, end to end: exit code, one line on stderr, nothing on stdout."""
    for argv, code, message in (MISTAKES[0], MISTAKES[10]):
        proc = subprocess.run([sys.executable, "-m", "thermocycles", *fill(argv, mistakes_dir, files)],
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert proc.returncode == code, proc.stderr
        assert proc.stdout == "" and message in proc.stderr and proc.stderr.count("\n") == 1
        assert "Traceback" not in proc.stderr


def test_missing_optional_dependency_names_the_extra(capsys, monkeypatch, files, tmp_path):
    monkeypatch.setitem(sys.modules, "xarray", None)
    code, out, err = run(capsys, "sweep", files["natural"], "--grid", "w_b=2:6:5", "--out", tmp_path / "s.nc")
    assert code == 4 and out == ""
    assert 'pip install "thermocycles[sweep]"' in err and "xarray" in err and "Traceback" not in err
    assert not (tmp_path / "s.nc").exists()


def test_ctrl_c_exits_130(capsys, monkeypatch, files):
    from thermocycles.spec.cycle import Cycle

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Cycle, "performance", interrupted)
    code, out, err = run(capsys, "evaluate", files["natural"])
    assert code == 130 and out == ""
    assert err == "thermocycles evaluate: error: interrupted\n"


def test_ctrl_c_on_a_running_command(files, tmp_path):
    """SIGINT in the middle of a long sweep of optimisations: exit 130, one line, no traceback."""
    pytest.importorskip("xarray")
    proc = subprocess.Popen([sys.executable, "-m", "thermocycles", "sweep", files["natural"], "--grid",
                             "T_h=1.5:4:400", "--optimize-objective", "chi", "--vary", "tau_c=1e-3:50", "--vary",
                             "tau_h=1e-3:50", "--out", str(tmp_path / "never.nc")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    time.sleep(2.0)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    # 130 from main(); about one run in ten on this machine the interpreter instead ends by the signal
    # itself after main() has returned 130 (-SIGINT, which shells also report as 130): not understood,
    # see the CLI report. The user-facing part, one line and no traceback, holds in both cases.
    assert proc.returncode in (130, -signal.SIGINT), err
    assert out == "" and err == "thermocycles sweep: error: interrupted\n"
    assert not (tmp_path / "never.nc").exists()


def test_a_genuine_bug_keeps_its_traceback(capsys, monkeypatch, files):
    from thermocycles.spec.cycle import Cycle

    def bug(self, *args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(Cycle, "performance", bug)
    with pytest.raises(ZeroDivisionError, match="a bug"):
        cli.main(["evaluate", files["natural"]])


def test_help_documents_the_exit_codes(capsys):
    for argv in (["--help"], ["evaluate", "--help"], ["sweep", "--help"]):
        with pytest.raises(SystemExit) as info:
            cli.main(argv)
        assert info.value.code == 0
        out = capsys.readouterr().out
        assert "exit codes:" in out
        for code in ("0 ", "1 ", "2 ", "3 ", "4 ", "130"):
            assert re.search(rf"^\s+{code}", out, flags=re.M), (argv, code)


@pytest.mark.skipif(os.name != "posix", reason="SIGPIPE")
def test_a_closed_pipe_is_not_an_error(files, tmp_path):
    proc = subprocess.run(f"{sys.executable} -m thermocycles evaluate {files['natural']} | head -1",
                          shell=True, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.stdout.startswith(files["natural"])
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr
