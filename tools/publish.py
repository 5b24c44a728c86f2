"""Build and publish the edition: every language in parallel, then one atomic swap.

    python tools/publish.py html

Each edition (the Korean, the English, and the side-by-side ko-en view) builds
incrementally in build/work/<builder>/<edition> (its doctrees in
build/doctrees/<edition>). Only when every edition succeeded is the result copied
into a staging directory, completed with the language chooser, and renamed over
build/html; a failure leaves the last good site untouched and says what failed.

Speed (see docs-notes/bench.md): Sphinx is imported once and each edition's build is
a forked child of this process, so start-up is paid once, not once per edition; an
edition whose inputs (sources, its catalogs, extensions, settings, versions) did not
change since its last successful build is not rebuilt at all.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import html
import importlib
import multiprocessing
import os
import runpy
import shutil
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["ko", "en"]
SIDE_BY_SIDE = "-".join(LANGUAGES)
#: Each edition: its directory name and the sphinx-build overrides that make it.
EDITIONS = {lang: [f"language={lang}"] for lang in LANGUAGES} | {
    SIDE_BY_SIDE: [f"language={LANGUAGES[1]}", "bilingual_sidebyside=1"],
}
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}
SPHINXOPTS = os.environ.get("SPHINXOPTS", "-nW --keep-going").split()


class BuildError(Exception):
    """A step of the publication failed; the message says which and why."""


# -- Building the editions ----------------------------------------------------
#: Packages whose version is an input of every edition.
BUILD_PACKAGES = ("sphinx", "docutils", "myst-parser", "furo", "babel")


@dataclass(frozen=True)
class Built:
    """What one edition's sphinx-build said and how it ended."""

    returncode: int
    output: str


def sphinx_argv(builder: str, edition: str, build_dir: Path) -> list[str]:
    """The sphinx-build arguments of one edition, into its work directory."""
    outdir = build_dir / "work" / builder / edition
    doctrees = build_dir / "doctrees" / edition
    overrides = [arg for setting in EDITIONS[edition] for arg in ("-D", setting)]
    return [
        "-b", builder, *SPHINXOPTS, "-q", *overrides,
        "-c", str(ROOT), "-d", str(doctrees), str(ROOT / "source"), str(outdir),
    ]  # fmt: skip


def edition_inputs(builder: str, edition: str, build_dir: Path) -> str:
    """A digest of everything one edition's build reads: when it is unchanged, so is the output."""
    lang = dict(arg.split("=", 1) for arg in EDITIONS[edition])["language"]
    files = [ROOT / "conf.py", *(ROOT / "source").rglob("*"), *(ROOT / "bilingual").rglob("*")]
    files += (ROOT / "locale" / lang).rglob("*.po")
    digest = hashlib.sha256()
    for arg in [
        sys.version,
        *(metadata.version(p) for p in BUILD_PACKAGES),
        *sphinx_argv(builder, edition, build_dir),
    ]:
        digest.update(arg.encode() + b"\0")
    for path in sorted(files):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_stamp(builder: str, edition: str, build_dir: Path) -> Path:
    """Where the digest of an edition's last successful build is kept."""
    return build_dir / "work" / builder / f".{edition}.inputs"


def up_to_date(builder: str, edition: str, build_dir: Path, inputs: str) -> bool:
    """Whether the edition's output was built from exactly these inputs."""
    stamp = inputs_stamp(builder, edition, build_dir)
    outdir = build_dir / "work" / builder / edition
    return stamp.is_file() and (outdir / "index.html").is_file() and stamp.read_text() == inputs


#: Modules a build imports lazily (the Markdown parser, the theme's styles): preloaded too.
LAZY_MODULES = (
    "myst_parser.sphinx_ext.main", "myst_parser.sphinx_ext.directives", "myst_parser.sphinx_ext.myst_refs",
    "myst_parser.parsers.sphinx_", "myst_parser.parsers.mdit", "myst_parser.mdit_to_docutils.sphinx_",
    "markdown_it.main", "yaml", "docutils.core", "jinja2.ext", "sphinx_basic_ng", "sphinx.ext.mathjax",
    "a11y_pygments.a11y_light.style", "a11y_pygments.a11y_dark.style",
    "a11y_pygments.a11y_high_contrast_light.style", "a11y_pygments.a11y_high_contrast_dark.style",
)  # fmt: skip


def preload_sphinx() -> None:
    """Import Sphinx, its builders, the theme and the project's extensions once, before forking."""
    from sphinx.application import builtin_extensions

    conf = runpy.run_path(str(ROOT / "conf.py"))
    for name in [*builtin_extensions, *conf.get("extensions", []), conf.get("html_theme", "alabaster")]:
        importlib.import_module(name)
    for name in LAZY_MODULES:
        with contextlib.suppress(ImportError):  # only an optimisation
            importlib.import_module(name)


def run_sphinx(argv: list[str], log: str) -> None:
    """In a forked child: run sphinx-build with its output going to *log*, exit with its status."""
    with open(log, "w") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    from sphinx.cmd.build import build_main

    sys.exit(build_main(argv))


