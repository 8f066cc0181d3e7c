"""Plots: Fig. 2, the cycle diagram (the paper's Fig. 1) and sweep maps.

All plotting of the package lives here. It draws with matplotlib's object-oriented API, imports
matplotlib inside the functions (an optional dependency: ``pip install "thermocycles[plot]"``) and
returns the figure or axes it drew on. In an IPython or Jupyter session a new figure is made
through ``pyplot``, so that it appears inline like any other figure of the session. Elsewhere (a
script, a library, the command line, a sweep worker) it is a bare
:class:`matplotlib.figure.Figure` that no global state keeps alive and nothing shows: save it, or
pass ``ax=`` from ``plt.subplots()`` to draw into a figure of your own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np

from .errors import ParameterError, ThermocyclesError

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


def _new_figure(**kwargs: Any) -> Any:
    """A new figure: pyplot's in an IPython session (where it then shows), else a bare Figure."""
    ipython = sys.modules.get("IPython")
    if ipython is not None and ipython.get_ipython() is not None:
        try:
            import matplotlib.pyplot as plt  # noqa: PLC0415 (an optional dependency)
        except ImportError as exc:
            raise ImportError(_NEED_MPL) from exc
        return plt.figure(**kwargs)
    return _figure_class()(**kwargs)


def plot_fig2(data: Fig2Data, path: str | Path | None = None) -> Figure:
    """Fig. 2: the COP at maximum chi (chi = COP x cooling rate) against the Carnot COP, with the
    Curzon-Ahlborn COP and eps_plus, and below the deviation eps*/eps_CA - 1 in percent.

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
    fig = _new_figure(figsize=(6.4, 6.6), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    top.plot(data.eps_c, data.eps_star, "k-", lw=2,
             label=r"$\varepsilon^*$: COP at maximum $\chi$ (this model)")
    top.plot(data.eps_c, data.eps_ca, "r--", lw=1.5, label=r"$\varepsilon_{CA}=\sqrt{1+\varepsilon_C}-1$")
    top.plot(data.eps_c, data.eps_plus, "b:", lw=2,
             label=r"$\varepsilon_+=(\sqrt{9+8\varepsilon_C}-3)/2$")
    top.set_ylabel(r"COP $\varepsilon$ at maximum $\chi$")
    top.set_xlim(0, float(np.max(data.eps_c)))
    top.set_ylim(bottom=0)
    top.grid(True, alpha=0.35)
    top.legend(loc="upper left")
    fig.suptitle("Two-level quantum Otto refrigerator (paper's Fig. 2)\n"
                 r"COP at maximum $\chi$ = COP $\times$ cooling rate, against the Carnot COP", fontsize="medium")
    bottom.plot(data.eps_c, 100 * data.deviation_from_ca, "k-")
    bottom.axhline(0.0, color="r", ls="--", lw=1)
    bottom.grid(True, alpha=0.35)
    bottom.set_xlabel(r"Carnot COP $\varepsilon_C = T_c/(T_h - T_c)$")
    bottom.set_ylabel(r"$\varepsilon^*/\varepsilon_{CA}-1$ (%)")
    if path is not None:
        fig.savefig(Path(path), dpi=120)
    return fig


# -- helpers ------------------------------------------------------------------------------------

def _new_axes(ax: Any, figsize: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    return _new_figure(figsize=figsize, layout="constrained").add_subplot()


_PREFIXES = ((1e-9, "n"), (1e-6, "u"), (1e-3, "m"), (1.0, ""), (1e3, "k"), (1e6, "M"), (1e9, "G"))


def _display_unit(kind: Any, natural: Any, example: Any = None) -> tuple[float, str]:
    """(factor, unit) showing natural values of ``kind`` readably: the unit of ``example`` (a user's
    quantity), else energies in eV with an SI prefix, else the kind's own unit with a prefix."""
    from .units import ENERGY, is_quantity  # noqa: PLC0415 (pint is loaded only for cycles with units)

    if example is not None and is_quantity(example):
        unit = example.units
        return float(kind.like(1.0, example).m_as(unit)), f"{unit:~P}"
    base = "eV" if kind is ENERGY else kind.unit
    factor = float(kind.wrap(1.0).m_as(base))
    values = np.abs(np.asarray(natural, dtype=float)) * factor
    top = float(np.nanmax(values)) if values.size and np.isfinite(values).any() else 1.0
    scale, prefix = 1.0, ""
    for s, p in _PREFIXES:
        if top >= s:
            scale, prefix = s, p
    return factor / scale, prefix + base


