"""Start-up: what ``thermocycles --help``, ``import thermocycles`` and a first natural-unit call import
(asserted on modules, not on time; benchmarks/bench_startup.py measures the time), and the lazy
package namespace that makes it so."""

from __future__ import annotations

import ast
import importlib
import json
import pathlib
import subprocess
import sys
from importlib import metadata

import pytest

import thermocycles

ROOT = pathlib.Path(thermocycles.__file__).resolve().parent
#: never imported by ``thermocycles --help`` (nor numpy: the parser needs the standard library only)
HEAVY = ("numpy", "scipy", "pint", "matplotlib", "xarray", "dask", "distributed", "pandas", "tqdm", "netCDF4",
         "attrs", "qutip")

def modules_after(code: str) -> set[str]:
    """Modules loaded at the end of a fresh interpreter running ``code`` (which may exit)."""
    wrapped = f"import atexit, json, sys\natexit.register(lambda: print(json.dumps(sorted(sys.modules)), " \
              f"file=sys.__stderr__))\n{code}"
    proc = subprocess.run([sys.executable, "-c", wrapped], capture_output=True, text=True, timeout=120)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["evaluate", "--help"], ["sweep", "--help"],
                                  ["fig2", "--help"]])
def test_help_imports_no_heavy_module(argv):
    loaded = modules_after(f"sys.argv = ['thermocycles', *{argv!r}]\nfrom thermocycles.cli import main\n"
                           f"sys.exit(main())")
    assert heavy(loaded) == []
    ours = sorted(m for m in loaded if m.startswith("thermocycles"))
    assert all(m == "thermocycles" or m.startswith("thermocycles.cli") for m in ours), ours


def test_python_m_help_imports_no_heavy_module():
    """``python -m thermocycles --help`` (through __main__.py), read from -X importtime."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "thermocycles", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0 and "usage: thermocycles" in proc.stdout
    loaded = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "thermocycles.cli" in loaded
    assert heavy(loaded) == []


def test_import_thermocycles_imports_nothing_heavy():
    loaded = modules_after("import thermocycles")
    assert heavy(loaded) == []
    assert sorted(m for m in loaded if m.startswith("thermocycles")) == ["thermocycles"]


def test_a_natural_unit_program_never_loads_pint_or_scipy_stats():
    loaded = modules_after(
        "import thermocycles as tc\n"
        "p = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, "
        "tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1).performance()\n"
        "assert abs(p.cop - 0.5) < 1e-12\n"
        "from thermocycles.analysis.optimize import Optimizer\n")
    assert "pint" not in loaded
    assert "scipy.stats" not in loaded
    assert "thermocycles.analysis.optimize" in loaded


# -- the lazy namespace --------------------------------------------------------------------------


def lazy_table_and_type_checking_imports() -> tuple[dict[str, str], dict[str, str]]:
    tree = ast.parse((ROOT / "__init__.py").read_text())
    table: dict[str, str] = {}
    imports: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "_EXPORTS":
            table = ast.literal_eval(node.value)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    module = "." * stmt.level + (stmt.module or "")
                    for alias in stmt.names:
                        imports[alias.asname or alias.name] = module
    return table, imports


def test_the_lazy_table_mirrors_the_type_checking_imports():
    """Adding an export: one line in _EXPORTS, and the same import under TYPE_CHECKING (checked here)."""
    table, imports = lazy_table_and_type_checking_imports()
    assert table == imports
    assert thermocycles.__all__ == sorted(table)


def test_every_public_name_resolves_to_the_object_of_its_module():
    table, _ = lazy_table_and_type_checking_imports()
    for name, where in table.items():
        value = getattr(thermocycles, name)
        if where == ".":
            assert value is importlib.import_module(f"thermocycles.{name}")
        else:
            module = importlib.import_module(where, "thermocycles")
            expected = getattr(module, name, None) or importlib.import_module(f"{module.__name__}.{name}")
            assert value is expected, name
    assert set(thermocycles.__all__) <= set(dir(thermocycles))
    assert "__version__" in dir(thermocycles)


def test_star_import_and_unknown_names():
    namespace: dict = {}
    exec("from thermocycles import *", namespace)
    assert set(thermocycles.__all__) <= set(namespace)
    assert namespace["Reservoir"] is thermocycles.Reservoir
    with pytest.raises(AttributeError, match="has no attribute 'Nonsense'"):
        thermocycles.Nonsense  # noqa: B018
    assert not hasattr(thermocycles, "_private_nonsense")


def test_version_is_the_installed_one():
    assert thermocycles.__version__ == metadata.version("thermocycles")


def test_one_unit_registry_built_on_first_use():
    out = subprocess.run([sys.executable, "-c", (
        "import sys\n"
        "import thermocycles.units as u\n"
        "assert 'pint' not in sys.modules\n"
        "assert u.is_quantity(1.0) is False and 'pint' not in sys.modules\n"
        "import thermocycles as tc\n"
        "from thermocycles.units import Q_, ureg\n"
        "import pint\n"
        "assert ureg is tc.ureg is u.ureg is pint.get_application_registry().get()\n"
        "assert Q_ is tc.Q_ is ureg.Quantity\n"
        "q = Q_(50, 'mK')\n"
        "assert u.is_quantity(q) and u.is_quantity(pint.Quantity(1, 'K'))\n"
        "assert not u.is_quantity(q.magnitude)\n"
        "assert u.to_natural(q, u.TEMPERATURE, 'T') == 0.05\n"
        "print('ok')\n")], capture_output=True, text=True, timeout=120)
    assert out.stdout == "ok\n", out.stderr


def test_quantities_from_pint_directly_share_the_registry():
    import pint

    from thermocycles.units import Q_, check_registry

    check_registry(pint.Quantity(1.0, "K"), "x")  # pint's application registry is ureg
    assert Q_(1.0, "K") == pint.Quantity(1.0, "K")
