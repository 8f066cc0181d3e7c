"""Stirling-type cycles: hot isotherm, isochore, cold isotherm, isochore (the quantum Stirling cycle).

Strokes, in order, and the parameters they name:

1. ``h`` -- isotherm in contact with the hot reservoir ``h`` (``T_h``, ``gamma_h``) while the control
   ramps from ``w_1`` to ``w_2`` in ``tau_h``;
2. ``hc`` -- isochore at ``w_2`` in contact with the cold reservoir ``c`` for ``tau_hc`` (the
   reservoir of the next isotherm: the substance cools towards ``T_c`` at fixed control);
3. ``c`` -- isotherm with the cold reservoir from ``w_2`` back to ``w_1`` in ``tau_c``;
4. ``ch`` -- isochore at ``w_1`` in contact with the hot reservoir for ``tau_ch``.

There is no regenerator: the heat the isochores exchange goes to and from the reservoirs, so even
quasi-statically the cycle produces entropy on its isochores and stays below the Carnot bounds. For
the two-level substance it runs as an engine when the hot isotherm lowers the gap (``w_1 > w_2``)
and as a refrigerator when it raises it (``w_1 < w_2``), if the strokes are slow enough and, for the
refrigerator, the ramp is large enough: a small ``w_2/w_1`` leaves the heat the isochores carry
from the hot reservoir to the cold one dominant, and the cycle runs as a heater or an accelerator
(the refrigerator factory says so). Natural units as for the Otto factories
(:mod:`thermocycles.factories.otto`).
"""

from __future__ import annotations

from typing import Any

from ..core.modes import Mode
from ..spec.cycle import Cycle
from ..spec.strokes import Isochore
from ..spec.strokes.isotherm import Isotherm
from ..spec.substances import Substance, TwoLevelSubstance
from ..spec.values import Parameter
from ._shared import check_ramp, require_mode, reservoirs, substance_or_default


def stirling_cycle(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
                   w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, tau_hc: Any, tau_ch: Any, law: Any = "tanh",
                   schedule: Any = "linear") -> Cycle:
    """A Stirling-type cycle (hot isotherm, isochore, cold isotherm, isochore) in any regime.

    Parameters
    ----------
    substance : Substance, optional
        The working substance (default: the paper's ``TwoLevelSubstance()``).
    T_c, T_h : float, ndarray or Quantity
        Temperatures of the cold and hot reservoirs (natural units: ``k_B T``); ``T_h > T_c``.
    gamma_c, gamma_h : float, ndarray or Quantity
        Coupling rates of the reservoirs (natural units: energy / hbar).
    w_1, w_2 : float, ndarray or Quantity
        Control values: the hot isotherm ramps from ``w_1`` to ``w_2``, the cold one back
        (``w_1 != w_2``).
    tau_h, tau_c : float, ndarray or Quantity
        Durations of the hot and cold isotherms (natural units: hbar / energy).
    tau_hc, tau_ch : float, ndarray or Quantity
        Contact times of the isochores: at ``w_2`` with the cold reservoir, at ``w_1`` with the
        hot one.
    law : {"tanh", "bosonic", "fermionic"}, callable or BathLaw
        Bath law of both reservoirs.
    schedule : {"linear", "cosine"} or callable
        How the control moves along the isotherms.

    Returns
    -------
    Cycle
        Parameters ``T_h, gamma_h, T_c, gamma_c, w_1, w_2, tau_h, tau_hc, tau_c, tau_ch`` (after
        the substance's own).

    Raises
    ------
    ParameterError
        If ``T_h <= T_c`` or ``w_1 == w_2``.

    Examples
    --------
    >>> cycle = stirling_cycle(T_c=1.0, T_h=3.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0,
    ...     tau_h=10.0, tau_c=10.0, tau_hc=5.0, tau_ch=5.0)
    >>> cycle.parameter_names
    ('T_h', 'gamma_h', 'T_c', 'gamma_c', 'w_1', 'w_2', 'tau_h', 'tau_hc', 'tau_c', 'tau_ch')
    >>> str(cycle.performance().mode)
    'engine'
    """
    return _build("stirling_cycle", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_1=w_1,
                  w_2=w_2, tau_h=tau_h, tau_c=tau_c, tau_hc=tau_hc, tau_ch=tau_ch, law=law, schedule=schedule)


