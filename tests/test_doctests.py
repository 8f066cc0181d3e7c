"""The docstring examples of every module of the installed package run and give what they show.

(Collected through the installed package rather than pytest's --doctest-modules on the source tree,
which would import a second copy of the package next to the installed one.)
"""

import doctest
import importlib
import pkgutil

import pytest

import thermocycles

MODULES = sorted(m.name for m in pkgutil.walk_packages(thermocycles.__path__, "thermocycles."))


def test_every_module_is_found():
    assert {"thermocycles.spec.cycle", "thermocycles.analysis.optimize", "thermocycles.analysis.irreversible",
            "thermocycles.backends.density_matrix.backend"} <= set(MODULES)


@pytest.mark.parametrize("name", ["thermocycles", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                             verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
