"""The one abstraction every backend shares: a stroke is a linear map on a real state vector.

The state is a real vector ``x`` of dimension ``n``: the N level populations (populations backend),
or the N^2 real coordinates of the density matrix in an orthonormal basis of Hermitian matrices
(density-matrix backend), so everything stays float64. A stroke maps ``x_start`` to
``x_end = x_start + deviation @ x_start``; the heat it takes from each reservoir and the work done on
the substance are linear functionals of ``x_start``. Keeping the deviation ``M - I`` instead of ``M``
loses no digits on short strokes, and composition keeps that form:
``D = D1 + D2 + D2 D1``, ``h = h1 + h2 (I + D1)``.

A map may also say how it acts on a *reference* state (:class:`Reference`): a state it leaves
unchanged (a contact's stationary state, ``fixed``), or how it carries a reference exactly
(``transport``). The periodic-state solver then works with deviations from references, which keeps
the heats' relative precision near reversibility (see ``thermocycles.core.periodic``).
"""

from __future__ import annotations

from typing import Callable, Mapping

import attrs
import numpy as np


@attrs.frozen
class ThermalLabel:
    """A reference state known in closed form: Gibbs populations ``exp(-E_i/T)/Z`` of the levels
    ``E`` in the eigenbasis ``basis`` (columns in the natural basis; None: the natural basis).

    Two labelled references in the same basis differ by
    ``thermocycles.core.stable.gibbs_difference``, which keeps relative precision however close
    they are. ``valid`` (bool array over the batch, or None for everywhere) says where the label
    describes the state.
    """

    energies: np.ndarray
    temperature: np.ndarray
    basis: np.ndarray | None = None
    valid: np.ndarray | None = None

    def moved_to(self, basis: np.ndarray | None) -> ThermalLabel:
        """The same populations in another eigenbasis (ideal adiabatic following)."""
        return ThermalLabel(self.energies, self.temperature, basis, self.valid)


@attrs.frozen
class Reference:
    """A reference state: its vector (``x``), and its thermal label where one is known."""

    vector: np.ndarray
    label: ThermalLabel | None = None


@attrs.frozen(kw_only=True)
class LinearMap:
    """What a stroke does to the state vector and the energy it exchanges, as linear maps.

    Attributes
    ----------
    deviation : ndarray, shape (..., n, n)
        ``M - I``, where ``x_end = M x_start``.
    heat : dict of str to ndarray, shape (..., n)
        For each reservoir touched, the row ``h`` with heat into the substance ``h @ x_start``.
    work : ndarray, shape (..., n)
        The row ``w`` with work done on the substance ``w @ x_start``.
    duration : ndarray
        Duration of the stroke.
    fixed : Reference, optional
        A state the map leaves unchanged (the stationary state of a contact).
    fixed_heat : dict of str to ndarray, optional
        Heat taken from each reservoir when the stroke starts in ``fixed`` (zero with one reservoir;
        the steady flow through the substance with several).
    transport : callable, optional
        ``Reference -> Reference``: the image of a reference state, computed exactly (e.g. ideal
        adiabatic following moves a Gibbs label to the new eigenbasis).
    energy : ndarray, shape (..., n), optional
        For a contact with one reservoir at a fixed Hamiltonian: the row ``e`` of the energy, so that
        its heat is ``e . (x_end - x_start)``. The solver may then take that change from the other
        strokes (the changes add to zero over a periodic cycle), which keeps a strongly relaxing
        contact's heat accurate next to a weak one.
    """

    deviation: np.ndarray
    heat: Mapping[str, np.ndarray] = attrs.field(factory=dict)
    work: np.ndarray
    duration: np.ndarray
    fixed: Reference | None = None
    fixed_heat: Mapping[str, np.ndarray] | None = None
    transport: Callable[[Reference], Reference] | None = attrs.field(default=None, eq=False)
    energy: np.ndarray | None = None

    @property
    def dimension(self) -> int:
        """Dimension n of the state vector."""
        return int(np.shape(self.deviation)[-1])

    @property
    def matrix(self) -> np.ndarray:
        """The map ``M = I + deviation``."""
        return self.deviation + np.eye(self.dimension)

    def then(self, other: LinearMap) -> LinearMap:
        """This map followed by ``other`` (durations add; heats of a reservoir touched by both add).

        Examples
        --------
        >>> import numpy as np
        >>> half = LinearMap(deviation=np.array([[-0.5, 0.5], [0.5, -0.5]]), work=np.zeros(2),
        ...                  duration=np.array(1.0))
        >>> half.then(half).deviation
        array([[-0.5,  0.5],
               [ 0.5, -0.5]])
        """
        d1, d2 = self.deviation, other.deviation
        step = matmul(d2, d1)
        heat = {r: np.asarray(h) for r, h in self.heat.items()}
        for r, h in other.heat.items():
            h_after = h + row_times(h, d1)
            heat[r] = heat[r] + h_after if r in heat else h_after
        return LinearMap(deviation=d1 + d2 + step, heat=heat,
                         work=self.work + other.work + row_times(other.work, d1),
                         duration=np.asarray(self.duration + other.duration))


# Unbatched operands (one cycle) take ``ndarray.dot``: the same product as ``@`` with less
# per-call overhead, which dominates for the small matrices of a cycle.

def row_times(row: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``row @ matrix`` over batch axes."""
    row, matrix = np.asarray(row), np.asarray(matrix)
    if row.ndim == 1 and matrix.ndim == 2:
        return row.dot(matrix)
    return (row[..., None, :] @ matrix)[..., 0, :]


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` over batch axes."""
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim == 2 and b.ndim == 2:
        return a.dot(b)
    return a @ b


def matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``matrix @ vector`` over batch axes."""
    matrix, vector = np.asarray(matrix), np.asarray(vector)
    if matrix.ndim == 2 and vector.ndim == 1:
        return matrix.dot(vector)
    return (matrix @ vector[..., None])[..., 0]


def dot(row: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``row . vector`` over batch axes."""
    row, vector = np.asarray(row), np.asarray(vector)
    if row.ndim == 1 and vector.ndim == 1:
        return row.dot(vector)
    return (row * vector).sum(axis=-1)


__all__ = ["LinearMap", "Reference", "ThermalLabel", "matmul", "matvec", "dot", "row_times"]
