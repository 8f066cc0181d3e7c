"""Which performance figures a sweep stores, with their units and long names.

Units convention (the ``units`` attribute of every numeric variable and coordinate)
------------------------------------------------------------------------------------
* A cycle built with units: figures in SI, as :class:`~thermocycles.Performance` gives them
  (``"J"`` for heats and work, ``"s"``, ``"W"`` for rates and chi, ``"J/K"``, ``"W/K"``, ``"1"``
  for COP and efficiency); swept parameters (coordinates, and an Optimizer's ``x_<name>``) in the
  unit the cycle holds that parameter in (``"us"``, ``"GHz"``, ``"mK"``...).
* A cycle built from plain numbers: ``"1"`` for dimensionless values, and for the others
  ``"natural <kind> unit (hbar = k_B = 1)"``, e.g. ``"natural energy unit (hbar = k_B = 1)"``.
* Strings (``mode``, messages) and booleans have no ``units`` attribute.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Sequence

import numpy as np

from ..core.model import backend_names
from ..core.modes import Mode
from ..errors import ParameterError, ThermocyclesError
from ..spec.cycle import Cycle
from ..units import DIMENSIONLESS, ENERGY, ENTROPY, ENTROPY_RATE, POWER, TIME, Kind

#: figure -> (kind, long name); ``heat_<reservoir>`` is added per cycle
FIGURES: dict[str, tuple[Kind | None, str]] = {
    "q_c": (ENERGY, "heat absorbed from the cold reservoir per cycle"),
    "q_h": (ENERGY, "heat released into the hot reservoir per cycle"),
    "work": (ENERGY, "work done on the substance per cycle"),
    "cycle_time": (TIME, "duration of one cycle"),
    "cop": (DIMENSIONLESS, "coefficient of performance of a refrigerator, q_c / work"),
    "cooling_rate": (POWER, "cooling rate, q_c / cycle_time"),
    "chi": (POWER, "figure of merit chi = cop x cooling rate"),
    "efficiency": (DIMENSIONLESS,
                   "engine efficiency, work / q_h (work delivered over heat drawn from the hot reservoir)"),
    "power": (POWER, "power delivered, -work / cycle_time"),
    "entropy_production": (ENTROPY, "entropy produced in the reservoirs per cycle"),
    "entropy_production_rate": (ENTROPY_RATE, "entropy produced in the reservoirs per unit time"),
    "mode": (None, "operating mode (refrigerator, engine, heater, accelerator, conductor, idle)"),
}
#: figures defined only for a cycle between two reservoirs
TWO_RESERVOIRS = ("q_c", "q_h", "cop", "cooling_rate", "chi", "efficiency")

DEFAULTS = {
    "refrigerator": ("chi", "cop", "cooling_rate", "q_c", "q_h", "work", "cycle_time", "mode"),
    "engine": ("power", "efficiency", "q_c", "q_h", "work", "cycle_time", "mode"),
    "other": ("q_c", "q_h", "work", "cycle_time", "entropy_production_rate", "mode"),
}

#: width of the mode strings
MODE_WIDTH = max(len(m.value) for m in Mode)


def natural_unit(kind: Kind) -> str:
    """The ``units`` text of a natural-unit value of ``kind``.

    Examples
    --------
    >>> from thermocycles.units import ENERGY, DIMENSIONLESS
    >>> natural_unit(ENERGY), natural_unit(DIMENSIONLESS)
    ('natural energy unit (hbar = k_B = 1)', '1')
    """
    return "1" if kind.unit == "" else f"natural {kind.name} unit (hbar = k_B = 1)"


def si_unit(kind: Kind) -> str:
    """The ``units`` text of an SI value of ``kind`` (``"1"`` if dimensionless)."""
    return kind.unit or "1"


def unit_text(kind: Kind, has_units: bool) -> str:
    """Units of a figure of ``kind`` for a cycle with (SI) or without (natural) units."""
    return si_unit(kind) if has_units else natural_unit(kind)


def figure_table(cycle: Cycle) -> dict[str, tuple[Kind | None, str]]:
    """The figures this cycle can give: :data:`FIGURES` and ``heat_<reservoir>`` for each reservoir."""
    n = len(cycle.reservoirs)
    table = {k: v for k, v in FIGURES.items() if n == 2 or (k not in TWO_RESERVOIRS and (k != "mode" or n == 1))}
    for r in cycle.reservoirs:
        table[f"heat_{r.name}"] = (ENERGY, f"heat absorbed from reservoir {r.name!r} per cycle")
    return table


def default_outputs(cycle: Cycle, values: Mapping[str, Any], method: str, backend: str) -> tuple[str, ...]:
    """A sensible set of figures for the cycle's kind, judged by its mode at ``values``.

    Refrigerators: chi, cop, cooling rate, heats, work, cycle time, mode. Engines: power,
    efficiency, heats, work, cycle time, mode. Other two-reservoir cycles: heats, work, cycle time,
    entropy production rate, mode. Other cycles: the heat from each reservoir, work, cycle time,
    entropy production rate.
    """
    if len(cycle.reservoirs) != 2:
        return (*(f"heat_{r.name}" for r in cycle.reservoirs), "work", "cycle_time", "entropy_production_rate")
    try:
        mode = str(Mode(cycle.model.evaluate(cycle.model.values(values), method=method, backend=backend).mode).value)
    except Exception:  # any failure here resurfaces in the sweep itself
        mode = "other"
    return DEFAULTS.get(mode, DEFAULTS["other"])


def check_outputs(cycle: Cycle, outputs: Sequence[str]) -> tuple[str, ...]:
    """Check output names against the cycle's figures; returns them as a tuple."""
    if isinstance(outputs, str):
        outputs = (outputs,)
    outputs = tuple(outputs)
    if not outputs:
        raise ParameterError("sweep outputs must name at least one figure")
    table = figure_table(cycle)
    for name in outputs:
        if name not in table:
            extra = (f" ({name} needs a cycle between two reservoirs; this one has {len(cycle.reservoirs)})"
                     if name in FIGURES else "")
            raise ParameterError(f"sweep outputs: unknown figure {name!r}{extra}; figures of this cycle: "
                                 f"{', '.join(table)}")
    if len(set(outputs)) != len(outputs):
        raise ParameterError(f"sweep outputs name a figure twice: {list(outputs)}")
    return outputs


