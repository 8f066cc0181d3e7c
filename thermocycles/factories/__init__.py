"""Ready-made cycles."""

from .otto import quantum_otto_cycle, quantum_otto_refrigerator

__all__ = ["quantum_otto_cycle", "quantum_otto_refrigerator"]
