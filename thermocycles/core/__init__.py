"""The unit-free core: linear maps on state vectors, the periodic-state solve, the compiled model,
and the performance record. Nothing here knows about units or about a particular backend."""