def _fmt(value: float) -> str:
    if value == 0.0:
        return "0"
    return f"{value:+.3g}".replace("e-0", "e-").replace("e+0", "e")


def _label(name: str, attrs_: Mapping[str, Any]) -> str:
    """``long_name [units]`` from a DataArray's attrs."""
    text = str(attrs_.get("long_name") or name)
    if len(text) > 45 and " (" in text:  # e.g. a parameter's long name listing every field that holds it
        text = text.split(" (")[0]
    units = str(attrs_.get("units", "")).strip()
    if units.startswith("natural"):
        units = "natural units"
    return f"{text} [{units}]" if units and units not in ("1", "dimensionless") else text


def _spans_decades(values: np.ndarray) -> bool:
    v = np.asarray(values, dtype=float)
    return bool(v.size > 1 and np.all(v > 0) and v.max() / v.min() >= 100.0)


def _edges(centres: np.ndarray, log: bool) -> np.ndarray:
    c = np.log(centres) if log else np.asarray(centres, dtype=float)
    if c.size == 1:
        e = np.array([c[0] - 0.5, c[0] + 0.5])
    else:
        mid = 0.5 * (c[1:] + c[:-1])
        e = np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])
    return np.exp(e) if log else e


# -- the cycle diagram ----------------------------------------------------------------------------

_Y_CHOICES = ("energy", "occupation")


def _corner_paths(records: Sequence[Any], mean_occupation: bool) -> list[Any]:
    """Straight segments between the ledger's corners (a record without its cycle)."""
    from .core.trajectory import StrokePath  # noqa: PLC0415

    paths = []
    for r in records:
        control = _stack_pair(r.control_start, r.control_end)
        energy = _stack_pair(r.energy_start, r.energy_end)
        if mean_occupation:
            occupation = energy / control - 0.5
            populations = np.zeros(occupation.shape + (0,))
        else:
            populations = np.stack(np.broadcast_arrays(np.asarray(r.populations_start), np.asarray(r.populations_end)))
            occupation = populations @ np.arange(populations.shape[-1], dtype=float)
        heat = _stack_pair(0.0 * energy[0], sum(r.heat.values(), 0.0 * energy[0]))
        work = _stack_pair(0.0 * energy[0], r.work)
        paths.append(StrokePath(name=r.name, kind=r.kind, fractions=np.array([0.0, 1.0]), control=control,
                                populations=populations, occupation=occupation, energy=energy, heat=heat,
                                work=work, state=np.zeros(occupation.shape + (0, 0), dtype=complex),
                                coherence=np.zeros(occupation.shape), resolved=False))
    return paths


def _stack_pair(a: Any, b: Any) -> np.ndarray:
    return np.stack(np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))


def _occupation_label(substance: Any, n_levels: int | None) -> str:
    if type(substance).__name__ == "HarmonicOscillator" or n_levels is None:
        return r"mean occupation $\langle n\rangle$"
    if n_levels == 2:
        return r"excited-state population $p_e$"
    return r"mean level index $\langle n\rangle=\sum_i i\,p_i$"


