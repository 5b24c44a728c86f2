"""Publish the edition: gate the catalogs, build the editions in parallel, stage, swap.

    python tools/publish.py html|pdf|epub|all|dist [--build-dir build]

1. **Gate.** The catalog gate (``make check-po``) runs beside the builds.
2. **Build.** Sphinx is imported once; each language is built in a process forked from
   this one, incrementally, in ``build/work/<builder>/<language>``. A translation's
   process also writes its side-by-side view from the same doctrees. A language whose
   inputs (`bilingual.freshness`) did not change since its last good build is not built.
3. **Stage.** The editions are put together in a fresh directory with the language
   chooser, the sitemap and the downloads.
4. **Swap.** It is renamed over ``build/html`` (``build/pdf``, ``build/epub``) only when
   the gate and every build succeeded: readers never see a half-built site, and a
   failure leaves the last good one as it was.

One publisher holds a build directory at a time. Every build sees ``SOURCE_DATE_EPOCH``
(the last commit's time): two builds of one commit are byte-identical.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import gc
import gzip
import html
import multiprocessing
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bilingual import editions  # noqa: E402
from bilingual.freshness import digest, inputs_digest  # noqa: E402

SOURCE = ROOT / "source"
#: Pages of an edition that the sitemap does not list.
NOT_IN_SITEMAP = {"search.html", "genindex.html", "404.html"}
#: What each target builds with (the LaTeX is typeset into PDFs), and what `all` publishes,
#: downloads first so that the site links them.
BUILDERS = {"html": "html", "pdf": "latex", "epub": "epub"}
ALL_TARGETS = ["pdf", "epub", "html"]
#: Set by Ctrl-C (which also raises KeyboardInterrupt): Python drops an exception raised
#: while a finalizer runs, and the swap must not happen after a Ctrl-C all the same.
INTERRUPTED = threading.Event()
#: Set while the swap renames: a Ctrl-C then is raised once both renames are done.
SWAPPING = threading.Event()


def on_interrupt(signum: int, frame: object) -> None:
    INTERRUPTED.set()
    if not SWAPPING.is_set():
        raise KeyboardInterrupt


def languages() -> list[str]:
    return editions.project_languages(ROOT)


def on_readthedocs() -> bool:
    """Whether this is a Read the Docs build: one project per language (docs/publishing.md)."""
    return editions.settings(ROOT).get("edition_host") == "readthedocs"


def built_languages(target: str = "html") -> list[str]:
    """The languages this host builds here: all, or those of Read the Docs' project (its own,
    and for a translation's site also the source, which its view and safety net read)."""
    if not on_readthedocs():
        return languages()
    own = os.environ["READTHEDOCS_LANGUAGE"]
    return list(dict.fromkeys([languages()[0], own])) if target == "html" else [own]


def edition_root(edition: str) -> str:
    """An edition's address, as the pages name it (`bilingual.web.edition_root`)."""
    from types import SimpleNamespace

    from bilingual.web import edition_root as root

    config = SimpleNamespace(**{"edition_host": "site", **editions.settings(ROOT)})
    config.language = os.environ.get("READTHEDOCS_LANGUAGE", languages()[0])
    return root(config, edition)


def entry_page() -> str:
    """Where the language chooser sends a reader: the edition's main document, in their language."""
    return editions.settings(ROOT)["edition_main_doc"] + ".html"


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH if set, else the last commit's time, else the column's date."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        return epoch
    log = subprocess.run(
        ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True
    )
    return log.stdout.strip() or "1515456000"  # (outside a git checkout: the column's date, 2018-01-09)