def figure(perf: Any, name: str) -> Any:
    """The natural-unit value of one figure of a natural-unit performance record."""
    if name.startswith("heat_") and name not in FIGURES:
        return perf.heat[name[5:]]
    value = getattr(perf, name)
    if name == "mode":
        return value.value if isinstance(value, Mode) else np.asarray(value)
    return value


def evaluate_chunk(cycle: Cycle, outputs: Sequence[str], values: Mapping[str, Any], method: str = "auto",
                   backend: str = "auto") -> dict[str, Any]:
    """The figures at one block of points (natural units; arrays as the model broadcasts them).

    This runs in the worker: ``cycle`` arrives as its specification and is compiled here.
    """
    check_backend_here(backend, "sweep backend")
    model = cycle.model
    try:
        perf = model.evaluate(model.values(values), method=method, backend=backend)
    except ThermocyclesError:  # some point of the block has no answer: find which, keep the others
        return _point_by_point(model, outputs, values, method, backend)
    return {name: figure(perf, name) for name in outputs}


def check_backend_here(backend: Any, where: str) -> None:
    """In a task: raise a ParameterError, saying why, if ``backend`` names a backend that this
    process has not registered (the sweep checked the name in the process that started it, so
    this is a worker that does not know a user's backend). Raised outside the per-point error
    handling, so the sweep stops with it instead of failing at every point."""
    if not isinstance(backend, str) or backend in backend_names():
        return
    raise ParameterError(
        f"{where} {backend!r} is not registered in this process (pid {os.getpid()}, running sweep tasks), "
        f"which knows {', '.join(map(repr, backend_names()))}: a backend added to "
        f"thermocycles.extend.BACKEND_OBJECTS is known only in the process that added it and in processes "
        f"forked from it afterwards. Register it in every worker, e.g. executor="
        f"concurrent.futures.ProcessPoolExecutor(initializer=f), f a module-level function that registers it "
        f"(Dask: client.run(f)), or sweep with executor=None")


def _point_by_point(model: Any, outputs: Sequence[str], values: Mapping[str, Any], method: str,
                    backend: str) -> dict[str, Any]:
    """The block evaluated one point at a time: NaN (mode "") and the reason under ``"error"``
    where a point fails, the figures elsewhere (equal to the vectorised ones: each point of a
    batch is computed independently)."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
    full = {k: np.broadcast_to(v, shape) for k, v in values.items()}
    result: dict[str, Any] = {name: (np.full(shape, "", dtype=f"<U{MODE_WIDTH}") if name == "mode"
                                     else np.full(shape, np.nan)) for name in outputs}
    errors = np.full(shape, "", dtype=object)
    for index in np.ndindex(shape):
        point = {k: float(v[index]) for k, v in full.items()}
        try:
            perf = model.evaluate(model.values(point), method=method, backend=backend)
        except ThermocyclesError as exc:
            errors[index] = f"{type(exc).__name__}: {exc}"
            continue
        for name in outputs:
            result[name][index] = figure(perf, name)
    result["error"] = errors.astype(str)
    return result


__all__ = ["DEFAULTS", "FIGURES", "check_backend_here", "check_outputs", "default_outputs", "evaluate_chunk",
           "figure_table", "natural_unit", "si_unit", "unit_text"]
