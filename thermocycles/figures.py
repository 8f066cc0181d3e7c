"""Reproductions of the source paper's figures.

Fig. 2: the COP at maximum chi, eps*, of the two-level quantum Otto refrigerator against the
Carnot COP eps_C, with the Curzon-Ahlborn COP eps_CA = sqrt(1 + eps_C) - 1 and
eps_plus = (sqrt(9 + 8 eps_C) - 3)/2. The data only; :func:`thermocycles.plots.plot_fig2` draws it.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from .bounds import curzon_ahlborn_cop, eps_plus
from .closed_forms.otto_two_level import check_eps_c_range, optimal_frequencies
from .errors import CycleError, ParameterError
from .progress import ProgressBar

#: Default eps_C grid of Fig. 2 (the paper plots 0 < eps_C <= 10).
DEFAULT_EPS_C = np.linspace(0.05, 10.0, 200)


@attrs.frozen
class Fig2Data:
    """eps* and the reference COPs on an eps_C grid (all arrays of the same length)."""

    eps_c: np.ndarray
    eps_star: np.ndarray
    eps_ca: np.ndarray
    eps_plus: np.ndarray
    beta_c_w_a: np.ndarray  #: optimal u = beta_c w_a
    beta_h_w_b: np.ndarray  #: optimal v = beta_h w_b
    converged: np.ndarray

    @property
    def deviation_from_ca(self) -> np.ndarray:
        """Relative deviation eps*/eps_CA - 1."""
        return self.eps_star / self.eps_ca - 1

    def as_dict(self) -> dict[str, list[float]]:
        """The JSON payload of ``thermocycles fig2 --json``."""
        keys = ["eps_c", "eps_star", "eps_ca", "eps_plus", "beta_c_w_a", "beta_h_w_b"]
        return {k: [float(x) for x in getattr(self, k)] for k in keys}

    def table(self, max_rows: int = 25) -> str:
        """A plain-text table (every k-th row if there are more than ``max_rows``) and a summary."""
        step = max(1, int(np.ceil(len(self.eps_c) / max_rows)))
        rows = list(range(0, len(self.eps_c), step))
        if rows[-1] != len(self.eps_c) - 1:
            rows.append(len(self.eps_c) - 1)
        head = f"{'eps_C':>8} {'eps*':>10} {'eps_CA':>10} {'eps_plus':>10} {'eps*/eps_CA-1':>14} " \
               f"{'beta_c w_a':>11} {'beta_h w_b':>11}"
        lines = [head, "-" * len(head)]
        for i in rows:
            lines.append(
                f"{self.eps_c[i]:8.4g} {self.eps_star[i]:10.6f} {self.eps_ca[i]:10.6f} "
                f"{self.eps_plus[i]:10.6f} {self.deviation_from_ca[i]:14.3%} "
                f"{self.beta_c_w_a[i]:11.6f} {self.beta_h_w_b[i]:11.6f}")
        dev = self.deviation_from_ca
        lines.append("")
        lines.append(
            f"{len(self.eps_c)} points, all converged: {bool(self.converged.all())}; "
            f"eps*/eps_CA - 1 from {dev.min():.2%} to {dev.max():.2%}; "
            f"eps* <= eps_plus everywhere: {bool(np.all(self.eps_star <= self.eps_plus))}")
        return "\n".join(lines)


#: eps_C values solved per vectorised call (about 0.1 s each): the unit of the progress bar
CHUNK = 256


def fig2_data(eps_c: Any = None, progress: bool | None = None) -> Fig2Data:
    """Compute Fig. 2 on the given eps_C values (the default grid if None).

    Each value is an independent two-variable optimisation (about 0.5 ms); every eps_C must lie in
    [1e-12, 1e12] (:data:`thermocycles.closed_forms.otto_two_level.EPS_C_RANGE`; ParameterError
    otherwise), and a point where the solver did not converge raises CycleError. They are solved
    vectorised in chunks of :data:`CHUNK`, with a progress bar for long grids (see
    ``thermocycles.progress``; ``progress=False`` silences it).

    Examples
    --------
    >>> d = fig2_data([1.0, 2.0])
    >>> bool(d.converged.all()), bool(np.all(d.eps_star <= d.eps_plus))
    (True, True)
    """
    eps_c = DEFAULT_EPS_C if eps_c is None else np.atleast_1d(np.asarray(eps_c, dtype=float))
    if eps_c.size == 0 or eps_c.ndim != 1:
        raise ParameterError(f"fig2_data: eps_c must be a non-empty 1-D array of Carnot COPs; got shape {eps_c.shape}")
    check_eps_c_range(eps_c, "fig2_data")  # before any work, naming this function
    parts = []
    with ProgressBar(len(eps_c), "Fig. 2", progress=progress, unit="eps_C") as bar:
        for start in range(0, len(eps_c), CHUNK):
            parts.append(optimal_frequencies(eps_c[start:start + CHUNK]))
            bar.update(len(parts[-1].eps_c))
    eps_c_out = np.concatenate([r.eps_c for r in parts])
    converged = np.concatenate([r.converged for r in parts])
    if not converged.all():  # never seen on [1e-12, 1e12] (a 2000-point test): refuse, never plot it
        bad = eps_c_out[~converged]
        raise CycleError(f"fig2_data: the eps* solver did not converge at {bad.size} eps_C value(s), "
                         f"the first eps_C = {float(bad[0])!r}; please report it")
    return Fig2Data(eps_c=eps_c_out, eps_star=np.concatenate([r.eps_star for r in parts]),
                    eps_ca=curzon_ahlborn_cop(eps_c_out), eps_plus=eps_plus(eps_c_out),
                    beta_c_w_a=np.concatenate([r.u for r in parts]),
                    beta_h_w_b=np.concatenate([r.v for r in parts]),
                    converged=converged)