# -- Building --------------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    """One language's sphinx-build (and its side-by-side view, for a translation)."""

    builder: str
    language: str
    build_dir: Path
    options: tuple[str, ...] = ()

    @property
    def view(self) -> str | None:
        source = languages()[0]
        return f"{source}-{self.language}" if self.language != source and self.builder != "epub" else None

    @property
    def names(self) -> list[str]:
        """The editions it writes."""
        return [self.language, *([self.view] if self.view else [])]

    def outdir(self, name: str) -> Path:
        return self.build_dir / "work" / self.builder / name

    @property
    def doctrees(self) -> Path:
        return self.build_dir / "doctrees" / self.builder / self.language

    @property
    def stamp(self) -> Path:
        """The digest of the inputs of its last build that succeeded."""
        return self.build_dir / "work" / self.builder / f".{self.language}.inputs"

    def argv(self, name: str) -> list[str]:
        """sphinx-build's arguments for one of its editions."""
        view = name != self.language
        builder = "sidebyside" if view and self.builder == "html" else self.builder
        overrides = [f"language={self.language}", *(["bilingual_sidebyside=1"] if view else [])]
        return [
            "-b", builder, *os.environ.get("SPHINXOPTS", "-nW --keep-going").split(), "-q",
            *(arg for setting in overrides for arg in ("-D", setting)), *self.options,
            "-c", str(ROOT), "-d", str(self.doctrees), str(SOURCE), str(self.outdir(name)),
        ]  # fmt: skip

    def inputs(self, project: str) -> str:
        """The digest of its inputs: the *project*'s (the same for every build) and its arguments."""
        return digest([], ROOT, [project, *(arg for name in self.names for arg in self.argv(name))])

    def up_to_date(self, inputs: str) -> bool:
        outputs = [self.outdir(name) for name in self.names]
        return self.stamp.is_file() and self.stamp.read_text() == inputs and all(o.is_dir() for o in outputs)


def run_app(argv: list[str], log: Path, on_saved: object = None) -> int:
    """Build as sphinx-build's *argv* says, with Sphinx's public API, logging into *log*; return the
    exit status sphinx-build would (a traceback goes to *log*)."""
    from sphinx.application import Sphinx
    from sphinx.cmd.build import get_parser
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    args = get_parser().parse_args(argv)
    overrides = dict(define.split("=", 1) for define in args.define)
    if args.nitpicky:
        overrides["nitpicky"] = True
    stream = log.open("a", encoding="utf-8")
    try:
        with patch_docutils(ROOT), docutils_namespace():
            app = Sphinx(
                args.sourcedir, args.confdir, args.outputdir, args.doctreedir, args.builder, overrides,
                status=None if args.quiet else stream, warning=stream, freshenv=args.freshenv,
                warningiserror=args.warningiserror, tags=args.tags, verbosity=args.verbosity,
                parallel=args.jobs,
            )  # fmt: skip
            if on_saved is not None:
                app.connect("env-check-consistency", on_saved)
            app.build()
            return app.statuscode
    except Exception:
        with log.open("a", encoding="utf-8") as out:
            traceback.print_exc(file=out)
        return 2


def build_language(build: Build, logs: Path) -> None:
    """A forked process, the leader of its own process group (the publisher stops it as one): build
    one language, and its view once its environment is saved.

    The view is written from the translation's doctrees by a second process, forked
    before the translation's build starts; it waits until the translation has saved its
    environment (Sphinx's ``env-check-consistency``), then writes beside it. When the
    translation read nothing again, it starts when the translation has finished.
    """
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    log = logs / f"{build.language}.log"
    if not build.view:
        sys.exit(run_app(build.argv(build.language), log))
    wait, go = os.pipe()
    view = os.fork()
    if view == 0:
        os.close(go)
        started = os.read(wait, 1)  # (nothing: the translation failed before it saved anything)
        os._exit(run_app(build.argv(build.view), logs / f"{build.view}.log") if started else 0)
    os.close(wait)
    started = []

    def start_view(*args: object) -> None:
        if not started:
            started.append(os.write(go, b"1"))

    status = run_app(build.argv(build.language), log, start_view)
    if status == 0:
        start_view()
    os.close(go)
    sys.exit(status or os.waitstatus_to_exitcode(os.waitpid(view, 0)[1]))


