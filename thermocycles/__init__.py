"""thermocycles: finite-time (quantum) thermodynamic cycles with checked units.

The package is layered (each layer imports only the ones above it):

* :mod:`thermocycles.units`, :mod:`thermocycles.errors` -- the one unit registry, natural units,
  the error hierarchy;
* :mod:`thermocycles.spec` -- frozen, validated components: reservoirs and bath laws, substances,
  strokes, cycles and their named parameters;
* :mod:`thermocycles.core` -- the unit-free core: linear maps, the periodic-state solve, the
  compiled model, the performance record;
* :mod:`thermocycles.backends` -- state spaces: level populations and density matrices;
* :mod:`thermocycles.closed_forms` -- closed forms used for speed where they apply;
* :mod:`thermocycles.factories` -- ready-made cycles: the paper's Otto refrigerator, Otto, Carnot-
  and Stirling-type engines and refrigerators for any substance;
* :mod:`thermocycles.analysis` -- the Optimizer, the IrreversibleAnalysis and the
  LowDissipationAnalysis;
* :mod:`thermocycles.io` -- cycles to text files (TOML, JSON) and back, results to plain dicts;
* :mod:`thermocycles.sweeps` -- parameter sweeps to labelled ``xarray`` datasets, on any executor
  (serial, processes, a Dask cluster);
* :mod:`thermocycles.plots` -- every figure: the cycle diagram, sweep maps and lines, Fig. 2;
* :mod:`thermocycles.cli` -- the ``thermocycles`` command (nothing in the library imports it);
* :mod:`thermocycles.extend` -- everything a plugin author needs, in one place.

Public names are re-exported here; see the README for a tour. They are imported on first use
(PEP 562), so that ``import thermocycles`` (and the ``thermocycles`` command) starts at once and a
program pays only for the parts it uses: ``tc.Reservoir`` imports :mod:`thermocycles.spec`, and
``tc.Optimizer`` the analysis layer with scipy's optimisers.

Examples
--------
>>> import thermocycles as tc
>>> tc.Reservoir(name="c", temperature=1.0, coupling=1.0).name
'c'
>>> "Optimizer" in dir(tc) and "Optimizer" in tc.__all__
True
"""

# ruff: noqa: F401  (the imports under TYPE_CHECKING are re-exports for type checkers)
from __future__ import annotations

from typing import TYPE_CHECKING, Any

#: Public name -> the module it is imported from, as ``from <module> import <name>`` would
#: (relative to this package; "." is the package itself, for its submodules). Adding an export is
#: one line here, plus the same import under ``if TYPE_CHECKING:`` below for type checkers and IDEs
#: (tests/test_startup.py checks that the two agree and that every name resolves).
_EXPORTS: dict[str, str] = {
    "AnalysisError": ".errors",
    "BathLaw": ".spec.laws",
    "bounds": ".",
    "carnot_cycle": ".factories",
    "carnot_engine": ".factories",
    "carnot_refrigerator": ".factories",
    "Cycle": ".spec.cycle",
    "cycle_diagram": ".plots",
    "CycleError": ".errors",
    "DimensionError": ".errors",
    "dumps": ".io",
    "extend": ".",
    "FileFormatError": ".errors",
    "HamiltonianSubstance": ".spec.substances",
    "HarmonicOscillator": ".spec.substances",
    "io": ".",
    "IrreversibleAnalysis": ".analysis.irreversible",
    "Isochore": ".spec.strokes",
    "Isotherm": ".spec.strokes",
    "laws": ".spec",
    "LinearMap": ".core.linear_map",
    "load": ".io",
    "loads": ".io",
    "LowDissipationAnalysis": ".analysis.low_dissipation",
    "LowDissipationResult": ".analysis.low_dissipation",
    "MatrixSubstance": ".spec.substances",
    "Mode": ".core.modes",
    "NLevel": ".spec.substances",
    "objectives": ".analysis",
    "OnsagerResult": ".analysis.irreversible",
    "OptimizationResult": ".analysis.optimize",
    "Optimizer": ".analysis.optimize",
    "otto_cycle": ".factories",
    "otto_engine": ".factories",
    "otto_refrigerator": ".factories",
    "Parameter": ".spec.values",
    "ParameterError": ".errors",
    "Performance": ".core.performance",
    "plots": ".",
    "Q_": ".units",
    "quantum_otto_cycle": ".factories",
    "quantum_otto_refrigerator": ".factories",
    "QuantumAdiabat": ".spec.strokes",
    "Qubit": ".spec.substances",
    "register_function": ".io",
    "register_type": ".io",
    "Reservoir": ".spec.reservoirs",
    "save": ".io",
    "Spin": ".spec.substances",
    "stirling_cycle": ".factories",
    "stirling_engine": ".factories",
    "stirling_refrigerator": ".factories",
    "Stroke": ".spec.strokes",
    "StrokeContext": ".core.context",
    "StrokeRecord": ".core.performance",
    "Substance": ".spec.substances",
    "sweep": ".sweeps",
    "sweeps": ".",
    "Thermalization": ".spec.strokes",
    "ThermocyclesError": ".errors",
    "to_dict": ".io",
    "to_json": ".io",
    "TwoLevelSubstance": ".spec.substances",
    "UnitaryStroke": ".spec.strokes",
    "units": ".",
    "ureg": ".units",
    "value_field": ".spec.values",
}

