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
* :mod:`thermocycles.extend` -- everything a plugin author needs, in one place.

Public names are re-exported here; see the README for a tour.
"""

from importlib.metadata import PackageNotFoundError, version

from . import bounds, extend, units
from .analysis import objectives
from .analysis.irreversible import IrreversibleAnalysis, OnsagerResult
from .analysis.low_dissipation import LowDissipationAnalysis, LowDissipationResult
from .analysis.optimize import OptimizationResult, Optimizer
from .core.context import StrokeContext
from .core.linear_map import LinearMap
from .core.modes import Mode
from .core.performance import Performance, StrokeRecord
from .errors import AnalysisError, CycleError, DimensionError, ParameterError, ThermocyclesError
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
from .units import Q_, ureg

try:
    __version__ = version("thermocycles")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "AnalysisError", "BathLaw", "Cycle", "CycleError", "DimensionError", "HamiltonianSubstance",
    "HarmonicOscillator", "IrreversibleAnalysis", "Isochore", "Isotherm", "LinearMap", "LowDissipationAnalysis",
    "LowDissipationResult", "MatrixSubstance", "Mode", "NLevel", "OnsagerResult", "OptimizationResult",
    "Optimizer", "Parameter", "ParameterError", "Performance", "Q_", "QuantumAdiabat", "Qubit", "Reservoir",
    "Spin", "Stroke", "StrokeContext", "StrokeRecord", "Substance", "Thermalization", "ThermocyclesError",
    "TwoLevelSubstance", "UnitaryStroke", "bounds", "carnot_cycle", "carnot_engine", "carnot_refrigerator",
    "extend", "laws", "objectives", "otto_cycle", "otto_engine", "otto_refrigerator", "quantum_otto_cycle",
    "quantum_otto_refrigerator", "stirling_cycle", "stirling_engine", "stirling_refrigerator", "units", "ureg",
    "value_field",
]
