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

import math
from typing import Any, Mapping, NamedTuple

import numpy as np
from scipy.special import expit, log_expit

from ..core.performance import StrokeRecord
from ..core.stable import ratio_difference
from ..errors import CycleError, ParameterError
from ..spec.laws import TANH
from ..spec.reservoirs import Reservoir
from ..spec.strokes import Isochore, QuantumAdiabat
from ..spec.substances import TwoLevelSubstance
from .registry import register_closed_form


def time_factor(x: Any, y: Any) -> Any:
    """``f(x, y) = (e^x - 1)(e^y - 1) / (e^(x+y) - 1)``, as ``expm1(-x) expm1(-y) / -expm1(-(x+y))``.

    Examples
    --------
    >>> round(float(time_factor(1e-9, 1e-9)), 22)  # x y / (x + y) for fast cycles
    5e-10
    >>> float(time_factor(800.0, 900.0))  # slow cycles: 1
    1.0
    """
    # as 1 / (1/A + 1/B - 1), A = 1 - e^-x, B = 1 - e^-y (the same quantity): the product A B
    # underflows for x, y < 1e-154 although f ~ x y / (x + y) is a normal double
    a, b = -np.expm1(-x), -np.expm1(-y)
    with np.errstate(divide="ignore"):
        return 1.0 / (1.0 / a + 1.0 / b - 1.0)


def equilibrium_occupation(z: Any) -> Any:
    """``n_eq = p_g + 2 p_e = (3 - tanh(z/2)) / 2`` at ``z = beta w`` (the corrected paper formula)."""
    return 1.0 + expit(-z)


def delta_n_eq(u: Any, v: Any, difference: Any = None) -> Any:
    """``n_eq(u) - n_eq(v) = [tanh(v/2) - tanh(u/2)] / 2``, accurate for any u, v >= 0.

    Evaluated as ``sinh((v - u)/2) / (2 cosh(u/2) cosh(v/2))`` (an identity without cancellation)
    while ``u, v < 700``, where nothing overflows; beyond, as
    ``sign(v - u) (1 - e^-|v - u|) expit(max(u, v)) expit(-min(u, v))``, which never overflows but
    costs three times as much. ``difference`` is ``v - u`` if known more precisely than by
    subtracting the rounded u and v (see :func:`force`).

    Examples
    --------
    >>> float(delta_n_eq(700.0, 701.0)) > 0  # a tanh difference would round to 0
    True
    >>> float(delta_n_eq(1.0, 2000.0)) == float(1 / (1 + np.exp(1.0)))
    True
    """
    small = (u < 700.0 and v < 700.0) if np.ndim(u) == 0 and np.ndim(v) == 0 else \
        max(np.max(u), np.max(v)) < 700.0
    d = v - u if difference is None else difference
    if small:
        return np.sinh(d / 2) / (2 * np.cosh(u / 2) * np.cosh(v / 2))
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
    dn = occupation_change(T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h)
    e1, e2 = corner_excited_populations(T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h)
    return OttoCycle(w_a * dn, w_b * dn, (w_b - w_a) * dn, tau_c + tau_ch + tau_h + tau_hc,
                     1.0 + e1, 1.0 + e2)


def _contact(gamma_c: Any, gamma_h: Any, tau_c: Any, tau_h: Any) -> tuple[Any, Any]:
    x = 2.0 * gamma_c * tau_c
    y = 2.0 * gamma_h * tau_h
    s = x + y
    if (np.min(s) if np.ndim(s) else s) == 0:
        raise CycleError("the cycle has no unique periodic steady state: both isochores have zero "
                         "contact time (2 gamma tau = 0)")
    return x, y


#: below this relative size, ``v - u`` is formed from error-free products (see :func:`force`)
CANCELLATION = 1e-3


