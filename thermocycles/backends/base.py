"""What a backend is: the state space a cycle is evaluated in, and the numerics behind the stroke
contract (:class:`~thermocycles.core.context.StrokeContext`).

A backend

* says whether it can evaluate a compiled cycle (:meth:`Backend.refusal`: a reason, or None);
* builds one :class:`~thermocycles.core.linear_map.LinearMap` per stroke (:meth:`Backend.maps`),
  by giving each stroke a context in which ``relax``, ``follow`` and ``drive`` are implemented;
* supports the periodic solve (``thermocycles.core.periodic.SolveSupport``): differences of
  reference states, the linear solve, a starting reference;
* reads the corners of the periodic state for the ledger (:meth:`Backend.corner`).

A new backend subclasses :class:`Backend` and is added to
:data:`thermocycles.backends.BACKEND_OBJECTS`.
"""

from __future__ import annotations

import abc
from typing import Any, Callable, ClassVar, Mapping, Sequence

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


class SubstanceView:
    """The substance at the natural-unit values of one evaluation, with its answers cached per
    control value (the strokes of a cycle ask about the same few control values many times).

    ``working_basis`` is the basis the density-matrix backend works in: the natural basis (None),
    or, for a substance with a control-independent eigenbasis that is not the natural one, that
    eigenbasis, so that its maps need no rotation and stay exact on diagonal states. Eigenvectors
    and Hamiltonians are then expressed in it.
    """

    __slots__ = ("substance", "values", "n_levels", "working_basis", "_cache")

    def __init__(self, substance: Any, values: Mapping[str, Any], *, use_fixed_basis: bool = False):
        self.substance = substance
        self.values = values
        self.n_levels = int(substance.n_levels)
        self.working_basis = None
        fixed = getattr(substance, "fixed_basis", None)
        if use_fixed_basis and fixed is not None:
            self.working_basis = fixed(values)
        self._cache: dict[tuple[str, int], tuple[Any, Any]] = {}

    def cached(self, what: str, control: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` for a control value, computed once per view: the answer named ``what``."""
        key = (what, id(control))
        hit = self._cache.get(key)
        if hit is not None and hit[0] is control:  # the control is held, so its id is not reused
            return hit[1]
        result = compute()
        self._cache[key] = (control, result)
        return result

    def eigensystem(self, control: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """Eigen-energies (checked: N real numbers) and eigenvectors at a control value."""
        def compute() -> tuple[np.ndarray, np.ndarray | None]:
            energies, vectors = self.substance.eigensystem(control, self.values)
            energies = np.asarray(energies, dtype=float)
            if self.working_basis is not None:
                vectors = None  # the eigenbasis is the working basis
            if energies.shape[-1:] != (self.n_levels,):
                raise CycleError(
                    f"{type(self.substance).__name__} has n_levels = {self.n_levels}, but its energies at a "
                    f"control value have shape {energies.shape} (the last axis must hold the {self.n_levels} levels)")
            return energies, vectors
        return self.cached("eigensystem", control, compute)

    def coupling(self, control: Any) -> np.ndarray | None:
        """The coupling operator in the eigenbasis at a control value (None: all pairs)."""
        return self.cached("coupling", control, lambda: self.substance.coupling_in_eigenbasis(control, self.values))

    def hamiltonian(self, control: Any) -> np.ndarray:
        """``H(control)`` in the working basis."""
        def compute() -> np.ndarray:
            if self.working_basis is None:
                return self.substance.hamiltonian(control, self.values)
            energies = self.eigensystem(control)[0]
            return (energies[..., None, :] * np.eye(self.n_levels)).astype(complex)
        return self.cached("hamiltonian", control, compute)

    def to_natural(self, matrix: np.ndarray) -> np.ndarray:
        """A matrix in the working basis, in the natural basis."""
        w = self.working_basis
        return matrix if w is None else w @ matrix @ np.conj(np.swapaxes(w, -1, -2))


class BackendContext(StrokeContext):
    """A stroke context that knows the substance (through a :class:`SubstanceView`), the reservoirs'
    natural-unit values and which stroke it serves (for messages): the common part of the
    backends' contexts."""

    def __init__(self, own: Mapping[str, Any], view: SubstanceView,
                 reservoir_values: Mapping[str, Mapping[str, Any]], where: str):
        super().__init__(own, view.n_levels)
        self._view = view
        self._reservoir_values = reservoir_values
        self._where = where


def expand(values: Mapping[str, Any], extra: int) -> dict[str, Any]:
    """Natural-unit values with ``extra`` trailing axes, to broadcast against controls that carry
    step axes (time-ordered strokes evaluate the substance at many control values at once)."""
    return {k: np.asarray(v)[(...,) + (None,) * extra] for k, v in values.items()}


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
    def context(self, model: Any, values: Mapping[str, Any], k: int, view: SubstanceView) -> StrokeContext:
        """The context in which stroke k describes its physics."""

    def view(self, model: Any, values: Mapping[str, Any]) -> SubstanceView:
        """The substance at these values, as this backend sees it."""
        return SubstanceView(model.substance, model.substance_values(values))

    def stroke_map(self, stroke: Any, ctx: StrokeContext) -> LinearMap:
        """Stroke k's map: its :meth:`evolution`, described through the context."""
        return stroke.evolution(ctx)

    def maps(self, model: Any, values: Mapping[str, Any], *, check: bool = True) -> list[LinearMap]:
        """One checked LinearMap per stroke, in order (``check=False``: the shapes only, the caller
        checks finiteness, see :meth:`check_finite`)."""
        n = self.dimension(model.substance.n_levels)
        view = self.view(model, values)
        maps = []
        for k, stroke in enumerate(model.strokes):
            m = self.stroke_map(stroke, self.context(model, values, k, view))
            if not isinstance(m, LinearMap) or np.shape(m.deviation)[-2:] != (n, n) or np.shape(m.work)[-1:] != (n,):
                raise CycleError(
                    f"{label(stroke)} must return a LinearMap acting on the {self.name} state vector of "
                    f"dimension {n}; got {_describe(m)}")
            maps.append(m)
        if check:
            self.check_finite(model, values, maps)
        return maps

    def check_finite(self, model: Any, values: Mapping[str, Any], maps: Sequence[LinearMap]) -> None:
        """Raise a CycleError naming the first stroke whose map is not finite (and the large values
        that are the likely cause)."""
        for k, m in enumerate(maps):
            if not (np.isfinite(m.deviation).all() and np.isfinite(m.work).all()
                    and all(np.isfinite(h).all() for h in m.heat.values())):
                raise CycleError(f"{label(model.strokes[k])}: {out_of_range(model, values, k)}")

    # -- periodic solve support -----------------------------------------------------------------
    @abc.abstractmethod
    def gap(self, a: Reference, b: Reference) -> np.ndarray:
        """``a - b`` as a state vector (stable where both are labelled Gibbs states in one basis)."""

    def stable_gap(self, a: Reference, b: Reference) -> bool:
        """Whether :meth:`gap` keeps relative precision for these references everywhere (False:
        a plain subtraction somewhere, and the periodic solve gives the net flows a round-off
        floor, see ``thermocycles.core.periodic``)."""
        return False

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


#: values beyond this magnitude are named when a map overflows (they are the likely cause)
LARGE_VALUE = 1e15


def large_values(model: Any, values: Mapping[str, Any], k: int | None = None) -> str:
    """The (up to three) largest parameters beyond :data:`LARGE_VALUE` of stroke k and the
    reservoirs (all parameters if k is None), as ``name = value`` text; empty if none."""
    names = [n for _, n in model.stroke_fields[k]] if k is not None else list(model.names)
    names += [n for fields in model.reservoir_fields.values() for _, n in fields]
    largest = {n: float(np.max(np.abs(np.asarray(values[n], dtype=float)), initial=0.0)) for n in dict.fromkeys(names)}
    large = sorted((n for n, v in largest.items() if v > LARGE_VALUE), key=lambda n: -largest[n])
    return ", ".join(f"{n} = {largest[n]:.3g}" for n in large[:3])


def out_of_range(model: Any, values: Mapping[str, Any], k: int | None = None) -> str:
    """Why a map (of stroke k) is not finite, naming the largest parameters."""
    shown = large_values(model, values, k)
    return ("its map over- or underflows double precision (a rate x duration or energy x duration product "
            "beyond its range" + (f"; large values: {shown}" if shown else "") + ")")


def _describe(m: Any) -> str:
    if isinstance(m, LinearMap):
        return f"a LinearMap with deviation of shape {np.shape(m.deviation)} and work of shape {np.shape(m.work)}"
    return repr(m)[:120]


