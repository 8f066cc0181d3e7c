"""Building the labelled result of a sweep: an :class:`xarray.Dataset`.

Dimensions are the swept parameters (or ``point``); every coordinate and numeric data variable has
``units`` and ``long_name`` attributes (see ``thermocycles.sweeps.outputs`` for the
convention). The Dataset's attributes are netCDF-safe (strings and numbers only):

* ``cycle``: the cycle as JSON (:func:`thermocycles.io.dumps`), or ``""`` and ``cycle_note``
  saying why not;
* ``thermocycles_version``, ``numpy_version``, ``scipy_version``, ``pint_version``,
  ``xarray_version``, ``python_version``;
* ``units_convention``, ``grid`` (``"outer product"`` or ``"points"``), ``swept``, ``outputs``,
  ``analysis``, ``executor``, ``chunk_size`` (points per task), ``n_tasks``, ``n_points``,
  ``n_failed`` (analysis sweeps: points whose analysis raised).
"""

from __future__ import annotations

import functools
import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Mapping

import numpy as np

from ..errors import ThermocyclesError
from ..spec.cycle import Cycle
from .grid import POINT, Axis, Grid
from .outputs import natural_unit

PACKAGES = ("thermocycles", "numpy", "scipy", "pint", "xarray")


def versions() -> dict[str, str]:
    """``<package>_version`` of the packages that made the numbers, and ``python_version``.

    Examples
    --------
    >>> sorted(versions())[:2]
    ['numpy_version', 'pint_version']
    """
    return dict(_versions())


@functools.lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    out = []
    for name in PACKAGES:
        module = sys.modules.get(name)  # imported already: its __version__ (reading metadata costs ~10 ms)
        text = getattr(module, "__version__", None)
        if not isinstance(text, str):
            try:
                text = version(name)
            except PackageNotFoundError:
                text = "unknown"
        out.append((f"{name}_version", text))
    out.append(("python_version", platform.python_version()))
    return tuple(out)


def serialised(cycle: Cycle) -> dict[str, str]:
    """``{"cycle": json}``, or ``{"cycle": "", "cycle_note": why}`` if it cannot be serialised."""
    try:
        from ..io import dumps  # noqa: PLC0415 - the io package is optional at this layer's import time

        return {"cycle": dumps(cycle, format="json")}
    except ImportError as exc:
        return {"cycle": "", "cycle_note": f"thermocycles.io is not available: {exc}"}
    except ThermocyclesError as exc:
        return {"cycle": "", "cycle_note": f"the cycle could not be serialised: {exc}"}


def coordinate_attrs(cycle: Cycle, axis: Axis) -> dict[str, str]:
    """``units`` and ``long_name`` of a swept parameter."""
    spec = cycle.parameter_specs[axis.name]
    unit = axis.unit if axis.unit is not None else natural_unit(spec.kind)
    if cycle.has_units and axis.unit is None:
        unit = "1"
    return {"units": unit, "long_name": f"{spec.kind.name} {axis.name} ({'; '.join(spec.uses)})"}


def build(cycle: Cycle, grid: Grid, data: Mapping[str, tuple[np.ndarray, Mapping[str, str]]],
          attrs: Mapping[str, Any]) -> Any:
    """The Dataset: coordinates from the grid, ``data`` as variables, ``attrs`` plus the cycle and
    the versions as attributes."""
    import xarray as xr  # noqa: PLC0415 - optional dependency, checked by sweep()

    coords: dict[str, Any] = {}
    for axis in grid.axes:
        coords[axis.name] = (POINT if grid.points else axis.name, axis.coordinate, coordinate_attrs(cycle, axis))
    for axis in grid.fixed:
        coords[axis.name] = ((), axis.coordinate, coordinate_attrs(cycle, axis))
    variables = {name: (grid.dims, array, dict(meta)) for name, (array, meta) in data.items()}
    meta: dict[str, Any] = {"title": "thermocycles sweep", **serialised(cycle), **versions()}
    meta["units_convention"] = (
        "SI for figures; parameters in the units the cycle holds them in" if cycle.has_units
        else "natural units (hbar = k_B = 1)")
    meta.update({k: (v if isinstance(v, (str, int, float)) and not isinstance(v, bool) else str(v))
                 for k, v in attrs.items()})
    return xr.Dataset(variables, coords=coords, attrs=meta)


__all__ = ["PACKAGES", "build", "coordinate_attrs", "serialised", "versions"]
