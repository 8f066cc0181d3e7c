"""optimal_time_allocation against an independent decimal maximisation of F, fast contacts included.

F = f(x, y)/(tau_c + tau_h + tau_adi), x = 2 gamma_c tau_c, y = 2 gamma_h tau_h (paper eq. 20,
docs/explanation/physics.md, section 5). The solver uses the condition with its leading terms cancelled by hand,
(sinh x - x)/(2 gamma_c) + (sinh y - y)/(2 gamma_h) = tau_adi, on mantissa-exponent pairs. The
reference here shares none of that: it solves the raw stationarity conditions dF/dtau_c =
dF/dtau_h = 0 in `decimal` with enough digits for their O(x^2) cancellation (60 + 4 x the decimal
exponent of the smaller of x, y: 660 digits at x ~ 1e-150), then checks that F (in decimal) falls
when either time is moved by 1e-6 relative. Before, min(x, y) < 1e-4 was refused (409 of the 729
points of a 1e-300..1e300 grid); before that, answered wrongly (tau_c = 0.5 for gamma = 1e-12,
tau_adi = 1e-300, where the truth is ~1e-92).
"""

import math
import random
from decimal import Decimal, localcontext

import pytest

from thermocycles.closed_forms.otto_two_level import optimal_time_allocation
from thermocycles.errors import CycleError

#: relative error allowed against the decimal reference (measured: <= 3.4e-16 on 648 points)
RTOL = 2e-15


def _inv_expm1(z):
    return 1 / (z.exp() - 1)