@functools.cache  # (once a process: `make watch` publishes again and again)
def preload() -> None:
    """Import Sphinx, the theme and the extensions once, so that the forked builds do not: set up
    an application (what its extensions import when set up too) and drop it unbuilt."""
    import sphinx.locale
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    with tempfile.TemporaryDirectory() as scratch, patch_docutils(ROOT), docutils_namespace():
        Sphinx(SOURCE, ROOT, scratch, scratch, "html", status=None, warning=None)
    sphinx.locale.translators.clear()  # (its language's interface strings are not the builds')
    # The forked builds share these pages instead of copying them, and collect less often:
    # a doctree is full of reference cycles, and with Python's default thresholds the
    # collector walks every page read so far again and again (docs/performance.md).
    gc.freeze()
    gc.set_threshold(50_000, 10, 10)


def build_all(builds: list[Build], alongside: Callable[[], object]) -> dict[str, str | None]:
    """Build the stale languages at once, running *alongside* meanwhile; return, per edition,
    why it failed, "" if it was built, or None if it was up to date."""
    logs = builds[0].build_dir / "work" / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    results: dict[str, str | None] = {name: None for build in builds for name in build.names}
    stale, project = [], inputs_digest(ROOT, [])  # (the project's files, read once)
    for build in builds:
        inputs = build.inputs(project)
        if build.up_to_date(inputs):
            continue
        if not build.stamp.is_file() and build.doctrees.exists():
            # Its last build did not finish (or its output is gone): an environment saved by
            # a build stopped before it wrote everything would say every page is written.
            print(f"publish: the last {build.builder} build of {build.language} did not finish: building "
                  "it afresh", file=sys.stderr)  # fmt: skip
            shutil.rmtree(build.doctrees)
        build.stamp.unlink(missing_ok=True)
        stale.append((build, inputs))
    if stale:
        preload()
    fork = multiprocessing.get_context("fork")
    children = [
        (build, inputs, fork.Process(target=build_language, args=(build, logs))) for build, inputs in stale
    ]
    for _, _, child in children:
        child.start()
    try:
        alongside()
        for _, _, child in children:
            child.join()
    finally:  # (stopped early: a Ctrl-C, or the gate crashed) no build goes on without us
        for _, _, child in children:
            if child.exitcode is None:
                with contextlib.suppress(ProcessLookupError):  # (it has just ended)
                    os.killpg(child.pid, signal.SIGKILL)
                child.join()
    for build, inputs, child in children:
        for name in build.names:
            log = logs / f"{name}.log"
            if log.exists() and log.read_text(encoding="utf-8").strip():
                print(log.read_text(encoding="utf-8").strip(), file=sys.stderr)
            failed = f"sphinx-build -b {build.builder} failed (status {child.exitcode}; see above)"
            results[name] = failed if child.exitcode else ""
        if child.exitcode == 0:
            build.stamp.write_text(inputs)
        else:  # (its environment would hide its warnings next time: unchanged pages are not read)
            shutil.rmtree(build.doctrees, ignore_errors=True)
    return results


# -- The catalog gate and the safety net ------------------------------------------------


def gate(build_dir: Path) -> dict[str, list[str]]:
    """Run the catalog gate on the catalogs changed since they last passed; return, per language,
    the hazards that keep it from being published. Style is noted; lag is for the readers
    to see on the pages (and for `make check-po`)."""
    from tools.pocheck import HAZARD, STYLE, Project, check_catalogs

    project = Project(ROOT)
    passed_file = build_dir / "work" / ".catalogs-passed"
    passed_file.parent.mkdir(parents=True, exist_ok=True)
    passed = set(passed_file.read_text().split()) if passed_file.is_file() else set()
    digests = project.digests(project.all_catalogs())
    to_check = [path for path, digest in digests.items() if digest not in passed]
    # (One process: the builds beside it keep the cores busy.)
    problems = check_catalogs(project, to_check, jobs=1, form=project.changed_catalogs()) if to_check else []
    refused: dict[str, list[str]] = {}
    for problem in problems:
        if problem.kind == HAZARD:
            refused.setdefault(problem.language, []).append(str(problem))
        elif problem.kind == STYLE:
            print(f"publish: note: {problem}", file=sys.stderr)
    noted = {problem.path for problem in problems}
    passed_file.write_text("".join(f"{d}\n" for p, d in digests.items() if project.relative(p) not in noted))
    return refused


