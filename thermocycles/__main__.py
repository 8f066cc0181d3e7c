"""``python -m thermocycles``: the ``thermocycles`` command (see :mod:`thermocycles.cli`)."""

import sys

if __name__ == "__main__":
    try:
        from .cli import main
    except KeyboardInterrupt:  # Ctrl-C while the command starts: the same one line and exit code
        sys.stderr.write("thermocycles: error: interrupted\n")
        exec("pass", {})  # clears CPython's unhandled-KeyboardInterrupt flag (see cli.forget_interrupt)
        sys.exit(130)
    sys.exit(main())
