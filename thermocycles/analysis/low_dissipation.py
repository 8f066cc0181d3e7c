"""LowDissipationAnalysis: dissipation coefficients of a cycle's two isotherms, the low-dissipation
predictions built on them, and the cycle's true optimum for comparison.

The low-dissipation model (Esposito, Kawai, Lindenberg and Van den Broeck, PRL 105, 150603 (2010);
for refrigerators de Tomas, Calvo Hernandez and Roco, PRE 85, 010104(R) (2012)) writes the heat
each isotherm takes from its reservoir as the quasi-static one less a dissipated part inversely
proportional to the isotherm's duration: ``Q_i = T_i (Delta S_i - Sigma_i / tau_i)``. This module
measures that part on any cycle with one hot and one cold :class:`~thermocycles.Isotherm`, from the
slow-driving regime of the cycle itself.

Conventions (natural units, k_B = 1; ``heat[r]`` is the heat the substance absorbs from ``r``, as in
:mod:`thermocycles.core.performance`):

* ``Delta S_i`` -- the quasi-static entropy change of the substance along isotherm ``i``: Gibbs
  entropy at ``T_i`` of the eigen-energies at the isotherm's end minus that at its start;
* ``sigma_i = Delta S_i - heat[i] / T_i`` -- the isotherm's irreversible entropy in the periodic
  steady state of the cycle;
* ``sigma_i = sum_j A_ij / tau_j + O(1/tau^2)`` with ``j`` over (hot, cold): the matrix ``A`` of
  dissipation coefficients (:attr:`LowDissipationResult.coefficients`). Its off-diagonal entries
  are the lag carried over: a finite-speed isotherm ends out of equilibrium by ``O(1/tau)``, and
  the next reservoir takes up that deviation. They vanish at first order when the control stops
  smoothly at the isotherm's ends (e.g. the ``"cosine"`` schedule), and are as large as the
  diagonal for a linear ramp;
* ``Sigma_h = A_hh + A_ch`` and ``Sigma_c = A_hc + A_cc`` (column sums): the entropy production of
  the cycle is ``Sigma_h / tau_h + Sigma_c / tau_c + O(1/tau^2)``, as in the low-dissipation model.
  These are the ``Sigma`` of the published formulas.

Extraction. ``sigma_h`` and ``sigma_c`` are evaluated on a grid of long durations (``gamma tau`` in
:attr:`LowDissipationAnalysis.gamma_tau`, ``gamma`` the coupling of each isotherm's reservoir) in one
vectorised call, and fitted by a polynomial in ``(1/tau_h, 1/tau_c)`` without constant term, of
degree ``degree``; ``A`` is its linear part. The error estimate is the change of ``A`` when the
degree is lowered by one (an upper bound while the series converges: on two-level cycles 5 to 20
times the actual error, measured against first-order closed forms). Exponentially
small terms (``exp(-2 gamma tau)``) are below round-off on the default grid (``gamma tau >= 16``).

Predictions.

* :func:`efficiency_at_max_power` -- Esposito et al.: ``eta* = eta_C (1 + r) / ((1 + r)^2 +
  (T_c/T_h)(1 - Sigma_c/Sigma_h))``, ``r = sqrt(T_c Sigma_c / (T_h Sigma_h))``; identical to Schmiedl
  and Seifert's ``eta_C / (2 - alpha eta_C)`` with ``alpha = 1 / (1 + r)``
  (:func:`schmiedl_seifert_alpha`). Bounds ``eta_C/2`` (``Sigma_c/Sigma_h -> inf``) and
  ``eta_C/(2 - eta_C)`` (``-> 0``); ``Sigma_h = Sigma_c`` gives ``eta_CA = 1 - sqrt(T_c/T_h)``;
  ``T_h Sigma_h = T_c Sigma_c`` (equal irreversible *work* coefficients, the symmetric case of
  Schmiedl and Seifert's Brownian engine) gives ``alpha = 1/2``.
* :func:`cop_at_max_chi` -- de Tomas et al.: the COP at maximum ``chi = eps Q_c / t`` of the
  low-dissipation refrigerator, from one stationarity condition solved to round-off. Bounds ``0``
  (``Sigma_c/Sigma_h -> 0``) and ``eps_plus = (sqrt(9 + 8 eps_C) - 3)/2`` (``-> inf``);
  ``Sigma_h = Sigma_c`` gives ``eps_CA = sqrt(1 + eps_C) - 1``.
* :attr:`LowDissipationResult.prediction` -- the exact optimum of the first-order model with the
  full matrix ``A`` (cross terms included) and the cycle's other stroke durations, found by profiling
  over ``tau_h / tau_c`` (the optimum over the scale is a root of a polynomial).

Comparison. The :class:`~thermocycles.Optimizer` maximises the power (engine) or chi (refrigerator)
of the cycle itself over the two isotherm durations. The result says how far the true figure is from
each prediction, ``gamma tau`` at the optimum, and how large the terms beyond ``1/tau`` are there
(``first_order_error``: ``|sigma - A (1/tau)| / |sigma|`` per isotherm): the predictions are the
leading order of an expansion in the dissipated fraction at the optimum, which is ``O(eta_C)`` for
the engine and ``O(eps_C^(-1/2))`` for the refrigerator. See ``docs/explanation/low_dissipation.md``.
"""

from __future__ import annotations

import math
from typing import Any, cast

import attrs
import numpy as np
import scipy.optimize
from scipy.special import logsumexp

from ..core.model import check_backend
from ..errors import AnalysisError, ParameterError
from ..spec.cycle import Cycle
from ..spec.strokes.isotherm import Isotherm
from ..units import ENTROPY, ENTROPY_UNIT_J_PER_K, TEMPERATURE, TIME, TIME_UNIT_S, Kind
from .optimize import Optimizer

