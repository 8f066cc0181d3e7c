"""Benchmarks of the core (issue: core framework). Each target is a ratio or a time measured in
this run; BLAS is pinned to one thread (see bench_optimizer.py for why).

Targets:
1. one flagship evaluation from the unit-free core: < 20 us;
2. one flagship evaluation through the public API with pint quantities: < 1 ms;
3. 1e6 parameter points as arrays: within 2x of a hand-written numpy expression of the same
   closed form, timed in the same run;
4. the generic linear-algebra path for one two-level cycle: < 200 us.

Run: python benchmarks/bench_core.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import timeit

import numpy as np
from scipy.special import expit

import thermocycles as tc
from thermocycles.closed_forms.otto_two_level import otto_cycle

Q_ = tc.Q_
NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0,
               tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)
PHYSICAL = dict(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
                w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"),
                tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))


def per_call(fn, number, repeat=5):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def hand_written_chi(T_c, T_h, gamma_c, gamma_h, w_a, w_b, tau_c, tau_h, tau_ch, tau_hc):
    """The same closed form (docs/explanation/physics.md, section 4) written directly in numpy, with the same stable
    forms (expm1 for f, expit for the equilibrium occupations)."""
    x, y = 2 * gamma_c * tau_c, 2 * gamma_h * tau_h
    f = np.expm1(-x) * np.expm1(-y) / -np.expm1(-(x + y))
    dn = (expit(-w_a / T_c) - expit(-w_b / T_h)) * f
    return w_a / (w_b - w_a) * w_a * dn / (tau_c + tau_h + tau_ch + tau_hc)


def main() -> dict:
    out = {}
    fridge = tc.quantum_otto_refrigerator(**NATURAL)
    model, values = fridge.model, fridge.model.defaults
    out["core_closed_form_us"] = per_call(lambda: otto_cycle(**NATURAL), 20000) * 1e6
    out["core_model_evaluate_chi_us"] = per_call(lambda: model.evaluate(values).chi, 20000) * 1e6

    fridge_si = tc.quantum_otto_refrigerator(**PHYSICAL)
    out["api_units_performance_us"] = per_call(lambda: fridge_si.performance().chi, 2000) * 1e6
    out["api_units_build_and_performance_us"] = per_call(
        lambda: tc.quantum_otto_refrigerator(**PHYSICAL).performance().chi, 200) * 1e6

    n = 1_000_000
    rng = np.random.default_rng(0)
    arrays = dict(NATURAL, w_b=rng.uniform(2.5, 6.0, n), tau_c=rng.uniform(0.1, 2.0, n))
    sweep = model.values({"w_b": arrays["w_b"], "tau_c": arrays["tau_c"]})
    t_lib = per_call(lambda: model.evaluate(sweep).chi, 3, repeat=5)
    t_hand = per_call(lambda: hand_written_chi(**arrays), 3, repeat=5)
    np.testing.assert_allclose(model.evaluate(sweep).chi, hand_written_chi(**arrays), rtol=1e-12)
    out["sweep_1e6_library_ms"] = t_lib * 1e3
    out["sweep_1e6_hand_ms"] = t_hand * 1e3
    out["sweep_ratio"] = t_lib / t_hand

    out["generic_linear_algebra_us"] = per_call(
        lambda: model.evaluate(values, method="linear_algebra").chi, 2000) * 1e6
    return out


if __name__ == "__main__":
    r = main()
    print(f"1. unit-free core, closed form otto_cycle        : {r['core_closed_form_us']:8.1f} us"
          "  (target < 20 us)")
    print(f"   unit-free core, model.evaluate(...).chi       : {r['core_model_evaluate_chi_us']:8.1f} us")
    print(f"2. public API with pint, performance().chi       : {r['api_units_performance_us']:8.1f} us"
          "  (target < 1000 us)")
    print(f"   public API with pint, build cycle + chi       : {r['api_units_build_and_performance_us']:8.1f} us")
    print(f"3. 1e6 points: library {r['sweep_1e6_library_ms']:.1f} ms, "
          f"hand-written numpy {r['sweep_1e6_hand_ms']:.1f} ms -> ratio {r['sweep_ratio']:.2f}  (target <= 2)")
    print(f"4. generic linear-algebra path, one cycle        : {r['generic_linear_algebra_us']:8.1f} us"
          "  (target < 200 us)")