#: What no translated page may contain unless the source-language page has it too.
LIVE_TAGS = ("script", "iframe", "object", "embed", "form", "style", "base", "meta", "link")


#: What live markup needs in a page's text (a quick look before parsing it).
MAYBE_LIVE = re.compile(
    rb"<(?:" + b"|".join(t.encode() for t in LIVE_TAGS) + rb")\b|\son\w+\s*=|script\s*:|&#", re.I
)


def live_markup(page: Path) -> set[str]:
    """Script tags, event handlers and script URLs in a page's article."""
    import lxml.etree
    import lxml.html

    data = page.read_bytes()
    start, end = data.find(b"<article"), data.rfind(b"</article>")
    if start != -1 and not MAYBE_LIVE.search(data, start, end):
        return set()
    tree = lxml.html.fromstring(data)
    found = set()
    main = "//article | //*[@role='main'] | //div[contains(concat(' ', @class, ' '), ' body ')]"
    for article in tree.xpath(main)[:1]:
        for element in article.iter(tag=lxml.etree.Element):
            if element.tag in LIVE_TAGS:
                found.add(f"<{element.tag}>")
            for name, value in element.attrib.items():
                if name.lower().startswith("on"):
                    found.add(f"{name}= on <{element.tag}>")
                if "script:" in value.lower().replace(" ", ""):
                    found.add(f"{name}={value!r} on <{element.tag}>")
    return found


def live_problems(translated: Path, source: Path, published: Path | None = None) -> list[str]:
    """The live markup in the pages of *translated* that the same pages of *source* lack (a page
    the *published* edition has unchanged was looked at before)."""
    problems = []
    for page in sorted(translated.rglob("*.html")):
        if published is not None and unchanged(page, published / page.relative_to(translated)):
            continue
        found = live_markup(page)
        original = source / page.relative_to(translated)
        found -= live_markup(original) if found and original.exists() else set()
        problems += [f"{page}: {item} came from a translation" for item in sorted(found)]
    return problems


# -- Staging and the swap --------------------------------------------------------------


def unchanged(built: Path, published: Path) -> bool:
    """Whether a built file is the published one: its size and time (``copy2`` keeps the time)."""
    try:
        new, old = built.stat(), published.stat()
    except OSError:
        return False
    return (new.st_size, new.st_mtime_ns) == (old.st_size, old.st_mtime_ns)


def stage_edition(built: Path | None, published: Path, target: Path) -> None:
    """Stage an edition from its build, or keep the published one if *built* is None.

    The published site is never written in place (every publication replaces it with a
    rename), so the new one shares its unchanged files: hard links to them."""

    def link_or_copy(source: str, destination: str) -> None:
        old = published / Path(source).relative_to(built) if built else Path(source)
        if built is None or unchanged(Path(source), old):
            os.link(old, destination)
        else:
            shutil.copy2(source, destination)

    origin, ignore = built or published, shutil.ignore_patterns(".buildinfo*", ".doctrees")
    if origin.is_dir():
        shutil.copytree(origin, target, ignore=ignore, copy_function=link_or_copy)


def fall_back(site: Path, names: list[str]) -> None:
    """Where editions differ (one was refused or failed, another published), lead no reader to a
    page an edition lacks: the switcher sends them to that edition's home page instead, the
    page says it is not in that edition yet, and its hreflang alternates leave it out."""
    pages = {
        name: {p.relative_to(site / name).as_posix() for p in (site / name).rglob("*.html")} for name in names
    }
    for name in names:
        for page in sorted(pages[name]):
            lacking = [other for other in names if other != name and page not in pages[other]]
            if lacking:
                mend(site / name / page, page, name, lacking)