def force(w_a: Any, T_c: Any, w_b: Any, T_h: Any) -> tuple[Any, Any, Any]:
    """``u = w_a/T_c``, ``v = w_b/T_h`` and ``v - u`` to a few ulps of the difference.

    Near reversibility (``u ~ v``) the rounded quotients share most of their digits and their
    difference would keep only ``eps u / |v - u|`` relative precision; there it is computed as
    ``(w_b T_c - w_a T_h) / (T_c T_h)`` with error-free products
    (:func:`thermocycles.core.stable.ratio_difference`). Elsewhere the plain difference is as good.
    """
    u, v = w_a / T_c, w_b / T_h
    d = v - u
    if np.ndim(d) == 0:
        if abs(d) < CANCELLATION * max(abs(u), abs(v)):
            d = float(ratio_difference(w_b, T_h, w_a, T_c))
        return u, v, d
    close = np.abs(d) < CANCELLATION * np.maximum(np.abs(u), np.abs(v))
    if close.any():
        d = np.where(close, ratio_difference(w_b, T_h, w_a, T_c), d)
    return u, v, d


def occupation_change(T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any, w_a: Any, w_b: Any,
                      tau_c: Any, tau_h: Any) -> Any:
    """``n2 - n1 = Delta_n_eq(w_a/T_c, w_b/T_h) f(2 gamma_c tau_c, 2 gamma_h tau_h)``."""
    x, y = _contact(gamma_c, gamma_h, tau_c, tau_h)
    return delta_n_eq(*force(w_a, T_c, w_b, T_h)) * time_factor(x, y)


def corner_occupation(T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any, w_a: Any, w_b: Any,
                      tau_c: Any, tau_h: Any) -> Any:
    """Occupation ``n1 = 1 + p_e`` at corner 1 (start of the first isochore) in the periodic state."""
    return 1.0 + corner_excited_populations(T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h)[0]


def corner_excited_populations(T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any, w_a: Any, w_b: Any,
                               tau_c: Any, tau_h: Any) -> tuple[Any, Any]:
    """Excited populations at corners 1 and 2, as convex combinations of the two equilibria.

    ``p1 = e_c g + e_h (1 - g)`` with ``g = e^-y (1 - e^-x)/(1 - e^-(x+y))`` and
    ``1 - g = (1 - e^-y)/(1 - e^-(x+y))``; ``p2 = e_c (1 - e^-x) + p1 e^-x``. Sums of positive terms:
    relatively accurate however small, never negative.
    """
    x, y = _contact(gamma_c, gamma_h, tau_c, tau_h)
    e_c, e_h = expit(-w_a / T_c), expit(-w_b / T_h)
    denom = -np.expm1(-(x + y))
    a = -np.expm1(-x)
    p1 = e_c * (np.exp(-y) * a / denom) + e_h * (-np.expm1(-y) / denom)
    return p1, e_c * a + p1 * np.exp(-x)


_CORE = ("T_c", "T_h", "gamma_c", "gamma_h", "w_a", "w_b", "tau_c", "tau_h")


def _diagonal(populations: np.ndarray) -> np.ndarray:
    return (populations[..., None, :] * np.eye(2)).astype(complex)


def _populations(p_e: Any) -> np.ndarray:
    p_e = np.asarray(p_e)
    return np.stack([1.0 - p_e, p_e], axis=-1)


def two_level_otto_names(model: Any) -> dict[str, str] | None:
    """The model's parameter name for each argument of :func:`otto_cycle` (``T_c`` is the
    temperature of the first isochore's reservoir, whichever is colder) if ``model`` is
    isochore-adiabat-isochore-adiabat with a TwoLevelSubstance and tanh-law reservoirs, else None."""
    strokes = model.strokes
    if type(model.substance) is not TwoLevelSubstance or len(strokes) != 4:
        return None
    expected: list[type] = [Isochore, QuantumAdiabat, Isochore, QuantumAdiabat]
    if [type(s) for s in strokes] != expected:
        return None
    for stroke in (strokes[0], strokes[2]):
        if type(stroke.reservoir) is not Reservoir or stroke.reservoir.law is not TANH:
            return None
    r1, r3 = strokes[0].reservoir.name, strokes[2].reservoir.name
    res = model.reservoir_parameter
    return dict(
        T_c=res(r1, "temperature"), T_h=res(r3, "temperature"),
        gamma_c=res(r1, "coupling"), gamma_h=res(r3, "coupling"),
        w_a=model.parameter(0, "control"), w_b=model.parameter(2, "control"),
        tau_c=model.parameter(0, "duration"), tau_ch=model.parameter(1, "duration"),
        tau_h=model.parameter(2, "duration"), tau_hc=model.parameter(3, "duration"),
    )