def cycle_diagram(source: Any, y: str = "energy", *, ax: Any = None, annotate: bool = True,
                  points_per_stroke: int = 41, backend: str = "auto", cmap: str = "viridis") -> Any:
    """The cycle diagram (the paper's Fig. 1): the control against the mean energy or occupation.

    Each stroke is drawn along its real path (the periodic state inside the stroke, from
    ``thermocycles.core.trajectory.stroke_paths``) and labelled with its name and kind; the
    corners are marked, arrows show the direction of travel, and the heat absorbed by the
    substance (``Q``) and the work done on it (``W``) on each stroke are written next to it (the
    package's signs). An array-valued cycle draws a family of loops, one per element, coloured by the
    parameter that varies (a colour bar names it).

    Parameters
    ----------
    source : Cycle or Performance
        A cycle (its strokes' paths are resolved), or a performance record (it does not know its
        cycle: only the corners, joined by dashed straight lines).
    y : {"energy", "occupation"}
        The mean energy ``Tr(H rho)``, or the occupation: the excited-state population of two levels,
        the mean level index ``sum_i i p_i`` of N levels, the mean occupation of an oscillator.
    ax : matplotlib Axes, optional
        Where to draw (a new figure if None).
    annotate : bool
        Write heat and work per stroke (a single cycle only; a family would be unreadable).
    points_per_stroke : int
        Points along each stroke's path.
    backend : str
        The state space of the paths: "auto" or a name in
        :data:`thermocycles.extend.BACKEND_OBJECTS` (not used for a performance record).
    cmap : str
        Colour map of a family.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import thermocycles as tc
    >>> fridge = tc.quantum_otto_refrigerator(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0,
    ...     w_b=3.0, tau_c=1.0, tau_h=1.0, tau_ch=0.1, tau_hc=0.1)
    >>> ax = cycle_diagram(fridge, y="occupation")
    >>> ax.get_ylabel(), len(ax.get_lines())  # four strokes and four corners
    ('excited-state population $p_e$', 8)
    """
    from .core.model import check_backend  # noqa: PLC0415
    from .core.performance import Performance  # noqa: PLC0415
    from .core.trajectory import stroke_paths  # noqa: PLC0415
    from .units import ENERGY  # noqa: PLC0415

    if y not in _Y_CHOICES:
        raise ParameterError(f"cycle_diagram: y must be one of {_Y_CHOICES}; got {y!r}")
    check_backend(backend, "cycle_diagram backend")
    if isinstance(source, Performance):
        perf = source.natural()
        records = perf.natural_strokes()
        if not records:
            raise ParameterError("cycle_diagram: the performance record has no strokes")
        mean_occupation = perf.backend == "mean_occupation"
        paths = _corner_paths(records, mean_occupation)
        n_levels = None if mean_occupation else int(np.shape(records[0].populations_start)[-1])
        substance, has_units, control_kind, family = None, source.has_units, perf._control_kind, None
        control_example = None
        note = "corners only (a performance record does not know its cycle)"
    elif hasattr(source, "model") and hasattr(source, "strokes"):
        model = source.model
        paths = stroke_paths(model, backend=backend, points=points_per_stroke)
        substance, n_levels = model.substance, model.substance.n_levels
        has_units, control_kind = model.has_units, model.substance.control_kind
        control_name = model.parameter(0, model.strokes[0].control_fields[0])
        control_example = model.specs[control_name].value if has_units else None
        varying = [n for n in model.names if np.size(model.defaults[n]) > 1]
        family = varying[0] if len(varying) == 1 else None
        family_spec = model.specs[family] if family is not None else None
        note = f"{type(substance).__name__}"
        try:
            note += f", {source.performance().mode}" if size_of(model) == 1 else ""
        except ThermocyclesError:  # the title only
            pass
    else:
        raise ParameterError(f"cycle_diagram: source must be a Cycle or a Performance; got {type(source).__name__}")
    ax = _new_axes(ax, (7.5, 5.2))
    controls = np.concatenate([np.ravel(p.control) for p in paths])
    x_factor, x_unit = (_display_unit(control_kind, controls, control_example) if has_units else (1.0, ""))
    energies = np.concatenate([np.ravel(p.energy) for p in paths])
    e_factor, e_unit = _display_unit(ENERGY, energies) if has_units else (1.0, "")
    # without units, energies (and a frequency-like control) are in natural units: the axes say so
    if not has_units and control_kind is ENERGY:
        x_unit = "natural units"
    if y == "energy":
        y_of = [p.energy * e_factor for p in paths]
        y_label = r"mean energy $\mathrm{Tr}(H\rho)$" + f" [{e_unit or 'natural units'}]"
    else:
        y_of = [p.occupation for p in paths]
        y_label = _occupation_label(substance, n_levels)
    x_of = [p.control * x_factor for p in paths]
    control_label = "control" if control_kind is not ENERGY else r"control (frequency $\omega$)"
    ax.set_xlabel(control_label + (f" [{x_unit}]" if x_unit else ""))
    ax.set_ylabel(y_label)
    batch = np.shape(paths[0].control)[1:]
    size = int(np.prod(batch)) if batch else 1
    if size == 1:
        _draw_single(ax, paths, x_of, y_of, annotate, e_factor, e_unit)
    else:
        _draw_family(ax, paths, x_of, y_of, batch, family, family_spec if family else None, cmap)
    ax.grid(True, alpha=0.3)
    title = f"Cycle diagram: {note}"
    ax.set_title(title, fontsize="medium")
    return ax


