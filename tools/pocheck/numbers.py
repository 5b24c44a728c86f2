"""Numbers preserved: every figure of the Korean appears in the English, Korean units converted
(English catalogs only: their month names, number words and scales)."""

import re
from decimal import Decimal

from babel.dates import get_month_names
from babel.numbers import format_compact_decimal, format_decimal

from tools.pocheck.catalogs import Entry, Problem, Project
from tools.pocheck.myst import analyse

MONTHS = [get_month_names("wide", locale="en")[month] for month in range(1, 13)]
WORDS, ORDINALS = (
    "zero one two three four five six seven eight nine ten eleven twelve".split(),  # noqa: SIM905
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(),  # noqa: SIM905
)
KOREAN_UNITS = {"천": 10**3, "만": 10**4, "억": 10**8, "조": 10**12}
ENGLISH_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}

#: A figure in the Korean: a dotted date, or a number with an optional unit and counter.
SOURCE_FIGURE = re.compile(
    r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"
    r"|(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s?(?P<unit>[천만억조](?![가-힣]))?(?P<counter>[년월일차위])?"
)
AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")


class English:
    """The figures an English text contains, in every form we accept."""

    def __init__(self, text: str) -> None:
        text = THOUSANDS_COMMA.sub("", text)
        self.integers = {int(n) for n in re.findall(r"\d+", text)}
        self.decimals = set(re.findall(r"\d+\.\d+", text))
        amounts = {Decimal(n) * ENGLISH_SCALES[scale.lower()] for n, scale in AMOUNT.findall(text)}
        self.amounts = amounts | set(map(Decimal, self.integers))
        self.words = set(re.findall("[a-z]+", text.lower()))

    def has_integer(self, n: int, *, ordinal: bool = False) -> bool:
        names = ORDINALS if ordinal else WORDS
        return n in self.integers or (n < len(names) and names[n] in self.words)

    def has_month(self, m: int) -> bool:
        return MONTHS[m - 1].lower() in self.words or m in self.integers


def missing(figure: re.Match[str], english: English) -> str | None:
    """How *figure* should appear in English, if it does not; None when it does."""
    if figure["y"]:
        y, m, d = int(figure["y"]), int(figure["m"]), int(figure["d"])
        month_ok = 1 <= m <= 12 and english.has_month(m)
        if english.has_integer(y) and month_ok and english.has_integer(d):
            return None
        return f"{MONTHS[m - 1] if 1 <= m <= 12 else m} {d}, {y}"
    number, unit, counter = figure["num"].replace(",", ""), figure["unit"], figure["counter"]
    if unit:
        value = Decimal(number) * KOREAN_UNITS[unit]  # as an English reader expects it: 2 billion, 50,000
        if value in english.amounts:
            return None
        if value >= 10**6:
            return format_compact_decimal(value, format_type="long", locale="en", fraction_digits=12)
        return format_decimal(value, locale="en", decimal_quantization=False)
    if "." in number:
        return None if number in english.decimals else number
    n = int(number)
    if counter == "월" and 1 <= n <= 12:
        return None if english.has_month(n) else MONTHS[n - 1]
    if counter in ("차", "위"):
        return None if english.has_integer(n, ordinal=True) else f"{ORDINALS[n] if n < 13 else n}"
    return None if english.has_integer(n) else str(n)


def check(project: Project, entry: Entry) -> list[Problem]:
    """Every figure of the msgid must be in the msgstr (link targets and role targets aside)."""
    if entry.language != "en":
        return []
    english = English(analyse(entry.msgstr).visible_text)
    problems = []
    for figure in SOURCE_FIGURE.finditer(analyse(entry.msgid).visible_text):
        if (expected := missing(figure, english)) is not None:
            what = f"the figure “{figure[0].strip()}” of the Korean is missing from the English"
            units = " (억 = 100 million, 만 = 10,000)" if figure["unit"] else ""
            problems.append(entry.problem(what, f"write it as {expected}{units}"))
    return problems
