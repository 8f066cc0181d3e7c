"""Run the code cells of one MyST notebook page of the docs and print their outputs.

A quick check while writing a page, without building the whole site::

    python docs/run_page.py docs/tutorials/first_cycle.md

It executes the page in a fresh Jupyter kernel (as the site's build does), prints each cell's text
output (figures as ``[figure]``) and exits with 1 at the first cell that raises. The build itself
(``docs/build``) is what CI runs; this script is only a writer's tool.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

import nbclient
from myst_nb.core.read import read_myst_markdown_notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=pathlib.Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    status = 0
    for page in args.pages:
        notebook = read_myst_markdown_notebook(page.read_text())
        print(f"== {page}")
        with tempfile.TemporaryDirectory() as where:  # as the build: files a cell writes land there
            client = nbclient.NotebookClient(notebook, timeout=args.timeout, kernel_name="python3",
                                             resources={"metadata": {"path": where}})
            try:
                client.execute()
            except nbclient.exceptions.CellExecutionError as error:
                print(error, file=sys.stderr)
                status = 1
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                if output.output_type == "stream":
                    print(output.text, end="")
                elif "data" in output:
                    data = output["data"]
                    print("[figure]" if "image/png" in data else data.get("text/plain", ""))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
