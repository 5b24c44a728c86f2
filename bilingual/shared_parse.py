"""One Markdown parse of each page for both editions of a publication.

`tools/publish.py` builds the Korean and English editions side by side, in two forked
processes, and both parse every page's MyST Markdown: the English build then translates
the parsed page in its read transforms. With the environment variable
``BILINGUAL_SHARED_PARSE`` naming a directory (`publish.py` sets it when it builds both
at once: a private temporary directory of that publication, removed afterwards; a
pickle is code, so point it nowhere else), the source-language build stores each
page's parse there, pickled right after MyST's parse and before any transform, and the
translation's build loads it instead of parsing the page again when one is there for
exactly what it would parse. The Korean build reads its pages before the English build
does (the English build compiles its catalogs first, and translating takes longer than
reading), so most pages are found; a page not yet stored is parsed as before.

A parse is stored only when the other build's own parse would be the same and leave the
same in the environment:

- no directive ran: a directive can note objects or dependencies, and its name is looked
  up in the page's language;
- every role was a cross-reference of `ROLES`, which reads the environment and writes
  nothing (docutils' own roles are looked up in the page's language, and MyST's
  substitutions render the configuration);
- it had no front matter (MyST names its fields in the page's language, and parses
  some of their values);
- it logged no warning (each build must give its own), added no pending transform, and
  noted no dependency, inclusion or re-read;
- of the environment it changed only the page's metadata (MyST's word count and front
  matter), which is stored with it and set again when it is loaded, as are the settings
  the parse gave the page (MyST's, for its footnote and anchor transforms).

The file is named after a digest of the page's name, file and text (after ``source-read``),
MyST's configuration, the default role and docutils' settings other than the language,
so a build loads only the parse of the text it read, parsed as it would have parsed it.
The document itself, its settings, reporter and transformer and the environment are not
stored: the pickle refers to them, and they are the loading build's own when it loads.
"""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import logging
import os
import pickle
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers import sphinx_

from bilingual import sidebyside

if TYPE_CHECKING:
    from collections.abc import Iterator

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

VARIABLE = "BILINGUAL_SHARED_PARSE"
#: Roles whose parse is the same in both languages and writes nothing to the environment.
ROLES = frozenset({"term", "doc", "ref", "numref", "std:term", "std:doc", "std:ref", "std:numref"})
#: The document's attributes that belong to the build parsing it (persistent references).
OWN = ("settings", "reporter", "transformer")


class Watch(logging.Handler):
    """What a parse did that makes it a build's own (see the module's docstring), and the
    settings it gave the page (MyST sets some for its transforms)."""

    def __init__(self, document: nodes.document, env: BuildEnvironment, docname: str) -> None:
        super().__init__(logging.WARNING)
        self.document, self.env, self.docname = document, env, docname
        self.own = bool(env.metadata.get(docname))
        self.before = self.traces()
        self.settings_before = dict(vars(document.settings))
        self.settings: dict[str, object] = {}

    def traces(self) -> tuple[object, ...]:
        """What a parse must not leave behind: pending transforms and noted files."""
        env, docname = self.env, self.docname
        return (
            len(self.document.transformer.transforms),
            set(env.dependencies.get(docname, ())),
            set(env.included.get(docname, ())),
            docname in env.reread_always,
        )

    def emit(self, record: logging.LogRecord) -> None:
        self.own = True

    def finish(self) -> None:
        self.own = self.own or self.traces() != self.before
        before = self.settings_before
        self.settings = {
            name: value
            for name, value in vars(self.document.settings).items()
            if name not in before or before[name] is not value
        }


#: The watch of the parse being stored, if any.
WATCHING: list[Watch] = []


def noting(method: Any, own: Any = lambda *args, **kwargs: True) -> Any:
    """*method* of MyST's renderer, which makes a watched parse the build's own when *own*
    says so of its arguments."""

    def noted(renderer: DocutilsRenderer, *args: Any, **kwargs: Any) -> Any:
        if WATCHING and own(*args, **kwargs):
            WATCHING[-1].own = True
        return method(renderer, *args, **kwargs)

    return noted


#: Per environment: the MyST configuration, settings and default role of its last
#: `configuration` digest, and that digest (the same for every page of a build).
CONFIGURATIONS: weakref.WeakKeyDictionary[BuildEnvironment, tuple[object, list, object, bytes]] = (
    weakref.WeakKeyDictionary()
)


def configuration(env: BuildEnvironment) -> bytes:
    """A digest of what a parse depends on besides the page: MyST's configuration, the
    default role and docutils' settings but the language."""
    settings = sorted(
        (name, value) for name, value in env.settings.items() if name not in ("language_code", "env")
    )
    myst, role = env.myst_config, env.config.default_role
    known = CONFIGURATIONS.get(env)
    if known is not None and known[0] is myst and known[1] == settings and known[2] == role:
        return known[3]
    digest = hashlib.sha256(f"{myst!r}\0{role}\0{settings!r}".encode()).digest()
    CONFIGURATIONS[env] = (myst, settings, role, digest)
    return digest