def size_of(model: Any) -> int:
    """Number of cycles an array-valued model holds."""
    return int(np.prod(np.broadcast_shapes(*(np.shape(v) for v in model.defaults.values()))))


def _draw_single(ax: Any, paths: Sequence[Any], x_of: Sequence[np.ndarray], y_of: Sequence[np.ndarray],
                 annotate: bool, e_factor: float, e_unit: str) -> None:
    colours = [f"C{k % 10}" for k in range(len(paths))]
    xs = [np.ravel(x) for x in x_of]
    ys = [np.ravel(v) for v in y_of]
    all_x, all_y = np.concatenate(xs), np.concatenate(ys)
    cx, cy = float(np.mean(all_x)), float(np.mean(all_y))
    span_x = float(np.ptp(all_x)) or 1.0
    span_y = float(np.ptp(all_y)) or 1.0
    n = len(paths)
    for k, (p, x, v, colour) in enumerate(zip(paths, xs, ys, colours)):
        style = "-" if p.resolved else "--"
        label = f"{k + 1}\u2192{(k + 1) % n + 1}  {p.name} ({p.kind})" + ("" if p.resolved else ", path not resolved")
        if annotate:
            heat = float(np.ravel(p.heat[-1])[0]) * e_factor
            work = float(np.ravel(p.work[-1])[0]) * e_factor
            unit = f" {e_unit}" if e_unit else ""
            label += f"\n      Q = {_fmt(heat)}{unit}, W = {_fmt(work)}{unit}"
        ax.plot(x, v, style, color=colour, lw=2, label=label)
        ax.plot([x[0]], [v[0]], "o", color="black", ms=6, zorder=5)
        dx, dy = (x[0] - cx) / span_x, (v[0] - cy) / span_y
        norm = float(np.hypot(dx, dy)) or 1.0
        ax.annotate(str(k + 1), (x[0], v[0]), textcoords="offset points", xytext=(9 * dx / norm, 9 * dy / norm),
                    ha="center", va="center", fontsize="small", fontweight="bold")
        # the arrow: at the middle of the path (of the segment, for a path known by its corners only)
        if len(x) == 2:
            tail = (0.45 * x[1] + 0.55 * x[0], 0.45 * v[1] + 0.55 * v[0])
            head = (0.55 * x[1] + 0.45 * x[0], 0.55 * v[1] + 0.45 * v[0])
        else:
            i = len(x) // 2
            tail, head = (x[i - 1], v[i - 1]), (x[i], v[i])
        if (head[0] - tail[0]) ** 2 / span_x ** 2 + (head[1] - tail[1]) ** 2 / span_y ** 2 > 0:
            ax.annotate("", xy=head, xytext=tail,
                        arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.5, mutation_scale=16))
    ax.margins(0.08, 0.1)
    title = "heat Q absorbed by the substance,\nwork W done on it" if annotate else None
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", title=title,
              title_fontsize="small", frameon=False)