@register_closed_form
def match_two_level_otto(model: Any) -> Any:
    """Evaluator for isochore-adiabat-isochore-adiabat with a TwoLevelSubstance and tanh-law
    reservoirs, else None."""
    names = two_level_otto_names(model)
    if names is None:
        return None
    strokes = model.strokes
    r1, r3 = strokes[0].reservoir.name, strokes[2].reservoir.name
    items = tuple(names.items())

    def evaluate(values: Mapping[str, Any]):
        args = {arg: values[name] for arg, name in items}
        try:
            dn = occupation_change(*(args[k] for k in _CORE))
        except CycleError:
            model.check_contact(values)  # names the strokes and the element
            raise
        w_a, w_b = args["w_a"], args["w_b"]
        q_c, q_h = w_a * dn, w_b * dn
        cycle_time = args["tau_c"] + args["tau_ch"] + args["tau_h"] + args["tau_hc"]
        heat = {r1: q_c, r3: -q_h} if r1 != r3 else {r1: q_c - q_h}
        shape_dn, shape_t = np.shape(dn), np.shape(cycle_time)
        batch = shape_dn if shape_dn == shape_t else np.broadcast_shapes(shape_dn, shape_t)

        def ledger() -> list[StrokeRecord]:
            e1, e2 = corner_excited_populations(*(args[k] for k in _CORE))
            n1, n2 = 1.0 + e1, 1.0 + e2
            p1, p2 = _populations(e1), _populations(e2)
            zero = 0.0 * q_c
            rows = [  # heat, work, (populations, n, control) at the start and at the end, duration
                ({r1: q_c}, zero, (p1, n1, w_a), (p2, n2, w_a), args["tau_c"]),
                ({}, n2 * (w_b - w_a), (p2, n2, w_a), (p2, n2, w_b), args["tau_ch"]),
                ({r3: -q_h}, zero, (p2, n2, w_b), (p1, n1, w_b), args["tau_h"]),
                ({}, n1 * (w_a - w_b), (p1, n1, w_b), (p1, n1, w_a), args["tau_hc"]),
            ]
            return [StrokeRecord(name=s.name, kind=type(s).__name__, duration=tau, heat=q, work=w,
                                 populations_start=pa, populations_end=pb, control_start=ca, control_end=cb,
                                 state_start=_diagonal(pa), state_end=_diagonal(pb),
                                 coherence_start=0.0 * q_c, coherence_end=0.0 * q_c,
                                 energy_start=na * ca, energy_end=nb * cb)  # mean energy n w
                    for s, (q, w, (pa, na, ca), (pb, nb, cb), tau) in zip(strokes, rows)]

        return model.performance(heat=heat, work=(w_b - w_a) * dn, cycle_time=cycle_time,
                                 values=values, ledger=ledger, batch=batch, method="closed_form")

    return evaluate


# -- optimisation (physics.md section 5) -------------------------------------------------------


def chi_time_part(gamma_c: Any, gamma_h: Any, tau_c: Any, tau_h: Any, tau_adi: Any) -> Any:
    """``F = f(2 gamma_c tau_c, 2 gamma_h tau_h) / t_cyc``, the time part of chi."""
    return time_factor(2 * gamma_c * tau_c, 2 * gamma_h * tau_h) / (tau_c + tau_h + tau_adi)


