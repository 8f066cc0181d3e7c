"""``thermocycles sweep FILE --grid NAME=START:STOP:NUM ... --out sweep.nc``: labelled sweeps."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from ._common import (
    COMPUTATION_FAILED,
    FILE_ERROR,
    GRID_SYNTAX,
    OK,
    USAGE,
    CommandError,
    apply_sets,
    check_output,
    load_cycle,
    number,
    parse_grid,
    parse_list,
    require,
    stage,
    table,
)
from .evaluate import add_evaluation_options, check_backend_option
from .optimize import add_optimizer_options, build_optimizer

OUT_SUFFIXES = (".nc", ".csv", ".json")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``sweep`` sub-command's options."""
    p = sub.add_parser(
        "sweep", help="evaluate (or optimise) a cycle file over a grid of parameters",
        description="Evaluate a cycle file over the outer product of the --grid axes (in the order "
                    "given) with thermocycles.sweeps.sweep, or run an Optimizer at every point "
                    "(--optimize-objective with --vary), and write the labelled result: netCDF (.nc, "
                    "with units and provenance) or a flat table (.csv, .json). Needs xarray: "
                    "pip install \"thermocycles[sweep]\".")
    p.add_argument("file", metavar="FILE", help="cycle file (.toml or .json)")
    p.add_argument("--grid", action="append", metavar="AXIS", default=[], help=f"an axis (repeatable): {GRID_SYNTAX}")
    p.add_argument("--outputs", metavar="A,B,...",
                   help="figures to store: chi, cop, cooling_rate, efficiency, power, q_c, q_h, work, "
                        "cycle_time, entropy_production, entropy_production_rate, mode, heat_<reservoir> "
                        "(default: a set for the cycle's kind)")
    p.add_argument("--out", "-o", metavar="OUT", help="file to write: .nc (netCDF), .csv or .json (flat table)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="run on a local pool of N worker processes")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster: the scheduler's address, e.g. tcp://10.0.0.5:8786 "
                            "(pip install \"thermocycles[distributed]\")")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="change a parameter first (repeatable; see 'evaluate --help')")
    p.add_argument("--json", action="store_true",
                   help="print the summary as one JSON object and nothing else")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="a progress bar on standard error (default: only in a terminal)")
    add_evaluation_options(p)
    opt = p.add_argument_group("an optimisation at every point (instead of --outputs)")
    add_optimizer_options(opt, objective_flag="--optimize-objective", required=False, method_flag="--optimize-method")
    return p


def run(args: argparse.Namespace) -> int:
    """Sweep; write the result; print a summary (a table, or one JSON object)."""
    suffix = check_output(args.out, OUT_SUFFIXES, "--out") if args.out is not None else None
    if args.workers is not None and args.workers < 1:
        raise CommandError(f"--workers must be at least 1; got {args.workers}", USAGE)
    if not args.grid:
        raise CommandError(f"name at least one axis: --grid {GRID_SYNTAX}", USAGE)
    optimizing = args.objective is not None
    if optimizing and args.outputs is not None:
        raise CommandError("--outputs names figures of an evaluation; with --optimize-objective every field of "
                           "the optimisation's result is stored: leave --outputs out", USAGE)
    if args.vary and not optimizing:
        raise CommandError("--vary belongs to an optimisation: add --optimize-objective OBJECTIVE", USAGE)
    require("xarray", "sweep")
    if suffix == ".csv" or suffix == ".json":
        require("pandas", f"writing {suffix}")
    cycle = apply_sets(load_cycle(args.file), args.set)
    check_backend_option(args)
    grid = parse_grid(cycle, args.grid)
    outputs = parse_list(args.outputs)
    analysis = build_optimizer(cycle, args, progress=False) if optimizing else None
    from ..sweeps import sweep  # noqa: PLC0415

    start = time.perf_counter()
    with _executor(args) as executor, stage(COMPUTATION_FAILED):
        ds = sweep(cycle, grid, outputs=outputs, analysis=analysis, executor=executor, progress=args.progress,
                   method=args.method, backend=args.backend)
    elapsed = time.perf_counter() - start
    if args.out is not None:
        with stage(FILE_ERROR):
            write(ds, args.out, suffix)
    summary = summarise(ds, args.out, elapsed)
    print(json.dumps(summary, allow_nan=False) if args.json else report(summary))
    return OK


