"""The editions of the book, all derived from conf.py's ``edition_languages``: the source
language (``source/``), each translation (``locale/<lang>``) and its side-by-side view beside
the source, ``<source>-<lang>``. Nothing else in the project lists languages."""

from __future__ import annotations

import functools
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.core import get_global

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


@dataclass(frozen=True)
class Edition:
    """One published edition: a language, or a translation side by side with its source."""

    name: str  # its directory: "ko", "en", "ko-en"
    language: str  # the language built (a view's: its translation's)
    view: bool = False

    @property
    def languages(self) -> list[str]:  # (its pages are written in)
        return self.name.split("-")


def editions(languages: list[str]) -> list[Edition]:
    """The language editions in conf.py's order, then a side-by-side view per translation."""
    source, *translations = languages
    return [Edition(lang, lang) for lang in languages] + [
        Edition(f"{source}-{lang}", lang, view=True) for lang in translations
    ]


def source_language(config: Config) -> str:
    return config.edition_languages[0]


def is_translation(config: Config) -> bool:
    return config.language != source_language(config)


def current(config: Config) -> Edition:
    """The edition this build writes."""
    if config.bilingual_sidebyside and is_translation(config):
        return Edition(f"{source_language(config)}-{config.language}", config.language, view=True)
    return Edition(config.language, config.language)


def language_name(language: str, in_language: str | None = None) -> str:
    """A language's name, in itself (as a switcher offers it: 한국어, English, Français) or in another."""
    name = Locale.parse(language).get_display_name(in_language or language)
    return name[:1].upper() + name[1:]


def og_locale(language: str) -> str:
    """The Open Graph locale of a language (its likely territory): ko_KR, en_US, fr_FR."""
    likely = Locale.parse(get_global("likely_subtags").get(language, language))
    return f"{likely.language}_{likely.territory}" if likely.territory else likely.language


@functools.cache
def settings(root: Path) -> dict[str, Any]:
    """The settings of a project's conf.py, for the tools that are not Sphinx builds."""
    return runpy.run_path(str(root / "conf.py"))


def project_languages(root: Path) -> list[str]:
    return list(settings(root)["edition_languages"])


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_languages", ["ko", "en"], "env", types=[list])
    app.add_config_value("edition_main_doc", "index", "env", types=[str])
    app.add_config_value("bilingual_sidebyside", False, "html", types=[bool])
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
