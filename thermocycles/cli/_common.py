"""What every command shares: exit codes, the one-line errors, argument syntax, tables.

Nothing here imports numpy, pint or the library at module level: ``thermocycles --help`` imports
this module, and must start at once. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from typing import Any

#: Exit codes (documented in ``thermocycles --help`` and docs/how_to/cli.md).
OK = 0
#: the computation failed: an optimiser did not succeed, Fig. 2 did not converge, an evaluation or
#: analysis raised an error on valid input
COMPUTATION_FAILED = 1
#: bad command line or bad input: unknown option, bad --vary/--grid/--set syntax, an unknown
#: parameter, a value out of range, an unknown output extension
USAGE = 2
#: a file cannot be read or written: missing, unreadable, malformed, not a cycle file, unwritable
FILE_ERROR = 3
#: an optional dependency is not installed (the message names the extra to install)
MISSING_DEPENDENCY = 4
#: interrupted (Ctrl-C), as shells report SIGINT
INTERRUPTED = 130

EXIT_CODES = (
    (OK, "success"),
    (COMPUTATION_FAILED, "the computation failed (an optimiser did not succeed, no convergence, an "
                         "evaluation error)"),
    (USAGE, "bad command line or input (syntax, unknown parameter or option, value out of range)"),
    (FILE_ERROR, "a file cannot be read or written (missing, malformed, unwritable)"),
    (MISSING_DEPENDENCY, "an optional dependency is not installed (the message says which extra)"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
)

#: optional dependencies and the extra that installs each
EXTRAS = {"matplotlib": "plot", "xarray": "sweep", "tqdm": "sweep", "pandas": "sweep", "dask": "distributed",
          "distributed": "distributed", "netCDF4": "files", "netcdf4": "files", "h5netcdf": "files"}


class CommandError(Exception):
    """A user-facing failure: printed as one line ``thermocycles <command>: error: ...``."""

    def __init__(self, message: str, code: int = USAGE):
        super().__init__(message)
        self.code = code


def missing_dependency(exc: ImportError) -> CommandError | None:
    """A CommandError for an ImportError of an optional dependency, else None (a genuine bug)."""
    name = (exc.name or "").split(".")[0]
    text = str(exc)
    if "pip install" in text:
        return CommandError(text, MISSING_DEPENDENCY)
    if name in EXTRAS:
        return CommandError(f"{name} is not installed: pip install \"thermocycles[{EXTRAS[name]}]\"",
                            MISSING_DEPENDENCY)
    return None


def require(module: str, why: str) -> None:
    """Import an optional dependency now (before a long computation), or fail saying what to install."""
    import importlib  # noqa: PLC0415

    try:
        importlib.import_module(module)
    except ImportError:
        extra = EXTRAS.get(module.split(".")[0], "all")
        raise CommandError(f"{why} needs {module.split('.')[0]}: pip install \"thermocycles[{extra}]\"",
                           MISSING_DEPENDENCY) from None


@contextlib.contextmanager
def stage(code: int) -> Iterator[None]:
    """Turn the library's errors raised inside the block into CommandErrors with exit ``code``.

    ``code`` is USAGE for reading the user's input (values, names, options), FILE_ERROR for
    reading or writing files and COMPUTATION_FAILED for the computation itself (where a
    ParameterError, an invalid value, is still the user's input: USAGE). Errors of the
    library (ThermocyclesError) and of files (OSError) are the user's to fix and get one line; any
    other exception is a bug and keeps its traceback.
    """
    from ..errors import FileFormatError, ParameterError, ThermocyclesError  # noqa: PLC0415 (stdlib only)

    try:
        yield
    except CommandError:
        raise
    except FileFormatError as exc:
        raise CommandError(str(exc), FILE_ERROR) from None
    except ParameterError as exc:  # a value given is invalid: the user's input, also when a computation finds it
        raise CommandError(str(exc), FILE_ERROR if code == FILE_ERROR else USAGE) from None
    except ThermocyclesError as exc:
        raise CommandError(str(exc), code) from None
    except OSError as exc:
        raise CommandError(describe_os_error(exc), FILE_ERROR) from None
    except ImportError as exc:
        error = missing_dependency(exc)
        if error is None:
            raise
        raise error from None


def describe_os_error(exc: OSError) -> str:
    """``path: reason`` for an OSError."""
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason.lower()}" if exc.filename else reason


def check_output(path: str, suffixes: Sequence[str], option: str) -> str:
    """Check an output path before any computation: a name, a known extension, a writable place.

    Returns the extension (lower case, with the dot).
    """
    if not path or not path.strip():
        raise CommandError(f"{option} must name a file; got an empty name", USAGE)
    if os.path.isdir(path):
        raise CommandError(f"{option} {path!r} is a directory", FILE_ERROR)
    name = os.path.basename(path)
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in suffixes:
        known = ", ".join(suffixes)
        got = f"the extension {suffix!r}" if suffix else "no extension"
        raise CommandError(f"{option} {path!r} has {got}; use one of {known}", USAGE)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        what = "is not a directory" if os.path.exists(parent) else "does not exist"
        raise CommandError(f"cannot write {path!r}: {parent!r} {what}", FILE_ERROR)
    if not os.access(parent, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise CommandError(f"cannot write {path!r}: permission denied", FILE_ERROR)
    if not os.path.exists(path):
        # what only trying tells (a name too long, a read-only file system, a full directory): create
        # the file and remove it again, before any computation
        try:
            with open(path, "xb"):
                pass
            os.remove(path)
        except OSError as exc:
            raise CommandError(f"cannot write {path!r}: {(exc.strerror or str(exc)).lower()}", FILE_ERROR) from None
    return suffix


def check_input(path: str) -> None:
    """A readable file, or a one-line error."""
    if not path:
        raise CommandError("the cycle FILE must be named; got an empty name", USAGE)
    if not os.path.exists(path):
        raise CommandError(f"{path}: no such file", FILE_ERROR)
    if os.path.isdir(path):
        raise CommandError(f"{path}: is a directory, not a cycle file", FILE_ERROR)
    if not os.access(path, os.R_OK):
        raise CommandError(f"{path}: permission denied", FILE_ERROR)


def load_cycle(path: str) -> Any:
    """The cycle of a file (``thermocycles.io.load``), or a one-line FILE_ERROR."""
    check_input(path)
    with stage(FILE_ERROR):
        from ..io import load  # noqa: PLC0415

        return load(path)


# -- argument syntax -----------------------------------------------------------------------------

_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def split_assignment(text: str, option: str, syntax: str) -> tuple[str, str]:
    """``NAME=REST`` -> (name, rest), or a usage error showing the syntax."""
    match = _NAME.match(text)
    if not match or not match.group(2):
        raise CommandError(f"{option} {text!r}: expected {syntax}", USAGE)
    return match.group(1), match.group(2)


def check_names(cycle: Any, names: Sequence[str], option: str) -> None:
    """Every name is a parameter of the cycle, or a usage error listing them."""
    known = cycle.parameter_names
    for name in names:
        if name not in known:
            raise CommandError(f"{option}: {name!r} is not a parameter of the cycle; its parameters: "
                               f"{', '.join(known)}", USAGE)


def parse_value(cycle: Any, name: str, text: str, option: str) -> Any:
    """One value of parameter ``name`` from text.

    A plain number for a cycle in natural units. For a cycle with units, a quantity (``50 mK``,
    ``0.5us``, ``3 GHz``) or a plain number, read in the unit the cycle gives that parameter. Both
    are read by the strict grammar of ``thermocycles.quantity_text`` (finite numbers, no
    arithmetic: pint's own expression parser evaluates it and can hang on text such as "9**9**9").
    """
    from ..errors import ThermocyclesError  # noqa: PLC0415
    from ..quantity_text import parse_quantity_text  # noqa: PLC0415

    try:
        value = parse_quantity_text(text)
    except (ThermocyclesError, ValueError) as error:
        raise CommandError(f"{option}: {name}: {error}", USAGE) from None
    if not isinstance(value, float):
        if not cycle.has_units:
            raise CommandError(f"{option}: {name} = {text!r} is not a number (the cycle is in natural units: give "
                               f"plain numbers)", USAGE)
        return value
    current = cycle.parameters[name]
    from ..units import is_quantity  # noqa: PLC0415

    if cycle.has_units and is_quantity(current):
        return current.units._REGISTRY.Quantity(value, current.units)
    return value


def parse_sets(cycle: Any, items: Sequence[str] | None) -> dict[str, Any]:
    """``--set NAME=VALUE`` options as a dict, checked against the cycle's parameters."""
    values: dict[str, Any] = {}
    for item in items or ():
        name, text = split_assignment(item, "--set", "NAME=VALUE (e.g. --set w_b=4)")
        check_names(cycle, [name], "--set")
        values[name] = parse_value(cycle, name, text, "--set")
    return values


def apply_sets(cycle: Any, items: Sequence[str] | None) -> Any:
    """The cycle with ``--set`` values applied."""
    values = parse_sets(cycle, items)
    if not values:
        return cycle
    with stage(USAGE):
        return cycle.with_parameters(**values)


def parse_vary(cycle: Any, items: Sequence[str] | None) -> dict[str, tuple[Any, Any]]:
    """``--vary NAME=LOW:HIGH`` options as Optimizer variables."""
    syntax = "NAME=LOW:HIGH (e.g. --vary tau_c=1e-3:50)"
    variables: dict[str, tuple[Any, Any]] = {}
    for item in items or ():
        name, rest = split_assignment(item, "--vary", syntax)
        parts = rest.split(":")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise CommandError(f"--vary {item!r}: expected {syntax}", USAGE)
        check_names(cycle, [name], "--vary")
        if name in variables:
            raise CommandError(f"--vary {name} is given twice", USAGE)
        low, high = (parse_value(cycle, name, p, "--vary") for p in parts)
        variables[name] = (low, high)
    return variables


#: the largest sweep grid the command accepts (points in all): a larger one would exhaust the memory
#: before anything is computed (11 figures x 8 bytes x 1e7 points ~ 1 GB)
MAX_GRID_POINTS = 10_000_000

GRID_SYNTAX = ("NAME=START:STOP:NUM[:log], NAME=V1,V2,... or NAME=VALUE "
               "(e.g. --grid w_b=2:6:50 --grid tau_c=1e-2:10:30:log)")


def parse_grid(cycle: Any, items: Sequence[str] | None) -> dict[str, Any]:
    """``--grid`` options as a sweep grid: name -> 1-D array (or one value), in the order given."""
    import numpy as np  # noqa: PLC0415

    grid: dict[str, Any] = {}
    for item in items or ():
        name, rest = split_assignment(item, "--grid", GRID_SYNTAX)
        check_names(cycle, [name], "--grid")
        if name in grid:
            raise CommandError(f"--grid {name} is given twice", USAGE)
        if ":" in rest:
            parts = [p.strip() for p in rest.split(":")]
            spacing = "lin"
            if len(parts) == 4:
                spacing = parts.pop().lower()
                if spacing not in ("lin", "log"):
                    raise CommandError(f"--grid {item!r}: the spacing must be 'lin' or 'log'; got {spacing!r}",
                                       USAGE)
            if len(parts) != 3 or not all(parts):
                raise CommandError(f"--grid {item!r}: expected {GRID_SYNTAX}", USAGE)
            try:
                num = int(parts[2])
            except ValueError:
                raise CommandError(f"--grid {item!r}: NUM must be a whole number of points; got {parts[2]!r}",
                                   USAGE) from None
            if num < 1:
                raise CommandError(f"--grid {item!r}: NUM must be at least 1; got {num}", USAGE)
            if num > MAX_GRID_POINTS:
                raise CommandError(f"--grid {name}: NUM must be at most {MAX_GRID_POINTS:,}; got {num:,}", USAGE)
            start, stop = (parse_value(cycle, name, p, "--grid") for p in parts[:2])
            grid[name] = _spaced(start, stop, num, spacing, item, np)
        elif "," in rest:
            values = [parse_value(cycle, name, p, "--grid") for p in rest.split(",") if p.strip()]
            if not values:
                raise CommandError(f"--grid {item!r}: the list names no value; expected {GRID_SYNTAX}", USAGE)
            grid[name] = _stack(values, np)
        else:
            grid[name] = parse_value(cycle, name, rest, "--grid")
    total = 1
    for values in grid.values():
        total *= int(np.size(getattr(values, "magnitude", values)))
    if total > MAX_GRID_POINTS:
        raise CommandError(f"--grid: the grid has {total:,} points; at most {MAX_GRID_POINTS:,} in one sweep "
                           "(split it into several)", USAGE)
    return grid


def _magnitudes(start: Any, stop: Any, item: str) -> tuple[float, float, Any]:
    units = getattr(start, "units", None)
    if units is None:
        return float(start), float(stop), None
    try:
        return float(start.m_as(units)), float(stop.m_as(units)), units
    except Exception:  # pint's DimensionalityError
        raise CommandError(f"--grid {item!r}: {start} and {stop} have different dimensions", USAGE) from None


def _spaced(start: Any, stop: Any, num: int, spacing: str, item: str, np: Any) -> Any:
    lo, hi, units = _magnitudes(start, stop, item)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise CommandError(f"--grid {item!r}: START and STOP must be finite numbers; got {lo:g} and {hi:g}", USAGE)
    if spacing == "log":
        if not (lo > 0 and hi > 0):
            raise CommandError(f"--grid {item!r}: a log grid needs START and STOP > 0", USAGE)
        values = np.geomspace(lo, hi, num)
    else:
        values = np.linspace(lo, hi, num)
    return values if units is None else start.units._REGISTRY.Quantity(values, units)


def _stack(values: list[Any], np: Any) -> Any:
    units = getattr(values[0], "units", None)
    if units is None:
        return np.array([float(v) for v in values])
    return values[0].units._REGISTRY.Quantity(np.array([float(v.m_as(units)) for v in values]), units)


def parse_list(text: str | None) -> list[str] | None:
    """``a,b,c`` -> ["a", "b", "c"]."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise CommandError("--outputs names no figure (e.g. --outputs chi,cop)", USAGE)
    return items


# -- tables --------------------------------------------------------------------------------------


def number(value: Any, digits: int = 10) -> str:
    """A number for a table: ``digits`` significant digits; nan and inf as such."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{x:.{digits}g}"


def split_quantity(value: Any) -> tuple[Any, str]:
    """(magnitude, unit text) of a quantity, (value, "") of a plain number."""
    units = getattr(value, "units", None)
    if units is None:
        return value, ""
    return value.magnitude, f"{units:~P}" if str(units) != "dimensionless" else ""


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] | None = None) -> str:
    """Aligned columns with a dashed rule under the header."""
    width = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    right = right or [False] * len(header)

    def line(cells: Sequence[str]) -> str:
        out = [str(c).rjust(w) if r else str(c).ljust(w) for c, w, r in zip(cells, width, right)]
        return "  ".join(out).rstrip()

    return "\n".join([line(header), line(["-" * w for w in width]), *(line(r) for r in rows)])