#: Kind of the dissipation coefficients Sigma (entropy times time): J s / K with units.
ENTROPY_TIME = Kind("entropy times time", "an entropy times a time", "J*s/K", ENTROPY_UNIT_J_PER_K * TIME_UNIT_S)


# -- the published formulas (vectorised, natural units) ----------------------------------------------
def schmiedl_seifert_alpha(T_c: Any, T_h: Any, sigma_h: Any, sigma_c: Any) -> Any:
    """``alpha = 1 / (1 + sqrt(T_c Sigma_c / (T_h Sigma_h)))``, so that ``eta* = eta_C / (2 - alpha eta_C)``.

    ``alpha`` runs from 0 (``Sigma_c / Sigma_h -> inf``) to 1 (``-> 0``); equal irreversible work
    coefficients ``T_h Sigma_h = T_c Sigma_c`` give 1/2, ``Sigma_h = Sigma_c`` gives
    ``1 / (1 + sqrt(T_c/T_h))`` (Curzon-Ahlborn).

    Examples
    --------
    >>> float(schmiedl_seifert_alpha(1.0, 2.0, 1.0, 2.0))  # T_h Sigma_h = T_c Sigma_c
    0.5
    """
    T_c, T_h, s_h, s_c = (np.asarray(v, dtype=float) for v in (T_c, T_h, sigma_h, sigma_c))
    _check_sigmas(s_h, s_c, "schmiedl_seifert_alpha")
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt(T_c * s_c / (T_h * s_h))  # inf where Sigma_h = 0
    return (1.0 / (1.0 + r))[()]


def efficiency_at_max_power(T_c: Any, T_h: Any, sigma_h: Any, sigma_c: Any) -> Any:
    """Efficiency at maximum power of the low-dissipation Carnot engine (Esposito et al. 2010).

    ``eta* = eta_C (1 + r) / ((1 + r)^2 + (T_c/T_h)(1 - Sigma_c/Sigma_h))`` with
    ``r = sqrt(T_c Sigma_c / (T_h Sigma_h))``, evaluated as ``eta_C / (2 - alpha eta_C)``,
    ``alpha = 1/(1 + r)`` (the same expression, finite in both limits).

    Parameters
    ----------
    T_c, T_h : float or ndarray
        Reservoir temperatures, ``0 < T_c < T_h``.
    sigma_h, sigma_c : float or ndarray
        Dissipation coefficients (>= 0, not both 0) of the hot and cold isotherms.

    Examples
    --------
    >>> round(float(efficiency_at_max_power(1.0, 4.0, 1.0, 1.0)), 12)  # symmetric: 1 - sqrt(1/4)
    0.5
    >>> float(efficiency_at_max_power(1.0, 4.0, 1.0, 0.0))  # eta_C / (2 - eta_C)
    0.6
    """
    T_c, T_h = np.asarray(T_c, dtype=float), np.asarray(T_h, dtype=float)
    _check_temperatures(T_c, T_h, "efficiency_at_max_power")
    eta_c = 1.0 - T_c / T_h
    return (eta_c / (2.0 - schmiedl_seifert_alpha(T_c, T_h, sigma_h, sigma_c) * eta_c))[()]


def cop_at_max_chi(T_c: Any, T_h: Any, sigma_h: Any, sigma_c: Any) -> Any:
    """COP at maximum ``chi = eps Q_c / t`` of the low-dissipation refrigerator (de Tomas et al. 2012).

    With ``Q_c = T_c (Delta S - Sigma_c/tau_c)``, ``W = (T_h - T_c) Delta S + T_h Sigma_h/tau_h +
    T_c Sigma_c/tau_c`` and ``t = tau_h + tau_c``, write ``u = Sigma_c / (Delta S tau_c)`` and
    ``v = T_h Sigma_h / (T_c Delta S tau_h)``; then ``chi`` is proportional to
    ``(1 - u)^2 / ((e + u + v)(1/u + rho/v))`` with ``e = 1/eps_C`` and
    ``rho = T_h Sigma_h / (T_c Sigma_c)``. Stationarity in ``v`` gives ``v = sqrt(rho u (e + u))``;
    stationarity in ``u``, ``1 / (u (1 + sqrt(rho u / (e + u)))) = 2/(1 - u) + 1/(e + u + v)``, has
    one root in ``(0, 1)``, found by bisection to round-off; ``eps* = (1 - u)/(e + u + v)``.

    Limits: ``Sigma_c/Sigma_h -> 0`` gives 0, ``-> inf`` gives ``eps_plus``, and ``Sigma_h = Sigma_c``
    gives ``eps_CA = sqrt(1 + eps_C) - 1``.

    Examples
    --------
    >>> round(float(cop_at_max_chi(1.0, 2.0, 1.0, 1.0)), 12)  # eps_C = 1: eps_CA = sqrt(2) - 1
    0.414213562373
    >>> round(float(cop_at_max_chi(2.0, 3.0, 0.0, 1.0)), 12)  # eps_C = 2: eps_plus = 1
    1.0
    """
    T_c, T_h, s_h, s_c = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (T_c, T_h, sigma_h, sigma_c)))
    _check_temperatures(T_c, T_h, "cop_at_max_chi")
    _check_sigmas(s_h, s_c, "cop_at_max_chi")
    e = (T_h - T_c) / T_c
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(s_c > 0, T_h * s_h / np.where(s_c > 0, T_c * s_c, 1.0), np.inf)

    def excess(u: np.ndarray) -> np.ndarray:
        # left minus right side of the u-condition; decreasing from +inf (u -> 0) to -inf (u -> 1)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            root = np.sqrt(np.where(np.isinf(rho), np.inf, rho * u / (e + u)))
            v = np.sqrt(np.where(np.isinf(rho), np.inf, rho * u * (e + u)))
            left = 1.0 / (u * (1.0 + root))
            right = 2.0 / (1.0 - u) + np.where(np.isinf(v), 0.0, 1.0 / (e + u + v))
        return np.where(np.isinf(rho), -1.0, left - right)

    # bisection on u = 1 / (1 + exp(-s)), s in [-700, 40]: u from 1e-304 to 1 - 4e-18
    lo, hi = np.full(T_c.shape, -700.0), np.full(T_c.shape, 40.0)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        positive = excess(1.0 / (1.0 + np.exp(-mid))) > 0
        lo, hi = np.where(positive, mid, lo), np.where(positive, hi, mid)
    u = 1.0 / (1.0 + np.exp(-0.5 * (lo + hi)))
    with np.errstate(invalid="ignore", over="ignore"):
        v = np.sqrt(rho * u * (e + u))
        cop = np.where(np.isinf(rho), 0.0, (1.0 - u) / (e + u + v))
    return cop[()]


