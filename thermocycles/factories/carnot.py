"""Carnot-type cycles: hot isotherm, adiabat, cold isotherm, adiabat (docs/explanation/physics.md, section 8).

Strokes, in order, and the parameters they name:

1. ``h`` -- isotherm in contact with the hot reservoir ``h`` (``T_h``, ``gamma_h``) while the control
   ramps from ``w_1`` to ``w_2`` in ``tau_h``;
2. ``hc`` -- isolated stroke from ``w_2`` to ``w_3`` in ``tau_hc``;
3. ``c`` -- isotherm with the cold reservoir ``c`` (``T_c``, ``gamma_c``) from ``w_3`` to ``w_4`` in
   ``tau_c``;
4. ``ch`` -- isolated stroke from ``w_4`` back to ``w_1`` in ``tau_ch``.

By default ``w_3 = w_2 T_c/T_h`` and ``w_4 = w_1 T_c/T_h``. For a substance whose levels scale
uniformly with the control (the two-level substance: levels ``w``, ``2 w``) an ideal adiabat keeps
the populations, and these are exactly the control values where a Gibbs state at ``T_h`` is a Gibbs
state at ``T_c``: the ends of the adiabats then match equilibrium, and as the isotherms slow down the
cycle becomes reversible, with efficiency ``eta_C = 1 - T_c/T_h`` (engine) or COP
``eps_C = T_c/(T_h - T_c)`` (refrigerator); at finite durations they fall short by ``~ Sigma / tau``
(the low-dissipation regime). ``w_3`` and ``w_4`` are then parameters of their own: they do not follow
later changes of the temperatures or of ``w_1, w_2`` (give them explicitly to choose otherwise).

For the two-level substance the cycle runs as an engine when the hot isotherm lowers the gap
(``w_1 > w_2``: the substance takes up entropy from the hot reservoir) and as a refrigerator when it
raises it (``w_1 < w_2``), provided the isotherms are slow enough; fast ones turn it into an
accelerator or a heater. Natural units as for the Otto factories (:mod:`thermocycles.factories.otto`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.modes import Mode
from ..spec.cycle import Cycle
from ..spec.strokes.isotherm import Isotherm
from ..spec.substances import Substance, TwoLevelSubstance
from ..spec.values import Parameter, check_broadcast, natural_value, value_shape
from ._shared import adiabat as _adiabat
from ._shared import check_ramp, require_mode, reservoirs, substance_or_default


def carnot_cycle(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
                 w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, w_3: Any = None, w_4: Any = None,
                 tau_hc: Any = 0.0, tau_ch: Any = 0.0, law: Any = "tanh", adiabat: str = "ideal",
                 schedule: Any = "linear") -> Cycle:
    """A Carnot-type cycle (hot isotherm, adiabat, cold isotherm, adiabat) in any operating regime.

    Parameters
    ----------
    substance : Substance, optional
        The working substance (default: the paper's ``TwoLevelSubstance()``).
    T_c, T_h : float, ndarray or Quantity
        Temperatures of the cold and hot reservoirs (natural units: ``k_B T``); ``T_h > T_c``.
    gamma_c, gamma_h : float, ndarray or Quantity
        Coupling rates of the reservoirs (natural units: energy / hbar).
    w_1, w_2 : float, ndarray or Quantity
        Control values at the start and end of the hot isotherm (``w_1 != w_2``).
    tau_h, tau_c : float, ndarray or Quantity
        Durations of the hot and cold isotherms (natural units: hbar / energy).
    w_3, w_4 : float, ndarray or Quantity, optional
        Control values at the start and end of the cold isotherm (``w_3 != w_4``); by default
        ``w_2 T_c/T_h`` and ``w_1 T_c/T_h`` (see the module docstring).
    tau_hc, tau_ch : float, ndarray or Quantity
        Durations of the isolated strokes ``w_2 -> w_3`` and ``w_4 -> w_1`` (default 0).
    law : {"tanh", "bosonic", "fermionic"}, callable or BathLaw
        Bath law of both reservoirs.
    adiabat : {"ideal", "unitary"}
        Ideal adiabatic following, or the finite-time unitary ramp.
    schedule : {"linear", "cosine"} or callable
        How the control moves along the isotherms (and the unitary ramps).

    Returns
    -------
    Cycle
        Parameters ``T_h, gamma_h, T_c, gamma_c, w_1, w_2, w_3, w_4, tau_h, tau_hc, tau_c, tau_ch``
        (after the substance's own).

    Raises
    ------
    ParameterError
        If ``T_h <= T_c`` or an isotherm starts where it ends.

    Examples
    --------
    >>> cycle = carnot_cycle(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0,
    ...     tau_h=20.0, tau_c=20.0)
    >>> cycle.parameters["w_3"], cycle.parameters["w_4"]  # w_2 T_c/T_h and w_1 T_c/T_h
    (1.0, 2.0)
    >>> str(cycle.performance().mode)
    'engine'
    """
    return _build("carnot_cycle", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_1=w_1,
                  w_2=w_2, tau_h=tau_h, tau_c=tau_c, w_3=w_3, w_4=w_4, tau_hc=tau_hc, tau_ch=tau_ch, law=law,
                  adiabat=adiabat, schedule=schedule)


def _build(factory: str, substance: Substance | None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
           w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, w_3: Any, w_4: Any, tau_hc: Any, tau_ch: Any,
           law: Any, adiabat: str, schedule: Any) -> Cycle:
    substance = substance_or_default(factory, substance)
    cold, hot, theta = reservoirs(factory, T_c, T_h, gamma_c, gamma_h, law)
    w_3 = _scaled(factory, "w_2", w_2, theta) if w_3 is None else w_3
    w_4 = _scaled(factory, "w_1", w_1, theta) if w_4 is None else w_4
    w1, w2, w3, w4 = (Parameter(f"w_{k}", w) for k, w in enumerate((w_1, w_2, w_3, w_4), start=1))
    cycle = Cycle(substance=substance, strokes=[
        Isotherm(name="h", reservoir=hot, start=w1, end=w2, duration=tau_h, schedule=schedule),
        _adiabat(factory, adiabat, schedule, name="hc", start=w2, end=w3, duration=tau_hc),
        Isotherm(name="c", reservoir=cold, start=w3, end=w4, duration=tau_c, schedule=schedule),
        _adiabat(factory, adiabat, schedule, name="ch", start=w4, end=w1, duration=tau_ch),
    ])
    check_ramp(factory, cycle, "w_1", "w_2", "the hot isotherm")
    check_ramp(factory, cycle, "w_3", "w_4", "the cold isotherm")
    return cycle


def carnot_engine(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
                  w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, w_3: Any = None, w_4: Any = None,
                  tau_hc: Any = 0.0, tau_ch: Any = 0.0, law: Any = "tanh", adiabat: str = "ideal",
                  schedule: Any = "linear") -> Cycle:
    """A Carnot-type cycle (:func:`carnot_cycle`), checked to run as an engine.

    Same arguments and parameters as :func:`carnot_cycle`; the cycle is evaluated once and a
    ParameterError names the condition if it does not deliver work with heat drawn from the hot
    reservoir at every parameter point. With the two-level substance, choose ``w_1 > w_2`` and
    isotherms slow enough (a few ``1/gamma``); the efficiency then approaches ``1 - T_c/T_h`` as the
    isotherms slow down.

    Examples
    --------
    >>> perf = carnot_engine(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0,
    ...     tau_h=100.0, tau_c=100.0).performance()
    >>> 0.49 < float(perf.efficiency) < 0.5  # eta_C = 0.5, approached as ~ Sigma / tau
    True
    """
    cycle = _build("carnot_engine", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_1=w_1,
                   w_2=w_2, tau_h=tau_h, tau_c=tau_c, w_3=w_3, w_4=w_4, tau_hc=tau_hc, tau_ch=tau_ch, law=law,
                   adiabat=adiabat, schedule=schedule)
    hint = _hint("w_1 > w_2") if type(cycle.substance) is TwoLevelSubstance else None
    return require_mode("carnot_engine", cycle, Mode.ENGINE, "carnot_cycle", hint)


def carnot_refrigerator(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any,
                        gamma_h: Any, w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, w_3: Any = None,
                        w_4: Any = None, tau_hc: Any = 0.0, tau_ch: Any = 0.0, law: Any = "tanh",
                        adiabat: str = "ideal", schedule: Any = "linear") -> Cycle:
    """A Carnot-type cycle (:func:`carnot_cycle`), checked to run as a refrigerator.

    Same arguments and parameters as :func:`carnot_cycle`; the cycle is evaluated once and a
    ParameterError names the condition if it does not draw heat from the cold reservoir with work
    done on the substance at every parameter point. With the two-level substance, choose
    ``w_1 < w_2`` and isotherms slow enough; the COP then approaches ``T_c/(T_h - T_c)``.

    Examples
    --------
    >>> perf = carnot_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_1=2.0, w_2=4.0,
    ...     tau_h=100.0, tau_c=100.0).performance()
    >>> 0.95 < float(perf.cop) < 1.0  # eps_C = 1
    True
    """
    cycle = _build("carnot_refrigerator", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h,
                   w_1=w_1, w_2=w_2, tau_h=tau_h, tau_c=tau_c, w_3=w_3, w_4=w_4, tau_hc=tau_hc, tau_ch=tau_ch,
                   law=law, adiabat=adiabat, schedule=schedule)
    hint = _hint("w_1 < w_2") if type(cycle.substance) is TwoLevelSubstance else None
    return require_mode("carnot_refrigerator", cycle, Mode.REFRIGERATOR, "carnot_cycle", hint)


def _scaled(factory: str, name: str, w: Any, theta: Any) -> Any:
    """``w T_c/T_h`` (a quantity keeps its unit; a list becomes an array); ``w`` is checked first
    (a number, finite, not empty, broadcasting with the temperatures), so that the product cannot
    fail inside numpy."""
    natural = natural_value(w, None, f"{factory}: {name}")
    check_broadcast(factory, {"T_c/T_h": np.shape(theta), name: value_shape(natural)})
    if isinstance(w, (list, tuple)):
        w = np.asarray(w, dtype=float)
    return w * theta


def _hint(condition: str) -> Any:
    def hint(point: dict[str, float]) -> str:
        return (f"With two levels this needs {condition} (here w_1 = {point['w_1']:.4g}, w_2 = {point['w_2']:.4g}) "
                f"and slow isotherms (gamma_h tau_h = {point['gamma_h'] * point['tau_h']:.4g}, gamma_c tau_c = "
                f"{point['gamma_c'] * point['tau_c']:.4g}).")
    return hint


__all__ = ["carnot_cycle", "carnot_engine", "carnot_refrigerator"]
