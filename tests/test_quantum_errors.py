"""Bad input to the quantum core gets a short error naming the class, the field, what was expected
and what was given: matrices, laws, user rate matrices, schedules, level counts, strokes that only
know population maps, and contacts a law cannot describe."""

from __future__ import annotations

import math
from typing import Any, ClassVar, Mapping

import attrs
import numpy as np
import pytest

import thermocycles as tc

SX = np.array([[0.0, 1.0], [1.0, 0.0]])
SZ = np.diag([1.0, -1.0])
MAX_MESSAGE = 400


def short(exc_info: pytest.ExceptionInfo) -> str:
    message = str(exc_info.value)
    assert len(message) < MAX_MESSAGE, f"{len(message)} characters: {message[:200]}..."
    return message


def otto(substance: tc.Substance, ramp: type = tc.UnitaryStroke, cold: Any = None, hot: Any = None) -> tc.Cycle:
    cold = cold or tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    hot = hot or tc.Reservoir(name="h", temperature=2.0, coupling=1.0)
    w_a, w_b = tc.Parameter("w_a", 1.0), tc.Parameter("w_b", 3.0)
    return tc.Cycle(substance=substance, strokes=[
        tc.Isochore(name="c", reservoir=cold, control=w_a, duration=0.5),
        ramp(name="ch", start=w_a, end=w_b, duration=0.1),
        tc.Isochore(name="h", reservoir=hot, control=w_b, duration=0.5),
        ramp(name="hc", start=w_b, end=w_a, duration=0.1)])


# --- matrices ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, pattern", [
    (dict(h0=np.array([[0.0, 1.0], [0.0, 0.0]]), h1=SZ),
     r"MatrixSubstance\.h0 must be Hermitian \(M = M\^dagger\); got a matrix with max \|M - M\^dagger\|"),
    (dict(h0=np.zeros((2, 3)), h1=SZ), r"MatrixSubstance\.h0 must be a square matrix.*got shape \(2, 3\)"),
    (dict(h0=SX, h1=np.eye(3)), r"MatrixSubstance\.h1 must have the shape of h0 \(2, 2\); got \(3, 3\)"),
    (dict(h0=SX, h1=SZ, coupling=np.eye(3)), r"MatrixSubstance\.coupling must have the shape of h0"),
    (dict(h0=SX, h1=SZ, coupling=np.array([[0, 1j], [1j, 0]])), r"MatrixSubstance\.coupling must be Hermitian"),
    (dict(h0="sx", h1=SZ), r"MatrixSubstance\.h0 must be a square matrix .*got 'sx'"),
    (dict(h0=np.array([[np.nan, 0], [0, 1.0]]), h1=SZ), r"MatrixSubstance\.h0 must be finite"),
    (dict(h0=tc.Q_(SX, "GHz"), h1=tc.Q_(SZ, "GHz")), r"MatrixSubstance\.h1 is dimensionless"),
])
def test_bad_matrices(kwargs, pattern):
    with pytest.raises(tc.ParameterError, match=pattern) as info:
        tc.MatrixSubstance(**kwargs)
    short(info)


def test_matrix_units_follow_the_cycle():
    with pytest.raises(tc.DimensionError, match=r"mixes quantities with units.*MatrixSubstance\.h0") as info:
        otto(tc.MatrixSubstance(h0=tc.Q_(0.3 * SX, "GHz"), h1=SZ))
    short(info)
    Q_ = tc.Q_
    res = tc.Reservoir(name="c", temperature=Q_(50, "mK"), coupling=Q_(1, "MHz"))
    w_a, w_b = tc.Parameter("w_a", Q_(1, "GHz")), tc.Parameter("w_b", Q_(3, "GHz"))
    cycle = tc.Cycle(substance=tc.MatrixSubstance(h0=Q_(0.3 * SX, "GHz"), h1=0.5 * SZ), strokes=[
        tc.Isochore(name="c", reservoir=res, control=w_a, duration=Q_(0.5, "us")),
        tc.UnitaryStroke(name="u", start=w_a, end=w_b, duration=Q_(1, "ns")),
        tc.UnitaryStroke(name="d", start=w_b, end=w_a, duration=Q_(1, "ns"))])
    assert cycle.has_units and cycle.performance().work.units == tc.ureg.joule


def test_qutip_operators_are_accepted():
    qutip = pytest.importorskip("qutip")
    from_qobj = tc.MatrixSubstance(h0=0.3 * qutip.sigmax(), h1=0.5 * qutip.sigmaz(), coupling=qutip.sigmax())
    plain = tc.MatrixSubstance(h0=0.3 * SX, h1=0.5 * SZ, coupling=SX)
    assert from_qobj == plain
    assert otto(from_qobj).performance().q_c == otto(plain).performance().q_c


def test_complex_values_where_real_ones_are_needed():
    with pytest.raises(tc.ParameterError, match=r"Reservoir 'c'\.temperature must be a temperature.*got \(1\+1j\)"):
        tc.Reservoir(name="c", temperature=1 + 1j, coupling=1.0)
    with pytest.raises(tc.ParameterError, match=r"Qubit\.transverse must be an energy.*got 0\.6j"):
        tc.Qubit(transverse=0.6j)