def _build(factory: str, substance: Substance | None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
           w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, tau_hc: Any, tau_ch: Any, law: Any,
           schedule: Any) -> Cycle:
    substance = substance_or_default(factory, substance)
    cold, hot, _ = reservoirs(factory, T_c, T_h, gamma_c, gamma_h, law)
    w1, w2 = Parameter("w_1", w_1), Parameter("w_2", w_2)
    cycle = Cycle(substance=substance, strokes=[
        Isotherm(name="h", reservoir=hot, start=w1, end=w2, duration=tau_h, schedule=schedule),
        Isochore(name="hc", reservoir=cold, control=w2, duration=tau_hc),
        Isotherm(name="c", reservoir=cold, start=w2, end=w1, duration=tau_c, schedule=schedule),
        Isochore(name="ch", reservoir=hot, control=w1, duration=tau_ch),
    ])
    check_ramp(factory, cycle, "w_1", "w_2", "each isotherm")
    return cycle


def stirling_engine(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any,
                    w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, tau_hc: Any, tau_ch: Any, law: Any = "tanh",
                    schedule: Any = "linear") -> Cycle:
    """A Stirling-type cycle (:func:`stirling_cycle`), checked to run as an engine.

    Same arguments and parameters as :func:`stirling_cycle`; the cycle is evaluated once and a
    ParameterError names the condition if it does not deliver work with heat drawn from the hot
    reservoir at every parameter point (two levels: ``w_1 > w_2``, strokes slow enough). Without a
    regenerator its efficiency stays below ``1 - T_c/T_h`` however slow the strokes.

    Examples
    --------
    >>> perf = stirling_engine(T_c=1.0, T_h=3.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0,
    ...     tau_h=10.0, tau_c=10.0, tau_hc=5.0, tau_ch=5.0).performance()
    >>> 0 < float(perf.efficiency) < 1 - 1.0 / 3.0
    True
    """
    cycle = _build("stirling_engine", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_1=w_1,
                   w_2=w_2, tau_h=tau_h, tau_c=tau_c, tau_hc=tau_hc, tau_ch=tau_ch, law=law, schedule=schedule)
    hint = _hint("w_1 > w_2") if type(cycle.substance) is TwoLevelSubstance else None
    return require_mode("stirling_engine", cycle, Mode.ENGINE, "stirling_cycle", hint)


def stirling_refrigerator(substance: Substance | None = None, *, T_c: Any, T_h: Any, gamma_c: Any,
                          gamma_h: Any, w_1: Any, w_2: Any, tau_h: Any, tau_c: Any, tau_hc: Any, tau_ch: Any,
                          law: Any = "tanh", schedule: Any = "linear") -> Cycle:
    """A Stirling-type cycle (:func:`stirling_cycle`), checked to run as a refrigerator.

    Same arguments and parameters as :func:`stirling_cycle`; the cycle is evaluated once and a
    ParameterError names the condition if it does not draw heat from the cold reservoir with work
    done on the substance at every parameter point (two levels: ``w_1 < w_2`` with a large enough
    ratio, strokes slow enough). Its COP stays below ``T_c/(T_h - T_c)``.

    Examples
    --------
    >>> perf = stirling_refrigerator(T_c=1.0, T_h=1.5, gamma_c=1.0, gamma_h=1.0, w_1=1.0, w_2=3.0,
    ...     tau_h=10.0, tau_c=10.0, tau_hc=5.0, tau_ch=5.0).performance()
    >>> 0 < float(perf.cop) < 1.0 / (1.5 - 1.0)
    True
    """
    cycle = _build("stirling_refrigerator", substance, T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h,
                   w_1=w_1, w_2=w_2, tau_h=tau_h, tau_c=tau_c, tau_hc=tau_hc, tau_ch=tau_ch, law=law,
                   schedule=schedule)
    hint = (_hint("w_1 < w_2 with w_2/w_1 large enough")
            if type(cycle.substance) is TwoLevelSubstance else None)
    return require_mode("stirling_refrigerator", cycle, Mode.REFRIGERATOR, "stirling_cycle", hint)


def _hint(condition: str, extra: str = "") -> Any:
    def hint(point: dict[str, float]) -> str:
        return (f"With two levels this needs {condition} (here w_1 = {point['w_1']:.4g}, w_2 = {point['w_2']:.4g}) "
                f"and slow strokes{extra}.")
    return hint


__all__ = ["stirling_cycle", "stirling_engine", "stirling_refrigerator"]