def build_editions(builder: str, editions: list[str], build_dir: Path) -> dict[str, Path]:
    """Build the editions at once (one forked process each) and return their output directories."""
    inputs = {edition: edition_inputs(builder, edition, build_dir) for edition in editions}
    stale = [edition for edition in editions if not up_to_date(builder, edition, build_dir, inputs[edition])]
    results: dict[str, Built] = {}
    if stale:
        preload_sphinx()
        fork = multiprocessing.get_context("fork")
        with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
            children = {}
            for edition in stale:
                log = str(Path(tmp) / f"{edition}.log")
                args = (sphinx_argv(builder, edition, build_dir), log)
                children[edition] = (fork.Process(target=run_sphinx, args=args), log)
                children[edition][0].start()
            for edition, (child, log) in children.items():
                child.join()
                output = Path(log).read_text(errors="replace")
                if child.exitcode and not output.strip():
                    output = f"{edition}: sphinx-build ended with status {child.exitcode} and no message"
                results[edition] = Built(child.exitcode, output)
    failed = []
    for edition, result in results.items():
        output = result.output.strip()
        if output:
            print(output, file=sys.stderr)
        stamp = inputs_stamp(builder, edition, build_dir)
        if result.returncode == 0:
            stamp.write_text(inputs[edition])
            continue
        failed.append(edition)
        stamp.unlink(missing_ok=True)
        # A failed build may leave an environment that would hide its warnings next
        # time (unchanged documents are not re-read): start that edition afresh.
        shutil.rmtree(build_dir / "doctrees" / edition, ignore_errors=True)
    if failed:
        raise BuildError(
            f"sphinx-build -b {builder} failed for: {', '.join(failed)} (see the warnings above)"
        )
    return {edition: build_dir / "work" / builder / edition for edition in editions}


def page_title(index_html: Path) -> str:
    """The heading of a built landing page."""
    soup = BeautifulSoup(index_html.read_text(encoding="utf-8"), "lxml")
    heading = soup.select_one("article h1")
    if heading is None:
        raise BuildError(f"{index_html}: no <h1> in the landing page")
    for link in heading.select("a.headerlink"):
        link.decompose()
    return heading.get_text().strip()


def chooser_html(titles: dict[str, str]) -> str:
    """The site's front door: follows the browser's language, and works without JavaScript."""
    source = LANGUAGES[0]
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{lang}" href="{lang}/index.html">' for lang in LANGUAGES
    )
    choices = "\n".join(
        f'<li lang="{lang}"><a href="{lang}/index.html" hreflang="{lang}">'
        f"<strong>{LANGUAGE_NAMES[lang]}</strong><span>{html.escape(titles[lang])}</span></a></li>"
        for lang in LANGUAGES
    )
    known = ", ".join(f'"{lang}"' for lang in LANGUAGES)
    title = " · ".join(html.escape(titles[lang]) for lang in LANGUAGES)
    return f"""<!doctype html>
<html lang="{source}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
{alternates}
<link rel="alternate" hreflang="x-default" href="index.html">
<script>
(function () {{
  var known = [{known}];
  var wanted = navigator.languages || [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {{
    var lang = String(wanted[i]).toLowerCase().split("-")[0];
    if (known.indexOf(lang) !== -1) {{
      window.location.replace(lang + "/index.html" + window.location.hash);
      return;
    }}
  }}
}})();
</script>
<style>
body {{ font-family: system-ui, "Apple SD Gothic Neo", "Noto Sans KR", "Noto Sans CJK KR", sans-serif;
  max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.6; }}
:lang(ko) {{ word-break: keep-all; overflow-wrap: anywhere; }}
ul {{ list-style: none; padding: 0; }}
li a {{ display: block; padding: 1rem; margin: 0 0 1rem; border: 1px solid #888; border-radius: 0.5rem;
  text-decoration: none; color: inherit; }}
li a:hover, li a:focus {{ border-color: currentColor; }}
li span {{ display: block; }}
</style>
</head>
<body>
<main>
<h1><span lang="ko">언어 선택</span> · <span lang="en">Choose a language</span></h1>
<ul>
{choices}
</ul>
</main>
</body>
</html>
"""


def publish(staging: Path, target: Path) -> None:
    """Replace *target* by *staging* with renames, so a reader never sees a half-built site."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def stage_html(outputs: dict[str, Path], build_dir: Path) -> Path:
    """Copy each language's output into a fresh staging directory and add the chooser."""
    staging = build_dir / ".html.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for edition, outdir in outputs.items():
        shutil.copytree(outdir, staging / edition, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    titles = {lang: page_title(staging / lang / "index.html") for lang in LANGUAGES}
    (staging / "index.html").write_text(chooser_html(titles), encoding="utf-8")
    return staging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["html"])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    try:
        outputs = build_editions("html", list(EDITIONS), build_dir)
        publish(stage_html(outputs, build_dir), build_dir / "html")
    except BuildError as error:
        print(f"publish: {error}; build/{args.target} was left as it was.", file=sys.stderr)
        return 1
    print(f"publish: {build_dir / 'html' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
