"""Precision near the reversible point w_b / w_a -> T_h / T_c, on every path and backend.

There the heats are proportional to ``n_eq(u) - n_eq(v)``, a small difference of nearly equal
equilibria (``u = w_a / T_c``, ``v = w_b / T_h``), and so is every figure the Onsager analysis of a
cycle needs. The reference is the exact periodic state for the given double inputs, computed with
60-digit ``decimal`` arithmetic (``numerics.reference``). Temperatures and frequencies are chosen so
that ``w_a / T_c`` and ``w_b / T_h`` are *not* exact doubles (a grid that keeps them exact would hide
the cancellation).

Required (issue: quantum core): q_c within 1e-8 of the exact value (relative) wherever it is a normal
double, the right sign of q_c, entropy production >= 0 and COP <= Carnot to round-off, on the closed
form, the populations backend and the density-matrix backend, for the paper's two-level substance
and for a qubit without transverse field.
"""

from __future__ import annotations

import os
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numerics import reference

import thermocycles as tc

EPS = float(np.finfo(float).eps)
TINY = float(np.finfo(float).tiny)
EXAMPLES = int(os.environ.get("THERMOCYCLES_HYPOTHESIS_EXAMPLES", "60"))

TEMPERATURES = [(1.0, 2.0, 1.0), (0.37, 1.23, 0.91), (3.7e-3, 1.1e-2, 2.2e-3), (50.0, 71.3, 12.9)]
DISTANCES = [1e-1, 1e-3, 1e-6, 1e-9, 1e-12, 1e-14, -1e-14, -1e-12, -1e-9, -1e-6, -1e-3]


def otto_parameters(T_c: float, T_h: float, w_a: float, distance: float, **timing: float) -> dict[str, float]:
    w_b = w_a * (T_h / T_c) * (1.0 + distance)
    p = dict(T_c=T_c, T_h=T_h, gamma_c=0.8, gamma_h=1.3, w_a=w_a, w_b=w_b, tau_c=0.3, tau_h=0.7,
             tau_ch=0.1, tau_hc=0.05)
    p.update(timing)
    return p


def paths(p: dict[str, float]) -> dict[str, tc.Performance]:
    fridge = tc.quantum_otto_cycle(**p)
    qubit = tc.Cycle(substance=tc.Qubit(), strokes=list(fridge.strokes))
    return {
        "closed form": fridge.performance(method="closed_form"),
        "populations": fridge.performance(method="linear_algebra"),
        "density matrix": fridge.performance(backend="density_matrix"),
        "qubit, populations": qubit.performance(),
        "qubit, density matrix": qubit.performance(backend="density_matrix"),
    }


def exact_force_sign(p: dict[str, float]) -> int:
    """sign(v - u) in exact rational arithmetic on the double inputs (+1: the cycle cools)."""
    d = Fraction(p["w_b"]) / Fraction(p["T_h"]) - Fraction(p["w_a"]) / Fraction(p["T_c"])
    return (d > 0) - (d < 0)


def check_second_law(perf: tc.Performance, p: dict[str, float]) -> None:
    q_c, q_h = float(perf.q_c), float(perf.q_h)
    scale = abs(q_c) / p["T_c"] + abs(q_h) / p["T_h"]
    assert float(perf.entropy_production) >= -4 * EPS * scale
    if perf.mode == tc.Mode.REFRIGERATOR:
        assert float(perf.cop) <= tc.bounds.carnot_cop(p["T_c"], p["T_h"]) * (1 + 1e-12)
    if perf.mode == tc.Mode.ENGINE:
        assert float(perf.efficiency) <= tc.bounds.carnot_efficiency(p["T_c"], p["T_h"]) * (1 + 1e-12)


@pytest.mark.parametrize("temperatures", TEMPERATURES, ids=lambda t: f"T_c={t[0]:g},T_h={t[1]:g},w_a={t[2]:g}")
@pytest.mark.parametrize("distance", DISTANCES, ids=lambda d: f"{d:+.0e}")
def test_q_c_keeps_relative_precision_near_reversibility(temperatures, distance):
    p = otto_parameters(*temperatures, distance)
    exact = reference(p, prec=60)
    sign = exact_force_sign(p)
    assert np.sign(exact["q_c"]) == sign
    for name, perf in paths(p).items():
        q_c = float(perf.q_c)
        assert abs(q_c - exact["q_c"]) <= 1e-8 * abs(exact["q_c"]), (name, q_c, exact["q_c"])
        assert abs(float(perf.q_h) - exact["q_h"]) <= 1e-8 * abs(exact["q_h"]), name
        assert abs(float(perf.work) - exact["work"]) <= 1e-8 * abs(exact["work"]), name
        assert perf.mode == (tc.Mode.REFRIGERATOR if sign > 0 else tc.Mode.ENGINE), name
        check_second_law(perf, p)


@pytest.mark.parametrize("timing", [dict(tau_c=1e-7, tau_h=3e-7), dict(tau_c=40.0, tau_h=0.01),
                                    dict(tau_c=1e-4, tau_h=60.0)], ids=["fast", "lopsided", "lopsided-2"])
def test_precision_near_reversibility_for_fast_and_lopsided_cycles(timing):
    for distance in (1e-10, -1e-13):
        p = otto_parameters(0.37, 1.23, 0.91, distance, **timing)
        exact = reference(p, prec=60)
        for name, perf in paths(p).items():
            assert abs(float(perf.q_c) - exact["q_c"]) <= 1e-8 * abs(exact["q_c"]), (name, timing)
            check_second_law(perf, p)


@settings(max_examples=EXAMPLES, deadline=None)
@given(T_c=st.floats(1e-3, 1e3), ratio=st.floats(1.01, 20.0), w_a=st.floats(1e-2, 1e2).map(float),
       exponent=st.floats(-15.0, -1.0), side=st.sampled_from([1.0, -1.0]),
       tau_c=st.floats(1e-3, 10.0), tau_h=st.floats(1e-3, 10.0))
def test_signs_and_second_law_at_the_mode_boundary(T_c, ratio, w_a, exponent, side, tau_c, tau_h):
    """Random cycles a relative distance 1e-15 .. 1e-1 from reversibility (the boundary between
    refrigerator and engine, where fuzzing found wrong signs and COPs above Carnot)."""
    p = otto_parameters(T_c, T_c * ratio, w_a * T_c, side * 10.0**exponent, tau_c=tau_c, tau_h=tau_h)
    sign = exact_force_sign(p)
    fridge = tc.quantum_otto_cycle(**p)
    for perf in (fridge.performance(method="linear_algebra"), fridge.performance()):
        if abs(float(perf.q_c)) >= TINY:
            assert np.sign(float(perf.q_c)) == sign
        check_second_law(perf, p)
