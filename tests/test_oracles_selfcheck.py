"""Self-checks of the two coherent (density-matrix) oracles, before they are used against thermocycles.

The oracles are ``tests/oracle_density_matrix.py`` (numpy/scipy: ``solve_ivp`` on rho, periodic state by
running whole cycles) and ``tests/oracle_qutip.py`` (QuTiP 5: one-cycle superoperator from Liouvillian
exponentials and ``qutip.propagator``, periodic state as its fixed point). Neither imports thermocycles
nor the other one. This file checks each oracle against physics it must obey, so that a later
disagreement with the library can be attributed, and then the two oracles against each other:

* helpers: the qubit Hamiltonian ``(w sigma_z + delta sigma_x)/2``, ``h0 + w h1``, the three bath laws
  (values and detailed balance ``k(omega) / k(-omega) = exp(beta omega)``);
* Delta = 0 qubit Otto cycle (unitary ramps or ideal adiabats) against the closed form of docs/explanation/physics.md
  section 4 (``n2 - n1 = Delta_n_eq f(x, y)``, ``Q_c = w_a (n2 - n1)``, ``Q_h = w_b (n2 - n1)``), 1e-9
  relative;
* the Davies isochore keeps the Gibbs state of ``H(w)`` fixed and relaxes an arbitrary state to it;
* in the periodic state of non-commuting cycles (qubit Delta = 0.6 and 3 with fast, slow and mixed
  ramps; a 3-level matrix substance with a tridiagonal coupling and the tanh and fermionic laws, and with
  the all-pairs coupling and the bosonic law): trace 1, Hermitian, positive semidefinite, periodic;
  unitary strokes keep the spectrum of rho; first law per stroke (energy change from the states, with
  H built here) and per cycle; Spohn's inequality ``Delta S_vN - beta Q >= 0`` on every isochore and
  Clausius ``-sum_r Q_r / T_r >= 0`` per cycle; numpy oracle: heats and works from the extra ODE
  components agree with the energy differences, the cycle iteration converged; QuTiP oracle: the cycle
  superoperator is CPTP and its fixed point has a tiny residual;
* the two oracles agree on heats, works (per reservoir, per stroke) and periodic states (``AGREE``);
* slow unitary ramps approach the ideal adiabat: from a Gibbs (passive) state the unitary work is never
  below the adiabat work, and the excess decays (~ 1/tau^2 for a linear ramp, much faster for a ramp
  with zero end slopes);
* misuse raises: the bosonic law with a nonzero omega = 0 jump operator, strokes that do not join up.

The QuTiP part is skipped (``pytest.importorskip``) where qutip is not installed.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import oracle_density_matrix as dm
import pytest
import scipy.linalg

#: closed forms vs the oracles (relative)
REL_CLOSED_FORM = 1e-9
#: numpy oracle vs QuTiP oracle: |difference| <= AGREE * (largest stroke energy in the cycle)
AGREE = 1e-8
#: trace, Hermiticity, positivity, spectrum, first law (absolute, energies are O(1))
TIGHT = 1e-10

SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
SZ = np.array([[1.0, 0.0], [0.0, -1.0]], dtype=complex)
ALL_PAIRS = "all_pairs_eigen"

# a 3-level substance with [h0, h1] != 0, complex entries, non-degenerate Bohr frequencies for 1 <= w <= 2.5
H0_3 = np.array([[0.0, 0.15, 0.0],
                 [0.15, 1.0, 0.1 + 0.05j],
                 [0.0, 0.1 - 0.05j, 2.3]], dtype=complex)
H1_3 = np.array([[0.0, 0.0, 0.25],
                 [0.0, 1.0, 0.0],
                 [0.25, 0.0, 2.0]], dtype=complex)
A_3 = np.array([[0.0, 1.0, 0.0],
                [1.0, 0.0, math.sqrt(2.0)],
                [0.0, math.sqrt(2.0), 0.0]], dtype=complex)  # a + a^dag on three levels


def cos_schedule(x: float) -> float:
    """Smooth ramp shape with zero slope at both ends."""
    return 0.5 * (1.0 - math.cos(math.pi * x))


def cos_schedule_derivative(x: float) -> float:
    return 0.5 * math.pi * math.sin(math.pi * x)


def sine_schedule(x: float) -> float:
    """``x - sin(2 pi x) / (2 pi)``: zero slope at both ends (derivative left to finite differences)."""
    return x - math.sin(2.0 * math.pi * x) / (2.0 * math.pi)


def qutip_oracle():
    """The QuTiP oracle, or skip the test where qutip is not installed."""
    pytest.importorskip("qutip")
    import oracle_qutip

    return oracle_qutip


def oracle(which: str):
    return dm if which == "numpy" else qutip_oracle()


ORACLES = ("numpy", "qutip")


# --------------------------------------------------------------------------------------------
# the cycles
# --------------------------------------------------------------------------------------------
def otto_spec(*, w_a, w_b, T_c, T_h, gamma_c, gamma_h, tau_c, tau_h, ramp_ch, ramp_hc,
              law_c="tanh", law_h="tanh") -> list:
    """Four strokes as ``(class name, args, kwargs)``; a ramp is ``("Unitary"|"Adiabat", tau, kwargs)``."""
    return [
        ("Isochore", ("c", w_a, T_c, gamma_c, tau_c), {"law": law_c}),
        (ramp_ch[0], ("ch", w_a, w_b, ramp_ch[1]), ramp_ch[2] if len(ramp_ch) > 2 else {}),
        ("Isochore", ("h", w_b, T_h, gamma_h, tau_h), {"law": law_h}),
        (ramp_hc[0], ("hc", w_b, w_a, ramp_hc[1]), ramp_hc[2] if len(ramp_hc) > 2 else {}),
    ]


COS = {"schedule": cos_schedule, "schedule_derivative": cos_schedule_derivative}
RAMPS = {
    "fast": (("Unitary", 0.05), ("Unitary", 0.05)),
    "slow": (("Unitary", 5.0), ("Unitary", 5.0)),
    "mixed": (("Unitary", 0.05), ("Unitary", 5.0, COS)),
}


def _qubit_case(delta: float, ramps: str, **laws) -> dict:
    ramp_ch, ramp_hc = RAMPS[ramps]
    return {"h0": 0.5 * delta * SX, "h1": 0.5 * SZ, "coupling": ALL_PAIRS,
            "strokes": otto_spec(w_a=1.0, w_b=3.0, T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=0.7,
                                 tau_c=1.0, tau_h=1.0, ramp_ch=ramp_ch, ramp_hc=ramp_hc, **laws)}


def _three_level_case(coupling, law: str) -> dict:
    return {"h0": H0_3, "h1": H1_3, "coupling": coupling,
            "strokes": otto_spec(w_a=1.0, w_b=2.5, T_c=0.8, T_h=3.0, gamma_c=0.5, gamma_h=0.8,
                                 tau_c=2.0, tau_h=1.5, ramp_ch=("Unitary", 0.3),
                                 ramp_hc=("Unitary", 2.0, {"schedule": sine_schedule}),
                                 law_c=law, law_h=law)}


CASES = {
    **{f"qubit-{delta}-{ramps}": _qubit_case(delta, ramps) for delta in (0.6, 3.0) for ramps in RAMPS},
    "qubit-0.6-mixed-bosonic-fermionic": _qubit_case(0.6, "mixed", law_c="bosonic", law_h="fermionic"),
    "3level-A-tanh": _three_level_case(A_3, "tanh"),
    "3level-A-fermionic": _three_level_case(A_3, "fermionic"),
    "3level-allpairs-bosonic": _three_level_case(ALL_PAIRS, "bosonic"),
}


def build(m, spec: dict):
    """``(hamiltonian, coupling, strokes)`` of a case for oracle module ``m``."""
    strokes = [getattr(m, kind)(*args, **kwargs) for kind, args, kwargs in spec["strokes"]]
    return m.matrix_hamiltonian(spec["h0"], spec["h1"]), spec["coupling"], strokes


@functools.cache
def periodic(which: str, case: str):
    m = oracle(which)
    return m.run_cycle(*build(m, CASES[case]))


def hamiltonian_here(case: str, w: float) -> np.ndarray:
    """``H(w)`` built in this file, independently of both oracles."""
    return CASES[case]["h0"] + w * CASES[case]["h1"]


def energy(h: np.ndarray, rho: np.ndarray) -> float:
    return float(np.trace(h @ rho).real)


def von_neumann_entropy(rho: np.ndarray) -> float:
    p = np.linalg.eigvalsh(0.5 * (rho + rho.conj().T))
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log(p)))


def gibbs(h: np.ndarray, temperature: float) -> np.ndarray:
    rho = scipy.linalg.expm(-(h - np.linalg.eigvalsh(h)[0] * np.eye(len(h))) / temperature)
    return rho / np.trace(rho).real


def cycle_scale(result) -> float:
    return max(max(abs(q) for q in result.stroke_heat), max(abs(w) for w in result.stroke_work))


# --------------------------------------------------------------------------------------------
# helpers and laws
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ORACLES)
def test_substance_helpers(which):
    m = oracle(which)
    w, delta = 1.7, 0.4
    expected = np.array([[w / 2, delta / 2], [delta / 2, -w / 2]])
    np.testing.assert_allclose(m.qubit_hamiltonian(w, delta), expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(np.asarray(m.qubit(delta)(w)), expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(np.asarray(m.matrix_hamiltonian(H0_3, H1_3)(w)), H0_3 + w * H1_3,
                               rtol=0, atol=1e-15)


@pytest.mark.parametrize("which", ORACLES)
@pytest.mark.parametrize("law", ["tanh", "bosonic", "fermionic"])
def test_bath_laws(which, law):
    m = oracle(which)
    gamma = 0.7
    for beta in (0.01, 1.0, 30.0):
        for omega in (0.3, 1.0, 5.0):
            down = m.law_rate(law, omega, beta, gamma)
            up = m.law_rate(law, -omega, beta, gamma)
            assert down / up == pytest.approx(math.exp(beta * omega), rel=1e-12)
            x = beta * omega
            if x < 10.0:  # the definition as written (1 - tanh cancels catastrophically further out)
                assert (m.law_rate("tanh", omega, beta, gamma), m.law_rate("tanh", -omega, beta, gamma)) \
                    == pytest.approx((gamma * (1 + math.tanh(x / 2)), gamma * (1 - math.tanh(x / 2))),
                                     rel=1e-12)
            expected = {"tanh": (2 * gamma / (1 + math.exp(-x)), 2 * gamma / (1 + math.exp(x))),
                        "bosonic": (gamma * (1 / math.expm1(x) + 1), gamma / math.expm1(x)),
                        "fermionic": (gamma / (1 + math.exp(-x)), gamma / (math.exp(x) + 1))}[law]
            assert (down, up) == pytest.approx(expected, rel=1e-12)
    assert m.law_rate(law, 800.0, 1.0, gamma) > 0.0  # no overflow far out in either direction
    assert m.law_rate(law, -800.0, 1.0, gamma) >= 0.0


# --------------------------------------------------------------------------------------------
# Delta = 0 qubit: the two-level closed form of docs/explanation/physics.md, section 4
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ORACLES)
@pytest.mark.parametrize("ramp", ["Unitary", "Adiabat"])
def test_delta0_otto_against_closed_form(which, ramp):
    m = oracle(which)
    w_a, w_b, T_c, T_h, gamma, tau = 1.0, 3.0, 1.0, 2.0, 1.0, 0.5
    strokes = [m.Isochore("c", w_a, T_c, gamma, tau), getattr(m, ramp)("ch", w_a, w_b, 0.3),
               m.Isochore("h", w_b, T_h, gamma, tau), getattr(m, ramp)("hc", w_b, w_a, 0.2)]
    result = m.run_cycle(m.qubit(0.0), ALL_PAIRS, strokes)
    x = y = 2.0 * gamma * tau
    f = math.expm1(-x) * math.expm1(-y) / -math.expm1(-(x + y))
    dn = (math.tanh(w_b / T_h / 2) - math.tanh(w_a / T_c / 2)) / 2 * f  # n2 - n1
    assert dn > 0.0  # the cooling regime
    assert result.heat["c"] == pytest.approx(w_a * dn, rel=REL_CLOSED_FORM)  # Q_c
    assert -result.heat["h"] == pytest.approx(w_b * dn, rel=REL_CLOSED_FORM)  # Q_h
    assert result.work == pytest.approx((w_b - w_a) * dn, rel=REL_CLOSED_FORM)
    assert result.stroke_heat == pytest.approx([w_a * dn, 0.0, -w_b * dn, 0.0], rel=REL_CLOSED_FORM,
                                               abs=1e-15)
    assert result.cycle_time == pytest.approx(2 * tau + 0.5)


# --------------------------------------------------------------------------------------------
# single isochores: Gibbs state fixed, relaxation to it
# --------------------------------------------------------------------------------------------
ISOCHORE_SUBSTANCES = {
    "qubit-3.0-tanh": (3.0 * 0.5 * SX, 0.5 * SZ, ALL_PAIRS, "tanh"),
    "qubit-0.6-bosonic": (0.6 * 0.5 * SX, 0.5 * SZ, ALL_PAIRS, "bosonic"),
    "3level-A-tanh": (H0_3, H1_3, A_3, "tanh"),
    "3level-A-fermionic": (H0_3, H1_3, A_3, "fermionic"),
    "3level-allpairs-bosonic": (H0_3, H1_3, ALL_PAIRS, "bosonic"),
}


@pytest.mark.parametrize("which", ORACLES)
@pytest.mark.parametrize("substance", sorted(ISOCHORE_SUBSTANCES))
def test_isochore_fixes_and_reaches_gibbs(which, substance):
    m = oracle(which)
    h0, h1, coupling, law = ISOCHORE_SUBSTANCES[substance]
    w, temperature = 1.6, 1.3
    h = h0 + w * h1
    target = gibbs(h, temperature)
    hamiltonian = m.matrix_hamiltonian(h0, h1)
    fixed = m.propagate(hamiltonian, coupling, [m.Isochore("bath", w, temperature, 0.9, 1.0, law=law)],
                        target)
    assert np.abs(fixed.rho_end[0] - target).max() < TIGHT
    assert abs(fixed.heat["bath"]) < TIGHT
    # relaxation of a state with coherences; the slowest rate is >= ~0.2 here, so 80 time units suffice
    start = np.full((len(h), len(h)), 0.1 + 0.05j)
    np.fill_diagonal(start, 0.0)
    start = start + start.conj().T + np.diag(np.arange(len(h), 0, -1.0))
    start = start / np.trace(start).real
    relaxed = m.propagate(hamiltonian, coupling, [m.Isochore("bath", w, temperature, 0.9, 80.0, law=law)],
                          start)
    assert np.abs(relaxed.rho_end[0] - target).max() < 1e-9
    assert relaxed.heat["bath"] == pytest.approx(energy(h, target) - energy(h, start), abs=1e-9)


# --------------------------------------------------------------------------------------------
# periodic states of non-commuting cycles
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ORACLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_periodic_state_is_a_state(which, case):
    result = periodic(which, case)
    for k, (rho0, rho1) in enumerate(zip(result.rho_start, result.rho_end)):
        for rho in (rho0, rho1):
            assert abs(np.trace(rho) - 1.0) < TIGHT
            assert np.abs(rho - rho.conj().T).max() < TIGHT
            assert np.linalg.eigvalsh(0.5 * (rho + rho.conj().T)).min() > -TIGHT
        if result.stroke_names[k] in ("ch", "hc"):  # unitary strokes keep the spectrum of rho
            np.testing.assert_allclose(np.linalg.eigvalsh(rho1), np.linalg.eigvalsh(rho0), rtol=0,
                                       atol=TIGHT)
        # the strokes are chained: each starts where the previous one ended
        assert np.abs(result.rho_start[(k + 1) % 4] - rho1).max() < (TIGHT if k < 3 else 1e-11)
    assert result.stroke_names == ["c", "ch", "h", "hc"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_cycles_are_coherent(case):
    """The cases exercise coherence: the ramps leave coherence in the eigenbasis of the next isochore."""
    result = periodic("numpy", case)
    for k in (0, 2):
        w = CASES[case]["strokes"][k][1][1]
        vectors = np.linalg.eigh(hamiltonian_here(case, w))[1]
        rho = vectors.conj().T @ result.rho_start[k] @ vectors
        assert np.abs(rho - np.diag(np.diag(rho))).max() > 1e-3


@pytest.mark.parametrize("which", ORACLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_first_law_and_second_law(which, case):
    result = periodic(which, case)
    spec = CASES[case]["strokes"]
    for k, (kind, args, _) in enumerate(spec):
        w_start, w_end = (args[1], args[1]) if kind == "Isochore" else (args[1], args[2])
        delta_e = (energy(hamiltonian_here(case, w_end), result.rho_end[k])
                   - energy(hamiltonian_here(case, w_start), result.rho_start[k]))
        assert result.stroke_heat[k] + result.stroke_work[k] == pytest.approx(delta_e, abs=TIGHT)
        if kind == "Isochore":
            assert result.stroke_work[k] == 0.0
            temperature = args[2]
            spohn = (von_neumann_entropy(result.rho_end[k]) - von_neumann_entropy(result.rho_start[k])
                     - result.stroke_heat[k] / temperature)
            assert spohn > -TIGHT, f"Spohn's inequality broken on {args[0]}: {spohn}"
        else:
            assert result.stroke_heat[k] == 0.0
    assert sum(result.stroke_heat) == pytest.approx(sum(result.heat.values()), abs=1e-15)
    assert sum(result.stroke_work) == pytest.approx(result.work, abs=1e-15)
    assert abs(result.first_law_residual) < 1e-11
    assert result.entropy_production() > -1e-11  # Clausius


@pytest.mark.parametrize("case", sorted(CASES))
def test_numpy_oracle_internal_cross_checks(case):
    result = periodic("numpy", case)
    scale = cycle_scale(result)
    np.testing.assert_allclose(result.stroke_heat_integrated, result.stroke_heat, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(result.stroke_work_integrated, result.stroke_work, rtol=0, atol=1e-10 * scale)
    assert result.n_cycles > 3
    assert result.last_change < dm.CONVERGENCE_TOL
    assert result.error_estimate < 1e-11


@pytest.mark.parametrize("case", sorted(CASES))
def test_qutip_oracle_superoperator(case):
    result = periodic("qutip", case)
    assert result.superoperator.iscptp
    assert result.fixed_point_residual < 1e-12
    for superop in result.stroke_superoperators:
        assert superop.iscptp


@pytest.mark.parametrize("case", sorted(CASES))
def test_oracles_agree(case):
    qutip_oracle()
    a, b = periodic("numpy", case), periodic("qutip", case)
    scale = cycle_scale(a)
    assert a.heat.keys() == b.heat.keys()
    for r in a.heat:
        assert abs(a.heat[r] - b.heat[r]) < AGREE * scale
    assert abs(a.work - b.work) < AGREE * scale
    np.testing.assert_allclose(a.stroke_heat, b.stroke_heat, rtol=0, atol=AGREE * scale)
    np.testing.assert_allclose(a.stroke_work, b.stroke_work, rtol=0, atol=AGREE * scale)
    for rho_a, rho_b in zip(a.rho_start, b.rho_start):
        assert np.abs(rho_a - rho_b).max() < AGREE
    assert a.cycle_time == b.cycle_time


# --------------------------------------------------------------------------------------------
# slow unitary ramps -> ideal adiabat
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ORACLES)
@pytest.mark.parametrize("schedule", ["linear", "smooth"])
def test_slow_unitary_ramps_approach_the_adiabat(which, schedule):
    m = oracle(which)
    hamiltonian = m.qubit(0.6)
    start = gibbs(hamiltonian_here("qubit-0.6-fast", 1.0), 1.0)  # passive w.r.t. H(w0)
    w_adiabat = m.propagate(hamiltonian, ALL_PAIRS, [m.Adiabat("a", 1.0, 3.0, 1.0)], start).work
    kwargs = {} if schedule == "linear" else {"schedule": sine_schedule}
    excess = {}
    for tau in (2.0, 8.0, 32.0):
        excess[tau] = m.propagate(hamiltonian, ALL_PAIRS, [m.Unitary("u", 1.0, 3.0, tau, **kwargs)],
                                  start).work - w_adiabat
    # from a passive state no unitary can end below the passive (= adiabatic) energy
    assert min(excess.values()) > -1e-12
    if schedule == "linear":  # excess ~ 1/tau^2 (transitions from the kinks at the ends)
        assert excess[8.0] < excess[2.0] / 4
        assert excess[32.0] < excess[8.0] / 8
        assert excess[32.0] < 3e-4
    else:  # zero end slopes: much faster
        assert excess[32.0] < 1e-6
        assert excess[32.0] < 1e-4 * excess[2.0]


# --------------------------------------------------------------------------------------------
# misuse
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ORACLES)
def test_misuse_raises(which):
    m = oracle(which)
    hamiltonian = m.matrix_hamiltonian(H0_3, H1_3)
    # the bosonic rate diverges at omega = 0, where A has a nonzero (dephasing) jump operator
    with pytest.raises(ValueError, match="non-finite"):
        m.propagate(hamiltonian, A_3, [m.Isochore("c", 1.0, 1.0, 1.0, 1.0, law="bosonic")], np.eye(3) / 3)
    with pytest.raises(ValueError, match="next one starts"):
        m.run_cycle(hamiltonian, A_3, [m.Isochore("c", 1.0, 1.0, 1.0, 1.0), m.Unitary("u", 2.0, 1.0, 1.0)])
    with pytest.raises(ValueError, match="non-degenerate"):
        m.propagate(m.qubit(0.0), ALL_PAIRS, [m.Adiabat("a", 0.0, 1.0)], np.eye(2) / 2)
