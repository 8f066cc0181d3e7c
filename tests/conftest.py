"""Shared test configuration: the hypothesis profiles of the suite.

Normal runs keep each property's own ``max_examples`` (20-80: the suite stays fast). For an
occasional deep run set ``THERMOCYCLES_DEEP`` to the number of examples every property should
run::

    THERMOCYCLES_DEEP=20000 nice pytest -q tests/test_invariants.py -p no:cacheprovider

Then every hypothesis test of the suite, whatever its decorator says (``@settings(max_examples=80)``,
a module-level ``SETTINGS`` object, an environment variable of its own), runs that many examples
with no deadline: :func:`pytest_collection_modifyitems` replaces the settings of every collected
``@given`` test (the one place every property goes through, so a property added later is covered
without any change). ``examples(n)`` gives the count a property should use when it is needed
outside a decorator.

``THERMOCYCLES_HYPOTHESIS_EXAMPLES`` (read by test_quantum_core.py and
test_reversibility_precision.py for their own counts) is older and still works for those files;
``THERMOCYCLES_DEEP`` overrides it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings


def _deep_examples() -> int:
    text = os.environ.get("THERMOCYCLES_DEEP", "").strip()
    if not text:
        return 0
    try:
        value = int(float(text))
    except ValueError:
        raise pytest.UsageError(f"THERMOCYCLES_DEEP must be a number of examples; got {text!r}") from None
    if value < 1:
        raise pytest.UsageError(f"THERMOCYCLES_DEEP must be at least 1; got {text!r}")
    return value


#: examples per property in a deep run (0: a normal run)
DEEP = _deep_examples()

DEEP_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]

# the profile for tests that give no count of their own; the hook below covers those that do
settings.register_profile("deep", max_examples=max(DEEP, 1), deadline=None,
                          suppress_health_check=DEEP_HEALTH)
if DEEP:
    settings.load_profile("deep")


def examples(n: int) -> int:
    """The number of examples of a property that normally runs ``n``: ``n``, or THERMOCYCLES_DEEP."""
    return DEEP or n


def deepen(functions: Iterable[Any], max_examples: int) -> int:
    """Give every hypothesis test among ``functions`` ``max_examples`` examples and no deadline.

    Returns how many tests were changed. Hypothesis reads a test's settings from the attribute
    ``_hypothesis_internal_use_settings`` of the wrapped test each time it is called.
    """
    changed = 0
    seen: set[int] = set()
    for fn in functions:
        if id(fn) in seen or not hasattr(fn, "hypothesis"):
            continue
        seen.add(id(fn))
        current = getattr(fn, "_hypothesis_internal_use_settings", None)
        if current is None:  # pragma: no cover - hypothesis changed its internals: fail loudly
            raise RuntimeError(f"cannot set the examples of {fn.__qualname__}: hypothesis internals changed")
        health = sorted(set(current.suppress_health_check) | set(DEEP_HEALTH), key=lambda h: h.value)
        fn._hypothesis_internal_use_settings = settings(current, max_examples=max_examples, deadline=None,
                                                        suppress_health_check=health)
        changed += 1
    return changed


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if DEEP:
        deepen((getattr(item, "obj", None) for item in items), DEEP)


def pytest_report_header(config: pytest.Config) -> str | None:
    if DEEP:
        return f"hypothesis: deep run, {DEEP} examples per property (THERMOCYCLES_DEEP), no deadline"
    return None
