"""Command line: ``thermocycles fig2`` reproduces the source paper's Fig. 2."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Sequence

import numpy as np

from .figures import DEFAULT_EPS_C, fig2_data, plot_fig2


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"eps_C must be finite and > 0; got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thermocycles", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    fig2 = sub.add_parser(
        "fig2", help="COP at maximum chi against the Carnot COP (the paper's Fig. 2)",
        description="Maximise chi = COP x cooling rate of the two-level quantum Otto refrigerator "
                    "over its two frequencies for each Carnot COP eps_C, and compare the COP at the "
                    "maximum, eps*, with the Curzon-Ahlborn COP and eps_plus.")
    fig2.add_argument("--eps-c", type=_positive, nargs="+", metavar="EPS_C",
                      help="Carnot COPs to compute (default: 200 points in (0, 10])")
    fig2.add_argument("--json", action="store_true",
                      help="print one JSON object (eps_c, eps_star, eps_ca, eps_plus, beta_c_w_a, "
                           "beta_h_w_b) and nothing else; no plot")
    fig2.add_argument("--output", "-o", default="fig2.png", help="PNG file to write (default fig2.png)")
    fig2.add_argument("--no-plot", action="store_true", help="print the table only")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``thermocycles`` command."""
    args = _parser().parse_args(argv)
    start = time.perf_counter()
    try:
        data = fig2_data(args.eps_c if args.eps_c else DEFAULT_EPS_C)
    except ValueError as exc:
        print(f"thermocycles fig2: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - start
    if not data.converged.all():
        bad = data.eps_c[~data.converged]
        print(f"thermocycles fig2: the optimisation did not converge for eps_C = {bad.tolist()}",
              file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(data.as_dict()))
        return 0
    print(data.table())
    print(f"computed in {elapsed * 1e3:.0f} ms")
    if args.no_plot:
        return 0
    try:
        path = plot_fig2(data, args.output)
    except ImportError as exc:
        print(f"thermocycles fig2: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
