"""``thermocycles fig2``: the source paper's Fig. 2 (the COP at maximum chi against the Carnot COP)."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import Any

from ._common import COMPUTATION_FAILED, OK, USAGE, CommandError, check_output, require, stage

#: image formats matplotlib writes (checked before computing; matplotlib itself is imported only to plot)
IMAGE_SUFFIXES = (".png", ".pdf", ".svg", ".svgz", ".eps", ".ps", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"eps_C must be finite and > 0; got {text}")
    return value


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """The ``fig2`` sub-command's options."""
    fig2 = sub.add_parser(
        "fig2", help="COP at maximum chi against the Carnot COP (the paper's Fig. 2)",
        description="Maximise chi = COP x cooling rate of the two-level quantum Otto refrigerator "
                    "over its two frequencies for each Carnot COP eps_C, and compare the COP at the "
                    "maximum, eps*, with the Curzon-Ahlborn COP and eps_plus. Prints a table and writes "
                    "a figure (matplotlib: pip install \"thermocycles[plot]\").")
    fig2.add_argument("--eps-c", type=_positive, nargs="+", metavar="EPS_C",
                      help="Carnot COPs to compute (default: 200 points in (0, 10])")
    fig2.add_argument("--json", action="store_true",
                      help="print one JSON object (eps_c, eps_star, eps_ca, eps_plus, beta_c_w_a, "
                           "beta_h_w_b) and nothing else; no plot")
    fig2.add_argument("--output", "-o", default="fig2.png",
                      help=f"image file to write (default fig2.png; {', '.join(IMAGE_SUFFIXES)})")
    fig2.add_argument("--no-plot", action="store_true", help="print the table only")
    return fig2


def run(args: argparse.Namespace) -> int:
    """Compute Fig. 2; print the table (or JSON) and write the figure."""
    plot = not (args.json or args.no_plot)
    if plot:  # the user's mistakes first, before any computation
        check_output(args.output, IMAGE_SUFFIXES, "--output")
        require("matplotlib", "writing the figure (or use --no-plot / --json)")
        _check_format(args.output)
    from .. import cli  # noqa: PLC0415 (cli.fig2_data: looked up at run time, tests replace it)
    from ..figures import DEFAULT_EPS_C  # noqa: PLC0415

    start = time.perf_counter()
    with stage(USAGE):
        data = cli.fig2_data(args.eps_c if args.eps_c else DEFAULT_EPS_C)
    elapsed = time.perf_counter() - start
    if not data.converged.all():
        bad = data.eps_c[~data.converged]
        raise CommandError(f"the optimisation did not converge for eps_C = {bad.tolist()}", COMPUTATION_FAILED)
    if args.json:
        print(json.dumps(data.as_dict()))
        return OK
    print(data.table())
    print(f"computed in {elapsed * 1e3:.0f} ms")
    sys.stdout.flush()
    if not plot:
        return OK
    with stage(USAGE):
        from ..plots import plot_fig2  # noqa: PLC0415

        plot_fig2(data, args.output)
    print(f"wrote {args.output}")
    return OK


def _check_format(path: str) -> None:
    """The extension is one the installed matplotlib writes."""
    import os  # noqa: PLC0415

    from matplotlib.backend_bases import FigureCanvasBase  # noqa: PLC0415

    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    supported = FigureCanvasBase.get_supported_filetypes()
    if suffix not in supported:
        raise CommandError(f"--output {path!r}: matplotlib cannot write {suffix!r} files; use one of "
                           f"{', '.join('.' + s for s in sorted(supported))}", USAGE)
