"""Each speed-up changes no output byte, and switches itself off where it was not verified."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from bilingual import speedups
from bilingual.speedups import navtree

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: Test roots the speed-ups are compared on, with the languages each is built in: a
#: translated root (messages, a glossary, a fuzzy entry, code, a table, an `only` block),
#: and furo navigations flat with pages in a subdirectory, and nested (which navtree
#: leaves to furo).
ROOTS = [("speedups", "ko"), ("speedups", "en"), ("navtree", "ko"), ("navtree-nested", "ko")]
THEME = {"html_theme": "furo", "extensions": ["myst_parser", "bilingual.speedups"]}


def build(
    make_app, rootdir: Path, tmp_path: Path, root: str, language: str, names: list[str]
) -> SphinxTestApp:
    """A build of a test root in *language* with the speed-ups *names* on (and its status log)."""
    srcdir = tmp_path / f"{root}-{language}-{'-'.join(names) or 'none'}"
    shutil.copytree(rootdir / f"test-{root}", srcdir)
    overrides = {**THEME, "language": language, "bilingual_speedups": names}
    app = make_app("html", srcdir=srcdir, confoverrides=overrides)
    app.build()
    return app


def output(app: SphinxTestApp) -> dict[str, bytes]:
    """Every file of the build's output that a reader gets."""
    return {
        path.relative_to(app.outdir).as_posix(): path.read_bytes()
        for path in sorted(app.outdir.rglob("*"))
        if path.is_file() and ".doctrees" not in path.parts and path.name != ".buildinfo"
    }


@pytest.mark.parametrize(("root", "language"), ROOTS)
@pytest.mark.parametrize("name", [*speedups.NAMES, "all"])
def test_speedup_output_is_byte_identical_to_plain_sphinx(
    make_app, rootdir, tmp_path, root, language, name
) -> None:
    on = list(speedups.NAMES) if name == "all" else [name]
    fast = build(make_app, rootdir, tmp_path, root, language, on)
    assert set(on) == speedups.ACTIVE
    plain = build(make_app, rootdir, tmp_path, root, language, [])
    assert set() == speedups.ACTIVE
    assert not speedups.ORIGINALS, "switched off, every replaced attribute is back"
    assert output(fast) == output(plain)
    assert any(name.endswith(".html") for name in output(plain))


def test_navtree_takes_the_navigation_from_the_flat_tree_and_leaves_a_nested_one_to_furo(
    make_app, rootdir, tmp_path
) -> None:
    flat = build(make_app, rootdir, tmp_path, "navtree", "ko", ["navtree"])
    assert navtree.TREES[flat.builder][""] is not None
    assert "part" in navtree.TREES[flat.builder], "a page in a subdirectory got its own relative links"
    nested = build(make_app, rootdir, tmp_path, "navtree-nested", "ko", ["navtree"])
    assert navtree.TREES[nested.builder][""] is None


def test_a_speedup_not_verified_on_the_installed_version_is_off_with_one_log_line(
    make_app, rootdir, tmp_path, monkeypatch
) -> None:
    monkeypatch.setitem(navtree.VERIFIED, "furo", "1999.1.1")
    app = build(make_app, rootdir, tmp_path, "navtree", "ko", list(speedups.NAMES))
    lines = [line for line in app.status.getvalue().splitlines() if "bilingual.speedups" in line]
    assert len(lines) == 1 and "navtree is off: furo" in lines[0] and "(verified on 1999.1.1)" in lines[0]
    assert "navtree" not in speedups.ACTIVE and set(speedups.NAMES) - {"navtree"} == speedups.ACTIVE
    assert not app.warning.getvalue()


def test_translated_doctrees_do_not_carry_the_build_environment(make_app, rootdir, tmp_path) -> None:
    pickled = {}
    for names in (["doctrees"], []):
        app = build(make_app, rootdir, tmp_path, "speedups", "en", names)
        pickled[bool(names)] = (app.doctreedir / "index.doctree").read_bytes()
    assert b"BuildEnvironment" in pickled[False], "the Sphinx behaviour this speed-up works around"
    assert b"BuildEnvironment" not in pickled[True]
    assert len(pickled[True]) < len(pickled[False]) / 2
