"""Operating modes of a two-reservoir cycle, from the signs of its heats and work."""

from __future__ import annotations

import enum
from typing import Any

import numpy as np

from ..errors import ParameterError


class Mode(str, enum.Enum):
    """Operating mode of a two-reservoir cycle, from the signs of q_c, q_h and work."""

    REFRIGERATOR = "refrigerator"  #: work in, heat from cold to hot
    ENGINE = "engine"  #: heat from hot, part to cold, work out
    HEATER = "heater"  #: work in, heat released into both reservoirs
    ACCELERATOR = "accelerator"  #: work in, speeds heat flow from hot to cold
    CONDUCTOR = "conductor"  #: no work, heat flows from hot to cold
    IDLE = "idle"  #: no energy exchanged
    UNPHYSICAL = "unphysical"  #: violates the second law (never produced by a correct model)

    def __str__(self) -> str:
        return self.value


#: relative size below which a heat or work counts as zero when classifying the mode
MODE_TOLERANCE = 1e-12

#: Net flows at most this fraction of the gross turnover (the sum of the magnitudes of every
#: stroke's heats and work) count as zero where an evaluation path forms them by plain summation:
#: each stroke's flows carry a rounding error of a few ulps of the energies involved (matrix
#: exponentials, eigenvectors and rotations of the density matrix: up to ~1e2 ulps), and the sum
#: over a handful of strokes adds them, so the net flows of an idle cycle come out as
#: ~1e-17 .. 1e-14 of the turnover, never near 1e-12 (measured in ``tests/test_modes_edges.py``).
#: Paths that keep relative precision (closed forms; the periodic solve where every reference is
#: a Gibbs state known in closed form) have no such floor: their signs are exact down to underflow.
GROSS_TOLERANCE = 1e-12


def _tolerance(scale: Any, resolution: Any) -> Any:
    tol = MODE_TOLERANCE * scale
    return tol if resolution is None else np.maximum(tol, resolution)


def classify_mode(q_c: Any, q_h: Any, work: Any, resolution: Any = None) -> Any:
    """Operating mode from the signs of q_c (from cold), q_h (into hot) and work (on substance).

    Returns a :class:`Mode` for scalars, an array of mode names for arrays.

    Parameters
    ----------
    q_c, q_h, work : float or ndarray
        Heat from the cold reservoir, heat into the hot one and work on the substance, per cycle.
    resolution : float or ndarray, optional
        Magnitude at or below which a net flow is indistinguishable from zero (the round-off floor
        of the path that computed it, see :data:`GROSS_TOLERANCE`); a flow also counts as zero
        below :data:`MODE_TOLERANCE` times the largest of the three.

    Examples
    --------
    >>> classify_mode(1.0, 3.0, 2.0)
    <Mode.REFRIGERATOR: 'refrigerator'>
    >>> classify_mode(-1.0, -3.0, -2.0)
    <Mode.ENGINE: 'engine'>
    >>> classify_mode(1e-17, 0.0, 2e-17, resolution=1e-14)  # round-off of an idle cycle
    <Mode.IDLE: 'idle'>
    """
    q_c, q_h, work = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (q_c, q_h, work)))
    scale = np.maximum(np.maximum(np.abs(q_c), np.abs(q_h)), np.abs(work))
    tol = _tolerance(scale, resolution)
    pos_c, neg_c = q_c > tol, q_c < -tol
    pos_h, neg_h = q_h > tol, q_h < -tol
    pos_w, neg_w = work > tol, work < -tol
    zero_w = ~pos_w & ~neg_w
    conditions = [
        scale <= tol,  # nothing exchanged (to the resolution)
        pos_w & pos_c,
        pos_w & ~pos_c & ~neg_h,
        pos_w & neg_c & neg_h,
        neg_w & ~pos_c & neg_h,
        zero_w & neg_c & neg_h,
        zero_w & ~neg_c & ~pos_c & ~neg_h & ~pos_h,
    ]
    choices = [Mode.IDLE, Mode.REFRIGERATOR, Mode.HEATER, Mode.ACCELERATOR, Mode.ENGINE,
               Mode.CONDUCTOR, Mode.IDLE]
    names = np.select(conditions, [m.value for m in choices], default=Mode.UNPHYSICAL.value)
    if names.ndim == 0:
        return Mode(str(names))
    return names


_REFRIGERATOR, _ENGINE = Mode.REFRIGERATOR, Mode.ENGINE  # (enum attribute lookups are slow)


def runs_as(mode: Mode, q_c: Any, q_h: Any, work: Any, resolution: Any = None) -> Any:
    """Where the cycle runs as a refrigerator or as an engine: the test :func:`classify_mode` applies.

    A bool for scalars (a fast path without arrays), a bool array otherwise; exactly where
    :func:`classify_mode` gives ``mode``.

    Parameters
    ----------
    mode : Mode
        ``Mode.REFRIGERATOR`` (work in, q_c > 0) or ``Mode.ENGINE`` (work out, q_h < 0, q_c <= 0).
    q_c, q_h, work : float or ndarray
        Heat from the cold reservoir, heat into the hot one and work on the substance, per cycle.
    resolution : float or ndarray, optional
        As for :func:`classify_mode`.

    Examples
    --------
    >>> runs_as(Mode.REFRIGERATOR, 1.0, 3.0, 2.0), runs_as(Mode.ENGINE, 1.0, 3.0, 2.0)
    (True, False)
    >>> runs_as(Mode.ENGINE, np.array([-1.0, 1.0]), np.array([-3.0, 3.0]), np.array([-2.0, 2.0]))
    array([ True, False])
    """
    if mode is not _REFRIGERATOR and mode is not _ENGINE:
        raise ParameterError(f"runs_as: mode must be Mode.REFRIGERATOR or Mode.ENGINE; got {mode!r}")
    if (isinstance(q_c, float) and isinstance(q_h, float) and isinstance(work, float)
            and (resolution is None or isinstance(resolution, float))):
        c, h, w = float(q_c), float(q_h), float(work)  # Python floats compare faster than numpy scalars
        tol = MODE_TOLERANCE * max(abs(c), abs(h), abs(w))
        if resolution is not None and resolution > tol:
            tol = float(resolution)
        if mode is _REFRIGERATOR:
            return w > tol and c > tol
        return w < -tol and not c > tol and h < -tol
    q_c, q_h, work = (np.asarray(v, dtype=float) for v in (q_c, q_h, work))
    scale = np.maximum(np.maximum(np.abs(q_c), np.abs(q_h)), np.abs(work))
    tol = _tolerance(scale, resolution)
    if mode is _REFRIGERATOR:
        return (work > tol) & (q_c > tol)
    return (work < -tol) & ~(q_c > tol) & (q_h < -tol)


__all__ = ["Mode", "classify_mode", "runs_as", "MODE_TOLERANCE", "GROSS_TOLERANCE"]
