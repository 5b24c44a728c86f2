"""Build and publish the edition: every language in parallel, then one atomic swap.

    python tools/publish.py html|pdf|epub|all|dist

Each edition (the Korean, the English, and for the PDF the side-by-side ko-en one)
builds incrementally in build/work/<builder>/<edition>; for the site, the English build
also writes the side-by-side view. The catalog gate runs beside the builds. Only when the
gate and every edition succeeded is the result staged in a fresh directory (copied, or
linked from the published site where a file is unchanged), completed (language chooser,
sitemap, downloads), and renamed over build/html (build/epub, …); a
failure leaves the last good output untouched and says what failed. One publisher at a
time holds a build directory (a second waits for it). Builds are
reproducible: every subprocess gets SOURCE_DATE_EPOCH (the last commit's time unless
set), and `dist` packs the site into a tar.gz whose bytes depend only on the files.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

#: When the interpreter started, near enough: its CPU time so far is start-up and imports.
STARTED = time.perf_counter() - time.process_time()
#: What that start-up is called in ``--timings``.
STARTUP = "start-up of publish.py (Python, its imports)"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if __name__ == "__main__":  # before importing anything more: a resident publisher may run it all
    from tools import resident

    resident.hand_over(sys.argv[1:], STARTED)

import argparse
import contextlib
import fcntl
import functools
import gc
import gzip
import hashlib
import html
import importlib
import io
import multiprocessing
import multiprocessing.connection
import re
import runpy
import shutil
import signal
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from bilingual import fresh_pages
from tools.resident import installed_distributions, signals_held

if TYPE_CHECKING:
    from tools.pocheck import Project

LANGUAGES = ["ko", "en"]
SIDE_BY_SIDE = "-".join(LANGUAGES)
#: Each edition: its directory name and the sphinx-build overrides that make it.
EDITIONS = {lang: [f"language={lang}"] for lang in LANGUAGES} | {
    SIDE_BY_SIDE: [f"language={LANGUAGES[1]}", "bilingual_sidebyside=1"],
}
#: Editions written by another edition's build rather than by one of their own: the English
#: HTML build also writes the side-by-side view from its doctrees (bilingual/sidebyside_writer.py).
WRITTEN_BY = {("html", LANGUAGES[1]): SIDE_BY_SIDE}
#: Where the language chooser sends a reader: the column itself, in their language.
ENTRY_PAGE = "column.html"
#: SOURCE_DATE_EPOCH outside a git checkout: the column's publication date, 2018-01-09.
FALLBACK_SOURCE_DATE_EPOCH = "1515456000"
#: Builders whose output the site offers for download, built before the HTML.
DOWNLOAD_BUILDERS = ["pdf", "epub"]
#: What `all` publishes, in order: the downloads first, so that the site links them.
ALL_TARGETS = [*DOWNLOAD_BUILDERS, "html"]
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


class BuildError(Exception):
    """A step of the publication failed; the message says which and why."""


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH if set, else the last commit's time, else a fixed date."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return epoch
    result = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=False
    )
    return (
        result.stdout.strip()
        if result.returncode == 0 and result.stdout.strip()
        else FALLBACK_SOURCE_DATE_EPOCH
    )


@functools.cache
def conf() -> dict[str, Any]:
    """The settings of the project's conf.py, read once per run."""
    return runpy.run_path(str(ROOT / "conf.py"))


def conf_value(name: str) -> str:
    """A setting of the project's conf.py (the site's base URL, the edition's file name)."""
    return conf()[name]


def set_build_environment() -> None:
    """SOURCE_DATE_EPOCH for every build (the last commit's time unless set)."""
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch()
    os.environ.setdefault("FORCE_SOURCE_DATE", "1")  # TeX honours SOURCE_DATE_EPOCH only with this


# -- Building the editions ----------------------------------------------------
@dataclass(frozen=True)
class Built:
    """What one edition's sphinx-build said and how it ended."""

    returncode: int
    output: str


def doctrees_dir(builder: str, edition: str, build_dir: Path) -> Path:
    """An edition's doctrees: per builder too, since builders resolve references differently
    and `make -j all` must never share one."""
    return (
        build_dir / "doctrees" / edition if builder == "html" else build_dir / "doctrees" / builder / edition
    )


def sphinx_options() -> list[str]:
    """SPHINXOPTS, as `make` exports it (read when a build starts: a resident publisher
    imported this module before the caller's environment was known)."""
    return os.environ.get("SPHINXOPTS", "-nW --keep-going").split()


