"""thermocycles: finite-time (quantum) thermodynamic cycles with checked units.

Public names are re-exported here; see the README for a tour.
"""

from . import analytic, bounds, dynamics, objectives, units
from .cycle import Cycle
from .dynamics import StrokeMap
from .errors import AnalysisError, CycleError, DimensionError, ParameterError, ThermocyclesError
from .irreversible import IrreversibleAnalysis, OnsagerResult
from .models import quantum_otto_cycle, quantum_otto_refrigerator
from .optimize import OptimizationResult, Optimizer
from .performance import Mode, Performance, StrokeRecord
from .reservoirs import Reservoir
from .strokes import Isochore, QuantumAdiabat, Stroke, StrokeContext
from .substances import Substance, TwoLevelSubstance
from .units import Q_, ureg
from .values import Parameter, value_field

__version__ = "0.1.0"

__all__ = [
    "AnalysisError", "Cycle", "IrreversibleAnalysis", "OnsagerResult", "OptimizationResult", "Optimizer", "dynamics", "objectives", "units", "CycleError", "DimensionError", "Isochore", "Mode", "Parameter",
    "ParameterError", "Performance", "Q_", "QuantumAdiabat", "Reservoir", "Stroke",
    "StrokeContext", "StrokeMap", "StrokeRecord", "Substance", "ThermocyclesError",
    "TwoLevelSubstance", "analytic", "bounds", "quantum_otto_cycle", "quantum_otto_refrigerator",
    "ureg", "value_field",
]
