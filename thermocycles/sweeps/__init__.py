"""Sweeps: a cycle evaluated or analysed over a grid of parameters, on any executor, returned as
labelled data (an ``xarray.Dataset`` with units, long names and provenance).

* :func:`sweep` -- the entry point;
* :mod:`.grid` -- the grid (outer product) or scattered points, checked and converted once;
* :mod:`.outputs` -- the figures, their units and long names;
* :mod:`.analyses` -- an Optimizer, IrreversibleAnalysis, LowDissipationAnalysis or callable per point;
* :mod:`.executors` -- serial, process pool, any concurrent.futures executor, Dask;
* :mod:`.dataset` -- the Dataset and its attributes.

xarray is an optional dependency (``pip install "thermocycles[sweep]"``), imported when a sweep runs;
Dask only when a Dask client is given.
"""

from .api import CHUNK_POINTS, default_chunk_size, sweep
from .grid import POINT

__all__ = ["CHUNK_POINTS", "POINT", "default_chunk_size", "sweep"]
