"""Every command x every kind of bad argument: a documented exit code, one short error line, no traceback.

The cases are generated: each command declares which kinds of argument it takes (a cycle FILE, an
output path, ``--set`` values, ``--grid`` axes, ``--vary`` bounds, ``--eps-c`` values) and each kind
has a list of user mistakes (missing, a directory, binary, hostile strings such as '9**9**9' or a
million characters, values out of range, ...), so a command or a mistake added later is covered by
adding one line. Exit codes are those of ``thermocycles --help`` (docs/how_to/cli.md): 2 for a bad command
line or value, 3 for a file that cannot be read or written, 1 for a computation that failed.
argparse's own errors (a value its ``type=`` refuses) print the usage line(s) first, then the one
error line; everything else prints only the error line.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from thermocycles import cli
from thermocycles.factories import quantum_otto_refrigerator
from thermocycles.io import save

HUGE = "9" * 10**6  # a million characters
ROOT = os.name == "posix" and os.geteuid() == 0  # root reads and writes files without permission
NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1,
               tau_hc=0.1)


# each mistake: (id, the argument text ({dir} is a folder with the files below), expected exit code)
FILE_MISTAKES = [
    ("missing", "{dir}/missing.toml", 3),
    ("directory", "{dir}", 3),
    ("binary", "{dir}/binary.toml", 3),
    ("empty-file", "{dir}/empty.toml", 3),
    ("not-a-cycle", "{dir}/other.json", 3),
    ("malformed", "{dir}/bad.toml", 3),
    ("no-extension", "{dir}/cycle", 3),
    ("dev-null", os.devnull, 3),
    ("empty-name", "", 2),
    ("huge-name", "{dir}/" + "x" * 10**5 + ".toml", 3),
    ("unreadable", "{dir}/unreadable.toml", 3),
]
OUTPUT_MISTAKES = [  # ({ext} is an extension the command writes)
    ("no-such-directory", "/nonexistent/x{ext}", 3),
    ("directory", "{dir}", 3),
    ("parent-is-a-file", "{dir}/fridge.toml/x{ext}", 3),
    ("unknown-extension", "{dir}/x.bogus", 2),
    ("no-extension", "{dir}/x", 2),
    ("empty", "", 2),
    ("blank", "   ", 2),
    ("hidden-extension-only", "{dir}/{ext}", 2),
    ("huge-name", "{dir}/" + "x" * 10**5 + "{ext}", 3),
    ("read-only-file", "{dir}/readonly{ext}", 3),
    ("read-only-directory", "{dir}/readonly_dir/x{ext}", 3),
]
SET_MISTAKES = [
    ("pint-expression", "w_b=9**9**9", 2),
    ("million-digits", "w_b=" + HUGE, 2),
    ("nan", "w_b=nan", 2),
    ("inf", "w_b=inf", 2),
    ("overflow", "w_b=1e400", 2),
    ("negative-temperature", "T_c=-1", 2),
    ("zero-coupling", "gamma_c=0", 2),
    ("negative-duration", "tau_c=-0.5", 2),
    ("no-value", "w_b=", 2),
    ("no-equals", "w_b", 2),
    ("unknown-name", "nope=1", 2),
    ("huge-name", "x" * 10**6 + "=1", 2),
    ("a-unit-in-natural-units", "w_b=3 GHz", 2),
]
GRID_MISTAKES = [
    ("too-many-points", "w_b=2:6:1000000000", 2),
    ("too-many-in-all", "w_b=2:6:5000 tau_c=1:2:5000", 2),
    ("negative-num", "w_b=2:6:-5", 2),
    ("float-num", "w_b=2:6:1e3", 2),
    ("log-through-zero", "w_b=-1:6:5:log", 2),
    ("bad-spacing", "w_b=2:6:5:cubic", 2),
    ("nan-bound", "w_b=nan:6:5", 2),
    ("pint-expression", "w_b=2:9**9**9:5", 2),
    ("million-digits", "w_b=2:" + HUGE + ":5", 2),
    ("unknown-name", "w_x=2:6:5", 2),
    ("twice", "w_b=2:6:5 w_b=3:4:2", 2),
    ("empty-list", "w_b=,", 2),
]
VARY_MISTAKES = [
    ("one-bound", "tau_c=1", 2),
    ("three-bounds", "tau_c=1:2:3", 2),
    ("reversed", "tau_c=5:1", 2),
    ("nan", "tau_c=nan:5", 2),
    ("inf", "tau_c=0.1:inf", 2),
    ("pint-expression", "tau_c=1:9**9**9", 2),
    ("million-digits", "tau_c=1:" + HUGE, 2),
    ("unknown-name", "tau_x=1:2", 2),
]
EPS_MISTAKES = [  # argparse refuses these itself (usage line + error line) unless marked
    ("above-range", "1e13", 2),
    ("below-range", "1e-13", 2),
    ("just-above-range", "2e12", 2),
    ("nan", "nan", 2),
    ("negative", "-1", 2),
    ("pint-expression", "9**9**9", 2),
    ("million-digits", HUGE, 2),
    ("word", "fast", 2),
]

# each command: its base arguments and, per kind of argument, how a mistake enters the command line
COMMANDS = {
    "evaluate": {"base": ["evaluate", "{natural}"], "file": 1, "set": "--set"},
    "optimize": {"base": ["optimize", "{natural}", "--objective", "chi", "--vary", "tau_c=0.01:5"], "file": 1,
                 "set": "--set", "vary": True, "output": ("--save-optimum", ".toml")},
    "sweep": {"base": ["sweep", "{natural}", "--grid", "w_b=2:6:3"], "file": 1, "set": "--set", "grid": True,
              "output": ("--out", ".csv")},
    "onsager": {"base": ["onsager", "{natural}"], "file": 1, "set": "--set"},
    "fig2": {"base": ["fig2", "--eps-c", "1", "--no-plot"], "output": ("--output", ".png"), "eps": True},
}


def cases():
    for command, spec in COMMANDS.items():
        base = spec["base"]
        if "file" in spec:
            for name, text, code in FILE_MISTAKES:
                argv = list(base)
                argv[spec["file"]] = text
                yield pytest.param(command, argv, code, id=f"{command}-file-{name}")
        if "output" in spec:
            option, ext = spec["output"]
            for name, text, code in OUTPUT_MISTAKES:
                argv = [a for a in base if a != "--no-plot"] + [option, text.replace("{ext}", ext)]
                yield pytest.param(command, argv, code, id=f"{command}-output-{name}")
        if "set" in spec:
            for name, text, code in SET_MISTAKES:
                yield pytest.param(command, [*base, "--set", text], code, id=f"{command}-set-{name}")
        if spec.get("grid"):
            for name, text, code in GRID_MISTAKES:
                grids = [x for item in text.split(" ") for x in ("--grid", item)]
                yield pytest.param(command, base[:2] + grids, code, id=f"{command}-grid-{name}")
        if spec.get("vary"):
            for name, text, code in VARY_MISTAKES:
                yield pytest.param(command, base[:4] + ["--vary", text], code, id=f"{command}-vary-{name}")
        if spec.get("eps"):
            for name, text, code in EPS_MISTAKES:
                yield pytest.param(command, ["fig2", "--no-plot", "--eps-c", text], code, id=f"fig2-eps-{name}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("mistakes")
    save(quantum_otto_refrigerator(**NATURAL), d / "fridge.toml")
    (d / "binary.toml").write_bytes(bytes(range(256)) * 8)
    (d / "empty.toml").write_text("")
    (d / "bad.toml").write_text("this is [not toml\n")
    (d / "cycle").write_text((d / "fridge.toml").read_text())
    (d / "other.json").write_text('{"format": "something.else", "data": [1, 2, 3]}')
    (d / "unreadable.toml").write_text((d / "fridge.toml").read_text())
    (d / "unreadable.toml").chmod(0)
    for ext in (".toml", ".csv", ".png"):
        (d / f"readonly{ext}").write_text("")
        (d / f"readonly{ext}").chmod(0o444)
    (d / "readonly_dir").mkdir()
    (d / "readonly_dir").chmod(0o555)
    yield d
    (d / "readonly_dir").chmod(0o755)


def fill(argv, folder):
    return [a.replace("{dir}", str(folder)).replace("{natural}", str(folder / "fridge.toml")) for a in argv]


def check_error_output(command, code, out, err, expected_code):
    assert out == "", out[:300]
    assert "Traceback" not in err, err[-2000:]
    lines = err.splitlines()
    assert lines, "no error message"
    message = lines[-1]
    assert message.startswith(f"thermocycles {command}: error: "), err[:500]
    assert len(message) < 500, f"{len(message)} characters: {message[:300]}"
    if lines[0].startswith("usage:"):  # argparse: the usage, then the error line
        assert code == 2
    else:
        assert len(lines) == 1, err[:1000]
    assert code == expected_code, message


@pytest.mark.parametrize(("command", "argv", "code"), list(cases()))
def test_mistake(command, argv, code, folder, capsys, monkeypatch):
    if ROOT and ("unreadable" in " ".join(argv) or "readonly" in " ".join(argv)):
        pytest.skip("root may read and write files without permission")
    if command == "sweep":
        pytest.importorskip("xarray")
    monkeypatch.chdir(folder)
    monkeypatch.setattr(cli, "fig2_data", _refuse_out_of_range_only())
    try:
        got = cli.main(fill(argv, folder))
    except SystemExit as exc:  # argparse
        got = exc.code
    out, err = capsys.readouterr()
    check_error_output(command, got, out, err, code)
    assert not list(folder.glob(".*")), "a hidden file was written"


def _refuse_out_of_range_only():
    """fig2's computation, for the range check only (the solver itself is tested elsewhere)."""
    from thermocycles.figures import fig2_data

    def checked(eps_c):
        import numpy as np

        eps = np.atleast_1d(np.asarray(eps_c, dtype=float))
        if np.all((eps >= 1e-12) & (eps <= 1e12)):
            return fig2_data(np.array([1.0]))
        return fig2_data(eps)

    return checked


def test_every_command_has_cases():
    ids = {p.id.split("-")[0] for p in cases()}
    assert ids == set(COMMANDS) == set(cli.COMMANDS)


@pytest.mark.parametrize("argv", [
    ["evaluate", "{dir}/missing.toml"],
    ["evaluate", "{natural}", "--set", "w_b=" + "9" * 10**5],
    ["fig2", "--no-plot", "--eps-c", "1e13"],
    ["sweep", "{natural}", "--grid", "w_b=2:6:1000000000"],
], ids=["missing", "long-value", "eps-range", "grid-size"])
def test_mistakes_as_subprocesses(argv, folder):
    """The installed command end to end (python -m thermocycles): the same line, code and no traceback."""
    proc = subprocess.run([sys.executable, "-m", "thermocycles", *fill(argv, folder)], capture_output=True,
                          text=True, timeout=120, cwd=folder)
    assert proc.returncode in (2, 3), proc.stderr[-1000:]
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and len(proc.stderr) < 500, proc.stderr[:500]
