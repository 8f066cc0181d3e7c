"""Every script in examples/ runs to completion and prints what its docstring says it prints.

Each example's module docstring ends with a section ``Expected output``: the text the script
prints, indented, with a ``# rtol: ...`` line stating the relative tolerance of its numbers (tables
printed to 3-6 significant digits: 1e-3) and ``...`` where a value is round-off (e.g. a residual of
1e-13, whose digits are noise). The test compares the real standard output with it token by token
(output_check.py). The scripts also check their key numbers against independent values themselves
(``assert`` statements: Carnot, Curzon-Ahlborn, eps_plus, the first law), and those run here too.
``OUTPUT_DIRECTORY`` in an expected output stands for the directory given as the first argument.
"""

from __future__ import annotations

import ast
import contextlib
import io
import pathlib
import runpy
import sys
import textwrap

import pytest
from output_check import assert_output

EXAMPLES = sorted((pathlib.Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
SECTION = "Expected output\n---------------\n"


def expected_output(path: pathlib.Path) -> str:
    """The ``Expected output`` section of an example's module docstring (dedented)."""
    doc = ast.get_docstring(ast.parse(path.read_text()), clean=False) or ""
    if SECTION not in doc:
        raise AssertionError(f"{path.name}: its docstring has no '{SECTION.splitlines()[0]}' section")
    body = doc.split(SECTION, 1)[1]
    lines = body.splitlines()
    if "::" in (line.strip() for line in lines):  # prose, then the literal block after '::'
        lines = lines[[line.strip() for line in lines].index("::") + 1:]
    return textwrap.dedent("\n".join(lines)).strip("\n") + "\n"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_prints_its_expected_output(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out_dir = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", [str(path), str(out_dir)])  # not pytest's own arguments
    expected = expected_output(path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        runpy.run_path(str(path), run_name="__main__")
    assert_output(printed.getvalue().replace(str(out_dir), "OUTPUT_DIRECTORY"), expected, path.name)


def test_expected_output_section_is_parsed(tmp_path):
    script = tmp_path / "x.py"
    script.write_text('"""Title.\n\nExpected output\n---------------\nSome words.\n::\n\n'
                      '    # rtol: 1e-3\n    a 1.0\n"""\n')
    assert expected_output(script) == "# rtol: 1e-3\na 1.0\n"
