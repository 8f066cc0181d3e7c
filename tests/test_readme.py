"""The Python code of the README runs, in order in one namespace (as a reader would paste it), and
prints what the README says it prints. (The pages of the documentation site, docs/, are notebooks
whose cells the site's build executes; test_docs_pages.py checks they hold no code that does not run.)

Every ```python block that prints is followed by a ```text block holding its output; the test
compares the real standard output with it token by token (numbers to a relative 1e-6, or the
tolerance an HTML comment ``<!-- rtol: 1e-4 -->`` right before the python block states, for numbers
an optimiser finds; ``...`` in the output block stands for a run of tokens that is not reproducible,
such as an optimiser's message or a temporary path; see output_check.py). A block that prints nothing is preceded by
the HTML comment ``<!-- no-output -->``, and the test asserts that it indeed printed nothing (and
ran). A printing block without an output block, or an output block for a silent block, fails.
"""

from __future__ import annotations

import contextlib
import io
import pathlib
import re
from dataclasses import dataclass

import pytest
from output_check import assert_output

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md"]

NO_OUTPUT = "<!-- no-output -->"
_RTOL_MARK = re.compile(r"<!--\s*rtol:\s*(\S+)\s*-->\s*$")
_FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


@dataclass
class Block:
    code: str
    line: int  # line of the opening fence (1-based)
    expected: str | None  # the output block after it, if any
    silent: bool  # marked <!-- no-output -->
    rtol: float | None  # stated by <!-- rtol: 1e-4 --> before the block (numbers an optimiser finds)


def python_blocks(path: pathlib.Path) -> list[Block]:
    """The ```python blocks of a document with their output blocks and markers."""
    text = path.read_text()
    fences = list(_FENCE.finditer(text))
    blocks = []
    for i, fence in enumerate(fences):
        if fence[1] != "python":
            continue
        before = text[fences[i - 1].end() if i else 0: fence.start()]
        silent = before.rstrip().endswith(NO_OUTPUT)
        mark = _RTOL_MARK.search(before.rstrip())
        expected = None
        if i + 1 < len(fences) and fences[i + 1][1] == "text":
            between = text[fence.end(): fences[i + 1].start()]
            if not between.strip():
                expected = fences[i + 1][2]
        blocks.append(Block(fence[2], text.count("\n", 0, fence.start()) + 1, expected, silent,
                            float(mark[1]) if mark else None))
    return blocks


def test_readme_has_python_examples():
    assert len(python_blocks(ROOT / "README.md")) >= 3


def test_parser_finds_outputs_and_markers(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("x\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n\n" + NO_OUTPUT +
                   "\n```python\ny = 2\n```\n\n```python\nprint(y)\n```\nprose\n```text\n2\n```\n")
    a, b, c = python_blocks(doc)
    assert (a.expected, a.silent, a.line, a.rtol) == ("1\n", False, 3, None)
    assert (b.expected, b.silent) == (None, True)
    assert (c.expected, c.silent) == (None, False)  # prose between: not its output
    doc.write_text("<!-- rtol: 1e-4 -->\n```python\nprint(1)\n```\n")
    assert python_blocks(doc)[0].rtol == 1e-4


@pytest.mark.parametrize("path", [d for d in DOCUMENTS if python_blocks(d)],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_python_blocks_print_what_the_document_says(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": f"doc_{path.stem}"}
    name = path.relative_to(ROOT).as_posix()
    for block in python_blocks(path):
        where = f"{name}, the python block at line {block.line}"
        assert not (block.silent and block.expected is not None), f"{where}: marked no-output but has an output block"
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.code, f"{name}:{block.line}", "exec"), namespace)
        printed = out.getvalue()
        if block.silent:
            assert printed == "", f"{where} is marked {NO_OUTPUT} but printed:\n{printed}"
        elif block.expected is None:
            raise AssertionError(f"{where} has no ```text output block after it (add one with what it prints:\n"
                                 f"{printed}) or, if it prints nothing, mark it {NO_OUTPUT}")
        else:
            assert_output(printed, block.expected, where, block.rtol)