def log_frequency_part(u: Any, v: Any, theta: Any) -> Any:
    """``log[u^2 (tanh(v/2) - tanh(u/2)) / (v - theta u)]``: chi's dependence on u = w_a/T_c,
    v = w_b/T_h at fixed temperatures and times (chi = F T_c theta/2 times its exponential)."""
    return 2 * np.log(u) + np.log(2 * delta_n_eq(u, v)) - np.log(v - theta * u)


#: Range of the Carnot COP over which :func:`optimal_frequencies` is documented and tested.
EPS_C_RANGE = (1e-12, 1e12)


def _log_part(u: Any, w: Any, delta: Any) -> Any:
    """:func:`log_frequency_part` in ``u``, ``w = v - u > 0`` and ``delta = 1 - theta``, without
    cancellation: ``v - theta u = w + delta u`` (a sum of positive terms) and
    ``log(2 Delta_n_eq) = log 2 - u + log(1 - e^-w) - log(1 + e^-u) - log(1 + e^-v)``."""
    return (2 * np.log(u) + np.log(2.0) - u + np.log(-np.expm1(-w)) - np.log1p(np.exp(-u))
            - np.log1p(np.exp(-(u + w))) - np.log(w + delta * u))


def _x_coth_x_minus_1(w: Any) -> Any:
    """``(w/2) coth(w/2) - 1`` to a few ulps: its Taylor series below w = 0.1 (where the closed
    form cancels), ``(w/2)(1 + e^-w)/(1 - e^-w) - 1`` above."""
    w = np.asarray(w, dtype=float)
    x2 = (w / 2) ** 2
    series = x2 * (1 / 3 - x2 * (1 / 45 - x2 * (2 / 945 - x2 * (1 / 4725 - x2 * 2 / 93555))))
    with np.errstate(all="ignore"):
        direct = (w / 2) * (1 + np.exp(-w)) / -np.expm1(-w) - 1
    return np.where(w < 0.1, series, direct)


def _gradient_log(u: Any, w: Any, delta: Any) -> Any:
    """Gradient of :func:`_log_part` in ``(log u, log w)``, every term of the size of the result
    near the optimum (the ``1/w`` terms cancelled analytically):
    ``d/dlog u = 2 - u (tanh(u/2) + tanh(v/2))/2 - delta u/(w + delta u)`` and
    ``d/dlog w = [(w/2) coth(w/2) - 1] + delta u/(w + delta u) - w tanh(v/2)/2``."""
    t_u, t_v = np.tanh(u / 2), np.tanh((u + w) / 2)
    r = delta * u / (w + delta * u)
    return np.stack([2 - u * (t_u + t_v) / 2 - r, _x_coth_x_minus_1(w) + r - w * t_v / 2], axis=-1)


class OptimalFrequencies(NamedTuple):
    """Maximum of chi over (w_a, w_b) at fixed temperatures (see :func:`optimal_frequencies`)."""

    eps_c: Any  #: Carnot COP
    u: Any  #: beta_c w_a at the optimum
    v: Any  #: beta_h w_b at the optimum
    eps_star: Any  #: COP at maximum chi, theta u / (v - theta u)
    converged: Any  #: boolean per point
    iterations: int
    v_minus_u: Any = None  #: v - u at the optimum, to full relative precision (v - u rounds it)


def check_eps_c_range(eps_c: Any, where: str) -> np.ndarray:
    """``eps_c`` as a float array, or a ParameterError naming ``where``, the value and the range."""
    eps_c = np.atleast_1d(np.asarray(eps_c, dtype=float))
    lo, hi = EPS_C_RANGE
    bad = ~(np.isfinite(eps_c) & (eps_c >= lo) & (eps_c <= hi))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        at = f" (element {k})" if eps_c.size > 1 else ""
        raise ParameterError(f"{where}: eps_c must lie in [{lo:g}, {hi:g}] (the range where the solver "
                             f"is verified); got {float(eps_c.flat[k])!r}{at}")
    return eps_c


