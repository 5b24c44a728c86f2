"""Measure the site search: recall of the query set, index size, build time and install size.

    python tools/search_eval.py                    # without and with the Korean search language
    python tools/search_eval.py --methods all      # every candidate method (kiwi needs kiwipiepy)
    python tools/search_eval.py --json result.json --repeat 3

Each method builds the Korean edition afresh into a temporary directory; every query of
tests/fixtures/search_queries.tsv then runs through the built site's own search code in
chromium, so the figures are what a reader gets. ``measure()`` is the entry point for
``make bench``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bilingual.korean_search import SearchKorean, is_hangul, query_term, runs  # noqa: E402
from tools.browser import launch_chromium, run_queries, serve  # noqa: E402

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

QUERIES = ROOT / "tests" / "fixtures" / "search_queries.tsv"


# -- Candidate methods, kept here only to be measured --------------------------------------


class SearchKoreanParticles(SearchKorean):
    """Candidate (b): index each Hangul word without its particles, as queries are cut."""

    lang = "ko_particles"

    def split(self, input: str) -> list[str]:  # noqa: A002
        return [query_term(run) for run in runs(input)]


class SearchKoreanSubstrings(SearchKorean):
    """Candidate: index every substring of two syllables or more of each Hangul word."""

    lang = "ko_substrings"

    def split(self, input: str) -> list[str]:  # noqa: A002
        terms = []
        for run in runs(input):
            if is_hangul(run) and len(run) > 1:
                terms += [run[i:j] for i in range(len(run)) for j in range(i + 2, len(run) + 1)]
            else:
                terms.append(run)
        return terms


class SearchKoreanKiwi(SearchKorean):
    """Candidate (c): kiwipiepy's nouns, stems and roots, plus each word without particles."""

    lang = "ko_kiwi"
    tags = ("NNG", "NNP", "NNB", "NR", "VV", "VA", "XR", "SL", "SH")

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        from kiwipiepy import Kiwi

        self.kiwi: Kiwi = Kiwi()

    def split(self, input: str) -> list[str]:  # noqa: A002
        words = [query_term(run) for run in runs(input)]
        morphemes = [token.form for token in self.kiwi.tokenize(input) if token.tag in self.tags]
        return words + morphemes


@dataclass(frozen=True)
class Method:
    """One way of indexing the Korean edition."""

    name: str
    description: str
    search_language: str | None  # html_search_language; None keeps the project's setting
    packages: tuple[str, ...] = ()  # distributions it needs beyond requirements.txt


METHODS = {
    m.name: m
    for m in [
        Method("sphinx-default", "Sphinx with no Korean search language (English fallback)", "en"),
        Method("prefixes", "bilingual.korean_search: Hangul prefixes, particles cut from queries", None),
        Method("particles", "candidate (b): particles cut from words and queries", "ko_particles"),
        Method("substrings", "candidate: every Hangul substring of 2+ syllables", "ko_substrings"),
        Method("kiwi", "candidate (c): kiwipiepy morphemes", "ko_kiwi", ("kiwipiepy", "kiwipiepy_model")),
    ]
}
CANDIDATES = [SearchKoreanParticles, SearchKoreanSubstrings, SearchKoreanKiwi]
WITHOUT_AND_WITH = ["sphinx-default", "prefixes"]


# -- Measurements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A query of the query set and the pages it should find."""

    edition: str
    kind: str
    text: str
    expected: frozenset[str]


@dataclass
class Result:
    """The figures of one method on one edition."""

    method: str
    edition: str
    description: str
    index_bytes: int
    build_seconds: float
    install_bytes: int
    recall: float
    precision: float
    queries: int
    complete: int  # queries that found every expected page
    recall_by_kind: dict[str, float] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)


