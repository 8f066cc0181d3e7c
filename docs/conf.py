"""Sphinx configuration of the thermocycles documentation (built strictly by ``docs/build``)."""

from __future__ import annotations

import importlib.metadata

from sphinx.util import logging

project = "thermocycles"
author = "the thermocycles developers"
copyright = "2026, the thermocycles developers"
release = importlib.metadata.version("thermocycles")
version = release

extensions = [
    "myst_nb",  # MyST Markdown, and pages that are notebooks executed at build time
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "gallery/*.ipynb", "run_page.py", "build"]

# -- MyST and executed pages --------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"  # every code cell runs at every build
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True
nb_execution_timeout = 900
nb_execution_in_temp = True  # files a cell writes do not land in docs/
nb_merge_streams = True

# -- API reference ------------------------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"  # types are in the numpydoc Parameters sections
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
numpydoc_validation_checks = {"PR02"}  # a documented parameter the signature lacks (often a mis-parsed paragraph)
numpydoc_validation_exclude = {r"^thermocycles\.register_type$"}  # typing.overload hides its real signature

# Broken references to thermocycles' own names fail the build; names of other projects (numpy,
# pint, attrs, ...) are not looked up (the build machine has no network for intersphinx).
nitpicky = True
nitpick_ignore_regex = [(r"py:.*", r"(?!thermocycles\b).*")]

# -- Gallery of examples/ -----------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "gallery",
    "filename_pattern": r".*\.py",  # run every example, not only plot_*.py
    "plot_gallery": "True",
    "only_warn_on_example_error": False,  # a failing example fails the build
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
}

# -- HTML ---------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"thermocycles {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_depth": 3,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_static_path = ["_static"]
html_css_files = ["thermocycles.css"]
html_show_sourcelink = True

# Users write tc.laws.tanh_law and tc.objectives.Objective: the names live in thermocycles.spec.laws and
# thermocycles.analysis.objectives, and references to the short names resolve to them.
_ALIASES = {"thermocycles.laws.": "thermocycles.spec.laws.",
            "thermocycles.objectives.": "thermocycles.analysis.objectives.",
            "thermocycles.sweeps.sweep.": "thermocycles.sweep."}


def _resolve_alias(app, env, node, contnode):
    target = node.get("reftarget", "")
    for short, full in _ALIASES.items():
        if node.get("refdomain") == "py" and (target + ".").startswith(short):
            domain = env.get_domain("py")
            node["reftarget"] = (full + target[len(short):]).rstrip(".")
            return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], node["reftarget"],
                                       node, contnode)
    return None


def _require_docstring(app, what, name, obj, options, lines):
    """Every public name the reference documents has a docstring (its own or its base class's)."""
    if name.startswith("thermocycles.") and not any(line.strip() for line in lines):
        logging.getLogger(__name__).warning(f"{name} has no docstring (the API reference documents it)")


def setup(app):
    app.connect("missing-reference", _resolve_alias)
    app.connect("autodoc-process-docstring", _require_docstring)