def optimal_frequencies(eps_c: Any, *, rtol: float = 1e-13, max_iter: int = 60) -> OptimalFrequencies:
    """COP at maximum chi of the two-level Otto refrigerator, eps*(eps_C) (the paper's Fig. 2).

    chi factorises into a time part and ``T_c theta u^2 [tanh(v/2) - tanh(u/2)] / (2 (v - theta u))``
    with ``u = beta_c w_a``, ``v = beta_h w_b``, ``theta = T_c/T_h = eps_C/(1 + eps_C)``, so the
    optimum depends on eps_C only. It is found for all eps_C at once, in the variables
    ``(log u, log w)`` with ``w = v - u`` and ``delta = 1 - theta = 1/(1 + eps_C)`` (so that
    ``v - theta u = w + delta u`` never cancels; as eps_C grows, ``w ~ sqrt(2 delta)`` and
    ``delta`` both vanish): the best point of a coarse grid in ``(log u, log(w/sqrt(delta)))``, then
    Newton's method on the gradient of the log (analytic gradient without cancellation, Hessian from
    central differences of it) with a line search, until the step is below ``rtol`` (relative)
    everywhere. The stationarity conditions are the paper's eqs. (21)-(22) as corrected in
    physics.md. Asymptotically eps* -> 0.5329 eps_C (eps_C -> 0) and eps* ~ sqrt(eps_C) - 0.88
    (eps_C -> inf), where u tends to the root of ``u tanh(u/2) = 2``.

    Parameters
    ----------
    eps_c : array_like
        Carnot COPs, each in :data:`EPS_C_RANGE` = [1e-12, 1e12]; other values raise ParameterError.

    Examples
    --------
    >>> r = optimal_frequencies([1.0])
    >>> bool(r.converged[0]), round(float(r.eps_star[0]), 6)
    (True, 0.436804)
    """
    eps_c = check_eps_c_range(eps_c, "optimal_frequencies")
    theta = eps_c / (1 + eps_c)
    delta = 1 / (1 + eps_c)

    def split(p):
        return np.exp(p[..., 0]), np.exp(p[..., 1])

    def objective(p, d):
        u, w = split(p)
        return _log_part(u, w, d)

    def gradient(p, d):
        u, w = split(p)
        return _gradient_log(u, w, d)

    # coarse grid start, all eps_c at once; the second variable is log(w / sqrt(delta)), whose
    # optimum stays between log(1.5) and log(2.5) over the whole range (u between 1.78 and 2.4)
    a = np.linspace(np.log(0.1), np.log(30.0), 40)
    b = np.linspace(np.log(1e-2), np.log(50.0), 40)
    grid = np.stack(np.meshgrid(a, b, indexing="ij"), axis=-1).reshape(-1, 2)
    shift = np.stack([np.zeros_like(delta), np.log(delta) / 2], axis=-1)
    with np.errstate(all="ignore"):
        values = objective(grid[None, :, :] + shift[:, None, :], delta[:, None])
    p = grid[np.nanargmax(np.where(np.isfinite(values), values, -np.inf), axis=1)] + shift

    def newton_step(p):
        g = gradient(p, delta)
        h = 1e-5
        hess = np.empty(p.shape + (2,))
        for j in range(2):
            e = np.zeros(2)
            e[j] = h
            hess[..., j] = (gradient(p + e, delta) - gradient(p - e, delta)) / (2 * h)
        hess = (hess + np.swapaxes(hess, -1, -2)) / 2
        neg_def = (hess[..., 0, 0] < 0) & (np.linalg.det(hess) > 0)
        return -np.linalg.solve(hess, g[..., None])[..., 0], neg_def, g

    converged = np.zeros(len(theta), dtype=bool)
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        newton, neg_def, g = newton_step(p)
        # Newton where the Hessian is negative definite (near a maximum), else gradient ascent.
        direction = np.where(neg_def[:, None], newton, g)
        # Line search far from the optimum only: close to it, chi changes less than its round-off
        # and a search would reject good steps.
        near = neg_def & (np.abs(newton).max(axis=-1) < 1e-4)
        f0 = objective(p, delta)
        alpha = np.ones(len(theta))
        for _ in range(40):
            with np.errstate(all="ignore"):
                ok = near | (objective(p + alpha[:, None] * direction, delta) >= f0)
            if ok.all():
                break
            alpha = np.where(ok, alpha, alpha / 2)
        step = alpha[:, None] * direction
        p = np.where(converged[:, None], p, p + step)
        converged |= near & (np.abs(step).max(axis=-1) < rtol)
        if converged.all():
            break
    u, w = split(p)
    # converged: a maximum, and the remaining Newton step (the distance to it) below 1e-10
    newton, neg_def, _ = newton_step(p)
    converged &= neg_def & (np.abs(newton).max(axis=-1) < 1e-10)
    return OptimalFrequencies(eps_c, u, u + w, theta * u / (w + delta * u), converged, iterations, w)


