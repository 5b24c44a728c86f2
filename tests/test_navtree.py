"""The sidebar navigation computed once per build is the one furo computes for each page."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PAGES = {
    "navtree": ["index", "first", "part/second", "part/tenth", "part/third"],
    "navtree-nested": ["index", "outer", "inner"],
}


def sidebar_trees(app: SphinxTestApp, pages: list[str]) -> dict[str, str]:
    """The sidebar navigation of each page, as written."""
    trees = {}
    for name in pages:
        soup = BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "lxml")
        trees[name] = str(soup.select_one("div.sidebar-tree"))
    return trees


@pytest.mark.parametrize(("root", "cached"), [("navtree", True), ("navtree-nested", False)])
def test_navigation_is_identical_to_furos_on_every_page(
    make_app, rootdir, tmp_path, root: str, cached: bool
) -> None:
    trees = {}
    for variant, overrides in [("ours", {}), ("furo", {"extensions": ["myst_parser"]})]:
        srcdir = tmp_path / variant
        shutil.copytree(rootdir / f"test-{root}", srcdir)
        app = make_app("html", srcdir=srcdir, confoverrides=overrides)
        app.build()
        trees[variant] = sidebar_trees(app, PAGES[root])
        if variant == "ours":
            used = app.builder._bilingual_navigation["root"] is not None
    assert used is cached
    assert trees["ours"] == trees["furo"]
    assert "current-page" in trees["ours"][PAGES[root][1]]
    assert "current-page" not in trees["ours"]["index"]
