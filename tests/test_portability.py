"""Cycles, performance records and plugin results travel: pickle and cloudpickle round trips, and
evaluation in another process (a process pool started with "spawn", as a cluster worker would be)
whose quantities come back in the package's registry."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import cloudpickle
import numpy as np
import pytest

import thermocycles as tc

Q_ = tc.Q_
NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5,
               tau_ch=0.1, tau_hc=0.1)
SI = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"), w_a=Q_(1, "GHz"),
          w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))


def non_thermal(omega, beta, gamma):
    """A module-level law (picklable by reference)."""
    return gamma * (1.0 + 0.1 * np.tanh(np.asarray(omega) * beta))


def coherent_cycle(delta=0.6, law="tanh") -> tc.Cycle:
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law=law)
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    return tc.Cycle(substance=tc.Qubit(transverse=delta), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        tc.UnitaryStroke(name="ch", start=w_a, end=w_b, duration=0.1, schedule="cosine"),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=0.5),
        tc.UnitaryStroke(name="hc", start=w_b, end=w_a, duration=0.1)])


def matrix_cycle() -> tc.Cycle:
    sx, sz = np.array([[0.0, 1.0], [1.0, 0.0]]), np.diag([1.0, -1.0])
    cold = tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law="fermionic")
    hot = tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    return tc.Cycle(substance=tc.MatrixSubstance(h0=0.3 * sx, h1=0.5 * sz, coupling=sx), strokes=[
        tc.Isochore(name="c", reservoir=cold, control=1.0, duration=0.5),
        tc.QuantumAdiabat(name="ch", start=1.0, end=3.0, duration=0.1),
        tc.Isochore(name="h", reservoir=hot, control=3.0, duration=0.5),
        tc.UnitaryStroke(name="hc", start=3.0, end=1.0, duration=0.2)])


CYCLES = {
    "flagship": lambda: tc.quantum_otto_refrigerator(**NATURAL),
    "flagship-SI": lambda: tc.quantum_otto_refrigerator(**SI),
    "qubit": coherent_cycle,
    "qubit-array": lambda: coherent_cycle(delta=np.array([0.0, 0.6])),
    "matrix": matrix_cycle,
    "user-law": lambda: coherent_cycle(law=tc.BathLaw(non_thermal, detailed_balance=False)),
}


def same_performance(a: tc.Performance, b: tc.Performance) -> None:
    for name in ("q_c", "q_h", "work", "cycle_time", "cop", "entropy_production"):
        x, y = getattr(a, name), getattr(b, name)
        if hasattr(x, "units"):
            assert x.units == y.units  # same registry: units compare
            x, y = x.magnitude, y.magnitude
        np.testing.assert_array_equal(x, y)
    for ra, rb in zip(a.strokes, b.strokes):
        np.testing.assert_array_equal(ra.state_end, rb.state_end)
        assert ra.name == rb.name


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (cloudpickle.dumps, cloudpickle.loads)],
                         ids=["pickle", "cloudpickle"])
@pytest.mark.parametrize("name", list(CYCLES))
def test_cycles_and_records_round_trip(name, dumps, loads):
    cycle = CYCLES[name]()
    copy = loads(dumps(cycle))
    assert copy == cycle and copy.parameter_names == cycle.parameter_names
    perf = cycle.performance()
    same_performance(copy.performance(), perf)
    same_performance(loads(dumps(perf)), perf)
    same_performance(loads(dumps(perf.natural())), perf.natural())


def test_lambda_laws_and_schedules_travel_with_cloudpickle():
    cycle = coherent_cycle(law=tc.BathLaw(lambda omega, beta, gamma: 2 * gamma / (1 + np.exp(-beta * omega)),
                                          name="tanh-by-hand"))
    copy = cloudpickle.loads(cloudpickle.dumps(cycle))
    same_performance(copy.performance(), cycle.performance())


def test_plugin_results_round_trip():
    fridge = tc.quantum_otto_refrigerator(**SI)
    res = tc.Optimizer(objective="chi", variables={"tau_c": (Q_(10, "ns"), Q_(10, "us"))}).run(fridge)
    copy = pickle.loads(pickle.dumps(res))
    assert copy.x["tau_c"] == res.x["tau_c"] and copy.fun == res.fun and copy.success == res.success
    same_performance(copy.performance, res.performance)
    onsager = tc.IrreversibleAnalysis().run(fridge)
    back = cloudpickle.loads(cloudpickle.dumps(onsager))
    np.testing.assert_array_equal(back.L_natural, onsager.L_natural)
    assert back.L[0, 1] == onsager.L[0, 1]


def test_evaluation_in_another_process():
    """A spawned worker imports thermocycles afresh: quantities it returns belong to this process's
    registry (pint's application registry), so they compare with ours."""
    cycles = [tc.quantum_otto_refrigerator(**SI), coherent_cycle()]
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = list(pool.map(tc.Cycle.performance, cycles))
    for cycle, perf in zip(cycles, remote):
        same_performance(perf, cycle.performance())
    assert remote[0].cooling_rate.to("aW") > 0 * tc.ureg.aW