def efficiency_bounds(T_c: Any, T_h: Any) -> tuple[Any, Any]:
    """``(eta_C / 2, eta_C / (2 - eta_C))``: bounds of :func:`efficiency_at_max_power`.

    Examples
    --------
    >>> tuple(float(b) for b in efficiency_bounds(1.0, 4.0))
    (0.375, 0.6)
    """
    T_c, T_h = np.asarray(T_c, dtype=float), np.asarray(T_h, dtype=float)
    _check_temperatures(T_c, T_h, "efficiency_bounds")
    eta_c = 1.0 - T_c / T_h
    return (eta_c / 2.0)[()], (eta_c / (2.0 - eta_c))[()]


def cop_bounds(T_c: Any, T_h: Any) -> tuple[Any, Any]:
    """``(0, eps_plus)`` with ``eps_plus = (sqrt(9 + 8 eps_C) - 3)/2``: bounds of :func:`cop_at_max_chi`.

    Examples
    --------
    >>> lower, upper = cop_bounds(2.0, 3.0)  # eps_C = 2
    >>> float(lower), float(upper)
    (0.0, 1.0)
    """
    T_c, T_h = np.asarray(T_c, dtype=float), np.asarray(T_h, dtype=float)
    _check_temperatures(T_c, T_h, "cop_bounds")
    eps_c = T_c / (T_h - T_c)
    return (0.0 * eps_c)[()], (4.0 * eps_c / (np.sqrt(9.0 + 8.0 * eps_c) + 3.0))[()]


def _check_temperatures(T_c: np.ndarray, T_h: np.ndarray, where: str) -> None:
    if not (np.all(np.isfinite(T_c)) and np.all(np.isfinite(T_h)) and np.all(T_c > 0) and np.all(T_h > T_c)):
        raise ParameterError(f"{where}: needs finite temperatures 0 < T_c < T_h; got T_c={T_c}, T_h={T_h}")


def _check_sigmas(s_h: np.ndarray, s_c: np.ndarray, where: str) -> None:
    if not (np.all(np.isfinite(s_h)) and np.all(np.isfinite(s_c)) and np.all(s_h >= 0) and np.all(s_c >= 0)
            and np.all(s_h + s_c > 0)):
        raise ParameterError(
            f"{where}: the dissipation coefficients must be finite, >= 0 and not both 0; got "
            f"sigma_h={s_h}, sigma_c={s_c}")


