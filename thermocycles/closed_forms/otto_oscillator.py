"""Exact closed form of the untruncated harmonic oscillator with bosonic reservoirs.

The model: docs/explanation/physics.md, section 8.

With the bosonic law and the coupling ``a + a^dag``, the mean occupation ``n = <a^dag a>`` obeys
exactly ``dn/dt = -gamma (n - nbar)``, ``nbar = 1/(exp(w/T) - 1)``, whatever the populations are. A
contact (an :class:`~thermocycles.Isochore` at ``w`` with a reservoir ``T, gamma`` for ``tau``) is
then the affine map ``n -> nbar + (n - nbar) a`` with ``a = exp(-gamma tau)``; an isolated stroke
(:class:`~thermocycles.QuantumAdiabat` or :class:`~thermocycles.UnitaryStroke`: the oscillator's
Hamiltonians commute) leaves ``n`` unchanged. Any cycle of such strokes, in any number and order, has
the periodic state (contacts ``j = 0..M-1`` in cycle order, indices modulo ``M``)::

    n_j = sum_k (1 - a_{j+k}) [prod_{l > k} a_{j+l}] nbar_{j+k} / (1 - prod_i a_i)

at the start of contact ``j`` (a convex combination of the reservoirs' ``nbar``). Heat into the
substance on contact ``j`` is ``w_j (n_{j+1} - n_j) = w_j (1 - a_j) (nbar_j - n_j)``; work on an
isolated stroke ``(n + 1/2)(w_end - w_start)`` (the energy is ``w (n + 1/2)``, ground state
included). For the Otto cycle (two contacts) with ``a = exp(-gamma_c tau_c)``,
``b = exp(-gamma_h tau_h)``: ``n1 = [nbar_h (1 - b) + nbar_c (1 - a) b] / (1 - a b)``,
``n2 = nbar_c + (n1 - nbar_c) a``, ``Q_c = w_a (n2 - n1)``, ``Q_h = w_b (n2 - n1)``.

Numerics: every weight is a product of positive factors, and ``nbar_j - n_j`` is the convex
combination of the differences ``nbar_j - nbar_i``, each written as
``exp(-min(u_i, u_j)) (1 - exp(-|u_i - u_j|)) / ((1 - e^-u_i)(1 - e^-u_j))`` with ``u = w/T`` and
``u_i - u_j`` from error-free products when the two are close: heats keep their relative precision
near reversibility, at low temperature (up to ``w/T ~ 700``) and for contact times from ``1e-9`` to
``1e9`` (``expm1`` throughout). The total work is minus the total heat (the first law holds exactly).

A scalar evaluation runs on Python floats (``math``), an array evaluation on numpy with the same
formulas; both broadcast like the parameters.

The ledger of an untruncated oscillator has no populations (they are infinite-dimensional): its
records' ``populations_start/end`` have shape ``batch + (0,)`` and ``state_start/end``
``batch + (0, 0)``.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, NamedTuple, Sequence

import attrs
import numpy as np

from ..core.performance import StrokeRecord
from ..core.stable import ratio_difference
from ..errors import CycleError
from ..spec.substances.oscillator import CONTACT_STROKES, HarmonicOscillator
from .registry import register_closed_form

#: below this relative size, ``u_i - u_j`` is formed from error-free products
CANCELLATION = 1e-3

#: the name the performance record gives this evaluation's state space
STATE_SPACE = "mean_occupation"


class _Scalar:
    """The elementwise functions of the formulas, on Python floats."""

    exp = staticmethod(math.exp)
    expm1 = staticmethod(math.expm1)
    maximum = staticmethod(max)
    copysign = staticmethod(math.copysign)
    absolute = staticmethod(abs)


class _Array:
    """The same functions on numpy arrays."""

    exp = staticmethod(np.exp)
    expm1 = staticmethod(np.expm1)
    maximum = staticmethod(np.maximum)
    copysign = staticmethod(np.copysign)
    absolute = staticmethod(np.abs)


def bose_occupation(u: Any) -> Any:
    """``nbar = 1/(e^u - 1)`` at ``u = w/T > 0``, as ``e^-u / (1 - e^-u)`` (no overflow).

    Examples
    --------
    >>> round(float(bose_occupation(np.log(2.0))), 15)
    1.0
    """
    return np.exp(-u) / -np.expm1(-u)


def _difference(xp: Any, contact_j: tuple[Any, ...], contact_i: tuple[Any, ...]) -> Any:
    """``nbar(u_j) - nbar(u_i)`` without cancellation (see the module docstring); each contact is
    ``(w, T, u, e^-u, expm1(-u))``."""
    w_j, t_j, u_j, e_j, m_j = contact_j
    w_i, t_i, u_i, e_i, m_i = contact_i
    d = u_i - u_j
    if xp is _Scalar:
        if abs(d) < CANCELLATION * max(u_i, u_j):
            d = float(ratio_difference(w_i, t_i, w_j, t_j))
    else:
        close = np.abs(d) < CANCELLATION * np.maximum(u_i, u_j)
        if close.any():
            d = np.where(close, ratio_difference(w_i, t_i, w_j, t_j), d)
    # exp(-min(u_i, u_j)) (1 - exp(-|d|)) / ((1 - e^-u_i)(1 - e^-u_j)), with the sign of d
    return xp.copysign(xp.maximum(e_i, e_j) * xp.expm1(-xp.absolute(d)), d) / m_j / m_i


class Contacts(NamedTuple):
    """The periodic state of a cycle of contacts (natural units; see :func:`mean_occupation_cycle`)."""

    occupations: list[Any]  #: mean occupation n_j at the start of contact j
    heats: list[Any]  #: heat into the substance on contact j


def mean_occupation_cycle(w: Sequence[Any], T: Sequence[Any], gamma: Sequence[Any], tau: Sequence[Any],
                          ) -> Contacts:
    """Periodic state of the untruncated oscillator through contacts ``j = 0..M-1`` in cycle order.

    Contact ``j`` holds the frequency ``w[j]`` against a bosonic reservoir at ``T[j]`` coupled at
    ``gamma[j]`` for ``tau[j]``; isolated strokes between contacts leave ``n`` unchanged, so they do
    not enter. Python floats are evaluated with ``math``, anything else with numpy (broadcasting).

    Raises
    ------
    CycleError
        If no contact has a positive ``gamma tau`` (no unique periodic state).

    Examples
    --------
    >>> r = mean_occupation_cycle([1.0, 3.0], [1.0, 2.0], [1.0, 1.0], [0.5, 0.5])
    >>> [round(n, 12) for n in r.occupations]  # at the start of each contact
    [0.398500725071, 0.470692898588]
    >>> round(r.heats[0] / (r.occupations[1] - r.occupations[0]), 12)  # Q_c = w_a (n2 - n1)
    1.0
    """
    xp: Any = _Scalar if all(isinstance(v, float) for group in (w, T, gamma, tau) for v in group) else _Array
    m = len(w)
    if m == 0:
        raise CycleError("the cycle has no unique periodic steady state: no stroke is in contact with a reservoir")
    x = [g * t for g, t in zip(gamma, tau)]
    total = sum(x[1:], x[0])
    if (total == 0.0) if xp is _Scalar else bool(np.any(np.asarray(total) == 0.0)):
        raise CycleError("the cycle has no unique periodic steady state: every contact has zero contact time "
                         "(gamma tau = 0)")
    denominator = -xp.expm1(-total)  # 1 - prod a
    keep = [xp.exp(-xj) for xj in x]  # a_j
    gain = [-xp.expm1(-xj) for xj in x]  # 1 - a_j
    u = [wj / tj for wj, tj in zip(w, T)]
    boltzmann = [xp.exp(-uj) for uj in u]
    below_one = [xp.expm1(-uj) for uj in u]  # e^-u - 1
    nbar = [e / -d for e, d in zip(boltzmann, below_one)]
    contact = list(zip(w, T, u, boltzmann, below_one))
    pairs: dict[tuple[int, int], Any] = {}
    occupations, heats = [], []
    for j in range(m):
        # weights (1 - a_{j+k}) prod_{l > k} a_{j+l}, from the last contact before j backwards
        tail: Any = 1.0
        occupation: Any = 0.0
        offset: Any = 0.0  # sum_k weight_k (nbar_j - nbar_{j+k})
        for k in range(m - 1, -1, -1):
            i = (j + k) % m
            weight = gain[i] * tail
            occupation = occupation + weight * nbar[i]
            if k:
                key = (j, i) if j < i else (i, j)
                if key not in pairs:
                    a, b = key
                    pairs[key] = _difference(xp, contact[a], contact[b])  # nbar_a - nbar_b
                diff = pairs[key] if j < i else -pairs[key]
                offset = offset + weight * diff
            tail = tail * keep[i]
        occupations.append(occupation / denominator)
        heats.append(w[j] * gain[j] * (offset / denominator))
    return Contacts(occupations, heats)


class OscillatorOtto(NamedTuple):
    """Per-cycle figures of the untruncated oscillator's Otto cycle (paper's notation)."""

    q_c: Any  #: heat absorbed from reservoir c (first isochore)
    q_h: Any  #: heat released into reservoir h (second isochore)
    work: Any  #: work done on the substance
    cycle_time: Any
    n1: Any  #: mean occupation at corner 1 (start of the cold isochore)
    n2: Any  #: mean occupation at corner 2 (end of the cold isochore)


def oscillator_otto(T_c: Any, T_h: Any, gamma_c: Any, gamma_h: Any, w_a: Any, w_b: Any,
                    tau_c: Any, tau_h: Any, tau_ch: Any, tau_hc: Any) -> OscillatorOtto:
    """The Otto cycle of the untruncated oscillator with bosonic reservoirs, in the paper's notation.

    Examples
    --------
    >>> r = oscillator_otto(1.0, 2.0, 1.0, 1.0, 1.0, 3.0, 0.5, 0.5, 0.1, 0.1)
    >>> round(r.q_c / r.work, 12)  # COP = w_a / (w_b - w_a), as for any Otto cycle of uniform levels
    0.5
    """
    (n1, n2), (q_c, q_h_in) = mean_occupation_cycle([w_a, w_b], [T_c, T_h], [gamma_c, gamma_h], [tau_c, tau_h])
    return OscillatorOtto(q_c, -q_h_in, -(q_c + q_h_in), tau_c + tau_ch + tau_h + tau_hc, n1, n2)


def _shape(value: Any) -> tuple[int, ...]:
    return () if isinstance(value, float) else np.shape(value)


@register_closed_form
def match_untruncated_oscillator(model: Any) -> Any:
    """Evaluator for an untruncated :class:`HarmonicOscillator` through Isochores with bosonic-law
    reservoirs and QuantumAdiabat / UnitaryStroke strokes, else None."""
    substance = model.substance
    if type(substance) is not HarmonicOscillator or substance.levels is not None:
        return None
    strokes = model.strokes
    if substance.closed_form_obstacle(strokes) is not None:
        return None
    contacts, names = [], []  # stroke index and parameter names (w, T, gamma, tau) of each contact
    for k, stroke in enumerate(strokes):
        if type(stroke) in CONTACT_STROKES:
            r = stroke.reservoir.name
            contacts.append(k)
            names.append((model.parameter(k, "control"), model.reservoir_parameter(r, "temperature"),
                          model.reservoir_parameter(r, "coupling"), model.parameter(k, "duration")))
    reservoir_of = {k: strokes[k].reservoir.name for k in contacts}
    durations = tuple(model.parameter(k, "duration") for k in range(len(strokes)))
    controls = tuple(tuple(model.parameter(k, f) for f in stroke.control_fields) for k, stroke in enumerate(strokes))
    # the contact whose start each stroke's end state is (isolated strokes do not change n)
    following = []
    for k in range(len(strokes)):
        later = [c for c in contacts if c > k] or contacts
        following.append(contacts.index(later[0]) if later else 0)
    position = {k: contacts.index(k) for k in contacts}
    has_fields = {f.name for f in attrs.fields(StrokeRecord)}
    energies = "energy_start" in has_fields and "energy_end" in has_fields

    def evaluate(values: Mapping[str, Any]):
        columns = [[values[n] for n in group] for group in zip(*names)] if names else [[], [], [], []]
        try:
            state = mean_occupation_cycle(*columns)
        except CycleError:
            model.check_contact(values)  # names the strokes and the element
            raise
        heat: dict[str, Any] = {}
        for j, k in enumerate(contacts):
            r = reservoir_of[k]
            heat[r] = heat[r] + state.heats[j] if r in heat else state.heats[j]
        total = sum(heat.values(), 0.0)
        work = -total
        cycle_time = sum((values[n] for n in durations), 0.0)
        shapes = {_shape(work), _shape(cycle_time)}
        batch = shapes.pop() if len(shapes) == 1 else np.broadcast_shapes(*shapes)

        def ledger() -> list[StrokeRecord]:
            occupations = state.occupations
            empty = np.zeros(batch + (0,))
            empty_state = np.zeros(batch + (0, 0), dtype=complex)
            zero = np.zeros(batch)[()]
            records = []
            for k, stroke in enumerate(strokes):
                c_start, c_end = (values[n] for n in controls[k])
                n_end = occupations[following[k]]
                if k in position:
                    n_start = occupations[position[k]]
                    q = {reservoir_of[k]: state.heats[position[k]]}
                    w: Any = 0.0 * n_end
                else:
                    n_start = n_end
                    q = {}
                    w = (n_end + 0.5) * (c_end - c_start)
                extra = {}
                if energies:
                    extra = dict(energy_start=c_start * (n_start + 0.5), energy_end=c_end * (n_end + 0.5))
                records.append(StrokeRecord(
                    name=stroke.name, kind=type(stroke).__name__, duration=values[durations[k]], heat=q, work=w,
                    populations_start=empty, populations_end=empty, control_start=c_start, control_end=c_end,
                    state_start=empty_state, state_end=empty_state, coherence_start=zero, coherence_end=zero,
                    **extra))
            return records

        return model.performance(heat=heat, work=work, cycle_time=cycle_time, values=values, ledger=ledger,
                                 batch=batch, method="closed_form", backend=STATE_SPACE)

    return evaluate


__all__ = ["mean_occupation_cycle", "oscillator_otto", "bose_occupation", "Contacts", "OscillatorOtto",
           "match_untruncated_oscillator"]
