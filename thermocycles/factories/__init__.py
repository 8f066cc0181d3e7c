"""Ready-made cycles (factories that assemble components into a Cycle)."""

from .otto import quantum_otto_cycle, quantum_otto_refrigerator

__all__ = ["quantum_otto_cycle", "quantum_otto_refrigerator"]
