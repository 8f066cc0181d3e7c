"""The substance library: HarmonicOscillator (untruncated and truncated), Spin(j), NLevel.

Oracles written here from docs/explanation/physics.md (sections 2, 3 and 8), sharing no code with the package:

* level energies and coupling matrices from QuTiP (``destroy``, ``num``, ``jmat``);
* the Pauli master equation of a substance whose levels are ``c_i w``, with the rate of the jump
  ``i -> j`` equal to ``|A_ji|^2 k(E_i - E_j)`` for the tanh, bosonic and fermionic laws, integrated
  with ``solve_ivp`` (the one-stroke propagators and their heat rows), then run through many cycles;
* the mean-occupation equation ``dn/dt = -gamma (n - nbar)`` integrated with ``solve_ivp`` through
  many cycles, heat as the integral of ``w dn``, work as the integral of ``(n + 1/2) dw`` along a
  smooth ramp;
* the Otto closed form of docs/explanation/physics.md, section 8 in 60-digit decimal arithmetic;
* ``scipy.linalg.expm`` of hand-built rate matrices and a null-space solve for the periodic state.

QuTiP is imported inside the tests that use it: the worker of the spawned-process test imports this
module (for the module-level level function) and should not pay for it.
"""

from __future__ import annotations

import math
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, ClassVar

import attrs
import cloudpickle
import numpy as np
import pytest
import scipy.linalg
from scipy.integrate import solve_ivp

import thermocycles as tc
from thermocycles.analysis.irreversible import IrreversibleAnalysis
from thermocycles.analysis.optimize import Optimizer
from thermocycles.closed_forms.otto_oscillator import mean_occupation_cycle, oscillator_otto
from thermocycles.core.performance import StrokeRecord
from thermocycles.errors import CycleError, ParameterError
from thermocycles.spec.strokes import Isochore, QuantumAdiabat, UnitaryStroke
from thermocycles.spec.substances.nlevel import NLevel
from thermocycles.spec.substances.oscillator import HarmonicOscillator
from thermocycles.spec.substances.spin import Spin

OTTO = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1,
            tau_hc=0.1)
RTOL, ATOL = 1e-12, 1e-14  # solve_ivp tolerances of the oracles

#: the ledger's mean energies (StrokeRecord.energy_start/end) are added to the core by another change
needs_energies = pytest.mark.skipif(
    not {"energy_start", "energy_end"} <= {f.name for f in attrs.fields(StrokeRecord)},
    reason="StrokeRecord has no energy_start/energy_end fields in this tree")


def otto(substance: Any, law: Any = "bosonic", **changes: Any) -> tc.Cycle:
    """The four-stroke Otto cycle (docs/explanation/physics.md, section 3) around any substance and bath law."""
    p = dict(OTTO, **changes)
    cold = tc.Reservoir(name="c", temperature=p["T_c"], coupling=p["gamma_c"], law=law)
    hot = tc.Reservoir(name="h", temperature=p["T_h"], coupling=p["gamma_h"], law=law)
    w_a, w_b = tc.Parameter("w_a", p["w_a"]), tc.Parameter("w_b", p["w_b"])
    return tc.Cycle(substance=substance, strokes=[
        Isochore(name="c", reservoir=cold, control=w_a, duration=p["tau_c"]),
        QuantumAdiabat(name="ch", start=w_a, end=w_b, duration=p["tau_ch"]),
        Isochore(name="h", reservoir=hot, control=w_b, duration=p["tau_h"]),
        QuantumAdiabat(name="hc", start=w_b, end=w_a, duration=p["tau_hc"]),
    ])


def energies_of(level: Any) -> Any:
    """A module-level level function (picklable by reference): levels 0, w, 2 w + 0.3 w^2."""
    w = np.asarray(level, dtype=float)
    return np.stack([0.0 * w, w, 2.0 * w + 0.3 * w * w], axis=-1)