def load_queries(path: Path = QUERIES) -> list[Query]:
    """Read the query set; a malformed line is an error naming file and line."""
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("edition\t"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or not fields[3]:
            raise ValueError(f"{path}:{number}: expected 4 tab-separated fields, got {line!r}")
        edition, kind, text, expected = fields
        pages = frozenset() if expected == "-" else frozenset(expected.split(","))
        queries.append(Query(edition, kind, text, pages))
    return queries


def install_bytes(packages: tuple[str, ...]) -> int:
    """Bytes installed by *packages* (0 for none); an absent package is an error."""
    total = 0
    for name in packages:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError as error:
            raise SystemExit(f"search_eval: the method needs {name}: pip install {name}") from error
        total += sum(f.size or 0 for f in dist.files or [])
    return total


def build(method: Method, language: str, outdir: Path) -> float:
    """Build one edition afresh with *method*; return the wall-clock seconds it took."""
    args = ["-b", "html", "-E", "-nW", "--keep-going", "-q", "-D", f"language={language}"]
    if method.search_language and language == "ko":
        args += ["-D", f"html_search_language={method.search_language}"]
    args += ["-c", str(ROOT), "-d", str(outdir / "doctrees"), str(ROOT / "source"), str(outdir / "html")]
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, __file__, "sphinx-build", *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"search_eval: the {method.name} build failed:\n{completed.stderr}")
    return seconds


def score(queries: list[Query], found: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall, precision and misses of *found* against the expected pages."""
    recalls, precisions, by_kind, misses = [], [], {}, []
    for query, answer in zip(queries, found, strict=True):
        pages = set(answer["pages"])
        hits = len(pages & query.expected)
        recalls.append(hits / len(query.expected) if query.expected else 1.0)
        precisions.append(hits / len(pages) if pages else 1.0)  # an absent word finds nothing
        by_kind.setdefault(query.kind, []).append(recalls[-1])
        if hits < len(query.expected) or pages - query.expected:
            misses.append(
                {
                    "query": query.text,
                    "terms": answer["terms"],
                    "missing": sorted(query.expected - pages),
                    "extra": sorted(pages - query.expected),
                }
            )
    return {
        "recall": statistics.mean(recalls),
        "precision": statistics.mean(precisions),
        "queries": len(queries),
        "complete": sum(r == 1.0 for r in recalls),
        "recall_by_kind": {kind: statistics.mean(values) for kind, values in by_kind.items()},
        "misses": misses,
    }


def measure(methods: list[str] = WITHOUT_AND_WITH, repeat: int = 1) -> list[Result]:
    """Measure each method on the Korean edition, and the English edition once."""
    from playwright.sync_api import sync_playwright

    queries = load_queries()
    plan = [(METHODS[name], "ko") for name in methods] + [(METHODS["prefixes"], "en")]
    results = []
    with tempfile.TemporaryDirectory(prefix="search-eval-") as tmp, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        for method, edition in plan:
            extra = install_bytes(method.packages)
            outdir = Path(tmp) / f"{method.name}-{edition}"
            seconds = statistics.median(build(method, edition, outdir) for _ in range(repeat))
            html = outdir / "html"
            edition_queries = [q for q in queries if q.edition == edition]
            with serve(html) as base_url:
                found = run_queries(page, base_url + "search.html", [q.text for q in edition_queries])
            results.append(
                Result(
                    method=method.name if edition == "ko" else "sphinx-english",
                    edition=edition,
                    description=method.description if edition == "ko" else "Sphinx's English search",
                    index_bytes=(html / "searchindex.js").stat().st_size,
                    build_seconds=round(seconds, 2),
                    install_bytes=extra,
                    **score(edition_queries, found),
                )
            )
        browser.close()
    return results


def table(results: list[Result]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| edition | method | recall | precision | complete | index bytes | build s | extra install |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.edition} | {r.method} | {r.recall:.0%} | {r.precision:.0%} | {r.complete}/{r.queries} "
            f"| {r.index_bytes:,} | {r.build_seconds:.2f} | {r.install_bytes / 1e6:.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sphinx-build"]:
        # A build in this process, with the candidate search languages registered.
        from sphinx.cmd.build import build_main
        from sphinx.search import languages

        for candidate in CANDIDATES:
            languages[candidate.lang] = candidate
        return build_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--methods",
        default=",".join(WITHOUT_AND_WITH),
        help=f"comma-separated, or 'all' ({', '.join(METHODS)}); default: %(default)s",
    )
    parser.add_argument("--repeat", type=int, default=1, help="builds per method (median time)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--misses", action="store_true", help="list the queries that missed pages")
    args = parser.parse_args(argv)
    methods = list(METHODS) if args.methods == "all" else args.methods.split(",")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown method(s): {', '.join(unknown)}")
    results = measure(methods, args.repeat)
    print(table(results))
    if args.misses:
        for r in results:
            for miss in r.misses:
                print(f"{r.edition}/{r.method}: {json.dumps(miss, ensure_ascii=False)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
