"""Audit of the Optimizer's verdicts: adversarial constraints x every method.

16 cases (cooling-rate targets just beyond the reachable maximum, at relative 1e-12..1e-1, on the
README's SI fridge, on a cycle with couplings 1e-9 and on one with rates 1e6 in natural units; COP
targets an ulp-scale beyond an exactly constant COP; thin and active feasible sets) x 7 methods.
Each result's constraints are recomputed from ``res.cycle`` and compared with its verdict:
``WRONG success`` is a success whose returned point violates a constraint by more than 1e-13 of
its scale (run with any argument to flag every violation, however small). Prints one row per run
and a tally; takes ~10 minutes on 2 cores (differential evolution dominates).

    python benchmarks/audit_optimizer_verdicts.py
"""
import sys
import time
import warnings

import thermocycles as tc

warnings.simplefilter("ignore")
Q_ = tc.Q_
METHODS = ["multistart", "COBYLA", "COBYQA", "SLSQP", "trust-constr", "differential_evolution", "shgo"]

def si():
    return tc.quantum_otto_refrigerator(
        T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
        w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"),
        tau_c=Q_(0.5, "us"), tau_h=Q_(0.5, "us"), tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))
def nat(g=1.0, s=1.0):
    return tc.quantum_otto_refrigerator(T_c=1.0*s, T_h=2.0*s, gamma_c=g, gamma_h=g, w_a=1.0*s, w_b=3.0*s,
        tau_c=0.5/g, tau_h=0.5/g, tau_ch=0.1/g, tau_hc=0.1/g)
SI_T = {"tau_c": (Q_(10, "ns"), Q_(10, "us")), "tau_h": (Q_(10, "ns"), Q_(10, "us"))}
def T(g): return {"tau_c": (1e-3/g, 50.0/g), "tau_h": (1e-3/g, 50.0/g)}

def maximum(cyc, var):
    r = tc.Optimizer(objective="cooling_rate", variables=var, progress=False).run(cyc)
    return r.fun
cases = []
fsi = si()
msi = maximum(fsi, SI_T)
for rel in (1e-12, 1e-9, 1e-6, 1e-3, 5e-2, 1e-1):
    cases.append((f"SI rate>=(1+{rel:g})max", fsi, SI_T, "cooling_rate", [("cooling_rate", ">=", (1+rel)*msi)], False))
for g in (1e-9,):
    c = nat(g)
    m = maximum(c, T(g))
    for k in (1.05, 10.0):
        cases.append((f"gamma={g:g} rate>={k}max", c, T(g), "cooling_rate", [("cooling_rate", ">=", k*m)], False))
c = nat(1e6, 1e6)
m = maximum(c, T(1e6))
for rel in (1e-12, 1e-6, 5e-2):
    cases.append((f"huge rate>=(1+{rel:g})max", c, T(1e6), "cooling_rate", [("cooling_rate", ">=", (1+rel)*m)], False))
c = nat()
cases.append(("cop>=0.5+1e-12 (cop==0.5)", c, T(1), "chi", [("cop", ">=", 0.5 + 1e-12)], False))
cases.append(("cop<=0.5-1e-12 (cop==0.5)", c, T(1), "chi", [("cop", "<=", 0.5 - 1e-12)], False))
cases.append(("cop>=0.5 (cop==0.5) thin", c, T(1), "chi", [("cop", ">=", 0.5)], True))
W = {"w_a": (0.05, 10.0), "w_b": (0.05, 30.0)}
cases.append(("cop in [0.6,0.6] thin", c, W, "chi", [("cop", ">=", 0.6), ("cop", "<=", 0.6)], True))
cases.append(("cop>=0.6 active", c, W, "chi", [("cop", ">=", 0.6)], True))

def check(res, cons):
    perf = res.cycle.performance()
    bad = []
    for name, op, thr in cons:
        v = getattr(perf, name)
        if name == "cop":
            v = perf.algebraic("cop")
        if tc.units.is_quantity(v):
            v, thr = v.m_as("W"), thr.m_as("W")
        v = float(v)
        if (op == ">=" and v < thr) or (op == "<=" and v > thr):
            rel = (v - thr) / max(abs(thr), abs(v))
            if abs(rel) > 1e-13 or EXACT:
                bad.append((name, rel))
    return bad

EXACT = len(sys.argv) > 1
rows = []
for name, cyc, var, obj, cons, _feasible in cases:
    for m in METHODS:
        t = time.perf_counter()
        try:
            r = tc.Optimizer(objective=obj, variables=var, constraints=cons, method=m, progress=False,
                             n_starts=32).run(cyc)
            bad = check(r, cons)
            if r.success and bad:
                out = "WRONG success"
            elif r.success:
                out = "success ok"
            else:
                out = f"fail st{r.status}"
            note = r.message[-160:].replace("\n", " ")
        except tc.ThermocyclesError as e:
            out, note, bad = "raised " + type(e).__name__, str(e)[:120], []
        dt = time.perf_counter() - t
        print(f"{name:32s} {m:24s} {out:18s} {dt:5.1f}s viol={[f'{b[1]:.1e}' for b in bad]} | {note}", flush=True)

        rows.append(out)

print("\ntally:", {k: rows.count(k) for k in sorted(set(rows))})
