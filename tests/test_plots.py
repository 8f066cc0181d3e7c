"""Plots (thermocycles.plots), rendered with Agg: labels, titles, lines and markers are checked, not only
that drawing runs."""

from __future__ import annotations

import io

import numpy as np
import pytest

from thermocycles.errors import ParameterError
from thermocycles.factories.carnot import carnot_cycle
from thermocycles.factories.otto import otto_cycle, quantum_otto_refrigerator
from thermocycles.figures import fig2_data
from thermocycles.plots import cycle_diagram, mark_optimum, plot_fig2, plot_sweep
from thermocycles.spec.substances.oscillator import HarmonicOscillator
from thermocycles.spec.substances.qubit import Qubit
from thermocycles.spec.substances.spin import Spin
from thermocycles.units import Q_

pytest.importorskip("matplotlib")
xr = pytest.importorskip("xarray")

OTTO = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=1.0, tau_h=1.0, tau_ch=0.1,
            tau_hc=0.1)


def render(fig_or_ax):
    fig = getattr(fig_or_ax, "figure", fig_or_ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue()[:4] == b"\x89PNG"
    return fig


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_fig2_says_what_is_maximised_and_has_grids(tmp_path):
    fig = plot_fig2(fig2_data(np.linspace(0.1, 5.0, 12)), tmp_path / "fig2.png")
    assert (tmp_path / "fig2.png").stat().st_size > 10_000
    render(fig)
    top, bottom = fig.axes
    assert "COP at maximum $\\chi$ = COP $\\times$ cooling rate" in fig._suptitle.get_text()
    assert "maximum" in top.get_ylabel() and "Carnot COP" in bottom.get_xlabel()
    assert top.xaxis._major_tick_kw["gridOn"] and bottom.yaxis._major_tick_kw["gridOn"]
    assert len(top.get_lines()) == 3
    assert plot_fig2(fig2_data([1.0])).axes  # no path: nothing written, the figure returned


def test_cycle_diagram_of_the_flagship_names_strokes_marks_corners_and_annotates_heat_and_work():
    ax = render(cycle_diagram(quantum_otto_refrigerator(**OTTO), y="occupation")).axes[0]
    assert ax.get_ylabel() == "excited-state population $p_e$"
    assert "frequency" in ax.get_xlabel() and "[natural units]" in ax.get_xlabel()  # plain numbers: say so
    energy_axes = render(cycle_diagram(quantum_otto_refrigerator(**OTTO))).axes[0]
    assert energy_axes.get_ylabel().endswith("[natural units]")
    assert "refrigerator" in ax.get_title()
    texts = legend_texts(ax)
    assert texts[0].startswith("1\u21922  c (Isochore)") and "Q = +" in texts[0] and "W = 0" in texts[0]
    assert "ch (QuantumAdiabat)" in texts[1] and "Q = 0, W = +" in texts[1]
    assert len(ax.get_lines()) == 8  # four paths and four corners
    corners = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert len(corners) == 4
    paths = [line for line in ax.get_lines() if line.get_marker() != "o"]
    assert all(len(line.get_xdata()) == 41 for line in paths)
    arrows = [c for c in ax.texts if c.arrow_patch is not None]
    assert len(arrows) == 4
    perf = quantum_otto_refrigerator(**OTTO).performance()
    assert f"{perf.strokes[0].heat['c']:+.3g}" in texts[0]


def test_cycle_diagram_energy_axis_with_units_and_unit_annotations():
    cycle = quantum_otto_refrigerator(T_c=Q_(50, "mK"), T_h=Q_(100, "mK"), gamma_c=Q_(1, "MHz"), gamma_h=Q_(1, "MHz"),
                                      w_a=Q_(1, "GHz"), w_b=Q_(3, "GHz"), tau_c=Q_(1, "us"), tau_h=Q_(1, "us"),
                                      tau_ch=Q_(0.1, "us"), tau_hc=Q_(0.1, "us"))
    ax = render(cycle_diagram(cycle, annotate=True)).axes[0]
    assert ax.get_xlabel().endswith("[GHz]")
    assert ax.get_ylabel().startswith("mean energy") and "eV]" in ax.get_ylabel()
    unit = ax.get_ylabel().split("[")[1].rstrip("]")
    assert all(t.endswith(unit) for t in legend_texts(ax))
    x = ax.get_lines()[0].get_xdata()
    np.testing.assert_allclose([x.min(), x.max()], [1.0, 1.0])


@pytest.mark.parametrize("make", [
    lambda: otto_cycle(Spin(j=1), **OTTO),
    lambda: otto_cycle(HarmonicOscillator(levels=6), **OTTO, law="bosonic"),
    lambda: otto_cycle(HarmonicOscillator(), **OTTO, law="bosonic"),
    lambda: otto_cycle(Qubit(transverse=0.4), **OTTO, adiabat="unitary"),
    lambda: carnot_cycle(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_1=4.0, w_2=2.0, tau_h=5.0, tau_c=5.0),
], ids=["spin", "truncated oscillator", "untruncated oscillator", "qubit density matrix", "Carnot"])
def test_cycle_diagram_of_other_substances_and_backends(make):
    cycle = make()
    for y in ("energy", "occupation"):
        ax = render(cycle_diagram(cycle, y=y, points_per_stroke=9)).axes[0]
        assert len(legend_texts(ax)) == 4 and len(ax.get_lines()) == 8
    if isinstance(cycle.substance, HarmonicOscillator):
        assert ax.get_ylabel() == "mean occupation $\\langle n\\rangle$"
    if isinstance(cycle.substance, Spin):
        assert ax.get_ylabel().startswith("mean level index")


def test_cycle_diagram_from_a_performance_record_draws_dashed_corners():
    perf = quantum_otto_refrigerator(**OTTO).performance()
    ax = render(cycle_diagram(perf, y="occupation")).axes[0]
    assert "corners only" in ax.get_title()
    assert all("path not resolved" in t for t in legend_texts(ax))
    assert all(line.get_linestyle() == "--" for line in ax.get_lines() if line.get_marker() != "o")


def test_cycle_diagram_of_a_family_has_one_loop_per_element_and_a_colour_bar():
    w_b = np.linspace(2.5, 4.0, 4)
    ax = cycle_diagram(quantum_otto_refrigerator(**dict(OTTO, w_b=w_b)), y="occupation")
    fig = render(ax)
    colour_bar = fig.axes[1]
    assert colour_bar.get_ylabel() == "w_b"
    assert len(ax.get_lines()) == 4 * 4 * 2  # per element: four paths, four corners
    np.testing.assert_allclose(colour_bar.get_ylim(), [2.5, 4.0])


def test_cycle_diagram_bad_input():
    with pytest.raises(ParameterError, match="y must be one of"):
        cycle_diagram(quantum_otto_refrigerator(**OTTO), y="entropy")
    with pytest.raises(ParameterError, match="must be a Cycle or a Performance"):
        cycle_diagram(42)


def sweep_dataset():
    w_b = np.linspace(2.5, 6.0, 8)
    tau_c = np.logspace(-2, 1, 6)
    chi = np.outer(w_b, np.log(tau_c + 1))
    return xr.Dataset(
        {"chi": (("w_b", "tau_c"), chi, {"units": "W", "long_name": "figure of merit chi = cop x cooling rate"}),
         "cop": (("w_b", "tau_c"), chi / 10, {"units": "1", "long_name": "coefficient of performance"})},
        coords={"w_b": ("w_b", w_b, {"units": "GHz", "long_name": "w_b"}),
                "tau_c": ("tau_c", tau_c, {"units": "us", "long_name": "tau_c"})})


def test_plot_sweep_map_has_labelled_axes_colour_bar_and_log_axis():
    ds = sweep_dataset()
    ax = plot_sweep(ds, "chi")
    fig = render(ax)
    assert ax.get_xlabel() == "w_b [GHz]" and ax.get_ylabel() == "tau_c [us]"
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    assert fig.axes[1].get_ylabel() == "figure of merit chi = cop x cooling rate [W]"
    assert len(ax.collections) == 1 and ax.collections[0].get_array().size == 8 * 6


def test_plot_sweep_lines():
    ds = sweep_dataset()
    ax = render(plot_sweep(ds.isel(tau_c=0), "cop")).axes[0]
    assert ax.get_ylabel() == "coefficient of performance" and len(ax.get_lines()) == 1
    ax = render(plot_sweep(ds, "cop", kind="lines", x="tau_c")).axes[0]
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 8
    assert legend_texts(ax)[0] == "w_b = 2.5 GHz"


def test_plot_sweep_bad_input():
    ds = sweep_dataset()
    with pytest.raises(ParameterError, match="no data variable 'nope'; it has: chi, cop"):
        plot_sweep(ds, "nope")
    with pytest.raises(ParameterError, match="x must be one of"):
        plot_sweep(ds, "chi", x="T_h")
    with pytest.raises(ParameterError, match="kind must be one of"):
        plot_sweep(ds, "chi", kind="surface")


def test_mark_optimum_star_from_an_optimization_result():
    from thermocycles.analysis.optimize import Optimizer

    fridge = quantum_otto_refrigerator(**OTTO)
    result = Optimizer(objective="chi", variables={"w_b": (2.0, 6.0), "tau_c": (0.01, 10.0)}).run(fridge)
    ds = sweep_dataset()
    ax = mark_optimum(plot_sweep(ds, "chi"), result)
    render(ax)
    star = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert len(star) == 1
    np.testing.assert_allclose([star[0].get_xdata()[0], star[0].get_ydata()[0]],
                               [result.x_natural["w_b"], result.x_natural["tau_c"]])
    assert legend_texts(ax)[0].startswith("optimum: chi = ")


def test_mark_optimum_line_of_an_optimizer_sweep():
    ds = sweep_dataset()
    best = xr.Dataset({"x_tau_c": ("w_b", np.linspace(0.1, 1.0, 8)), "optimum": ("w_b", np.linspace(1, 2, 8))},
                      coords={"w_b": np.linspace(2.5, 6.0, 8)})
    ax = render(mark_optimum(plot_sweep(ds, "chi"), best)).axes[0]
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), best["x_tau_c"].values)
    assert legend_texts(ax) == ["optimal tau_c at each w_b"]
    ax = render(mark_optimum(plot_sweep(ds.isel(tau_c=0), "chi"), best)).axes[0]
    assert len(ax.get_lines()) == 2
    with pytest.raises(ParameterError, match="needs 'x_tau_c'"):
        mark_optimum(plot_sweep(ds, "chi"), best.rename({"x_tau_c": "x_other"}))


def test_figures_go_through_pyplot_in_an_ipython_session_only():
    """In an IPython or Jupyter session a new figure is one of pyplot's, so it shows inline; a script,
    the CLI or a sweep worker gets a bare Figure that no global state keeps (even with pyplot
    imported: a loop over cycle_diagram must not pile up pyplot figures)."""
    import subprocess
    import sys

    pytest.importorskip("IPython")
    plot = ("import sys, thermocycles as tc\n"
            "fig = tc.cycle_diagram(tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0,"
            " w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1, tau_hc=0.1)).figure\n"
            "import matplotlib.pyplot as plt\n"
            "print(type(fig).__name__, fig in map(plt.figure, plt.get_fignums()))\n")
    session = "from IPython.core.interactiveshell import InteractiveShell\nInteractiveShell.instance()\n"
    env = {**__import__("os").environ, "MPLBACKEND": "Agg"}
    runs = {name: subprocess.run([sys.executable, "-c", prefix + plot], capture_output=True, text=True,
                                 check=True, env=env).stdout.split()
            for name, prefix in [("script", "import matplotlib.pyplot\n"), ("ipython", session)]}
    assert runs == {"script": ["Figure", "False"], "ipython": ["Figure", "True"]}