def decimal_optimum(gamma_c, gamma_h, tau_adi, tau_c0, tau_h0):
    """Exact optimum of F near (tau_c0, tau_h0), in decimal: (tau_c, tau_h, digits).

    E1 = 2 gamma_c t (a - s) - 1 = 0 and E2 = 2 gamma_h t (b - s) - 1 = 0 with a = 1/(e^x - 1),
    b = 1/(e^y - 1), s = 1/(e^(x+y) - 1), t the cycle time. Their difference, gamma_c (a - s) =
    gamma_h (b - s), fixes y(x) (Newton in y); E1 on that curve is solved by the secant method in x.
    (A 2-d Newton diverges: the system is singular to O(x^2), and a start rounded to doubles is off
    the curve by far more than x^2.)
    """
    small = min(Decimal(2) * Decimal(gamma_c) * Decimal(tau_c0), Decimal(2) * Decimal(gamma_h) * Decimal(tau_h0))
    digits = max(0, -small.adjusted())
    prec = 60 + 4 * digits
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = prec, 10**7, -(10**7)
        gc, gh, tau = Decimal(gamma_c), Decimal(gamma_h), Decimal(tau_adi)
        x_tol = Decimal(10) ** -40
        y_tol = Decimal(10) ** -((prec - 2 * digits) // 2)  # Newton: the error left is ~ (dy/y)^2

        def y_of(x, y):
            for _ in range(100):
                a, b, s = _inv_expm1(x), _inv_expm1(y), _inv_expm1(x + y)
                dy = (gc * (a - s) - gh * (b - s)) / ((gc - gh) * s * (1 + s) + gh * b * (1 + b))
                y -= dy
                if abs(dy) <= y * y_tol:
                    return y
            raise AssertionError("decimal reference: y(x) did not converge")

        def e1(x, y):
            return 2 * gc * (x / (2 * gc) + y / (2 * gh) + tau) * (_inv_expm1(x) - _inv_expm1(x + y)) - 1

        x0 = 2 * gc * Decimal(tau_c0)
        y0 = y_of(x0, 2 * gh * Decimal(tau_h0))
        x1 = x0 * (1 + Decimal(10) ** -12)
        y1 = y_of(x1, y0)
        f0, f1 = e1(x0, y0), e1(x1, y1)
        for _ in range(100):
            x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
            y2 = y_of(x2, y1)
            x0, y0, f0 = x1, y1, f1
            x1, y1, f1 = x2, y2, e1(x2, y2)
            if abs(x1 - x0) <= x1 * x_tol:
                return x1 / (2 * gc), y1 / (2 * gh), prec
        raise AssertionError("decimal reference: the secant method did not converge")


def decimal_F(gc, gh, tau, tau_c, tau_h):
    x, y = 2 * gc * tau_c, 2 * gh * tau_h
    return (x.exp() - 1) * (y.exp() - 1) / ((x + y).exp() - 1) / (tau_c + tau_h + tau)


def rise_to_neighbours(gamma_c, gamma_h, tau_adi, tau_c, tau_h, prec, rel="1e-6"):
    """min over the 4 neighbours (each time x (1 +- rel)) of (F(optimum) - F(neighbour))/F(optimum),
    with the digits doubled until it is resolved (F is flat to e^-x for slow contacts: x ~ 1382
    needs ~650 digits)."""
    while True:
        with localcontext() as ctx:
            ctx.prec, ctx.Emax, ctx.Emin = prec, 10**7, -(10**7)
            gc, gh, tau = Decimal(gamma_c), Decimal(gamma_h), Decimal(tau_adi)
            tc, th, d = Decimal(tau_c), Decimal(tau_h), Decimal(rel)
            best = decimal_F(gc, gh, tau, tc, th)
            others = [decimal_F(gc, gh, tau, tc * (1 + s), th) for s in (d, -d)]
            others += [decimal_F(gc, gh, tau, tc, th * (1 + s)) for s in (d, -d)]
            rise = min((best - o) / best for o in others)
        if abs(rise) > Decimal(10) ** (20 - prec) or prec > 4000:
            return rise
        prec *= 2


# (gamma_c, gamma_h, tau_adi): fast contacts (min(x, y) from 1e-150 to 1e-2), x ~ 1, slow
# contacts (x up to 1382), couplings 1e-200..1e200 apart, the switch of the sinh z - z series at
# z = 2 (x and y on both sides), and random points over the whole double range
_rng = random.Random(20261202)
POINTS = [
    (1e-200, 1e-200, 1.7e-251), (1.0, 1.0, 1e-300), (1e-12, 1e-12, 1e-300), (1.0, 1.0, 1e-150),
    (1.0, 1.0, 1e-60), (1.0, 1.0, 1e-24), (1.0, 1.0, 1e-12), (1.0, 1.0, 1e-7), (3.0, 0.2, 1e-5),
    (1.0, 1.0, 0.2), (1.0, 3.0, 0.2), (5.0, 0.5, 1.0), (0.3, 2.0, 7.0),
    (1.0, 1.0, 1e5), (1.0, 1.0, 1e300), (1e300, 1e300, 1e300), (1e-300, 1e300, 1.0),
    (1e100, 1e-100, 1.0), (1e-100, 1e100, 1.0), (1.0, 1e200, 1e-300), (1e200, 1.0, 1e-300),
    (1e-100, 1e100, 1e-250), (1.0, 1e-200, 1e-100), (1e10, 1e-10, 1e-30), (1.0, 1e20, 1e-10),
    (1.0, 1e-20, 1e50), (1e-12, 1e3, 1e-300), (1e300, 1e-300, 1e300), (1e-300, 1e-12, 1e-300),
    (1.0, 1.0, math.sinh(2.0) - 2.0), (1.0, 1.0, (math.sinh(2.0) - 2.0) * (1 + 1e-9)),
    (1.0, 1.0, (math.sinh(2.0) - 2.0) * (1 - 1e-9)), (1.0, 25.0, 40.0), (25.0, 1.0, 40.0),
    *[tuple(10 ** _rng.uniform(-300, 300) for _ in range(3)) for _ in range(16)],
]


@pytest.mark.parametrize("gamma_c, gamma_h, tau_adi", POINTS)
def test_agrees_with_the_decimal_maximum_of_F(gamma_c, gamma_h, tau_adi):
    r = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
    assert r.converged
    tau_c, tau_h, prec = decimal_optimum(gamma_c, gamma_h, tau_adi, r.tau_c, r.tau_h)
    assert abs(Decimal(r.tau_c) / tau_c - 1) < RTOL
    assert abs(Decimal(r.tau_h) / tau_h - 1) < RTOL
    assert rise_to_neighbours(gamma_c, gamma_h, tau_adi, r.tau_c, r.tau_h, prec) > 0


def test_the_points_span_the_regions():
    xs, ys, ratios = [], [], []
    for gamma_c, gamma_h, tau_adi in POINTS:
        r = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
        xs.append(2 * gamma_c * r.tau_c)
        ys.append(2 * gamma_h * r.tau_h)
        ratios.append(gamma_h / gamma_c)
    smaller = [min(x, y) for x, y in zip(xs, ys)]
    assert min(smaller) < 1e-149 and any(1e-3 < s < 1e-2 for s in smaller)
    assert any(0.5 < x < 2 for x in xs) and max(xs + ys) > 1000
    assert any(1.99 < x < 2 for x in xs) and any(2 < x < 2.01 for x in xs)
    assert min(ratios) <= 1e-200 and max(ratios) >= 1e200


@pytest.mark.parametrize("g", [1e-300, 1e-100, 1e-12, 1.0, 1e12, 1e100, 1e300])
def test_equal_couplings_series_of_sinh_x_minus_x(g):
    """gamma_c = gamma_h = g: sinh x - x = g tau_adi, x = 2 g tau; for small x its series
    x^3/6 + x^5/120 + x^7/5040 (checked in decimal) -- the exact check of the fast regime."""
    for tau_adi in (1e-300 / g if g < 1 else 1e-300, 1e-200, 1e-100, 1e-30, 1e-10, 1e-3):
        r = optimal_time_allocation(g, g, tau_adi)
        assert r.tau_c == r.tau_h
        with localcontext() as ctx:
            ctx.prec = 60
            x = 2 * Decimal(g) * Decimal(r.tau_c)
            if x < Decimal("1e-2"):
                lhs = x**3 / 6 + x**5 / 120 + x**7 / 5040 + x**9 / 362880
            else:
                lhs = (x.exp() - (-x).exp()) / 2 - x
            target = Decimal(g) * Decimal(tau_adi)
            # tau is off by <= 2 ulps and d ln(sinh x - x)/d ln x = 3 (small x) .. x (large x)
            elasticity = max(Decimal(3), x)
            assert abs(lhs / target - 1) < 4 * Decimal(2.0**-52) * elasticity, (g, tau_adi)


def test_swapping_the_reservoirs_swaps_the_times_exactly():
    rng = random.Random(7)
    for _ in range(300):
        gamma_c, gamma_h, tau_adi = (10 ** rng.uniform(-300, 300) for _ in range(3))
        a = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
        b = optimal_time_allocation(gamma_h, gamma_c, tau_adi)
        assert (a.tau_c, a.tau_h) == (b.tau_h, b.tau_c)


def test_continuous_and_monotone_through_the_old_limit_and_the_series_switch():
    """tau_c(tau_adi) is smooth and increasing where min(x, y) passes 1e-4 (the old refusal) and
    where x passes 2 (the sinh z - z series switch): log-log slopes stay between 1/3 and 1."""
    taus = [10 ** (e / 20) for e in range(-260, 60)]  # 1e-13 .. 1e3
    for gamma_c, gamma_h in [(1.0, 1.0), (1.0, 7.0), (3.0, 0.01)]:
        prev = None
        for tau_adi in taus:
            r = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
            if prev is not None:
                slope = math.log(r.tau_c / prev.tau_c) / math.log(10 ** (1 / 20))
                assert 0 < slope <= 1.0 + 1e-9, (gamma_c, gamma_h, tau_adi, slope)
            prev = r


def _rescaled(gamma_c, gamma_h, tau_adi):
    """x and y depend on gamma_c tau_adi and gamma_h tau_adi only: the same problem with the rates
    times 2^m and tau_adi over 2^m (exact), m chosen to centre the rates, and that m; None if
    some scaled input is not a normal double."""
    m = -round((math.log2(gamma_c) + math.log2(gamma_h)) / 2)
    try:
        scaled = (math.ldexp(gamma_c, m), math.ldexp(gamma_h, m), math.ldexp(tau_adi, -m))
    except OverflowError:
        return None, m
    if all(2.3e-308 < v < 1.7e308 for v in scaled):
        return scaled, m
    return None, m


def test_every_double_corner_is_answered_or_pointedly_refused():
    """Only where a time is not a double is there an error; every other corner of the double range
    (subnormal rates and times included) gets positive finite times. Both are cross-checked on the
    same problem rescaled (rates x 2^m, tau_adi / 2^m: the times are 2^-m x the original) into normal doubles."""
    edges = [5e-324, 2.2e-308, 1e-300, 1.0, 1e300, 1.7e308]
    refused = checked = 0
    for gamma_c in edges:
        for gamma_h in edges:
            for tau_adi in edges:
                scaled, m = _rescaled(gamma_c, gamma_h, tau_adi)
                ref = optimal_time_allocation(*scaled) if scaled else None
                try:
                    r = optimal_time_allocation(gamma_c, gamma_h, tau_adi)
                except CycleError as err:
                    msg = str(err)
                    assert msg.startswith("optimal_time_allocation: the optimal contact times for ")
                    assert "not representable as doubles" in msg and len(msg) < 300
                    refused += 1
                    if ref is not None:  # truly beyond the doubles: 2^m tau >= 2^1024 or < 2^-1074
                        exps = [math.frexp(t)[1] + m for t in ref[:2]]
                        assert max(exps) > 1024 or min(exps) < -1074, (gamma_c, gamma_h, tau_adi)
                        checked += 1
                    else:  # rates too far apart to rescale: a vanishing rate g against a slow
                        # contact on the other side, where (x << 1 << y) B = x^2/(4 g tau_adi) = 1,
                        # so the time is x/(2 g) = sqrt(tau_adi/g) (to 1 + O(x^2, 1/y))
                        g = min(gamma_c, gamma_h)
                        assert (math.log(tau_adi) - math.log(g)) / 2 > math.log(1.7976931348623157e308) + 1e-3
                    continue
                assert 0 < r.tau_c < math.inf and 0 < r.tau_h < math.inf
                if ref is not None:
                    for got, want in zip(r[:2], ref[:2]):
                        want = math.ldexp(want, m)
                        if want >= 2.3e-308:  # (a subnormal carries fewer digits)
                            assert got == pytest.approx(want, rel=4e-16), (gamma_c, gamma_h, tau_adi)
                    checked += 1
    assert refused and checked >= 90  # 95 of the 216 corners rescale into normal doubles