def sphinx_argv(builder: str, edition: str, build_dir: Path, options: list[str]) -> list[str]:
    """The sphinx-build arguments of one edition, into its work directory."""
    outdir = build_dir / "work" / builder / edition
    overrides = [arg for setting in EDITIONS[edition] for arg in ("-D", setting)]
    if builder == "html":  # (each page written as a new file, for staging to link)
        overrides += ["-D", "bilingual_fresh_pages=1"]
    if (builder, edition) in WRITTEN_BY:
        view = build_dir / "work" / builder / WRITTEN_BY[builder, edition]
        overrides += [
            "-D",
            f"bilingual_sidebyside_outdir={view}",
            "-D",
            "bilingual_sidebyside_merged_search=1",
        ]
    return [
        "-b", builder, *sphinx_options(), "-q", *overrides, *options,
        "-c", str(ROOT), "-d", str(doctrees_dir(builder, edition, build_dir)),
        str(ROOT / "source"), str(outdir),
    ]  # fmt: skip


def edition_inputs(builder: str, edition: str, build_dir: Path, options: list[str]) -> str:
    """A digest of everything one edition's build reads: when it is unchanged, so is the output."""
    lang = dict(arg.split("=", 1) for arg in EDITIONS[edition])["language"]
    files = [ROOT / "conf.py", *(ROOT / "source").rglob("*"), *(ROOT / "bilingual").rglob("*")]
    files += (ROOT / "locale" / lang).rglob("*.po")
    digest = hashlib.sha256()
    for arg in [
        sys.version,
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        os.environ.get("EDITION_BASEURL", ""),
        *installed_distributions(),
        *sphinx_argv(builder, edition, build_dir, options),
    ]:
        digest.update(arg.encode() + b"\0")
    for path in sorted(files):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_stamp(builder: str, edition: str, build_dir: Path) -> Path:
    """Where the digest of an edition's last successful build is kept."""
    return build_dir / "work" / builder / f".{edition}.inputs"


def written(builder: str, edition: str) -> list[str]:
    """The editions one edition's build writes: itself, and the view it also writes."""
    return [edition, *([WRITTEN_BY[builder, edition]] if (builder, edition) in WRITTEN_BY else [])]


def up_to_date(builder: str, edition: str, build_dir: Path, inputs: str) -> bool:
    """Whether the edition's output was built from exactly these inputs."""
    stamp = inputs_stamp(builder, edition, build_dir)
    outdirs = [build_dir / "work" / builder / name for name in written(builder, edition)]
    return (
        stamp.is_file()
        and all(outdir.is_dir() and any(outdir.iterdir()) for outdir in outdirs)
        and stamp.read_text() == inputs
    )


#: Modules a build imports lazily (the Markdown parser, the theme's styles): preloaded too.
LAZY_MODULES = (
    "myst_parser.sphinx_ext.main", "myst_parser.sphinx_ext.directives", "myst_parser.sphinx_ext.myst_refs",
    "myst_parser.parsers.sphinx_", "myst_parser.parsers.mdit", "myst_parser.mdit_to_docutils.sphinx_",
    "markdown_it.main", "yaml", "docutils.core", "jinja2.ext", "sphinx_basic_ng", "sphinx.ext.mathjax",
    "a11y_pygments.a11y_light.style", "a11y_pygments.a11y_dark.style",
    "a11y_pygments.a11y_high_contrast_light.style", "a11y_pygments.a11y_high_contrast_dark.style",
)  # fmt: skip


#: The garbage collector's thresholds in the builds. A doctree is full of reference cycles
#: (every node points to its parent), so with Python's default (700, 10, 10) a 500-page
#: English build ran 17 full collections over an ever larger heap: 30.5 s. With these,
#: 25.5 s, for 3% more peak memory (README.md, "Performance").
GC_THRESHOLDS = (50_000, 10, 10)


def preload_sphinx() -> None:
    """Import Sphinx, its builders, the theme and the project's extensions once, before forking.

    The cyclic garbage collector is off while importing (modules are not garbage), and what
    was imported is then frozen: no collection in a build walks those objects again, and
    the forked builds keep sharing their pages of memory. The builds then collect less
    often (GC_THRESHOLDS).
    """
    from sphinx.application import builtin_extensions

    gc.disable()
    try:
        settings = conf()
        for name in [
            *builtin_extensions,
            *settings.get("extensions", []),
            settings.get("html_theme", "alabaster"),
        ]:
            importlib.import_module(name)
        for name in LAZY_MODULES:
            with contextlib.suppress(ImportError):  # only an optimisation
                importlib.import_module(name)
    finally:
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        gc.enable()


def preload_everything() -> None:
    """What a resident process (``make watch``, the resident publisher) imports before its
    first command: Sphinx and the extensions, and the catalog gate's checks (the gate runs
    in a fork of the command's process too)."""
    preload_sphinx()
    from tools.pocheck import content_checks

    content_checks()
    gc.freeze()


def run_sphinx(argv: list[str], log: str, parses: str = "") -> None:
    """In a forked child: run sphinx-build with its output going to *log*, exit with its status.

    With *parses*, the editions share their parses of the pages in that directory
    (`bilingual.shared_parse`)."""
    if parses:
        os.environ["BILINGUAL_SHARED_PARSE"] = parses
    with open(log, "w") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    from sphinx.cmd.build import build_main

    freeze_as_building()
    sys.exit(build_main(argv))


