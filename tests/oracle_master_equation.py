"""Brute-force reference ("oracle") for finite-time quantum Otto-like cycles.

This module shares no code with ``thermocycles``: it imports only numpy and scipy, and re-derives
everything from ``docs/explanation/physics.md`` (sections 1-3):

* Level energies are linear in the control ``w``: ``eps_i(w) = w * c_i`` (the paper's two-level
  substance has ``c = (1, 2)``, i.e. levels ``w`` and ``2w``).
* Contact with a reservoir (temperature ``T``, coupling ``gamma``) is the Pauli master equation
  ``dp/dt = R p`` with ``R[j, i]`` the rate of the jump ``i -> j`` and the diagonal making every
  column sum to zero. For two levels the matrix is written out exactly as in docs/explanation/physics.md, section 2,
  ``R = [[-k_up, +k_down], [+k_up, -k_down]]``, ``k_down = gamma (1 + tanh(beta w/2))``,
  ``k_up = gamma (1 - tanh(beta w/2))``; for N levels the pairwise choice
  ``k_{i->j} = gamma (1 + tanh(beta (eps_i - eps_j)/2))`` is built element by element.
* Each stroke is integrated with ``scipy.integrate.solve_ivp`` (DOP853, rtol 1e-12, atol 1e-14) on
  an augmented state: the populations plus one energy accumulator.

  - Isochore (contact at fixed ``w``): the accumulator integrates the heat into the substance,
    ``dQ/dt = sum_i eps_i dp_i/dt`` (= ``w dn/dt`` for two levels), booked to that reservoir.
  - Adiabat (isolated change ``w_a -> w_b``): the Hamiltonian is diagonal in a fixed basis, so
    there are no transitions, ``dp/dt = 0``; ``w`` follows the smooth ramp
    ``w(t) = w_a + (w_b - w_a) (1 - cos(pi t / T)) / 2`` and the accumulator integrates the work on
    the substance ``dW/dt = sum_i p_i d eps_i/dt`` (= ``n dw/dt`` for two levels). For a stroke of
    zero duration the ramp is run over a virtual unit time: with frozen populations the work does
    not depend on how fast ``w`` is changed, only the cycle time does (it takes the real duration).

* The periodic steady state is found the brute-force way: start from an arbitrary population vector
  and run whole cycles until the populations at the start of the cycle change by less than
  ``tol`` (1e-14) from one cycle to the next. The figures of the last cycle are reported.

Sign conventions: ``heat[r]`` is the heat absorbed by the substance from reservoir ``r`` per cycle,
``work`` the work done on the substance; the paper's ``Q_c = heat[cold]``, ``Q_h = -heat[hot]``
(heat released into the hot reservoir), ``W = work``, so the first law reads ``Q_c - Q_h + W = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import solve_ivp

RTOL = 1e-12
ATOL = 1e-14
METHOD = "DOP853"
#: the cycle iteration stops when max |p_start(next cycle) - p_start(this cycle)| < CONVERGENCE_TOL
CONVERGENCE_TOL = 1e-14
MAX_CYCLES = 200_000


# --------------------------------------------------------------------------------------------
# rate matrices
# --------------------------------------------------------------------------------------------
def two_level_rate_matrix(temperature: float, w: float, gamma: float) -> np.ndarray:
    """docs/explanation/physics.md, section 2, verbatim, on p = (p_g, p_e) with levels (w, 2w)."""
    sigma = np.tanh(w / temperature / 2.0)
    k_down = gamma * (1.0 + sigma)  # e -> g
    k_up = gamma * (1.0 - sigma)  # g -> e
    return np.array([[-k_up, +k_down],
                     [+k_up, -k_down]])


def pairwise_tanh_rate_matrix(temperature: float, energies, gamma: float) -> np.ndarray:
    """N-level rates k_{i->j} = gamma (1 + tanh(beta (eps_i - eps_j)/2)); R[j, i] = k_{i->j}."""
    eps = [float(e) for e in energies]
    n = len(eps)
    beta = 1.0 / temperature
    rates = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                rates[j, i] = gamma * (1.0 + np.tanh(beta * (eps[i] - eps[j]) / 2.0))
    for i in range(n):
        rates[i, i] = -sum(rates[j, i] for j in range(n) if j != i)
    return rates


def gibbs_populations(temperature: float, energies) -> np.ndarray:
    """exp(-eps_i / T) / Z (shifted by the lowest energy to avoid overflow)."""
    eps = np.asarray(energies, dtype=float)
    weights = np.exp(-(eps - eps.min()) / temperature)
    return weights / weights.sum()


# --------------------------------------------------------------------------------------------
# substance and strokes
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Substance:
    """Levels ``eps_i(w) = w * factors[i]``; ``rates`` selects the rate model."""

    factors: tuple
    rates: str = "pairwise"  # "two_level" (docs/explanation/physics.md, section 2 verbatim) or "pairwise"

    @property
    def n_levels(self) -> int:
        return len(self.factors)

    def energies(self, w: float) -> np.ndarray:
        return w * np.asarray(self.factors, dtype=float)

    def rate_matrix(self, temperature: float, w: float, gamma: float) -> np.ndarray:
        if self.rates == "two_level":
            if tuple(self.factors) != (1.0, 2.0):
                raise ValueError("the two-level rate matrix is for levels (w, 2w)")
            return two_level_rate_matrix(temperature, w, gamma)
        return pairwise_tanh_rate_matrix(temperature, self.energies(w), gamma)


TWO_LEVEL = Substance(factors=(1.0, 2.0), rates="two_level")


@dataclass(frozen=True)
class Contact:
    """Isochore: fixed control ``w``, contact with reservoir ``reservoir`` for ``duration``."""

    reservoir: str
    temperature: float
    gamma: float
    w: float
    duration: float


@dataclass(frozen=True)
class Ramp:
    """Adiabat: isolated, ``w`` ramped smoothly from ``start`` to ``end`` over ``duration``."""

    start: float
    end: float
    duration: float


def _integrate(rhs, t_end: float, y0: np.ndarray) -> np.ndarray:
    sol = solve_ivp(rhs, (0.0, t_end), y0, method=METHOD, rtol=RTOL, atol=ATOL)
    if not sol.success:  # pragma: no cover
        raise RuntimeError(f"solve_ivp failed: {sol.message}")
    return sol.y[:, -1]


def run_contact(substance: Substance, stroke: Contact, p: np.ndarray) -> tuple[np.ndarray, float]:
    """Integrate dp/dt = R p and dQ/dt = sum_i eps_i dp_i/dt; returns (p_end, Q into substance)."""
    n = substance.n_levels
    R = substance.rate_matrix(stroke.temperature, stroke.w, stroke.gamma)
    eps = substance.energies(stroke.w)
    if stroke.duration == 0.0:
        return p.copy(), 0.0

    def rhs(t, y):
        dp = R @ y[:n]
        return np.concatenate([dp, [eps @ dp]])

    y = _integrate(rhs, stroke.duration, np.concatenate([p, [0.0]]))
    return y[:n], float(y[n])


def run_ramp(substance: Substance, stroke: Ramp, p: np.ndarray) -> tuple[np.ndarray, float]:
    """Integrate dp/dt = 0 and dW/dt = sum_i p_i d eps_i/dt along the cosine ramp of w(t)."""
    n = substance.n_levels
    factors = np.asarray(substance.factors, dtype=float)
    big_t = stroke.duration if stroke.duration > 0.0 else 1.0  # virtual time for a sudden change
    dw = stroke.end - stroke.start

    def w_dot(t):
        return dw * (np.pi / (2.0 * big_t)) * np.sin(np.pi * t / big_t)

    def rhs(t, y):
        p_now = y[:n]
        d_eps = factors * w_dot(t)  # d eps_i / dt
        return np.concatenate([np.zeros(n), [p_now @ d_eps]])

    y = _integrate(rhs, big_t, np.concatenate([p, [0.0]]))
    return y[:n], float(y[n])


# --------------------------------------------------------------------------------------------
# cycles
# --------------------------------------------------------------------------------------------
@dataclass
class CycleResult:
    """Figures of one cycle (the last one, once the iteration has converged)."""

    corners: list  #: populations at the start of each stroke
    ends: list  #: populations at the end of each stroke
    stroke_heat: list  #: per stroke: dict reservoir -> heat absorbed (empty on adiabats)
    stroke_work: list  #: per stroke: work on the substance (0 on isochores)
    heat: dict  #: per reservoir: heat absorbed by the substance per cycle
    work: float  #: work on the substance per cycle
    cycle_time: float
    n_cycles: int = 0  #: cycles run to reach the periodic state
    last_change: float = np.nan  #: max |p_start change| over the last cycle
    energy_start: float = np.nan  #: energy sum_i eps_i p_i at the start of the cycle
    energy_end: float = np.nan  #: and at its end (control back at its first value)
    temperatures: dict = field(default_factory=dict)

    def entropy_production(self) -> float:
        """-sum_r heat[r] / T_r (k_B = 1)."""
        return -sum(q / self.temperatures[r] for r, q in self.heat.items())


def run_cycle(substance: Substance, strokes, p0) -> CycleResult:
    """Take the populations ``p0`` once through the strokes."""
    p = np.array(p0, dtype=float)
    corners, ends, stroke_heat, stroke_work = [], [], [], []
    heat: dict = {}
    temperatures: dict = {}
    work = 0.0
    for s in strokes:
        if isinstance(s, Contact):
            heat.setdefault(s.reservoir, 0.0)
            temperatures[s.reservoir] = s.temperature
    for s in strokes:
        corners.append(p.copy())
        if isinstance(s, Contact):
            p, q = run_contact(substance, s, p)
            heat[s.reservoir] += q
            stroke_heat.append({s.reservoir: q})
            stroke_work.append(0.0)
        elif isinstance(s, Ramp):
            p, w = run_ramp(substance, s, p)
            work += w
            stroke_heat.append({})
            stroke_work.append(w)
        else:  # pragma: no cover
            raise TypeError(s)
        ends.append(p.copy())
    first = strokes[0]
    w_first = first.w if isinstance(first, Contact) else first.start
    eps_first = substance.energies(w_first)
    return CycleResult(
        corners=corners, ends=ends, stroke_heat=stroke_heat, stroke_work=stroke_work, heat=heat,
        work=work, cycle_time=float(sum(s.duration for s in strokes)),
        energy_start=float(eps_first @ corners[0]), energy_end=float(eps_first @ p),
        temperatures=temperatures,
    )


def periodic_cycle(substance: Substance, strokes, p0, tol: float = CONVERGENCE_TOL,
                   max_cycles: int = MAX_CYCLES) -> CycleResult:
    """Run cycles from ``p0`` until the start-of-cycle populations stop changing (< ``tol``)."""
    p = np.array(p0, dtype=float)
    for k in range(1, max_cycles + 1):
        result = run_cycle(substance, strokes, p)
        change = float(np.max(np.abs(result.ends[-1] - p)))
        p = result.ends[-1]
        if change < tol:
            result.n_cycles = k
            result.last_change = change
            return result
    raise RuntimeError(f"no periodic state after {max_cycles} cycles (last change {change:.3e})")


def otto_strokes(*, T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h, tau_ch, tau_hc,
                 cold: str = "c", hot: str = "h") -> list:
    """The four strokes of docs/explanation/physics.md, section 3, in order 1->2, 2->3, 3->4, 4->1."""
    return [
        Contact(cold, T_c, gamma_c, w_a, tau_c),
        Ramp(w_a, w_b, tau_ch),
        Contact(hot, T_h, gamma_h, w_b, tau_h),
        Ramp(w_b, w_a, tau_hc),
    ]


@dataclass
class OttoResult:
    """The paper's figures of the two-level Otto cycle in its periodic state."""

    q_c: float  #: heat absorbed from the cold reservoir per cycle
    q_h: float  #: heat released into the hot reservoir per cycle
    work: float  #: work done on the substance per cycle
    cycle: CycleResult


def otto_two_level(*, T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h, tau_ch, tau_hc,
                   p0=(0.2, 0.8)) -> OttoResult:
    """Brute-force periodic state of the two-level Otto cycle (default start: an inverted state)."""
    strokes = otto_strokes(T_c=T_c, T_h=T_h, gamma_c=gamma_c, gamma_h=gamma_h, w_a=w_a, w_b=w_b,
                           tau_c=tau_c, tau_h=tau_h, tau_ch=tau_ch, tau_hc=tau_hc)
    cyc = periodic_cycle(TWO_LEVEL, strokes, p0)
    return OttoResult(q_c=cyc.heat["c"], q_h=-cyc.heat["h"], work=cyc.work, cycle=cyc)
