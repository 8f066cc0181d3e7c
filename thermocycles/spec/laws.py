"""Bath laws: how fast a reservoir takes or gives a quantum of energy (docs/explanation/physics.md, section 8).

A law is a function ``k(omega, beta, gamma)``: the rate of a jump of the working substance that gives
the energy ``omega`` to the bath (``omega > 0``: a jump down; ``omega < 0``: a jump up, the bath
supplies ``|omega|``), for a bath at inverse temperature ``beta`` coupled at the rate ``gamma``. The
rate of the jump ``i -> j`` between eigenstates of the substance is ``|<j|A|i>|^2 k(E_i - E_j)``,
with ``A`` the substance's coupling operator.

Built-in laws (all obey detailed balance ``k(omega) / k(-omega) = exp(beta omega)``):

* ``"tanh"`` (the paper's, the default): ``k = gamma (1 + tanh(beta omega / 2))``; a two-level
  system relaxes at ``2 gamma`` (``1/T1 = 2 gamma``);
* ``"bosonic"``: ``k_down = gamma (nbar + 1)``, ``k_up = gamma nbar``, ``nbar = 1/(e^(beta omega) - 1)``,
  i.e. ``k = gamma / |1 - exp(-beta omega)|`` (it diverges at ``omega = 0``);
* ``"fermionic"``: ``k_down = gamma (1 - f)``, ``k_up = gamma f``, ``f = 1/(e^(beta omega) + 1)``,
  i.e. ``k = gamma / (1 + exp(-beta omega))`` (half the tanh law).

A user law is any vectorised function ``k(omega, beta, gamma)`` of numpy arrays. It is checked when
the reservoir is built (on a grid of omega and beta) and again on every evaluation, at the Bohr
frequencies actually used: rates must be finite and >= 0 and obey detailed balance. A law that is
deliberately not thermal (for example the paper's linearised high-temperature law) says so with
``BathLaw(..., detailed_balance=False)``; its stationary states are then computed, not taken to be
Gibbs states.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import attrs
import numpy as np
from scipy.special import expit

from ..errors import ParameterError, brief, clip

LawFunction = Callable[[Any, Any, Any], Any]


def tanh_law(omega: Any, beta: Any, gamma: Any) -> Any:
    """``gamma (1 + tanh(beta omega / 2))``, evaluated as ``2 gamma expit(beta omega)`` (keeps
    exponentially small upward rates instead of rounding them to zero).

    Examples
    --------
    >>> float(tanh_law(0.0, 1.0, 1.0))
    1.0
    """
    return 2.0 * gamma * expit(beta * omega)


def fermionic_law(omega: Any, beta: Any, gamma: Any) -> Any:
    """``gamma (1 - f)`` down and ``gamma f`` up, ``f`` the Fermi function: ``gamma expit(beta omega)``.

    Examples
    --------
    >>> float(fermionic_law(0.0, 1.0, 1.0))
    0.5
    """
    return gamma * expit(beta * omega)


def bosonic_law(omega: Any, beta: Any, gamma: Any) -> Any:
    """``gamma (nbar + 1)`` down and ``gamma nbar`` up: ``gamma / |expm1(-beta omega)|``.

    Examples
    --------
    >>> import numpy as np
    >>> nbar = 1 / np.expm1(2.0)
    >>> bool(np.isclose(bosonic_law(2.0, 1.0, 1.0), nbar + 1) and np.isclose(bosonic_law(-2.0, 1.0, 1.0), nbar))
    True
    """
    with np.errstate(divide="ignore", over="ignore"):  # k = 0 where exp(-beta omega) overflows
        return gamma / np.abs(np.expm1(-beta * np.asarray(omega, dtype=float)))


@attrs.frozen
class BathLaw:
    """A bath law ``k(omega, beta, gamma)`` with its name.

    Parameters
    ----------
    function : callable
        ``k(omega, beta, gamma)`` on numpy arrays (broadcasting), >= 0.
    name : str
        Shown in messages and reprs (default: the function's name).
    detailed_balance : bool
        Whether the law obeys ``k(omega)/k(-omega) = exp(beta omega)``; checked unless False.

    Examples
    --------
    >>> import thermocycles as tc
    >>> law = tc.BathLaw(lambda omega, beta, gamma: 2 * gamma / (1 + np.exp(-beta * omega)), name="tanh2")
    >>> tc.Reservoir(name="c", temperature=1.0, coupling=1.0, law=law).law.name
    'tanh2'
    """

    function: LawFunction = attrs.field(eq=attrs.cmp_using(eq=lambda a, b: a is b))
    name: str = ""
    detailed_balance: bool = attrs.field(default=True, converter=lambda v: bool(v) if isinstance(v, np.bool_) else v)
    _builtin: bool = attrs.field(default=False, repr=False, alias="builtin")

    def __attrs_post_init__(self) -> None:
        if not callable(self.function):
            raise ParameterError(f"BathLaw.function must be a callable k(omega, beta, gamma); "
                                 f"got {brief(self.function)}")
        if not isinstance(self.name, str):
            raise ParameterError(f"BathLaw.name must be a string (shown in messages); got {brief(self.name)}")
        if not self.name:
            object.__setattr__(self, "name", getattr(self.function, "__name__", "law"))
        if not isinstance(self.detailed_balance, bool):
            raise ParameterError(f"BathLaw.detailed_balance must be True or False; got {brief(self.detailed_balance)}")
        if not self._builtin:
            self._check_on_grid()

    def __reduce__(self) -> tuple[Any, ...]:
        if self._builtin:  # the built-in laws are singletons: unpickle to the same object
            return (_builtin_law, (self.name,))
        return (BathLaw, (self.function, self.name, self.detailed_balance))

    @property
    def builtin(self) -> bool:
        """True for the laws shipped with thermocycles (verified by the test suite, not per call)."""
        return self._builtin

    def __call__(self, omega: Any, beta: Any, gamma: Any) -> np.ndarray:
        """Rates at the given Bohr frequencies, checked (user laws) for sign and finiteness."""
        out = np.asarray(self.function(omega, beta, gamma), dtype=float)
        if not self._builtin:
            self.check_values(np.asarray(omega, dtype=float), np.asarray(beta, dtype=float), out)
        return out

    def check_values(self, omega: np.ndarray, beta: np.ndarray, rates: np.ndarray) -> None:
        """Raise a ParameterError if rates are negative, not finite or break detailed balance.

        ``omega`` may hold both signs of each frequency (as a rate matrix does); detailed balance
        is checked between ``omega`` and ``-omega`` where both appear.
        """
        omega, beta, rates = np.broadcast_arrays(omega, beta, rates)
        finite_omega = np.isfinite(omega)
        bad = finite_omega & ~(np.isfinite(rates) & (rates >= 0))
        if bad.any():
            i = tuple(np.argwhere(bad)[0])
            raise ParameterError(
                f"bath law {self.name!r} gave the rate {rates[i]:.6g} at omega = {omega[i]:.6g}, beta = "
                f"{beta[i]:.6g}; rates must be finite and >= 0")

    def check_detailed_balance(self, omega: np.ndarray, beta: np.ndarray, down: np.ndarray,
                               up: np.ndarray) -> None:
        """Raise unless ``down / up = exp(beta omega)`` (``down = k(omega)``, ``up = k(-omega)``)."""
        if not self.detailed_balance:
            return
        omega, beta, down, up = np.broadcast_arrays(omega, beta, down, up)
        with np.errstate(divide="ignore", invalid="ignore"):
            both = (down > 0) & (up > 0)
            mismatch = np.where(both, np.log(down) - np.log(up) - beta * omega, 0.0)
            # an upward rate that underflows is consistent only where exp(-beta omega) underflows too
            lost = (down > 0) & (up == 0) & (beta * omega < 600.0) & (down > 1e-300)
            lost |= (up > 0) & (down == 0)
        tol = 1e-8 * np.maximum(1.0, np.abs(beta * omega))
        bad = (np.abs(mismatch) > tol) | lost
        if bad.any():
            i = tuple(np.argwhere(bad)[0])
            raise ParameterError(
                f"bath law {self.name!r} breaks detailed balance: k({omega[i]:.6g}) / k({-omega[i]:.6g}) = "
                f"{down[i]:.6g} / {up[i]:.6g} at beta = {beta[i]:.6g}, but it must equal "
                f"exp(beta omega) = {np.exp(min(beta[i] * omega[i], 700.0)):.6g}; pass "
                f"BathLaw(..., detailed_balance=False) for a deliberately non-thermal law")

    def rate_matrix(self, energies: Any, beta: Any, gamma: Any, strengths: Any = None) -> np.ndarray:
        """Pauli rate matrix ``R[..., j, i]`` (rate of the jump ``i -> j``) of this law.

        ``R[j, i] = S[j, i] k(E_i - E_j)`` for ``i != j`` and each diagonal entry minus the sum of
        its column's other entries, so every column sums to zero.

        Parameters
        ----------
        energies : ndarray, shape (..., N)
            Eigen-energies of the substance.
        beta, gamma : ndarray, broadcastable to the batch shape
            Inverse temperature and coupling rate.
        strengths : ndarray, shape (..., N, N), optional
            ``S[j, i] = |<j|A|i>|^2``; None couples every pair with strength 1.

        Examples
        --------
        >>> TANH.rate_matrix(np.array([1.0, 2.0]), 1.0, 1.0).round(6)  # levels w, 2w at beta w = 1
        array([[-0.537883,  1.462117],
               [ 0.537883, -1.462117]])
        """
        eps = np.asarray(energies, dtype=float)
        beta = np.asarray(beta, dtype=float)[..., None, None]
        gamma = np.asarray(gamma, dtype=float)[..., None, None]
        gap = eps[..., None, :] - eps[..., :, None]  # gap[j, i] = E_i - E_j: energy given to the bath
        if self._builtin:  # these never overflow (the bosonic law handles it itself)
            k = self(gap, beta, gamma)
        else:
            with np.errstate(over="ignore"):
                k = self(gap, beta, gamma)
            self.check_detailed_balance(gap, beta, k, np.swapaxes(k, -1, -2))
        n = eps.shape[-1]
        off, eye = _masks(n)
        if strengths is None:
            rates = np.where(off, k, 0.0)
        else:
            strengths = np.asarray(strengths, dtype=float)
            with np.errstate(invalid="ignore"):
                rates = np.where(off & (strengths > 0), strengths * k, 0.0)
        if not np.isfinite(rates).all():
            bad = tuple(np.argwhere(~np.isfinite(rates))[0])
            raise ParameterError(
                f"bath law {self.name!r} has no finite rate at the Bohr frequency {gap[bad]:.6g} between "
                f"levels {bad[-1]} and {bad[-2]} (degenerate levels coupled by the substance's coupling "
                f"operator): use a law that is finite at omega = 0 (e.g. 'tanh' or 'fermionic') or a "
                f"coupling operator that does not connect degenerate levels")
        return rates - eye * rates.sum(axis=-2)[..., None, :]

    def _check_on_grid(self) -> None:
        omega = np.concatenate([np.geomspace(1e-3, 50.0, 12), [1.0]])
        beta = np.array([0.1, 1.0, 3.0])[:, None]
        try:
            down = np.asarray(self.function(omega, beta, 1.0), dtype=float)
            up = np.asarray(self.function(-omega, beta, 1.0), dtype=float)
        except Exception as exc:
            raise ParameterError(
                f"bath law {self.name!r} failed on numpy arrays ({type(exc).__name__}: {clip(exc, 100)}); a law is "
                f"k(omega, beta, gamma) on arrays that broadcast") from None
        if down.shape != np.broadcast_shapes(omega.shape, beta.shape):
            raise ParameterError(
                f"bath law {self.name!r} returned shape {down.shape} for omega of shape {omega.shape} and "
                f"beta of shape {beta.shape}; it must broadcast like numpy arithmetic")
        # a law may be meant for a range of omega and beta only: negative or non-finite rates are
        # refused where a cycle actually uses them; detailed balance is checked where both are rates
        usable = np.isfinite(down) & np.isfinite(up) & (down > 0) & (up > 0)
        self.check_detailed_balance(np.broadcast_to(omega, usable.shape)[usable],
                                    np.broadcast_to(beta, usable.shape)[usable], down[usable], up[usable])


@functools.lru_cache(maxsize=64)
def _masks(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The off-diagonal mask and the identity of n x n matrices (cached, read-only)."""
    masks = (~np.eye(n, dtype=bool), np.eye(n))
    for mask in masks:
        mask.flags.writeable = False
    return masks


TANH = BathLaw(tanh_law, "tanh", builtin=True)
BOSONIC = BathLaw(bosonic_law, "bosonic", builtin=True)
FERMIONIC = BathLaw(fermionic_law, "fermionic", builtin=True)

#: the built-in laws by name
LAWS: dict[str, BathLaw] = {law.name: law for law in (TANH, BOSONIC, FERMIONIC)}


def _builtin_law(name: str) -> BathLaw:
    return LAWS[name]


def as_law(value: Any) -> Any:
    """A :class:`BathLaw` from a name, a callable or a BathLaw (anything else is returned unchanged,
    for the validator to explain)."""
    if isinstance(value, BathLaw):
        return value
    if isinstance(value, str):
        return LAWS.get(value, value)
    if callable(value):
        return BathLaw(value)
    return value


__all__ = ["BathLaw", "LAWS", "TANH", "BOSONIC", "FERMIONIC", "as_law", "tanh_law", "bosonic_law",
           "fermionic_law"]
