"""Compare a program's printed output with a documented one (not a test module).

Used by test_readme.py (README.md: a ```python block followed by a ```text block
holding what it prints) and test_examples.py (an ``Expected output`` section in each example's
docstring).

The comparison is token by token: numbers (``-1.5e-3``, ``nan``, ``inf``) are compared numerically
to a relative tolerance, everything else exactly; runs of white space are irrelevant (numpy may
pad columns differently). A documented output may state its own tolerance on a line
``# rtol: 1e-4`` at its top (for numbers an optimiser or an adaptive integrator finds) and may
write ``...`` for a stretch of tokens that is not reproducible (a temporary path, a time); that
line is not part of the comparison.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: default relative tolerance of documented numbers
RTOL = 1e-6

_NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b"
_TOKEN = re.compile(rf"(?P<num>{_NUMBER})|(?P<ellipsis>\.\.\.)|(?P<text>[^\s\d.+-]+|[.+-])", re.I)
_RTOL_LINE = re.compile(r"^\s*#\s*rtol:\s*(\S+)\s*$", re.M)


def tokens(text: str) -> list[str | float]:
    """Numbers as floats, ``...`` as the string '...', the rest as text tokens (white space dropped)."""
    out: list[str | float] = []
    for match in _TOKEN.finditer(text):
        if match["num"] is not None:
            out.append(float(match["num"]))
        elif match["ellipsis"] is not None:
            out.append("...")
        else:
            # glue runs of text characters that the number pattern split (e.g. "np.float" "64")
            if out and isinstance(out[-1], str) and out[-1] != "..." and _adjacent(text, match):
                out[-1] += match[0]
            else:
                out.append(match[0])
    return out


def _adjacent(text: str, match: re.Match[str]) -> bool:
    start = match.start()
    return start > 0 and not text[start - 1].isspace() and not text[start - 1].isdigit()


def stated_rtol(expected: str) -> tuple[str, float]:
    """(the expected text without its ``# rtol:`` line, the tolerance stated there or RTOL)."""
    match = _RTOL_LINE.search(expected)
    if match is None:
        return expected, RTOL
    return expected[: match.start()] + expected[match.end():], float(match[1])


@dataclass
class Mismatch:
    index: int
    expected: object
    got: object

    def __str__(self) -> str:
        return f"token {self.index}: expected {self.expected!r}, got {self.got!r}"


def _same(a: str | float, b: str | float, rtol: float) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b or abs(a - b) <= rtol * max(abs(a), abs(b))
    return a == b


def compare(got: str, expected: str, rtol: float | None = None) -> list[Mismatch]:
    """Mismatches between printed output ``got`` and documented output ``expected`` (empty: equal).

    ``...`` in ``expected`` matches any (possibly empty) run of tokens.
    """
    expected, stated = stated_rtol(expected)
    rtol = stated if rtol is None else rtol
    want, have = tokens(expected), tokens(got)
    # dynamic programming over (expected position, actual position) with ... as a wildcard;
    # outputs are short (hundreds of tokens)
    n, m = len(want), len(have)
    reach = [[False] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = True
    for i in range(n + 1):
        for j in range(m + 1):
            if not reach[i][j] or i == n:
                continue
            if want[i] == "...":
                for k in range(j, m + 1):
                    reach[i + 1][k] = True
            elif j < m and _same(want[i], have[j], rtol):
                reach[i + 1][j + 1] = True
    if reach[n][m]:
        return []
    # report the first place where a plain walk diverges
    for index, (a, b) in enumerate(zip(want, have)):
        if a == "...":
            break
        if not _same(a, b, rtol):
            return [Mismatch(index, a, b)]
    if "..." not in want and n != m:
        return [Mismatch(min(n, m), want[m] if m < n else "<end>", have[n] if n < m else "<end>")]
    return [Mismatch(-1, expected.strip()[:200], got.strip()[:200])]


def assert_output(got: str, expected: str, where: str, rtol: float | None = None) -> None:
    """Raise AssertionError naming ``where`` and the first mismatch."""
    problems = compare(got, expected, rtol)
    if problems:
        raise AssertionError(f"{where}: the printed output differs from the documented one: {problems[0]}\n"
                             f"--- printed ---\n{got}--- documented ---\n{expected}")
