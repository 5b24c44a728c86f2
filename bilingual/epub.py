"""EPUB edition: Sphinx's epub theme instead of furo's templates, a description, a reproducible zip
(every entry at ``SOURCE_DATE_EPOCH``, fixed permissions), and the book's identifier in the NCX,
which epubcheck requires (NCX-001) and Sphinx confuses with the identifier's XML id."""

import html
import os
import time
import zipfile
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util.typing import ExtensionMetadata

from bilingual.web import edition_root


class EditionEpub3Builder(Epub3Builder):
    """Sphinx's EPUB 3 builder, with a valid NCX and a reproducible zip."""

    def prepare_writing(self, docnames: set[str]) -> None:
        """Declare the book's language on every page, so that ``:lang(ko)`` styles apply."""
        lang = html.escape(self.config.language)
        self.html_tag = self.html_tag.replace("<html ", f'<html lang="{lang}" xml:lang="{lang}" ', 1)
        super().prepare_writing(docnames)

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        """Give the NCX the book's identifier (dtb:uid), as in content.opf."""
        return {**super().toc_metadata(level, navpoints), "uid": html.escape(self.config.epub_identifier)}

    def build_epub(self) -> None:
        """Write the zip: mimetype first and stored, then the rest, all with one timestamp."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch is None:
            super().build_epub()
            return
        date_time = max((1980, 1, 1, 0, 0, 0), time.gmtime(int(epoch))[:6])  # (the earliest a zip holds)
        with zipfile.ZipFile(self.outdir / f"{self.config.epub_basename}.epub", "w") as epub:
            for name in ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *self.files]:
                info = zipfile.ZipInfo(name, date_time=date_time)
                info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3  # Unix, whatever system builds it
                epub.writestr(info, (self.outdir / name).read_bytes())


def identify_edition(app: Sphinx, config: Config) -> None:
    config.epub_identifier = edition_root(config, config.language)


def use_epub_theme_templates(app: Sphinx) -> None:
    """Keep the HTML theme's page overrides (furo markup) out of the EPUB."""
    if app.builder.name == "epub":
        app.config.templates_path = list(app.config.epub_templates_path)
        app.builder.init_templates()


def describe_from_root_document(app: Sphinx, env: BuildEnvironment) -> None:
    """Use the root document's first paragraph, as translated, as the EPUB's description."""
    if app.builder.name != "epub":
        return
    paragraph = next(env.get_doctree(app.config.root_doc).findall(nodes.paragraph), None)
    if paragraph is not None:
        app.config.epub_description = " ".join(paragraph.astext().split())


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_builder(EditionEpub3Builder, override=True)
    app.add_config_value("epub_templates_path", [], "epub", types=[list])
    app.setup_extension("bilingual.web")
    app.connect("config-inited", identify_edition)
    app.connect("builder-inited", use_epub_theme_templates)
    app.connect("env-updated", describe_from_root_document)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
