"""Plots: Fig. 2, the cycle diagram (the paper's Fig. 1) and sweep maps.

All plotting of the package lives here. It uses matplotlib's object-oriented API only (a
:class:`matplotlib.figure.Figure` is built directly, never through ``pyplot``), imports matplotlib
inside the functions (an optional dependency: ``pip install "thermocycles[plot]"``) and returns the
figure or axes it drew on; nothing is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from .figures import Fig2Data

_NEED_MPL = 'plotting needs matplotlib: pip install "thermocycles[plot]"'


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure  # noqa: PLC0415 (an optional dependency)
    except ImportError as exc:  # pragma: no cover - exercised by the CLI test with matplotlib hidden
        raise ImportError(_NEED_MPL) from exc
    return Figure


def plot_fig2(data: Fig2Data, path: str | Path | None = None) -> Figure:
    """Fig. 2: the COP at maximum chi against the Carnot COP, and its deviation from eps_CA.

    Parameters
    ----------
    data : Fig2Data
        From :func:`thermocycles.figures.fig2_data`.
    path : str or Path, optional
        Where to write a PNG (nothing is written if None).

    Returns
    -------
    matplotlib.figure.Figure
    """
    Figure = _figure_class()
    fig = Figure(figsize=(6.4, 6.4), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    top.plot(data.eps_c, data.eps_star, "k-", lw=2, label=r"$\varepsilon^*$ (max $\chi$, this model)")
    top.plot(data.eps_c, data.eps_ca, "r--", lw=1.5, label=r"$\varepsilon_{CA}=\sqrt{1+\varepsilon_C}-1$")
    top.plot(data.eps_c, data.eps_plus, "b:", lw=2,
             label=r"$\varepsilon_+=(\sqrt{9+8\varepsilon_C}-3)/2$")
    top.set_ylabel(r"COP at maximum $\chi$")
    top.set_xlim(0, float(data.eps_c.max()))
    top.set_ylim(bottom=0)
    top.legend(loc="upper left")
    top.set_title("Two-level quantum Otto refrigerator (Fig. 2)")
    bottom.plot(data.eps_c, 100 * data.deviation_from_ca, "k-")
    bottom.set_xlabel(r"Carnot COP $\varepsilon_C = T_c/(T_h - T_c)$")
    bottom.set_ylabel(r"$\varepsilon^*/\varepsilon_{CA}-1$ (%)")
    if path is not None:
        fig.savefig(Path(path), dpi=120)
    return fig