#: A document read leaves at least this many new objects to the collector before they are
#: collected young and frozen (`freeze_as_building`): about two pages' worth.
READ_FREEZE_FROM = 5_000


def freeze_as_building() -> None:
    """Make this process's build collect its young objects and freeze the survivors as it goes.

    A build keeps every doctree it reads until it writes it (Sphinx's doctree cache), and
    those are full of reference cycles; the collector walked them again and again while
    they lived: about 2.3 s of a cold 500-page publication's CPU, in all its processes. After
    a document is read (once the objects not yet collected number ``READ_FREEZE_FROM``),
    after the reading (when writing starts) and after each page is written, one young
    collection frees that work's garbage and ``gc.freeze`` (a few pointer moves) puts what
    survived out of the collector's reach: each object is walked about once. A
    collection then never finds many young objects, and the processes that the English
    build forks to write the view (bilingual.sidebyside_writer) keep sharing their pages
    of memory instead of copying those the collector touched. What is frozen and dies
    later stays allocated until the build's process ends (the last role's state, a
    document's parser: about 20 MB at 500 pages), which is why a document's reading does
    not always freeze. Only in the builds this module runs, each a process that ends with
    its build: the plain baseline keeps Python's defaults.
    """
    from sphinx import builders

    def collect_and_freeze() -> None:
        gc.collect(0)
        gc.freeze()

    read_doc = builders.Builder.read_doc

    def read_doc_frozen(self: builders.Builder, *args: Any, **kwargs: Any) -> None:
        read_doc(self, *args, **kwargs)
        if gc.get_count()[0] >= READ_FREEZE_FROM:
            collect_and_freeze()

    write = builders.Builder.write

    def write_frozen(self: builders.Builder, *args: Any, **kwargs: Any) -> None:
        collect_and_freeze()
        write(self, *args, **kwargs)

    write_docname = builders._write_docname  # (how Sphinx writes each page, one process writing)

    def write_docname_frozen(*args: Any, **kwargs: Any) -> None:
        write_docname(*args, **kwargs)
        collect_and_freeze()

    builders.Builder.read_doc = read_doc_frozen  # type: ignore[method-assign]
    builders.Builder.write = write_frozen  # type: ignore[method-assign]
    builders._write_docname = write_docname_frozen


def build_editions(
    builder: str, editions: list[str], build_dir: Path, options: list[str] | None = None
) -> dict[str, Path]:
    """Build the editions at once (one forked process each) and return their output directories.

    Sphinx is imported once and each edition is a forked child of this process, so start-up
    is paid once; an edition whose inputs did not change since its last successful build is
    not rebuilt at all.
    """
    options = options or []
    inputs = {edition: edition_inputs(builder, edition, build_dir, options) for edition in editions}
    stale = [edition for edition in editions if not up_to_date(builder, edition, build_dir, inputs[edition])]
    results: dict[str, Built] = {}
    for edition in stale:  # (each lists the pages it writes afresh: bilingual/fresh_pages.py)
        for name in written(builder, edition):
            (build_dir / "work" / builder / name / fresh_pages.MANIFEST).unlink(missing_ok=True)
        # The stamp is written when a build succeeds, and a failed build's environment is
        # removed: an environment without a stamp is that of a build stopped before it
        # ended (Ctrl-C, a killed process), or whose output is gone. Stopped after it saved
        # its environment but before it wrote the search index (or the view, or anything
        # else it writes at the end), it says every page is written: the next build would
        # write nothing and keep an old index, or fail without one. That edition is built
        # afresh; and the stamp goes now, since the output will no longer be what it says.
        stamp = inputs_stamp(builder, edition, build_dir)
        doctrees = doctrees_dir(builder, edition, build_dir)
        if not stamp.is_file() and doctrees.exists():
            print(
                f"publish: the last {builder} build of {edition} did not finish: building it afresh",
                file=sys.stderr,
            )
            shutil.rmtree(doctrees, ignore_errors=True)
        stamp.unlink(missing_ok=True)
    if stale:
        with timed("importing Sphinx and the extensions, once before forking"):
            preload_sphinx()
        fork = multiprocessing.get_context("fork")
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
            children = {}
            # Built together, the source language's build stores its parse of each page
            # for the others.
            parses = ""
            if len(stale) > 1:
                parses = str(Path(tmp) / "parses")
                os.mkdir(parses)
            for edition in stale:
                log = str(Path(tmp) / f"{edition}.log")
                args = (sphinx_argv(builder, edition, build_dir, options), log, parses)
                children[edition] = (fork.Process(target=run_sphinx, args=args), log)
                children[edition][0].start()
            pending = {child.sentinel: edition for edition, (child, _) in children.items()}
            while pending:  # note when each edition ends (publish.py --timings)
                for sentinel in multiprocessing.connection.wait(list(pending)):
                    TIMINGS.append(
                        (f"{builder} {pending.pop(sentinel)} (sphinx-build)", time.perf_counter() - start)
                    )
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
        shutil.rmtree(doctrees_dir(builder, edition, build_dir), ignore_errors=True)
    if failed:
        raise BuildError(
            f"sphinx-build -b {builder} failed for: {', '.join(failed)} (see the warnings above)"
        )
    return {
        name: build_dir / "work" / builder / name
        for edition in editions
        for name in written(builder, edition)
    }