def _draw_family(ax: Any, paths: Sequence[Any], x_of: Sequence[np.ndarray], y_of: Sequence[np.ndarray],
                 batch: tuple[int, ...], family: str | None, spec: Any, cmap: str) -> None:
    from matplotlib import colormaps  # noqa: PLC0415
    from matplotlib.cm import ScalarMappable  # noqa: PLC0415
    from matplotlib.colors import Normalize  # noqa: PLC0415

    size = int(np.prod(batch))
    xs = [np.asarray(x).reshape(len(x), size) for x in x_of]
    ys = [np.asarray(v).reshape(len(v), size) for v in y_of]
    colours = colormaps[cmap]
    if family is not None:
        raw = spec.value
        magnitude = getattr(raw, "magnitude", raw)
        values = np.broadcast_to(np.asarray(magnitude, dtype=float), batch).ravel()
        unit = f" [{raw.units:~P}]" if hasattr(raw, "units") else ""
        norm = Normalize(float(values.min()), float(values.max()))
        scale_label = f"{family}{unit}"
    else:
        values = np.arange(size, dtype=float)
        norm = Normalize(0.0, max(size - 1, 1))
        scale_label = "element of the array-valued cycle"
    for e in range(size):
        colour = colours(norm(values[e]))
        for p, x, v in zip(paths, xs, ys):
            ax.plot(x[:, e], v[:, e], "-" if p.resolved else "--", color=colour, lw=1.5)
            ax.plot([x[0, e]], [v[0, e]], "o", color=colour, mec="black", mew=0.5, ms=4, zorder=5)
            i = len(x) // 2
            if len(x) > 2 and (x[i, e] != x[i - 1, e] or v[i, e] != v[i - 1, e]):
                ax.annotate("", xy=(x[i, e], v[i, e]), xytext=(x[i - 1, e], v[i - 1, e]),
                            arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.2, mutation_scale=12))
    last = size - 1
    for p, x, v in zip(paths, xs, ys):  # name the strokes once, on the last loop
        i = len(x) // 2
        ax.annotate(f"{p.name} ({p.kind})", (x[i, last], v[i, last]), textcoords="offset points", xytext=(6, 6),
                    fontsize="small", bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.7))
    mappable = ScalarMappable(norm=norm, cmap=colours)
    ax.figure.colorbar(mappable, ax=ax, label=scale_label)
    ax.margins(0.1, 0.12)


# -- sweeps -----------------------------------------------------------------------------------------

_SWEEP_KINDS = ("auto", "line", "lines", "map")