def mend(path: Path, page: str, edition: str, lacking: list[str]) -> None:
    """Rewrite one page's links to the editions that lack it (as a new file: it may be a link)."""
    text = path.read_text(encoding="utf-8")
    here = posixpath.dirname(f"{edition}/{page}")
    language = edition.rsplit("-", 1)[-1]
    notes = []
    for other in lacking:
        old, home = (posixpath.relpath(f"{other}/{target}", here) for target in (page, "index.html"))
        text = text.replace(f'class="edition-link" href="{old}"', f'class="edition-link" href="{home}"')
        other_page = re.escape(f"{other}/{page}")
        text = re.sub(
            rf'<link rel="alternate" hreflang="{re.escape(other)}" href="[^"]*/{other_page}">\n?', "", text
        )
        name = (
            interface(language, "Side by side") if "-" in other else editions.language_name(other, language)
        )
        notes.append(interface(language, "This page is not yet published in %s.") % name)
    switcher = text.find('class="edition-switcher"')
    if switcher != -1:
        end = text.index("</nav>", switcher) + len("</nav>")
        note = "".join(f'<p class="edition-missing">{html.escape(line)}</p>' for line in notes)
        text = text[:end] + note + text[end:]
    path.unlink()
    path.write_text(text, encoding="utf-8")


def page_title(page: Path) -> str:
    """The heading of a built page."""
    import lxml.html

    heading = lxml.html.fromstring(page.read_bytes()).xpath("//article//h1")[0]
    for link in heading.xpath(".//a[contains(@class, 'headerlink')]"):
        link.drop_tree()
    return heading.text_content().strip()


def render(template: str, **context: object) -> str:
    """One of bilingual/templates/ that the publisher renders (Jinja, as Sphinx does)."""
    import jinja2

    text = (ROOT / "bilingual" / "templates" / template).read_text("utf-8")
    return jinja2.Template(text, autoescape=True, keep_trailing_newline=True).render(**context)


def chooser_html(titles: dict[str, str]) -> str:
    """The site's front door: follows the browser's language, and works without JavaScript."""
    return render(
        "chooser.html",
        source=languages()[0],
        titles=titles,
        entry=entry_page(),
        language_name=editions.language_name,
        interface=interface,
    )


@functools.cache  # (a mended page asks for two messages, and the chooser for one per language)
def interface(language: str, message: str) -> str:
    """An interface message in *language*, from its ``sphinx.po`` (the theme's strings), if it has it."""
    from sphinx_intl.catalog import load_po

    catalog = ROOT / "locale" / language / "LC_MESSAGES" / "sphinx.po"
    found = load_po(str(catalog)).get(message) if catalog.exists() else None
    return found.string if found is not None and found.string and not found.fuzzy else message


def sitemap(site: Path) -> bytes:
    """The site's sitemap: every page of every language here, with its hreflang alternates (on
    Read the Docs the other languages' projects are taken to have the same pages)."""
    langs = [lang for lang in built_languages("pdf") if (site / lang).is_dir()]
    pages = {
        lang: {p.relative_to(site / lang).as_posix() for p in (site / lang).rglob("*.html")} - NOT_IN_SITEMAP
        for lang in langs
    }
    entries = []
    for url, page in sorted((edition_root(lang) + page, page) for lang in langs for page in pages[lang]):
        others = languages() if on_readthedocs() else [other for other in langs if page in pages[other]]
        entries.append((url, [(other, edition_root(other) + page) for other in others]))
    return render("sitemap.xml", entries=entries).encode()


def swap(staging: Path, target: Path) -> None:
    """Replace *target* by *staging* with two renames; a Ctrl-C (or, in this thread, a SIGTERM) between
    them waits until both are done. (Python runs a signal handler in the main thread, wherever the
    signal was delivered, so the mask alone does not hold a Ctrl-C.)"""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    SWAPPING.set()
    try:
        if INTERRUPTED.is_set():
            shutil.rmtree(staging)
        else:
            if target.exists():
                target.rename(old)
            staging.rename(target)
    finally:
        SWAPPING.clear()
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    shutil.rmtree(old, ignore_errors=True)
    if INTERRUPTED.is_set():  # (also when Python raised, and dropped, it inside a finalizer)
        raise KeyboardInterrupt


