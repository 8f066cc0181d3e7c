"""The pages of the documentation site hold no Python that the build does not run.

The site (docs/build) executes every ``{code-cell}`` of a page whose front matter makes it a MyST-NB
notebook, and fails on a failing cell. A static ```python fence would show code that nobody ran, and
code cells in a page without that front matter would be shown but not executed: both are refused here,
so that this holds without building the site. The build itself is what checks that the cells run.
"""

from __future__ import annotations

import pathlib
import re

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts and "gallery" not in p.parts)
NOTEBOOK_FRONT_MATTER = re.compile(r"\A---\n(?:.*\n)*?file_format: mystnb\n(?:.*\n)*?---\n")
STATIC_PYTHON = re.compile(r"^\s*(```+|~~~+)\s*(python|py|pycon|ipython3?)\s*$", re.M)
CODE_CELL = re.compile(r"^\s*```+\s*\{code-cell\}", re.M)


def test_the_site_has_pages():
    assert (DOCS / "index.md").exists() and len(PAGES) >= 20


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_python_on_a_page_is_executed_at_build_time(page):
    text = page.read_text()
    static = STATIC_PYTHON.search(text)
    assert static is None, (f"{page.relative_to(DOCS)}, line {text.count(chr(10), 0, static.start(1)) + 1}: a static "
                            f"python block; write it as a {{code-cell}} ipython3 so that the build runs it")
    if CODE_CELL.search(text):
        assert NOTEBOOK_FRONT_MATTER.match(text), (f"{page.relative_to(DOCS)} has code cells but no MyST-NB front "
                                                  f"matter (file_format: mystnb): its cells would not run")


def test_the_checks_can_fail(tmp_path):
    assert STATIC_PYTHON.search("text\n```python\nx = 1\n```\n")
    assert CODE_CELL.search("```{code-cell} ipython3\nx = 1\n```\n")
    assert not NOTEBOOK_FRONT_MATTER.match("# title\n```{code-cell} ipython3\n```\n")
    assert NOTEBOOK_FRONT_MATTER.match("---\nfile_format: mystnb\nkernelspec:\n  name: python3\n---\n# t\n")


def test_every_public_name_is_in_the_api_reference():
    """Each top-level name of thermocycles has a place in docs/reference/api: an entry of an
    autosummary list (which generates its page), a module page, or a described data item."""
    import importlib

    import thermocycles

    api = "\n".join(p.read_text() for p in (DOCS / "reference" / "api").glob("*.rst"))
    listed = set(re.findall(r"^   ([A-Za-z_]\w*)$", api, re.M))
    module_pages = set(re.findall(r"^\.\. automodule:: (\S+)$", api, re.M))
    data = set(re.findall(r"^\.\. py:data:: thermocycles\.\w+\.(\w+)$", api, re.M))
    missing = []
    for name in thermocycles.__all__:
        target = getattr(thermocycles, name)
        if isinstance(target, type(importlib)):
            if target.__name__ not in module_pages:
                missing.append(f"{name} (module {target.__name__}: no automodule page)")
        elif name not in listed | data:
            missing.append(name)
    assert not missing, f"public names missing from the API reference: {missing}"