def relative(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# ------------------------------------------------------------------------------------------------
# oracles (docs/explanation/physics.md; no thermocycles code)
# ------------------------------------------------------------------------------------------------
def law_rates(law: str, omega: float, temperature: float, gamma: float) -> tuple[float, float]:
    """(k_down, k_up) for a jump of energy omega >= 0 (docs/explanation/physics.md, section 8)."""
    z = omega / temperature
    if law == "tanh":
        s = math.tanh(z / 2)
        return gamma * (1 + s), gamma * (1 - s)
    if law == "fermionic":
        f = 1 / (math.exp(z) + 1)
        return gamma * (1 - f), gamma * f
    nbar = 1 / math.expm1(z)
    return gamma * (nbar + 1), gamma * nbar


def rate_matrix(factors: np.ndarray, strengths: np.ndarray, law: str, w: float, temperature: float,
                gamma: float) -> np.ndarray:
    """R[j, i] = |A_ji|^2 k(E_i - E_j) off the diagonal, columns summing to zero."""
    energies = factors * w
    n = len(energies)
    r = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j or strengths[j, i] == 0:
                continue
            omega = energies[i] - energies[j]  # energy given to the bath by the jump i -> j
            down, up = law_rates(law, abs(omega), temperature, gamma)
            r[j, i] = strengths[j, i] * (down if omega > 0 else up)
    return r - np.diag(r.sum(axis=0))


def oscillator_strengths(n: int) -> np.ndarray:
    """|<m'|a + a^dag|m>|^2 from QuTiP's destroy (m <-> m - 1: m)."""
    import qutip  # here, not at the top: a spawned worker importing this module needs none
    a = qutip.destroy(n).full()
    return np.abs(a + a.conj().T) ** 2


def cosine_ramp(w0: float, w1: float, duration: float):
    big_t = duration if duration > 0 else 1.0  # populations are frozen: only the path's ends matter
    return big_t, lambda t: (w1 - w0) * np.pi / (2 * big_t) * np.sin(np.pi * t / big_t)


def pauli_cycle(factors: np.ndarray, strengths: np.ndarray, strokes: list[tuple], n_cycles: int = 4000,
                tol: float = 1e-15) -> dict[str, Any]:
    """Periodic state of a Pauli master equation: each stroke's propagator and heat (or work) row from
    solve_ivp, then the populations taken through cycles until they stop changing.

    strokes: ("contact", name, w, T, gamma, tau, law) or ("ramp", w0, w1, tau)."""
    n = len(factors)
    maps = []
    for s in strokes:
        if s[0] == "contact":
            _, name, w, temperature, gamma, tau, law = s
            r = rate_matrix(factors, strengths, law, w, temperature, gamma)
            e_r = (factors * w) @ r

            def rhs(t, y, r=r, e_r=e_r):
                phi = y[: n * n].reshape(n, n)
                return np.concatenate([(r @ phi).ravel(), e_r @ phi])

            y0 = np.concatenate([np.eye(n).ravel(), np.zeros(n)])
            y = solve_ivp(rhs, (0.0, tau), y0, method="DOP853", rtol=RTOL, atol=ATOL).y[:, -1] if tau > 0 else y0
            maps.append((name, y[: n * n].reshape(n, n), y[n * n:], 0.0))
        else:
            _, w0, w1, tau = s
            big_t, w_dot = cosine_ramp(w0, w1, tau)
            row = solve_ivp(lambda t, y: factors * w_dot(t), (0.0, big_t), np.zeros(n), method="DOP853",
                            rtol=RTOL, atol=ATOL).y[:, -1]  # work row: integral of sum_i p_i d eps_i
            maps.append((None, np.eye(n), None, row))
    p = np.full(n, 1.0 / n)
    for _ in range(n_cycles):
        start = p
        for _, phi, _, _ in maps:
            p = phi @ p
        if np.max(np.abs(p - start)) < tol:
            break
    else:  # pragma: no cover
        raise RuntimeError("no periodic state")
    heat: dict[str, float] = {}
    work, corners = 0.0, []
    for name, phi, heat_row, work_row in maps:
        corners.append(p)
        if name is None:
            work += float(work_row @ p)
        else:
            heat[name] = heat.get(name, 0.0) + float(heat_row @ p)
        p = phi @ p
    return dict(heat=heat, work=work, corners=corners)


def mean_occupation_ode(strokes: list[tuple], tol: float = 1e-14, max_cycles: int = 20000) -> dict[str, Any]:
    """dn/dt = -gamma (n - nbar(w/T)) on contacts, n frozen on ramps; through cycles until n repeats.

    Heat integrates w dn on contacts, work (n + 1/2) dw on ramps. strokes as in pauli_cycle."""
    def one_cycle(n0: float) -> tuple[float, dict[str, float], float, list[float]]:
        n, heat, work, corners = n0, {}, 0.0, []
        for s in strokes:
            corners.append(n)
            if s[0] == "contact":
                _, name, w, temperature, gamma, tau, _ = s
                nbar = 1 / math.expm1(w / temperature)
                if tau > 0:
                    sol = solve_ivp(lambda t, y: [-gamma * (y[0] - nbar), -w * gamma * (y[0] - nbar)], (0.0, tau),
                                    [n, 0.0], method="DOP853", rtol=RTOL, atol=ATOL * max(1.0, nbar))
                    n, q = sol.y[0, -1], sol.y[1, -1]
                else:
                    q = 0.0
                heat[name] = heat.get(name, 0.0) + q
            else:
                _, w0, w1, tau = s
                big_t, w_dot = cosine_ramp(w0, w1, tau)
                sol = solve_ivp(lambda t, y: [(n + 0.5) * w_dot(t)], (0.0, big_t), [0.0], method="DOP853",
                                rtol=RTOL, atol=ATOL)
                work += sol.y[0, -1]
        return n, heat, work, corners

    # fixed-point iteration of the one-cycle map n -> F(n), with a secant step (F is affine, so one
    # secant step lands on the fixed point up to the integration error; slow contraction costs nothing)
    n, previous = 0.0, None
    for _ in range(max_cycles):
        end, heat, work, corners = one_cycle(n)
        if abs(end - n) < tol * max(1.0, abs(n)):
            return dict(heat=heat, work=work, corners=corners)
        if previous is not None and previous[1] - previous[0] != end - n:
            slope = (end - previous[1]) / (n - previous[0])
            previous, n = (n, end), n + (end - n) / (1.0 - slope)
        else:
            previous, n = (n, end), end
    raise RuntimeError("no periodic state")  # pragma: no cover


def otto_strokes(law: str = "bosonic", **changes: Any) -> list[tuple]:
    p = dict(OTTO, **changes)
    return [("contact", "c", p["w_a"], p["T_c"], p["gamma_c"], p["tau_c"], law),
            ("ramp", p["w_a"], p["w_b"], p["tau_ch"]),
            ("contact", "h", p["w_b"], p["T_h"], p["gamma_h"], p["tau_h"], law),
            ("ramp", p["w_b"], p["w_a"], p["tau_hc"])]


# ------------------------------------------------------------------------------------------------
# levels and coupling operators against QuTiP
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 3, 7, 25])
def test_truncated_oscillator_levels_and_coupling_match_qutip(n):
    import qutip
    osc = HarmonicOscillator(levels=n)
    w = np.array([0.7, 2.0])
    h = (qutip.num(n) + 0.5 * qutip.qeye(n)).full().real  # H / w
    np.testing.assert_allclose(osc.energies(w, {}), w[:, None] * np.diag(h)[None, :], rtol=0, atol=1e-15)
    x = (qutip.destroy(n) + qutip.create(n)).full()
    np.testing.assert_allclose(osc.coupling_in_eigenbasis(w, {}), x, rtol=0, atol=1e-15)
    strengths = np.abs(osc.coupling_in_eigenbasis(w, {})) ** 2
    np.testing.assert_allclose(np.diag(strengths, -1), np.arange(1, n), rtol=1e-15)  # |A|^2 = m, m <-> m - 1
    assert osc.n_levels == n and len(set(osc.energies(np.array(1.0), {}))) == n  # non-degenerate
    assert bool(osc.commutes({}))


@pytest.mark.parametrize("j", [Fraction(1, 2), 1, Fraction(3, 2), 2, Fraction(7, 2)])
def test_spin_levels_and_coupling_match_qutip_jmat(j):
    import qutip
    spin = Spin(j=j)
    n = int(2 * j + 1)
    sz, sx = qutip.jmat(float(j), "z").full(), qutip.jmat(float(j), "x").full()  # basis m = j..-j
    order = np.arange(n)[::-1]  # ascending m
    w = np.array([[0.5], [3.0]])
    np.testing.assert_allclose(spin.energies(w, {}), w[..., None] * np.diag(sz).real[order], atol=1e-15)
    np.testing.assert_allclose(spin.coupling_in_eigenbasis(w, {}), sx[np.ix_(order, order)].real, atol=1e-15)
    m = np.arange(n) - float(j)
    expected = (float(j) * (float(j) + 1) - m[:-1] * (m[:-1] + 1)) / 4  # |<m+1|S_x|m>|^2, physics page sec. 8
    np.testing.assert_allclose(np.diag(spin.coupling_in_eigenbasis(w, {}), -1) ** 2, expected, rtol=1e-14)
    assert spin.n_levels == n and list(spin.m) == list(m)


