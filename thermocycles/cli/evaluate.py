"""``thermocycles evaluate FILE``: the performance of a cycle file in its periodic steady state."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import COMPUTATION_FAILED, OK, USAGE, apply_sets, load_cycle, number, split_quantity, stage, table

#: the figures of the table, in order (those a cycle does not have, e.g. q_c of a cycle with one
#: reservoir, are left out)
FIGURES = ("q_c", "q_h", "work", "cycle_time", "cop", "cooling_rate", "chi", "efficiency", "power",
           "entropy_production", "entropy_production_rate")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``evaluate`` sub-command's options."""
    p = sub.add_parser(
        "evaluate", help="evaluate a cycle file: figures with units, mode, per-stroke heat and work",
        description="Load a cycle file (TOML or JSON, written by thermocycles.io.save or by hand), "
                    "evaluate its periodic steady state and print its figures (with units if the "
                    "cycle has them), its operating mode and the heat and work of every stroke.")
    p.add_argument("file", metavar="FILE", help="cycle file (.toml or .json)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (thermocycles.io.to_dict of the performance record) and "
                        "nothing else")
    add_evaluation_options(p)
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="change a parameter first (repeatable); a plain number, or for a cycle with "
                        "units a quantity such as '50 mK' (a plain number is then read in the unit "
                        "the file gives the parameter)")
    return p


def add_evaluation_options(p: argparse.ArgumentParser) -> None:
    """``--method`` and ``--backend`` (shared with ``sweep``)."""
    p.add_argument("--backend", default="auto", metavar="{auto,populations,density_matrix,...}",
                   help="state space of the generic path (default auto): a built-in backend or one a "
                        "plugin registered in thermocycles.extend.BACKEND_OBJECTS (checked once the file "
                        "is loaded)")
    p.add_argument("--method", choices=("auto", "closed_form", "linear_algebra"), default="auto",
                   help="closed form where one applies, or the generic path (default auto)")


def check_backend_option(args: argparse.Namespace) -> None:
    """``--backend``: "auto" or a registered backend's name, checked after the file is loaded (a
    plugin that the file's types load may register a backend)."""
    from ..core.model import check_backend  # noqa: PLC0415

    with stage(USAGE):
        check_backend(args.backend, "--backend")


def run(args: argparse.Namespace) -> int:
    """Evaluate the file's cycle; print a table or one JSON object."""
    cycle = apply_sets(load_cycle(args.file), args.set)
    check_backend_option(args)
    with stage(COMPUTATION_FAILED):
        perf = cycle.performance(method=args.method, backend=args.backend)
        if args.json:
            from ..io import to_json  # noqa: PLC0415

            text = to_json(perf, indent=None)  # one line: strict JSON, NaN as null
        else:
            text = report(perf, args.file, cycle)
    print(text)
    return OK


def figure_rows(perf: Any, names: tuple[str, ...] = FIGURES) -> tuple[list[list[str]], list[str]]:
    """Table rows (figure, value, unit) and notes on the figures that are NaN."""
    from ..errors import AnalysisError  # noqa: PLC0415

    rows, notes = [], []
    for name in names:
        try:
            value = getattr(perf, name)
        except AnalysisError:  # e.g. q_c of a cycle with more than two reservoirs
            continue
        magnitude, unit = split_quantity(value)
        rows.append([name, number(magnitude), unit])
        why = perf.why_nan(name)
        if why:
            notes.append(f"{name} is nan: {why}")
    return rows, notes


def report(perf: Any, source: str, cycle: Any) -> str:
    """The tables for people: figures, heat by reservoir, strokes."""
    units = "with units" if perf.has_units else "natural units (hbar = k_B = 1)"
    lines = [f"{source}: {type(cycle.substance).__name__}, {len(cycle.strokes)} strokes, {units}",
             f"mode: {perf.mode}    method: {perf.method}    backend: {perf.backend}", ""]
    rows, notes = figure_rows(perf)
    for name, value in perf.heat.items():
        magnitude, unit = split_quantity(value)
        rows.append([f"heat[{name}]", number(magnitude), unit])
    lines.append(table(["figure", "value", "unit"], rows, [False, True, False]))
    lines += notes
    lines.append("")
    lines.append(stroke_table(perf))
    lines.append("heat: absorbed by the substance from the reservoir; work: done on the substance "
                 "(first law: sum of heat + work = 0 per cycle)")
    return "\n".join(lines)


def stroke_table(perf: Any) -> str:
    """One row per stroke: name, kind, duration, reservoir, heat, work."""
    rows = []
    unit_of: dict[str, str] = {}
    for record in perf.strokes:
        duration, t_unit = split_quantity(record.duration)
        work, e_unit = split_quantity(record.work)
        heat_total: Any = 0.0
        for q in record.heat.values():
            heat_total = heat_total + split_quantity(q)[0]
        unit_of.setdefault("time", t_unit)
        unit_of.setdefault("energy", e_unit)
        rows.append([record.name, record.kind, number(duration), ", ".join(record.heat) or "-",
                     number(heat_total), number(work)])
    t, e = unit_of.get("time", ""), unit_of.get("energy", "")
    header = ["stroke", "kind", "duration" + (f" [{t}]" if t else ""), "reservoir",
              "heat" + (f" [{e}]" if e else ""), "work" + (f" [{e}]" if e else "")]
    return table(header, rows, [False, False, True, False, True, True])
