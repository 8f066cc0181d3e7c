"""``sweep``: evaluate or analyse a cycle over a grid of parameters, on any executor, as labelled data."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..core.model import check_backend
from ..errors import ParameterError, ThermocyclesError
from ..spec.cycle import Cycle
from ..units import Q_
from . import analyses as _analyses
from .executors import Runner, progress_bar
from .grid import Grid, parse
from .outputs import MODE_WIDTH, check_outputs, default_outputs, evaluate_chunk, figure_table, unit_text

#: largest number of points evaluated in one vectorised call (two-level cycles and closed forms);
#: cycles with bigger state spaces take fewer, so that a chunk's arrays stay near 2**20 numbers
CHUNK_POINTS = 2**16
_CHUNK_NUMBERS = 2**20
#: an analysis sweep on an executor aims at this many tasks per worker (fewer, larger tasks pay
#: less per-task overhead; more balance the load)
TASKS_PER_WORKER = 4
_INSTALL = 'sweep needs xarray: pip install "thermocycles[sweep]"'


def sweep(cycle: Cycle, grid: Mapping[str, Any] | None = None, outputs: Sequence[str] | None = None,
          analysis: Any = None, executor: Any = None, progress: bool | None = None,
          chunk_size: int | None = None, *, points: Mapping[str, Any] | None = None,
          method: str = "auto", backend: str = "auto") -> Any:
    """Evaluate (or analyse) a cycle over a grid of parameter values; an ``xarray.Dataset``.

    Parameters
    ----------
    cycle : Cycle
        The cycle; its other parameters keep their values (they must be scalars).
    grid : dict of str to 1-D array or scalar
        Parameter names and values: the outer product, one dimension per array, in the order
        given; a scalar sets a parameter without adding a dimension. Plain numbers for a cycle in
        natural units; quantities, or plain numbers read in the unit the cycle holds the parameter
        in, for a cycle with units (see ``thermocycles.sweeps.grid``).
    outputs : sequence of str, optional
        Figures of the performance record: ``chi``, ``cop``, ``cooling_rate``, ``efficiency``,
        ``power``, ``q_c``, ``q_h``, ``work``, ``cycle_time``, ``entropy_production``,
        ``entropy_production_rate``, ``mode``, ``heat_<reservoir>``. By default a set for the
        cycle's kind (``thermocycles.sweeps.outputs.default_outputs``). Not with ``analysis``.
        A point where the evaluation raises a ThermocyclesError (e.g. no periodic steady state)
        gets NaN (``mode`` "") and its reason in an ``error`` variable, present only if some point
        failed; the attribute ``n_failed`` counts them.
    analysis : Optimizer, IrreversibleAnalysis, LowDissipationAnalysis or callable, optional
        Run at every point instead of evaluating figures: ``analysis.run(point_cycle)`` or
        ``analysis(point_cycle)`` (a callable returns a mapping of scalars, or one scalar stored as
        ``value``). Its result's fields become variables (see ``thermocycles.sweeps.analyses``).
        A point where it raises a ThermocyclesError gets NaN (integers -1, booleans False, strings
        "") and the message in the ``error`` variable; the attribute ``n_failed`` counts them. A
        field named like a coordinate (``T_h`` of a LowDissipationResult swept over ``T_h``) is
        stored as ``result_<name>``.
    executor : None, "processes", int, concurrent.futures.Executor or dask.distributed.Client
        Where tasks run (see ``thermocycles.sweeps.executors.Runner``). Results are identical
        on every executor.
    progress : bool or None
        A progress bar over points (None: in a terminal, after half a second; False: never).
    chunk_size : int, optional
        Points per task: per vectorised model call (default :data:`CHUNK_POINTS`, fewer for
        large state spaces), or per analysis task (default one point serially; with an executor,
        enough points for about :data:`TASKS_PER_WORKER` tasks per worker, at most 256).
    points : dict of str to 1-D array, optional
        Instead of ``grid``: scattered points, one value per point for each parameter (equal
        lengths), along one dimension ``point``.
    method, backend : str
        Evaluation path and state space (see :meth:`thermocycles.Cycle.performance`). ``backend``
        may name a backend added to :data:`thermocycles.extend.BACKEND_OBJECTS`; on an executor
        every worker process must know it too. A worker forked from this process after the
        registration inherits it (a local pool on Linux with Python < 3.14); a spawned or
        forkserver worker (macOS, Windows, Python >= 3.14) or a Dask worker starts with the
        built-in backends only and must register it itself, e.g. with
        ``concurrent.futures.ProcessPoolExecutor(initializer=f)``, ``f`` a module-level function
        that registers it (Dask: ``client.run(f)``). Otherwise the sweep raises a ParameterError
        that says so. The same holds for the ``backend`` field of an analysis.

    Returns
    -------
    xarray.Dataset
        See ``thermocycles.sweeps.dataset`` for its attributes.

    Examples
    --------
    >>> import numpy as np
    >>> import thermocycles as tc
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
    ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> ds = sweep(fridge, {"w_b": np.linspace(2.5, 6, 8), "tau_c": np.logspace(-2, 1, 5)},
    ...            outputs=["chi", "cop", "mode"], progress=False)
    >>> ds["chi"].dims, ds["chi"].shape, ds["chi"].attrs["units"]
    (('w_b', 'tau_c'), (8, 5), 'natural power unit (hbar = k_B = 1)')
    >>> str(ds["mode"].values[0, 0])
    'refrigerator'
    >>> at = sweep(fridge, points={"w_b": [3.0, 4.0], "tau_c": [0.5, 1.0]}, outputs=["cop"], progress=False)
    >>> at["cop"].dims, [round(float(c), 12) for c in at["cop"]]
    (('point',), [0.5, 0.333333333333])
    """
    try:
        import xarray  # noqa: F401, PLC0415 - optional dependency
    except ImportError:
        raise ImportError(_INSTALL) from None
    if analysis is None:
        check_backend(backend, "sweep backend")
    elif isinstance(getattr(analysis, "backend", None), str):  # registered since the analysis was made?
        check_backend(analysis.backend, f"{type(analysis).__name__}.backend")
    g = parse(cycle, grid, points)
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer))
                                   or chunk_size < 1):
        raise ParameterError(f"sweep chunk_size must be a positive integer; got {chunk_size!r}")
    if analysis is not None:
        if outputs is not None:
            raise ParameterError("sweep outputs= names figures of the performance record; with analysis= every "
                                 "field of the analysis' result is stored: leave outputs out")
        return _analysis_sweep(cycle, g, _analyses.check_analysis(analysis), executor, progress, chunk_size)
    base = cycle.model.values(g.fixed_natural())
    outputs = (default_outputs(cycle, base, method, backend) if outputs is None else check_outputs(cycle, outputs))
    return _vectorised_sweep(cycle, g, outputs, executor, progress, chunk_size, method, backend, base)


def default_chunk_size(cycle: Cycle, values: Mapping[str, Any], method: str = "auto", backend: str = "auto") -> int:
    """Points per vectorised call: :data:`CHUNK_POINTS` for a closed form or a two-level state,
    fewer for larger state spaces (the generic path holds a d x d map per point and stroke, d the
    backend's dimension: N on populations, N^2 on density matrices)."""
    model = cycle.model
    if model.closed_form_for(method, backend) is not None:
        return CHUNK_POINTS
    try:
        chosen = model.choose_backend(values, backend)
        d = int(chosen.dimension(model.substance.n_levels or 1))
    except ThermocyclesError:
        return CHUNK_POINTS
    return max(1, min(CHUNK_POINTS, _CHUNK_NUMBERS // (d * d)))


def _vectorised_sweep(cycle: Cycle, g: Grid, outputs: Sequence[str], executor: Any, progress: Any,
                      chunk_size: int | None, method: str, backend: str, base: Mapping[str, Any]) -> Any:
    from .dataset import build  # noqa: PLC0415 - imports xarray

    size = chunk_size or default_chunk_size(cycle, base, method, backend)
    fixed = g.fixed_natural()
    out: dict[str, np.ndarray] = {
        name: (np.empty(g.shape, dtype=f"<U{MODE_WIDTH}") if name == "mode" else np.empty(g.shape))
        for name in outputs}
    with Runner(executor) as runner, progress_bar(g.size, progress, "sweep") as bar:
        def tasks() -> Any:
            for index, values, n in g.chunks(size):
                yield ({**fixed, **values}, method, backend), (index, n)

        errors: np.ndarray | None = None  # why points failed, once one has

        def place(key: Any, result: Mapping[str, Any]) -> None:
            nonlocal errors
            index, n = key
            for name, value in result.items():
                if name == "error":
                    if errors is None:
                        errors = np.full(g.shape, "", dtype=object)
                    errors[index] = value
                else:
                    out[name][index] = value
            bar.update(n)

        n_tasks = runner.run(evaluate_chunk, (cycle, outputs), tasks(), place)
    table = figure_table(cycle)
    data = {}
    for name in outputs:
        kind, long_name = table[name]
        array = out[name]
        meta = {"long_name": long_name}
        if kind is not None:
            if cycle.has_units and kind.scale != 1.0:
                array *= kind.scale  # as Performance wraps values: natural * scale, in kind.unit
            meta["units"] = unit_text(kind, cycle.has_units)
        data[name] = (array, meta)
    failed = 0
    if errors is not None:
        failed = int(np.count_nonzero(errors != ""))
        data["error"] = (errors.astype(str), {"long_name": "why the cycle could not be evaluated at this point "
                                                           "(empty where it was)"})
    return build(cycle, g, data, {
        "grid": "points" if g.points else "outer product", "swept": ", ".join(a.name for a in g.axes),
        "outputs": ", ".join(outputs), "analysis": "none (vectorised evaluation)", "executor": runner.kind,
        "chunk_size": int(size), "n_tasks": n_tasks, "n_points": g.size, "n_failed": failed, "method": method,
        "backend": backend})


def _analysis_sweep(cycle: Cycle, g: Grid, analysis: Any, executor: Any, progress: Any,
                    chunk_size: int | None) -> Any:
    from .dataset import build  # noqa: PLC0415 - imports xarray

    n = g.size
    columns: dict[str, list[Any]] = {}
    units: dict[str, str] = {}
    errors = [""] * n
    failed = 0
    with Runner(executor) as runner, progress_bar(n, progress, f"sweep ({_analyses.analysis_name(analysis)})") as bar:
        batch = chunk_size or (1 if runner.serial else max(1, min(256, n // (TASKS_PER_WORKER * runner.workers))))

        def tasks() -> Any:
            for s in range(0, n, batch):
                e = min(s + batch, n)
                yield ([g.point(i) for i in range(s, e)],), s

        def place(start: int, results: Sequence[Any]) -> None:
            nonlocal failed
            for i, (values, extra) in enumerate(results, start=start):
                if values is None:
                    errors[i] = extra
                    failed += 1
                    continue
                for name, value in values.items():
                    column = columns.get(name)
                    if column is None:
                        column = columns[name] = [None] * n
                    unit = extra.get(name)
                    if unit is not None:
                        first = units.setdefault(name, unit)
                        if unit != first:
                            value = Q_(value, unit).m_as(first)
                    column[i] = value
            bar.update(len(results))

        n_tasks = runner.run(_analyses.run_points, (cycle, analysis), tasks(), place)
    data: dict[str, tuple[np.ndarray, dict[str, str]]] = {}
    taken = {*g.dims, *(a.name for a in (*g.axes, *g.fixed)), "error"}
    for name, column in columns.items():
        array, kind_of_value = _column(column, g.shape)
        meta = _analyses.describe(analysis, cycle, name, units.get(name), kind_of_value)
        data[f"result_{name}" if name in taken else name] = (array, meta)
    data["error"] = (np.array(errors, dtype=str).reshape(g.shape),
                     {"long_name": "why the analysis failed at this point (empty where it succeeded)"})
    return build(cycle, g, data, {
        "grid": "points" if g.points else "outer product", "swept": ", ".join(a.name for a in g.axes),
        "outputs": ", ".join(columns), "analysis": repr(analysis), "executor": runner.kind,
        "chunk_size": int(batch), "n_tasks": n_tasks, "n_points": n, "n_failed": failed})


def _column(column: list[Any], shape: tuple[int, ...]) -> tuple[np.ndarray, str]:
    """One variable's values as an array: bool (missing: False), int (missing: -1), float (NaN)
    or str (""); mixed types become str."""
    present = [v for v in column if v is not None]
    if not present:  # missing everywhere (e.g. an optional field left None)
        return np.full(shape, np.nan), "float"
    if all(isinstance(v, bool) for v in present):
        return np.array([bool(v) for v in column], dtype=bool).reshape(shape), "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return np.array([-1 if v is None else v for v in column], dtype=np.int64).reshape(shape), "int"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return np.array([np.nan if v is None else float(v) for v in column], dtype=float).reshape(shape), "float"
    return np.array(["" if v is None else str(v) for v in column], dtype=str).reshape(shape), "str"


__all__ = ["CHUNK_POINTS", "default_chunk_size", "sweep"]
