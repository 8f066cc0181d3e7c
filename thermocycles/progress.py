"""Progress bars for long-running operations (sweeps, multistart optimisation, Fig. 2).

A bar is drawn with tqdm (an optional dependency, in the ``[sweep]`` and ``[all]`` extras) on
standard error. ``progress=None`` (the default everywhere) draws it only when standard error is a
terminal and the operation lasts longer than half a second; ``progress=True`` forces it (on any
stream), ``progress=False`` silences it. The environment variable ``THERMOCYCLES_PROGRESS=0`` (or
``1``) overrides the default for a whole session, e.g. in batch jobs.

Without tqdm installed no bar is drawn, and nothing else changes.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import Any

from .errors import ParameterError

#: seconds an operation runs before its bar appears (short operations stay silent)
DELAY = 0.5


def wanted(progress: Any, where: str = "progress") -> bool:
    """Whether to draw a bar, from a ``progress=`` argument (None, True or False).

    Examples
    --------
    >>> wanted(False)
    False
    """
    if progress is not None and not isinstance(progress, bool):
        raise ParameterError(f"{where} must be True, False or None (automatic); got {progress!r}")
    if progress is not None:
        return progress
    env = os.environ.get("THERMOCYCLES_PROGRESS", "").strip().lower()
    if env in ("0", "false", "no", "off"):
        return False
    if env in ("1", "true", "yes", "on"):
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


class ProgressBar:
    """A context manager with ``update(n)``: a tqdm bar, or nothing when off or tqdm is missing.

    Parameters
    ----------
    total : int
        Number of items (points, starts, ...).
    desc : str
        What is being done, shown before the bar.
    progress : bool or None
        See the module docstring.
    unit : str
        Name of one item.

    Examples
    --------
    >>> with ProgressBar(3, "demo", progress=False) as bar:
    ...     for _ in range(3):
    ...         bar.update(1)
    >>> bar.count
    3
    """

    def __init__(self, total: int, desc: str, progress: Any = None, unit: str = "point"):
        self.count = 0
        self._bar: Any = None
        if wanted(progress) and total > 0:
            try:
                from tqdm.auto import tqdm  # noqa: PLC0415 (optional, and slow to import)
            except ImportError:
                return
            forced = progress is True
            self._bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False,
                             delay=0.0 if forced else DELAY, dynamic_ncols=True)

    def update(self, n: int = 1) -> None:
        """Record ``n`` more items done."""
        self.count += n
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        """Remove the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


__all__ = ["DELAY", "ProgressBar", "wanted"]