# -- the first-order model with the full coefficient matrix ------------------------------------------
def first_order_optimum(mode: str, T_h: float, T_c: float, dS_h: float, dS_c: float, A: np.ndarray,
                        t_other: float = 0.0) -> tuple[float, float, float]:
    """Optimum ``(tau_h, tau_c, figure)`` of the first-order model ``sigma_i = sum_j A_ij / tau_j``.

    Heats ``heat_i = T_i (dS_i - sigma_i)``; the cycle time is ``tau_h + tau_c + t_other``. An engine
    (``mode="engine"``) maximises the power and reports its efficiency ``-W / heat_h``; a
    refrigerator maximises ``chi`` and reports its COP ``heat_c / W``. At a fixed ratio
    ``lambda = tau_h / tau_c`` the optimum over ``z = 1/tau_c`` is a root of a polynomial (a
    quadratic for the power, a cubic for chi); the ratio is then found on a grid in ``log lambda``
    refined by Brent's method. Returns NaNs where the model has no interior maximum (it gains
    without bound as the durations shrink, which happens when a cross term makes a heat grow as its
    isotherm speeds up).

    Examples
    --------
    >>> import numpy as np
    >>> tau_h, tau_c, eta = first_order_optimum("engine", 4.0, 1.0, 1.0, -1.0, np.diag([1.0, 1.0]))
    >>> round(eta, 10), round(float(tau_h), 8), round(float(tau_c), 8)  # eta_CA = 1/2; 2 T Sigma (1 + r)/(dT dS)
    (0.5, 4.0, 2.0)
    """
    if mode not in ("engine", "refrigerator"):
        raise ParameterError(f"first_order_optimum: mode must be 'engine' or 'refrigerator'; got {mode!r}")
    A = np.asarray(A, dtype=float)

    def profile(lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(objective, z) at the best scale for tau_h = lam tau_c; -inf where there is none, +inf
        where the objective grows without bound as the durations shrink at this ratio."""
        lam = np.atleast_1d(np.asarray(lam, dtype=float))
        s_h, s_c = A[0, 0] / lam + A[0, 1], A[1, 0] / lam + A[1, 1]
        L = 1.0 + lam
        value, best_z = np.full(lam.shape, -np.inf), np.full(lam.shape, np.nan)
        if mode == "engine":
            a, b = T_h * dS_h + T_c * dS_c, T_h * s_h + T_c * s_c  # work delivered: a - b z
            ok = (a > 0) & (b > 0)
            b = np.where(ok, b, 1.0)
            z = a * L / (b * L + np.sqrt(b * b * L * L + abs(a) * b * t_other * L))
            ok &= T_h * (dS_h - s_h * z) > 0  # heat drawn from the hot reservoir
            value = np.where(ok, z * (a - b * z) / (L + t_other * z), -np.inf)
            value = np.where((a > 0) & (T_h * s_h + T_c * s_c <= 0), np.inf, value)  # work grows with speed
            return value, np.where(ok, z, np.nan)
        c, p = T_c * dS_c, T_c * s_c  # heat from the cold reservoir: c - p z
        d, q = -(T_h * dS_h + T_c * dS_c), T_h * s_h + T_c * s_c  # work: d + q z
        n = len(lam)
        one, zero = np.ones(n), np.zeros(n)
        qc, w, t = np.stack([c * one, -p], -1), np.stack([d * one, q], -1), np.stack([L, t_other * one], -1)
        zz = np.stack([zero, one], -1)
        stationary = (_pmul(_pmul(qc, w), t) - 2 * p[:, None] * _pad(_pmul(_pmul(zz, w), t), 4)
                      - q[:, None] * _pad(_pmul(_pmul(zz, qc), t), 4) - t_other * _pad(_pmul(_pmul(zz, qc), w), 4))
        for k in np.flatnonzero((c > 0) & (d >= 0) & (p > 0)):
            coefficients = np.trim_zeros(stationary[k], "b")
            if len(coefficients) < 2:
                continue
            roots: np.ndarray = np.polynomial.polynomial.polyroots(coefficients)
            for root in roots:
                if abs(root.imag) > 1e-9 * abs(root) or not 0 < root.real < c / p[k]:
                    continue
                zk = float(root.real)
                work = d + q[k] * zk
                if work <= 0:
                    continue
                candidate = zk * (c - p[k] * zk) ** 2 / (work * (L[k] + t_other * zk))
                if candidate > value[k]:
                    value[k], best_z[k] = candidate, zk
        value[(c > 0) & (d >= 0) & (p <= 0)] = np.inf  # the cold heat grows with speed
        return value, best_z

    def best_at(g: float) -> tuple[float, float]:
        value, z = profile(np.array([math.exp(g)]))
        return float(value[0]), float(z[0])

    grid = np.linspace(-9.0, 9.0, 361)
    values = profile(np.exp(grid))[0]
    if not np.any(np.isfinite(values)) or np.any(values == np.inf):
        return math.nan, math.nan, math.nan
    k = int(np.argmax(values))
    if k in (0, len(grid) - 1):  # the ratio runs to an end of the grid: no interior optimum
        return math.nan, math.nan, math.nan
    res = scipy.optimize.minimize_scalar(lambda g: -best_at(g)[0], bounds=(grid[k - 1], grid[k + 1]),
                                         method="bounded", options={"xatol": 1e-12})
    g_best = float(res.x)

    def slope(g: float, h: float = 1e-5) -> float:
        return (best_at(g + h)[0] - best_at(g - h)[0]) / (2 * h)

    # Brent on the value pins the ratio to ~sqrt(round-off); the root of the slope pins it to ~1e-11
    lo, hi = g_best - 0.05, g_best + 0.05
    if np.isfinite(slope(lo)) and np.isfinite(slope(hi)) and slope(lo) > 0 > slope(hi):
        g_best = scipy.optimize.brentq(slope, lo, hi, xtol=1e-14)
    lam = math.exp(g_best)
    _, z = best_at(g_best)
    tau_c = 1.0 / z
    tau_h = lam * tau_c
    s_h, s_c = A[0, 0] / tau_h + A[0, 1] / tau_c, A[1, 0] / tau_h + A[1, 1] / tau_c
    heat_h, heat_c = T_h * (dS_h - s_h), T_c * (dS_c - s_c)
    work = -(heat_h + heat_c)
    figure = -work / heat_h if mode == "engine" else heat_c / work
    return float(tau_h), float(tau_c), float(figure)


def _pmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Products of batches of polynomials (coefficients low to high along the last axis)."""
    out = np.zeros(a.shape[:-1] + (a.shape[-1] + b.shape[-1] - 1,))
    for i in range(a.shape[-1]):
        out[..., i:i + b.shape[-1]] += a[..., i:i + 1] * b
    return out


def _pad(a: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate([a, np.zeros(a.shape[:-1] + (n - a.shape[-1],))], axis=-1) if a.shape[-1] < n else a


# -- the analysis -------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class LowDissipationResult:
    """Outcome of :meth:`LowDissipationAnalysis.run` (natural units unless said otherwise).

    Attributes
    ----------
    mode : {"engine", "refrigerator"}
        From the sign of the hot isotherm's quasi-static entropy change (> 0: engine).
    hot, cold : str
        Reservoir names; ``durations`` the names of the two isotherms' duration parameters.
    T_h, T_c : float
    delta_S : float
        Quasi-static entropy change of the substance on the hot isotherm (``> 0`` for an engine); the
        cold isotherm's is ``-delta_S`` within ``delta_S_mismatch``.
    coefficients, coefficients_error : ndarray, shape (2, 2)
        ``A_ij``: the coefficient of ``1/tau_j`` in isotherm ``i``'s irreversible entropy
        (``i, j``: hot, cold), and its error estimate.
    sigma_h, sigma_c : float
        Column sums of ``A``: entropy production ``= sigma_h/tau_h + sigma_c/tau_c + O(1/tau^2)``.
    sigma_error : tuple of float
        Error estimates of ``sigma_h`` and ``sigma_c``.
    gamma_tau : tuple of float
        The grid of ``gamma tau`` the coefficients were extracted from.
    literature : float
        Esposito et al.'s ``eta*`` (engine) or de Tomas et al.'s ``eps*`` (refrigerator) from
        ``sigma_h`` and ``sigma_c``.
    alpha : float
        Schmiedl and Seifert's ``alpha = 1/(1 + sqrt(T_c sigma_c / (T_h sigma_h)))`` (engine; NaN for a
        refrigerator).
    bounds : tuple of float
        ``(eta_C/2, eta_C/(2 - eta_C))`` or ``(0, eps_plus)``.
    carnot, curzon_ahlborn : float
        ``eta_C``, ``eta_CA`` (engine) or ``eps_C``, ``eps_CA`` (refrigerator).
    prediction : float
        Efficiency (COP) at the optimum of the first-order model with the full matrix ``A``
        (:func:`first_order_optimum`); NaN if it has none.
    prediction_tau : tuple of float
        ``(tau_h, tau_c)`` there.
    optimum : float or None
        Efficiency at maximum power (COP at maximum chi) of the cycle itself, found by the
        Optimizer (None if not compared).
    optimum_tau, optimum_gamma_tau : tuple of float or None
        The optimal durations, and them times the reservoirs' couplings.
    optimum_success : bool or None
        The Optimizer's verdict; ``optimum_message`` its message.
    first_order_error : tuple of float or None
        ``|sigma_i - sum_j A_ij / tau_j| / |sigma_i|`` at the optimum, per isotherm: the weight of the
        terms beyond ``1/tau`` there (small means the optimum lies in the low-dissipation regime).
    alpha_measured : float or None
        ``(2 - eta_C / eta*) / eta_C`` at the true optimum (engine): the ``alpha`` for which
        ``eta* = eta_C / (2 - alpha eta_C)`` holds exactly.
    has_units : bool
        Whether :meth:`quantities` gives pint quantities.
    """

    mode: str
    hot: str
    cold: str
    durations: tuple[str, str]
    T_h: float
    T_c: float
    delta_S: float
    delta_S_mismatch: float
    coefficients: np.ndarray = attrs.field(eq=False)
    coefficients_error: np.ndarray = attrs.field(eq=False)
    sigma_h: float
    sigma_c: float
    sigma_error: tuple[float, float]
    gamma_tau: tuple[float, ...]
    literature: float
    alpha: float
    bounds: tuple[float, float]
    carnot: float
    curzon_ahlborn: float
    prediction: float
    prediction_tau: tuple[float, float]
    optimum: float | None = None
    optimum_tau: tuple[float, float] | None = None
    optimum_gamma_tau: tuple[float, float] | None = None
    optimum_success: bool | None = None
    optimum_message: str = ""
    first_order_error: tuple[float, float] | None = None
    alpha_measured: float | None = None
    has_units: bool = False

    @property
    def within_bounds(self) -> bool | None:
        """Whether the true optimum's figure lies within :attr:`bounds` (None if not compared)."""
        if self.optimum is None:
            return None
        return bool(self.bounds[0] <= self.optimum <= self.bounds[1])

    def deviation(self, reference: str = "literature") -> float:
        """Relative deviation ``(optimum - ref) / ref`` of the true optimum from a reference figure.

        ``reference``: ``"literature"``, ``"prediction"``, ``"curzon_ahlborn"``, ``"lower"`` or
        ``"upper"`` (the bounds).
        """
        refs = {"literature": self.literature, "prediction": self.prediction,
                "curzon_ahlborn": self.curzon_ahlborn, "lower": self.bounds[0], "upper": self.bounds[1]}
        if reference not in refs:
            raise ParameterError(f"LowDissipationResult.deviation: reference must be one of {sorted(refs)}; "
                                 f"got {reference!r}")
        if self.optimum is None:
            raise AnalysisError("LowDissipationResult.deviation: the analysis ran without the Optimizer "
                                "(compare=False)")
        ref = refs[reference]
        return (self.optimum - ref) / ref if ref != 0 else math.inf

    def quantities(self) -> dict[str, Any]:
        """Sigma's, durations, temperatures and delta_S with units where the cycle has units."""
        def out(value: Any, kind: Kind) -> Any:
            if value is None:
                return None
            if isinstance(value, tuple):
                return tuple(out(v, kind) for v in value)
            return kind.wrap(float(value)) if self.has_units else float(value)

        return {
            "sigma_h": out(self.sigma_h, ENTROPY_TIME), "sigma_c": out(self.sigma_c, ENTROPY_TIME),
            "sigma_error": out(self.sigma_error, ENTROPY_TIME),
            "prediction_tau": out(self.prediction_tau, TIME), "optimum_tau": out(self.optimum_tau, TIME),
            "T_h": out(self.T_h, TEMPERATURE), "T_c": out(self.T_c, TEMPERATURE),
            "delta_S": out(self.delta_S, ENTROPY),
        }

    def summary(self) -> str:
        """A few lines for a person to read."""
        name = "eta" if self.mode == "engine" else "eps"
        lines = [
            f"{self.mode}: T_c/T_h = {self.T_c / self.T_h:.6g}, {name}_C = {self.carnot:.6g}, "
            f"{name}_CA = {self.curzon_ahlborn:.6g}, bounds [{self.bounds[0]:.6g}, {self.bounds[1]:.6g}]",
            f"Sigma_h = {self.sigma_h:.6g} +- {self.sigma_error[0]:.2g}, Sigma_c = {self.sigma_c:.6g} "
            f"+- {self.sigma_error[1]:.2g} (cross terms A_hc = {self.coefficients[0, 1]:.4g}, "
            f"A_ch = {self.coefficients[1, 0]:.4g})",
            f"literature {name}* = {self.literature:.6g}; first-order model {name}* = {self.prediction:.6g}",
        ]
        if self.optimum is not None and self.optimum_gamma_tau and self.first_order_error:
            lines.append(
                f"true optimum {name}* = {self.optimum:.6g} at gamma tau = "
                f"({self.optimum_gamma_tau[0]:.4g}, {self.optimum_gamma_tau[1]:.4g}), terms beyond 1/tau "
                f"there: {self.first_order_error[0]:.2g}, {self.first_order_error[1]:.2g} (relative)")
        return "\n".join(lines)


@attrs.frozen(kw_only=True)
class LowDissipationAnalysis:
    """Low-dissipation analysis of a cycle with one hot and one cold isotherm.

    Parameters
    ----------
    gamma_tau : tuple of float
        Durations of the extraction grid in units of each reservoir's ``1/coupling`` (at least
        ``degree + 1`` values, all ``>= 4``); every pair (hot, cold) is evaluated.
    degree : int
        Degree of the polynomial in ``(1/tau_h, 1/tau_c)`` fitted to the irreversible entropies
        (2 to 4).
    durations : tuple of str, optional
        Names of the duration parameters of the hot and the cold isotherm (in that order), to pick
        them among several isotherms; by default the cycle must have exactly one isotherm per
        reservoir.
    compare : bool
        Also find the true optimum with the Optimizer (power for an engine, chi for a
        refrigerator, over the two isotherm durations).
    search : float
        The Optimizer's bounds: the first-order prediction of each duration divided and multiplied by
        ``search`` (or ``0.1/gamma`` to ``100/gamma`` when there is no prediction).
    n_starts : int
        Sobol points of the Optimizer's multistart.
    tolerance : float
        Allowed relative mismatch of the isotherms' quasi-static entropy changes (the cycle must be
        reversible in the slow limit: the adiabats map Gibbs states onto Gibbs states).
    backend : str
        State space of the evaluations: "auto" or a name in
        :data:`thermocycles.extend.BACKEND_OBJECTS`.

    Examples
    --------
    A two-level Carnot engine whose control stops smoothly at the isotherms' ends (cosine schedule),
    with equal couplings: the two isotherms dissipate alike, and the low-dissipation prediction is
    the Curzon-Ahlborn efficiency.

    >>> import thermocycles as tc
    >>> hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    >>> cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    >>> w = [tc.Parameter(f"w_{k}", v) for k, v in enumerate((4.0, 2.0, 1.0, 2.0), start=1)]
    >>> engine = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
    ...     tc.Isotherm(name="h", reservoir=hot, start=w[0], end=w[1], duration=5.0, schedule="cosine"),
    ...     tc.QuantumAdiabat(name="hc", start=w[1], end=w[2], duration=0.0),
    ...     tc.Isotherm(name="c", reservoir=cold, start=w[2], end=w[3], duration=5.0, schedule="cosine"),
    ...     tc.QuantumAdiabat(name="ch", start=w[3], end=w[0], duration=0.0)])
    >>> res = LowDissipationAnalysis(compare=False).run(engine)
    >>> res.mode, round(res.sigma_h / res.sigma_c, 4), round(res.literature, 4), round(res.curzon_ahlborn, 4)
    ('engine', 1.0, 0.2929, 0.2929)
    >>> round(res.sigma_h, 5), bool(res.sigma_error[0] < 2e-3 * res.sigma_h)  # (1/2 gamma) int beta |du/dw| dw^2
    (0.09228, True)
    >>> bool(abs(res.coefficients[0, 1]) < 1e-3 * res.sigma_h)  # no lag carried over at first order
    True
    """

    gamma_tau: tuple[float, ...] = attrs.field(default=(16.0, 24.0, 32.0, 48.0, 64.0), converter=tuple)
    degree: int = 4
    durations: tuple[str, str] | None = attrs.field(default=None)
    compare: bool = True
    search: float = 20.0
    n_starts: int = 16
    tolerance: float = 1e-6
    backend: str = "auto"

    def __attrs_post_init__(self) -> None:
        name = type(self).__name__
        if not (isinstance(self.degree, int) and 2 <= self.degree <= 4):
            raise ParameterError(f"{name}.degree must be an integer from 2 to 4; got {self.degree!r}")
        grid = self.gamma_tau
        if not (len(grid) >= self.degree + 1 and all(isinstance(g, (int, float)) and math.isfinite(g) and g >= 4
                                                    for g in grid) and len(set(grid)) == len(grid)):
            raise ParameterError(
                f"{name}.gamma_tau must hold at least degree + 1 = {self.degree + 1} distinct finite values "
                f">= 4 (durations in units of 1/coupling, long enough for the slow-driving regime); got {grid!r}")
        if self.durations is not None and not (
                isinstance(self.durations, tuple) and len(self.durations) == 2
                and all(isinstance(n, str) for n in self.durations) and self.durations[0] != self.durations[1]):
            raise ParameterError(f"{name}.durations must be two different parameter names (hot, cold); "
                                 f"got {self.durations!r}")
        if not (isinstance(self.search, (int, float)) and self.search > 1):
            raise ParameterError(f"{name}.search must be a number > 1; got {self.search!r}")
        if not (isinstance(self.n_starts, int) and self.n_starts >= 1):
            raise ParameterError(f"{name}.n_starts must be a positive integer; got {self.n_starts!r}")
        if not (isinstance(self.tolerance, (int, float)) and 0 < self.tolerance < 1):
            raise ParameterError(f"{name}.tolerance must be in (0, 1); got {self.tolerance!r}")
        check_backend(self.backend, f"{name}.backend")

    # -- running ------------------------------------------------------------------------------------
    def run(self, cycle: Cycle) -> LowDissipationResult:
        """Extract the dissipation coefficients, predict, and (if ``compare``) find the true optimum."""
        setup = _Setup(cycle, self.durations, self.tolerance)
        model = cycle.model
        A, A_err = self._coefficients(setup)
        sigma = A.sum(axis=0)
        sigma_err = A_err.sum(axis=0)
        T_h, T_c = setup.T_h, setup.T_c
        engine = setup.mode == "engine"
        if engine:
            carnot = 1.0 - T_c / T_h
            ca = 1.0 - math.sqrt(T_c / T_h)
            bounds = efficiency_bounds(T_c, T_h)
        else:
            carnot = T_c / (T_h - T_c)
            ca = math.sqrt(1.0 + carnot) - 1.0
            bounds = cop_bounds(T_c, T_h)
        if sigma[0] >= 0 and sigma[1] >= 0 and sigma.sum() > 0:
            lit = efficiency_at_max_power(T_c, T_h, *sigma) if engine else cop_at_max_chi(T_c, T_h, *sigma)
            alpha = float(schmiedl_seifert_alpha(T_c, T_h, *sigma)) if engine else math.nan
        else:  # a negative entropy production coefficient: the grid is not in the slow-driving regime
            lit, alpha = math.nan, math.nan
        tau_h, tau_c, predicted = first_order_optimum(setup.mode, T_h, T_c, setup.dS_h, setup.dS_c, A,
                                                      setup.t_other)
        fields: dict[str, Any] = {}
        if self.compare:
            fields = self._compare(cycle, setup, A, (tau_h, tau_c), carnot)
        return LowDissipationResult(
            mode=setup.mode, hot=setup.hot, cold=setup.cold, durations=(setup.tau_h, setup.tau_c),
            T_h=T_h, T_c=T_c, delta_S=setup.dS_h, delta_S_mismatch=setup.dS_h + setup.dS_c,
            coefficients=A, coefficients_error=A_err, sigma_h=float(sigma[0]), sigma_c=float(sigma[1]),
            sigma_error=(float(sigma_err[0]), float(sigma_err[1])), gamma_tau=tuple(float(g) for g in self.gamma_tau),
            literature=float(lit), alpha=alpha, bounds=(float(bounds[0]), float(bounds[1])), carnot=float(carnot),
            curzon_ahlborn=float(ca), prediction=predicted, prediction_tau=(tau_h, tau_c),
            has_units=model.has_units, **fields)

    def _coefficients(self, setup: _Setup) -> tuple[np.ndarray, np.ndarray]:
        """A and its error estimate from the grid of long durations (one vectorised evaluation)."""
        g = np.asarray(sorted(self.gamma_tau), dtype=float)
        gh, gc = (m.ravel() for m in np.meshgrid(g, g, indexing="ij"))
        sig = setup.sigmas(gh / setup.gamma_h, gc / setup.gamma_c, self.backend)
        x, y = 1.0 / gh, 1.0 / gc  # dimensionless: sigma = a_h x + a_c y + ..., A = a / gamma

        def linear_part(degree: int, keep: np.ndarray) -> np.ndarray:
            columns = [x[keep] ** i * y[keep] ** (n - i) for n in range(1, degree + 1) for i in range(n, -1, -1)]
            basis = np.stack(columns, axis=-1)
            scale = np.abs(basis).max(axis=0)
            coef = np.linalg.lstsq(basis / scale, sig[:, keep].T, rcond=None)[0] / scale[:, None]
            return coef[:2].T  # rows: isotherm (hot, cold); columns: x (hot), y (cold)

        full = np.ones(len(x), dtype=bool)
        best = linear_part(self.degree, full)
        # the change when the highest order is left out: an upper bound of the truncation error while
        # the series converges (measured: 5-20 times the actual error on two-level cycles)
        error = np.abs(best - linear_part(self.degree - 1, full))
        to_time = np.array([1.0 / setup.gamma_h, 1.0 / setup.gamma_c])[None, :]
        return best * to_time, error * to_time

    def _compare(self, cycle: Cycle, setup: _Setup, A: np.ndarray, predicted: tuple[float, float],
                 carnot: float) -> dict[str, Any]:
        """The Optimizer's optimum of the cycle itself, and what it says of the predictions."""
        gammas = (setup.gamma_h, setup.gamma_c)
        bounds: dict[str, tuple[Any, Any]] = {}
        for name, tau, gamma in zip((setup.tau_h, setup.tau_c), predicted, gammas):
            if math.isfinite(tau) and tau > 0:
                bounds[name] = (tau / self.search, tau * self.search)
            else:
                bounds[name] = (0.1 / gamma, 100.0 / gamma)
        if cycle.has_units:
            spec = cycle.model.specs
            bounds = {n: tuple(spec[n].kind.like(b, spec[n].value) for b in bs) for n, bs in bounds.items()}
        objective = "power" if setup.mode == "engine" else "chi"
        optimizer = Optimizer(objective=objective, variables=cast(Any, bounds), n_starts=self.n_starts, n_local=2)
        result = optimizer.run(cycle)
        taus = (result.x_natural[setup.tau_h], result.x_natural[setup.tau_c])
        perf = result.performance.natural()
        figure = float(perf.efficiency) if setup.mode == "engine" else float(perf.cop)
        sig = setup.sigmas(np.array([taus[0]]), np.array([taus[1]]), self.backend)[:, 0]
        first = A @ np.array([1.0 / taus[0], 1.0 / taus[1]])
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.abs(sig - first) / np.abs(sig)
        alpha = (2.0 - carnot / figure) / carnot if setup.mode == "engine" else None
        return dict(optimum=figure, optimum_tau=(float(taus[0]), float(taus[1])),
                    optimum_gamma_tau=(float(taus[0] * gammas[0]), float(taus[1] * gammas[1])),
                    optimum_success=bool(result.success), optimum_message=result.message,
                    first_order_error=(float(rel[0]), float(rel[1])), alpha_measured=alpha)


class _Setup:
    """The two isotherms of a cycle, its reservoirs, and the irreversible entropy of each isotherm."""

    def __init__(self, cycle: Cycle, durations: tuple[str, str] | None, tolerance: float):
        name = "LowDissipationAnalysis"
        if not isinstance(cycle, Cycle):
            raise ParameterError(f"{name}.run needs a Cycle; got {cycle!r}")
        model = cycle.model
        self.model = model
        shaped = [n for n, v in model.defaults.items() if np.ndim(v) != 0]
        if shaped:
            raise AnalysisError(f"{name} needs a cycle with scalar parameters; {', '.join(shaped)} are arrays "
                                f"(analyse each point separately)")
        if model.substance.n_levels is None:
            raise AnalysisError(f"{name} needs a substance with finitely many levels to evaluate isotherms; "
                                f"{type(model.substance).__name__} has none (truncate it, e.g. levels=N)")
        isotherms = [k for k, s in enumerate(model.strokes) if isinstance(s, Isotherm)]
        if durations is not None:
            by_name = {model.parameter(k, "duration"): k for k in isotherms}
            missing = [n for n in durations if n not in by_name]
            if missing:
                raise AnalysisError(
                    f"{name}.durations: {', '.join(map(repr, missing))} is not the duration of an Isotherm of this "
                    f"cycle; isotherm durations: {', '.join(by_name) or 'none'}")
            chosen = [by_name[n] for n in durations]
        else:
            if len(isotherms) < 2:
                raise AnalysisError(
                    f"{name} needs a cycle with a hot and a cold Isotherm (contact while the control ramps); this "
                    f"cycle has {len(isotherms)} ({', '.join(type(s).__name__ for s in model.strokes)})")
            reservoirs = [model.strokes[k].reservoir.name for k in isotherms]
            if len(set(reservoirs)) != 2 or len(isotherms) != 2:
                raise AnalysisError(
                    f"{name} needs exactly one Isotherm with each of two reservoirs; this cycle has isotherms "
                    f"with {', '.join(reservoirs)}: name the hot and cold ones' durations with durations=(..., ...)")
            chosen = isotherms
        k1, k2 = chosen
        r1, r2 = model.strokes[k1].reservoir.name, model.strokes[k2].reservoir.name
        if r1 == r2:
            raise AnalysisError(f"{name} needs isotherms with two different reservoirs; both touch {r1!r}")
        temps = {r: float(model.defaults[model.temperature_names[r]]) for r in (r1, r2)}
        if temps[r1] == temps[r2]:
            raise AnalysisError(f"{name} needs a hot and a cold reservoir; {r1!r} and {r2!r} are both at "
                                f"T = {temps[r1]}")
        if durations is not None and temps[r1] < temps[r2]:
            raise AnalysisError(f"{name}.durations: the first name must be the hot isotherm's duration; "
                                f"{durations[0]!r} is in contact with {r1!r} at T = {temps[r1]}, colder than "
                                f"{r2!r} at T = {temps[r2]}")
        if temps[r1] < temps[r2]:
            k1, k2, r1, r2 = k2, k1, r2, r1
        self.k_h, self.k_c, self.hot, self.cold = k1, k2, r1, r2
        others = [s for k, s in enumerate(model.strokes) if k not in (k1, k2) and s.reservoirs()]
        if others:
            raise AnalysisError(
                f"{name}: heat must be exchanged on the two isotherms alone; "
                f"{', '.join(f'{type(s).__name__} {s.name!r}' for s in others)} also touch a reservoir")
        self.tau_h, self.tau_c = model.parameter(k1, "duration"), model.parameter(k2, "duration")
        if self.tau_h == self.tau_c:
            raise AnalysisError(f"{name}: both isotherms read the duration parameter {self.tau_h!r}; give them "
                                f"separate durations")
        self.T_h, self.T_c = temps[r1], temps[r2]
        self.gamma_h = float(model.defaults[model.reservoir_parameter(r1, "coupling")])
        self.gamma_c = float(model.defaults[model.reservoir_parameter(r2, "coupling")])
        others_t = [model.parameter(k, "duration") for k in range(len(model.strokes)) if k not in (k1, k2)]
        self.t_other = float(sum(model.defaults[n] for n in dict.fromkeys(others_t)))
        self.dS_h = self._gibbs_change(k1, self.T_h)
        self.dS_c = self._gibbs_change(k2, self.T_c)
        if self.dS_h == 0:
            raise AnalysisError(f"{name}: the hot isotherm changes no entropy quasi-statically (Delta S = 0); "
                                f"its control must move")
        if abs(self.dS_h + self.dS_c) > tolerance * abs(self.dS_h):
            raise AnalysisError(
                f"{name}: the isotherms' quasi-static entropy changes do not cancel (hot {self.dS_h:.10g}, cold "
                f"{self.dS_c:.10g}), so the cycle is not reversible in the slow limit (the adiabats must map the "
                f"Gibbs state at one isotherm's end onto the Gibbs state at the next one's start, e.g. "
                f"w_3 = w_2 T_c/T_h for levels that scale with w)")
        self.mode = "engine" if self.dS_h > 0 else "refrigerator"

    def _gibbs_change(self, k: int, T: float) -> float:
        model = self.model
        start, end = model.controls(model.defaults, k)
        values = model.substance_values(model.defaults)
        S = []
        for control in (start, end):
            energies = np.asarray(model.substance.eigensystem(np.asarray(float(control)), values)[0], dtype=float)
            x = -energies / T
            log_z = logsumexp(x)
            p = np.exp(x - log_z)
            S.append(float(log_z - np.sum(p * x)))
        return S[1] - S[0]

    def sigmas(self, tau_h: np.ndarray, tau_c: np.ndarray, backend: str) -> np.ndarray:
        """``sigma_i = Delta S_i - heat_i / T_i`` at the given durations, shape (2, len(tau_h))."""
        values = dict(self.model.defaults)
        values[self.tau_h], values[self.tau_c] = tau_h, tau_c
        perf = self.model.evaluate(values, backend=backend)
        heat_h = np.asarray(perf.heat[self.hot], dtype=float) * np.ones(len(tau_h))
        heat_c = np.asarray(perf.heat[self.cold], dtype=float) * np.ones(len(tau_h))
        return np.stack([self.dS_h - heat_h / self.T_h, self.dS_c - heat_c / self.T_c])


__all__ = ["ENTROPY_TIME", "LowDissipationAnalysis", "LowDissipationResult", "cop_at_max_chi", "cop_bounds",
           "efficiency_at_max_power", "efficiency_bounds", "first_order_optimum", "schmiedl_seifert_alpha"]
