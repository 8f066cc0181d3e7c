"""What the cycle-family factories share: checks of their arguments and of the mode they promise."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core.modes import Mode
from ..errors import ParameterError, brief
from ..spec.cycle import Cycle
from ..spec.reservoirs import Reservoir
from ..spec.strokes import QuantumAdiabat, Stroke, UnitaryStroke
from ..spec.substances import Substance, TwoLevelSubstance
from ..spec.values import check_broadcast, natural_value
from ..units import TEMPERATURE

#: the adiabats a factory can build
ADIABATS = ("ideal", "unitary")


def substance_or_default(factory: str, substance: Any) -> Substance:
    """The given substance (checked), or the paper's two-level substance."""
    if substance is None:
        return TwoLevelSubstance()
    if not isinstance(substance, Substance):
        raise ParameterError(f"{factory}: substance must be a Substance (e.g. TwoLevelSubstance(), Qubit(...)); "
                             f"got {brief(substance)}")
    return substance


def reservoirs(factory: str, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
               law: Any) -> tuple[Reservoir, Reservoir, Any]:
    """The cold reservoir ``c``, the hot one ``h``, and ``T_c/T_h`` in natural units (checked < 1)."""
    cold = Reservoir(name="c", temperature=T_c, coupling=gamma_c, law=law)
    hot = Reservoir(name="h", temperature=T_h, coupling=gamma_h, law=law)
    t_c = np.asarray(natural_value(T_c, TEMPERATURE, "Reservoir 'c'.temperature"), dtype=float)
    t_h = np.asarray(natural_value(T_h, TEMPERATURE, "Reservoir 'h'.temperature"), dtype=float)
    shape = check_broadcast(factory, {"T_c": t_c.shape, "T_h": t_h.shape})
    bad = np.broadcast_to(t_h <= t_c, shape)
    if bad.any():
        raise ParameterError(
            f"{factory}: T_h must be greater than T_c (the cycle works between a hot and a colder "
            f"reservoir); got T_c={brief(T_c, 50)}, T_h={brief(T_h, 50)}{_at(bad)}")
    ratio = t_c / t_h
    return cold, hot, (float(ratio) if ratio.ndim == 0 else ratio)


def adiabat(factory: str, kind: str, schedule: Any, *, name: str, start: Any, end: Any,
            duration: Any) -> Stroke:
    """An isolated stroke: ideal adiabatic following or a finite-time unitary ramp."""
    if not isinstance(kind, str):
        kind = None  # refused below (an array would make == ambiguous)
    if kind == "ideal":
        return QuantumAdiabat(name=name, start=start, end=end, duration=duration)
    if kind == "unitary":
        return UnitaryStroke(name=name, start=start, end=end, duration=duration, schedule=schedule)
    raise ParameterError(f"{factory}: adiabat must be one of {ADIABATS} ('ideal': ideal adiabatic following, "
                         f"'unitary': the finite-time unitary ramp); got {brief(kind)}")


def check_ramp(factory: str, cycle: Cycle, start: str, end: str, what: str) -> None:
    """Raise if the control values named ``start`` and ``end`` are equal anywhere."""
    values = cycle.model.defaults
    a, b = np.asarray(values[start]), np.asarray(values[end])
    same = np.broadcast_to(a == b, np.broadcast_shapes(a.shape, b.shape))
    if same.any():
        shown = cycle.parameters[start]
        raise ParameterError(
            f"{factory}: {end} must differ from {start} ({what} ramps the control from {start} to {end}; "
            f"with equal ends it ramps nothing); got {start} = {end} = "
            f"{shown if np.ndim(shown) == 0 else 'equal values'}{_at(same)}")


def require_mode(factory: str, cycle: Cycle, mode: Mode, general: str,
                 hint: Callable[[dict[str, float]], str] | None = None) -> Cycle:
    """Evaluate the cycle once; raise a ParameterError naming the condition unless it runs in ``mode``
    at every parameter point.

    ``hint(point)`` may add a sentence about the condition, given the natural parameter values at the
    first point that fails; ``general`` names the factory that builds the cycle in any regime.
    """
    perf = cycle.model.evaluate()
    modes = np.asarray(str(perf.mode) if np.ndim(perf.work) == 0 else perf.mode)
    wrong = np.broadcast_to(modes != mode.value, np.shape(perf.work))
    if not wrong.any():
        return cycle
    idx = tuple(int(i) for i in np.argwhere(wrong)[0]) if wrong.ndim else ()
    shape = np.shape(perf.work)

    def at(value: Any) -> float:
        return float(np.broadcast_to(value, shape)[idx])

    found = str(np.broadcast_to(modes, shape)[idx])
    runs = {"idle": "is idle", "unphysical": "is unphysical"}.get(
        found, f"runs as {'an' if found[0] in 'aeiou' else 'a'} {found}")
    where = f" at {int(wrong.sum())} of {wrong.size} parameter points (first: element {idx})" if wrong.ndim else ""
    if mode is Mode.REFRIGERATOR:
        verb, need = "refrigerate", "a refrigerator needs q_c > 0 and work > 0"
    else:
        verb, need = "run as an engine", "an engine needs work < 0"
    extra = hint({name: at(value) for name, value in cycle.model.defaults.items()}) if hint else ""
    raise ParameterError(
        f"{factory}: these parameters do not {verb}{where}: the cycle {runs} (q_c = {at(perf.q_c):.3g}, "
        f"work = {at(perf.work):.3g}{'' if hint else '; ' + need}). {extra + ' ' if extra else ''}"
        f"Use {general}(...) for any regime.")


def _at(mask: np.ndarray) -> str:
    return f" at element {tuple(int(i) for i in np.argwhere(mask)[0])}" if mask.ndim else ""


__all__ = ["ADIABATS", "substance_or_default", "reservoirs", "adiabat", "check_ramp", "require_mode"]
