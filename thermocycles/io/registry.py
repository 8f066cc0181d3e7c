"""Which names a cycle file may use for component types and functions.

A file names each component by its type (``type = "Isochore"``) and each user function (a bath law,
a schedule, a level function) by a registered name (``{function = "my_law"}``). Loading looks the
names up here and nowhere else: it never imports a module or evaluates code named in a file.

* Built-in components are registered under their class names, built-in functions under
  ``"<module>.<name>"`` (``"schedules.cosine"``, ``"laws.tanh"``).
* User components and functions register with :func:`register_type` and :func:`register_function`
  (both work as decorators).
* An installed package can register its types and functions through the entry-point group
  ``thermocycles.types``: each entry point's name is the name used in files, its object a class or
  a function. These are loaded lazily, only when a name is not found otherwise.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any, Callable, TypeVar, overload

import attrs

from ..errors import ParameterError
from ..spec.laws import BathLaw, bosonic_law, fermionic_law, tanh_law
from ..spec.reservoirs import Reservoir
from ..spec.strokes import Isochore, Isotherm, QuantumAdiabat, Stroke, Thermalization, UnitaryStroke, schedules
from ..spec.substances import (
    HarmonicOscillator,
    MatrixSubstance,
    NLevel,
    Qubit,
    Spin,
    Substance,
    TwoLevelSubstance,
)

#: the entry-point group installed packages use to register types and functions
ENTRY_POINT_GROUP = "thermocycles.types"

T = TypeVar("T")

_TYPES: dict[str, type] = {}
_TYPE_NAMES: dict[type, str] = {}
_FUNCTIONS: dict[str, Callable[..., Any]] = {}
_FUNCTION_NAMES: dict[int, str] = {}  # id(function) -> name (functions need not be hashable)
_ENTRY_POINTS_SEEN: set[str] = set()


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name or name != name.strip() or any(c in name for c in '"\\\n'):
        raise ParameterError(f"{what}: a registered name must be a non-empty string without quotes, backslashes or "
                             f"surrounding spaces (e.g. 'my_package.MyStroke'); got {name!r}")
    return name


def _add_type(cls: type, name: str) -> type:
    if not (isinstance(cls, type) and attrs.has(cls) and issubclass(cls, (Substance, Stroke, Reservoir))):
        raise ParameterError(f"register_type: {cls!r} must be an attrs class deriving from Substance, Stroke or "
                             f"Reservoir (or pass a function, which is registered with register_function)")
    name = _check_name(name, "register_type")
    known = _TYPES.get(name)
    if known is not None and known is not cls:
        raise ParameterError(f"register_type: the name {name!r} is already registered for {known.__module__}."
                             f"{known.__qualname__}; give {cls.__qualname__} another one with "
                             f"register_type(name='...')")
    _TYPES[name] = cls
    _TYPE_NAMES.setdefault(cls, name)
    return cls


def _add_function(function: Callable[..., Any], name: str | None) -> Callable[..., Any]:
    if not callable(function) or isinstance(function, type):
        raise ParameterError(f"register_function: {function!r} must be a function")
    if name is None:
        name = getattr(function, "__name__", "")
        if not name or name == "<lambda>":
            raise ParameterError(f"register_function: {function!r} has no usable name; pass one: "
                                 f"register_function(fn, name='my_law')")
    name = _check_name(name, "register_function")
    known = _FUNCTIONS.get(name)
    if known is not None and known is not function:
        raise ParameterError(f"register_function: the name {name!r} is already registered for another function "
                             f"({known!r}); choose another name")
    _FUNCTIONS[name] = function
    _FUNCTION_NAMES.setdefault(id(function), name)
    return function


@overload
def register_type(cls: T, *, name: str | None = None) -> T: ...
@overload
def register_type(cls: None = None, *, name: str | None = None) -> Callable[[T], T]: ...


def register_type(cls: Any = None, *, name: str | None = None) -> Any:
    """Register a user component class (or a function) so that cycle files can name it.

    Works as a decorator, with or without a name: ``@register_type`` (the file says
    ``type = "ClassName"``) or ``@register_type(name="my_package.MyStroke")``. The class must be an
    attrs class deriving from :class:`~thermocycles.Substance`, :class:`~thermocycles.Stroke` or
    :class:`~thermocycles.Reservoir`, whose numeric fields are value fields and whose other fields
    hold str, int, float, bool, None or a Reservoir. A function passed here is registered with
    :func:`register_function`. Registering the same object twice under one name is harmless; a name
    already taken by another object is an error.

    Parameters
    ----------
    cls : type or callable, optional
        The class (or function); omitted when used as ``@register_type(name=...)``.
    name : str, optional
        The name files use (default: the class's ``__name__``).

    Returns
    -------
    The class (or function), unchanged.

    Examples
    --------
    >>> import attrs
    >>> import thermocycles as tc
    >>> from thermocycles.io import register_type
    >>> @register_type(name="doc.Quench")
    ... @attrs.frozen(kw_only=True)
    ... class Quench(tc.QuantumAdiabat):
    ...     '''An ideal adiabat under another name.'''
    >>> from thermocycles.io.registry import type_name
    >>> type_name(Quench)
    'doc.Quench'
    """
    def register(obj: Any) -> Any:
        if not isinstance(obj, type) and callable(obj):
            return _add_function(obj, name)
        return _add_type(obj, name if name is not None else getattr(obj, "__name__", ""))

    return register if cls is None else register(cls)


def register_function(function: Any = None, *, name: str | None = None) -> Any:
    """Register a function (a bath law ``k(omega, beta, gamma)``, a schedule ``s(x)``, an NLevel level
    function ``w -> energies``) so that cycle files can refer to it by name (``{function = "name"}``).

    Works as a decorator (``@register_function`` or ``@register_function(name="my.law")``) or as a
    call ``register_function(fn, name="my.law")``. Define registered functions at module level if
    cycles using them must pickle (process pools, clusters).

    Examples
    --------
    >>> import numpy as np
    >>> from thermocycles.io import register_function
    >>> @register_function(name="doc.smoothstep")
    ... def smoothstep(x):
    ...     return 3 * np.asarray(x) ** 2 - 2 * np.asarray(x) ** 3
    >>> from thermocycles.io.registry import function_name
    >>> function_name(smoothstep)
    'doc.smoothstep'
    """
    def register(obj: Any) -> Any:
        return _add_function(obj, name)

    return register if function is None else register(function)


def type_name(cls: type) -> str | None:
    """The name a registered class is written under, or None."""
    return _TYPE_NAMES.get(cls)


def function_name(function: Any) -> str | None:
    """The name a registered function is written under, or None (same object only)."""
    name = _FUNCTION_NAMES.get(id(function))
    return name if name is not None and _FUNCTIONS.get(name) is function else None


def _entry_points() -> list[Any]:
    """The installed entry points of :data:`ENTRY_POINT_GROUP` (tests monkeypatch this)."""
    return list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))


def _from_entry_points(name: str) -> None:
    """Load the installed entry point called ``name`` (once), registering its class or function."""
    if name in _ENTRY_POINTS_SEEN:
        return
    _ENTRY_POINTS_SEEN.add(name)
    for entry in _entry_points():
        if entry.name != name:
            continue
        obj = entry.load()
        if isinstance(obj, type):
            _add_type(obj, name)
        else:
            _add_function(obj, name)


def lookup_type(name: str) -> type | None:
    """The class registered under ``name`` (trying installed entry points once), or None."""
    if name not in _TYPES:
        _from_entry_points(name)
    return _TYPES.get(name)


def lookup_function(name: str) -> Callable[..., Any] | None:
    """The function registered under ``name`` (trying installed entry points once), or None."""
    if name not in _FUNCTIONS:
        _from_entry_points(name)
    return _FUNCTIONS.get(name)


def known_types() -> list[str]:
    """Names of the registered types, sorted."""
    return sorted(_TYPES)


for _cls in (TwoLevelSubstance, Qubit, MatrixSubstance, NLevel, HarmonicOscillator, Spin, Reservoir, Isochore,
             QuantumAdiabat, UnitaryStroke, Isotherm, Thermalization):
    _add_type(_cls, _cls.__name__)
_TYPES["BathLaw"] = BathLaw  # a law given by a registered function (not a component: written by encode)
_BUILTIN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "laws.tanh": tanh_law, "laws.bosonic": bosonic_law, "laws.fermionic": fermionic_law,
    **{f"schedules.{key}": fn for key, fn in schedules.SCHEDULES.items()}}
for _name, _function in _BUILTIN_FUNCTIONS.items():
    _add_function(_function, _name)

__all__ = ["ENTRY_POINT_GROUP", "register_type", "register_function", "type_name", "function_name", "lookup_type",
           "lookup_function", "known_types"]
