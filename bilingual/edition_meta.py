"""Book metadata (title, author, publisher, copyright) in the reader's language: conf.py names the
book in the source language only; a translation looks each setting up as a msgid in its catalogs,
so that English lives only in locale/en."""

from pathlib import Path

import polib
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

from bilingual.editions import is_translation

logger = logging.getLogger(__name__)

#: Settings whose source-language text is replaced by its translation.
TRANSLATED_SETTINGS = ("project", "author", "epub_publisher", "epub_contributor")


def translate_settings(app: Sphinx, config: Config) -> None:
    """Replace the book's title, author and publisher by their translations, in the copyright too."""
    if not is_translation(config):
        return
    locale_dirs = [Path(app.srcdir, d) for d in config.locale_dirs]
    translations: dict[str, str] = {}  # (every translated, non-fuzzy msgid)
    for locale_dir in locale_dirs:
        for po_path in sorted((locale_dir / config.language / "LC_MESSAGES").glob("*.po")):
            for entry in polib.pofile(str(po_path)).translated_entries():
                translations.setdefault(entry.msgid, entry.msgstr)
    sources = config.edition_source_settings = {name: config[name] for name in TRANSLATED_SETTINGS}
    for name, text in sources.items():
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
    named = [name for name in TRANSLATED_SETTINGS if sources[name] in config.copyright]
    if not named:
        logger.warning(
            "copyright = %r names none of %s; the %s edition would show it as written",
            config.copyright,
            ", ".join(TRANSLATED_SETTINGS),
            config.language,
            type="edition",
            subtype="metadata",
        )
    for name in sorted(named, key=lambda name: len(sources[name]), reverse=True):  # (a name in a name)
        config.copyright = config.copyright.replace(sources[name], config[name])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("bilingual.editions")
    app.add_config_value("edition_source_settings", {}, "", types=[dict])  # (their source-language values)
    app.connect("config-inited", translate_settings)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