# -- The targets -----------------------------------------------------------------------


def build_target(
    target: str, build_dir: Path, options: tuple[str, ...] = ()
) -> tuple[dict[str, Path | None], list[str], bool]:
    """Gate and build every edition of a target; return per edition its output (None: not
    to be published), what went wrong, and whether anything is new."""
    builds = [Build(BUILDERS[target], lang, build_dir, options) for lang in built_languages(target)]
    refused: dict[str, list[str]] = {}
    results = build_all(builds, alongside=lambda: refused.update(gate(build_dir)))
    errors = [problem for lang in built_languages(target) for problem in refused.get(lang, [])]
    outputs: dict[str, Path | None] = {}
    for build in builds:
        for name in build.names:
            reason = results[name] or ("the catalog gate refused it" if build.language in refused else "")
            outputs[name] = None if reason else build.outdir(name)
            if reason:
                errors.append(f"{name}: not published: {reason}")
    new = any(result == "" and outputs[name] is not None for name, result in results.items())
    return outputs, errors, new


def publish_html(build_dir: Path) -> list[str]:
    """Publish the site: every edition, the chooser, the sitemap and the downloads."""
    downloads = sorted(build_dir.glob("pdf/*.pdf")) + sorted(build_dir.glob("epub/*.epub"))
    builders = sorted({file.suffix[1:] for file in downloads})
    options = ("-D", f"edition_download_builders={','.join(builders)}") if builders else ()
    outputs, errors, new = build_target("html", build_dir, options)
    site = build_dir / "html"
    offered = {p.name: p.stat().st_ino for p in (site / "downloads").glob("*")}  # (links to the files)
    if new or not site.is_dir() or offered != {file.name: file.stat().st_ino for file in downloads}:
        stage_html(outputs, downloads, site, build_dir / ".html.staging", errors)
    for lang in built_languages():
        if lang != languages()[0] and (site / lang).is_dir():
            print(f"publish: {lang}: {lag_line(site / lang)}", file=sys.stderr)
    return errors


def stage_html(
    outputs: dict[str, Path | None], downloads: list[Path], site: Path, staging: Path, errors: list[str]
) -> None:
    """Put the editions, the chooser, the sitemap and the downloads together, and swap them in."""
    source = languages()[0]
    for name, output in outputs.items():
        if (
            output is not None
            and name != source
            and outputs[source] is not None
            and (found := live_problems(output, outputs[source], site / name))
        ):
            errors += [*found, f"{name}: not published: a translation brought live markup in"]
            outputs[name] = None
    from bilingual.sidebyside import merge_search_indexes

    for build in [Build("html", lang, site.parent) for lang in built_languages() if lang != source]:
        if all(outputs.get(name) is not None for name in (source, build.language, build.view)):
            merge_search_indexes(
                build.outdir(build.view), [build.outdir(source), build.outdir(build.language)]
            )
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, output in outputs.items():
        stage_edition(output, site / name, staging / name)
    root_files = [("sitemap.xml", sitemap(staging))]
    if not on_readthedocs():  # (there the other editions are other projects, and the host has these)
        fall_back(staging, list(outputs))
        titles = {
            lang: page_title(staging / lang / entry_page())
            for lang in languages()
            if (staging / lang / entry_page()).exists()
        }
        baseurl = editions.settings(ROOT)["html_baseurl"].rstrip("/") + "/"
        robots = f"User-agent: *\nAllow: /\n\nSitemap: {baseurl}sitemap.xml\n".encode()
        root_files += [("index.html", chooser_html(titles).encode()), ("robots.txt", robots)]
    for name, data in root_files:
        if (site / name).is_file() and (site / name).read_bytes() == data:
            os.link(site / name, staging / name)  # (unchanged: the published file itself)
        else:
            (staging / name).write_bytes(data)
    for file in downloads:
        (staging / "downloads").mkdir(exist_ok=True)
        os.link(file, staging / "downloads" / file.name)
    swap(staging, site)


