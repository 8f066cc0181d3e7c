"""Closed forms of the finite-time Otto cycle with a two-level working substance.

The model: docs/explanation/physics.md, section 4.

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
    (``thermocycles.core.stable.ratio_difference``). Elsewhere the plain difference is as good.
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


# -- optimisation (docs/explanation/physics.md, section 5) -------------------------------------------------------


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
    docs/explanation/physics.md, section 7. Asymptotically eps* -> 0.5329 eps_C (eps_C -> 0) and
    eps* ~ sqrt(eps_C) - 0.88 (eps_C -> inf), where u tends to the root of ``u tanh(u/2) = 2``.

    Parameters
    ----------
    eps_c : array_like
        Carnot COPs (a scalar or a 1-d sequence), each in :data:`EPS_C_RANGE` = [1e-12, 1e12];
        other values raise ParameterError.

    Returns
    -------
    OptimalFrequencies
        One-dimensional arrays, one entry per Carnot COP (a scalar ``eps_c`` gives arrays of shape
        ``(1,)``: take ``r.eps_star[0]``): ``u = beta_c w_a``, ``v = beta_h w_b``, ``eps_star`` and
        ``converged`` per entry.

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
    """Residuals of the paper's eqs. (21) and (22), corrected (docs/explanation/physics.md, section 7), in u, v, theta.

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


class TimeAllocation(NamedTuple):
    """Maximum of chi's time part over (tau_c, tau_h) at fixed tau_adi."""

    tau_c: Any
    tau_h: Any
    converged: Any


# -- helpers of optimal_time_allocation: numbers as (mantissa, exponent) pairs, m * 2**e with m in
# [0.5, 1), so that x = 2 gamma_c tau_c, y, sinh and 2 gamma tau_adi neither overflow nor underflow
# for any double inputs (products such as gamma_c tau_adi reach 1e-646 or 1e616)

_LN2 = math.log(2.0)
#: ``psi(z) / (z^3/6)`` for ``psi(z) = sinh z - z``: ``sum_n 6 z^(2n-2) / (2n+1)!``, n = 1..12; the
#: truncation error is < 2e-18 relative for z <= 2 (below: this series; above: sinh z - z directly,
#: where the cancellation costs at most a factor sinh(2)/psi(2) = 2.2)
_PSI_SERIES = tuple(6.0 / math.factorial(2 * n + 1) for n in range(12, 0, -1))  # Horner order


def _pair(value: float, exponent: int = 0) -> tuple[float, int]:
    """``value * 2**exponent`` as a normalised pair (value finite, > 0)."""
    m, e = math.frexp(value)
    return m, e + exponent


def _pair_value(p: tuple[float, int]) -> float:
    """The double nearest to the pair: 0.0 below the subnormals, inf above the largest double."""
    m, e = p
    if e > 1100:
        return math.inf
    if e < -1200:
        return 0.0
    try:
        return math.ldexp(m, e)
    except OverflowError:
        return math.inf


def _pair_log(p: tuple[float, int]) -> float:
    return math.log(p[0]) + p[1] * _LN2


def _psi_pair(z: tuple[float, int]) -> tuple[float, int]:
    """``sinh z - z`` (a pair) to a few ulps: series ``z^3/6 (1 + z^2/20 + ...)`` for z < 2 (no
    cancellation: the leading terms of sinh z and z removed by hand), ``e^z/2`` above 700."""
    value = _pair_value(z)
    if value < 2.0:
        z2, series = value * value, 0.0  # z2 may underflow to 0: then the series is exactly 1
        for c in _PSI_SERIES:
            series = series * z2 + c
        return _pair(z[0] ** 3 * series / 6.0, 3 * z[1])
    if value <= 700.0:
        return _pair(math.sinh(value) - value)
    n = int(value / _LN2)
    return _pair(math.exp(value - n * _LN2) / 2.0, n)


def _elasticity_psi(z: float, psi: tuple[float, int]) -> float:
    """``d ln psi / d ln z = z (cosh z - 1) / (sinh z - z)`` (``psi`` its denominator, a pair): 3 at
    z -> 0, z at large z."""
    if z < 1e-4:
        return 3.0 + z * z / 10.0
    if z > 40.0:
        return z
    return z * 2.0 * math.sinh(z / 2) ** 2 / _pair_value(psi)


def _z_coth_half(z: float) -> float:
    """``z / tanh(z/2)``: 2 at z -> 0."""
    return 2.0 + z * z / 6.0 if z < 1e-6 else z / math.tanh(z / 2)


