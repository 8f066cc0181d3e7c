"""``thermocycles onsager FILE``: the Onsager matrix of a cycle file (thermocycles.IrreversibleAnalysis)."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import COMPUTATION_FAILED, OK, USAGE, apply_sets, load_cycle, number, stage, table


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``onsager`` sub-command's options."""
    p = sub.add_parser(
        "onsager", help="Onsager matrix L, coupling q and the checks of the linear-response regime",
        description="Run thermocycles.IrreversibleAnalysis on a cycle file (a two-level Otto "
                    "refrigerator or engine): the Onsager matrix L of J = L X near equilibrium, its "
                    "error estimate, the coupling q = L12/sqrt(L11 L22), and the checks of reciprocity, "
                    "tight coupling and the second law.")
    p.add_argument("file", metavar="FILE", help="cycle file (.toml or .json)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (thermocycles.io.to_dict of the OnsagerResult) and nothing else")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", default=[],
                   help="change a parameter first (repeatable; see 'evaluate --help')")
    p.add_argument("--step", type=float, default=1e-3, help="relative step of the finite differences (default 1e-3)")
    return p


def run(args: argparse.Namespace) -> int:
    """Analyse; print a table or one JSON object."""
    cycle = apply_sets(load_cycle(args.file), args.set)
    with stage(USAGE):
        from ..analysis.irreversible import IrreversibleAnalysis  # noqa: PLC0415

        analysis = IrreversibleAnalysis(step=args.step)
    with stage(COMPUTATION_FAILED):
        result = analysis.run(cycle)
        if args.json:
            from ..io import to_json  # noqa: PLC0415

            text = to_json(result, indent=None)  # one line: strict JSON, NaN as null
        else:
            text = report(result)
    print(text)
    return OK


def report(result: Any) -> str:
    """The tables for people: L and its error, q, the checks, the forces and fluxes."""
    L, err = result.L_natural, result.error_estimate
    rows = [[f"L{i + 1}{j + 1}", number(L[i, j]), number(err[i, j], 3)] for i in range(2) for j in range(2)]
    lines = ["Onsager matrix (natural units, hbar = k_B = 1), J = L X near equilibrium", "",
             table(["entry", "value", "error estimate"], rows, [False, True, True]), "",
             table(["figure", "value"], [
                 ["coupling q = L12/sqrt(L11 L22)", number(result.coupling)],
                 ["reciprocity (L12 - L21)/L12", number(result.reciprocity, 3)],
                 ["reciprocal (L12 = L21)", str(result.reciprocal)],
                 ["tight coupling (|q| = 1)", str(result.tight_coupling)],
                 ["second law (L positive semidefinite)", str(result.second_law)],
                 ["COP at maximum chi of the linear model", number(result.cop_at_max_chi())],
             ], [False, True]), ""]
    lines += [f"force {k}: {v}" for k, v in result.forces.items()]
    lines += [f"flux {k}: {v}" for k, v in result.fluxes.items()]
    return "\n".join(lines)
