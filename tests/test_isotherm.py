"""The finite-time isotherm (contact while the control ramps) against independent integrations.

The oracles here integrate the master equations with scipy's solve_ivp, with the heat and the work
as extra components of the ODE (heat rate sum_i E_i dp_i/dt from the dissipator, work rate
sum_i p_i dE_i/dt), written from docs/explanation/physics.md, section 8 and sharing no code with the package.
"""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import thermocycles as tc
from thermocycles.errors import CycleError

RTOL = 1e-9


def tanh_rates(gap, beta, gamma):
    """k_down, k_up of the tanh law for a jump of energy ``gap`` > 0."""
    s = np.tanh(beta * gap / 2)
    return gamma * (1 + s), gamma * (1 - s)


def linear(x):
    return x, 1.0


def cosine(x):
    return (1 - np.cos(np.pi * x)) / 2, np.pi / 2 * np.sin(np.pi * x)


def pauli_ramp(p0, factors, w_start, w_end, tau, T, gamma, schedule=linear, law="tanh"):
    """Populations, heat and work of an isotherm over levels ``factors * w`` (all pairs coupled);
    ``schedule(x)`` gives s(x) and ds/dx."""
    factors = np.asarray(factors, float)
    n = len(factors)
    beta = 1.0 / T

    def rhs(t, y):
        s, ds = schedule(t / tau)
        w = w_start + (w_end - w_start) * s
        dw = (w_end - w_start) * ds / tau
        e = factors * w
        R = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                if i != j:
                    gap = e[i] - e[j]  # energy given to the bath by i -> j
                    if law == "tanh":
                        R[j, i] = gamma * (1 + np.tanh(beta * gap / 2))
                    else:  # bosonic
                        nbar = 1 / np.expm1(beta * abs(gap))
                        R[j, i] = gamma * (nbar + 1 if gap > 0 else nbar)
        R -= np.diag(R.sum(axis=0))
        p = y[:n]
        dp = R @ p
        return np.concatenate([dp, [e @ dp, (factors * dw) @ p]])

    sol = solve_ivp(rhs, (0, tau), np.concatenate([p0, [0.0, 0.0]]), method="DOP853", rtol=1e-13,
                    atol=1e-15)
    y = sol.y[:, -1]
    return y[:n], y[n], y[n + 1]


def one_stroke(substance, stroke):
    """The isotherm's LinearMap on the populations backend, through the public cycle machinery:
    a cycle of the isotherm and an ideal adiabat back."""
    first, last = (getattr(stroke, f) for f in stroke.control_fields)
    back = tc.QuantumAdiabat(name="back", start=last, end=first, duration=0.0)
    cycle = tc.Cycle(substance=substance, strokes=[stroke, back])
    return cycle


def stroke_map(cycle, backend="populations"):
    from thermocycles.backends import BACKEND_OBJECTS

    model = cycle.model
    return BACKEND_OBJECTS[backend].maps(model, model.defaults)[0]


CASES = [  # (w_start, w_end, tau, T, gamma)
    (4.0, 2.0, 3.0, 2.0, 1.0),  # moderate
    (1.0, 3.0, 0.01, 1.0, 1.0),  # fast: nearly a quench
    (2.0, 1.0, 60.0, 1.0, 0.5),  # slow: near quasi-static
    (0.1, 10.0, 2.0, 0.5, 2.0),  # a wide ramp, cold at its end (beta w = 20)
    (3.0, 2.0, 1.0, 50.0, 1.0),  # high temperature
]


@pytest.mark.parametrize("w_start, w_end, tau, T, gamma", CASES)
@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_two_level_isotherm_map_matches_solve_ivp(w_start, w_end, tau, T, gamma, schedule):
    res = tc.Reservoir(name="r", temperature=T, coupling=gamma)
    stroke = tc.Isotherm(name="iso", reservoir=res, start=w_start, end=w_end, duration=tau, schedule=schedule)
    m = stroke_map(one_stroke(tc.TwoLevelSubstance(), stroke))
    s = linear if schedule == "linear" else cosine
    for p0 in (np.array([1.0, 0.0]), np.array([0.3, 0.7])):
        p, q, w = pauli_ramp(p0, [1.0, 2.0], w_start, w_end, tau, T, gamma, s)
        np.testing.assert_allclose(p0 + m.deviation @ p0, p, rtol=RTOL, atol=1e-14)
        assert m.heat["r"] @ p0 == pytest.approx(q, rel=RTOL, abs=1e-13)
        assert m.work @ p0 == pytest.approx(w, rel=RTOL, abs=1e-12)


