"""IrreversibleAnalysis plugin: Onsager coefficients and coupling strength of any driven cycle.

Construction (docs/explanation/physics.md, section 6), for a cycle between two reservoirs driven through its
control parameter w:

* reference equilibrium: both reservoirs at the cold temperature T_c of the given cycle, every
  control value equal to w_a, the control value where the first stroke touching the cold reservoir
  begins (so the result does not depend on which stroke the list starts with); durations and
  couplings as given;
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
extrapolation over ``step`` and ``step/2`` removes that term, leaving O((step beta w)^4). Round-off
enters as (error of F) / step^2: the closed form computes F to relative precision, so it stays
negligible; the generic path's F is less precise (~1e-9 relative of L at worst, at high
temperature where the fluxes are small next to the populations) and its rounding is correlated
across the stencil. ``error_estimate`` is twice the difference between the extrapolations from
(step, step/2) and (step/2, step/4), plus a round-off floor and, on the generic path, 1e-8 of L's
scale; every verdict (tight coupling, second law, reciprocity) allows for it. All 25 stencil
points are one call of the cycle's unit-free model.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np

from ..closed_forms.otto_two_level import onsager_matrix_scaled, two_level_otto_names
from ..core.finite_differences import Stencil, richardson
from ..core.model import METHODS, check_backend
from ..errors import AnalysisError, ParameterError
from ..spec.cycle import Cycle
from ..units import ENERGY_POWER, POWER, RATE

FORCES = {
    "X1": "beta_c * Dw: mechanical force (Dw = amplitude of the control protocol)",
    "X2": "beta_h - beta_c: thermal force",
}
FLUXES = {
    "J1": "W / (t_cyc * Dw): work per cycle time per unit protocol amplitude",
    "J2": "Q_h / t_cyc: heat flow into the hot reservoir",
}

_L_KINDS = ((RATE, POWER), (POWER, ENERGY_POWER))

#: Relative accuracy of L's stencil fluxes on the generic path. Its rounding is correlated across
#: the stencil, so step variation does not reveal it; over a random scan of two-level Otto cycles
#: (beta w from 0.03 to 20, couplings and times over two decades) the error of L stayed below 4e-9
#: of L's scale, largest at high temperature where the fluxes are small next to the populations.
GENERIC_PATH_ACCURACY = 1e-8

#: Safety factor of the error from rounding the stencil's coordinates (measured up to 1/3 of it on
#: the two-level Otto cycle, beta_c w_a from 1 to 700).
ARGUMENT_ROUNDING = 16.0

#: Absolute granularity allowed for the stencil fluxes, a million smallest subnormals (2^-1074):
#: gradual underflow keeps ~1e-14 relative precision of a flux of 1e-310, but the model's
#: intermediate products (populations ~ e^-(beta w) times frequencies) add up such rounding.
UNDERFLOW_NOISE = 2.0 ** -1074 * 2.0 ** 20
#: Largest relative error of a diagonal element of L that underflow may cause before the analysis
#: switches to the scaled closed form (two-level Otto) or refuses (any other cycle).
UNDERFLOW_RTOL = 1e-6


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
        Estimated error of L (natural units), meant as an upper bound: twice the difference between
        the Richardson extrapolations from steps (h, h/2) and (h/2, h/4), which carries both the
        truncation left over and the round-off (which grows as the step shrinks on the generic path
        at large beta w), plus the round-off of the stencil values (1e-12 of their size) carried
        through the difference formulas, plus, on the generic path, its evaluation accuracy
        (1e-8 of L's scale; see docs/explanation/irreversible.md).
    coupling : float
        q = L12 / sqrt(L11 L22).
    reciprocity : float
        (L12 - L21) / L12 (meaningless when L12 itself is within its error of 0; see ``reciprocal``).
    reciprocal : bool
        ``|L12 - L21| <= tolerance sqrt(L11 L22)`` + the errors of L12 and L21.
    tight_coupling : bool
        ``||q| - 1| <= tolerance`` + the error of q propagated from ``error_estimate``.
    second_law : bool
        L11 > 0, L22 > 0 and 4 L11 L22 >= (L12 + L21)^2 (the symmetric part of L is positive
        semidefinite), within ``tolerance`` and the errors.
    forces, fluxes : dict of str to str
        Names and definitions.
    at_cycle : dict of str to float
        X1, X2, J1, J2 of the given (possibly far-from-equilibrium) cycle and its entropy
        production rate, natural units: ``J1 X1 + J2 X2`` equals it to round-off.
    reference : dict of str to Any
        T_c, w_a, Dw0 and the names of the parameters driven.
    log_scale : float
        0 unless L underflows double precision (L ~ exp(-beta_c w_a), below ~1e-300 from
        beta_c w_a ~ 690): then ``L = exp(log_scale) L_scaled`` and ``L_natural``, ``L`` and
        ``error_estimate`` are those numbers rounded to double (subnormal or 0). Only the two-level
        Otto closed form gives a scaled L; a generic cycle whose L underflows raises AnalysisError.
    L_scaled, error_scaled : ndarray, shape (2, 2)
        L and its error estimate divided by ``exp(log_scale)`` (natural units); equal to
        ``L_natural`` and ``error_estimate`` when ``log_scale`` is 0. The verdicts and
        :meth:`cop_at_max_chi` use them.
    """

    L: np.ndarray
    L_natural: np.ndarray
    error_estimate: np.ndarray
    coupling: float
    reciprocity: float
    reciprocal: bool
    tight_coupling: bool
    second_law: bool
    forces: dict[str, str]
    fluxes: dict[str, str]
    at_cycle: dict[str, float]
    reference: dict[str, Any]
    tolerance: float
    log_scale: float = 0.0
    L_scaled: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: self.L_natural, takes_self=True))
    error_scaled: np.ndarray = attrs.field(
        default=attrs.Factory(lambda self: self.error_estimate, takes_self=True))

    def cop_at_max_chi(self, eps_c: float | None = None) -> float:
        """COP at maximum chi = COP x cooling rate of the *linear* model ``J = L X``.

        X2 is fixed (by ``eps_c = T_c/(T_h - T_c)``, or the given cycle's temperatures) and chi
        is maximised over X1 where the linear model refrigerates (W > 0, Q_c > 0). With
        ``Qdot_c = J2 - T_c X1 J1`` and ``Wdot = T_c X1 J1``, ``chi = Qdot_c^2 / Wdot``. Under tight
        coupling the maximum is eps_plus = (sqrt(9 + 8 eps_C) - 3)/2 whatever L is (the paper's
        section IV, with the sign of erratum 9).
        """
        # the maximum does not depend on a common factor of L: the scaled L where L underflows
        L = self.L_natural if self.log_scale == 0 else self.L_scaled
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
        Relative tolerance for tight coupling (``|q| = 1``) and the second-law checks.
    method : {"auto", "closed_form", "linear_algebra"}
        Evaluation path of the cycle (see :meth:`thermocycles.Cycle.performance`).
    backend : str
        State space of the generic path: "auto" or a name in
        :data:`thermocycles.extend.BACKEND_OBJECTS` (see :meth:`thermocycles.Cycle.performance`).

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
    backend: str = "auto"

    def __attrs_post_init__(self) -> None:
        if not (isinstance(self.step, (int, float)) and 0 < self.step < 0.1):
            raise ParameterError(f"IrreversibleAnalysis.step must be in (0, 0.1); got {self.step!r}")
        if not (isinstance(self.tolerance, (int, float)) and 0 < self.tolerance < 1):
            raise ParameterError(f"IrreversibleAnalysis.tolerance must be in (0, 1); got {self.tolerance!r}")
        if self.method not in METHODS:
            raise ParameterError(f"IrreversibleAnalysis.method must be one of {METHODS}; got {self.method!r}")
        check_backend(self.backend, "IrreversibleAnalysis.backend")

    def run(self, cycle: Cycle) -> OnsagerResult:
        """Onsager analysis of ``cycle``."""
        setup = _Setup(cycle)
        model, values = cycle.model, dict(cycle.model.defaults)
        T_c, w_a, dw0 = setup.T_c, setup.w_a, setup.dw0
        beta_c = 1.0 / T_c

        # stencil in (Dw, X2): the 3x3 grid at steps h, h/2 and h/4 (origin once)
        # steps: a fraction of w_a and of beta_c, but at most ``step`` in the forces' natural scale
        # (beta_c w_a > 1: the fluxes vary on the scale X1 + w_a X2 ~ 1, not beta_c w_a)
        scale = min(1.0, T_c / abs(w_a))
        h1, h2 = self.step * abs(w_a) * scale, self.step * beta_c * scale
        levels = (1.0, 0.5, 0.25) if self.richardson else (1.0, 0.5)
        stencil = Stencil([np.array([lv * h1, lv * h2]) for lv in levels], mixed=True)
        dw, x2 = stencil.offsets[:, 0], stencil.offsets[:, 1]
        for name, g in setup.shape.items():
            values[name] = w_a + dw * g
        values[setup.cold_T] = np.full(len(dw), T_c)
        values[setup.hot_T] = 1.0 / (beta_c + x2)
        perf = model.evaluate(values, method=self.method, backend=self.backend)
        F = np.asarray(perf.work / perf.cycle_time, dtype=float) * np.ones(len(dw))
        J2 = np.asarray(-perf.heat[setup.hot] / perf.cycle_time, dtype=float) * np.ones(len(dw))
        F_exact_origin = F.copy()
        F_exact_origin[0] = 0.0  # no driving at the reference: the work vanishes exactly

        def central(level: int) -> np.ndarray:
            L11 = stencil.second(F_exact_origin, level)[0] / (2 * beta_c)
            L12 = stencil.mixed(F, 0, 1, level)
            L21, L22 = T_c * stencil.first(J2, level)[0], stencil.first(J2, level)[1]
            return np.array([[L11, L12], [L21, L22]])

        estimates = [central(level) for level in range(len(levels))]
        if self.richardson:
            # Two extrapolations, from (h, h/2) and (h/2, h/4): their difference carries the
            # truncation left over and the round-off, which grows as the step shrinks.
            L = richardson(estimates[0], estimates[1])
            # when O(h^4) truncation dominates, the difference is 15/16 of L's error; when round-off
            # dominates, it overstates it: twice the difference bounds both
            error = 2 * np.abs(L - richardson(estimates[1], estimates[2]))
        else:
            L = estimates[0]
            error = 4 / 3 * np.abs(estimates[0] - estimates[1])  # the O(h^2) truncation of L(h)
        # At the round-off floor that difference is itself noise: add the round-off of F and J2,
        # taken as 1e-12 of their largest value on the stencil (ten times what the generic path
        # shows), times the weights of the difference formulas (Richardson included).
        def weights(noise_f: float, noise_j: float) -> np.ndarray:
            return np.array([[6 * noise_f / (beta_c * h1 * h1), 6 * noise_f / (h1 * h2)],
                             [3 * T_c * noise_j / h1, 3 * noise_j / h2]])

        error = error + weights(1e-12 * np.abs(F).max(), 1e-12 * np.abs(J2).max())
        root = np.sqrt(np.abs(np.diag(L)))
        geometric = np.outer(root, root)  # sqrt(|L_ii L_jj|), without underflow
        if perf.method == "linear_algebra":
            error = error + GENERIC_PATH_ACCURACY * geometric
        # The stencil's coordinates are rounded (w_a + Dw, 1/(beta_c + X2)): an error of ~eps
        # beta_c w_a in the force X1 + w_a X2 against a step of ~step min(1, beta_c w_a)
        u = abs(w_a) / T_c
        error = error + ARGUMENT_ROUNDING * np.finfo(float).eps * (1 + u) / (self.step * min(1.0, u)) \
            * geometric
        # Gradual underflow: the fluxes of the stencil (~ L X, L ~ e^-(beta_c w_a)) have an
        # absolute granularity of the smallest subnormal; UNDERFLOW_NOISE allows for it.
        underflow = weights(UNDERFLOW_NOISE, UNDERFLOW_NOISE)
        error = error + underflow
        log_scale = 0.0
        L_scaled, error_scaled = L, error
        diag, diag_underflow = np.abs(np.diag(L)), np.diag(underflow)
        if not np.all(diag_underflow <= UNDERFLOW_RTOL * diag):
            M, log_kappa = self._closed_form_scaled(model, perf.method, setup)
            if M is None:
                raise AnalysisError(
                    f"IrreversibleAnalysis: L underflows double precision at beta_c w_a = {u:.4g} "
                    f"(L11 = {L[0, 0]:.3g}; finite differences need L11 > ~1e-304, beta_c w_a < ~700 "
                    f"at rates and times ~1); only the two-level Otto closed form gives L scaled")
            log_scale, L_scaled = log_kappa, M
            # log_kappa carries a few ulps of beta_c w_a; the closed form itself is exact
            error_scaled = (1e-14 + 4e-16 * abs(log_kappa)) * np.abs(M)
            with np.errstate(under="ignore"):
                L, error = M * math.exp(log_kappa), error_scaled * math.exp(log_kappa)
        verdicts = _verdicts(L_scaled, error_scaled, self.tolerance)

        given = cycle.model.evaluate(method=self.method, backend=self.backend)
        X1 = beta_c * dw0
        X2 = 1.0 / given.temperatures[setup.hot] - beta_c
        t = given.cycle_time
        at_cycle = {
            "X1": float(X1), "X2": float(X2),
            "J1": float(given.work / (t * dw0)), "J2": float(-given.heat[setup.hot] / t),
            "entropy_production_rate": float(given.entropy_production / t),
        }
        if cycle.has_units:
            L_out = np.empty((2, 2), dtype=object)
            for i in range(2):
                for j in range(2):
                    L_out[i, j] = _L_KINDS[i][j].wrap(float(L[i, j]))
        else:
            L_out = L
        return OnsagerResult(
            L=L_out, L_natural=L, error_estimate=error, **verdicts,
            log_scale=log_scale, L_scaled=L_scaled, error_scaled=error_scaled,
            forces=dict(FORCES), fluxes=dict(FLUXES), at_cycle=at_cycle, tolerance=self.tolerance,
            reference={"T_c": T_c, "w_a": w_a, "Dw0": dw0, "driven": tuple(setup.shape),
                       "cold": setup.cold, "hot": setup.hot},
        )

    @staticmethod
    def _closed_form_scaled(model: Any, method: str, setup: _Setup) -> tuple[Any, float]:
        """``(M, log_kappa)`` of the two-level Otto closed form (``L = e^log_kappa M``) for this
        cycle if its evaluation path is that closed form, else ``(None, nan)``."""
        names = two_level_otto_names(model) if method == "closed_form" else None
        if names is None:
            return None, math.nan
        v = model.defaults
        t = sum(float(v[names[k]]) for k in ("tau_c", "tau_ch", "tau_h", "tau_hc"))
        # f(x, y) is symmetric, so which isochore is the cold one does not matter; w_a and T_c are
        # the analysis's reference (the control value of the cold contact, its temperature)
        M, log_kappa = onsager_matrix_scaled(
            setup.T_c, setup.w_a, float(v[names["gamma_c"]]), float(v[names["gamma_h"]]),
            float(v[names["tau_c"]]), float(v[names["tau_h"]]), t)
        if not math.isfinite(log_kappa):  # a zero contact time: L = 0 exactly, nothing to scale
            return None, math.nan
        return M, log_kappa


