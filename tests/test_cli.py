"""The ``thermocycles`` command (``thermocycles.cli:main``): ``thermocycles fig2``."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import attrs
import numpy as np
import pytest

from thermocycles import cli
from thermocycles.figures import DEFAULT_EPS_C

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYS = {"eps_c", "eps_star", "eps_ca", "eps_plus", "beta_c_w_a", "beta_h_w_b"}


def run_json(capsys, *eps_c):
    code = cli.main(["fig2", "--eps-c", *eps_c, "--json"])
    out, err = capsys.readouterr()
    return code, out, err


def frequency_part(u, v, theta):
    """chi's dependence on u = beta_c w_a, v = beta_h w_b at fixed T_c/T_h (docs/explanation/physics.md, section 5)."""
    with np.errstate(all="ignore"):
        return np.where(v > theta * u,
                        u ** 2 * (np.tanh(v / 2) - np.tanh(u / 2)) / (v - theta * u), np.nan)


def brute_force_uv(theta, n=201, zooms=5):
    """Maximum of the frequency part on a log grid in (u, v), refined by zooming."""
    lo, hi = np.log([0.05, 0.05]), np.log([50.0, 50.0])
    for _ in range(zooms + 1):
        a, b = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
        u, v = np.meshgrid(np.exp(a), np.exp(b), indexing="ij")
        g = frequency_part(u, v, theta)
        i, j = np.unravel_index(np.nanargmax(g), g.shape)
        lo = np.array([a[max(i - 3, 0)], b[max(j - 3, 0)]])
        hi = np.array([a[min(i + 3, n - 1)], b[min(j + 3, n - 1)]])
    return float(u[i, j]), float(v[i, j])


# -- --json ----------------------------------------------------------------------------------


def test_json_is_one_object_with_exactly_the_documented_keys(capsys):
    code, out, err = run_json(capsys, "0.5", "1", "2")
    assert code == 0
    assert err == ""
    assert out.endswith("\n") and out.count("\n") == 1  # one line, nothing else on stdout
    data = json.loads(out)  # raises if anything but one JSON document is printed
    assert isinstance(data, dict)
    assert set(data) == KEYS
    for key in KEYS:
        assert isinstance(data[key], list) and len(data[key]) == 3, key
        assert all(isinstance(x, float) and math.isfinite(x) for x in data[key]), key
    assert data["eps_c"] == [0.5, 1.0, 2.0]


def test_json_values(capsys):
    _, out, _ = run_json(capsys, "0.5", "1", "2")
    d = {k: np.array(v) for k, v in json.loads(out).items()}
    eps_c = d["eps_c"]
    np.testing.assert_allclose(d["eps_ca"], np.sqrt(1 + eps_c) - 1, rtol=1e-14)
    np.testing.assert_allclose(d["eps_plus"], (np.sqrt(9 + 8 * eps_c) - 3) / 2, rtol=1e-14)
    theta = eps_c / (1 + eps_c)
    u, v = d["beta_c_w_a"], d["beta_h_w_b"]
    np.testing.assert_allclose(d["eps_star"], theta * u / (v - theta * u), rtol=1e-13)
    # the reference bounds at simple points: eps_CA(3) = 1, eps_plus(2) = 1
    assert d["eps_plus"][2] == pytest.approx(1.0, rel=1e-15)
    # eps* lies between eps_CA and eps_plus here (docs/explanation/physics.md, section 5: the COP at maximum
    # chi is close to, not equal to, the Curzon-Ahlborn COP)
    assert np.all(d["eps_ca"] < d["eps_star"]) and np.all(d["eps_star"] < d["eps_plus"])
    # (u, v) is the maximum of chi's frequency part: an independent brute-force search
    for k in range(3):
        u_ref, v_ref = brute_force_uv(theta[k])
        assert u[k] == pytest.approx(u_ref, rel=1e-5)
        assert v[k] == pytest.approx(v_ref, rel=1e-5)