def key(env: BuildEnvironment, docname: str, text: str) -> str:
    """The file name of a page's parse: a digest of the page's name, file and text, and
    of the `configuration`."""
    digest = hashlib.sha256(configuration(env))
    for part in (docname, str(env.doc2path(docname)), text):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


#: The loading build's own objects by name, while it loads a parse.
LOADING: dict[str, object] = {}


def own_object(name: str) -> object:
    """The loading build's object that a stored parse refers to."""
    return LOADING[name]


def own_objects(document: nodes.document, env: BuildEnvironment) -> dict[str, object]:
    """The objects a stored parse refers to but does not hold: the build's own."""
    return {"document": document, "env": env, **{name: getattr(document, name) for name in OWN}}


def pickler(out: BinaryIO, objects: dict[str, object]) -> pickle.Pickler:
    """A pickler that writes each of *objects* as a reference to the loading build's own
    (by their classes: a lookup in C, not a call for every object of the page)."""
    names = {id(obj): name for name, obj in objects.items()}

    def reduce(obj: object) -> tuple[Any, tuple[str]]:
        if id(obj) not in names:
            raise pickle.PicklingError(f"the parse holds a {type(obj).__name__} of its own")
        return own_object, (names[id(obj)],)

    writer = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    writer.dispatch_table = {**copyreg.dispatch_table, **{type(obj): reduce for obj in objects.values()}}
    return writer


class SharedParse:
    """``MystParser.parse``, storing or loading a page's parse (see the module)."""

    def __init__(self) -> None:
        self.parse = sphinx_.MystParser.parse
        self.stored = self.loaded = 0  # (for the tests)

    @staticmethod
    def page(document: nodes.document) -> tuple[BuildEnvironment, str, Path] | None:
        """The build, page and directory of a page's own parse, when parses are shared."""
        directory = os.environ.get(VARIABLE)
        env = getattr(document.settings, "env", None)
        if not directory or env is None or document.children:
            return None
        docname = env.current_document.docname
        if not docname or document.get("source") != str(env.doc2path(docname)):
            return None  # (a message's or a nested parse)
        return env, docname, Path(directory)

    def shared_parse(self) -> Any:
        shared = self

        def parse(parser: sphinx_.MystParser, inputstring: str, document: nodes.document) -> None:
            page = shared.page(document)
            if page is None:
                return shared.parse(parser, inputstring, document)
            env, docname, directory = page
            path = directory / key(env, docname, inputstring)
            if sidebyside.translating(env.config):
                if shared.load(path, document, env, docname):
                    return None
                return shared.parse(parser, inputstring, document)
            with shared.watching(document, env, docname) as watch:
                shared.parse(parser, inputstring, document)
            if not watch.own:
                shared.store(path, watch)
            return None

        return parse

    @contextlib.contextmanager
    def watching(self, document: nodes.document, env: BuildEnvironment, docname: str) -> Iterator[Watch]:
        watch = Watch(document, env, docname)
        sphinx_logger = logging.getLogger("sphinx")
        sphinx_logger.addHandler(watch)
        WATCHING.append(watch)
        try:
            yield watch
        finally:
            WATCHING.pop()
            sphinx_logger.removeHandler(watch)
        watch.finish()

    def store(self, path: Path, watch: Watch) -> None:
        document, env = watch.document, watch.env
        state = {name: value for name, value in vars(document).items() if name not in OWN}
        metadata = dict(env.metadata.get(watch.docname, {}))
        partial = path.with_name(f".{path.name}")
        try:
            with partial.open("wb") as out:
                pickler(out, own_objects(document, env)).dump((state, watch.settings, metadata))
        except (pickle.PicklingError, TypeError, AttributeError):
            partial.unlink(missing_ok=True)
            return  # (parsed again by the other build)
        partial.replace(path)  # (whole or not at all, for the other build)
        self.stored += 1

    def load(self, path: Path, document: nodes.document, env: BuildEnvironment, docname: str) -> bool:
        try:
            data = path.read_bytes()
        except OSError:
            return False
        LOADING.update(own_objects(document, env))
        try:
            state, settings, metadata = pickle.loads(data)
        finally:
            LOADING.clear()
        vars(document).update(state)
        vars(document.settings).update(settings)
        if metadata:
            env.metadata[docname] = metadata
        self.loaded += 1
        return True


SHARED = SharedParse()


def setup(app: Sphinx) -> ExtensionMetadata:
    if not getattr(sphinx_.MystParser.parse, "bilingual_shared", False):
        parse = SHARED.shared_parse()
        parse.bilingual_shared = True  # type: ignore[attr-defined]
        sphinx_.MystParser.parse = parse  # type: ignore[method-assign]
        DocutilsRenderer.run_directive = noting(DocutilsRenderer.run_directive)  # type: ignore[method-assign]
        DocutilsRenderer.render_substitution = noting(DocutilsRenderer.render_substitution)  # type: ignore[method-assign]
        DocutilsRenderer.render_front_matter = noting(DocutilsRenderer.render_front_matter)  # type: ignore[method-assign]
        DocutilsRenderer.render_myst_role = noting(  # type: ignore[method-assign]
            DocutilsRenderer.render_myst_role, lambda token: token.meta.get("name") not in ROLES
        )
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