def _verdicts(L: np.ndarray, error: np.ndarray, tol: float) -> dict[str, Any]:
    """q, reciprocity and the checks, each allowing for the finite-difference error of L.

    They are invariant under ``L -> D L D`` with D diagonal and positive, so L is first scaled to
    unit diagonal (when its diagonal is non-zero): products such as L11 L22 then neither underflow
    nor overflow, whatever the scale of L.
    """
    d = np.sqrt(np.abs(np.diag(L)))
    if np.all(d > 0) and np.all(np.isfinite(d)):
        D = np.outer(1 / d, 1 / d)
        L, error = L * D, error * D
    (l11, l12), (l21, l22) = L
    (e11, e12), (e21, e22) = error
    positive = l11 > e11 and l22 > e22
    coupling = float(l12 / math.sqrt(l11 * l22)) if positive else math.nan
    reciprocity = float((l12 - l21) / l12) if l12 != 0 else math.nan
    # symmetric part positive semidefinite: 4 L11 L22 >= (L12 + L21)^2 (det L >= 0 is not enough
    # when L12 != L21)
    margin = 4 * l11 * l22 - (l12 + l21) ** 2
    slack = tol * 4 * abs(l11 * l22) + 4 * (abs(l22) * e11 + abs(l11) * e22) \
        + 2 * abs(l12 + l21) * (e12 + e21)
    second_law = bool(positive and margin >= -slack)
    dq = abs(coupling) * (e12 / abs(l12) + (e11 / l11 + e22 / l22) / 2) if positive and l12 else math.inf
    tight = bool(math.isfinite(coupling) and abs(abs(coupling) - 1) <= tol + dq)
    reciprocal = bool(positive and abs(l12 - l21) <= tol * math.sqrt(l11 * l22) + e12 + e21)
    return dict(coupling=coupling, reciprocity=reciprocity, reciprocal=reciprocal,
                tight_coupling=tight, second_law=second_law)


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
        def first_contact(name: str) -> int:
            return next(k for k, s in enumerate(cycle.strokes) if any(r.name == name for r in s.reservoirs()))

        def control_at(k: int) -> float:
            return control[model.parameter(k, cycle.strokes[k].control_fields[0])]

        # g = 0 on the cold stroke, 1 on the hot one: the reference is the control value where the
        # cold contact begins, whichever stroke the list starts with
        self.w_a = control_at(first_contact(cold))
        dw0 = control_at(first_contact(hot)) - self.w_a
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