def test_json_default_grid(capsys):
    assert cli.main(["fig2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["eps_c"] == [float(x) for x in DEFAULT_EPS_C]
    assert all(len(data[k]) == len(DEFAULT_EPS_C) for k in KEYS)


def hide_matplotlib(monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError):
        import matplotlib.figure  # noqa: F401


def test_json_works_without_matplotlib(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    hide_matplotlib(monkeypatch)
    code, out, err = run_json(capsys, "1")
    assert code == 0 and err == ""
    assert set(json.loads(out)) == KEYS
    assert list(tmp_path.iterdir()) == []


def test_png_without_matplotlib_fails_clearly(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    hide_matplotlib(monkeypatch)
    code = cli.main(["fig2", "--eps-c", "0.5", "1"])
    out, err = capsys.readouterr()
    assert code != 0
    assert "matplotlib" in err and "pip install" in err
    assert "Traceback" not in err
    assert not (tmp_path / "fig2.png").exists()


# -- table and PNG ---------------------------------------------------------------------------


def test_default_run_writes_png_and_prints_table(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["fig2"]) == 0
    out, err = capsys.readouterr()
    png = tmp_path / "fig2.png"
    assert png.read_bytes()[:8] == PNG_SIGNATURE
    lines = out.splitlines()
    header = lines[0].split()
    assert header[:4] == ["eps_C", "eps*", "eps_CA", "eps_plus"]
    assert set(lines[1]) == {"-"}
    # table rows: numbers, first eps_C of the default grid first, the last one last
    rows = [line.split() for line in lines[2:lines.index("")]]
    assert all(len(r) == 7 for r in rows)
    assert len(rows) >= 10
    assert float(rows[0][0]) == pytest.approx(DEFAULT_EPS_C[0], rel=1e-3)
    assert float(rows[-1][0]) == pytest.approx(DEFAULT_EPS_C[-1], rel=1e-3)
    summary = [line for line in lines if "points, all converged" in line]
    assert len(summary) == 1
    assert summary[0].startswith(f"{len(DEFAULT_EPS_C)} points, all converged: True")
    assert "eps* <= eps_plus everywhere: True" in summary[0]
    assert "fig2.png" in lines[-1]


def test_output_option_and_no_plot(capsys, tmp_path):
    target = tmp_path / "sub.png"
    assert cli.main(["fig2", "--eps-c", "1", "2", "-o", str(target)]) == 0
    assert target.read_bytes()[:8] == PNG_SIGNATURE
    capsys.readouterr()
    other = tmp_path / "none.png"
    assert cli.main(["fig2", "--eps-c", "1", "--no-plot", "--output", str(other)]) == 0
    out, _ = capsys.readouterr()
    assert not other.exists()
    assert "1 points, all converged: True" in out


def test_non_convergence_is_reported(capsys, monkeypatch):
    real = cli.fig2_data

    def not_converged(eps_c):
        data = real(eps_c)
        return attrs.evolve(data, converged=np.array([True, False]))

    monkeypatch.setattr(cli, "fig2_data", not_converged)
    code = cli.main(["fig2", "--eps-c", "1", "2", "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "did not converge" in err and "2.0" in err


# -- bad arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["fig2", "--eps-c", "-1"],
    ["fig2", "--eps-c", "0"],
    ["fig2", "--eps-c", "1", "-0.5"],
    ["fig2", "--eps-c", "abc"],
    ["fig2", "--eps-c", "nan"],
    ["fig2", "--eps-c", "inf"],
    ["fig2", "--eps-c"],
    ["fig3"],
    [],
    ["fig2", "--bogus"],
])
def test_bad_arguments_exit_with_argparse_error(capsys, argv):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "error:" in err and "usage:" in err


def test_bad_eps_c_messages(capsys):
    for value, expected in (("-1", "> 0"), ("abc", "not a number")):
        with pytest.raises(SystemExit):
            cli.main(["fig2", "--eps-c", value])
        assert expected in capsys.readouterr().err


# -- the installed command -------------------------------------------------------------------


def test_console_script_is_declared():
    (ep,) = [e for e in metadata.entry_points(group="console_scripts") if e.name == "thermocycles"]
    assert ep.value == "thermocycles.cli:main"
    assert ep.load() is cli.main


def _commands():
    yield [sys.executable, "-m", "thermocycles.cli"]
    script = Path(sys.executable).with_name("thermocycles")
    found = str(script) if script.exists() else shutil.which("thermocycles")
    yield [found] if found else None


@pytest.mark.parametrize("command", list(_commands()), ids=["python-m", "console-script"])
def test_installed_command_prints_json(command, tmp_path):
    if command is None:
        pytest.skip("the thermocycles console script is not on PATH")
    proc = subprocess.run([*command, "fig2", "--eps-c", "1", "3", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == KEYS
    assert data["eps_c"] == [1.0, 3.0]
    assert data["eps_ca"][1] == pytest.approx(1.0, rel=1e-15)  # sqrt(1 + 3) - 1
    assert list(tmp_path.iterdir()) == []


# -- --version, python -m thermocycles, fig2's output errors -------------------------------------


@pytest.mark.parametrize("command", [[sys.executable, "-m", "thermocycles"], ["thermocycles"]],
                         ids=["python-m-thermocycles", "console-script"])
def test_version(command, tmp_path):
    if command == ["thermocycles"]:
        script = Path(sys.executable).with_name("thermocycles")
        found = str(script) if script.exists() else shutil.which("thermocycles")
        if not found:
            pytest.skip("the thermocycles console script is not on PATH")
        command = [found]
    proc = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.split() == ["thermocycles", metadata.version("thermocycles")]


def test_python_m_thermocycles_without_a_command_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "thermocycles"], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "usage: thermocycles" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("output", "code", "message"), [
    ("", 2, "--output must name a file; got an empty name"),
    ("fig2", 2, "has no extension; use one of .png"),
    ("fig2.xyz", 2, "has the extension '.xyz'"),
    (".png", 2, "has no extension"),
    ("missing_dir/fig2.png", 3, "does not exist"),
    ("a_file.txt/fig2.png", 3, "is not a directory"),
])
def test_fig2_bad_output_fails_before_computing(capsys, monkeypatch, tmp_path, output, code, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file.txt").write_text("")
    monkeypatch.setattr(cli, "fig2_data", lambda eps_c: pytest.fail("computed before checking the output"))
    assert cli.main(["fig2", "-o", output]) == code
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("thermocycles fig2: error: ") and err.count("\n") == 1
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file.txt"]  # no hidden ".png" either


def test_fig2_other_image_formats(capsys, tmp_path):
    target = tmp_path / "fig2.svg"
    assert cli.main(["fig2", "--eps-c", "1", "2", "-o", str(target)]) == 0
    assert target.read_text().lstrip().startswith("<?xml")
    assert f"wrote {target}" in capsys.readouterr().out


def test_fig2_missing_matplotlib_exit_code(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    hide_matplotlib(monkeypatch)
    assert cli.main(["fig2", "--eps-c", "1"]) == 4
    err = capsys.readouterr().err
    assert err == ('thermocycles fig2: error: writing the figure (or use --no-plot / --json) needs matplotlib: '
                   'pip install "thermocycles[plot]"\n')
