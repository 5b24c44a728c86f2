"""Build and publish the edition: every language in parallel, then one atomic swap.

    python tools/publish.py html

Each edition (the Korean, the English, and the side-by-side ko-en view) builds
incrementally in build/work/<builder>/<edition> (its doctrees in
build/doctrees/<edition>). Only when every edition succeeded is the result copied
into a staging directory, completed with the language chooser, and renamed over
build/html; a failure leaves the last good site untouched and says what failed.
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
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


def sphinx_build(builder: str, edition: str, build_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run sphinx-build for one edition into its work directory."""
    outdir = build_dir / "work" / builder / edition
    doctrees = build_dir / "doctrees" / edition
    overrides = [arg for setting in EDITIONS[edition] for arg in ("-D", setting)]
    cmd = [
        sys.executable, "-m", "sphinx", "build", "-b", builder, *SPHINXOPTS, "-q", *overrides,
        "-c", str(ROOT), "-d", str(doctrees), str(ROOT / "source"), str(outdir),
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # A failed build may leave an environment that would hide its warnings next
        # time (unchanged documents are not re-read): start that language afresh.
        shutil.rmtree(doctrees, ignore_errors=True)
    return result


def build_editions(builder: str, editions: list[str], build_dir: Path) -> dict[str, Path]:
    """Build the editions at once (one process each) and return their output directories."""
    with ThreadPoolExecutor(max_workers=len(editions)) as pool:
        results = dict(zip(editions, pool.map(lambda e: sphinx_build(builder, e, build_dir), editions)))
    failed = []
    for edition, result in results.items():
        output = (result.stdout + result.stderr).strip()
        if output:
            print(output, file=sys.stderr)
        if result.returncode != 0:
            failed.append(edition)
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
