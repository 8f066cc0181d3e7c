"""The density-matrix backend against two independent brute-force oracles.

References (they share no code with thermocycles, nor with each other):

* ``oracle_density_matrix.py``: solve_ivp (DOP853, rtol 1e-12) on the density matrix through many
  whole cycles until the start state stops changing; heat and work as energy differences and,
  independently, as time integrals (cross-checked inside the oracle);
* ``oracle_qutip.py``: QuTiP 5 Liouvillians (``qutip.liouvillian``) and propagators
  (``qutip.propagator`` on a time-dependent ``QobjEvo``) and ``propagator_steadystate`` of the
  one-cycle superoperator.

Cycles: a qubit ``H(w) = (w sz + Delta sx)/2`` with Delta from 0.6 (< w) to 3 (> w), fast (tau = 0.05),
slow (tau = 5) and mixed unitary ramps, linear and cosine schedules, ideal adiabats; a three-level
matrix substance with a coupling operator that has diagonal elements in the eigenbasis (pure
dephasing) and with the all-pairs coupling; the tanh, bosonic and fermionic laws, also mixed.
Compared per stroke: heat, work, and the density matrix at every corner, to ``ATOL`` times the
cycle's energy scale (the oracles agree with each other to ~1e-12).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import oracle_density_matrix as brute
import pytest

import thermocycles as tc

qutip_oracle = pytest.importorskip("oracle_qutip")

ATOL = 1e-11  # relative to the cycle's energy scale (measured: 3e-13 at worst)

SZ = np.diag([1.0, -1.0])
SX = np.array([[0.0, 1.0], [1.0, 0.0]])
H0_3 = np.array([[0.0, 0.2, 0.0], [0.2, 1.0, 0.15], [0.0, 0.15, 2.3]])
H1_3 = np.diag([-1.0, 0.4, 1.0]) + 0.1 * np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
A_3 = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.7], [0.0, 0.7, 0.0]])


def cosine(x):
    return 0.5 * (1.0 - np.cos(np.pi * np.asarray(x)))


# (name, substance kind, Delta, coupling, laws (cold, hot), stroke kinds and durations)
CASES = {
    "qubit-fast-ramps": dict(delta=0.6, ramps=(("unitary", 0.05, None), ("unitary", 0.05, None))),
    "qubit-strong-field-slow-ramps": dict(delta=3.0, ramps=(("unitary", 5.0, None), ("unitary", 5.0, None))),
    "qubit-mixed-ramps": dict(delta=0.6, ramps=(("unitary", 0.05, None), ("unitary", 2.0, "cosine"))),
    "qubit-ideal-adiabats": dict(delta=0.6, ramps=(("adiabat", 0.1, None), ("adiabat", 0.1, None))),
    "qubit-bosonic-fermionic": dict(delta=0.6, laws=("bosonic", "fermionic"),
                                    ramps=(("unitary", 0.3, None), ("unitary", 0.1, None))),
    "three-level-dephasing-fermionic": dict(three_level=True, coupling=A_3, laws=("fermionic", "fermionic"),
                                            ramps=(("unitary", 0.2, None), ("unitary", 1.0, "cosine"))),
    "three-level-all-pairs-bosonic": dict(three_level=True, coupling=None, laws=("bosonic", "tanh"),
                                          ramps=(("adiabat", 0.1, None), ("unitary", 0.5, None))),
}
W_A, W_B = 1.0, 3.0


def library_cycle(case: dict[str, Any]) -> tc.Cycle:
    laws = case.get("laws", ("tanh", "tanh"))
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law=laws[0])
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=0.7, law=laws[1])
    if case.get("three_level"):
        substance = tc.MatrixSubstance(h0=H0_3, h1=H1_3, coupling=case["coupling"])
    else:
        substance = tc.Qubit(transverse=case["delta"])
    w_a, w_b = tc.Parameter("w_a", W_A), tc.Parameter("w_b", W_B)

    def ramp(name: str, spec: tuple, start: Any, end: Any) -> tc.Stroke:
        kind, tau, schedule = spec
        if kind == "adiabat":
            return tc.QuantumAdiabat(name=name, start=start, end=end, duration=tau)
        return tc.UnitaryStroke(name=name, start=start, end=end, duration=tau,
                                schedule=cosine if schedule == "cosine" else "linear")

    up, down = case["ramps"]
    return tc.Cycle(substance=substance, strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        ramp("ch", up, w_a, w_b),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=0.4),
        ramp("hc", down, w_b, w_a)])


def oracle_inputs(module: Any, case: dict[str, Any]) -> tuple[Any, Any, list]:
    laws = case.get("laws", ("tanh", "tanh"))
    if case.get("three_level"):
        hamiltonian = module.matrix_hamiltonian(H0_3, H1_3)
        coupling = "all_pairs_eigen" if case["coupling"] is None else case["coupling"]
    else:
        hamiltonian = module.qubit(case["delta"])
        coupling = "all_pairs_eigen"

    def ramp(name: str, spec: tuple, w0: float, w1: float) -> Any:
        kind, tau, schedule = spec
        if kind == "adiabat":
            return module.Adiabat(name, w0, w1, tau)
        return module.Unitary(name, w0, w1, tau, schedule=cosine if schedule == "cosine" else None)

    up, down = case["ramps"]
    strokes = [module.Isochore("c", W_A, 1.0, 1.0, 0.5, law=laws[0]), ramp("ch", up, W_A, W_B),
               module.Isochore("h", W_B, 2.0, 0.7, 0.4, law=laws[1]), ramp("hc", down, W_B, W_A)]
    return hamiltonian, coupling, strokes


_ORACLE_CACHE: dict[tuple[str, str], Any] = {}


def oracle(name: str, which: str) -> Any:
    key = (name, which)
    if key not in _ORACLE_CACHE:
        module = brute if which == "brute" else qutip_oracle
        _ORACLE_CACHE[key] = module.run_cycle(*oracle_inputs(module, CASES[name]))
    return _ORACLE_CACHE[key]


def compare(perf: tc.Performance, ref: Any) -> float:
    """Largest deviation (heats, works, corner states) relative to the cycle's energy scale."""
    scale = max(max(abs(q) for q in ref.stroke_heat), max(abs(w) for w in ref.stroke_work))
    worst = 0.0
    for k, stroke in enumerate(perf.strokes):
        heat = sum(stroke.heat.values()) if stroke.heat else 0.0
        worst = max(worst, abs(heat - ref.stroke_heat[k]) / scale, abs(stroke.work - ref.stroke_work[k]) / scale,
                    float(np.abs(stroke.state_start - ref.rho_start[k]).max()),
                    float(np.abs(stroke.state_end - ref.rho_end[k]).max()))
    worst = max(worst, abs(perf.work - ref.work) / scale)
    for name, q in ref.heat.items():
        worst = max(worst, abs(perf.heat[name] - q) / scale)
    return worst


