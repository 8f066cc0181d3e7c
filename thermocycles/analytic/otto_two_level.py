"""Closed forms of the finite-time Otto cycle with a two-level working substance (physics.md 4).

Notation of the paper: the first isochore (stroke 1 -> 2) is at frequency ``w_a`` in contact with
reservoir "c" (``T_c``, ``gamma_c``) for ``tau_c``; the second (3 -> 4) at ``w_b`` with reservoir
"h" for ``tau_h``; the adiabats last ``tau_ch`` and ``tau_hc``. With ``x = 2 gamma_c tau_c``,
``y = 2 gamma_h tau_h``, ``u = w_a / T_c`` and ``v = w_b / T_h``:

* ``n2 - n1 = Delta_n_eq(u, v) f(x, y)``, ``f = (e^x - 1)(e^y - 1) / (e^(x+y) - 1)``,
  ``Delta_n_eq = n_eq(u) - n_eq(v)`` with ``n_eq(z) = (3 - tanh(z/2)) / 2``;
* ``Q_c = w_a (n2 - n1)``, ``Q_h = w_b (n2 - n1)``, ``W = (w_b - w_a)(n2 - n1)``.

Every function is written in forms that stay finite and accurate for ``beta w`` up to ~700 and
durations from 1e-9 to 1e9 (``expm1``, ``expit``; no difference of nearly equal numbers).
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

import numpy as np
from scipy.special import expit

from ..errors import CycleError
from ..performance import StrokeData
from ..reservoirs import Reservoir
from ..strokes import Isochore, QuantumAdiabat
from ..substances import TwoLevelSubstance
from . import register_closed_form


def time_factor(x: Any, y: Any) -> Any:
    """``f(x, y) = (e^x - 1)(e^y - 1) / (e^(x+y) - 1)``, as ``expm1(-x) expm1(-y) / -expm1(-(x+y))``.

    Examples
    --------
    >>> round(float(time_factor(1e-9, 1e-9)), 22)  # x y / (x + y) for fast cycles
    5e-10
    >>> float(time_factor(800.0, 900.0))  # slow cycles: 1
    1.0
    """
    return np.expm1(-x) * np.expm1(-y) / -np.expm1(-(x + y))


def equilibrium_occupation(z: Any) -> Any:
    """``n_eq = p_g + 2 p_e = (3 - tanh(z/2)) / 2`` at ``z = beta w`` (the corrected paper formula)."""
    return 1.0 + expit(-z)


def delta_n_eq(u: Any, v: Any) -> Any:
    """``n_eq(u) - n_eq(v) = [tanh(v/2) - tanh(u/2)] / 2``, accurate for any u, v >= 0.

    Evaluated as ``sign(v - u) (1 - e^-|v - u|) expit(max(u, v)) expit(-min(u, v))``, which neither
    overflows nor cancels.

    Examples
    --------
    >>> float(delta_n_eq(700.0, 701.0)) > 0  # tanh difference would round to 0
    True
    """
    d = v - u
    return np.sign(d) * -np.expm1(-np.abs(d)) * expit(np.maximum(u, v)) * expit(-np.minimum(u, v))


class OttoCycle(NamedTuple):
    """Per-cycle figures of the two-level Otto cycle in natural units (paper's notation)."""

    q_c: Any  #: heat absorbed from reservoir c (first isochore)
    q_h: Any  #: heat released into reservoir h (second isochore)
    work: Any  #: work done on the substance
    cycle_time: Any
    n1: Any  #: occupation n = p_g + 2 p_e at corner 1 (start of the first isochore)
    n2: Any  #: occupation at corner 2 (end of the first isochore)


def otto_cycle(T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any, w_a: Any, w_b: Any,
               tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any) -> OttoCycle:
    """Closed-form periodic steady state of the two-level Otto cycle (natural units, arrays OK).

    Examples
    --------
    >>> r = otto_cycle(1.0, 2.0, 1.0, 1.0, 1.0, 3.0, 0.5, 0.5, 0.1, 0.1)
    >>> round(float(r.q_c / r.work), 12)  # COP = w_a / (w_b - w_a)
    0.5
    """
    x = 2.0 * gamma_c * tau_c
    y = 2.0 * gamma_h * tau_h
    s = x + y
    if np.any(s == 0):
        raise CycleError("the cycle has no unique periodic steady state: both isochores have zero "
                         "contact time (2 gamma tau = 0)")
    denom = -np.expm1(-s)
    a = -np.expm1(-x)
    f = a * -np.expm1(-y) / denom
    d_eq = delta_n_eq(w_a / T_c, w_b / T_h)
    dn = d_eq * f
    n1 = 1.0 + expit(-w_b / T_h) + d_eq * (np.exp(-y) * a / denom)
    return OttoCycle(w_a * dn, w_b * dn, (w_b - w_a) * dn, tau_c + tau_ch + tau_h + tau_hc, n1, n1 + dn)


def cop(w_a: Any, w_b: Any) -> Any:
    """COP of the Otto refrigerator, ``w_a / (w_b - w_a)`` (eq. 16)."""
    return w_a / (w_b - w_a)


def _populations(n: Any) -> np.ndarray:
    p_e = np.asarray(n - 1.0)
    return np.stack([1.0 - p_e, p_e], axis=-1)


@register_closed_form
def match_two_level_otto(cycle: Any, model: Any):
    """Evaluator for isochore-adiabat-isochore-adiabat with a TwoLevelSubstance, else None."""
    strokes = cycle.strokes
    if type(cycle.substance) is not TwoLevelSubstance or len(strokes) != 4:
        return None
    if [type(s) for s in strokes] != [Isochore, QuantumAdiabat, Isochore, QuantumAdiabat]:
        return None
    if type(strokes[0].reservoir) is not Reservoir or type(strokes[2].reservoir) is not Reservoir:
        return None
    r1, r3 = strokes[0].reservoir.name, strokes[2].reservoir.name
    res = lambda r, f: model.binding[(("reservoir", r), f)]  # noqa: E731
    names = dict(
        T_c=res(r1, "temperature"), T_h=res(r3, "temperature"),
        gamma_c=res(r1, "coupling"), gamma_h=res(r3, "coupling"),
        w_a=model.parameter(0, "control"), w_b=model.parameter(2, "control"),
        tau_c=model.parameter(0, "duration"), tau_ch=model.parameter(1, "duration"),
        tau_h=model.parameter(2, "duration"), tau_hc=model.parameter(3, "duration"),
    )
    items = tuple(names.items())

    def evaluate(values: Mapping[str, Any]):
        args = {arg: values[name] for arg, name in items}
        r = otto_cycle(**args)
        heat = {r1: r.q_c, r3: -r.q_h} if r1 != r3 else {r1: r.q_c - r.q_h}
        batch = np.broadcast_shapes(np.shape(r.q_c), np.shape(r.cycle_time))

        def ledger() -> list[StrokeData]:
            w_a, w_b = args["w_a"], args["w_b"]
            p1, p2 = _populations(r.n1), _populations(r.n2)
            zero = 0.0 * r.q_c
            rows = [
                ({r1: r.q_c}, zero, p1, p2, w_a, w_a, args["tau_c"]),
                ({}, r.n2 * (w_b - w_a), p2, p2, w_a, w_b, args["tau_ch"]),
                ({r3: -r.q_h}, zero, p2, p1, w_b, w_b, args["tau_h"]),
                ({}, r.n1 * (w_a - w_b), p1, p1, w_b, w_a, args["tau_hc"]),
            ]
            return [StrokeData(name=s.name, kind=type(s).__name__, duration=tau, heat=q, work=w,
                               populations_start=pa, populations_end=pb,
                               control_start=ca, control_end=cb)
                    for s, (q, w, pa, pb, ca, cb, tau) in zip(strokes, rows)]

        return model.performance(heat=heat, work=r.work, cycle_time=r.cycle_time, values=values,
                                 ledger=ledger, batch=batch, method="closed_form")

    return evaluate
