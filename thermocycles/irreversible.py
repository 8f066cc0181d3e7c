"""IrreversibleAnalysis plugin: Onsager coefficients and coupling strength of any driven cycle.

Construction (physics.md section 6), for a cycle between two reservoirs driven through its
control parameter w:

* reference equilibrium: both reservoirs at the cold temperature T_c of the given cycle, every
  control value equal to the cycle's first one, w_a; durations and couplings as given;
* protocol shape: each control value w_k of the given cycle defines ``g_k = (w_k - w_a) / Dw0``,
  where ``Dw0`` is the control value at the start of the first stroke touching the hot reservoir
  minus w_a (for the Otto cycle g = 0 on the cold isochore and 1 on the hot one); the driven
  protocol is ``w_k = w_a + Dw g_k``;
* forces ``X1 = beta_c Dw`` (mechanical) and ``X2 = beta_h - beta_c`` (thermal);
* fluxes ``J1 = W / (t_cyc Dw)`` and ``J2`` = heat flow into the hot reservoir per unit time, so that
  the entropy production rate is exactly ``J1 X1 + J2 X2`` (for any X, by the first law);
* ``L_ij = dJ_i/dX_j`` at X = 0.

Numerics. ``F = W/t_cyc`` vanishes at Dw = 0 and is smooth, so ``J1 = F/Dw`` is evaluated through
derivatives of F: ``L11 = [F(h) + F(-h)]/(2 beta_c h^2)``, ``L12 = d^2F/dDw dX2`` (four-point mixed
difference), ``L21 = T_c dJ2/dDw`` and ``L22 = dJ2/dX2`` (central differences). The steps are a
fraction ``step`` of w_a and of beta_c. Central differences err by O(step^2); Richardson
extrapolation over ``step`` and ``step/2`` removes that term, leaving O(step^4) (~1e-12 for the
default 1e-3). Round-off does not grow as the step shrinks, because F and J2 are computed directly
(not as differences of large numbers) by both evaluation paths; the difference between the two
Richardson levels is reported as ``error_estimate``. All 17 stencil points are one call of the
cycle's unit-free model.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np

from .cycle import Cycle
from .errors import AnalysisError, ParameterError
from .units import ENERGY_POWER, POWER, RATE, Q_, Kind

FORCES = {
    "X1": "beta_c * Dw: mechanical force (Dw = amplitude of the control protocol)",
    "X2": "beta_h - beta_c: thermal force",
}
FLUXES = {
    "J1": "W / (t_cyc * Dw): work per cycle time per unit protocol amplitude",
    "J2": "Q_h / t_cyc: heat flow into the hot reservoir",
}

_L_KINDS = ((RATE, POWER), (POWER, ENERGY_POWER))


@attrs.frozen(kw_only=True)
class OnsagerResult:
    """Outcome of :meth:`IrreversibleAnalysis.run`.

    Attributes
    ----------
    L : ndarray, shape (2, 2)
        Onsager matrix; natural units, or an object array of quantities when the cycle has units
        (L11 in 1/s, L12 and L21 in W, L22 in J W).
    L_natural : ndarray, shape (2, 2)
        The same in natural units.
    error_estimate : ndarray, shape (2, 2)
        Difference between the two Richardson levels (natural units), an upper estimate of the
        finite-difference error.
    coupling : float
        q = L12 / sqrt(L11 L22).
    reciprocity : float
        (L12 - L21) / L12.
    tight_coupling : bool
        |q| = 1 within ``tolerance``.
    second_law : bool
        L11 > 0, L22 > 0 and det L >= 0 (within ``tolerance`` relative to L11 L22).
    forces, fluxes : dict of str to str
        Names and definitions.
    at_cycle : dict of str to float
        X1, X2, J1, J2 of the given (possibly far-from-equilibrium) cycle and its entropy
        production rate, natural units: ``J1 X1 + J2 X2`` equals it to round-off.
    reference : dict of str to Any
        T_c, w_a, Dw0 and the names of the parameters driven.
    """

    L: np.ndarray
    L_natural: np.ndarray
    error_estimate: np.ndarray
    coupling: float
    reciprocity: float
    tight_coupling: bool
    second_law: bool
    forces: dict[str, str]
    fluxes: dict[str, str]
    at_cycle: dict[str, float]
    reference: dict[str, Any]
    tolerance: float

    def cop_at_max_chi(self, eps_c: float | None = None) -> float:
        """COP at maximum chi = COP x cooling rate of the *linear* model ``J = L X``.

        X2 is fixed (by ``eps_c = T_c/(T_h - T_c)``, or the given cycle's temperatures) and chi
        is maximised over X1 where the linear model refrigerates (W > 0, Q_c > 0). With
        ``Qdot_c = J2 - T_c X1 J1`` and ``Wdot = T_c X1 J1``, ``chi = Qdot_c^2 / Wdot``. Under tight
        coupling the maximum is eps_plus = (sqrt(9 + 8 eps_C) - 3)/2 whatever L is (the paper's
        section IV, with the sign of erratum 9).
        """
        L = self.L_natural
        T_c = self.reference["T_c"]
        beta_c = 1.0 / T_c
        if eps_c is None:
            x2 = self.at_cycle["X2"]
        else:
            if not (math.isfinite(eps_c) and eps_c > 0):
                raise ParameterError(f"cop_at_max_chi: eps_c must be finite and > 0; got {eps_c!r}")
            x2 = beta_c * (eps_c / (1 + eps_c) - 1)  # beta_h - beta_c with T_h = T_c (1 + 1/eps_c)
        if not x2 < 0:
            raise AnalysisError("cop_at_max_chi needs a hot reservoir hotter than the cold one (X2 < 0)")

        # J1 = a X1 + b, J2 = c X1 + d; Wdot = T_c X1 J1 = D(X1), Qdot_c = J2 - Wdot = N(X1), both
        # quadratic. chi = N^2/D is stationary where 2 N' D - N D' = 0, a cubic: solve it exactly.
        P = np.polynomial.Polynomial
        a, b, c, d = L[0, 0], L[0, 1] * x2, L[1, 0], L[1, 1] * x2
        D = P([0.0, T_c * b, T_c * a])
        N = P([d, c, 0.0]) - D
        stationary = 2 * N.deriv() * D - N * D.deriv()
        best = None
        for root in stationary.roots():
            if abs(root.imag) > 1e-9 * (1 + abs(root.real)):
                continue
            x1 = root.real
            q_c, w_dot = N(x1), D(x1)
            if q_c > 0 and w_dot > 0 and (best is None or q_c * q_c / w_dot > best[0]):
                best = (q_c * q_c / w_dot, q_c / w_dot)
        if best is None:
            raise AnalysisError("the linear model has no maximum of chi where it refrigerates at this X2")
        return float(best[1])


@attrs.frozen(kw_only=True)
class IrreversibleAnalysis:
    """Onsager coefficients L_ij, coupling strength q and checks, for any two-reservoir cycle.

    Parameters
    ----------
    step : float
        Finite-difference step as a fraction of w_a (for Dw) and of beta_c (for X2).
    richardson : bool
        Extrapolate over ``step`` and ``step/2`` (error O(step^4) instead of O(step^2)).
    tolerance : float
        Relative tolerance for tight coupling (|q| = 1) and the second-law checks.
    method : {"auto", "closed_form", "linear_algebra"}
        Evaluation path of the cycle (see :meth:`thermocycles.Cycle.performance`).

    Examples
    --------
    >>> import thermocycles as tc
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,
    ...     w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
    >>> res = tc.IrreversibleAnalysis().run(fridge)
    >>> round(res.coupling, 8), res.tight_coupling, res.second_law
    (1.0, True, True)
    """

    step: float = 1e-3
    richardson: bool = True
    tolerance: float = 1e-7
    method: str = "auto"

    def __attrs_post_init__(self) -> None:
        if not (isinstance(self.step, (int, float)) and 0 < self.step < 0.1):
            raise ParameterError(f"IrreversibleAnalysis.step must be in (0, 0.1); got {self.step!r}")
        if not (isinstance(self.tolerance, (int, float)) and 0 < self.tolerance < 1):
            raise ParameterError(f"IrreversibleAnalysis.tolerance must be in (0, 1); got {self.tolerance!r}")

    def run(self, cycle: Cycle) -> OnsagerResult:
        """Onsager analysis of ``cycle``."""
        setup = _Setup(cycle)
        model, values = cycle.model, dict(cycle.model.defaults)
        T_c, w_a, dw0 = setup.T_c, setup.w_a, setup.dw0
        beta_c = 1.0 / T_c

        # stencil in (Dw, X2): the 3x3 grid at steps h and h/2 (origin once)
        h1, h2 = self.step * abs(w_a), self.step * beta_c
        levels = (1.0, 0.5) if self.richardson else (1.0,)
        pts = [(0.0, 0.0)]
        for lv in levels:
            pts += [(s1 * lv * h1, s2 * lv * h2) for s1 in (-1, 0, 1) for s2 in (-1, 0, 1)
                    if (s1, s2) != (0, 0)]
        dw = np.array([p[0] for p in pts])
        x2 = np.array([p[1] for p in pts])
        for name, g in setup.shape.items():
            values[name] = w_a + dw * g
        values[setup.cold_T] = np.full(len(pts), T_c)
        values[setup.hot_T] = 1.0 / (beta_c + x2)
        perf = model.evaluate(values, method=self.method)
        F = np.asarray(perf._work / perf._cycle_time, dtype=float) * np.ones(len(pts))
        J2 = np.asarray(-perf._heat[setup.hot] / perf._cycle_time, dtype=float) * np.ones(len(pts))
        index = {p: k for k, p in enumerate(pts)}

        def at(arr, a, b, lv):
            return arr[index[(a * lv * h1, b * lv * h2)]] if (a, b) != (0, 0) else arr[0]

        estimates = []
        for lv in levels:
            H1, H2 = lv * h1, lv * h2
            L11 = (at(F, 1, 0, lv) + at(F, -1, 0, lv)) / (2 * beta_c * H1 * H1)
            L12 = (at(F, 1, 1, lv) - at(F, 1, -1, lv) - at(F, -1, 1, lv) + at(F, -1, -1, lv)) / (4 * H1 * H2)
            L21 = T_c * (at(J2, 1, 0, lv) - at(J2, -1, 0, lv)) / (2 * H1)
            L22 = (at(J2, 0, 1, lv) - at(J2, 0, -1, lv)) / (2 * H2)
            estimates.append(np.array([[L11, L12], [L21, L22]]))
        if self.richardson:
            L = (4 * estimates[1] - estimates[0]) / 3
            error = np.abs(L - estimates[1])
        else:
            L = estimates[0]
            error = np.full((2, 2), np.nan)

        coupling = float(L[0, 1] / math.sqrt(L[0, 0] * L[1, 1])) if L[0, 0] > 0 and L[1, 1] > 0 else math.nan
        reciprocity = float((L[0, 1] - L[1, 0]) / L[0, 1]) if L[0, 1] != 0 else math.nan
        det = L[0, 0] * L[1, 1] - L[0, 1] * L[1, 0]
        tol = self.tolerance
        second_law = bool(L[0, 0] > 0 and L[1, 1] > 0 and det >= -tol * abs(L[0, 0] * L[1, 1]))
        tight = bool(math.isfinite(coupling) and abs(abs(coupling) - 1) <= tol)

        given = cycle.model.evaluate(method=self.method)
        X1 = beta_c * dw0
        X2 = 1.0 / given._temperatures[setup.hot] - beta_c
        t = given._cycle_time
        at_cycle = {
            "X1": float(X1), "X2": float(X2),
            "J1": float(given._work / (t * dw0)), "J2": float(-given._heat[setup.hot] / t),
            "entropy_production_rate": float(given._n_entropy_production / t),
        }
        if cycle.has_units:
            L_out = np.empty((2, 2), dtype=object)
            for i in range(2):
                for j in range(2):
                    L_out[i, j] = _L_KINDS[i][j].wrap(float(L[i, j]))
        else:
            L_out = L
        return OnsagerResult(
            L=L_out, L_natural=L, error_estimate=error, coupling=coupling, reciprocity=reciprocity,
            tight_coupling=tight, second_law=second_law, forces=dict(FORCES), fluxes=dict(FLUXES),
            at_cycle=at_cycle, tolerance=tol,
            reference={"T_c": T_c, "w_a": w_a, "Dw0": dw0, "driven": tuple(setup.shape),
                       "cold": setup.cold, "hot": setup.hot},
        )


class _Setup:
    """What the analysis drives: reservoirs, temperatures and the control protocol's shape."""

    def __init__(self, cycle: Cycle):
        if not isinstance(cycle, Cycle):
            raise ParameterError(f"IrreversibleAnalysis.run needs a Cycle; got {cycle!r}")
        model = cycle.model
        shaped = [n for n, v in model.defaults.items() if np.ndim(v) != 0]
        if shaped:
            raise AnalysisError(
                f"IrreversibleAnalysis needs a cycle with scalar parameters; {', '.join(shaped)} "
                f"are arrays (analyse each point separately)"
            )
        names = [r.name for r in cycle.reservoirs]
        if len(names) != 2:
            raise AnalysisError(
                f"IrreversibleAnalysis needs a cycle between exactly two reservoirs (a cold and a "
                f"hot one, for the thermal force beta_h - beta_c); this cycle has {len(names)}"
                f"{': ' + ', '.join(names) if names else ''}"
            )
        temps = {n: model.defaults[model.temperature_names[n]] for n in names}
        cold, hot = sorted(names, key=lambda n: temps[n])  # stable: equal temperatures keep order
        self.cold, self.hot = cold, hot
        self.cold_T, self.hot_T = model.temperature_names[cold], model.temperature_names[hot]
        if self.cold_T == self.hot_T:
            raise AnalysisError(
                f"the two reservoirs share the temperature parameter {self.cold_T!r}, so the "
                f"thermal force cannot be varied; give them separate temperatures"
            )
        self.T_c = float(temps[cold])

        control: dict[str, float] = {}
        for k, stroke in enumerate(cycle.strokes):
            for field in stroke.control_fields:
                name = model.parameter(k, field)
                control.setdefault(name, float(model.defaults[name]))
        if not control:
            raise AnalysisError(
                "IrreversibleAnalysis needs a cycle driven through a control parameter; no stroke "
                "has a control value"
            )
        first = cycle.strokes[0]
        self.w_a = control[model.parameter(0, first.control_fields[0])]
        hot_stroke = next(k for k, s in enumerate(cycle.strokes) if any(r.name == hot for r in s.reservoirs()))
        dw0 = control[model.parameter(hot_stroke, cycle.strokes[hot_stroke].control_fields[0])] - self.w_a
        if dw0 == 0:
            dw0 = max((w - self.w_a for w in control.values()), key=abs)
        if dw0 == 0:
            raise AnalysisError(
                f"IrreversibleAnalysis needs a cycle driven through its control parameter; every "
                f"control value is {self.w_a} ({', '.join(control)}), so there is no protocol to "
                f"drive (no mechanical force)"
            )
        self.dw0 = dw0
        self.shape = {name: (w - self.w_a) / dw0 for name, w in control.items()}