def page_title(page: Path) -> str:
    """The heading of a built page."""
    import lxml.html  # (lighter than bs4 with soupsieve, whose selectors compile on first use)

    headings = lxml.html.fromstring(page.read_bytes()).xpath("//article//h1")
    if not headings:
        raise BuildError(f"{page}: no <h1>")
    for link in headings[0].xpath(".//a[contains(concat(' ', @class, ' '), ' headerlink ')]"):
        link.drop_tree()
    return headings[0].text_content().strip()


def chooser_html(titles: dict[str, str]) -> str:
    """The site's front door: follows the browser's language, and works without JavaScript."""
    from bilingual.switcher import LANGUAGE_NAMES  # the switcher's names, in each language

    source = LANGUAGES[0]
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{lang}" href="{lang}/index.html">' for lang in LANGUAGES
    )
    choices = "\n".join(
        f'<li lang="{lang}"><a href="{lang}/{ENTRY_PAGE}" hreflang="{lang}">'
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
<link rel="icon" href="{source}/_static/favicon.svg">
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
      window.location.replace(lang + "/{ENTRY_PAGE}" + window.location.hash);
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


#: Set by Ctrl-C, which also raises KeyboardInterrupt as usual (`interruptible`). Python
#: prints and drops a KeyboardInterrupt raised inside an at-fork handler or a finalizer
#: (``os.fork``'s own, multiprocessing's), and the command went on and published (a test
#: of the resident publisher caught it: the command ended with status 0). Every swap
#: looks at the flag first.
INTERRUPTED = threading.Event()


def on_interrupt(signum: int, frame: object) -> None:
    INTERRUPTED.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt and sets `INTERRUPTED`, in the block (main thread)."""
    INTERRUPTED.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        INTERRUPTED.clear()


def publish(staging: Path, target: Path) -> None:
    """Replace *target* by *staging* with renames, so a reader never sees a half-built site.

    Nothing built from the catalogs is swapped in before the catalog gate has passed, and
    nothing after a Ctrl-C, even one that Python dropped (`INTERRUPTED`).
    """
    if Gate.active is not None:
        try:
            Gate.active.wait()
        except GateFailed:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    if INTERRUPTED.is_set():
        shutil.rmtree(staging, ignore_errors=True)
        raise KeyboardInterrupt
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    with signals_held():  # (between the two renames there is no site at all)
        if target.exists():
            target.rename(old)
        staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def published_downloads(build_dir: Path) -> dict[str, list[Path]]:
    """The download files already published (build/epub, …), by builder."""
    found = {builder: sorted((build_dir / builder).glob("*-*.*")) for builder in DOWNLOAD_BUILDERS}
    return {builder: files for builder, files in found.items() if files}


def combined_sitemap(staging: Path) -> bytes:
    """One sitemap.xml for the whole site from each language's, sorted, with hreflang alternates."""
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    urls = []
    for lang in LANGUAGES:
        sitemap = staging / lang / "sitemap.xml"
        if not sitemap.exists():
            raise BuildError(f"{sitemap}: sphinx-sitemap wrote no sitemap (is html_baseurl set?)")
        urls += ElementTree.parse(sitemap).getroot().findall(f"{{{SITEMAP_NS}}}url")
        sitemap.unlink()
    # The side-by-side view is not listed: its pages name the English ones as canonical.
    (staging / SIDE_BY_SIDE / "sitemap.xml").unlink(missing_ok=True)
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    root.extend(sorted(urls, key=lambda url: url.findtext(f"{{{SITEMAP_NS}}}loc")))
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def robots_txt(sitemap_url: str) -> str:
    """Let every crawler in and tell it where the sitemap is."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


#: A file written less than this long before the builds began may have been written by them
#: (file systems that keep times to the second or two): it is always copied.
TIME_RESOLUTION_NS = 2_000_000_000


def link_or_copy(
    outdir: Path, published: Path, before_ns: int, fresh: set[str], source: str, target: str
) -> None:
    """Stage *source* (a file under *outdir*) as *target*: a hard link to the published file
    it is, or to itself if it is a page written as a new file, else a copy.

    It is that published file if the builds did not write it (it is older than *before_ns*,
    when they began) and the published one has its size and time (``copy2`` kept the time
    when it was staged). The published site is never written in place (a publication
    replaces it by renames), so the new site may share its files. Of the build's own files,
    only the pages in *fresh* are linked (paths relative to *outdir*): the HTML builder
    writes each page as a new file (``bilingual/fresh_pages.py``), so a later build never
    writes into a published one; the others (static files, images, the search index) may be
    rewritten in place, and are copied.
    """
    relative = os.path.relpath(source, outdir)
    old = published / relative
    try:
        new_stat, old_stat = os.stat(source), os.stat(old, follow_symlinks=False)
        unchanged = (new_stat.st_size, new_stat.st_mtime_ns) == (old_stat.st_size, old_stat.st_mtime_ns)
        if unchanged and new_stat.st_mtime_ns < before_ns:
            os.link(old, target)
            return
    except OSError:  # not published before, or no hard links on this file system
        pass
    if relative in fresh:
        with contextlib.suppress(OSError):  # (no hard links on this file system: copied)
            os.link(source, target)
            return
    shutil.copy2(source, target)


def stage_html(
    outputs: dict[str, Path], build_dir: Path, downloads: dict[str, list[Path]], began_ns: int
) -> Path:
    """Stage each language's output in a fresh directory; add chooser, sitemap, downloads.

    A file that the builds, which began at *began_ns*, did not write and that the published
    site has as it is (the pages a rebuild did not touch) is linked from the published site,
    and a page they wrote is linked from the build (written as a new file), not copied: at
    500 pages a translator's rebuild copied about 150 MB of pages, and a cold build 0.25 s
    of them in its serial tail (`link_or_copy`).
    """
    staging = build_dir / ".html.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    before_ns = began_ns - TIME_RESOLUTION_NS
    for edition, outdir in outputs.items():
        published = build_dir / "html" / edition
        shutil.copytree(
            outdir,
            staging / edition,
            ignore=shutil.ignore_patterns(".buildinfo", ".doctrees", fresh_pages.MANIFEST),
            copy_function=functools.partial(
                link_or_copy, outdir, published, before_ns, fresh_pages.listed(outdir)
            ),
        )
    titles = {lang: page_title(staging / lang / ENTRY_PAGE) for lang in LANGUAGES}
    (staging / "index.html").write_text(chooser_html(titles), encoding="utf-8")
    (staging / "sitemap.xml").write_bytes(combined_sitemap(staging))
    baseurl = conf_value("html_baseurl").rstrip("/")
    (staging / "robots.txt").write_text(robots_txt(f"{baseurl}/sitemap.xml"), encoding="utf-8")
    for files in downloads.values():
        (staging / "downloads").mkdir(exist_ok=True)
        for file in files:
            shutil.copy2(file, staging / "downloads" / file.name)
    return staging


# -- The catalog gate and the safety net ------------------------------------------
#: What no translated page may contain unless its Korean page has it too.
LIVE_TAGS = ("script", "iframe", "object", "embed", "form", "style", "base", "meta", "link")


def gate_inputs(project: Project) -> dict[Path, str]:
    """Per catalog, a digest of it and of all its checks also read (glossary, word list, code)."""
    shared = hashlib.sha256()
    for path in sorted(
        [
            ROOT / "source" / "glossary.md",
            *(ROOT / "tools" / "pocheck").glob("*.py"),
            *(ROOT / "locale").glob("*/wordlist.txt"),
            *(ROOT / "locale").glob("*/LC_MESSAGES/glossary.po"),
        ]
    ):
        shared.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return {
        path: hashlib.sha256(shared.digest() + str(path).encode() + path.read_bytes()).hexdigest()
        for path in project.all_catalogs()
    }


def gate_catalogs(build_dir: Path) -> None:
    """Refuse to publish from catalogs that fail ``make check-po``; skip those that passed as they are.

    A problem that changes no page (the catalog's line wrapping: another editor saved it) is
    noted and published; ``make check-po``, and so CI, still refuses it. In a git checkout it
    is looked for only in the catalogs changed since the last commit: the committed ones are
    those CI checked.
    """
    from tools.pocheck import Project, check_catalogs  # (imported in the gate's own process)

    project = Project(ROOT)
    stamp = build_dir / "work" / ".catalogs-passed"
    passed = set(stamp.read_text().split()) if stamp.is_file() else set()
    digests = gate_inputs(project)
    to_check = [path for path, digest in digests.items() if digest not in passed]
    # The form only in catalogs changed since the last commit (outside git, in all). One
    # process: the builds beside it keep both cores busy, and a pool of two cost a fifth
    # more CPU in all (each worker loads the dictionary and fills its caches again): 1 s
    # at 500 catalogs.
    problems = check_catalogs(project, to_check, jobs=1, form=project.changed_catalogs()) if to_check else []
    blocking = [problem for problem in problems if problem.blocks_publication]
    for problem in problems:
        print(str(problem) if problem.blocks_publication else f"publish: note: {problem}", file=sys.stderr)
    if blocking:
        raise BuildError(f"the catalog gate found {len(blocking)} problem(s); fix them (make check-po)")
    noted = {problem.path for problem in problems}  # (checked again next time, and noted again)
    passed_now = [digest for path, digest in digests.items() if project.relative(path) not in noted]
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text("\n".join(sorted(passed_now)) + "\n")


class GateFailed(Exception):
    """The catalog gate found problems (already printed): nothing may be published."""


class Gate:
    """The catalog gate, run in a process of its own beside the builds.

    The builds only write into ``build/work``; every swap into ``build/<format>`` waits for
    the gate (``publish``), and none happens if it failed. So on two cores the gate costs
    its share of the CPU, not a step of its own before the builds.
    """

    active: Gate | None = None

    def __init__(self, build_dir: Path) -> None:
        self.result: str | None = None  # "" once passed, else why not
        self.receive, send = multiprocessing.Pipe(duplex=False)
        self.process = multiprocessing.get_context("fork").Process(target=self.check, args=(build_dir, send))
        self.process.start()
        send.close()

    @staticmethod
    def check(build_dir: Path, send: multiprocessing.connection.Connection) -> None:
        start = time.perf_counter()
        try:
            gate_catalogs(build_dir)
            error = ""
        except BuildError as failure:
            error = str(failure)
        send.send((error, time.perf_counter() - start))

    def wait(self) -> None:
        """Return once the gate has passed; raise GateFailed if it did not."""
        if self.result is None:
            try:
                self.result, seconds = self.receive.recv()
            except EOFError:  # it crashed (its traceback is above)
                self.result, seconds = "the catalog gate stopped before it finished", 0.0
            self.process.join()
            TIMINGS.append(("catalog gate, beside the builds", seconds))
        if self.result:
            raise GateFailed(self.result)


#: A cheap look for anything live in an article's markup (its bytes, ASCII-lowercased, as
#: HTML reads tag and attribute names); only a page that has some is parsed. A superset of
#: what the parse finds: a handler's pattern has no leading space (a search that starts with
#: ``\s`` is four times slower), and an attribute whose name merely ends in "on…" is cleared
#: by the parse; a character reference (``java&#x73;cript:``) is parsed too, as a browser
#: decodes it. (Separate patterns, not one alternation: each is searched faster alone.)
MAYBE_LIVE = (
    re.compile(rb"<(?:" + "|".join(LIVE_TAGS).encode() + rb")\b"),
    re.compile(rb"on\w+\s*="),
    re.compile(rb"script\s*:"),
    re.compile(rb"&#"),
)
#: From this many translated pages on, they are looked at in two processes.
LIVE_CHECK_PARALLEL_FROM = 200


def live_markup(html_file: Path) -> set[str]:
    """Script tags, event handlers and script URLs in a page's article."""
    data = html_file.read_bytes()
    start, end = data.find(b"<article"), data.rfind(b"</article>")
    if start != -1 and end != -1:
        markup = data[start:end].lower()
        if not any(pattern.search(markup) for pattern in MAYBE_LIVE):
            return set()
    from bs4 import BeautifulSoup  # only for the rare page the regular expression flags

    soup = BeautifulSoup(data.decode("utf-8"), "lxml")
    article = soup.select_one("article") or soup.select_one("[role=main], div.body")
    found = set()
    for element in article.find_all(True) if article else []:
        if element.name in LIVE_TAGS:
            found.add(f"<{element.name}>")
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.add(f"{name}= on <{element.name}>")
            text = " ".join(value) if isinstance(value, list) else str(value)
            if "script:" in text.lower().replace(" ", ""):
                found.add(f"{name}={text!r} on <{element.name}>")
    return found


def live_problems(pages: list[tuple[Path, Path]]) -> list[str]:
    """For (translated page, its source-language page) pairs: the live markup that only the
    translation has. The source page is read only when the translation has something."""
    problems = []
    for page, original in pages:
        found = live_markup(page)
        if not found:
            continue
        allowed = live_markup(original) if original.exists() else set()
        problems += [f"{page}: {item} came from a translation" for item in sorted(found - allowed)]
    return problems


def check_translated_html(outputs: dict[str, Path], alongside: Callable[[], object] = lambda: None) -> None:
    """No translated page may carry live markup that the source-language page lacks.

    A large site is looked at in two forked processes, each taking every other page, while
    this one runs *alongside* (the view's search index: both are the serial tail of a cold
    build); a small one here, after *alongside*.
    """
    source = outputs[LANGUAGES[0]]
    pages = [
        (page, source / page.relative_to(outputs[edition]))
        for edition in outputs
        if edition != LANGUAGES[0]
        for page in sorted(outputs[edition].rglob("*.html"))
    ]
    if len(pages) >= LIVE_CHECK_PARALLEL_FROM:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            looking = pool.map_async(live_problems, [pages[0::2], pages[1::2]])
            alongside()
            problems = [line for part in looking.get() for line in part]
    else:
        alongside()
        problems = live_problems(pages)
    if problems:
        print("\n".join(sorted(problems)), file=sys.stderr)
        raise BuildError("translated pages contain live markup that the Korean pages do not have")


# -- PDF ---------------------------------------------------------------------
# Each edition's LaTeX (sphinx-build -b latex) goes through latexmk -xelatex in its
# work directory; the .log is then read, because xelatex only logs a glyph that no
# font has and writes the PDF anyway.

MISSING_CHARACTER = re.compile(r"Missing character: There is no (.) \(U\+([0-9A-F]{4,6})\) in font ([^!]*)!")
OVERFULL = re.compile(r"^Overfull \\hbox \(([\d.]+)pt too wide\).*$", re.MULTILINE)


def latexmk(outdir: Path) -> subprocess.CompletedProcess[str]:
    """Typeset the one .tex file of a LaTeX work directory with xelatex."""
    tex = next(outdir.glob("*.tex"))
    cmd = ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", tex.name]
    env = os.environ | {"max_print_line": "100000"}  # one log line per message, unwrapped
    return subprocess.run(cmd, cwd=outdir, env=env, capture_output=True, text=True, check=False)


def sources_of(char: str, edition: str) -> list[str]:
    """Where *char* is written: ``path:line`` in the Korean source and the edition's catalogs."""
    lang = EDITIONS[edition][0].removeprefix("language=")
    files = sorted((ROOT / "source").rglob("*.md"))
    if lang != LANGUAGES[0]:
        files += sorted((ROOT / "locale" / lang / "LC_MESSAGES").glob("*.po"))
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if char in line:
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found


def check_log(log: Path, edition: str) -> list[str]:
    """Every glyph the fonts lack, named with its code point and where it was written."""
    errors = []
    seen = set()
    for char, code, font in MISSING_CHARACTER.findall(log.read_text(encoding="utf-8", errors="replace")):
        if code in seen:
            continue
        seen.add(code)
        where = ", ".join(sources_of(char, edition)) or "not in the sources or catalogs"
        errors.append(
            f"{log.name}: no glyph for U+{code} {char!r} in font {font.strip()}; written at {where}"
        )
    return errors


def typeset(outputs: dict[str, Path]) -> dict[str, Path]:
    """Run latexmk in every work directory at once; fail on errors and missing glyphs."""
    with ThreadPoolExecutor(max_workers=len(outputs)) as pool:
        results = dict(zip(outputs, pool.map(latexmk, outputs.values()), strict=True))
    errors = []
    pdfs = {}
    for edition, outdir in outputs.items():
        tex = next(outdir.glob("*.tex"))
        log = tex.with_suffix(".log")
        if results[edition].returncode != 0:
            tail = "\n".join(results[edition].stdout.splitlines()[-20:])
            errors.append(f"latexmk failed for {edition} ({log}):\n{tail}")
            continue
        errors += check_log(log, edition)
        for width in OVERFULL.findall(log.read_text(encoding="utf-8", errors="replace")):
            print(f"publish: {log.name}: overfull line, {width}pt into the margin", file=sys.stderr)
        pdfs[edition] = tex.with_suffix(".pdf")
    if errors:
        raise BuildError("\n".join(errors))
    return pdfs


def stage_pdf(pdfs: dict[str, Path], build_dir: Path) -> Path:
    """Copy each edition's PDF, named after its edition, into a fresh staging directory."""
    staging = build_dir / ".pdf.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for edition, pdf in pdfs.items():
        shutil.copy2(pdf, staging / f"{conf_value('edition_name')}-{edition}.pdf")
    return staging


def publish_pdf(build_dir: Path) -> Path:
    """Typeset the Korean, English and Korean–English PDFs and swap them in as build/pdf."""
    pdfs = typeset(build_editions("latex", list(EDITIONS), build_dir))
    publish(stage_pdf(pdfs, build_dir), build_dir / "pdf")
    return build_dir / "pdf"


def publish_html(build_dir: Path) -> Path:
    """Build the site in both languages, linking the downloads already published, and swap it in."""
    downloads = published_downloads(build_dir)
    options = ["-D", f"edition_download_builders={','.join(downloads)}"] if downloads else []
    began_ns = time.time_ns()
    with timed("html editions"):
        outputs = build_editions("html", LANGUAGES, build_dir, options)
    with timed("html live-markup check, and the side-by-side view's search index from both editions'"):
        from bilingual.sidebyside_writer import merge_search_indexes

        view, editions = outputs[SIDE_BY_SIDE], [outputs[lang] for lang in LANGUAGES]
        check_translated_html(outputs, alongside=functools.partial(merge_search_indexes, view, editions))
    with timed("html staging and swap"):
        publish(stage_html(outputs, build_dir, downloads, began_ns), build_dir / "html")
    return build_dir / "html" / "index.html"


def publish_epub(build_dir: Path) -> Path:
    """Build one EPUB per language and swap them in as build/epub/<name>-<lang>.epub."""
    outputs = build_editions("epub", LANGUAGES, build_dir)
    staging = build_dir / ".epub.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    name = conf_value("edition_name")
    for lang, outdir in outputs.items():
        built = outdir / f"{name}.epub"
        if not built.exists():
            raise BuildError(f"{built}: the epub builder wrote no EPUB")
        shutil.copy2(built, staging / f"{name}-{lang}.epub")
    publish(staging, build_dir / "epub")
    return build_dir / "epub"


def tar_entry(path: Path, arcname: str, mtime: int) -> tarfile.TarInfo:
    """A tar header that depends only on the file's name, kind and content."""
    info = tarfile.TarInfo(arcname)
    info.mtime = mtime
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if path.is_dir():
        info.type, info.mode = tarfile.DIRTYPE, 0o755
    else:
        info.size, info.mode = path.stat().st_size, 0o644
    return info


def site_archive(site: Path, prefix: str, mtime: int) -> bytes:
    """The site as a reproducible tar.gz: sorted entries, one mtime, owner root, no gzip name/time."""
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(tar_entry(site, prefix, mtime))
        for path in sorted(site.rglob("*"), key=lambda p: p.relative_to(site).as_posix()):
            info = tar_entry(path, f"{prefix}/{path.relative_to(site).as_posix()}", mtime)
            if path.is_dir():
                tar.addfile(info)
            else:
                with path.open("rb") as content:
                    tar.addfile(info, content)
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=mtime, compresslevel=9) as gz:
        gz.write(tar_bytes.getvalue())
    return packed.getvalue()


def publish_dist(build_dir: Path) -> Path:
    """Pack the published site (both languages, downloads) into build/dist/<name>-site.tar.gz."""
    site = build_dir / "html"
    if not (site / "index.html").exists():
        raise BuildError(f"{site}: no published site to pack; run `make all` first")
    name = f"{conf_value('edition_name')}-site"
    archive = build_dir / "dist" / f"{name}.tar.gz"
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f".{archive.name}.partial")
    partial.write_bytes(site_archive(site, name, int(os.environ["SOURCE_DATE_EPOCH"])))
    partial.replace(archive)
    return archive


