"""Files and plain data: cycles saved as TOML or JSON text and loaded back, results as plain dicts.

* :func:`save`, :func:`load`, :func:`dumps`, :func:`loads` -- a cycle as a human-readable,
  hand-editable file (TOML by default, or JSON) with a schema version, the components by type,
  shared parameters by name and quantities as value and unit. Loading rebuilds an identical cycle
  and never imports or evaluates code named in the file (``docs/how_to/files.md``).
* :func:`register_type`, :func:`register_function` -- user components and functions (bath laws,
  schedules, level functions) get a name files can use; installed packages may register through the
  entry-point group ``thermocycles.types``.
* :func:`to_dict`, :func:`to_json` -- performance records and analysis results (and cycles) as
  plain JSON-ready dicts, quantities as ``{"value": ..., "unit": ...}``.

Errors are :class:`~thermocycles.errors.FileFormatError`, naming the place in the file.
"""

from ..errors import FileFormatError
from .cycle_files import dumps, load, loads, save
from .encode import SCHEMA_VERSION
from .registry import ENTRY_POINT_GROUP, register_function, register_type
from .results import to_dict, to_json

__all__ = ["ENTRY_POINT_GROUP", "FileFormatError", "SCHEMA_VERSION", "dumps", "load", "loads", "register_function",
           "register_type", "save", "to_dict", "to_json"]