def test_three_level_bosonic_isotherm_matches_solve_ivp():
    from thermocycles.spec.substances.nlevel import NLevel

    res = tc.Reservoir(name="r", temperature=1.5, coupling=0.7, law="bosonic")
    stroke = tc.Isotherm(name="iso", reservoir=res, start=1.0, end=2.5, duration=4.0)
    m = stroke_map(one_stroke(NLevel(factors=[0.0, 1.0, 2.6]), stroke))
    p0 = np.array([0.2, 0.5, 0.3])
    p, q, w = pauli_ramp(p0, [0.0, 1.0, 2.6], 1.0, 2.5, 4.0, 1.5, 0.7, law="bosonic")
    np.testing.assert_allclose(p0 + m.deviation @ p0, p, rtol=RTOL, atol=1e-14)
    assert m.heat["r"] @ p0 == pytest.approx(q, rel=RTOL)
    assert m.work @ p0 == pytest.approx(w, rel=RTOL)


def carnot(tau_h, tau_c, *, substance=None, T_c=1.0, T_h=2.0, w=(4.0, 2.0), gamma=1.0):
    hot = tc.Reservoir(name="h", temperature=T_h, coupling=gamma)
    cold = tc.Reservoir(name="c", temperature=T_c, coupling=gamma)
    w1, w2 = w
    names = [("w_1", w1), ("w_2", w2), ("w_3", w2 * T_c / T_h), ("w_4", w1 * T_c / T_h)]
    p1, p2, p3, p4 = (tc.Parameter(n, v) for n, v in names)
    return tc.Cycle(substance=substance or tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=p1, end=p2, duration=tau_h),
        tc.QuantumAdiabat(name="hc", start=p2, end=p3, duration=0.0),
        tc.Isotherm(name="c", reservoir=cold, start=p3, end=p4, duration=tau_c),
        tc.QuantumAdiabat(name="ch", start=p4, end=p1, duration=0.0)])


def brute_force_carnot(tau_h, tau_c, T_c=1.0, T_h=2.0, w=(4.0, 2.0), gamma=1.0, cycles=25):
    """The periodic state by integrating cycle after cycle (the map contracts fast here)."""
    w1, w2 = w
    w3, w4 = w2 * T_c / T_h, w1 * T_c / T_h
    p = np.array([0.5, 0.5])
    for _ in range(cycles):
        p, q_h, w_h = pauli_ramp(p, [1.0, 2.0], w1, w2, tau_h, T_h, gamma)
        w_adi = (p[0] + 2 * p[1]) * (w3 - w2)
        p, q_c, w_c = pauli_ramp(p, [1.0, 2.0], w3, w4, tau_c, T_c, gamma)
        w_adi += (p[0] + 2 * p[1]) * (w1 - w4)
    return q_h, q_c, w_h + w_c + w_adi


@pytest.mark.parametrize("tau_h, tau_c", [(3.0, 3.0), (0.7, 5.0)])
def test_carnot_cycle_periodic_state_matches_brute_force(tau_h, tau_c):
    perf = carnot(tau_h, tau_c).performance()
    q_h, q_c, work = brute_force_carnot(tau_h, tau_c)
    assert perf.heat["h"] == pytest.approx(q_h, rel=RTOL)
    assert perf.heat["c"] == pytest.approx(q_c, rel=RTOL)
    assert perf.work == pytest.approx(work, rel=RTOL)
    assert str(perf.mode) == "engine"


def test_both_backends_agree_on_a_commuting_isotherm_cycle():
    cycle = carnot(2.0, 1.5)
    pop = cycle.performance(backend="populations")
    dm = cycle.performance(backend="density_matrix")
    for name in ("h", "c"):
        assert dm.heat[name] == pytest.approx(pop.heat[name], rel=1e-12)
    assert dm.work == pytest.approx(pop.work, rel=1e-12)