def test_spin_from_int_float_and_fraction_is_one_spin():
    assert Spin(j=1.5) == Spin(j=Fraction(3, 2)) == Spin(j=np.float64(1.5)) and Spin(j=1) == Spin(j=1.0)
    assert Spin(j=0.5) != Spin(j=1.5) and hash(Spin(j=1.5)) == hash(Spin(j=Fraction(3, 2)))
    assert Spin(j=Fraction(5, 2)).n_levels == 6 and repr(Spin(j=Fraction(1, 2))) == "Spin(j=0.5)"


def test_nlevel_levels_degeneracies_and_default_coupling():
    s = NLevel(factors=[2.0, 0.0, 1.0, 1.0])  # any order; levels 3 and 4 are degenerate
    np.testing.assert_array_equal(s.energies(np.array(1.5), {}), [3.0, 0.0, 1.5, 1.5])
    assert s.n_levels == 4 and s.coupling_in_eigenbasis(np.array(1.0), {}) is None  # all pairs, |A|^2 = 1
    cycle = otto(s, law="tanh")  # the tanh law is finite at omega = 0: degenerate pairs exchange population
    a = cycle.performance()
    assert a.backend == "populations" and abs(a.cop - 0.5) < 1e-12  # uniform levels: COP w_a / (w_b - w_a)
    np.testing.assert_allclose(a.strokes[0].populations_end[2], a.strokes[0].populations_end[3], rtol=1e-14)
    with pytest.raises(ParameterError, match="degenerate levels"):  # the bosonic rate diverges at omega = 0
        otto(s, law="bosonic").performance()


def davies_cycle_fixed_point(factors, strokes):
    """Periodic state of a cycle of contacts with the Davies equation built by hand: one jump
    operator per Bohr frequency from the all-pairs coupling A = J - I, tanh-law rates, vec(rho)
    column-major, expm, eigenvector of M. Between contacts, an ideal adiabat keeps the populations of
    the (fixed) eigenbasis and drops coherences (QuantumAdiabat's definition); without that the dark
    state of the degenerate pair would make the periodic state non-unique."""
    factors = np.asarray(factors, float)
    n = len(factors)
    A = np.ones((n, n)) - np.eye(n)
    eye = np.eye(n)
    M = np.eye(n * n, dtype=complex)
    for w, T, tau, gamma in strokes:
        e = factors * w
        L = np.zeros((n * n, n * n), complex)
        H = np.diag(e)
        L += -1j * (np.kron(eye, H) - np.kron(H.T, eye))
        omegas = {}
        for i in range(n):
            for j in range(n):
                if A[i, j]:
                    om = round(e[j] - e[i], 12)  # energy given to the bath by j -> i
                    omegas.setdefault(om, np.zeros((n, n)))[i, j] += A[i, j]
        for om, J in omegas.items():
            k = gamma * (1 + np.tanh(om / (2 * T)))
            JdJ = J.conj().T @ J
            L += k * (np.kron(J.conj(), J) - 0.5 * np.kron(eye, JdJ) - 0.5 * np.kron(JdJ.T, eye))
        dephase = np.diag(np.eye(n).reshape(-1, order="F"))  # keeps the diagonal of rho
        M = dephase @ scipy.linalg.expm(L * tau) @ M
    vals, vecs = np.linalg.eig(M)
    assert np.sum(np.abs(vals - 1) < 1e-9) == 1  # a unique periodic state
    k = np.argmin(np.abs(vals - 1))
    rho = vecs[:, k].reshape(n, n, order="F")
    return rho / np.trace(rho)


def test_degenerate_levels_on_the_density_matrix_backend():
    """Davies jumps between degenerate levels combine coherently (a dark state that each contact
    leaves stationary), so the populations backend's Pauli rates need not hold; the density-matrix
    backend's periodic state is the fixed point of a Davies cycle built by hand, and with uniformly
    scaling levels the Otto COP is w_a/(w_b - w_a)."""
    factors = [2.0, 0.0, 1.0, 1.0]
    cycle = otto(NLevel(factors=factors), law="tanh")
    perf = cycle.performance(backend="density_matrix")
    for record in perf.strokes:
        assert np.all(record.populations_end >= -1e-12) and abs(record.populations_end.sum() - 1) < 1e-12
    assert abs(perf.cop - 0.5) < 1e-12
    p = cycle.parameters
    rho = davies_cycle_fixed_point(factors, [(p["w_a"], p["T_c"], p["tau_c"], p["gamma_c"]),
                                             (p["w_b"], p["T_h"], p["tau_h"], p["gamma_h"])])
    np.testing.assert_allclose(perf.strokes[0].state_start, rho, atol=1e-10)


