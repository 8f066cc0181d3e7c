"""``thermocycles optimize FILE --objective chi --vary NAME=LOW:HIGH ...``: run the Optimizer."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import (
    COMPUTATION_FAILED,
    FILE_ERROR,
    OK,
    USAGE,
    CommandError,
    apply_sets,
    check_output,
    load_cycle,
    number,
    parse_vary,
    split_quantity,
    stage,
    table,
)
from .evaluate import check_backend_option


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``optimize`` sub-command's options."""
    p = sub.add_parser(
        "optimize", help="optimise an objective of a cycle file over some of its parameters",
        description="Run thermocycles.Optimizer on a cycle file: maximise (or minimise) an objective "
                    "over the parameters named by --vary within their bounds. Exit code 0 if the "
                    "optimiser succeeds, 1 if it reports failure (its message is printed).")
    p.add_argument("file", metavar="FILE", help="cycle file (.toml or .json)")
    add_optimizer_options(p, objective_flag="--objective", required=True)
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="change a parameter before optimising (repeatable; see 'evaluate --help')")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (thermocycles.io.to_dict of the OptimizationResult) and "
                        "nothing else")
    p.add_argument("--save-optimum", metavar="OUT", help="write the optimal cycle to a cycle file (.toml or .json)")
    p.add_argument("--backend", default="auto", metavar="{auto,populations,density_matrix,...}",
                   help="state space of every evaluation (default auto): a built-in backend or one a plugin "
                        "registered in thermocycles.extend.BACKEND_OBJECTS")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="a progress bar on standard error (default: only in a terminal)")
    return p


def add_optimizer_options(p: Any, objective_flag: str, required: bool, method_flag: str = "--method") -> None:
    """The Optimizer's options (shared with ``sweep --optimize-objective``)."""
    p.add_argument(objective_flag, dest="objective", required=required, metavar="OBJECTIVE",
                   help="a registered objective: chi, cooling_rate, cop, power, efficiency, ecological, "
                        "omega, ... (see thermocycles.objectives)")
    p.add_argument("--vary", action="append", metavar="NAME=LOW:HIGH", default=[],
                   help="a parameter to vary and its bounds (repeatable), e.g. --vary tau_c=1e-3:50; for "
                        "a cycle with units the bounds may be quantities ('10 mK:100 mK') or plain "
                        "numbers in the unit the file gives the parameter")
    p.add_argument("--constraint", action="append", metavar="EXPR", default=[],
                   help="a constraint (repeatable): 'cools', 'engine', 'cop >= 0.5', 'power >= 1e-3'")
    p.add_argument("--sense", choices=("max", "min"), help="maximise or minimise (default: the objective's own)")
    p.add_argument(method_flag, dest="optimizer_method", default="multistart", metavar="METHOD",
                   help="multistart (default), a scipy.optimize.minimize method (L-BFGS-B, Nelder-Mead, "
                        "SLSQP, ...) or differential_evolution, dual_annealing, shgo, direct")
    p.add_argument("--starts", type=int, metavar="N", default=64,
                   help="sample size of the multistart method (default 64)")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample and stochastic methods (default 0)")


def build_optimizer(cycle: Any, args: argparse.Namespace, progress: Any = None) -> Any:
    """An Optimizer from the options, checked against the cycle (usage errors, exit code 2)."""
    variables: Any = parse_vary(cycle, args.vary)
    if not variables:
        raise CommandError("name at least one parameter to vary: --vary NAME=LOW:HIGH (e.g. --vary tau_c=1e-3:50)",
                           USAGE)
    if args.starts < 1:
        raise CommandError(f"--starts must be at least 1; got {args.starts}", USAGE)
    with stage(USAGE):
        from ..analysis.optimize import Optimizer  # noqa: PLC0415

        return Optimizer(objective=args.objective, variables=variables, sense=args.sense,
                         constraints=args.constraint, method=args.optimizer_method, n_starts=args.starts,
                         seed=args.seed, progress=progress, cycle=cycle, backend=args.backend)


def run(args: argparse.Namespace) -> int:
    """Optimise; print a table or one JSON object; exit 1 if the optimiser reports failure."""
    if args.save_optimum is not None:
        check_output(args.save_optimum, (".toml", ".json"), "--save-optimum")
    cycle = apply_sets(load_cycle(args.file), args.set)
    check_backend_option(args)
    optimizer = build_optimizer(cycle, args, progress=args.progress)
    with stage(COMPUTATION_FAILED):
        result = optimizer.run(cycle)
        if args.json:
            from ..io import to_json  # noqa: PLC0415

            text = to_json(result, indent=None)  # one line: strict JSON, NaN as null
        else:
            text = report(result)
    print(text)
    if not result.success:
        sys.stdout.flush()
        raise CommandError(f"the optimiser did not succeed (status {result.status}): {result.message}",
                           COMPUTATION_FAILED)
    if args.save_optimum is not None:
        with stage(FILE_ERROR):
            from ..io import save  # noqa: PLC0415

            save(result.cycle, args.save_optimum)
        if not args.json:
            print(f"wrote the optimal cycle to {args.save_optimum}")
    return OK


def report(result: Any) -> str:
    """The tables for people: the optimum, the variables, the figures there."""
    from .evaluate import figure_rows  # noqa: PLC0415

    value, unit = split_quantity(result.fun)
    lines = [f"{result.sense}imise {result.objective}: {number(value)}{' ' + unit if unit else ''}",
             f"success: {result.success}    status: {result.status}    method: {result.method}    "
             f"evaluations: {result.nfev}",
             f"message: {result.message}", ""]
    rows = []
    for name, x in result.x.items():
        magnitude, x_unit = split_quantity(x)
        rows.append([name, number(magnitude), x_unit, "yes" if name in result.at_bounds else ""])
    lines.append(table(["variable", "optimum", "unit", "at a bound"], rows, [False, True, False, False]))
    lines.append("")
    perf = result.performance
    lines.append(f"at the optimum: mode {perf.mode}")
    figures, notes = figure_rows(perf)
    lines.append(table(["figure", "value", "unit"], figures, [False, True, False]))
    lines += notes
    return "\n".join(lines)
