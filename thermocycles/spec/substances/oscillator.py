"""The harmonic oscillator: untruncated (exact closed form) or truncated to N levels (generic path).

``H(w) = w (a^dag a + 1/2)``, levels ``w (m + 1/2)``; the reservoirs couple through ``a + a^dag``,
so only neighbouring levels ``m <-> m - 1`` are connected, with ``|<m-1|a + a^dag|m>|^2 = m``
(docs/explanation/physics.md, section 8). With the bosonic law the mean occupation obeys exactly
``d<n>/dt = -gamma (<n> - nbar(beta w))``: the untruncated oscillator is evaluated by that
equation (:mod:`thermocycles.closed_forms.otto_oscillator`), a truncated one like any N-level
substance, and the second converges to the first as N grows.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import attrs
import numpy as np

from ...errors import CycleError
from ..laws import BOSONIC
from ..reservoirs import Reservoir
from ..strokes import Isochore, QuantumAdiabat, UnitaryStroke
from .base import Substance
from .structure import as_level_count, check_level_count

#: what the untruncated oscillator's closed form covers, and what to do otherwise
UNTRUNCATED = ("HarmonicOscillator() is untruncated: it is evaluated exactly by the mean-occupation closed "
               "form, which covers cycles of Isochore and QuantumAdiabat/UnitaryStroke strokes with "
               "bosonic-law reservoirs; for other strokes or laws give levels=N")

#: the stroke classes whose effect on the mean occupation the closed form knows exactly
CONTACT_STROKES: tuple[type, ...] = (Isochore,)
ISOLATED_STROKES: tuple[type, ...] = (QuantumAdiabat, UnitaryStroke)


def _check_levels(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if value is not None:
        check_level_count(type(instance).__name__, attribute.name, value)


def _levels_converter(value: Any) -> Any:
    return None if value is None else as_level_count(value)


@attrs.frozen(kw_only=True)
class HarmonicOscillator(Substance):
    """A harmonic oscillator ``H(w) = w (a^dag a + 1/2)`` coupled to reservoirs through ``a + a^dag``.

    Parameters
    ----------
    levels : int or None
        ``None`` (the default): the untruncated oscillator, evaluated exactly by the mean-occupation
        closed form (:mod:`thermocycles.closed_forms.otto_oscillator`) on cycles of
        :class:`~thermocycles.Isochore` strokes with bosonic-law reservoirs and
        :class:`~thermocycles.QuantumAdiabat` / :class:`~thermocycles.UnitaryStroke` strokes, in any
        number and order; no backend can evaluate it (it has infinitely many levels). An integer
        ``N >= 2``: the oscillator truncated to its ``N`` lowest levels ``w (m + 1/2)``,
        ``m = 0..N-1``, an N-level substance evaluated by the generic path with any bath law and
        stroke; it converges to the untruncated oscillator as ``N`` grows (the error falls like the
        Boltzmann factor of the top level). ``levels`` is structural: a plain integer, not a
        parameter (no arrays, units or optimisation).

    Attributes
    ----------
    n_levels : int or None
        ``N``, or ``None`` for the untruncated oscillator.

    Notes
    -----
    Jumps connect ``m`` and ``m - 1`` only, with ``|A|^2 = m``: with the bosonic law
    ``k_{m -> m-1} = gamma m (nbar + 1)`` and ``k_{m-1 -> m} = gamma m nbar``, and the mean
    occupation relaxes at the rate ``gamma`` (not ``2 gamma`` as the two-level system with the tanh
    law). The ledger of an untruncated oscillator has no populations (they are
    infinite-dimensional): its ``populations_start/end`` have shape ``batch + (0,)`` and its
    ``state_start/end`` ``batch + (0, 0)``.

    Examples
    --------
    >>> import numpy as np
    >>> HarmonicOscillator(levels=3).energies(np.array([1.0, 2.0]), {})
    array([[0.5, 1.5, 2.5],
           [1. , 3. , 5. ]])
    >>> HarmonicOscillator(levels=3).coupling_in_eigenbasis(np.array(1.0), {}).round(4)
    array([[0.    , 1.    , 0.    ],
           [1.    , 0.    , 1.4142],
           [0.    , 1.4142, 0.    ]])
    >>> HarmonicOscillator().n_levels is None
    True
    """

    levels: int | None = attrs.field(default=None, converter=_levels_converter, validator=_check_levels)
    _tables: tuple[np.ndarray, np.ndarray] | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        tables = None
        if self.levels is not None:
            m = np.arange(self.levels, dtype=float)
            factors = m + 0.5
            coupling = np.diag(np.sqrt(m[1:]), 1) + np.diag(np.sqrt(m[1:]), -1)
            for array in (factors, coupling):
                array.flags.writeable = False
            tables = (factors, coupling)
        object.__setattr__(self, "_tables", tables)
        super().__attrs_post_init__()

    @property
    def n_levels(self) -> int | None:  # type: ignore[override]  # None: infinitely many levels
        """Number of levels ``N``, or ``None`` for the untruncated oscillator."""
        return self.levels

    @property
    def truncated(self) -> bool:
        """True if the oscillator has a finite number of levels (``levels=N``)."""
        return self.levels is not None

    def _finite(self, what: str) -> tuple[np.ndarray, np.ndarray]:
        if self._tables is None:
            raise CycleError(f"HarmonicOscillator() has infinitely many levels, so it has no {what}; "
                             f"{UNTRUNCATED}")
        return self._tables

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """Levels ``w (m + 1/2)``, ``m = 0..N-1``, shape ``S + (N,)`` (truncated oscillator only)."""
        factors = self._finite("level vector")[0]
        return np.asarray(control, dtype=float)[..., None] * factors

    def coupling_in_eigenbasis(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        """``a + a^dag`` truncated to N levels: ``sqrt(m)`` between ``m - 1`` and ``m`` (shape ``(N, N)``,
        the same at every control value)."""
        return self._finite("coupling matrix")[1]

    def mean_energy(self, control: Any, occupation: Any) -> Any:
        """``w (n + 1/2)``: the energy at mean occupation ``n`` (ground-state energy included).

        Examples
        --------
        >>> HarmonicOscillator().mean_energy(2.0, 0.25)
        1.5
        """
        return control * (occupation + 0.5)

    def closed_form_obstacle(self, strokes: Sequence[Any]) -> str | None:
        """Why the untruncated closed form cannot evaluate these strokes, or None if it can.

        Examples
        --------
        >>> import thermocycles as tc
        >>> bath = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)  # tanh law
        >>> HarmonicOscillator().closed_form_obstacle([tc.Isochore(name="c", reservoir=bath, control=1.0,
        ...                                                        duration=1.0)])
        "Isochore 'c' touches reservoir 'c', whose law is 'tanh', not 'bosonic'"
        """
        for stroke in strokes:
            kind = type(stroke)
            if kind in CONTACT_STROKES:
                reservoir = stroke.reservoir
                if type(reservoir) is not Reservoir:
                    return (f"{kind.__name__} {stroke.name!r} touches a {type(reservoir).__name__}, a subclass of "
                            f"Reservoir whose rates the closed form cannot know")
                if reservoir.law is not BOSONIC:
                    return (f"{kind.__name__} {stroke.name!r} touches reservoir {reservoir.name!r}, whose law is "
                            f"{reservoir.law.name!r}, not 'bosonic'")
            elif kind not in ISOLATED_STROKES:
                return (f"{kind.__name__} {stroke.name!r} is a stroke the closed form does not know (it knows "
                        f"Isochore, QuantumAdiabat and UnitaryStroke, not their subclasses)")
        return None

    def untruncated_refusal(self, strokes: Sequence[Any]) -> str:
        """The message that explains why no backend evaluates the untruncated oscillator."""
        obstacle = self.closed_form_obstacle(strokes) if self.levels is None else None
        return UNTRUNCATED + (f" ({obstacle})" if obstacle else "")


__all__ = ["HarmonicOscillator", "UNTRUNCATED"]
