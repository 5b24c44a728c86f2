"""The catalog gate names file and line of every problem, and no hazard is published."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_project
from tools.pocheck import HAZARD, LAG, STYLE, Project, check_catalogs
from tools.pocheck.catalogs import formatted, load_entries, read_catalog

COLUMN = "locale/en/LC_MESSAGES/column.po"
INDEX = "locale/en/LC_MESSAGES/index.po"
GLOSSARY = "locale/en/LC_MESSAGES/glossary.po"


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, published once with its good catalogs."""
    project = copy_project(tmp_path_factory.mktemp("published") / "project")
    result = publish(project)
    assert result.returncode == 0, result.stderr
    return project


def publish(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(project / "tools" / "publish.py"),
            "html",
            "--build-dir",
            str(project / "build"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def snapshot(directory: Path, *editions: str) -> dict[str, str]:
    """Every file of some editions of a site, with a hash of its bytes."""
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for edition in editions
        for p in sorted((directory / edition).rglob("*"))
        if p.is_file()
    }


def msgstr_line(path: Path, msgid_start: str) -> int:
    """The msgstr line of the first entry whose msgid starts with *msgid_start*."""
    project = Project(path.parents[3])
    return next(e.line for e in load_entries(project, path) if e.msgid.startswith(msgid_start))


def set_translation(path: Path, msgid_start: str, change: Callable[[str], str], fuzzy: bool = False) -> None:
    """Change one msgstr and write the catalog in the project's form (so only that change is wrong)."""
    catalog = read_catalog(path)
    message = next(m for m in catalog if m.id and m.id.startswith(msgid_start))
    message.string = change(message.string)
    if fuzzy:
        message.flags.add("fuzzy")
    path.write_bytes(formatted(catalog))


@dataclass
class Breakage:
    """A way to break a catalog, and the line and words the gate must report."""

    name: str
    catalog: str
    breaks: Callable[[Path], int]  # breaks the file, returns the line that must be named
    says: str
    kind: str = HAZARD


def replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = text.encode("utf-8")
    path.write_bytes(b"\n".join(lines))


def unterminated_quote(path: Path) -> int:
    line = msgstr_line(path, "작성자")
    replace_line(path, line, 'msgstr "Author')
    return line


def garbage_line(path: Path) -> int:
    line = msgstr_line(path, "작성자") + 1
    replace_line(path, line, "this line is no PO syntax")
    return line


def invalid_utf8(path: Path) -> int:
    line = msgstr_line(path, "작성자")
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = b'msgstr "Auth\xffor"'
    path.write_bytes(b"\n".join(lines))
    return line


def wrong_language(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Language: en', '"Language: ko'), encoding="utf-8")
    return text.splitlines().index('"Language: en\\n"') + 1


def decomposed_hangul(path: Path) -> int:
    """Decompose (NFD) the Korean headword of Didi Chuxing's glossary note, as some systems type it."""
    set_translation(
        path, "영어로 Didi Chuxing", lambda s: s.replace("디디추싱", unicodedata.normalize("NFD", "디디추싱"))
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if not unicodedata.is_normalized("NFC", text))


def edit(msgid_start: str, change: Callable[[str], str], fuzzy: bool = False) -> Callable[[Path], int]:
    def breaks(path: Path) -> int:
        set_translation(path, msgid_start, change, fuzzy)
        entry = next(
            e for e in load_entries(Project(path.parents[3]), path) if e.msgid.startswith(msgid_start)
        )
        return entry.flag_line if fuzzy else entry.line

    return breaks


P2 = "중국에 진출한"
BREAKAGES = [
    Breakage("unterminated quote", COLUMN, unterminated_quote, "end-of-line within string"),
    Breakage("garbage line", COLUMN, garbage_line, "msgfmt"),
    Breakage("invalid UTF-8", COLUMN, invalid_utf8, "invalid multibyte sequence"),
    Breakage(
        "script mid-sentence",
        COLUMN,
        edit(P2, lambda s: s.replace("Yet in a", "Yet <script>alert(1)</script> in a")),
        "<script>",
    ),
    Breakage(
        "img onerror mid-sentence",
        COLUMN,
        edit(P2, lambda s: s.replace("Yet in a", "Yet <img src=x onerror=alert(1)> in a")),
        "<img>",
    ),
    Breakage(
        "template syntax",
        COLUMN,
        edit(P2, lambda s: s.replace("Yet in a", "Yet {{ env.config }} in a")),
        "template syntax",
    ),
    Breakage("changed number", COLUMN, edit(P2, lambda s: s.replace("US$2 billion", "US$3 billion")), "20억"),
    Breakage("fuzzy entry", COLUMN, edit("작성자", lambda s: s, fuzzy=True), "fuzzy", LAG),
    Breakage("empty msgstr", COLUMN, edit("작성자", lambda s: ""), "untranslated", LAG),
    Breakage("unbalanced strong", COLUMN, edit("작성자", lambda s: f"**{s}"), "unclosed **"),
    Breakage(
        "changed link target",
        INDEX,
        edit("[칼럼 본문]", lambda s: s.replace("(column.md)", "(columns.md)")),
        "link targets differ",
    ),
    Breakage(
        "glossary term translated another way",
        COLUMN,
        edit("본고에서", lambda s: s.replace("demand regimes", "demand systems")),
        "“수요체제” is not translated as “demand regime”",
    ),
    Breakage(
        "term role pointing elsewhere",
        COLUMN,
        edit("{term}`한유경`", lambda s: s.replace("<한유경>", "<대외협력팀>")),
        "target “한유경” is missing",
    ),
    Breakage(
        "reference-style link",
        INDEX,
        edit("각 쪽 맨 위의", lambda s: s + " See [the column][col]."),
        "reference-style link",
    ),
    Breakage(
        "title that MyST reads as a list",
        COLUMN,
        edit("중국, 혁신성과", lambda s: f"1. {s}"),
        "MyST reads this translation as a numbered list",
    ),
    Breakage(
        "paragraph that MyST reads as a heading",
        COLUMN,
        edit(P2, lambda s: f"# {s}"),
        "as a heading, not as one paragraph",
    ),
    Breakage(
        "strong that a letter follows after punctuation",
        COLUMN,
        edit("작성자", lambda s: "**Author(s)**s"),
        "**Author(s)**s is not strong: the closing ** sits between punctuation “)” and the letter “s”",
    ),
    Breakage(
        "straight quotation marks",
        COLUMN,
        edit(P2, lambda s: s.replace("Yet in a", 'Yet "in" a')),
        'a straight double quote " in:',
        STYLE,
    ),
    Breakage(
        "descriptor the house style forbids",
        COLUMN,
        edit("인공지능, 블록체인", lambda s: s.replace("ride-hailing company", "ride-sharing company")),
        "“ride-sharing”: the glossary describes Didi Chuxing and Uber with “ride-hailing”",
        STYLE,
    ),
    Breakage("decomposed Hangul", GLOSSARY, decomposed_hangul, "is not in Unicode NFC", STYLE),
    Breakage("misspelling", COLUMN, edit("작성자", lambda s: "Auhtor"), "unknown word: Auhtor", STYLE),
    Breakage(
        "repeated word", COLUMN, edit("작성자", lambda s: "Author Author"), "pofilter doublewords", STYLE
    ),
    Breakage("trailing space", COLUMN, edit("작성자", lambda s: "Author "), "pofilter endwhitespace", STYLE),
    Breakage(
        "direction override",
        COLUMN,
        edit(P2, lambda s: s.replace("Yet in a", "Yet \u202ein a")),
        "direction-changing characters the Korean does not have (U+202E)",
    ),
    Breakage(
        "wrong Language header",
        COLUMN,
        wrong_language,
        "header Language",
    ),
]


@pytest.fixture
def broken(published: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, Breakage, int]]:
    """Break one catalog of the published copy; restore it afterwards."""
    breakage: Breakage = request.param
    path = published / breakage.catalog
    original = path.read_bytes()
    try:
        line = breakage.breaks(path)
        yield published, breakage, line
    finally:
        path.write_bytes(original)


def test_real_catalogs_pass_the_gate() -> None:
    assert [str(p) for p in check_catalogs(Project(ROOT))] == []


@pytest.mark.slow
@pytest.mark.parametrize("broken", BREAKAGES, ids=[b.name for b in BREAKAGES], indirect=True)
def test_gate_names_file_line_kind_and_what_to_do(broken: tuple[Path, Breakage, int]) -> None:
    project, breakage, line = broken
    problems = check_catalogs(Project(project))
    named = [
        p for p in problems if str(p).startswith(f"{breakage.catalog}:{line}: ") and breakage.says in str(p)
    ]
    assert named, [str(p) for p in problems]
    assert {p.kind for p in named} == {breakage.kind}
    assert all(" — " in str(p) for p in problems)  # every message says what to do


#: The publisher acts on a problem's kind alone (tools/publish.py, gate()): a breakage of each kind,
#: and the hazards that would bring live markup or reversed text onto a page, published for real.
PUBLISHED = ("invalid UTF-8", "script mid-sentence", "direction override", "fuzzy entry", "misspelling")


@pytest.mark.slow
@pytest.mark.parametrize(
    "broken", [b for b in BREAKAGES if b.name in PUBLISHED], ids=lambda b: b.name, indirect=True
)
def test_no_hazard_is_published_and_lag_and_style_are(broken: tuple[Path, Breakage, int]) -> None:
    project, breakage, line = broken
    before = snapshot(project / "build" / "html", "en", "ko-en")
    result = publish(project)
    if breakage.kind == HAZARD:  # the English editions stay as they were
        assert result.returncode == 1
        assert f"{breakage.catalog}:{line}: " in result.stderr
        assert snapshot(project / "build" / "html", "en", "ko-en") == before
    else:  # published: lag shown to readers, style noted
        assert result.returncode == 0, result.stderr
        assert snapshot(project / "build" / "html", "en", "ko-en") != before
        if breakage.kind == STYLE:
            assert f"publish: note: {breakage.catalog}:{line}: " in result.stderr


def test_check_command_exits_non_zero_and_prints_path_line(published: Path) -> None:
    path = published / COLUMN
    original = path.read_bytes()
    try:
        line = edit("작성자", lambda s: "")(path)
        result = subprocess.run(
            [sys.executable, str(published / "tools" / "po.py"), "check"],
            cwd=published,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_bytes(original)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{COLUMN}:{line}: untranslated entry")


def test_format_check_fails_until_format_po_rewrites(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / INDEX
    text = path.read_text(encoding="utf-8")
    # Join the first wrapped msgstr line with its continuation, as another editor might.
    unwrapped = re.sub(r' "\n"(?=\w)', " ", text, count=1)
    assert unwrapped != text
    path.write_text(unwrapped, encoding="utf-8")
    problems = [str(p) for p in check_catalogs(Project(project))]
    assert len(problems) == 1 and problems[0].startswith(f"{INDEX}:") and "make format-po" in problems[0]
    subprocess.run([sys.executable, "tools/po.py", "format"], cwd=project, check=True, capture_output=True)
    assert check_catalogs(Project(project)) == []


HEADER_BREAKAGES = [
    ("fuzzy header", lambda text: text.replace('msgid ""\n', '#, fuzzy\nmsgid ""\n', 1), "marked fuzzy"),
    ("no Plural-Forms", lambda text: re.sub(r'"Plural-Forms: [^"]*"\n', "", text, count=1), "Plural-Forms"),
    ("not UTF-8", lambda text: text.replace("charset=utf-8", "charset=ISO-8859-1", 1), "not UTF-8"),
    ("wrong Language", lambda text: text.replace('"Language: en\\n"', '"Language: de\\n"', 1), "Language"),
]


@pytest.mark.parametrize(
    ("breaks", "expected"), [b[1:] for b in HEADER_BREAKAGES], ids=[b[0] for b in HEADER_BREAKAGES]
)
def test_header_problems_are_found_with_or_without_the_form_check(
    tmp_path: Path, breaks: Callable[[str], str], expected: str
) -> None:
    """Without the form check only the header is read by Babel (tools.pocheck.catalogs.read_header):
    it must find what the whole catalog's reading finds, at the same line."""
    project = copy_project(tmp_path / "project")
    path = project / COLUMN
    text = path.read_text(encoding="utf-8")
    path.write_text(breaks(text), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    found = {}
    for form in (None, set()):  # every catalog's form checked, or none's
        problems = check_catalogs(Project(project), [path], form=form)
        found[form is None] = [str(p) for p in problems if "project's form" not in p.what]
    assert found[True] == found[False]
    # (the header's problem first: a catalog read as Latin-1 has more)
    assert found[True] and found[True][0].startswith(f"{COLUMN}:") and expected in found[True][0]


def test_msgfmt_checks_the_catalogs_in_one_run_and_each_alone_if_one_fails(tmp_path: Path) -> None:
    """One msgfmt for all catalogs (a domain each); if it says anything, msgfmt once per
    catalog, whose messages name the file and line."""
    from tools.pocheck import syntax

    project = Project(copy_project(tmp_path / "project"))
    paths = project.all_catalogs()
    assert len(paths) > 1 and syntax.passing_msgfmt(project, paths) == set(paths)
    broken = project.root / COLUMN
    lines = broken.read_text(encoding="utf-8").splitlines()
    broken.write_text(
        "\n".join([*lines, "", 'msgid "an unterminated string', 'msgstr ""', ""]), encoding="utf-8"
    )
    assert syntax.passing_msgfmt(project, paths) == set()
    problems = [str(p) for p in check_catalogs(project)]
    assert len(problems) == 1 and problems[0].startswith(f"{COLUMN}:{len(lines) + 2}: msgfmt:"), problems
    # A catalog with a domain directive of its own is never checked with the others.
    broken.write_text("\n".join([*lines, "", 'domain "other"', ""]), encoding="utf-8")
    assert syntax.passing_msgfmt(project, paths) == set()


#: Messages each of which fails one of the pofilter filters the gate uses, in any way a
#: filter fails (and look-alikes that pass): the filters that cannot fail are not run.
FILTER_CASES = [
    ("줄\\n바꿈", "line break"),
    ("줄\n바꿈", "line break"),
    ("줄 바꿈", "line\nbreak"),
    ("줄 바꿈\r", "line break"),
    ("탭\t있음", "tab here"),
    ("두 칸", "two  spaces"),
    (" 앞 공백", "leading space"),
    ("앞 공백", "\u00a0leading space"),
    ("뒤 공백", "trailing space "),
    ("뒤 공백\u3000", "trailing space"),
    ("반복", "the the word"),
    ("반복", "The. the end"),
    ("반복", "Word\nWORD again"),
    ("반복", "a <b>a</b> b"),
    ("반복", "_: note\nnote note"),
    ("반복", "cafe\u0301 caf\u00e9"),
    ("반복", "the other the"),
    ("주소 https://www.kisdi.re.kr 참고", "see the KISDI site"),
    ("주소 www.kisdi.re.kr 참고", "see www.kisdi.re.kr and www.kisdi.kr"),
    ("ftp:files 참고", "see the files"),
    ("메일 a@kisdi.re.kr", "mail a at kisdi"),
    ("태그 없음", "a <b>tag</b>"),
    ("<b>태그</b>", "a tag"),
    ("{term}`김성옥 <김성옥>` 부연구위원", "{term}`Kim Sung-ok <김성옥>`, Associate Research Fellow"),
    ("`<code>` 속", "in `<code>`"),
    ("평범한 문장.", "A plain sentence."),
]


def test_pofilter_runs_only_the_filters_that_can_fail_and_finds_what_all_of_them_find() -> None:
    import polib

    from tools.pocheck import toolkit

    assert set(toolkit.CAN_FAIL) == {*toolkit.FILTERS, toolkit.XMLTAGS}
    every_filter = toolkit.checker()  # (its default: every filter the gate uses)
    assert set(every_filter.defaultfilters) == set(toolkit.CAN_FAIL)
    messages = list(FILTER_CASES)
    for catalog in (ROOT / "locale" / "en" / "LC_MESSAGES").glob("*.po"):
        messages += [(entry.msgid, entry.msgstr) for entry in polib.pofile(str(catalog)) if entry.msgstr]
    found = {}
    for msgid, msgstr in messages:
        unit = toolkit.toolkit_unit(toolkit.masked(msgid), toolkit.masked(msgstr))
        expected = every_filter.run_filters(unit)
        assert toolkit.failures(msgid, msgstr) == expected, (msgid, msgstr)
        found.update(dict.fromkeys(expected, msgid))
    assert set(found) == set(toolkit.CAN_FAIL), "a filter none of the cases fails"
    # A message without any of what the filters look for runs none of them.
    assert toolkit.can_fail("평범한 문장.", "A plain sentence.") == frozenset()
    assert toolkit.can_fail("반복", "the other the") == frozenset()


def test_glossary_check_looks_for_a_term_before_its_pattern_and_finds_what_the_patterns_find(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The glossary check skips a term whose case-folded text is not in the message; it
    finds the same problems as the patterns alone (an empty text is in every message)."""
    from tools.pocheck import house_style as glossary

    project = Project(ROOT)
    entries = [
        entry
        for catalog in sorted((ROOT / "locale" / "en" / "LC_MESSAGES").glob("*.po"))
        for entry in load_entries(project, catalog)
        if entry.translated
    ]
    cases = [  # a term in another case, beside a longer one, after ß and İ, and missing
        ("cb insights 유니콘 리스트", "the unicorn list"),
        ("CB Insights 유니콘과 디디추싱", "CB Insights unicorns and DiDi"),
        ("Straße의 유니콘", "the street's animals"),
        ("İCT전략연구실의 유니콘", "the division's unicorns"),
    ]
    entries += [
        glossary.Entry("locale/en/LC_MESSAGES/case.po", n, n, msgid, msgstr, False)
        for n, (msgid, msgstr) in enumerate(cases)
    ]
    quick = [glossary.check_glossary(project, entry) for entry in entries]
    terms = glossary.longest_first(tuple(glossary.read_glossary(ROOT, "en")))
    monkeypatch.setattr(glossary, "longest_first", lambda _terms: [(term, "") for term, _ in terms])
    assert quick == [glossary.check_glossary(project, entry) for entry in entries]
    assert all(quick[-len(cases) :]), "a case without a glossary problem"


def test_a_plain_message_is_analysed_as_markdown_it_parses_it() -> None:
    """`myst.analyse` does not parse a message without markup characters: for every real
    message, and for random texts of words, spaces, digits and punctuation (each markup
    character among them), it gives what the parse gives."""
    import random

    import polib

    from tools.pocheck import myst

    texts = []
    for catalog in (ROOT / "locale" / "en" / "LC_MESSAGES").glob("*.po"):
        texts += [
            text for entry in polib.pofile(str(catalog)) for text in (entry.msgid, entry.msgstr) if text
        ]
    words = [
        "중국의",
        "혁신",
        "Locality",
        "2018",
        "1",
        "10",
        ".",
        ")",
        "(",
        ",",
        "?",
        "'",
        '"',
        "/",
        "…",
        " ",
    ]
    others = ["  ", "\t", "\n", "\u00a0", "\u3000", *"!#$%&*+-:<=>@[\\]^_`{}~|"]
    weights = [12] * len(words) + [1] * len(others)
    generator = random.Random(7)
    texts += [
        "".join(generator.choices(words + others, weights, k=generator.randint(1, 8))) for _ in range(5000)
    ]
    plain = [text for text in texts if myst.PLAIN.fullmatch(text)]
    assert len(plain) > len(texts) // 10, "too few plain texts to compare"
    for text in texts:
        assert myst.analyse(text) == myst.parse(text), repr(text)