def stationarity_residuals(u: Any, v: Any, theta: Any, *, v_minus_u: Any = None,
                           one_minus_theta: Any = None) -> tuple[Any, Any]:
    """Residuals of the paper's eqs. (21) and (22) as corrected in physics.md, in u, v, theta.

    With ``x_c = e^-u``, ``x_h = e^-v`` and ``beta_c (w_b - w_a) = (v - theta u)/theta``,
    ``beta_h (w_b - w_a) = v - theta u``, ``(2 w_b - w_a)/w_a = 2 v/(theta u) - 1``; each residual is
    divided by its right-hand side (zero at the optimum). ``v_minus_u`` and ``one_minus_theta``, if
    given, are used for ``v - u`` and ``1 - theta`` instead of subtracting rounded numbers (needed
    as eps_C -> inf, where both are small): then ``x_c - x_h = -x_c expm1(-(v - u))`` and
    ``v - theta u = (v - u) + (1 - theta) u``.
    """
    x_c, x_h = np.exp(-u), np.exp(-v)
    if v_minus_u is None or one_minus_theta is None:
        gap, diff = v - theta * u, x_c - x_h
    else:
        gap, diff = v_minus_u + one_minus_theta * u, -x_c * np.expm1(-v_minus_u)
    rhs21 = diff / (1 + x_h) * (2 * v / (theta * u) - 1)
    lhs21 = x_c * gap / (theta * (1 + x_c))
    rhs22 = diff / (1 + x_c)
    lhs22 = x_h * gap / (1 + x_h)
    return lhs21 / rhs21 - 1, lhs22 / rhs22 - 1


#: Smallest ``2 gamma tau`` of either contact at the optimum that :func:`optimal_time_allocation`
#: resolves: its equation is a log of ``1 + O(x^2)``, so the optimum's relative error grows as
#: ``1e-16/x^2`` (1e-8 at the limit); below, a CycleError (before: a silently inaccurate answer).
FAST_CYCLE_LIMIT = 1e-4


class TimeAllocation(NamedTuple):
    """Maximum of chi's time part over (tau_c, tau_h) at fixed tau_adi."""

    tau_c: Any
    tau_h: Any
    converged: Any


