"""The ``thermocycles`` command: evaluate, optimise, sweep and analyse cycle files; the paper's Fig. 2.

One module per command (:mod:`.evaluate`, :mod:`.optimize`, :mod:`.sweep`, :mod:`.onsager`,
:mod:`.fig2`), each with ``add_parser(subparsers)`` and ``run(args) -> int``. Building the parser
imports the standard library only, so ``thermocycles --help`` starts at once; a command imports
what it needs (numpy, scipy, pint, xarray, ...) when it runs.

Tables are for people; ``--json`` prints one JSON object and nothing else on standard output.
Progress bars and errors go to standard error. A user's mistake (a missing or malformed file, bad
syntax, an unknown parameter, an unwritable output, a missing optional dependency, Ctrl-C) ends
with one line ``thermocycles <command>: error: ...`` and an exit code of :data:`EXIT_CODES`; a
genuine bug keeps its traceback. See docs/how_to/cli.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from . import _common, evaluate, fig2, onsager, optimize, sweep
from ._common import EXIT_CODES, CommandError

if TYPE_CHECKING:
    from ..figures import fig2_data as fig2_data

COMMANDS = {"evaluate": evaluate, "optimize": optimize, "sweep": sweep, "onsager": onsager, "fig2": fig2}

_EPILOG = "exit codes:\n" + "\n".join(f"  {code:<4d} {meaning}" for code, meaning in EXIT_CODES) + (
    "\n\nRun 'thermocycles COMMAND --help' for a command's options; docs/how_to/cli.md has example sessions.")


class _Version(argparse.Action):
    """``--version``: reads the installed version only when asked (importlib.metadata is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, values: Any,
                 option_string: str | None = None) -> None:
        from .. import __version__  # noqa: PLC0415

        print(f"thermocycles {__version__}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse's parser, with its error line shortened like every other error (see :func:`shorten`)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(_common.USAGE, f"{self.prog}: error: {shorten(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command (standard library only)."""
    parser = _Parser(
        prog="thermocycles", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Finite-time quantum thermodynamic cycles from the command line: evaluate, optimise,\n"
                    "sweep and analyse cycle files (TOML or JSON, see thermocycles.io.save), and reproduce\n"
                    "the paper's Fig. 2.",
        epilog=_EPILOG)
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        command = module.add_parser(sub)
        command.epilog = _EPILOG
        command.formatter_class = argparse.RawDescriptionHelpFormatter
        command.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``thermocycles`` command; returns the exit code (see :data:`EXIT_CODES`)."""
    command = ""
    try:
        args = build_parser().parse_args(argv)  # (argparse's own usage errors: SystemExit(2))
        command = args.command
        return int(args.run(args))
    except CommandError as exc:
        _error(command, str(exc))
        return exc.code
    except KeyboardInterrupt:  # also while the parser is built: Ctrl-C right after the start
        _error(command, "interrupted")
        forget_interrupt()
        return _common.INTERRUPTED
    except BrokenPipeError:  # e.g. `thermocycles evaluate f.toml | head -1`: stop quietly
        import os  # noqa: PLC0415

        try:  # Python flushes stdout at exit: point it at /dev/null so that nothing more is raised
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout is no real file
            pass
        return _common.OK


#: longest run of characters without a space that an error message repeats from the input, and the
#: longest message: a value of a million characters is not printed back
_LONGEST_WORD, _LONGEST_MESSAGE = 80, 400
_LONG_WORD = re.compile(rf"\S{{{_LONGEST_WORD + 1},}}")


def shorten(message: str) -> str:
    """One line: white space (new lines too) collapsed, very long words and messages cut.

    >>> shorten("bad value\\n  " + "9" * 1000)
    'bad value 9999999999999999999999999999999999999999... (1000 characters)'
    """
    text = " ".join(message.split())
    text = _LONG_WORD.sub(lambda m: f"{m[0][:40]}... ({len(m[0])} characters)", text)
    return text if len(text) <= _LONGEST_MESSAGE else text[: _LONGEST_MESSAGE - 3] + "..."


def forget_interrupt() -> None:
    """Tell CPython that the KeyboardInterrupt was handled, so that ``python -m`` exits with 130.

    CPython sets a flag, "unhandled KeyboardInterrupt", whenever a KeyboardInterrupt leaves code run
    from a string (``exec``/``eval`` of text: dataclasses, namedtuple and many libraries create
    functions so, also while they are imported). The flag stays set even when the exception is then
    caught, and ``python -m`` (not the console script, which exits through ``sys.exit`` directly)
    checks it after the program ends and kills itself with SIGINT: exit status -2 instead of 130,
    in about one interruption of ten (it depends on where the signal lands). Every evaluation of
    text resets the flag before it runs, so evaluating an empty statement clears it.
    """
    exec("pass", {})  # a constant; clears CPython's unhandled-KeyboardInterrupt flag


def _error(command: str, message: str) -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # pragma: no cover - a closed or broken stdout
        pass
    text = shorten(message) or "failed"
    prefix = f"thermocycles {command}" if command else "thermocycles"
    print(f"{prefix}: error: {text}", file=sys.stderr)


def __getattr__(name: str) -> Any:
    # ``cli.fig2_data`` (the Fig. 2 computation, looked up here at run time so that tests can
    # replace it)
    if name == "fig2_data":
        from ..figures import fig2_data  # noqa: PLC0415

        globals()[name] = fig2_data
        return fig2_data
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "EXIT_CODES", "CommandError", "build_parser", "main"]