# --- laws and rate matrices --------------------------------------------------------------------------

def hot_law(omega, beta, gamma):
    """Breaks detailed balance: the upward rate is as large as the downward one."""
    return gamma * np.ones_like(np.asarray(omega * beta, dtype=float))


def test_law_names_and_callables():
    with pytest.raises(tc.ParameterError, match=r"Reservoir\.law must be one of 'tanh', 'bosonic', 'fermionic'"):
        tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law="ohmic")
    with pytest.raises(tc.ParameterError, match=r"bath law 'hot_law' breaks detailed balance: k\(.*exp\(beta omega\)"
                                               r".*detailed_balance=False") as info:
        tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law=hot_law)
    short(info)
    with pytest.raises(tc.ParameterError, match=r"bath law '<lambda>' failed on numpy arrays"):
        tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law=lambda omega, beta, gamma: math.exp(beta * omega))
    # declared non-thermal: accepted, and its stationary state is computed, not assumed
    law = tc.BathLaw(hot_law, detailed_balance=False)
    perf = otto(tc.TwoLevelSubstance(), tc.QuantumAdiabat, cold=tc.Reservoir(name="c", temperature=1.0,
                                                                             coupling=1.0, law=law)).performance()
    assert np.isfinite(perf.q_c)


def test_negative_rates_are_refused_where_they_occur():
    law = tc.BathLaw(lambda omega, beta, gamma: gamma * (1 + beta * np.asarray(omega) / 2), name="linear",
                     detailed_balance=False)
    fine = otto(tc.TwoLevelSubstance(), tc.QuantumAdiabat,
                cold=tc.Reservoir(name="c", temperature=10.0, coupling=1.0, law=law),
                hot=tc.Reservoir(name="h", temperature=20.0, coupling=1.0, law=law))
    assert np.isfinite(fine.performance().q_c)
    too_cold = fine.with_parameters(T_c=0.1)
    with pytest.raises(tc.ParameterError, match=r"bath law 'linear' gave the rate -4 at omega = -1, beta = 10; "
                                               r"rates must be finite and >= 0") as info:
        too_cold.performance()
    short(info)