PUBLISHERS = {
    "html": publish_html,
    "pdf": publish_pdf,
    "epub": publish_epub,
    "dist": publish_dist,
}
#: Targets that publish text from the catalogs, and so wait for the catalog gate.
BUILT_FROM_CATALOGS = {"html", "pdf", "epub"}


#: (what, seconds) of the last run, for ``--timings``; editions count from their common start.
TIMINGS: list[tuple[str, float]] = []


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMINGS.append((what, time.perf_counter() - start))


@contextlib.contextmanager
def build_dir_lock(build_dir: Path) -> Iterator[None]:
    """Hold the build directory alone: a second `make html` (or `make watch`'s rebuild) waits.

    Two publishers in one build directory would share the editions' doctrees and the
    staging directory, and could swap in a site that is half one build and half the other.
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".publish.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            print(f"publish: waiting for {holder}, which is publishing into {build_dir}", file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"process {os.getpid()}\n")
        lock.flush()
        try:
            yield
        finally:
            lock.truncate(0)


def run(target: str, build_dir: Path) -> list[Path]:
    """Publish one target, or every target of `all` in order; return what was written."""
    with build_dir_lock(build_dir):
        return run_locked(target, build_dir)


def run_locked(target: str, build_dir: Path) -> list[Path]:
    targets = ALL_TARGETS if target == "all" else [target]
    written = []
    gated = [name for name in targets if name in BUILT_FROM_CATALOGS]
    Gate.active = Gate(build_dir) if gated else None
    try:
        for name in targets:
            try:
                with timed(f"{name}, in all"):
                    written.append(PUBLISHERS[name](build_dir))
            except BuildError as error:
                if Gate.active is not None:
                    Gate.active.wait()  # a failed gate explains more than what it broke
                raise BuildError(f"{name}: {error}; build/{name} was left as it was") from error
        if Gate.active is not None:
            Gate.active.wait()
    except GateFailed as error:
        left = ", ".join(f"build/{name}" for name in gated)
        raise BuildError(f"{error}; nothing was published, {left} was left as it was") from error
    finally:
        Gate.active = None
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=[*PUBLISHERS, "all"])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--timings", action="store_true", help="print how long each step took")
    args = parser.parse_args(argv)
    TIMINGS.append((STARTUP, time.perf_counter() - STARTED))
    set_build_environment()
    try:
        with interruptible():
            written = run(args.target, args.build_dir.resolve())
            if INTERRUPTED.is_set():  # (dropped after the last swap: still an interrupted command)
                raise KeyboardInterrupt
    except BuildError as error:
        print(f"publish: {error}.", file=sys.stderr)
        return 1
    finally:
        for what, seconds in TIMINGS if args.timings else []:
            print(f"publish: {seconds:7.2f} s  {what}", file=sys.stderr)
    for path in written:
        print(f"publish: {path}")
    return 0


def exit_now(status: int) -> None:
    """Exit without tearing the interpreter down: with Sphinx imported, that alone took
    0.13–0.2 s of every `make html` (publish.py holds no open work by then)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    status = main()
    resident.leave_behind(sys.argv[1:])  # for the next command (it imports in the background)
    exit_now(status)
