"""Otto cycles: the paper's flagship with a two-level substance, and the Otto family for any substance.

* :func:`quantum_otto_cycle`, :func:`quantum_otto_refrigerator` -- the paper's cycle (two levels,
  tanh law, ideal adiabats), evaluated by its closed form;
* :func:`otto_cycle`, :func:`otto_engine`, :func:`otto_refrigerator` -- the same four strokes for
  any substance, bath law and kind of adiabat.

Natural units (hbar = k_B = 1) for plain numbers, or pint quantities throughout: temperatures are
energies ``k_B T``, coupling rates ``gamma`` are rates (energy / hbar), control values ``w_a, w_b``
are whatever the substance's control is (for the two-level substance the gap ``hbar w``, levels
``w`` and ``2 w``), durations are in units of ``hbar / energy``.

The refrigerator and engine factories evaluate the cycle once when they build it and refuse
parameters that do not run in their mode (a ParameterError naming the condition); the ``*_cycle``
factories build the cycle in any regime. The Performance record of any cycle says which mode it runs
in (``perf.mode``), and figures of another mode are NaN (``perf.why_nan(...)`` says why).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.modes import Mode
from ..errors import ParameterError, brief
from ..spec.cycle import Cycle
from ..spec.reservoirs import Reservoir
from ..spec.strokes import Isochore, QuantumAdiabat
from ..spec.substances import Substance, TwoLevelSubstance
from ..spec.values import Parameter
from ._shared import adiabat as _adiabat
from ._shared import require_mode, reservoirs, substance_or_default


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
        The device cools when ``w_b / w_a > T_h / T_c``; otherwise the same cycle runs as an engine
        (or, for ``w_b < w_a``, an accelerator), which this factory refuses: build it with
        :func:`quantum_otto_cycle`.
    tau_c, tau_h : float, ndarray or Quantity
        Contact times on the cold and hot isochores.
    tau_ch, tau_hc : float, ndarray or Quantity
        Durations of the compression (``w_a -> w_b``) and expansion (``w_b -> w_a``) adiabats.

    Returns
    -------
    Cycle
        A cycle with parameters ``T_c, gamma_c, T_h, gamma_h, w_a, w_b, tau_c, tau_ch, tau_h,
        tau_hc``.

    Raises
    ------
    ParameterError
        If ``T_h <= T_c``, or if the cycle does not refrigerate (``w_b / w_a <= T_h / T_c``) at
        some parameter point: :func:`quantum_otto_cycle` builds it in any regime.

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
            f"from the colder reservoir into the hotter one); got T_c={brief(T_c, 50)}, T_h={brief(T_h, 50)}{at}"
        )
    return require_mode("quantum_otto_refrigerator", cycle, Mode.REFRIGERATOR, "quantum_otto_cycle",
                        _two_level_refrigerates)


def _ratios(point: dict[str, float]) -> str:
    return f"here w_b/w_a = {point['w_b'] / point['w_a']:.6g} and T_h/T_c = {point['T_h'] / point['T_c']:.6g}."


def _two_level_refrigerates(point: dict[str, float]) -> str:
    return ("As a refrigerator needs q_c > 0 and work > 0, the two-level Otto cycle refrigerates exactly when "
            "w_b/w_a > T_h/T_c; " + _ratios(point))


def _two_level_engine(point: dict[str, float]) -> str:
    return "The two-level Otto cycle runs as an engine exactly when 1 < w_b/w_a < T_h/T_c; " + _ratios(point)


def otto_cycle(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
               w_a: Any, w_b: Any, tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any, law: Any = "tanh",
               adiabat: str = "ideal", schedule: Any = "linear") -> Cycle:
    """The four-stroke Otto cycle for any substance, in any operating regime.

    Strokes, in order (as :func:`quantum_otto_cycle`): isochore ``c`` at ``w_a`` in contact with the
    cold reservoir ``c`` for ``tau_c``; isolated stroke ``ch`` from ``w_a`` to ``w_b`` in ``tau_ch``;
    isochore ``h`` at ``w_b`` with the hot reservoir ``h`` for ``tau_h``; isolated stroke ``hc``
    back to ``w_a`` in ``tau_hc``. With the defaults (two-level substance, tanh law, ideal adiabats)
    it is :func:`quantum_otto_cycle`, with the same parameters, closed form and numbers.

    Parameters
    ----------
    substance : Substance, optional
        The working substance (default: the paper's ``TwoLevelSubstance()``). Its own numeric
        fields become parameters of the cycle too.
    T_c, T_h : float, ndarray or Quantity
        Temperatures of the cold and hot reservoirs (natural units: energies ``k_B T``);
        ``T_h > T_c``.
    gamma_c, gamma_h : float, ndarray or Quantity
        Coupling rates (natural units: energy / hbar). With the tanh law a two-level system relaxes
        at ``2 gamma``.
    w_a, w_b : float, ndarray or Quantity
        The substance's control value on the cold and on the hot isochore (for the two-level
        substance the gap: levels ``w`` and ``2 w``).
    tau_c, tau_h : float, ndarray or Quantity
        Contact times (natural units: hbar / energy).
    tau_ch, tau_hc : float, ndarray or Quantity
        Durations of the isolated strokes ``w_a -> w_b`` and ``w_b -> w_a``.
    law : {"tanh", "bosonic", "fermionic"}, callable or BathLaw
        Bath law of both reservoirs.
    adiabat : {"ideal", "unitary"}
        ``"ideal"``: ideal adiabatic following (:class:`~thermocycles.QuantumAdiabat`; its duration
        only adds to the cycle time); ``"unitary"``: the finite-time unitary ramp
        (:class:`~thermocycles.UnitaryStroke`), which creates coherence (quantum friction) when the
        substance's Hamiltonians do not commute.
    schedule : {"linear", "cosine"} or callable
        Schedule of the unitary ramps (``adiabat="unitary"`` only).

    Returns
    -------
    Cycle
        Parameters ``T_c, gamma_c, T_h, gamma_h, w_a, w_b, tau_c, tau_ch, tau_h, tau_hc`` (after
        the substance's own).

    Examples
    --------
    >>> import thermocycles as tc
    >>> engine = otto_cycle(tc.Qubit(transverse=0.3), T_c=1.0, T_h=4.0, gamma_c=1.0, gamma_h=1.0,
    ...     w_a=1.0, w_b=2.0, tau_c=1.0, tau_h=1.0, tau_ch=0.5, tau_hc=0.5, adiabat="unitary")
    >>> engine.parameter_names[:3]
    ('Delta', 'T_c', 'gamma_c')
    >>> perf = engine.performance()
    >>> str(perf.mode), perf.backend, float(perf.efficiency) < 1 - 1.0 / 4.0
    ('engine', 'density_matrix', True)
    """
    return _build("otto_cycle", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_a=w_a, w_b=w_b,
                  tau_c=tau_c, tau_h=tau_h, tau_ch=tau_ch, tau_hc=tau_hc, law=law, adiabat=adiabat,
                  schedule=schedule)


def _build(factory: str, substance: Substance | None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
           w_a: Any, w_b: Any, tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any, law: Any, adiabat: str,
           schedule: Any) -> Cycle:
    substance = substance_or_default(factory, substance)
    if isinstance(adiabat, str) and adiabat == "ideal" and not (isinstance(schedule, str) and schedule == "linear"):
        raise ParameterError(f"{factory}: schedule applies to adiabat='unitary' (an ideal adiabat has no "
                             f"schedule); got schedule={brief(schedule)} with adiabat='ideal'")
    cold, hot, _ = reservoirs(factory, T_c, T_h, gamma_c, gamma_h, law)
    wa, wb = Parameter("w_a", w_a), Parameter("w_b", w_b)
    return Cycle(substance=substance, strokes=[
        Isochore(name="c", reservoir=cold, control=wa, duration=tau_c),
        _adiabat(factory, adiabat, schedule, name="ch", start=wa, end=wb, duration=tau_ch),
        Isochore(name="h", reservoir=hot, control=wb, duration=tau_h),
        _adiabat(factory, adiabat, schedule, name="hc", start=wb, end=wa, duration=tau_hc),
    ])


def otto_refrigerator(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any,
                      gamma_h: Any, w_a: Any, w_b: Any, tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any,
                      law: Any = "tanh", adiabat: str = "ideal", schedule: Any = "linear") -> Cycle:
    """The Otto cycle of :func:`otto_cycle`, checked to run as a refrigerator.

    Same arguments and parameters as :func:`otto_cycle`. The cycle is evaluated once when it is
    built; a ParameterError says so if it does not refrigerate (heat drawn from the cold reservoir
    with work done on the substance) at every parameter point. For the two-level substance (levels
    that scale uniformly with ``w``) that is the condition ``w_b / w_a > T_h / T_c``.

    Examples
    --------
    >>> fridge = otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
    ...     tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> round(float(fridge.performance().cop), 12)  # w_a / (w_b - w_a)
    0.5
    >>> otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=1.5,
    ...     tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    Traceback (most recent call last):
    ...
    thermocycles.errors.ParameterError: otto_refrigerator: these parameters do not refrigerate: the cycle
    runs as an engine (...). As a refrigerator needs q_c > 0 and work > 0, the two-level Otto cycle refrigerates
    exactly when w_b/w_a > T_h/T_c; here
    w_b/w_a = 1.5 and T_h/T_c = 2. Use otto_cycle(...) for any regime.
    """
    cycle = _build("otto_refrigerator", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_a=w_a, w_b=w_b,
                   tau_c=tau_c, tau_h=tau_h, tau_ch=tau_ch, tau_hc=tau_hc, law=law, adiabat=adiabat,
                   schedule=schedule)
    hint = _two_level_refrigerates if type(cycle.substance) is TwoLevelSubstance else None
    return require_mode("otto_refrigerator", cycle, Mode.REFRIGERATOR, "otto_cycle", hint)


def otto_engine(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any,
                gamma_h: Any, w_a: Any, w_b: Any, tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any,
                law: Any = "tanh", adiabat: str = "ideal", schedule: Any = "linear") -> Cycle:
    """The Otto cycle of :func:`otto_cycle`, checked to run as an engine.

    Same arguments and parameters as :func:`otto_cycle`. The cycle is evaluated once when it is
    built; a ParameterError says so if it does not deliver work with heat drawn from the hot
    reservoir at every parameter point. For the two-level substance that is the condition
    ``1 < w_b / w_a < T_h / T_c``, and its efficiency is then ``1 - w_a / w_b``.

    Examples
    --------
    >>> engine = otto_engine(T_c=1.0, T_h=4.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=2.0,
    ...     tau_c=1.0, tau_h=1.0, tau_ch=0.1, tau_hc=0.1)
    >>> perf = engine.performance()
    >>> round(float(perf.efficiency), 12), perf.cop  # 1 - w_a/w_b; no COP for an engine
    (0.5, nan)
    >>> print(perf.why_nan("cop"))
    cop applies to a refrigerator (heat drawn from the cold reservoir with work done on the
    substance); this cycle runs as an engine
    """
    cycle = _build("otto_engine", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_a=w_a, w_b=w_b,
                   tau_c=tau_c, tau_h=tau_h, tau_ch=tau_ch, tau_hc=tau_hc, law=law, adiabat=adiabat,
                   schedule=schedule)
    hint = _two_level_engine if type(cycle.substance) is TwoLevelSubstance else None
    return require_mode("otto_engine", cycle, Mode.ENGINE, "otto_cycle", hint)


__all__ = ["quantum_otto_cycle", "quantum_otto_refrigerator", "otto_cycle", "otto_refrigerator", "otto_engine"]
