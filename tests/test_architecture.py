"""The package's layering: no import circle between its modules, and each layer imports only the
layers it builds on (errors/units < spec < core < backends, closed forms < factories < analysis).

Imports are read from the source (module level, outside ``if TYPE_CHECKING:``), so a circle hidden
by import order still fails here.
"""

from __future__ import annotations

import ast
import pathlib

import thermocycles

ROOT = pathlib.Path(thermocycles.__file__).resolve().parent

#: what each layer may import (besides itself and the foundation: errors, units, bounds)
ALLOWED = {
    "spec": {"core"},  # a cycle compiles itself to the core's model
    "core": {"backends", "closed_forms"},  # the model picks a backend or a closed form
    "backends": {"spec", "core"},
    "closed_forms": {"spec", "core"},
    "factories": {"spec", "core"},
    "analysis": {"spec", "core", "backends", "closed_forms"},
    "io": {"spec", "core", "analysis"},  # files: cycles to text and back, results to plain dicts
    "sweeps": {"spec", "core", "analysis", "io"},
    "figures": {"spec", "core", "closed_forms", "analysis"},
    "plots": {"spec", "core", "backends", "closed_forms", "analysis", "figures", "sweeps"},
}
FOUNDATION = {"errors", "units", "bounds", "progress", "quantity_text"}


def module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(name: str) -> bool:
    return (ROOT.parent / name.replace(".", "/") / "__init__.py").exists()


def top_level_imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("thermocycles"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("thermocycles"):
                continue
            for alias in node.names:  # "from . import basis" imports the module, not the package
                submodule = f"{target}.{alias.name}"
                path = ROOT.parent / submodule.replace(".", "/")
                if is_package(target) and (path.with_suffix(".py").exists() or (path / "__init__.py").exists()):
                    found.add(submodule)
                else:
                    found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in ROOT.rglob("*.py")}
    return {name: {t for t in top_level_imports(path) if t in modules and t != name}
            for name, path in modules.items()}


def test_no_import_circle():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_layers_import_only_what_they_build_on():
    for name, targets in graph().items():
        own = layer(name)
        if own not in ALLOWED:
            continue
        for target in targets:
            other = layer(target)
            if other in (own, "") or other in FOUNDATION:
                continue
            assert other in ALLOWED[own], f"{name} imports {target}: {own} may not depend on {other}"


def test_specification_does_not_compute():
    """spec/ holds data and validation; only the cycle reaches into the core (to compile itself)."""
    for name, targets in graph().items():
        if layer(name) == "spec" and name != "thermocycles.spec.cycle":
            assert not any(layer(t) in ("backends", "closed_forms", "analysis") for t in targets), name
        if name.startswith("thermocycles.spec") and name != "thermocycles.spec.cycle":
            assert "thermocycles.core.model" not in targets, name


def test_only_the_entry_points_import_the_command_line():
    """The command line sits on top of everything; the library never imports it."""
    for name, targets in graph().items():
        if name.startswith("thermocycles.cli") or name == "thermocycles.__main__":
            continue
        assert not any(t.startswith("thermocycles.cli") for t in targets), f"{name} imports the command line"