CLASSES = re.compile(rb'class="([^"]*translation-[^"]*)"')


def lag_line(edition: Path) -> str:
    """How many passages of a published translation are outdated or not translated yet."""
    classes = [c for page in edition.rglob("*.html") for c in CLASSES.findall(page.read_bytes())]
    outdated = sum(c.split().count(b"translation-outdated") for c in classes)
    missing = sum(c.split().count(b"translation-missing") for c in classes)
    if not outdated + missing:
        return "every passage is translated"
    listed = "they are marked on their pages and listed by `make check-po`"
    return f"{outdated} passage(s) outdated, {missing} not translated yet; {listed}"


#: xelatex only logs a glyph that no font has, and writes the PDF anyway.
MISSING_CHARACTER = re.compile(r"Missing character: There is no (.) \(U\+([0-9A-F]{4,6})\) in font ([^!]*)!")
OVERFULL = re.compile(r"^Overfull \\hbox \(([\d.]+)pt too wide\).*$", re.MULTILINE)


def typeset(outdir: Path, language: str) -> list[str]:
    """Typeset a LaTeX work directory's .tex with xelatex; what went wrong (missing glyphs too)."""
    tex = next(outdir.glob("*.tex"))
    command = [
        "latexmk",
        "-xelatex",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        tex.name,
    ]
    env = os.environ | {"max_print_line": "100000"}
    result = subprocess.run(command, cwd=outdir, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return [f"latexmk failed in {outdir}:\n" + "\n".join(result.stdout.splitlines()[-20:])]
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    for width in OVERFULL.findall(log):
        print(f"publish: {tex.stem}.log: overfull line, {width}pt into the margin", file=sys.stderr)
    errors = []
    for char, code, font in dict.fromkeys(MISSING_CHARACTER.findall(log)):
        where = ", ".join(written_at(char, language)) or "not in the sources or catalogs"
        errors.append(
            f"{tex.stem}.log: no glyph for U+{code} {char!r} in font {font.strip()}; written at {where}"
        )
    return errors


def written_at(char: str, language: str) -> list[str]:
    """Where *char* is written: ``path:line`` in the sources and the language's catalogs."""
    files = sorted(SOURCE.rglob("*.md")) + sorted((ROOT / "locale" / language / "LC_MESSAGES").rglob("*.po"))
    return [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if char in line
    ]


def publish_files(target: str, build_dir: Path) -> list[str]:
    """Publish the PDFs (typeset from LaTeX) or the EPUBs, one per edition."""
    outputs, errors, _ = build_target(target, build_dir)
    name = editions.settings(ROOT)["edition_name"]
    staging, published = build_dir / f".{target}.staging", build_dir / target
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    built = {edition: outdir for edition, outdir in outputs.items() if outdir is not None}
    if target == "pdf":
        with ThreadPoolExecutor(max_workers=len(built) or 1) as pool:
            languages_built = [edition.split("-")[-1] for edition in built]
            typeset_errors = dict(zip(built, pool.map(typeset, built.values(), languages_built), strict=True))
        for edition, found in typeset_errors.items():
            errors += [*found, *([f"{edition}: not published: typesetting failed"] if found else [])]
    for edition in outputs:
        file = f"{name}-{edition}.{target}"
        ok = edition in built and not (target == "pdf" and typeset_errors[edition])
        origin = next(built[edition].glob(f"*.{target}"), None) if ok else published / file
        if origin is not None and origin.exists():
            (shutil.copy2 if ok else os.link)(origin, staging / file)
    swap(staging, published)
    return errors


def pack(site: Path, archive: Path, mtime: int) -> None:
    """The site as a reproducible tar.gz: sorted entries, one mtime, owner root, no gzip name/time."""
    prefix = archive.name.removesuffix(".tar.gz")

    def entry(path: Path) -> tarfile.TarInfo:
        info = tarfile.TarInfo(f"{prefix}/{path.relative_to(site).as_posix()}".rstrip("/."))
        info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "", ""
        info.type, info.mode = (tarfile.DIRTYPE, 0o755) if path.is_dir() else (tarfile.REGTYPE, 0o644)
        info.size = 0 if path.is_dir() else path.stat().st_size
        return info

    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f".{archive.name}.partial")
    with (
        partial.open("wb") as file,
        gzip.GzipFile("", "wb", 9, file, mtime) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for path in [site, *sorted(site.rglob("*"), key=lambda p: p.relative_to(site).as_posix())]:
            with open(path, "rb") if path.is_file() else contextlib.nullcontext() as content:
                tar.addfile(entry(path), content)
    partial.replace(archive)


@contextlib.contextmanager
def build_dir_lock(build_dir: Path) -> Iterator[None]:
    """Hold the build directory alone: a second publisher (or `make watch`) waits its turn."""
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
        yield


def lay_out_for_readthedocs(build_dir: Path) -> None:
    """Put this project's edition where Read the Docs serves it: $READTHEDOCS_OUTPUT/html (its
    view and downloads inside it), and the PDF and EPUB it offers as its downloads."""
    output, language = Path(os.environ["READTHEDOCS_OUTPUT"]), os.environ["READTHEDOCS_LANGUAGE"]
    site, project = build_dir / "html", os.environ["READTHEDOCS_PROJECT"]
    name, view = editions.settings(ROOT)["edition_name"], f"{languages()[0]}-{language}"
    shutil.copytree(site / language, output / "html", dirs_exist_ok=True)
    shutil.copy2(site / "sitemap.xml", output / "html" / "sitemap.xml")
    if (site / view).is_dir():
        shutil.copytree(site / view, output / "html" / view, dirs_exist_ok=True)
    if (site / "downloads").is_dir():
        shutil.copytree(site / "downloads", output / "html" / "downloads", dirs_exist_ok=True)
    for kind in ("pdf", "epub"):
        (output / kind).mkdir(parents=True, exist_ok=True)
        shutil.copy2(build_dir / kind / f"{name}-{language}.{kind}", output / kind / f"{project}.{kind}")


def publish_dist(build_dir: Path) -> list[str]:
    """Pack the published site into build/dist."""
    site = build_dir / "html"
    if not (site / "index.html").exists():
        return [f"{site}: no published site to pack; run `make all` first"]
    name = editions.settings(ROOT)["edition_name"]
    pack(site, build_dir / "dist" / f"{name}-site.tar.gz", int(os.environ["SOURCE_DATE_EPOCH"]))
    return []


PUBLISH = {
    "html": publish_html,
    "pdf": functools.partial(publish_files, "pdf"),
    "epub": functools.partial(publish_files, "epub"),
    "dist": publish_dist,
}


def run(target: str, build_dir: Path) -> list[str]:
    """Publish one target (all and readthedocs: downloads first); return what went wrong."""
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch()
    os.environ.setdefault("FORCE_SOURCE_DATE", "1")  # (TeX honours SOURCE_DATE_EPOCH only with it)
    targets = ALL_TARGETS if target in ("all", "readthedocs") else [target]
    with build_dir_lock(build_dir):
        errors = [error for name in targets for error in PUBLISH[name](build_dir)]
        if target == "readthedocs" and not errors:
            lay_out_for_readthedocs(build_dir)
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["html", "pdf", "epub", "all", "dist", "readthedocs"])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, on_interrupt)
    try:
        errors = run(args.target, args.build_dir.resolve())
    except KeyboardInterrupt:
        print(f"publish: interrupted; build/{args.target} was left as it was", file=sys.stderr)
        return 130
    for error in errors:
        print(f"publish: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