def _y_of_x(x: tuple[float, int], k: tuple[float, int]) -> tuple[tuple[float, int], tuple[float, int]]:
    """``y = 2 asinh(a)``, ``a = k sinh(x/2)`` (eq. 20), and ``sinh y - y``: pairs in and out.

    Above y = 2, ``sinh y = 2 a sqrt(1 + a^2)`` is taken from ``a`` itself, not from the rounded y
    (whose absolute error, up to 1e-13 at y ~ 1000, would be a relative error of ``e^y``)."""
    xv = _pair_value(x)
    if xv < 1e-150:
        s = (x[0], x[1] - 1)  # sinh(x/2) = x/2 (1 + x^2/24): the correction is below 1e-300
    elif xv <= 1400.0:
        s = _pair(math.sinh(xv / 2))
    else:
        n = int(xv / 2 / _LN2)
        s = _pair(math.exp(xv / 2 - n * _LN2) / 2.0, n)
    a = _pair(k[0] * s[0], k[1] + s[1])
    if a[1] < -990:  # asinh(a) = a (1 - a^2/6)
        y = (a[0], a[1] + 1)
    elif a[1] > 990:  # asinh(a) = log(2 a) + 1/(4 a^2)
        y = _pair(2.0 * (_pair_log(a) + _LN2))
    else:
        y = _pair(2.0 * math.asinh(math.ldexp(*a)))
    yv = _pair_value(y)
    if yv < 2.0:
        return y, _psi_pair(y)
    if a[1] > 500:  # sinh y = 2 a^2 (1 + 1/(2 a^2)), y / sinh y < 1e-290
        return y, _pair(2.0 * a[0] * a[0], 2 * a[1])
    av = math.ldexp(*a)
    return y, _pair(2.0 * av * math.sqrt(1.0 + av * av) - yv)


