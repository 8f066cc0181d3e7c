"""Pauli rates of a reservoir acting on a substance: shared by every backend.

The rate of the jump ``i -> j`` between eigenstates is ``|<j|A|i>|^2 k(E_i - E_j)`` (the reservoir's
law ``k``, the substance's coupling operator ``A``), or whatever a reservoir subclass returns from
its own ``rate_matrix``, which is checked here on every evaluation: a wrong matrix would otherwise
give silently absurd powers.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import ParameterError
from ..spec.reservoirs import Reservoir

#: relative tolerance of the checks of a user rate matrix (column sums, detailed balance)
RATE_CHECK_RTOL = 1e-9


def contacts(reservoirs: Sequence[Any], where: str) -> list[tuple[Reservoir, Any]]:
    """``(reservoir, weight)`` pairs from a sequence of reservoirs or pairs (weight None: 1)."""
    out = []
    for item in reservoirs:
        if isinstance(item, Reservoir):
            reservoir, weight = item, None
        elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], Reservoir):
            reservoir, weight = item
            w = np.asarray(weight, dtype=float) if not isinstance(weight, (str, bytes)) else np.asarray(np.nan)
            if w.dtype.kind != "f" or not (np.isfinite(w).all() and (w >= 0).all()):
                raise ParameterError(f"{where}: the weight of reservoir {reservoir.name!r} must be finite and "
                                     f">= 0; got {weight!r}")
        else:
            raise ParameterError(f"{where}: each contact must be a Reservoir or a pair (Reservoir, weight); "
                                 f"got {item!r}")
        out.append((reservoir, weight))
    if not out:
        raise ParameterError(f"{where}: a contact needs at least one reservoir")
    names = [r.name for r, _ in out]
    if len(set(names)) != len(names):
        raise ParameterError(f"{where}: each reservoir may appear once per contact; got {names}")
    return out


def weighted_rates(pairs: Sequence[tuple[Reservoir, Any]], energies: np.ndarray, strengths: np.ndarray | None,
                   values: Mapping[str, Mapping[str, Any]], where: str) -> dict[str, np.ndarray]:
    """The (weighted) rate matrix of each contact, by reservoir name."""
    rates = {}
    for reservoir, weight in pairs:
        matrix = pauli_rates(reservoir, energies, strengths, values[reservoir.name], where)
        if weight is not None:  # (weighted contacts only: a weight x rate product may overflow)
            with np.errstate(over="ignore", invalid="ignore"):
                matrix = np.asarray(weight, dtype=float)[..., None, None] * matrix
            if not np.isfinite(matrix).all():
                raise ParameterError(
                    f"{where}: the weight of reservoir {reservoir.name!r} times its jump rates overflows double "
                    f"precision; weight x coupling (times |A_ij|^2) up to {MAX_RATE_SCALE:.0e} is computed")
        rates[reservoir.name] = matrix
    return rates


def pauli_rates(reservoir: Reservoir, energies: np.ndarray, strengths: np.ndarray | None,
                values: Mapping[str, Any], where: str) -> np.ndarray:
    """The reservoir's rate matrix ``R[..., j, i]`` at the eigen-energies, natural units.

    Parameters
    ----------
    strengths : ndarray or None
        ``|<j|A|i>|^2``; None couples every pair with 1.
    values : mapping
        The reservoir's fields in natural units (``temperature``, ``coupling``).
    where : str
        The stroke asking, for messages.
    """
    beta = 1.0 / np.asarray(values["temperature"], dtype=float)
    if not reservoir.overrides_rate_matrix:
        check_coupling_range(reservoir, values["coupling"], strengths, where)
        return reservoir.law.rate_matrix(energies, beta, values["coupling"], strengths)
    label = f"{type(reservoir).__name__} {reservoir.name!r}.rate_matrix"
    if strengths is not None:
        raise ParameterError(
            f"{label} is a population-only rate matrix, which cannot follow the substance's coupling "
            f"operator (used by {where}); give the reservoir a law instead (law=callable k(omega, beta, "
            f"gamma)) so that rates follow |<j|A|i>|^2 k(E_i - E_j)")
    rates = np.asarray(reservoir.rate_matrix(energies, values), dtype=float)
    check_rate_matrix(rates, np.asarray(energies, dtype=float), beta, label,
                      detailed_balance=type(reservoir).detailed_balance)
    return rates


#: the largest coupling x |<j|A|i>|^2 whose rates are computed: a law's rate is at most a few times
#: the coupling (2 gamma for 'tanh'), and the largest double is 1.8e308
MAX_RATE_SCALE = 1e305


def check_coupling_range(reservoir: Reservoir, coupling: Any, strengths: np.ndarray | None, where: str) -> None:
    """Raise a short ParameterError where a coupling (times the largest ``|<j|A|i>|^2``) is too large
    for its jump rates to be doubles (beyond :data:`MAX_RATE_SCALE`).

    Examples
    --------
    >>> from thermocycles.spec.reservoirs import Reservoir
    >>> reservoir = Reservoir(name="c", temperature=1.0, coupling=1.0)
    >>> check_coupling_range(reservoir, 1e300, None, "Isochore 'c'")  # computed (full thermalisation)
    >>> try:
    ...     check_coupling_range(reservoir, 1e308, None, "Isochore 'c'")
    ... except ParameterError as error:
    ...     print(str(error)[:71])
    Reservoir 'c'.coupling = 1e+308 (Isochore 'c'): its jump rates overflow
    """
    # (on every rate computation: plain floats take no numpy call, arrays one reduction each)
    gamma = abs(coupling) if type(coupling) is float else float(np.max(np.abs(coupling), initial=0.0))
    if strengths is not None and gamma > 0.0:
        gamma *= max(float(np.max(strengths, initial=0.0)), 1.0)
    if gamma > MAX_RATE_SCALE:
        shown = float(np.max(np.abs(np.asarray(coupling, dtype=float))))
        raise ParameterError(
            f"{type(reservoir).__name__} {reservoir.name!r}.coupling = {shown:.3g} ({where}): its jump rates "
            f"overflow double precision; couplings (times the coupling operator's |A_ij|^2) up to "
            f"{MAX_RATE_SCALE:.0e} are computed")


def check_rate_matrix(rates: np.ndarray, energies: np.ndarray, beta: np.ndarray, label: str, *,
                      detailed_balance: bool) -> None:
    """Raise a ParameterError naming the failed check of a rate matrix ``R[..., j, i]``."""
    n = energies.shape[-1]
    if rates.shape[-2:] != (n, n):
        raise ParameterError(f"{label} must return an N x N matrix for N = {n} levels; got shape {rates.shape}")
    if not np.isfinite(rates).all():
        raise ParameterError(f"{label} returned a matrix with inf or nan entries")
    off = ~np.eye(n, dtype=bool)
    negative = off & (rates < 0)
    if negative.any():
        idx = tuple(np.argwhere(negative)[0])
        raise ParameterError(f"{label} gave a negative jump rate R[{idx[-2]}, {idx[-1]}] = {rates[idx]:.6g} "
                             f"(rate of {idx[-1]} -> {idx[-2]}); jump rates must be >= 0")
    sums = rates.sum(axis=-2)
    scale = np.abs(rates).sum(axis=-2)
    bad = np.abs(sums) > RATE_CHECK_RTOL * np.maximum(scale, 1e-300)
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        raise ParameterError(f"{label}: column {idx[-1]} sums to {sums[idx]:.6g}, not 0; every column must "
                             f"sum to zero (R[i, i] = -(rate out of level i)), or probability is not conserved")
    if not detailed_balance:
        return
    beta = np.asarray(beta, dtype=float)[..., None, None]
    gap = energies[..., None, :] - energies[..., :, None]  # [j, i] = E_i - E_j
    forward, backward = rates, np.swapaxes(rates, -1, -2)
    with np.errstate(divide="ignore", invalid="ignore"):
        both = off & (forward > 0) & (backward > 0)
        mismatch = np.where(both, np.log(forward) - np.log(backward) - beta * gap, 0.0)
        one_sided = off & ((forward > 0) != (backward > 0)) & (np.abs(beta * gap) < 600.0)
    bad = (np.abs(mismatch) > 1e-8 * np.maximum(1.0, np.abs(beta * gap))) | one_sided
    if bad.any():
        idx = tuple(np.argwhere(bad)[0])
        j, i = idx[-2], idx[-1]
        raise ParameterError(
            f"{label} breaks detailed balance: R[{j}, {i}] / R[{i}, {j}] = {forward[idx]:.6g} / "
            f"{backward[idx]:.6g}, but it must equal exp(beta (E_{i} - E_{j})) = "
            f"{np.exp(min(float((beta * gap)[idx]), 700.0)):.6g}; set detailed_balance = False on the "
            f"class for a deliberately non-thermal reservoir")
