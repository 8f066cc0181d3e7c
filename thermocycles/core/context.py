"""The stroke contract: what a stroke may ask of the backend that evaluates it.

A stroke describes its physics through a :class:`StrokeContext` instead of building matrices
itself, so one stroke class serves every backend:

* :meth:`StrokeContext.relax` -- contact with reservoirs at a fixed control value;
* :meth:`StrokeContext.follow` -- ideal adiabatic following from one control value to another
  (populations of the instantaneous eigenstates carried over);
* :meth:`StrokeContext.drive` -- isolated, finite-time evolution under ``H(w(t))`` along a schedule;
* :meth:`StrokeContext.ramp` -- contact with reservoirs while the control moves along a schedule
  (an isotherm);
* :meth:`LinearMap.then <thermocycles.core.linear_map.LinearMap.then>` -- one piece after another.

Each returns a :class:`~thermocycles.core.linear_map.LinearMap` on the backend's state vector.
``ctx["field"]`` gives the stroke's own numeric fields in natural units (floats or arrays).
"""

from __future__ import annotations

import abc
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .linear_map import LinearMap

#: a schedule: a name ("linear", "cosine") or a function s(t / tau) with s(0) = 0 and s(1) = 1
Schedule = str | Callable[[np.ndarray], np.ndarray]


class StrokeContext(abc.ABC):
    """Natural-unit view of a cycle that a stroke uses to describe what it does.

    Built by a backend for each stroke and evaluation; strokes do not build it.

    Attributes
    ----------
    backend : str
        The name of the backend that built it: ``"populations"``, ``"density_matrix"`` or that of a
        backend added to :data:`thermocycles.extend.BACKEND_OBJECTS`.
    n_levels : int
        Number of levels N of the substance.
    """

    backend: str

    def __init__(self, own: Mapping[str, Any], n_levels: int):
        self._own = own
        self.n_levels = n_levels

    def __getitem__(self, field: str) -> Any:
        """This stroke's field ``field`` in natural units."""
        return self._own[field]

    @abc.abstractmethod
    def relax(self, control: Any, duration: Any, reservoirs: Sequence[Any]) -> LinearMap:
        """Contact with reservoirs at a fixed control value.

        Parameters
        ----------
        control : ndarray
            The control value (natural units).
        duration : ndarray
            Contact time.
        reservoirs : sequence
            Each a :class:`~thermocycles.Reservoir`, or a pair ``(reservoir, weight)`` that scales
            its rates by ``weight >= 0`` (e.g. a weak leak to another reservoir).
        """

    @abc.abstractmethod
    def follow(self, start: Any, end: Any, duration: Any) -> LinearMap:
        """Ideal adiabatic following from ``start`` to ``end`` (no heat; ``duration`` only adds to
        the cycle time)."""

    @abc.abstractmethod
    def drive(self, start: Any, end: Any, duration: Any, schedule: Schedule = "linear") -> LinearMap:
        """Isolated evolution under ``H(w(t))``, ``w(t) = start + (end - start) s(t / duration)``."""

    def ramp(self, start: Any, end: Any, duration: Any, reservoirs: Sequence[Any],
             schedule: Schedule = "linear") -> LinearMap:
        """Contact with reservoirs while the control moves, ``w(t) = start + (end - start) s(t /
        duration)``: the master equation of :meth:`relax` with the rates and the Hamiltonian of
        ``w(t)`` at every instant. Heat is ``int Tr[H dD(rho)]`` per reservoir, work
        ``int Tr[(dH/dt) rho] dt``.

        Parameters
        ----------
        start, end : ndarray
            Control values at the stroke's ends (natural units).
        duration : ndarray
        reservoirs : sequence
            As for :meth:`relax`.
        schedule : str or callable
            ``s(t / duration)``, see ``thermocycles.spec.strokes.schedules``.
        """
        raise NotImplementedError(f"the {self.backend} backend does not implement ramp (a contact while "
                                  f"the control changes)")


__all__ = ["StrokeContext", "Schedule"]