def plot_sweep(ds: Any, variable: str, ax: Any = None, *, kind: str = "auto", x: str | None = None,
               log: bool | None = None, cmap: str = "viridis") -> Any:
    """A data variable of a sweep (:func:`thermocycles.sweep`'s ``xarray.Dataset``) against its
    swept parameters.

    One dimension: a line. Two: a map (``pcolormesh`` with a labelled colour bar), or with
    ``kind="lines"`` one line per value of the second dimension. Axes are labelled
    ``long_name [units]`` from the attrs; an axis whose coordinate spans two decades or more is
    logarithmic. NaN (e.g. ``chi`` where the cycle does not cool) is left blank.

    Parameters
    ----------
    ds : xarray.Dataset
    variable : str
        The data variable to draw.
    ax : matplotlib Axes, optional
    kind : {"auto", "line", "lines", "map"}
    x : str, optional
        The dimension on the horizontal axis (default: the first).
    log : bool, optional
        Force logarithmic (True) or linear (False) coordinate axes; by default from the span.
    cmap : str

    Returns
    -------
    matplotlib.axes.Axes
        With ``ax.thermocycles_dims`` the dimensions on its horizontal and vertical axes (for
        :func:`mark_optimum`).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"chi": (("w_b", "tau_c"), np.ones((3, 4)), {"long_name": "chi", "units": "1"})},
    ...                 coords={"w_b": [2.0, 3.0, 4.0], "tau_c": [0.01, 0.1, 1.0, 10.0]})
    >>> ax = plot_sweep(ds, "chi")
    >>> ax.get_xlabel(), ax.get_yscale()
    ('w_b', 'log')
    """
    if kind not in _SWEEP_KINDS:
        raise ParameterError(f"plot_sweep: kind must be one of {_SWEEP_KINDS}; got {kind!r}")
    if variable not in getattr(ds, "data_vars", {}):
        names = ", ".join(map(str, getattr(ds, "data_vars", {}))) or "none"
        raise ParameterError(f"plot_sweep: the dataset has no data variable {variable!r}; it has: {names}")
    da = ds[variable]
    dims = list(da.dims)
    if not 1 <= len(dims) <= 2:
        raise ParameterError(f"plot_sweep: {variable!r} has {len(dims)} dimensions {tuple(dims)}; plot one or two "
                             f"(select the others first, e.g. ds.isel({dims[-1] if dims else 'dim'}=0))")
    if x is not None:
        if x not in dims:
            raise ParameterError(f"plot_sweep: x must be one of the dimensions {tuple(dims)}; got {x!r}")
        dims.remove(x)
        dims.insert(0, x)
    if not np.issubdtype(da.dtype, np.number):
        raise ParameterError(f"plot_sweep: {variable!r} holds {da.dtype} values, not numbers (e.g. 'mode'); "
                             f"plot a numeric figure")
    if kind == "auto":
        kind = "line" if len(dims) == 1 else "map"
    if kind == "map" and len(dims) != 2:
        raise ParameterError(f"plot_sweep: a map needs two dimensions; {variable!r} has {tuple(dims)}")
    ax = _new_axes(ax, (6.4, 4.8))
    xs = np.asarray(ds[dims[0]].values, dtype=float)
    x_log = _spans_decades(xs) if log is None else log
    v_label = _label(variable, da.attrs)
    ax.set_xlabel(_label(dims[0], ds[dims[0]].attrs))
    if kind == "map":
        ys = np.asarray(ds[dims[1]].values, dtype=float)
        y_log = _spans_decades(ys) if log is None else log
        values = np.asarray(da.transpose(dims[1], dims[0]).values, dtype=float)
        mesh = ax.pcolormesh(_edges(xs, x_log), _edges(ys, y_log), np.ma.masked_invalid(values), cmap=cmap,
                             shading="flat")
        ax.figure.colorbar(mesh, ax=ax, label=v_label)
        ax.set_ylabel(_label(dims[1], ds[dims[1]].attrs))
        ax.set_yscale("log" if y_log else "linear")
        ax.thermocycles_dims = (dims[0], dims[1])
    else:
        if len(dims) == 1:
            ax.plot(xs, np.asarray(da.values, dtype=float), "-", lw=2, label=v_label)
        else:
            other = dims[1]
            o_attrs = ds[other].attrs
            unit = str(o_attrs.get("units", "")).strip()
            unit = "" if unit in ("", "1") or unit.startswith("natural") else f" {unit}"
            for value in ds[other].values:
                line = np.asarray(da.sel({other: value}).values, dtype=float)
                ax.plot(xs, line, "-", lw=1.5, label=f"{other} = {float(value):.3g}{unit}")
            ax.legend(fontsize="small", loc="best")
        ax.set_ylabel(v_label)
        ax.grid(True, alpha=0.3)
        ax.thermocycles_dims = (dims[0], None)
    ax.set_xscale("log" if x_log else "linear")
    return ax


