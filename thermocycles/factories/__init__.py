"""Ready-made cycles (factories that assemble components into a Cycle).

* Otto (:mod:`.otto`): the paper's :func:`quantum_otto_cycle` and :func:`quantum_otto_refrigerator`
  (two-level substance, closed form), and :func:`otto_cycle`, :func:`otto_engine`,
  :func:`otto_refrigerator` for any substance;
* Carnot-type (:mod:`.carnot`): hot isotherm, adiabat, cold isotherm, adiabat;
* Stirling-type (:mod:`.stirling`): hot isotherm, isochore, cold isotherm, isochore.

The ``*_engine`` and ``*_refrigerator`` factories evaluate the cycle once and refuse parameters that
do not run in their mode; the ``*_cycle`` factories build the cycle in any regime.
"""

from .carnot import carnot_cycle, carnot_engine, carnot_refrigerator
from .otto import otto_cycle, otto_engine, otto_refrigerator, quantum_otto_cycle, quantum_otto_refrigerator
from .stirling import stirling_cycle, stirling_engine, stirling_refrigerator

__all__ = ["quantum_otto_cycle", "quantum_otto_refrigerator", "otto_cycle", "otto_engine", "otto_refrigerator",
           "carnot_cycle", "carnot_engine", "carnot_refrigerator", "stirling_cycle", "stirling_engine",
           "stirling_refrigerator"]
