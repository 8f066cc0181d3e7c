"""What a backend is: the state space a cycle is evaluated in, and the numerics behind the stroke
contract (:class:`~thermocycles.core.context.StrokeContext`).

A backend

* says whether it can evaluate a compiled cycle (:meth:`Backend.refusal`: a reason, or None);
* builds one :class:`~thermocycles.core.linear_map.LinearMap` per stroke (:meth:`Backend.maps`),
  by giving each stroke a context in which ``relax``, ``follow`` and ``drive`` are implemented;
* supports the periodic solve (:class:`~thermocycles.core.periodic.SolveSupport`): differences of
  reference states, the linear solve, a starting reference;
* reads the corners of the periodic state for the ledger (:meth:`Backend.corner`).

A new backend subclasses :class:`Backend` and is added to
:data:`thermocycles.backends.BACKEND_OBJECTS`.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar, Mapping, Sequence

import attrs
import numpy as np

from ..core.context import StrokeContext
from ..core.linear_map import LinearMap, Reference
from ..errors import CycleError


@attrs.frozen
class Corner:
    """A corner of the cycle as the ledger shows it."""

    populations: np.ndarray  #: populations of the eigenstates of H, level order, shape (..., N)
    state: np.ndarray  #: density matrix, natural basis, shape (..., N, N)
    coherence: Any  #: l1-norm of coherence in the eigenbasis of H


def label(stroke: Any) -> str:
    """``Class 'name'`` of a stroke, for messages."""
    return f"{type(stroke).__name__} {stroke.name!r}"


class Backend(abc.ABC):
    """Base class of backends (see the module docstring)."""

    name: ClassVar[str]

    @abc.abstractmethod
    def refusal(self, model: Any, values: Mapping[str, Any]) -> str | None:
        """Why this backend cannot evaluate the cycle at these values, or None if it can."""

    @abc.abstractmethod
    def dimension(self, n_levels: int) -> int:
        """Dimension of the state vector for a substance with ``n_levels`` levels."""

    @abc.abstractmethod
    def context(self, model: Any, values: Mapping[str, Any], k: int) -> StrokeContext:
        """The context in which stroke k describes its physics."""

    def stroke_map(self, stroke: Any, ctx: StrokeContext) -> LinearMap:
        """Stroke k's map: its :meth:`evolution`, described through the context."""
        return stroke.evolution(ctx)

    def maps(self, model: Any, values: Mapping[str, Any]) -> list[LinearMap]:
        """One checked LinearMap per stroke, in order."""
        n = self.dimension(model.substance.n_levels)
        maps = []
        for k, stroke in enumerate(model.strokes):
            m = self.stroke_map(stroke, self.context(model, values, k))
            if not isinstance(m, LinearMap) or np.shape(m.deviation)[-2:] != (n, n) or np.shape(m.work)[-1:] != (n,):
                raise CycleError(
                    f"{label(stroke)} must return a LinearMap acting on the {self.name} state vector of "
                    f"dimension {n}; got {_describe(m)}")
            maps.append(m)
        return maps

    # -- periodic solve support -----------------------------------------------------------------
    @abc.abstractmethod
    def gap(self, a: Reference, b: Reference) -> np.ndarray:
        """``a - b`` as a state vector (stable where both are labelled Gibbs states in one basis)."""

    @abc.abstractmethod
    def solve(self, deviations: Sequence[np.ndarray], rhs: np.ndarray) -> np.ndarray:
        """``d`` with ``(I - M) d = rhs``, ``trace d = 0``; ``M = prod (I + D_k)``, in order."""

    @abc.abstractmethod
    def start_reference(self, maps: Sequence[LinearMap]) -> Reference:
        """A reference state to start the periodic solve from when no stroke has a fixed state."""

    # -- ledger ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def corner(self, model: Any, values: Mapping[str, Any], vector: np.ndarray, control: Any) -> Corner:
        """A corner state as the ledger shows it, with the eigenbasis of ``H(control)``."""


def _describe(m: Any) -> str:
    if isinstance(m, LinearMap):
        return f"a LinearMap with deviation of shape {np.shape(m.deviation)} and work of shape {np.shape(m.work)}"
    return repr(m)[:120]


