"""The specification layer: frozen, validated descriptions of reservoirs, substances, strokes and
cycles, with their named parameters and units. Nothing here computes dynamics; a
:class:`~thermocycles.Cycle` compiles lazily to the unit-free model of :mod:`thermocycles.core`."""
