"""The catalog gate applies the house style's exact rules (tools/pocheck/house_style.py): file,
line and what to write instead, as style; the real catalogs follow them."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, catalog_project
from tools.pocheck import STYLE, Project, check_catalogs, house_style
from tools.pocheck.catalogs import load_entries

#: A glossary of two companies and a concept, as source/glossary.md and glossary.po write them.
GLOSSARY = {
    "source/glossary.md": """(glossary-companies)=
## 기업

```{glossary}
디디추싱
  영어로 Didi Chuxing. 중국의 차량 호출 서비스 업체.

카메라360
  영어로 Camera360. 사진 앱.
```

(glossary-concepts)=
## 개념

```{glossary}
공유경제
  영어로 sharing economy. 나누어 쓰는 경제.
```
""",
    "locale/en/LC_MESSAGES/glossary.po": """msgid ""
msgstr ""
"Language: en\\n"

msgid "디디추싱"
msgstr "Didi Chuxing"

msgid "영어로 Didi Chuxing. 중국의 차량 호출 서비스 업체."
msgstr "In the Korean edition: 디디추싱. A Chinese ride-hailing company that carries people."

msgid "카메라360"
msgstr "Camera360"

msgid "영어로 Camera360. 사진 앱."
msgstr "In the Korean edition: 카메라360. A photo app made in China."

msgid "공유경제"
msgstr "sharing economy"

msgid "영어로 sharing economy. 나누어 쓰는 경제."
msgstr "In the Korean edition: 공유경제. The economy of sharing."
""",
    "locale/en/wordlist.txt": "Chuxing\nDidi\n",
}

#: (msgid, msgstr, what the gate says of it; None: nothing at all).
CASES = [
    ("중국, 혁신성과 로컬리티(Locality)의 사례", "China: A Case of Innovation and Locality", None),
    (
        "중국, 혁신성과 로컬리티: 한국어·영어 판",
        "China: Innovation and Locality, in Korean and English",
        (
            "the house style’s China: A Case of Innovation and Locality, in Korean and English is missing — "
            "write exactly: China: A Case of Innovation and Locality, in Korean and English"
        ),
    ),
    (
        "「중국, 혁신성과 로컬리티(Locality)의 사례」를 읽는다.",
        "We read “China: A Case of Innovation and Locality.”",
        None,
    ),
    (
        "「중국, 혁신성과 로컬리티(Locality)의 사례」를 본다.",
        "We see “China, Innovation and Locality.”",
        ("the house style’s “China: A Case of Innovation and Locality” is missing"),
    ),
    (
        "그 칼럼은 혁신을 말한다.",
        "The column China: Innovation and Locality talks about innovation.",
        ("“Innovation and Locality” is another form of China: A Case of Innovation and Locality"),
    ),
    ("전문가 칼럼", "Expert Column", None),
    (
        "전문가 칼럼에 실렸다.",
        "It appeared in the expert column.",
        "the house style’s Expert Column is missing",
    ),
    ("우리의 수요", "our demand", None),
    ("우리가 가진 수요", "the demand of Korea", "우리 is not translated as we, us or our"),
    ("중국의 도약", "China’s leap and the drivers’ records", None),
    (
        "큰따옴표",
        'the "thing" here',
        ('a straight double quote " in: the "thing" here — write curly quotes “ and ”: the “thing” here'),
    ),
    ("작은따옴표", "China's leap", "a straight single quote ' in: China's leap — write ’ for an apostrophe"),
    (
        "홑낫표",
        "the ‘thing’ here",
        "a single quotation mark ‘ in: the ‘thing’ here — quote with “ and ”: the “thing” here",
    ),
    (
        "쉼표",
        "the “thing”, here",
        "a comma or period after the closing quotation mark in: the “thing”, here — put it",
    ),
    ("닫지 않은 따옴표", "the “thing here", "a quotation opened with “ and never closed — close it with ”"),
    ("뒤바뀐 따옴표", "the ”thing“ here", "” where “ is due, in: the ”thing“ here"),
    (
        "`\"code\"`와 [링크](https://example.org/'x')",
        "the `\"code\"` and [a link](https://example.org/'x') stay",
        None,
    ),
    ("차량 호출 업체 {term}`디디추싱`", "the ride-hailing company {term}`Didi Chuxing <디디추싱>`", None),
    (
        "차량공유 업체 {term}`디디추싱`",
        "the ride-sharing company {term}`Didi Chuxing <디디추싱>`",
        ("“ride-sharing”: the glossary describes Didi Chuxing with “ride-hailing” — write “ride-hailing”"),
    ),
    (
        "앱 {term}`디디추싱`",
        "the ride-hailing app {term}`Didi Chuxing <디디추싱>`",
        (
            "Didi Chuxing described with “app” in: the ride-hailing app Didi Chuxing — use its glossary "
            "descriptor: “ride-hailing company”"
        ),
    ),
    ("{term}`카메라360`, 카메라 앱", "{term}`Camera360 <카메라360>`, a camera app", None),
    (
        "{term}`카메라360`, 카메라 업체",
        "{term}`Camera360 <카메라360>`, a camera company",
        ("Camera360 described with “company”"),
    ),
]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The gate's problems with the cases' catalog, per case (its msgid)."""
    path = catalog_project(
        tmp_path_factory.mktemp("house"), [(msgid, msgstr) for msgid, msgstr, _ in CASES], GLOSSARY
    )
    project = Project(path.parents[3])
    problems = check_catalogs(project, [path])
    assert {problem.kind for problem in problems} == {STYLE}
    lines = {entry.msgid: entry.line for entry in load_entries(project, path)}
    return {
        msgid: [
            str(p).removeprefix(f"locale/en/LC_MESSAGES/page.po:{lines[msgid]}: ")
            for p in problems
            if p.line == lines[msgid]
        ]
        for msgid, _, _ in CASES
    }


@pytest.mark.parametrize(("msgid", "msgstr", "says"), CASES, ids=[case[1][:40] for case in CASES])
def test_the_gate_says_where_the_house_style_is_not_followed_and_what_to_write(
    found: dict[str, list[str]], msgid: str, msgstr: str, says: str | None
) -> None:
    if says is None:
        assert found[msgid] == []
    else:
        assert len(found[msgid]) == 1 and found[msgid][0].startswith(says), found[msgid]


def test_descriptors_come_from_the_glossary_notes_of_the_companies_section() -> None:
    described = {company.name: company.descriptor for company in house_style.companies(ROOT, "en")}
    assert described["Didi Chuxing"] == described["Uber"] == "ride-hailing company"
    assert described["Mobike"] == described["ofo"] == "bike-sharing company"
    assert described["Hanergy"] == "thin-film solar cell maker"
    assert len(described) == 14 and "sharing economy" not in described  # (every company, no concept)


def test_the_fixed_forms_are_the_house_style_s() -> None:
    """The title and the renderings the check enforces are those docs/translating.md states."""
    house = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8").split("## House style", 1)[1]
    for english in [*house_style.WHOLE.values(), *house_style.WITHIN.values()]:
        assert f"`{english}`" in house, english
    for word, synonyms in house_style.SYNONYMS.items():
        assert f"| {word} company |" in house and all(f"`{synonym}`" in house for synonym in synonyms)


def test_real_catalogs_follow_the_house_style() -> None:
    project = Project(ROOT)
    catalogs = sorted((ROOT / "locale" / "en" / "LC_MESSAGES").glob("*.po"))
    entries = [entry for catalog in catalogs for entry in load_entries(project, catalog) if entry.translated]
    assert len(entries) > 90
    assert [str(p) for entry in entries for p in house_style.check(project, entry)] == []
