"""The populations backend (level populations; exact for commuting substances)."""

from .backend import PopulationBackend, PopulationContext

__all__ = ["PopulationBackend", "PopulationContext"]