class _executor:
    """The executor of ``--workers`` / ``--scheduler`` (a Dask client is closed at the end)."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.client: Any = None

    def __enter__(self) -> Any:
        if self.args.scheduler is not None:
            require("dask.distributed", "--scheduler")
            from dask.distributed import Client  # noqa: PLC0415

            try:
                self.client = Client(self.args.scheduler, timeout=10)
            except (OSError, TimeoutError, ValueError) as exc:
                raise CommandError(f"--scheduler {self.args.scheduler}: cannot connect ({exc})",
                                   COMPUTATION_FAILED) from None
            return self.client
        return self.args.workers

    def __exit__(self, *exc: Any) -> None:
        if self.client is not None:
            self.client.close()


def write(ds: Any, path: str, suffix: str | None) -> None:
    """netCDF for .nc; a flat table (one row per point, one column per coordinate and variable) else."""
    if suffix == ".nc":
        ds.to_netcdf(path)
        return
    frame = ds.to_dataframe().reset_index()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_json(path, orient="records", double_precision=15)


def summarise(ds: Any, out: str | None, elapsed: float) -> dict[str, Any]:
    """A JSON-ready summary: dimensions, and for each numeric variable its range and where its maximum is."""
    import numpy as np  # noqa: PLC0415

    variables: dict[str, Any] = {}
    for name, var in ds.data_vars.items():
        entry: dict[str, Any] = {"units": str(var.attrs.get("units", "")), "dims": list(var.dims)}
        values = np.asarray(var.values)
        if values.dtype.kind in "fiu" and values.size:
            finite = np.isfinite(values)
            entry["n_nan"] = int(values.size - finite.sum())
            if finite.any():
                entry["min"] = float(np.min(values[finite]))
                entry["max"] = float(np.max(values[finite]))
                where = np.unravel_index(int(np.argmax(np.where(finite, values, -np.inf))), values.shape)
                entry["argmax"] = {dim: float(ds[dim].values[i]) for dim, i in zip(var.dims, where)
                                   if dim in ds.coords and np.asarray(ds[dim].values).dtype.kind in "fiu"
                                   and values.dtype.kind == "f"}
        elif values.dtype.kind == "b":
            entry["n_true"] = int(values.sum())
        variables[str(name)] = entry
    return {"out": out, "dims": {str(k): int(v) for k, v in ds.sizes.items()},
            "n_failed": int(ds.attrs.get("n_failed", 0)), "seconds": round(elapsed, 3), "variables": variables}


def report(summary: dict[str, Any]) -> str:
    """The summary for people."""
    dims = " x ".join(f"{k} ({v})" for k, v in summary["dims"].items())
    failed = summary["n_failed"]
    lines = [f"swept {dims} in {summary['seconds']:.2f} s"
             + (f"; {failed} point{'s' if failed != 1 else ''} failed (see the error variable)" if failed else "")]
    rows = []
    for name, v in summary["variables"].items():
        if "min" in v:
            at = ", ".join(f"{k}={number(x, 6)}" for k, x in v["argmax"].items())
            rows.append([name, number(v["min"], 6), number(v["max"], 6), at, v["units"]])
        elif "n_true" in v:
            rows.append([name, "", "", f"true at {v['n_true']} points", ""])
    if rows:
        lines += ["", table(["variable", "min", "max", "max at", "units"], rows, [False, True, True, False, False])]
    if summary["out"] is not None:
        lines += ["", f"wrote {summary['out']}"]
    return "\n".join(lines)