def test_quasi_static_carnot_efficiency_and_low_dissipation_scaling():
    """eta -> 1 - T_c/T_h as the isotherms slow, with eta_C - eta ~ 1/tau (low dissipation)."""
    taus = np.array([50.0, 100.0, 200.0, 400.0])
    cycle = carnot(1.0, 1.0)
    perf = cycle.model.evaluate(cycle.model.values({"tau_h": taus, "tau_c": taus}))
    gap = 0.5 - perf.efficiency
    assert np.all(gap > 0)
    slope = np.polyfit(np.log(taus), np.log(gap), 1)[0]
    assert slope == pytest.approx(-1.0, abs=0.05)


def test_first_law_per_stroke_and_entropy_production():
    perf = carnot(1.3, 0.8).performance()
    for record in perf.strokes:
        q = sum(record.heat.values())
        assert record.energy_end - record.energy_start == pytest.approx(q + record.work, rel=1e-10, abs=1e-13)
    assert perf.entropy_production > 0


def test_zero_duration_is_a_quench_and_equal_ends_an_isochore():
    res = tc.Reservoir(name="r", temperature=1.0, coupling=1.0)
    quench = stroke_map(one_stroke(tc.TwoLevelSubstance(),
                                   tc.Isotherm(name="iso", reservoir=res, start=1.0, end=3.0, duration=0.0)))
    assert np.all(quench.deviation == 0) and np.all(quench.heat["r"] == 0)
    np.testing.assert_allclose(quench.work, [2.0, 4.0], rtol=1e-15)
    ramp = stroke_map(one_stroke(tc.TwoLevelSubstance(),
                                 tc.Isotherm(name="iso", reservoir=res, start=2.0, end=2.0, duration=0.9)))
    iso = stroke_map(one_stroke(tc.TwoLevelSubstance(),
                                tc.Isochore(name="iso", reservoir=res, control=2.0, duration=0.9)))
    np.testing.assert_allclose(ramp.deviation, iso.deviation, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(ramp.heat["r"], iso.heat["r"], rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(ramp.work, 0.0, atol=1e-12)


def test_parameter_arrays_match_scalar_evaluations():
    cycle = carnot(1.0, 1.0)
    taus = np.array([0.5, 2.0, 7.0])
    batch = cycle.model.evaluate(cycle.model.values({"tau_h": taus}))
    for k, tau in enumerate(taus):
        single = cycle.model.evaluate(cycle.model.values({"tau_h": tau}))
        # the step count serves the whole batch, so the two differ within the error control
        assert batch.work[k] == pytest.approx(single.work, rel=RTOL)
        assert batch.heat["h"][k] == pytest.approx(single.heat["h"], rel=RTOL)


def qubit_ramp_oracle(rho0, w_start, w_end, tau, delta, T, gamma):
    """d rho/dt = -i[H, rho] + Davies dissipator of H(w(t)) (tanh law), with heat and work."""
    sx = np.array([[0, 1], [1, 0]], complex)
    sz = np.array([[1, 0], [0, -1]], complex)

    def H(w):
        return 0.5 * (w * sz + delta * sx)

    def rhs(t, y):
        w = w_start + (w_end - w_start) * t / tau
        dw = (w_end - w_start) / tau
        rho = y[:8].view(complex).reshape(2, 2)
        h = H(w)
        e, v = np.linalg.eigh(h)
        g, ex = v[:, 0], v[:, 1]
        gap = e[1] - e[0]
        k_down, k_up = tanh_rates(gap, 1 / T, gamma)
        lower = np.outer(g, ex.conj())
        diss = np.zeros((2, 2), complex)
        for rate, L in ((k_down, lower), (k_up, lower.conj().T)):
            diss += rate * (L @ rho @ L.conj().T - 0.5 * (L.conj().T @ L @ rho + rho @ L.conj().T @ L))
        drho = -1j * (h @ rho - rho @ h) + diss
        dq = np.trace(h @ diss).real
        dwork = np.trace(0.5 * dw * sz @ rho).real
        return np.concatenate([drho.reshape(-1).view(float), [dq, dwork]])

    y0 = np.concatenate([np.asarray(rho0, complex).reshape(-1).view(float), [0.0, 0.0]])
    sol = solve_ivp(rhs, (0, tau), y0, method="DOP853", rtol=1e-12, atol=1e-14)
    y = sol.y[:, -1]
    return y[:8].view(complex).reshape(2, 2), y[8], y[9]


@pytest.mark.parametrize("tau", [0.3, 4.0])
def test_coherent_qubit_isotherm_matches_solve_ivp_on_rho(tau):
    """Non-commuting qubit: the density-matrix isotherm against the adiabatic Davies equation."""
    from thermocycles.backends.density_matrix import basis

    res = tc.Reservoir(name="r", temperature=0.8, coupling=0.4)
    stroke = tc.Isotherm(name="iso", reservoir=res, start=1.0, end=2.5, duration=tau)
    m = stroke_map(one_stroke(tc.Qubit(transverse=0.6), stroke), backend="density_matrix")
    rho0 = np.array([[0.3, 0.2 - 0.1j], [0.2 + 0.1j, 0.7]])
    rho, q, w = qubit_ramp_oracle(rho0, 1.0, 2.5, tau, 0.6, 0.8, 0.4)
    x0 = basis.to_vector(rho0)
    np.testing.assert_allclose(basis.to_matrix(x0 + m.deviation @ x0), rho, rtol=1e-9, atol=1e-11)
    assert m.heat["r"] @ x0 == pytest.approx(q, rel=1e-9)
    assert m.work @ x0 == pytest.approx(w, rel=1e-9)


def test_a_hopelessly_stiff_isotherm_is_refused_with_the_reason():
    res = tc.Reservoir(name="r", temperature=1.0, coupling=1e9)
    cycle = one_stroke(tc.TwoLevelSubstance(),
                       tc.Isotherm(name="iso", reservoir=res, start=1.0, end=3.0, duration=1e3))
    with pytest.raises(CycleError, match="Isotherm 'iso'.*integrator resolves"):
        cycle.performance()


# -- a user's stroke: the control ramps while coupled to two reservoirs (a leak) ------------------

import attrs  # noqa: E402

from thermocycles.extend import DIMENSIONLESS, Reservoir, Stroke, StrokeContext, value_field  # noqa: E402


@attrs.frozen(kw_only=True)
class LeakyIsotherm(Stroke):
    """An isotherm with a weak leak to a second reservoir, written as a user would."""

    control_fields = ("start", "end")
    main: Reservoir
    leak: Reservoir
    start: object = value_field(None, control=True)
    end: object = value_field(None, control=True)
    weight: object = value_field(DIMENSIONLESS, "epsilon", constraint="nonnegative", default=0.1)

    def reservoirs(self):
        return (self.main, self.leak)

    def evolution(self, ctx: StrokeContext):
        return ctx.ramp(ctx["start"], ctx["end"], ctx["duration"], [self.main, (self.leak, ctx["weight"])])


def leaky_oracle(p0, w_s, w_e, tau, T1, g1, T2, g2, eps):
    def rhs(t, y):
        w = w_s + (w_e - w_s) * t / tau
        p = y[:2]
        dps = []
        for T, g in ((T1, g1), (T2, eps * g2)):
            k_down, k_up = tanh_rates(w, 1 / T, g)
            d = k_up * p[0] - k_down * p[1]
            dps.append(np.array([-d, d]))
        energies = np.array([w, 2 * w])
        dp = dps[0] + dps[1]
        return np.concatenate([dp, [energies @ dps[0], energies @ dps[1], (w_e - w_s) / tau * (p[0] + 2 * p[1])]])

    sol = solve_ivp(rhs, (0, tau), np.concatenate([p0, [0, 0, 0]]), method="DOP853", rtol=1e-13, atol=1e-15)
    return sol.y[:, -1]


@pytest.mark.parametrize("backend", ["populations", "density_matrix"])
def test_user_stroke_ramping_while_coupled_to_two_reservoirs(backend):
    main = tc.Reservoir(name="m", temperature=1.0, coupling=1.0)
    leak = tc.Reservoir(name="l", temperature=3.0, coupling=0.5)
    stroke = LeakyIsotherm(name="iso", main=main, leak=leak, start=1.0, end=2.0, duration=2.0, weight=0.2)
    cycle = one_stroke(tc.TwoLevelSubstance(), stroke)
    assert "epsilon_iso" in cycle.parameter_names
    m = stroke_map(cycle, backend)
    p0 = np.array([0.6, 0.4])
    y = leaky_oracle(p0, 1.0, 2.0, 2.0, 1.0, 1.0, 3.0, 0.5, 0.2)
    if backend == "density_matrix":
        from thermocycles.backends.density_matrix import basis

        x0 = basis.to_vector(np.diag(p0).astype(complex))  # levels w, 2w in the natural basis
    else:
        x0 = p0
    assert m.heat["m"] @ x0 == pytest.approx(y[2], rel=RTOL)
    assert m.heat["l"] @ x0 == pytest.approx(y[3], rel=RTOL)
    assert m.work @ x0 == pytest.approx(y[4], rel=RTOL)
    perf = cycle.performance(backend=backend)
    assert sum(perf.heat.values()) + perf.work == pytest.approx(0.0, abs=1e-13)
    assert perf.entropy_production >= 0


# -- invariants over random isotherm cycles ---------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=25, deadline=None)
@given(
    t_ratio=st.floats(0.05, 0.95),
    w1=st.floats(0.2, 8.0), w2=st.floats(0.2, 8.0),
    tau_h=st.one_of(st.just(0.0), st.floats(0.0, 20.0)), tau_c=st.one_of(st.just(0.0), st.floats(0.0, 20.0)),
    gamma_h=st.floats(0.05, 3.0), gamma_c=st.floats(0.05, 3.0),
    law=st.sampled_from(["tanh", "bosonic", "fermionic"]), same_ends=st.booleans(),
)
def test_random_isotherm_cycles_obey_the_laws_of_thermodynamics(t_ratio, w1, w2, tau_h, tau_c, gamma_h,
                                                                  gamma_c, law, same_ends):
    from hypothesis import assume

    if same_ends:
        w2 = w1

    assume(tau_h + tau_c > 1e-3)
    # equal ends (w1 = w2) are kept: both "isotherms" are then isochores at the Gibbs state the
    # adiabats carry over, an idle cycle whose net flows are round-off of the gross ones, which the
    # mode must call idle (Performance.resolution)
    hot = tc.Reservoir(name="h", temperature=1.0, coupling=gamma_h, law=law)
    cold = tc.Reservoir(name="c", temperature=t_ratio, coupling=gamma_c, law=law)
    p = [tc.Parameter(n, v) for n, v in (("w_1", w1), ("w_2", w2), ("w_3", w2 * t_ratio), ("w_4", w1 * t_ratio))]
    cycle = tc.Cycle(substance=tc.TwoLevelSubstance(), strokes=[
        tc.Isotherm(name="h", reservoir=hot, start=p[0], end=p[1], duration=tau_h),
        tc.QuantumAdiabat(name="hc", start=p[1], end=p[2], duration=0.0),
        tc.Isotherm(name="c", reservoir=cold, start=p[2], end=p[3], duration=tau_c),
        tc.QuantumAdiabat(name="ch", start=p[3], end=p[0], duration=0.0)])
    perf = cycle.performance()
    # the net flows are sums of the strokes' flows: their round-off is relative to the gross turnover
    gross = sum(abs(r.work) + sum(abs(q) for q in r.heat.values()) for r in perf.strokes)
    assert abs(sum(perf.heat.values()) + perf.work) <= 1e-14 * gross + 1e-300
    assert perf.entropy_production >= -1e-12 * gross
    if same_ends:  # the periodic state is the one Gibbs state both baths share: nothing flows
        assert str(perf.mode) == "idle"
    assert str(perf.mode) != "unphysical"
    eta_c = 1 - t_ratio
    if str(perf.mode) == "engine":
        assert perf.efficiency <= eta_c * (1 + 1e-9)
    for record in perf.strokes:
        assert np.all(record.populations_start >= 0) and record.populations_start.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("change, message", [
    (dict(reservoir="r"), r"Isotherm.reservoir must be a Reservoir; got 'r'"),
    (dict(duration=-1.0), r"Isotherm 'iso'.duration must be >= 0; got -1.0"),
    (dict(schedule="quadratic"), r"Isotherm.schedule must be one of 'linear', 'cosine' .* got 'quadratic'"),
    (dict(schedule=lambda x: 2 * x), r"Isotherm.schedule: the schedule must take values in \[0, 1\]"),
    (dict(start="a"), r"Isotherm 'iso'.start must be a real number"),
])
def test_bad_isotherm_arguments_are_named(change, message):
    from thermocycles.errors import ParameterError

    res = tc.Reservoir(name="r", temperature=1.0, coupling=1.0)
    args = dict(name="iso", reservoir=res, start=1.0, end=2.0, duration=1.0)
    args.update(change)
    with pytest.raises(ParameterError, match=message):
        tc.Isotherm(**args)