def optimal_time_allocation(gamma_c: float, gamma_h: float, tau_adi: float) -> TimeAllocation:
    """Contact times that maximise ``F = f(2 gamma_c tau_c, 2 gamma_h tau_h)/(tau_c + tau_h + tau_adi)``.

    With x = 2 gamma_c tau_c, y = 2 gamma_h tau_h and t the cycle time, the optimum satisfies
    ``2 gamma_c t d(ln f)/dx = 1`` and ``2 gamma_h t d(ln f)/dy = 1``. Their ratio is the paper's
    eq. (20), ``gamma_c [cosh y - 1] = gamma_h [cosh x - 1]``, which gives
    ``y(x) = 2 asinh(sqrt(gamma_h/gamma_c) sinh(x/2))``; the first condition is then one equation in x,
    whose left side falls from +inf (x -> 0) to 0 (x -> inf), solved by bracketing (brentq).
    For ``gamma_c = gamma_h = g``: ``tau_c = tau_h = tau`` with ``sinh(2 g tau) - 2 g tau = g tau_adi``.
    For ``tau_adi = 0`` the optimum is the fast-cycle limit and no finite solution exists.

    Examples
    --------
    >>> r = optimal_time_allocation(1.0, 1.0, 0.2)
    >>> bool(r.converged), round(r.tau_c, 10) == round(r.tau_h, 10)
    (True, True)
    """
    import scipy.optimize  # noqa: PLC0415 (slow to import; only this solver needs it)

    args = {"gamma_c": gamma_c, "gamma_h": gamma_h, "tau_adi": tau_adi}
    for name, value in args.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ParameterError(f"optimal_time_allocation: {name} must be a real number > 0; got a "
                                 f"{type(value).__name__}")
        if not (math.isfinite(value) and value > 0):
            raise ParameterError(f"optimal_time_allocation: {name} must be finite and > 0; got {float(value)!r}")
    # everything in logs: rates and times from 1e-300 to 1e300 (products overflow, x/gamma too)
    lg_c, lg_h, lg_tau = math.log(gamma_c), math.log(gamma_h), math.log(tau_adi)
    log_k = (lg_h - lg_c) / 2  # log sqrt(gamma_h/gamma_c)

    def log_y_of(log_x: float) -> float:  # log of y(x) = 2 asinh(k sinh(x/2)), no overflow/underflow
        x = math.exp(log_x)
        log_sinh = x / 2 + math.log(-math.expm1(-x)) - math.log(2.0) if x > 1e-3 else \
            log_x - math.log(2.0) + math.log1p(x * x / 24)
        log_a = log_k + log_sinh  # log(k sinh(x/2))
        if log_a > 300:  # asinh(a) = log(2a) + O(1/a^2)
            return math.log(2 * (math.log(2.0) + log_a))
        if log_a < -300:  # asinh(a) = a
            return math.log(2.0) + log_a
        return math.log(2 * math.asinh(math.exp(log_a)))

    def log_one_minus_exp(log_z: float) -> float:  # log(1 - e^-z) from log z
        z = math.exp(log_z)
        return log_z if z < 1e-300 else math.log(-math.expm1(-z))

    def condition(log_x: float) -> float:  # log of 2 gamma_c t d(ln f)/dx, zero at the optimum
        log_y = log_y_of(log_x)
        # log(2 gamma_c t) = log(x + (gamma_c/gamma_h) y + 2 gamma_c tau_adi)
        log_t = float(np.logaddexp.reduce([log_x, log_y + lg_c - lg_h, math.log(2.0) + lg_c + lg_tau]))
        log_dlogf = -math.exp(log_x) + log_one_minus_exp(log_y) - log_one_minus_exp(log_x) \
            - log_one_minus_exp(float(np.logaddexp(log_x, log_y)))
        return log_t + log_dlogf

    # condition falls from > 0 (x -> 0) to -inf (x -> inf): bracket its root
    lo, hi = math.log(1e-12), math.log(600.0)
    while condition(lo) < 0 and lo > -700:
        lo -= 10
    while condition(hi) > 0 and hi < 700:
        hi += 1
    if not (condition(lo) >= 0 >= condition(hi)):
        raise CycleError(f"optimal_time_allocation: no optimum found for gamma_c = {gamma_c:g}, "
                         f"gamma_h = {gamma_h:g}, tau_adi = {tau_adi:g} (2 gamma tau beyond 1e-300..1e300)")
    log_x, info = scipy.optimize.brentq(condition, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps,
                                        full_output=True, disp=False)
    with np.errstate(over="ignore", under="ignore"):
        tau_c = math.exp(log_x - math.log(2.0) - lg_c)
        tau_h = math.exp(log_y_of(log_x) - math.log(2.0) - lg_h) if log_y_of(log_x) - lg_h < 709 else math.inf
    smaller = math.exp(min(log_x, log_y_of(log_x)))
    if smaller < FAST_CYCLE_LIMIT:
        raise CycleError(
            f"optimal_time_allocation: the optimum has a fast contact (min(2 gamma_c tau_c, 2 gamma_h tau_h) = "
            f"{smaller:.2g} < {FAST_CYCLE_LIMIT:g}), where this solver loses its precision; "
            f"gamma_c = {gamma_c:g}, gamma_h = {gamma_h:g}, tau_adi = {tau_adi:g}")
    if not (info.converged and 0 < tau_c < math.inf and 0 < tau_h < math.inf):
        raise CycleError(f"optimal_time_allocation: the optimal contact times for gamma_c = {gamma_c:g}, "
                         f"gamma_h = {gamma_h:g}, tau_adi = {tau_adi:g} are not representable as doubles "
                         f"(tau_c ~ {tau_c:.3g}, tau_h ~ {tau_h:.3g})")
    return TimeAllocation(tau_c, tau_h, True)