def optimal_time_allocation(gamma_c: float, gamma_h: float, tau_adi: float) -> TimeAllocation:
    """Contact times that maximise ``F = f(2 gamma_c tau_c, 2 gamma_h tau_h)/(tau_c + tau_h + tau_adi)``.

    With x = 2 gamma_c tau_c, y = 2 gamma_h tau_h and t the cycle time, the optimum satisfies
    ``2 gamma_c t d(ln f)/dx = 1`` and ``2 gamma_h t d(ln f)/dy = 1``. Their ratio is the paper's
    eq. (20), ``gamma_c [cosh y - 1] = gamma_h [cosh x - 1]``, which gives
    ``y(x) = 2 asinh(k sinh(x/2))``, ``k = sqrt(gamma_h/gamma_c)``. On that curve
    ``d(ln f)/dx = k / (2 sinh((x+y)/2))``, and with ``sinh((x+y)/2) = sinh(x/2) (cosh(y/2) + k cosh(x/2))``
    the first condition becomes, its leading terms cancelled analytically,

        (sinh x - x) / (2 gamma_c) + (sinh y - y) / (2 gamma_h) = tau_adi,

    a sum of two positive terms increasing in x (no cancellation; ``sinh z - z`` by its series
    ``z^3/6 + z^5/120 + ...`` below z = 2). It is solved by a safeguarded Newton iteration on
    ``ln x`` with x, y and every product held as mantissa-exponent pairs, so any positive finite
    doubles are accepted (x may be 1e-320 while tau_c is 100). For ``gamma_c = gamma_h = g``:
    ``tau_c = tau_h = tau`` with ``sinh(2 g tau) - 2 g tau = g tau_adi``. For ``tau_adi = 0`` the
    optimum is the fast-cycle limit and no finite solution exists.

    A CycleError is raised only where an optimal time is not representable as a double (it would
    overflow or underflow to 0; subnormal results are returned, with their reduced precision).

    Examples
    --------
    >>> r = optimal_time_allocation(1.0, 1.0, 0.2)
    >>> bool(r.converged), round(r.tau_c, 10) == round(r.tau_h, 10)
    (True, True)
    >>> r = optimal_time_allocation(1.0, 1.0, 1e-20)  # short adiabats: x^3/6 = g tau_adi, x = (6e-20)^(1/3)
    >>> round(2 * r.tau_c / 6e-20 ** (1 / 3), 12)
    1.0
    """
    args = {"gamma_c": gamma_c, "gamma_h": gamma_h, "tau_adi": tau_adi}
    for name, value in args.items():
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ParameterError(f"optimal_time_allocation: {name} must be a real number > 0; got a "
                                 f"{type(value).__name__}")
        if not (math.isfinite(value) and value > 0):
            raise ParameterError(f"optimal_time_allocation: {name} must be finite and > 0; got {float(value)!r}")
    # the equation is symmetric under (gamma_c, x) <-> (gamma_h, y): solve for the smaller of x and
    # y (the contact with the smaller rate), whose error reaches the other only damped
    # (d ln y/d ln x = h(x)/h(y) <= 1 with h(z) = z / tanh(z/2)); the other way, 350-fold at x = 700
    swap = gamma_h < gamma_c
    if swap:
        gamma_c, gamma_h = gamma_h, gamma_c
    pc, ph, pt = _pair(float(gamma_c)), _pair(float(gamma_h)), _pair(float(tau_adi))
    den_c = _pair(pc[0] * pt[0], pc[1] + pt[1] + 1)  # 2 gamma_c tau_adi
    den_h = _pair(ph[0] * pt[0], ph[1] + pt[1] + 1)  # 2 gamma_h tau_adi
    ratio, shift = ph[0] / pc[0], ph[1] - pc[1]  # k^2 = gamma_h / gamma_c
    if shift % 2:
        ratio, shift = 2 * ratio, shift - 1
    k = _pair(math.sqrt(ratio), shift // 2)

    def residual(x: tuple[float, int]) -> tuple[float, float, tuple[float, int]]:
        """``g = ln(A + B)``, A and B the two terms over tau_adi, its slope in ln x, and y."""
        y, pb = _y_of_x(x, k)
        pa = _psi_pair(x)
        a = (pa[0] / den_c[0], pa[1] - den_c[1])
        b = (pb[0] / den_h[0], pb[1] - den_h[1])
        la, lb = _pair_log(a), _pair_log(b)
        xv, yv = _pair_value(x), _pair_value(y)
        slope_a = _elasticity_psi(xv, pa)
        slope_b = _elasticity_psi(yv, pb) * _z_coth_half(xv) / _z_coth_half(yv)  # d ln y/d ln x
        if la >= lb:
            r = _pair_value((b[0] / a[0], b[1] - a[1]))  # B/A <= 1
            return la + math.log1p(r), (slope_a + r * slope_b) / (1 + r), y
        r = _pair_value((a[0] / b[0], a[1] - b[1]))
        return lb + math.log1p(r), (slope_b + r * slope_a) / (1 + r), y

    # start: x^3/(12 gamma_c tau_adi) (1 + k) = 1 (both contacts fast) or e^x/(2 gamma_c tau_adi) = 1 (slow)
    log_p = _pair_log(den_c) - _LN2  # ln(gamma_c tau_adi)
    log_k = _pair_log(k)
    start = (math.log(12.0) + log_p - max(log_k, 0.0) - math.log1p(math.exp(-abs(log_k)))) / 3
    if start > 0.7:
        start = math.log(max(math.log(2.0) + log_p, 2.0))
    lo, hi = -800.0, 8.0  # ln x brackets the root: x from e^-800 (A + B << 1) to 2981 (A + B >> 1)
    log_x = min(max(start, lo + 1), hi - 1)
    e = math.floor(log_x / _LN2)
    x = _pair(math.exp(log_x - e * _LN2), e)
    converged, small_steps = False, 0
    for _ in range(200):
        g, slope, y = residual(x)
        if g == 0.0:
            converged = True
            break
        if g > 0:
            hi = min(hi, log_x)
        else:
            lo = max(lo, log_x)
        step = -g / slope
        # g is known to ~5e-16 and slope >= 2: steps below 1e-15 are round-off (and 3 in a row
        # below 1e-13 a round-off cycle); such a step is below the ulp of ln x (up to 800) itself
        small_steps = small_steps + 1 if abs(step) < 1e-13 else 0
        if abs(step) < 1e-15 or small_steps >= 3:
            x = _pair(x[0] * math.exp(step), x[1])
            converged = True
            break
        if lo <= log_x + step <= hi:  # Newton (multiplicative, on the pair: exact exponent)
            x, log_x = _pair(x[0] * math.exp(step), x[1]), log_x + step
        else:  # bisection in ln x
            log_x = (lo + hi) / 2
            e = math.floor(log_x / _LN2)
            x = _pair(math.exp(log_x - e * _LN2), e)
    y = _y_of_x(x, k)[0]
    tau_c = _pair_value((x[0] / (2 * pc[0]), x[1] - pc[1]))
    tau_h = _pair_value((y[0] / (2 * ph[0]), y[1] - ph[1]))
    if swap:
        gamma_c, gamma_h, tau_c, tau_h, x, y = gamma_h, gamma_c, tau_h, tau_c, y, x
        pc, ph = ph, pc
    if not converged:
        raise CycleError(f"optimal_time_allocation: the solver did not converge for gamma_c = {gamma_c:g}, "
                         f"gamma_h = {gamma_h:g}, tau_adi = {tau_adi:g}")
    if not (0 < tau_c < math.inf and 0 < tau_h < math.inf):
        raise CycleError(f"optimal_time_allocation: the optimal contact times for gamma_c = {gamma_c:g}, "
                         f"gamma_h = {gamma_h:g}, tau_adi = {tau_adi:g} are not representable as doubles "
                         f"(tau_c ~ 2^{x[1] - pc[1] - 1}, tau_h ~ 2^{y[1] - ph[1] - 1})")
    return TimeAllocation(tau_c, tau_h, True)


# -- linear irreversible thermodynamics (docs/explanation/physics.md, section 6) ----------------------------------


def onsager_matrix(T_c: float, w_a: float, gamma_c: float, gamma_h: float, tau_c: float,
                   tau_h: float, cycle_time: float) -> np.ndarray:
    """Onsager matrix of the two-level Otto cycle (forces X1 = beta_c Dw, X2 = beta_h - beta_c).

    Derivation (docs/explanation/irreversible.md): at the reference equilibrium (both reservoirs at T_c, both
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
