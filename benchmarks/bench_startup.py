"""Start-up of the command line and of the library's first call (issue 9), as ratios in one run.

Targets:
1. ``thermocycles --help`` (the installed console script) and ``python -m thermocycles --help``
   within 2.5x of ``python -c "import numpy"`` (median ratio over interleaved repeats);
2. the library's first real call not slower than before the lazy imports: ``import thermocycles as
   tc; tc.quantum_otto_refrigerator(...).performance()`` in natural units and with pint quantities
   (with ``--before DIR``: a checkout of the package before the change, e.g. ``git archive <commit>
   thermocycles | tar -x -C DIR``, timed interleaved with the working tree).

Each case is a fresh interpreter (subprocess), timed from launch to exit; the cases are interleaved
so that a change of machine load hits all of them alike.

Run: python benchmarks/bench_startup.py [--repeats 15] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

NATURAL = ("import thermocycles as tc; p = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, "
           "gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1).performance(); "
           "assert abs(p.cop - 0.5) < 1e-12")
UNITS = ("import thermocycles as tc; Q_ = tc.Q_; p = tc.quantum_otto_refrigerator(T_c=Q_(50, 'mK'), "
         "T_h=Q_(100, 'mK'), gamma_c=Q_(1, 'MHz'), gamma_h=Q_(1, 'MHz'), w_a=Q_(1, 'GHz'), w_b=Q_(3, 'GHz'), "
         "tau_c=Q_(0.5, 'us'), tau_h=Q_(0.5, 'us'), tau_ch=Q_(0.1, 'us'), tau_hc=Q_(0.1, 'us')).performance(); "
         "assert abs(p.cop - 0.5) < 1e-12")


def console_script() -> str:
    script = Path(sys.executable).with_name("thermocycles")
    found = str(script) if script.exists() else shutil.which("thermocycles")
    if not found:
        raise SystemExit("the thermocycles console script is not installed (pip install -e .)")
    return found


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path.home())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--before", metavar="DIR", help="a directory holding the package before the change")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    py = sys.executable
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "import numpy": ([py, "-c", "import numpy"], env),
        "thermocycles --help": ([console_script(), "--help"], env),
        "python -m thermocycles --help": ([py, "-m", "thermocycles", "--help"], env),
        "first call, natural units": ([py, "-c", NATURAL], env),
        "first call, pint quantities": ([py, "-c", UNITS], env),
    }
    if args.before:
        before = {**env, "PYTHONPATH": str(Path(args.before).resolve())}
        check = subprocess.run([py, "-c", "import thermocycles; print(thermocycles.__file__)"], env=before,
                               capture_output=True, text=True, check=True, cwd=Path.home()).stdout.strip()
        if not check.startswith(str(Path(args.before).resolve())):
            raise SystemExit(f"--before {args.before}: the package there is not the one imported ({check})")
        cases["first call, natural units (before)"] = ([py, "-c", NATURAL], before)
        cases["first call, pint quantities (before)"] = ([py, "-c", UNITS], before)
        cases["thermocycles --help (before)"] = ([py, "-c", "import sys; sys.argv = ['thermocycles', '--help']; "
                                                  "from thermocycles.cli import main; sys.exit(main())"], before)
    for argv, e in cases.values():  # warm the file cache and the .pyc files
        timed(argv, e)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeats):
        for name, (argv, e) in cases.items():
            times[name].append(timed(argv, e))
    numpy_times = times["import numpy"]
    print(f"{args.repeats} interleaved repeats; ratio = median over repeats of (case / import numpy in the same "
          f"repeat)")
    print(f"{'case':40s} {'median s':>9s} {'min s':>7s} {'ratio':>7s}")
    for name, values in times.items():
        ratio = statistics.median(v / n for v, n in zip(values, numpy_times))
        print(f"{name:40s} {statistics.median(values):9.3f} {min(values):7.3f} {ratio:7.2f}")
    for name in ("thermocycles --help", "python -m thermocycles --help"):
        ratio = statistics.median(v / n for v, n in zip(times[name], numpy_times))
        print(f"target: {name} within 2.5x of import numpy: {ratio:.2f}x -> {'met' if ratio <= 2.5 else 'NOT met'}")
    if args.before:
        for kind in ("natural units", "pint quantities"):
            now = statistics.median(times[f"first call, {kind}"])
            then = statistics.median(times[f"first call, {kind} (before)"])
            print(f"target: first call ({kind}) not slower: {then:.3f} s before, {now:.3f} s now "
                  f"({now / then:.2f}x) -> {'met' if now <= then * 1.05 else 'NOT met'}")


if __name__ == "__main__":
    main()