if TYPE_CHECKING:  # the same names, for mypy and IDEs (at run time they come from _EXPORTS)
    from . import bounds, extend, io, plots, sweeps, units
    from .analysis import objectives
    from .analysis.irreversible import IrreversibleAnalysis, OnsagerResult
    from .analysis.low_dissipation import LowDissipationAnalysis, LowDissipationResult
    from .analysis.optimize import OptimizationResult, Optimizer
    from .core.context import StrokeContext
    from .core.linear_map import LinearMap
    from .core.modes import Mode
    from .core.performance import Performance, StrokeRecord
    from .errors import AnalysisError, CycleError, DimensionError, FileFormatError, ParameterError, ThermocyclesError
    from .factories import (
        carnot_cycle,
        carnot_engine,
        carnot_refrigerator,
        otto_cycle,
        otto_engine,
        otto_refrigerator,
        quantum_otto_cycle,
        quantum_otto_refrigerator,
        stirling_cycle,
        stirling_engine,
        stirling_refrigerator,
    )
    from .io import dumps, load, loads, register_function, register_type, save, to_dict, to_json
    from .plots import cycle_diagram
    from .spec import laws
    from .spec.cycle import Cycle
    from .spec.laws import BathLaw
    from .spec.reservoirs import Reservoir
    from .spec.strokes import Isochore, Isotherm, QuantumAdiabat, Stroke, Thermalization, UnitaryStroke
    from .spec.substances import (
        HamiltonianSubstance,
        HarmonicOscillator,
        MatrixSubstance,
        NLevel,
        Qubit,
        Spin,
        Substance,
        TwoLevelSubstance,
    )
    from .spec.values import Parameter, value_field
    from .sweeps import sweep
    from .units import Q_, ureg

    __version__: str

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562) and keep it in the module's namespace."""
    where = _EXPORTS.get(name)
    if where is None:
        if name == "__version__":
            value: Any = _version()
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        import importlib  # noqa: PLC0415 (the package imports nothing until a name is used)

        if where == ".":
            value = importlib.import_module(f"{__name__}.{name}")
        else:
            module = importlib.import_module(where, __name__)
            try:
                value = getattr(module, name)
            except AttributeError:  # a submodule not yet imported ("from .spec import laws")
                value = importlib.import_module(f"{module.__name__}.{name}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS, "__version__"})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415 (slow to import)

    try:
        return version("thermocycles")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return "0+unknown"
