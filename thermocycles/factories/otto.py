"""The finite-time quantum Otto cycle with a two-level working substance (the flagship)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ParameterError
from ..spec.cycle import Cycle
from ..spec.reservoirs import Reservoir
from ..spec.strokes import Isochore, QuantumAdiabat
from ..spec.substances import TwoLevelSubstance
from ..spec.values import Parameter


def quantum_otto_cycle(*, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any, w_a: Any, w_b: Any,
                       tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any) -> Cycle:
    """The four-stroke Otto cycle of the paper, in any operating regime.

    Strokes, in order: isochore ``c`` (frequency ``w_a``, cold reservoir ``c``, time ``tau_c``),
    adiabat ``ch`` (``w_a -> w_b``, ``tau_ch``), isochore ``h`` (``w_b``, reservoir ``h``,
    ``tau_h``), adiabat ``hc`` (``w_b -> w_a``, ``tau_hc``). The parameters are named exactly as the
    keyword arguments. Any argument may be an array (results broadcast) or a pint quantity
    (then all must be).

    Returns
    -------
    Cycle
    """
    cold = Reservoir(name="c", temperature=T_c, coupling=gamma_c)
    hot = Reservoir(name="h", temperature=T_h, coupling=gamma_h)
    wa, wb = Parameter("w_a", w_a), Parameter("w_b", w_b)
    return Cycle(
        substance=TwoLevelSubstance(),
        strokes=[
            Isochore(name="c", reservoir=cold, control=wa, duration=tau_c),
            QuantumAdiabat(name="ch", start=wa, end=wb, duration=tau_ch),
            Isochore(name="h", reservoir=hot, control=wb, duration=tau_h),
            QuantumAdiabat(name="hc", start=wb, end=wa, duration=tau_hc),
        ],
    )


def quantum_otto_refrigerator(*, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any, w_a: Any,
                              w_b: Any, tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any) -> Cycle:
    """The paper's finite-time quantum Otto refrigerator (two-level working substance).

    Parameters
    ----------
    T_c, T_h : float, ndarray or Quantity
        Temperatures of the cold and hot reservoirs (``T_h > T_c``).
    gamma_c, gamma_h : float, ndarray or Quantity
        Coupling rates to the reservoirs (the excited population relaxes at ``2 gamma``).
    w_a, w_b : float, ndarray or Quantity
        Frequencies (level gaps) on the cold and hot isochores; levels are ``w`` and ``2 w``.
        The device cools when ``w_b / w_a > T_h / T_c``; otherwise the same cycle runs as an engine.
    tau_c, tau_h : float, ndarray or Quantity
        Contact times on the cold and hot isochores.
    tau_ch, tau_hc : float, ndarray or Quantity
        Durations of the compression (``w_a -> w_b``) and expansion (``w_b -> w_a``) adiabats.

    Returns
    -------
    Cycle
        A cycle with parameters ``T_c, gamma_c, T_h, gamma_h, w_a, w_b, tau_c, tau_ch, tau_h,
        tau_hc``.

    Examples
    --------
    >>> import thermocycles as tc
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
    ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> perf = fridge.performance()
    >>> str(perf.mode), round(float(perf.cop), 6)
    ('refrigerator', 0.5)
    """
    cycle = quantum_otto_cycle(T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_a=w_a,
                               w_b=w_b, tau_c=tau_c, tau_h=tau_h, tau_ch=tau_ch, tau_hc=tau_hc)
    t_c, t_h = np.broadcast_arrays(cycle.model.defaults["T_c"], cycle.model.defaults["T_h"])
    bad = t_h <= t_c
    if bad.any():
        at = f" at element {tuple(int(i) for i in np.argwhere(bad)[0])}" if bad.ndim else ""
        raise ParameterError(
            f"quantum_otto_refrigerator: T_h must be greater than T_c (a refrigerator pumps heat "
            f"from the colder reservoir into the hotter one); got T_c={T_c!r}, T_h={T_h!r}{at}"
        )
    return cycle