# -- linear irreversible thermodynamics (physics.md section 6) ----------------------------------


def onsager_matrix(T_c: float, w_a: float, gamma_c: float, gamma_h: float, tau_c: float,
                   tau_h: float, cycle_time: float) -> np.ndarray:
    """Onsager matrix of the two-level Otto cycle (forces X1 = beta_c Dw, X2 = beta_h - beta_c).

    Derivation (docs/irreversible.md): at the reference equilibrium (both reservoirs at T_c, both
    frequencies w_a) with w_b = w_a + Dw and beta_h = beta_c + X2, the time factor f does not change
    (the relaxation rate 2 gamma is independent of T and w) and
    ``beta_h w_b = beta_c w_a + X1 + w_a X2 + O(X^2)``, so
    ``Delta_n_eq = sech^2(beta_c w_a/2)/4 (X1 + w_a X2) + O(X^2)``. With ``J1 = (n2 - n1)/t`` and
    ``J2 = w_b (n2 - n1)/t``::

        L = kappa [[1, w_a], [w_a, w_a^2]],   kappa = f sech^2(beta_c w_a/2) / (4 t_cyc),

    symmetric (reciprocity), with det L = 0: tight coupling, q = 1, J2 = w_a J1.
    """
    z = w_a / T_c
    kappa = time_factor(2 * gamma_c * tau_c, 2 * gamma_h * tau_h) * expit(z) * expit(-z) / cycle_time
    return kappa * np.array([[1.0, w_a], [w_a, w_a * w_a]])


def onsager_matrix_scaled(T_c: float, w_a: float, gamma_c: float, gamma_h: float, tau_c: float,
                          tau_h: float, cycle_time: float) -> tuple[np.ndarray, float]:
    """:func:`onsager_matrix` as ``(M, log_kappa)`` with ``L = exp(log_kappa) M``, for any beta_c w_a.

    ``M = [[1, w_a], [w_a, w_a^2]]`` and ``log_kappa = log f + log expit(z) + log expit(-z) - log t_cyc``
    (``z = beta_c w_a``): nothing underflows where L itself does (``kappa ~ e^-z`` is below the
    smallest double for z > ~745, and subnormal, with fewer digits, from z ~ 708). ``log_kappa`` has
    an absolute error of a few ulps of ``z``, i.e. a relative error of kappa of ~1e-16 z.
    ``log_kappa = -inf`` when a contact time is zero (then L = 0).

    Examples
    --------
    >>> M, log_kappa = onsager_matrix_scaled(1.0, 800.0, 1.0, 1.0, 0.5, 0.5, 1.2)
    >>> round(log_kappa, 6), float(M[0, 1])  # kappa = e^-800.9..., far below the smallest double
    (-800.954258, 800.0)
    """
    z = w_a / T_c
    x, y = 2 * gamma_c * tau_c, 2 * gamma_h * tau_h
    with np.errstate(divide="ignore"):
        log_f = np.log(-np.expm1(-x)) + np.log(-np.expm1(-y)) - np.log(-np.expm1(-(x + y)))
    log_kappa = float(log_f + log_expit(z) + log_expit(-z) - np.log(cycle_time))
    return np.array([[1.0, w_a], [w_a, w_a * w_a]]), log_kappa
