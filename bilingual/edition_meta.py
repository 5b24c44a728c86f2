"""Book metadata (title, author, publisher, copyright) in the reader's language, read from the catalogs.

conf.py names the edition in its source language only. For any other language this
looks each of those settings up as a msgid in that language's catalogs (the same
``.po`` files the pages are translated from), so English lives only in locale/en and
the English EPUB, LaTeX title page and link previews name the book in English. The
copyright line (every page's footer, the EPUB's rights) names them in translation too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polib
from sphinx.util import logging

from bilingual.editions import is_translation

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

#: Settings whose source-language text is replaced by its translation.
TRANSLATED_SETTINGS = ("project", "author", "epub_publisher", "epub_contributor")


def catalog_translations(locale_dirs: list[Path], language: str) -> dict[str, str]:
    """Map every translated, non-fuzzy msgid of *language*'s catalogs to its msgstr."""
    translations: dict[str, str] = {}
    for locale_dir in locale_dirs:
        for po_path in sorted((locale_dir / language / "LC_MESSAGES").glob("*.po")):
            for entry in polib.pofile(str(po_path)).translated_entries():
                translations.setdefault(entry.msgid, entry.msgstr)
    return translations


def translate_settings(app: Sphinx, config: Config) -> None:
    """Replace the book's title, author, publisher and copyright line by their translations."""
    if not is_translation(config):
        return
    locale_dirs = [Path(app.srcdir, d) for d in config.locale_dirs]
    translations = catalog_translations(locale_dirs, config.language)
    config.edition_source_settings = {name: config[name] for name in TRANSLATED_SETTINGS}
    for name in TRANSLATED_SETTINGS:
        text = config[name]
        if text in translations:
            config[name] = translations[text]
        else:
            logger.warning(
                "%s = %r has no translation in the %r catalogs (%s); the %s edition would name "
                "the book in the source language",
                name,
                text,
                config.language,
                ", ".join(str(d / config.language / "LC_MESSAGES") for d in locale_dirs),
                config.language,
                type="edition",
                subtype="metadata",
            )
    config.copyright = translated_names(config.copyright, config)


def translated_names(line: str, config: Config) -> str:
    """A copyright line with the names it shares with TRANSLATED_SETTINGS (its publisher) in translation."""
    sources = config.edition_source_settings
    named = [name for name in TRANSLATED_SETTINGS if sources[name] in line]
    if not named:
        logger.warning(
            "copyright = %r names none of %s; the %s edition would show it as written",
            line,
            ", ".join(TRANSLATED_SETTINGS),
            config.language,
            type="edition",
            subtype="metadata",
        )
    for name in sorted(named, key=lambda name: len(sources[name]), reverse=True):  # (a name in a name)
        line = line.replace(sources[name], config[name])
    return line


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.editions")
    # The source-language values of TRANSLATED_SETTINGS, kept for bilingual outputs.
    app.add_config_value("edition_source_settings", {}, "", types=[dict])
    app.connect("config-inited", translate_settings)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