@pytest.mark.parametrize("name", list(CASES))
def test_density_matrix_backend_equals_qutip_oracle(name):
    perf = library_cycle(CASES[name]).performance()
    assert perf.backend == "density_matrix"
    assert compare(perf, oracle(name, "qutip")) < ATOL


@pytest.mark.parametrize("name", ["qubit-fast-ramps", "qubit-strong-field-slow-ramps",
                                  "three-level-dephasing-fermionic"])
def test_density_matrix_backend_equals_brute_force_time_integration(name):
    perf = library_cycle(CASES[name]).performance()
    ref = oracle(name, "brute")
    assert ref.n_cycles > 5  # the oracle really iterated cycles
    assert compare(perf, ref) < ATOL


def test_quantum_friction_is_in_the_coherences():
    """Fast ramps leave coherence in the eigenbasis, which the next isochore dissipates: the cycle
    does more work than with ideal adiabats, and the heats change."""
    fast = library_cycle(CASES["qubit-fast-ramps"]).performance()
    ideal = library_cycle(CASES["qubit-ideal-adiabats"]).performance()
    assert fast.strokes[1].coherence_end > 0.05 and fast.strokes[3].coherence_end > 0.05
    assert ideal.strokes[1].coherence_end < 1e-12
    assert fast.work > ideal.work


@pytest.mark.parametrize("name", list(CASES))
def test_invariants_of_the_periodic_state(name):
    """Trace, positivity, first law per stroke and Spohn's inequality per isochore."""
    cycle = library_cycle(CASES[name])
    perf = cycle.performance()
    model = cycle.model
    substance, values = model.substance, model.substance_values(model.defaults)
    temperatures = {"c": 1.0, "h": 2.0}
    for stroke in perf.strokes:
        for rho in (stroke.state_start, stroke.state_end):
            assert abs(np.trace(rho) - 1.0) < 1e-13
            assert np.abs(rho - rho.conj().T).max() < 1e-13
            assert np.linalg.eigvalsh(rho).min() > -1e-13
        h_start = substance.hamiltonian(stroke.control_start, values)
        h_end = substance.hamiltonian(stroke.control_end, values)
        change = np.trace(h_end @ stroke.state_end - h_start @ stroke.state_start).real
        heat = sum(stroke.heat.values())
        assert abs(heat + stroke.work - change) < 1e-12 * max(1.0, float(np.abs(h_end).max()))
        if stroke.heat:
            (reservoir,) = stroke.heat
            entropy = [-np.sum(p * np.log(p)) for p in
                       (np.clip(np.linalg.eigvalsh(r), 1e-300, None) for r in (stroke.state_start, stroke.state_end))]
            assert entropy[1] - entropy[0] - heat / temperatures[reservoir] >= -1e-12
    assert abs(sum(perf.heat.values()) + perf.work) < 1e-12 * max(abs(perf.work), 1e-3)
    assert perf.entropy_production >= -1e-13
