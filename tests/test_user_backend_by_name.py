"""A backend the user adds to ``thermocycles.extend.BACKEND_OBJECTS`` is accepted by name wherever
``backend=`` is (performance, the analyses, sweeps, stroke paths, the command line), not only
through ``"auto"``; an unknown name gets one short message listing the registered names; and a
sweep on worker processes that do not know the user's backend stops with a message saying so.

The user backend here is the populations backend under a new name that counts its evaluations, so
its results must equal the built-in generic path's to round-off.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing

import numpy as np
import pytest

import thermocycles as tc
from thermocycles import cli
from thermocycles.backends import PopulationBackend
from thermocycles.core.model import backend_names, check_backend
from thermocycles.core.trajectory import stroke_paths
from thermocycles.io import save
from thermocycles.sweeps.api import default_chunk_size

NATURAL = dict(T_c=1.0, T_h=2.0, gamma_c=1.0, gamma_h=1.0, w_a=1.0, w_b=3.0, tau_c=0.5, tau_h=0.5, tau_ch=0.1,
               tau_hc=0.1)


class Mine(PopulationBackend):
    """The populations backend under another name, counting the stroke-map builds."""

    name = "mine"
    calls = 0

    def maps(self, model, values, *, check=True):
        type(self).calls += 1
        return super().maps(model, values, check=check)


def register_mine() -> None:
    """Register the user backend (also the initializer of a spawned worker: module level)."""
    tc.extend.BACKEND_OBJECTS.setdefault("mine", Mine())


@pytest.fixture
def mine():
    before = dict(tc.extend.BACKEND_OBJECTS)
    register_mine()
    Mine.calls = 0
    try:
        yield tc.extend.BACKEND_OBJECTS["mine"]
    finally:
        tc.extend.BACKEND_OBJECTS.clear()
        tc.extend.BACKEND_OBJECTS.update(before)


@pytest.fixture
def fridge():
    return tc.quantum_otto_refrigerator(**NATURAL)


def test_performance_by_name(mine, fridge):
    perf = fridge.performance(backend="mine")
    reference = fridge.performance(method="linear_algebra", backend="populations")
    assert perf.backend == "mine" and perf.method == "linear_algebra" and Mine.calls == 1
    assert perf.q_c == pytest.approx(reference.q_c, rel=1e-13) and perf.work == pytest.approx(reference.work, rel=1e-13)
    assert [s.name for s in perf.strokes] == ["c", "ch", "h", "hc"]  # the ledger, from the user backend's corners
    # "auto" keeps its meaning: the closed form first, then the registry in order (the user backend last)
    assert fridge.performance().method == "closed_form"
    assert fridge.performance(method="linear_algebra").backend == "populations"
    assert fridge.performance(backend="populations").method == "closed_form"


def test_model_and_stroke_paths_by_name(mine, fridge):
    model = fridge.model
    assert model.choose_backend(model.defaults, "mine") is mine
    assert model.evaluate(backend="mine").backend == "mine"
    paths = stroke_paths(model, backend="mine", points=3)
    reference = stroke_paths(model, backend="populations", points=3)
    np.testing.assert_allclose(paths[0].energy, reference[0].energy, rtol=1e-13)
    assert "mine" in backend_names() and check_backend("mine") == "mine"


def test_closed_form_is_not_asked_for_another_backend(mine, fridge):
    with pytest.raises(tc.ParameterError, match=r"method='closed_form' with backend='mine': a closed form answers "
                                                r"only for backend='auto' or 'populations'"):
        fridge.performance(method="closed_form", backend="mine")


def test_irreversible_analysis_by_name(mine, fridge):
    own = tc.IrreversibleAnalysis(backend="mine").run(fridge)
    assert Mine.calls > 0
    builtin = tc.IrreversibleAnalysis(backend="populations").run(fridge)
    assert own.coupling == pytest.approx(builtin.coupling, rel=1e-9)
    assert own.tight_coupling and own.second_law


def test_low_dissipation_analysis_accepts_the_name(mine):
    analysis = tc.LowDissipationAnalysis(backend="mine", compare=False)
    assert analysis.backend == "mine"


def test_optimizer_by_name(mine, fridge):
    variables = {"tau_c": (1e-2, 10.0), "tau_h": (1e-2, 10.0)}
    own = tc.Optimizer(objective="chi", variables=variables, n_starts=8, backend="mine").run(fridge)
    assert Mine.calls > 0
    builtin = tc.Optimizer(objective="chi", variables=variables, n_starts=8).run(fridge)
    assert own.fun == pytest.approx(builtin.fun, rel=1e-9)


def test_sweep_by_name_serial(mine, fridge):
    pytest.importorskip("xarray")
    grid = {"w_b": np.linspace(2.5, 4.0, 4), "tau_c": [0.3, 0.6]}
    own = tc.sweep(fridge, grid, outputs=["chi", "cop"], backend="mine", progress=False)
    builtin = tc.sweep(fridge, grid, outputs=["chi", "cop"], method="linear_algebra", progress=False)
    assert own.attrs["backend"] == "mine" and Mine.calls > 0 and own.attrs["n_failed"] == 0
    np.testing.assert_allclose(own["chi"].values, builtin["chi"].values, rtol=1e-12)
    # the chunk size follows the backend's dimension (N = 2 here, as on populations)
    assert default_chunk_size(fridge, fridge.model.defaults, backend="mine") == \
        default_chunk_size(fridge, fridge.model.defaults, method="linear_algebra", backend="populations")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform")
def test_sweep_on_forked_workers_inherits_the_registration(mine, fridge):
    pytest.importorskip("xarray")
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        ds = tc.sweep(fridge, {"w_b": [2.5, 3.0, 3.5]}, outputs=["chi"], backend="mine", executor=pool,
                      chunk_size=1, progress=False)
    assert ds.attrs["n_failed"] == 0
    np.testing.assert_allclose(ds["chi"].values, [float(fridge.with_parameters(w_b=w).performance().chi)
                                                  for w in (2.5, 3.0, 3.5)], rtol=1e-12)


def test_sweep_on_spawned_workers_says_they_lack_the_backend(mine, fridge):
    pytest.importorskip("xarray")
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        with pytest.raises(tc.ParameterError, match=r"sweep backend 'mine' is not registered in this process "
                                                    r"\(pid \d+, running sweep tasks\).*initializer"):
            tc.sweep(fridge, {"w_b": [2.5, 3.0]}, outputs=["chi"], backend="mine", executor=pool, progress=False)
        # an analysis with the user's backend: the same, for the whole sweep (not NaN at every point)
        with pytest.raises(tc.ParameterError, match=r"IrreversibleAnalysis.backend 'mine' is not registered"):
            tc.sweep(fridge, {"w_b": [2.5, 3.0]}, analysis=tc.IrreversibleAnalysis(backend="mine"), executor=pool,
                     progress=False)
    # registered in every worker by the pool's initializer: it works
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=register_mine) as pool:
        ds = tc.sweep(fridge, {"w_b": [2.5, 3.0]}, outputs=["chi"], backend="mine", executor=pool, progress=False)
    assert ds.attrs["n_failed"] == 0
    assert float(ds["chi"][1]) == pytest.approx(float(fridge.performance().chi), rel=1e-12)


def test_cli_backend_by_name(mine, tmp_path, capsys):
    path = tmp_path / "fridge.toml"
    save(tc.quantum_otto_refrigerator(**NATURAL), path)
    assert cli.main(["evaluate", str(path), "--json", "--backend", "mine"]) == 0
    assert '"backend": "mine"' in capsys.readouterr().out
    assert cli.main(["evaluate", str(path), "--backend", "gpu"]) == 2
    err = capsys.readouterr().err
    assert "--backend must be one of 'auto', 'populations', 'density_matrix', 'mine'" in err and "got 'gpu'" in err
    Mine.calls = 0
    assert cli.main(["optimize", str(path), "--objective", "chi", "--vary", "tau_c=0.1:2", "--starts", "4",
                     "--json", "--backend", "mine"]) == 0
    assert Mine.calls > 0 and '"success": true' in capsys.readouterr().out
    assert cli.main(["optimize", str(path), "--objective", "chi", "--vary", "tau_c=0.1:2", "--backend", "gpu"]) == 2
    assert "--backend must be one of" in capsys.readouterr().err


# -- messages -----------------------------------------------------------------------------------

REGISTERED = r"must be one of 'auto', 'populations', 'density_matrix' \(\"auto\" or a name in " \
             r"thermocycles.extend.BACKEND_OBJECTS\); got "


@pytest.mark.parametrize("call, where", [
    (lambda cycle, b: cycle.performance(backend=b), r"Cycle.performance backend "),
    (lambda cycle, b: cycle.model.evaluate(backend=b), r"^backend "),
    (lambda cycle, b: tc.IrreversibleAnalysis(backend=b), r"IrreversibleAnalysis.backend "),
    (lambda cycle, b: tc.LowDissipationAnalysis(backend=b), r"LowDissipationAnalysis.backend "),
    (lambda cycle, b: tc.Optimizer(objective="chi", variables={"tau_c": (0.1, 1.0)}, backend=b),
     r"Optimizer.backend "),
    (lambda cycle, b: stroke_paths(cycle.model, backend=b), r"stroke_paths backend "),
    (lambda cycle, b: cycle.model.choose_backend(cycle.model.defaults, b), r"^backend "),
])
@pytest.mark.parametrize("given, shown", [("mine", "'mine'"), ("Populations", "'Populations'"), (None, "None"),
                                          (["populations"], r"\['populations'\]")])
def test_unknown_name_lists_the_registered_ones(fridge, call, where, given, shown):
    with pytest.raises(tc.ParameterError, match=where + REGISTERED + shown + "$"):
        call(fridge, given)


def test_sweep_unknown_name(fridge):
    pytest.importorskip("xarray")
    with pytest.raises(tc.ParameterError, match=r"sweep backend " + REGISTERED + "'gpu'$"):
        tc.sweep(fridge, {"w_b": [2.5, 3.0]}, backend="gpu", progress=False)


def test_message_lists_a_registered_user_backend_and_forgets_it_after(fridge):
    before = dict(tc.extend.BACKEND_OBJECTS)
    register_mine()
    try:
        with pytest.raises(tc.ParameterError, match=r"one of 'auto', 'populations', 'density_matrix', 'mine' "):
            fridge.performance(backend="gpu")
    finally:
        tc.extend.BACKEND_OBJECTS.clear()
        tc.extend.BACKEND_OBJECTS.update(before)
    with pytest.raises(tc.ParameterError, match=r"got 'mine'$"):
        fridge.performance(backend="mine")


def test_analysis_made_before_the_backend_was_unregistered(fridge):
    pytest.importorskip("xarray")
    before = dict(tc.extend.BACKEND_OBJECTS)
    register_mine()
    try:
        analysis = tc.IrreversibleAnalysis(backend="mine")
    finally:
        tc.extend.BACKEND_OBJECTS.clear()
        tc.extend.BACKEND_OBJECTS.update(before)
    with pytest.raises(tc.ParameterError, match=r"IrreversibleAnalysis.backend " + REGISTERED + "'mine'$"):
        tc.sweep(fridge, {"w_b": [2.5, 3.0]}, analysis=analysis, progress=False)


def test_backend_registered_under_another_name(fridge):
    before = dict(tc.extend.BACKEND_OBJECTS)
    tc.extend.BACKEND_OBJECTS["other"] = Mine()
    try:
        with pytest.raises(tc.ParameterError, match=r"BACKEND_OBJECTS\['other'\] is a Mine named 'mine': register a "
                                                    r"backend under its name"):
            fridge.performance(backend="other")
    finally:
        tc.extend.BACKEND_OBJECTS.clear()
        tc.extend.BACKEND_OBJECTS.update(before)
