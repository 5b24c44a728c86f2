"""The book's metadata in each language comes from the catalogs (bilingual.edition_meta, bilingual.epub)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import catalog_translation

DC = "{http://purl.org/dc/elements/1.1/}"


def translation(app, msgid: str) -> str:
    """The msgstr for *msgid* in the test root's English catalogs."""
    return catalog_translation(msgid, Path(app.srcdir, "locale"))


def epub_path(app) -> Path:
    """The EPUB the builder wrote."""
    return Path(app.outdir, f"{app.config.epub_basename}.epub")


def package_metadata(app) -> ElementTree.Element:
    """content.opf's <metadata> from the built EPUB."""
    with zipfile.ZipFile(epub_path(app)) as archive:
        package = ElementTree.fromstring(archive.read("content.opf"))
    return package.find("{http://www.idpf.org/2007/opf}metadata")


@pytest.mark.sphinx(
    "epub", testroot="edition-meta", srcdir="edition-meta-en", confoverrides={"language": "en"}
)
def test_translated_epub_names_book_and_author_from_the_catalogs(app) -> None:
    app.build()
    metadata = package_metadata(app)
    assert metadata.findtext(f"{DC}title") == translation(app, "작은 책")
    assert metadata.findtext(f"{DC}creator") == translation(app, "홍길동")
    assert metadata.findtext(f"{DC}language") == "en"
    assert metadata.findtext(f"{DC}description") == translation(app, "첫 문단이다.")
    assert metadata.findtext(f"{DC}identifier") == "https://example.org/book/en/"


@pytest.mark.sphinx(
    "epub", testroot="edition-meta", srcdir="edition-meta-en", confoverrides={"language": "en"}
)
def test_untranslated_or_fuzzy_metadata_is_a_warning_naming_setting_and_catalogs(app) -> None:
    # "출판사" is only a fuzzy entry: not a translation.
    warnings = app.warning.getvalue()
    assert "epub_publisher = '출판사' has no translation" in warnings
    assert str(Path("locale", "en", "LC_MESSAGES")) in warnings
    assert "project = " not in warnings


@pytest.mark.sphinx("epub", testroot="edition-meta", srcdir="edition-meta-ko")
def test_source_language_epub_keeps_conf_py_names_and_declares_its_language(app) -> None:
    app.build()
    metadata = package_metadata(app)
    assert metadata.findtext(f"{DC}title") == app.config.project == "작은 책"
    assert "has no translation" not in app.warning.getvalue()
    with zipfile.ZipFile(epub_path(app)) as archive:
        assert '<html lang="ko" xml:lang="ko"' in archive.read("index.xhtml").decode()


@pytest.mark.sphinx(
    "epub", testroot="edition-meta", srcdir="edition-meta-dates", confoverrides={"language": "en"}, parallel=2
)
def test_epub_zip_entries_carry_source_date_epoch(app, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1515456000")  # 2018-01-09 00:00 UTC
    app.build(force_all=True)
    with zipfile.ZipFile(epub_path(app)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {info.date_time for info in infos} == {(2018, 1, 9, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o644}


@pytest.mark.sphinx(
    "epub",
    testroot="edition-meta",
    srcdir="edition-meta-copyright",
    confoverrides={"language": "en", "copyright": "2018, 홍길동"},
)
def test_copyright_line_names_the_book_s_names_in_translation(app) -> None:
    app.build()
    assert app.config.copyright == f"2018, {translation(app, '홍길동')}"
    assert package_metadata(app).findtext(f"{DC}rights") == app.config.copyright
    assert "copyright = " not in app.warning.getvalue()


@pytest.mark.sphinx(
    "epub",
    testroot="edition-meta",
    srcdir="edition-meta-copyright-other",
    confoverrides={"language": "en", "copyright": "2018, 다른 곳"},
)
def test_copyright_line_without_the_book_s_names_is_a_warning(app) -> None:
    assert app.config.copyright == "2018, 다른 곳"
    assert "copyright = '2018, 다른 곳' names none of project, author" in app.warning.getvalue()
