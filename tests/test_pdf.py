"""The PDF editions: text, alignment, fonts, metadata, typography, links and bad input."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from conftest import EDITIONS, ROOT, Site
from pypdf import PdfReader

from tools.pocheck.catalogs import format_catalog

pytestmark = pytest.mark.slow

BASENAME = "kisdi-locality-2018"  # edition_name in conf.py
COLUMN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "column.po"
# The body of an A4 page at 72 dpi, without the running header and footer (pdftotext -x -y -W -H).
BODY = {"y": 66, "H": 712}
PAGE_WIDTH = 595
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Pdfs:
    """The PDFs of one `tools/publish.py pdf` run and its LaTeX work directories."""

    build_dir: Path
    output: str

    def pdf(self, edition: str) -> Path:
        return self.build_dir / "pdf" / f"{BASENAME}-{edition}.pdf"

    def log(self, edition: str) -> Path:
        return self.build_dir / "work" / "latex" / edition / f"{BASENAME}-{edition}.log"


def publish_pdf(build_dir: Path, root: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run `tools/publish.py pdf` of the project at *root*, exactly as `make pdf` does."""
    return subprocess.run(
        [sys.executable, str(root / "tools" / "publish.py"), "pdf", "--build-dir", str(build_dir)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SPHINXOPTS": "-nW --keep-going"},
    )


@pytest.fixture(scope="session")
def pdfs(site: Site) -> Pdfs:
    """The three PDFs of the session's publication (`make all`: PDF, EPUB, then the site)."""
    return Pdfs(build_dir=site.root.parent, output=site.output)


def render(markup: str) -> str:
    """The text MyST markup shows: roles and links reduced to their text."""
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^`]*>)?`", r"\1", markup)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text.replace("**", "").replace("`", "")


def squash(text: str) -> str:
    """Text without whitespace or hyphens, as line breaking cannot change it, and with the
    typesetter's ligatures (ﬀ, ﬁ) as their letters."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", unicodedata.normalize("NFKC", text))


def pdftotext(pdf: Path, *, first: int | None = None, x: int = 0, width: int = PAGE_WIDTH) -> str:
    """The body text of *pdf* (or of page *first*) within a horizontal band of the page."""
    pages = ["-f", str(first), "-l", str(first)] if first else []
    crop = ["-x", str(x), "-y", str(BODY["y"]), "-W", str(width), "-H", str(BODY["H"])]
    cmd = ["pdftotext", "-r", "72", *crop, *pages, str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def column_messages() -> list[polib.POEntry]:
    """Every translated message of the column."""
    return [entry for entry in polib.pofile(str(COLUMN_PO)) if entry.msgid and entry.msgstr]


def paragraphs() -> list[polib.POEntry]:
    """The column's body paragraphs (not titles, field names or byline values)."""
    return [entry for entry in column_messages() if len(render(entry.msgid)) > 60]


def test_make_pdf_writes_one_pdf_per_edition(pdfs: Pdfs) -> None:
    names = sorted(path.name for path in (pdfs.build_dir / "pdf").iterdir())
    assert names == sorted(f"{BASENAME}-{edition}.pdf" for edition in EDITIONS)


def texts(pdf: Path, column: str) -> list[str]:
    """The body text of a PDF: the whole width and, for the bilingual edition, *column* alone."""
    found = [squash(pdftotext(pdf))]
    if pdf.name.endswith("-ko-en.pdf"):  # a paragraph continued on the next page is split by the other column
        half = PAGE_WIDTH // 2
        found.append(squash(pdftotext(pdf, x=0 if column == "left" else half, width=half)))
    return found


@pytest.mark.parametrize("edition", ["ko", "ko-en"])
def test_every_korean_message_of_the_column_is_in_the_pdf(pdfs: Pdfs, edition: str) -> None:
    found = texts(pdfs.pdf(edition), "left")
    missing = [e.msgid for e in column_messages() if not any(squash(render(e.msgid)) in t for t in found)]
    assert missing == []


@pytest.mark.parametrize("edition", ["en", "ko-en"])
def test_every_english_msgstr_of_the_column_is_in_the_pdf(pdfs: Pdfs, edition: str) -> None:
    found = texts(pdfs.pdf(edition), "right")
    missing = [e.msgstr for e in column_messages() if not any(squash(render(e.msgstr)) in t for t in found)]
    assert missing == []


def test_bilingual_pdf_sets_korean_left_and_english_right_on_the_same_page(pdfs: Pdfs) -> None:
    pdf = pdfs.pdf("ko-en")
    half = PAGE_WIDTH // 2
    pages = range(1, len(PdfReader(pdf).pages) + 1)
    left = {page: squash(pdftotext(pdf, first=page, width=half)) for page in pages}
    right = {page: squash(pdftotext(pdf, first=page, x=half, width=half)) for page in pages}
    for entry in paragraphs():
        korean, english = squash(render(entry.msgid))[:20], squash(render(entry.msgstr))[:40]
        korean_pages = [page for page, text in left.items() if korean in text]
        english_pages = [page for page, text in right.items() if english in text]
        assert korean_pages, f"Korean paragraph not in the left column: {korean}"
        assert korean_pages == english_pages, entry.msgstr[:60]


def test_korean_lines_break_between_words_only(pdfs: Pdfs) -> None:
    source = render("\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "source").glob("*.md")))
    words = set(source.split())
    lines = [line.strip() for line in pdftotext(pdfs.pdf("ko")).splitlines()]
    split = []
    for line, following in itertools.pairwise(lines):
        if not (line and following and HANGUL.match(line[-1]) and HANGUL.match(following[0])):
            continue
        joined = line.split()[-1] + following.split()[0]
        if any(joined in word for word in words):
            split.append(f"{line} / {following}")
    assert split == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_font_is_embedded(pdfs: Pdfs, edition: str) -> None:
    table = subprocess.run(["pdffonts", str(pdfs.pdf(edition))], capture_output=True, text=True, check=True)
    rows = table.stdout.splitlines()[2:]
    assert rows, "pdffonts lists no font"
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not_embedded == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_running_header_is_the_title_without_a_release(pdfs: Pdfs, edition: str) -> None:
    band = ["-x", "0", "-y", "0", "-W", str(PAGE_WIDTH), "-H", str(BODY["y"])]  # above the body
    header = subprocess.run(
        ["pdftotext", "-r", "72", "-f", "4", "-l", "4", *band, str(pdfs.pdf(edition)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    title = PdfReader(pdfs.pdf(edition)).metadata.title
    assert squash(title)[:12] in squash(header), header
    assert "Release" not in header and "1.0" not in header, header


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_metadata_names_title_author_and_language(pdfs: Pdfs, edition: str) -> None:
    reader = PdfReader(pdfs.pdf(edition))
    catalog = {entry.msgid: entry.msgstr for entry in column_messages()}
    glossary = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "glossary.po"))
    title_ko = next(entry.msgid for entry in column_messages() if entry.occurrences[0][1] == "2")
    author_ko = "김성옥"
    author_en = glossary.find(author_ko).msgstr
    expected = {
        "ko": (title_ko, author_ko, "ko"),
        "en": (catalog[title_ko], author_en, "en"),
        "ko-en": (f"{title_ko} / {catalog[title_ko]}", f"{author_ko} / {author_en}", "ko"),
    }[edition]
    assert (reader.metadata.title, reader.metadata.author, reader.trailer["/Root"]["/Lang"]) == expected


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_is_a4_with_page_numbers_bookmarks_and_working_glossary_links(pdfs: Pdfs, edition: str) -> None:
    reader = PdfReader(pdfs.pdf(edition))
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {(595, 842)}
    for number in range(2, len(reader.pages) + 1):
        crop = ["-x", "0", "-W", str(PAGE_WIDTH), "-y", str(BODY["y"] + BODY["H"]), "-H", "64"]
        pages = ["-f", str(number), "-l", str(number)]
        cmd = ["pdftotext", *crop, *pages, str(pdfs.pdf(edition)), "-"]
        footer = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        assert re.search(r"\b(\d+|[ivx]+)\s*$", footer.strip()), f"no page number on page {number}"
    chapters = [item for item in reader.outline if not isinstance(item, list)]
    glossary_title = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "glossary.po")).find("용어집")
    heading = {"ko": "용어집", "en": glossary_title.msgstr, "ko-en": f"용어집 / {glossary_title.msgstr}"}[
        edition
    ]
    position = next(i for i, item in enumerate(chapters) if item.title == heading)
    first = reader.get_destination_page_number(chapters[position])
    last = reader.get_destination_page_number(chapters[position + 1])
    targets = [
        annotation.get_object()["/A"]["/D"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/A", {}).get("/S") == "/GoTo"
    ]
    destinations = reader.named_destinations
    assert set(targets) <= set(destinations), set(targets) - set(destinations)
    into_glossary = [
        t for t in targets if first <= reader.get_destination_page_number(destinations[t]) <= last
    ]
    assert len(into_glossary) >= 20, "the column's terms should link into the glossary"


@pytest.mark.parametrize("edition", EDITIONS)
def test_latex_log_has_no_missing_character_and_no_overfull_line(pdfs: Pdfs, edition: str) -> None:
    log = pdfs.log(edition).read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    overfull = re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)
    assert overfull == [], "a line runs into the margin (the status table's columns?)"


@pytest.mark.parametrize("edition", ["ko", "en", "ko-en"])
def test_every_html_page_links_to_the_pdf_of_its_edition(site: Site, pdfs: Pdfs, edition: str) -> None:
    labels = polib.pofile(str(ROOT / "locale" / "ko" / "LC_MESSAGES" / "sphinx.po"))
    label = labels.find("Download %(format)s").msgstr if edition == "ko" else "Download %(format)s"
    expected_label = label % {"format": "PDF"}
    # The 404 page links by absolute path, for any depth: tests/test_publishing.py checks it.
    pages = sorted(p for p in (site.root / edition).glob("*.html") if p.name != "404.html")
    assert pages
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        links = {a.get_text(strip=True): a["href"] for a in soup.select("nav.edition-downloads a")}
        assert expected_label in links, page.name
        target = (page.parent / links[expected_label]).resolve()
        assert target.name == pdfs.pdf(edition).name, page.name
        assert target.read_bytes() == pdfs.pdf(edition).read_bytes(), page.name
        assert all((page.parent / href).resolve().is_file() for href in links.values()), page.name


def project_copy(tmp_path: Path) -> Path:
    """A copy of the project to break on purpose."""
    copy = tmp_path / "project"
    for name in ("bilingual", "source", "locale", "tools"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy2(ROOT / "conf.py", copy / "conf.py")
    return copy


def add_to_msgstr(project: Path, addition: str) -> None:
    """Append *addition* to the English translation of the column's fifth paragraph."""
    po_path = project / "locale" / "en" / "LC_MESSAGES" / "column.po"
    catalog = polib.pofile(str(po_path))
    entry = next(entry for entry in catalog if entry.msgid.startswith("지역의 수요체제는"))
    entry.msgstr += addition
    catalog.save()
    format_catalog(po_path)  # the project's one form, as the catalog gate requires


def test_latex_special_characters_in_a_translation_come_out_as_themselves(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    # No backslash: the catalog gate (pofilter escapes) refuses one that the msgid lacks.
    specials = "Specials: 100% A&B #1 a_b ~tilde x^2 {braces}"
    add_to_msgstr(project, " " + specials)
    result = publish_pdf(tmp_path / "build", root=project)
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "build" / "pdf" / f"{BASENAME}-en.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.sub(r"\s+", " ", specials) in re.sub(r"\s+", " ", text)


def test_missing_glyph_fails_the_build_naming_character_and_catalog_line(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    add_to_msgstr(project, " 😀")
    last_good = tmp_path / "build" / "pdf" / "kisdi-locality-2018-en.pdf"
    last_good.parent.mkdir(parents=True)
    last_good.write_bytes(b"%PDF-1.5 kept")
    result = publish_pdf(tmp_path / "build", root=project)
    assert result.returncode != 0
    assert "U+1F600" in result.stderr
    where = re.search(r"(locale/en/LC_MESSAGES/column\.po):(\d+)", result.stderr)
    assert where, result.stderr
    line = (project / where[1]).read_text(encoding="utf-8").splitlines()[int(where[2]) - 1]
    assert "😀" in line
    # The English PDFs are not published (the last good one stays); the Korean one is.
    published = sorted(path.name for path in last_good.parent.iterdir())
    assert published == ["kisdi-locality-2018-en.pdf", "kisdi-locality-2018-ko.pdf"]
    assert last_good.read_bytes() == b"%PDF-1.5 kept"