def test_nlevel_function_and_coupling_from_qutip():
    import qutip
    s = NLevel(energies=energies_of, n_levels=3, coupling=qutip.Qobj(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])))
    w = np.linspace(0.5, 2.0, 6).reshape(2, 3)
    out = s.energies(w, {})
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out, energies_of(w))
    assert s.coupling_in_eigenbasis(w, {}).dtype == float
    np.testing.assert_array_equal(s.coupling_in_eigenbasis(w, {}), [[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    assert "energies_of" in repr(s) and "3x3 matrix" in repr(s)


def test_energies_broadcast_over_batch_axes():
    control = np.linspace(0.5, 3.0, 12).reshape(3, 4)
    for substance in (HarmonicOscillator(levels=5), Spin(j=2), NLevel(factors=[0.0, 1.0, 3.0]),
                      NLevel(energies=energies_of, n_levels=3)):
        e = substance.energies(control, {})
        assert e.shape == (3, 4, substance.n_levels)
        for idx in np.ndindex(3, 4):
            np.testing.assert_array_equal(e[idx], substance.energies(control[idx], {}))


# ------------------------------------------------------------------------------------------------
# relations between substances on full cycles
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("law", ["tanh", "bosonic", "fermionic"])
def test_spin_half_is_the_two_level_substance_with_quarter_rates(law):
    """|<+1/2|S_x|-1/2>|^2 = 1/4: Spin(1/2) with gamma is the two-level substance with gamma/4."""
    spin = otto(Spin(j=0.5), law=law, gamma_c=1.2, gamma_h=0.8).performance()
    two = otto(tc.TwoLevelSubstance(), law=law, gamma_c=0.3, gamma_h=0.2).performance()
    assert relative([spin.q_c, spin.q_h, spin.work], [two.q_c, two.q_h, two.work]) < 1e-12
    for a, b in zip(spin.strokes, two.strokes):
        np.testing.assert_allclose(a.populations_end, b.populations_end, rtol=1e-12)


@needs_energies
def test_spin_half_energies_are_offset_from_the_two_level_ones():
    """Levels -w/2, w/2 against w, 2w: mean energies differ by 3w/2, heats and work do not."""
    spin = otto(Spin(j=0.5), law="tanh", gamma_c=1.2, gamma_h=0.8).performance()
    two = otto(tc.TwoLevelSubstance(), law="tanh", gamma_c=0.3, gamma_h=0.2).performance()
    for a, b in zip(spin.strokes, two.strokes):
        np.testing.assert_allclose(a.energy_start + 1.5 * a.control_start, b.energy_start, rtol=1e-12)


def test_nlevel_with_factors_one_two_is_the_two_level_substance():
    a = otto(NLevel(factors=[1.0, 2.0]), law="tanh").performance()
    b = tc.quantum_otto_refrigerator(**OTTO).performance()  # closed form
    assert a.method == "linear_algebra" and b.method == "closed_form"
    assert relative([a.q_c, a.q_h, a.work], [b.q_c, b.q_h, b.work]) < 1e-12


@pytest.mark.parametrize("law", ["tanh", "bosonic"])
def test_nlevel_with_the_ladder_coupling_is_the_truncated_oscillator(law):
    import qutip
    n = 6
    ladder = NLevel(factors=np.arange(n) + 0.5, coupling=qutip.destroy(n) + qutip.create(n))
    a, b = otto(ladder, law=law).performance(), otto(HarmonicOscillator(levels=n), law=law).performance()
    assert relative([a.q_c, a.q_h, a.work], [b.q_c, b.q_h, b.work]) < 1e-13


@pytest.mark.parametrize("law", ["tanh", "bosonic", "fermionic"])
@pytest.mark.parametrize("substance", [HarmonicOscillator(levels=5), Spin(j=1), Spin(j=1.5)],
                         ids=["oscillator5", "spin1", "spin3/2"])
def test_both_backends_and_an_expm_oracle_agree(substance, law):
    import qutip
    cycle = otto(substance, law=law, gamma_h=0.7, tau_c=0.8)
    pop, dm = cycle.performance(backend="populations"), cycle.performance(backend="density_matrix")
    assert pop.backend == "populations" and dm.backend == "density_matrix"
    assert relative([pop.q_c, pop.q_h, pop.work], [dm.q_c, dm.q_h, dm.work]) < 1e-11
    for a, b in zip(pop.strokes, dm.strokes):
        np.testing.assert_allclose(a.populations_end, b.populations_end, rtol=1e-10, atol=1e-15)
    # oracle: expm of hand-built rate matrices (levels c_i w, strengths |A|^2 from QuTiP), null space
    n = substance.n_levels
    if isinstance(substance, HarmonicOscillator):
        factors, strengths = np.arange(n) + 0.5, oscillator_strengths(n)
    else:
        j = (n - 1) / 2
        factors = np.arange(n) - j
        sx = qutip.jmat(j, "x").full().real[::-1, ::-1]
        strengths = sx ** 2
    p = dict(OTTO, gamma_h=0.7, tau_c=0.8)
    r_c = rate_matrix(factors, strengths, law, p["w_a"], p["T_c"], p["gamma_c"])
    r_h = rate_matrix(factors, strengths, law, p["w_b"], p["T_h"], p["gamma_h"])
    m_c, m_h = scipy.linalg.expm(r_c * p["tau_c"]), scipy.linalg.expm(r_h * p["tau_h"])
    p1 = scipy.linalg.null_space(m_h @ m_c - np.eye(n))[:, 0]
    p1 = p1 / p1.sum()
    p2 = m_c @ p1
    q_c = p["w_a"] * factors @ (p2 - p1)
    q_h_in = p["w_b"] * factors @ (m_h @ p2 - p2)
    assert relative([pop.q_c, -pop.q_h], [q_c, q_h_in]) < 1e-10
    np.testing.assert_allclose(pop.strokes[0].populations_start, p1, rtol=1e-9, atol=1e-15)


def test_uniform_levels_give_the_otto_cop():
    """Levels that all scale with w: COP = w_a / (w_b - w_a) for every substance and law."""
    for substance, law in [(HarmonicOscillator(), "bosonic"), (HarmonicOscillator(levels=4), "tanh"),
                           (Spin(j=2), "fermionic"), (NLevel(factors=[0.0, 0.4, 3.0]), "tanh")]:
        perf = otto(substance, law=law).performance()
        assert perf.mode == "refrigerator"
        assert abs(perf.cop - 0.5) < 1e-12


# ------------------------------------------------------------------------------------------------
# the untruncated oscillator's closed form against brute force
# ------------------------------------------------------------------------------------------------
REGIMES = {
    "refrigerator": {},
    "engine": dict(w_b=1.5, T_h=4.0),
    "fast": dict(tau_c=0.02, tau_h=0.03, tau_ch=0.01, tau_hc=0.02),
    "slow": dict(tau_c=8.0, tau_h=6.0),
    "asymmetric": dict(gamma_c=0.2, gamma_h=3.0, tau_c=1.5, tau_h=0.2),
    "high-temperature": dict(T_c=100.0, T_h=150.0, w_a=1.0, w_b=2.0),
}


def check_against(perf: tc.Performance, ref: dict[str, Any], rtol: float) -> None:
    got, expected = [perf.heat["c"], perf.heat["h"], perf.work], [ref["heat"]["c"], ref["heat"]["h"], ref["work"]]
    assert relative(got, expected) < rtol


@pytest.mark.parametrize("regime", ["refrigerator", "engine", "slow"])
def test_untruncated_otto_against_the_pauli_master_equation(regime):
    """The truncated oscillator's Pauli master equation (N = 48, Boltzmann factor of the top level
    < 1e-16), integrated with solve_ivp and run through cycles, gives the closed form's figures."""
    changes = REGIMES[regime]
    perf = otto(HarmonicOscillator(), **changes).performance()
    assert perf.method == "closed_form" and perf.backend == "mean_occupation"
    n = 48
    ref = pauli_cycle(np.arange(n) + 0.5, oscillator_strengths(n), otto_strokes(**changes))
    check_against(perf, ref, 1e-9)
    exact = oscillator_otto(**dict(OTTO, **changes))  # corners 1, 2, 3, 4: n1, n2, n2, n1
    occupations = [float(np.arange(n) @ p) for p in ref["corners"]]
    assert relative(occupations, [exact.n1, exact.n2, exact.n2, exact.n1]) < 1e-9
    assert perf.mode == ("engine" if regime == "engine" else "refrigerator")


@pytest.mark.parametrize("regime", list(REGIMES))
def test_untruncated_otto_against_the_mean_occupation_equation(regime):
    changes = REGIMES[regime]
    perf = otto(HarmonicOscillator(), **changes).performance()
    ref = mean_occupation_ode(otto_strokes(**changes))
    check_against(perf, ref, 1e-8)
    exact = oscillator_otto(**dict(OTTO, **changes))
    assert relative(ref["corners"], [exact.n1, exact.n2, exact.n2, exact.n1]) < 1e-9
    # docs/explanation/physics.md, section 8, in its own words
    p = dict(OTTO, **changes)
    nb_c, nb_h = 1 / math.expm1(p["w_a"] / p["T_c"]), 1 / math.expm1(p["w_b"] / p["T_h"])
    a, b = math.exp(-p["gamma_c"] * p["tau_c"]), math.exp(-p["gamma_h"] * p["tau_h"])
    n1 = (nb_h * (1 - b) + nb_c * (1 - a) * b) / (1 - a * b)
    n2 = nb_c + (n1 - nb_c) * a
    assert relative([perf.q_c, perf.q_h], [p["w_a"] * (n2 - n1), p["w_b"] * (n2 - n1)]) < 1e-9


def test_any_number_and_order_of_strokes_against_the_mean_occupation_equation():
    """Three reservoirs, a sudden unitary quench, a stroke order starting on an adiabat, and one
    reservoir touched twice."""
    a = tc.Reservoir(name="a", temperature=0.5, coupling=0.7, law="bosonic")
    b = tc.Reservoir(name="b", temperature=3.0, coupling=2.0, law="bosonic")
    c = tc.Reservoir(name="c", temperature=1.3, coupling=0.4, law="bosonic")
    w1, w2, w3 = tc.Parameter("w1", 0.8), tc.Parameter("w2", 2.5), tc.Parameter("w3", 1.7)
    cycle = tc.Cycle(substance=HarmonicOscillator(), strokes=[
        QuantumAdiabat(name="s1", start=w1, end=w2, duration=0.2),
        Isochore(name="b1", reservoir=b, control=w2, duration=0.6),
        UnitaryStroke(name="s2", start=w2, end=w3, duration=0.0),
        Isochore(name="c1", reservoir=c, control=w3, duration=1.1),
        Isochore(name="a1", reservoir=a, control=w3, duration=0.3),
        UnitaryStroke(name="s3", start=w3, end=w1, duration=0.4, schedule="cosine"),
        Isochore(name="a2", reservoir=a, control=w1, duration=0.9),
    ])
    perf = cycle.performance()
    assert perf.method == "closed_form"
    ref = mean_occupation_ode([
        ("ramp", 0.8, 2.5, 0.2), ("contact", "b", 2.5, 3.0, 2.0, 0.6, "bosonic"), ("ramp", 2.5, 1.7, 0.0),
        ("contact", "c", 1.7, 1.3, 0.4, 1.1, "bosonic"), ("contact", "a", 1.7, 0.5, 0.7, 0.3, "bosonic"),
        ("ramp", 1.7, 0.8, 0.4), ("contact", "a", 0.8, 0.5, 0.7, 0.9, "bosonic")])
    assert relative([perf.heat[r] for r in "abc"] + [perf.work], [ref["heat"][r] for r in "abc"] + [ref["work"]]) < 1e-8
    assert abs(sum(perf.heat.values()) + perf.work) <= 1e-15 * max(abs(q) for q in perf.heat.values())
    assert perf.cycle_time == pytest.approx(3.5, rel=1e-15)
    # a single reservoir: no heat flows on average, the ledger still moves energy around
    hot_only = tc.Cycle(substance=HarmonicOscillator(), strokes=[
        Isochore(name="b1", reservoir=b, control=2.0, duration=1.0),
        QuantumAdiabat(name="up", start=2.0, end=3.0, duration=0.1),
        Isochore(name="b2", reservoir=b, control=3.0, duration=1.0),
        QuantumAdiabat(name="down", start=3.0, end=2.0, duration=0.1)]).performance()
    assert hot_only.heat["b"] < 0 and hot_only.work > 0 and hot_only.mode == "heater"


def test_first_law_for_the_cycle():
    for changes in REGIMES.values():
        perf = otto(HarmonicOscillator(), **changes).performance()
        assert abs(perf.heat["c"] + perf.heat["h"] + perf.work) <= 1e-16 * abs(perf.heat["h"])
        assert abs(sum(r.work for r in perf.strokes) - perf.work) < 1e-12 * max(abs(r.work) for r in perf.strokes)
        assert perf.entropy_production > 0


@needs_energies
def test_first_law_per_stroke_with_the_ledgers_mean_energies():
    """energy_end - energy_start = heat + work on every stroke; energies w (n + 1/2) at the corners."""
    for changes in REGIMES.values():
        perf = otto(HarmonicOscillator(), **changes).performance()
        exact = oscillator_otto(**dict(OTTO, **changes))
        for record, n in zip(perf.strokes, [exact.n1, exact.n2, exact.n2, exact.n1]):
            assert abs(record.energy_start - record.control_start * (n + 0.5)) < 1e-15 * record.energy_start
            change = record.energy_end - record.energy_start
            assert abs(change - sum(record.heat.values()) - record.work) < 1e-13 * max(1.0, abs(record.energy_end))


def decimal_otto(p: dict[str, float]) -> dict[str, Decimal]:
    """docs/explanation/physics.md, section 8 in 60-digit arithmetic from the exact binary inputs."""
    with localcontext() as ctx:
        ctx.prec = 60
        d = {k: Decimal(v) for k, v in p.items()}
        nb_c = 1 / ((d["w_a"] / d["T_c"]).exp() - 1)
        nb_h = 1 / ((d["w_b"] / d["T_h"]).exp() - 1)
        a, b = (-d["gamma_c"] * d["tau_c"]).exp(), (-d["gamma_h"] * d["tau_h"]).exp()
        n1 = (nb_h * (1 - b) + nb_c * (1 - a) * b) / (1 - a * b)
        n2 = nb_c + (n1 - nb_c) * a
        return dict(q_c=d["w_a"] * (n2 - n1), q_h=d["w_b"] * (n2 - n1), n1=n1, n2=n2)


@pytest.mark.parametrize("changes", [
    dict(w_b=2.0 * (1 + 1e-9)),  # 1e-9 from reversibility: w_b/T_h = w_a/T_c (1 + 1e-9)
    dict(w_b=2.0 * (1 - 1e-13)),
    dict(T_c=0.01, T_h=0.02, w_a=1.0, w_b=3.0),  # w/T up to 150: tiny occupations
    dict(w_a=300.0, w_b=900.0, T_c=1.0, T_h=2.0),  # w/T = 300, 450
    dict(tau_c=1e-9, tau_h=2e-9),
    dict(tau_c=1e9, tau_h=1e8),
    dict(T_c=1e4, T_h=2e4),
])
def test_closed_form_keeps_relative_precision_in_extreme_regimes(changes):
    p = dict(OTTO, **changes)
    ref = decimal_otto(p)
    perf = otto(HarmonicOscillator(), **changes).performance()
    assert perf.q_c != 0
    assert relative([perf.q_c, perf.q_h], [float(ref["q_c"]), float(ref["q_h"])]) < 2e-13
    r = oscillator_otto(**p)
    assert relative([r.n1, r.n2], [float(ref["n1"]), float(ref["n2"])]) < 1e-14


def test_arrays_broadcast_and_match_scalar_evaluations():
    w_b = np.linspace(1.2, 5.0, 7)
    tau_c = np.array([[0.05], [0.5], [5.0]])
    batch = otto(HarmonicOscillator(), w_b=w_b, tau_c=tau_c, T_h=np.array(2.5)).performance()
    assert batch.q_c.shape == (3, 7) and batch.strokes[1].work.shape == (3, 7)
    assert batch.strokes[0].populations_start.shape == (3, 7, 0) and batch.strokes[0].state_end.shape == (3, 7, 0, 0)
    for i, j in np.ndindex(3, 7):
        one = otto(HarmonicOscillator(), w_b=float(w_b[j]), tau_c=float(tau_c[i, 0]), T_h=2.5).performance()
        assert isinstance(one.q_c, float)  # the scalar path runs on Python floats
        assert relative([batch.q_c[i, j], batch.q_h[i, j], batch.work[i, j]], [one.q_c, one.q_h, one.work]) < 5e-16
        assert relative(batch.strokes[3].work[i, j], one.strokes[3].work) < 5e-16
    direct = mean_occupation_cycle([1.0, w_b], [1.0, 2.5], [1.0, 1.0], [tau_c, 0.5])
    np.testing.assert_array_equal(direct.heats[0], batch.q_c)


def test_untruncated_ledger_has_no_populations():
    perf = otto(HarmonicOscillator()).performance()
    for record in perf.strokes:
        assert record.populations_start.shape == (0,) and record.state_end.shape == (0, 0)
        assert record.coherence_end == 0
    assert [r.kind for r in perf.strokes] == ["Isochore", "QuantumAdiabat", "Isochore", "QuantumAdiabat"]
    assert perf.strokes[1].heat == {} and perf.strokes[0].work == 0


# ------------------------------------------------------------------------------------------------
# truncation converges to the untruncated oscillator
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("changes", [{}, dict(T_h=4.0, w_b=5.0), dict(tau_c=5.0, tau_h=5.0)],
                         ids=["otto", "hotter", "slow"])
def test_truncated_oscillator_converges_to_the_closed_form(changes):
    """The error of levels=N falls geometrically, like the Boltzmann factor exp(-N u) of the top level
    (u = the smaller of w_a/T_c and w_b/T_h), and reaches round-off."""
    exact = otto(HarmonicOscillator(), **changes).performance()
    p = dict(OTTO, **changes)
    u = min(p["w_a"] / p["T_c"], p["w_b"] / p["T_h"])
    sizes = list(range(4, 41, 4))
    errors = []
    for n in sizes:
        perf = otto(HarmonicOscillator(levels=n), **changes).performance()
        assert perf.method == "linear_algebra"
        errors.append(relative([perf.q_c, perf.q_h, perf.work], [exact.q_c, exact.q_h, exact.work]))
    geometric = [(n, e) for n, e in zip(sizes, errors) if e > 1e-13]
    assert all(b < a for (_, a), (_, b) in zip(geometric, geometric[1:]))  # decreasing
    slope = -np.polyfit([n for n, _ in geometric], np.log([e for _, e in geometric]), 1)[0]
    assert 0.7 * u < slope < 1.3 * u, (slope, u, errors)
    assert errors[sizes.index(32)] < 1e-10 and min(errors) < 1e-13


# ------------------------------------------------------------------------------------------------
# the untruncated oscillator where its closed form does not apply: clear refusals
# ------------------------------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class SlowIsochore(Isochore):
    """An Isochore subclass: the closed form cannot know what it does."""

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")


@pytest.mark.parametrize("build, detail", [
    (lambda: otto(HarmonicOscillator(), law="tanh"), "whose law is 'tanh', not 'bosonic'"),
    (lambda: otto(HarmonicOscillator(), law="fermionic"), "whose law is 'fermionic'"),
    (lambda: attrs.evolve(otto(HarmonicOscillator()), strokes=[
        SlowIsochore(name="c", reservoir=tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law="bosonic"),
                     control=tc.Parameter("w_a", 1.0), duration=0.5), *otto(HarmonicOscillator()).strokes[1:]]),
     "SlowIsochore 'c' is a stroke the closed form does not know"),
])
def test_untruncated_oscillator_outside_its_closed_form_says_what_to_do(build, detail):
    cycle = build()
    for call in (cycle.performance, lambda: cycle.performance(method="linear_algebra"),
                 lambda: cycle.performance(method="closed_form"), lambda: cycle.performance(backend="populations"),
                 lambda: IrreversibleAnalysis().run(cycle),
                 lambda: Optimizer(objective="chi", variables={"tau_c": (0.1, 2.0)}).run(cycle)):
        with pytest.raises(CycleError) as info:
            call()
        message = str(info.value)
        assert "HarmonicOscillator() is untruncated" in message and "give levels=N" in message
        assert "bosonic-law reservoirs" in message and detail in message


def test_untruncated_oscillator_refused_by_the_density_matrix_backend():
    cycle = otto(HarmonicOscillator())
    with pytest.raises(CycleError, match=r"backend='density_matrix' cannot evaluate this cycle: HarmonicOscillator\(\) "
                                         r"is untruncated.*give levels=N"):
        cycle.performance(backend="density_matrix")
    with pytest.raises(CycleError, match="infinitely many levels"):
        HarmonicOscillator().energies(np.array(1.0), {})
    with pytest.raises(CycleError, match="infinitely many levels"):
        HarmonicOscillator().coupling_in_eigenbasis(np.array(1.0), {})


def test_untruncated_oscillator_without_contact_time():
    with pytest.raises(CycleError, match=r"zero duration \(tau_c = tau_h = 0\)"):
        otto(HarmonicOscillator(), tau_c=0.0, tau_h=0.0).performance()
    with pytest.raises(CycleError, match=r"at element \(1,\)"):
        otto(HarmonicOscillator(), tau_c=np.array([0.5, 0.0]), tau_h=0.0).performance()
    one_sided = otto(HarmonicOscillator(), tau_c=0.0).performance()  # one contact is enough
    assert one_sided.q_c == 0 and one_sided.work == 0 and one_sided.heat["h"] == 0


# ------------------------------------------------------------------------------------------------
# bad input: errors name the class, the field, the value and what is expected
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("levels", [1, 0, -3, 2.0, 5.5, True, "5", np.nan, [3]])
def test_bad_oscillator_levels(levels):
    with pytest.raises(ParameterError) as info:
        HarmonicOscillator(levels=levels)
    assert str(info.value) == f"HarmonicOscillator.levels must be an integer >= 2 (a number of levels); got {levels!r}"


@pytest.mark.parametrize("j", [0.3, -1, 0, -0.5, 1.25, np.nan, np.inf, True, "3/2", 1 + 0j, None, Fraction(1, 3)])
def test_bad_spin(j):
    with pytest.raises(ParameterError) as info:
        Spin(j=j)
    assert str(info.value) == (f"Spin.j must be a positive half-integer (1/2, 1, 3/2, 2, ...; an int, a float such "
                               f"as 1.5, or a Fraction); got {j!r}")


def wrong_shape(w):
    return np.ones(3)


def not_finite(w):
    return np.stack(np.broadcast_arrays(0.0 * w, np.inf * w), axis=-1)


def raising(w):
    raise KeyError("boom")


@pytest.mark.parametrize("kwargs, message", [
    (dict(factors=[1.0]), "NLevel.factors must hold at least 2 levels; got [1.]"),
    (dict(factors=[[0.0, 1.0]]), "NLevel.factors must be a 1-D sequence of real numbers (levels factors * w); "
                                 "got shape (1, 2)"),
    (dict(factors=[0.0, np.nan]), "NLevel.factors must be finite; got [ 0. nan]"),
    (dict(factors="01"), "NLevel.factors must be a 1-D sequence of real numbers (levels factors * w); got '01'"),
    (dict(factors=[0.0, True]), "NLevel.factors must be a 1-D sequence of real numbers (levels factors * w); "
                                "got [0.0, True]"),
    (dict(factors=[0.0, 1.0], n_levels=3), "NLevel.n_levels must equal len(factors) = 2 when both are given; got 3"),
    (dict(), "NLevel needs its levels as exactly one of factors=[...] (levels factors * w) or energies=function(w) "
             "(with n_levels=N); got neither"),
    (dict(factors=[0.0, 1.0], energies=energies_of, n_levels=2), "got both"),
    (dict(energies=energies_of), "NLevel.n_levels must be given with energies=function(w): the number of levels N "
                                 "the function returns (shape w.shape + (N,)); got None"),
    (dict(energies=energies_of, n_levels=1), "NLevel.n_levels must be an integer >= 2 (a number of levels); got 1"),
    (dict(energies=energies_of, n_levels=2.0), "NLevel.n_levels must be an integer >= 2 (a number of levels); "
                                               "got 2.0"),
    (dict(energies=energies_of, n_levels=4), "NLevel.energies must return shape w.shape + (N,) = (4,) for "
                                             "n_levels = 4; got shape (3,) at w = 1.0"),
    (dict(energies=wrong_shape, n_levels=3), "NLevel.energies must return shape w.shape + (N,) = (3, 3) for "
                                             "n_levels = 3; got shape (3,) at w = [0.5 1.  2. ]"),
    (dict(energies=not_finite, n_levels=2), "NLevel.energies must return finite energies; got [ 0. inf] at w = 1.0"),
    (dict(energies=raising, n_levels=2), "NLevel.energies failed at w = 1.0 (KeyError: 'boom'); it must be a "
                                         "vectorised function of a numpy array of controls"),
    (dict(energies=[0.0, 1.0], n_levels=2), "NLevel.energies must be a function of the control w returning the "
                                            "level energies (shape w.shape + (N,)); got [0.0, 1.0]"),
    (dict(factors=[0.0, 1.0], coupling=np.ones((3, 3))), "NLevel.coupling must be an N x N matrix for the N = 2 "
                                                         "levels; got shape (3, 3)"),
    (dict(factors=[0.0, 1.0], coupling=[[0.0, 1.0], [2.0, 0.0]]), "NLevel.coupling must be Hermitian"),
    (dict(factors=[0.0, 1.0], coupling=[[0.0, np.nan], [np.nan, 0.0]]), "NLevel.coupling must be finite"),
    (dict(factors=[0.0, 1.0], coupling=[1.0, 2.0]), "NLevel.coupling must be a square matrix"),
    (dict(factors=[0.0, 1.0], coupling=tc.Q_(np.eye(2), "meV")), "NLevel.coupling is dimensionless"),
])
def test_bad_nlevel(kwargs, message):
    with pytest.raises(ParameterError) as info:
        NLevel(**kwargs)
    assert message in str(info.value)


def test_structural_fields_are_not_parameters():
    for substance in (HarmonicOscillator(levels=4), Spin(j=1), NLevel(factors=[0.0, 1.0, 2.5])):
        cycle = otto(substance, law="tanh")
        assert cycle.parameter_names == ("T_c", "gamma_c", "T_h", "gamma_h", "w_a", "w_b", "tau_c", "tau_ch",
                                         "tau_h", "tau_hc")
    with pytest.raises(ParameterError, match="unknown parameter"):
        otto(HarmonicOscillator(levels=4), law="tanh").with_parameters(levels=5)
    with pytest.raises(ParameterError, match="HarmonicOscillator.levels must be an integer >= 2"):
        HarmonicOscillator(levels=np.array([3, 4]))


# ------------------------------------------------------------------------------------------------
# equality, pickling, other processes, plugins, units
# ------------------------------------------------------------------------------------------------
SUBSTANCES = {
    "untruncated": (HarmonicOscillator, {}),
    "truncated": (HarmonicOscillator, dict(levels=6)),
    "spin": (Spin, dict(j=Fraction(3, 2))),
    "nlevel": (NLevel, dict(factors=[0.0, 1.0, 2.5], coupling=[[0, 1, 0.5], [1, 0, 1], [0.5, 1, 0]])),
    "nlevel-function": (NLevel, dict(energies=energies_of, n_levels=3)),
}


@pytest.mark.parametrize("name", list(SUBSTANCES))
def test_equality_and_round_trips(name):
    cls, kwargs = SUBSTANCES[name]
    substance = cls(**kwargs)
    assert substance == cls(**kwargs) and hash(substance) == hash(cls(**kwargs))
    assert attrs.evolve(substance) == substance
    law = "bosonic" if name == "untruncated" else "tanh"
    cycle = otto(substance, law=law)
    perf = cycle.performance()
    for dumps, loads in ((pickle.dumps, pickle.loads), (cloudpickle.dumps, cloudpickle.loads)):
        assert loads(dumps(substance)) == substance
        copy = loads(dumps(cycle))
        assert copy == cycle
        again = copy.performance()
        assert (again.q_c, again.q_h, again.work) == (perf.q_c, perf.q_h, perf.work)
        back = loads(dumps(perf))
        assert back.q_c == perf.q_c and back.strokes[2].heat == perf.strokes[2].heat
        np.testing.assert_array_equal(back.strokes[1].populations_end, perf.strokes[1].populations_end)
    slower = cycle.with_parameters(tau_c=2.0)
    assert slower.substance == substance and slower.performance().q_c != perf.q_c


def test_different_substances_are_unequal():
    assert HarmonicOscillator() != HarmonicOscillator(levels=5) != HarmonicOscillator(levels=6)
    assert NLevel(factors=[0.0, 1.0]) != NLevel(factors=[0.0, 2.0])
    assert NLevel(factors=[0.0, 1.0]) == NLevel(factors=(0, 1), n_levels=2)
    assert NLevel(factors=[0.0, 1.0], coupling=np.ones((2, 2))) != NLevel(factors=[0.0, 1.0])
    assert NLevel(energies=energies_of, n_levels=3) != NLevel(energies=lambda w: energies_of(w), n_levels=3)


def test_evaluation_in_another_process():
    """A spawned worker unpickles the cycles (a module-level level function travels by reference)."""
    cycles = [otto(HarmonicOscillator()), otto(NLevel(energies=energies_of, n_levels=3), law="fermionic"),
              otto(Spin(j=1), law="bosonic")]
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = list(pool.map(tc.Cycle.performance, cycles))
    for cycle, perf in zip(cycles, remote):
        here = cycle.performance()
        assert (perf.q_c, perf.q_h, perf.work) == (here.q_c, here.q_h, here.work)


def test_optimizer_on_the_untruncated_oscillator():
    """Time allocation of the oscillator's Otto refrigerator, against scipy on docs/explanation/physics.md's formula:
    with equal rates the optimum is symmetric, tau_c = tau_h."""
    cycle = otto(HarmonicOscillator())
    res = Optimizer(objective="chi", variables={"tau_c": (0.01, 10.0), "tau_h": (0.01, 10.0)}).run(cycle)
    assert res.success

    def minus_chi(x):
        tau_c, tau_h = x
        nb_c, nb_h = 1 / math.expm1(1.0), 1 / math.expm1(1.5)
        a, b = math.exp(-tau_c), math.exp(-tau_h)
        dn = (nb_c - nb_h) * (1 - a) * (1 - b) / (1 - a * b)
        return -(0.5 * dn / (tau_c + tau_h + 0.2))  # cop * q_c / t_cyc, cop = 1/2, q_c = w_a dn

    ref = scipy.optimize.minimize(minus_chi, [1.0, 1.0], method="Nelder-Mead",
                                  options=dict(xatol=1e-10, fatol=1e-16, maxiter=4000))
    assert abs(res.fun + ref.fun) < 1e-12 * abs(ref.fun)
    assert abs(res.x["tau_c"] - ref.x[0]) < 1e-5 and abs(res.x["tau_c"] - res.x["tau_h"]) < 1e-5


def test_irreversible_analysis_of_the_untruncated_oscillator():
    """Uniform levels: tight coupling (q = 1) and reciprocity, as the truncated oscillator (N = 40)."""
    exact = IrreversibleAnalysis().run(otto(HarmonicOscillator()))
    truncated = IrreversibleAnalysis().run(otto(HarmonicOscillator(levels=40)))
    assert exact.tight_coupling and exact.second_law and abs(exact.coupling - 1) < 1e-9
    np.testing.assert_allclose(exact.L_natural, truncated.L_natural, rtol=1e-9)


def test_untruncated_oscillator_with_units():
    Q_ = tc.Q_
    si = otto(HarmonicOscillator(), T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
              w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"),
              tau_hc=Q_(0.1, "us"))
    perf = si.performance()
    assert perf.cooling_rate.check("[power]") and perf.mode == "refrigerator"
    assert abs(perf.cop - 0.5) < 1e-12
    assert perf.q_c.check("[energy]") and perf.work.check("[energy]")
    natural = otto(HarmonicOscillator(), **si.model.defaults).performance()  # the same cycle in natural units
    assert perf.natural().q_c == natural.q_c and perf.natural().work == natural.work


@pytest.mark.parametrize("substance", [
    Spin(j=1), NLevel(energies=lambda w: np.asarray(w)[..., None] * np.arange(4.0), n_levels=4),
    HarmonicOscillator(levels=6)], ids=["spin_1", "nlevel_4", "oscillator_6"])
def test_no_contact_time_on_the_generic_path_is_a_cycle_error(substance):
    """One scalar point without contact time reaches the small-matrix periodic solve on Python
    floats, which divided by zero (a raw ZeroDivisionError, found by a sweep); it must say why."""
    with pytest.raises(CycleError, match=r"zero duration \(tau_c = tau_h = 0\)"):
        otto(substance, tau_c=0.0, tau_h=0.0).performance()