class WrongWayReservoir(tc.Reservoir):
    """Returns R[i, j] (rate of i -> j) instead of R[j, i]: the classic transposition."""

    def rate_matrix(self, energies: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.swapaxes(tc.laws.TANH.rate_matrix(energies, 1 / values["temperature"], values["coupling"]), -1, -2)


class NegativeReservoir(tc.Reservoir):
    def rate_matrix(self, energies: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.array([[1.0, -0.5], [-1.0, 0.5]])


class ShapeReservoir(tc.Reservoir):
    def rate_matrix(self, energies: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.zeros((3, 3))


@pytest.mark.parametrize("cls, pattern", [
    (WrongWayReservoir, r"WrongWayReservoir 'c'\.rate_matrix: column 0 sums to .*, not 0; every column must sum"),
    (NegativeReservoir, r"NegativeReservoir 'c'\.rate_matrix gave a negative jump rate R\[0, 1\] = -0\.5 "
                        r"\(rate of 1 -> 0\)"),
    (ShapeReservoir, r"ShapeReservoir 'c'\.rate_matrix must return an N x N matrix for N = 2 levels; got shape "
                     r"\(3, 3\)"),
])
def test_user_rate_matrices_are_checked(cls, pattern):
    cycle = otto(tc.TwoLevelSubstance(), tc.QuantumAdiabat, cold=cls(name="c", temperature=1.0, coupling=1.0))
    with pytest.raises(tc.ParameterError, match=pattern) as info:
        cycle.performance(method="linear_algebra")
    short(info)


class NonThermalReservoir(tc.Reservoir):
    def rate_matrix(self, energies: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return tc.laws.TANH.rate_matrix(energies, 0.5 / values["temperature"], values["coupling"])


def test_user_rate_matrix_breaking_detailed_balance():
    cycle = otto(tc.TwoLevelSubstance(), tc.QuantumAdiabat,
                 cold=NonThermalReservoir(name="c", temperature=1.0, coupling=1.0))
    with pytest.raises(tc.ParameterError, match=r"NonThermalReservoir 'c'\.rate_matrix breaks detailed balance: "
                                               r"R\[0, 1\] / R\[1, 0\]"):
        cycle.performance(method="linear_algebra")
    NonThermalReservoir.detailed_balance = False
    try:
        assert np.isfinite(cycle.performance(method="linear_algebra").q_c)
    finally:
        NonThermalReservoir.detailed_balance = True


def test_a_law_that_diverges_where_the_coupling_needs_it():
    """The bosonic law has no finite rate at zero Bohr frequency, which pure dephasing needs."""
    substance = tc.MatrixSubstance(h0=0.3 * SX, h1=0.5 * SZ, coupling=SX)
    cycle = otto(substance, cold=tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law="bosonic"))
    with pytest.raises(tc.ParameterError, match=r"Isochore 'c': the law 'bosonic' of reservoir 'c' has no finite "
                                               r"rate at zero Bohr frequency") as info:
        cycle.performance()
    short(info)


# --- strokes and substances ---------------------------------------------------------------------------

@attrs.frozen(kw_only=True)
class PopulationSwap(tc.Stroke):
    """Exchanges the two populations instantly: a map on populations only."""

    control_fields: ClassVar[tuple[str, str]] = ("control", "control")
    control: Any = tc.value_field(None, control=True)

    def population_map(self, ctx: tc.StrokeContext) -> tc.LinearMap:
        swap = np.array([[-1.0, 1.0], [1.0, -1.0]])
        work = ctx.energies(ctx["control"]) @ swap  # the energy the swap adds (the first law is checked)
        return tc.LinearMap(deviation=swap, work=work, duration=np.asarray(ctx["duration"]))


def swap_cycle(substance: tc.Substance) -> tc.Cycle:
    w = tc.Parameter("w_a", 1.0)
    return tc.Cycle(substance=substance, strokes=[
        tc.Isochore(name="c", reservoir=tc.Reservoir(name="c", temperature=1.0, coupling=1.0), control=w,
                    duration=0.5),
        PopulationSwap(name="swap", control=w, duration=0.0)])


def test_population_only_stroke_with_a_non_commuting_substance():
    perf = swap_cycle(tc.TwoLevelSubstance()).performance()
    assert perf.backend == "populations" and perf.heat["c"] < 0  # swapping heats the substance
    with pytest.raises(tc.CycleError, match=r"no backend can evaluate this cycle: populations: Qubit does not "
                                            r"commute.*density_matrix: PopulationSwap 'swap' only defines a "
                                            r"population map \(population_map\(ctx\)\).*implement evolution\(ctx\)"):
        swap_cycle(tc.Qubit(transverse=0.3)).performance()


def test_stroke_without_physics():
    @attrs.frozen(kw_only=True)
    class Empty(tc.Stroke):
        control_fields: ClassVar[tuple[str, str]] = ("control", "control")
        control: Any = tc.value_field(None, control=True)

    with pytest.raises(tc.CycleError, match=r"Cycle\.strokes\[1\]: Empty implements neither evolution\(ctx\)"):
        tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
            tc.Isochore(name="c", reservoir=tc.Reservoir(name="c", temperature=1.0, coupling=1.0), control=1.0,
                        duration=1.0),
            Empty(name="e", control=1.0, duration=0.0)])


@attrs.frozen(kw_only=True)
class ThreeClaimed(tc.Substance):
    n_levels: ClassVar[int] = 3

    def energies(self, control: np.ndarray, values: Mapping[str, Any]) -> np.ndarray:
        return np.asarray(control)[..., None] * np.array([1.0, 2.0])


def test_level_count_that_does_not_match():
    cycle = otto(ThreeClaimed(), tc.QuantumAdiabat)
    with pytest.raises(tc.CycleError, match=r"ThreeClaimed has n_levels = 3, but its energies at a control value "
                                            r"have shape \(2,\)") as info:
        cycle.performance()
    short(info)


@pytest.mark.parametrize("schedule, pattern", [
    ("smooth", r"UnitaryStroke\.schedule must be one of 'linear', 'cosine' or a function"),
    (lambda x: np.asarray(x) ** 2 * 0.5, r"the schedule must start at s\(0\) = 0 and end at s\(1\) = 1; got s\(0\) = "
                                         r"0, s\(1\) = 0\.5"),
    (lambda x: np.asarray(x) * (1 + np.sin(np.pi * np.asarray(x))), r"the schedule must take values in \[0, 1\]; "
                                                                     r"got values from 0 to 1\.28"),
    (lambda x: math.sqrt(x), r"the schedule failed on a numpy array"),
    (3.0, r"UnitaryStroke\.schedule must be a schedule name"),
])
def test_bad_schedules(schedule, pattern):
    with pytest.raises(tc.ParameterError, match=pattern) as info:
        tc.UnitaryStroke(name="u", start=1.0, end=2.0, duration=1.0, schedule=schedule)
    short(info)


def test_contacts_given_to_relax_are_checked():
    @attrs.frozen(kw_only=True)
    class BadContact(tc.Stroke):
        control_fields: ClassVar[tuple[str, str]] = ("control", "control")
        control: Any = tc.value_field(None, control=True)
        reservoir: tc.Reservoir

        def reservoirs(self) -> tuple[tc.Reservoir, ...]:
            return (self.reservoir,)

        def evolution(self, ctx: tc.StrokeContext) -> tc.LinearMap:
            return ctx.relax(ctx["control"], ctx["duration"], [(self.reservoir, -1.0)])

    res = tc.Reservoir(name="c", temperature=1.0, coupling=1.0)
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        BadContact(name="b", reservoir=res, control=1.0, duration=1.0)])
    with pytest.raises(tc.ParameterError, match=r"BadContact 'b': the weight of reservoir 'c' must be finite and "
                                               r">= 0; got -1\.0"):
        cycle.performance()