def mark_optimum(ax: Any, result: Any, *, x: str | None = None, y: str | None = None, label: str | None = None,
                 color: str = "white") -> Any:
    """Mark an optimum on a sweep plot made by :func:`plot_sweep`.

    Parameters
    ----------
    ax : matplotlib Axes
        From :func:`plot_sweep` (its ``thermocycles_dims`` say which parameters the axes show).
    result : OptimizationResult or xarray.Dataset
        An optimiser's result: a star at its optimal variables (on a map; on a line plot at the
        optimal variable and the optimum). Or the Dataset of a sweep with an Optimizer as analysis:
        the per-point optimal variable ``x_<name>`` of the parameter on the other axis, drawn as a
        line against the swept parameter (on a line plot: the optimum against the swept parameter).
    x, y : str, optional
        The parameters on the horizontal and vertical axes (default: from the plot).
    label : str, optional
        Legend entry.
    color : str
        Face colour of the star (or colour of the line).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"f": (("a", "b"), np.arange(6.0).reshape(2, 3))},
    ...                 coords={"a": [0.0, 1.0], "b": [0.0, 1.0, 2.0]})
    >>> ax = mark_optimum(plot_sweep(ds, "f"), xr.Dataset({"x_b": ("a", [1.0, 1.5])}, coords={"a": [0.0, 1.0]}))
    >>> len(ax.get_lines())
    1
    """
    dims = getattr(ax, "thermocycles_dims", (None, None))
    x = x or dims[0]
    y = y if y is not None else dims[1]
    if x is None:
        raise ParameterError("mark_optimum: say which parameter the horizontal axis shows (x=...): the axes were "
                             "not made by plot_sweep")
    if hasattr(result, "data_vars"):
        return _mark_sweep_optimum(ax, result, x, y, label, color)
    variables = getattr(result, "x_natural", None) or getattr(result, "x", None)
    if not isinstance(variables, Mapping):
        raise ParameterError(f"mark_optimum: result must be an OptimizationResult or an xarray Dataset; got "
                             f"{type(result).__name__}")
    values = {k: float(getattr(v, "magnitude", v)) for k, v in result.x.items()}
    fun = getattr(result, "fun", None)
    fun_value = float(getattr(fun, "magnitude", fun)) if fun is not None else float("nan")
    objective = getattr(result, "objective", "optimum")
    text = label or f"optimum: {objective} = {fun_value:.4g}"
    if y is None:  # a line plot: the optimum against the optimal variable
        if x not in values:
            raise ParameterError(f"mark_optimum: the result's variables {tuple(values)} do not include {x!r}, "
                                 f"the parameter on the horizontal axis")
        ax.plot([values[x]], [fun_value], marker="*", ms=16, color=color, mec="black", ls="none", label=text,
                zorder=6)
    else:
        missing = [v for v in (x, y) if v not in values]
        if missing:
            raise ParameterError(f"mark_optimum: the result's variables {tuple(values)} do not include "
                                 f"{missing}, the parameters on the axes ({x!r}, {y!r})")
        ax.plot([values[x]], [values[y]], marker="*", ms=18, color=color, mec="black", ls="none", label=text,
                zorder=6)
    ax.legend(fontsize="small", loc="best")
    return ax


def _mark_sweep_optimum(ax: Any, ds: Any, x: str, y: str | None, label: str | None, color: str) -> Any:
    dims = list(ds.dims)
    if len(dims) != 1:
        raise ParameterError(f"mark_optimum: an Optimizer sweep to draw as a line has one swept dimension; this "
                             f"dataset has {tuple(dims)}")
    swept = dims[0]
    s = np.asarray(ds[swept].values, dtype=float)
    if y is None:  # line plot: the optimum against the swept parameter
        name = next((n for n in ("optimum", "fun") if n in ds.data_vars), None)
        if name is None or swept != x:
            raise ParameterError(f"mark_optimum: on a line plot of {x!r} the dataset needs the swept dimension "
                                 f"{x!r} and a variable 'optimum'; it has {tuple(ds.data_vars)} over {swept!r}")
        ax.plot(s, np.asarray(ds[name].values, dtype=float), "--", color="black", lw=1.5,
                label=label or "optimum", zorder=6)
    else:
        if swept == x and f"x_{y}" in ds.data_vars:
            xs, ys = s, np.asarray(ds[f"x_{y}"].values, dtype=float)
            text = label or f"optimal {y} at each {x}"
        elif swept == y and f"x_{x}" in ds.data_vars:
            xs, ys = np.asarray(ds[f"x_{x}"].values, dtype=float), s
            text = label or f"optimal {x} at each {y}"
        else:
            raise ParameterError(f"mark_optimum: the dataset sweeps {swept!r} with variables {tuple(ds.data_vars)}; "
                                 f"on a map of ({x!r}, {y!r}) it needs 'x_{y}' over {x!r} or 'x_{x}' over {y!r}")
        ax.plot(xs, ys, "-", color=color, lw=2.5, marker="*", ms=9, mec="black", label=text, zorder=6)
    ax.legend(fontsize="small", loc="best")
    return ax
