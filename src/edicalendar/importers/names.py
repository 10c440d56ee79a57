"""Names of observances: normalising, comparing, slugs and category guesses.

Sources spell one observance many ways ("LGBT+ History Month 2026", "LGBTQ+ history month (UK)").
:func:`normalise` folds those together; :func:`similarity` scores two names with difflib and
refuses pairs whose words do not pair up, so "International Men's Day" never matches "International
Women's Day" however close the letters are. Categories guessed from keywords are a starting point
for review, never a decision.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from edicalendar.model import Category

#: A close match needs at least this difflib ratio between normalised names.
CLOSE_MATCH = 0.85

_SYNONYMS = (
    (re.compile(r"\blgbt(?:q(?:ia)?)?\+?(?=\s|\Z)"), "lgbt"),
    (re.compile(r"&"), " and "),
    (re.compile(r"\bint'?l\b"), "international"),
)
_DROP = re.compile(r"\((?:uk|england|gb|united kingdom)\)|\b(?:19|20)\d{2}\b|\buk\b|^the\b")

#: Transliterations calendars spell differently, folded to the spelling edicalendar uses
#: (applied to normalised words). "Eid ul-Fitr", "Eid-el-Fitr" and "Eid al-Fitr" are one day.
_SPELLINGS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\b(eid|id) (?:ul|el|al|e|ul al) ", r"eid al "),
        (r"\b(?:lail|layl)(?:at|atul|et|atal)(?: (?:ul|al))? ", "laylat al "),
        (r"\b(?:chanukah|chanukkah|hanukah|hannukah|chanuka)\b", "hanukkah"),
        (r"\b(?:baisakhi|vasakhi|visakhi)\b", "vaisakhi"),
        (r"\bwesak\b", "vesak"),
        (r"\b(?:divali|deepawali|dipavali)\b", "diwali"),
        (r"\b(?:navratri|navarathri|navaratri)\b", "navaratri"),
        (r"\b(?:ramadhan|ramzan|ramazan)\b", "ramadan"),
        (r"\brosh hashana\b", "rosh hashanah"),
        (r"\byom kipur\b", "yom kippur"),
        (r"\b(?:succot|sukkoth|succoth)\b", "sukkot"),
        (r"\b(?:shavuoth|shavuos)\b", "shavuot"),
        (r"\b(?:janmashtmi|janmastami)\b", "janmashtami"),
        (r"\b(?:nowruz|norooz|noruz)\b", "nowruz"),
        (r"\bmuharam\b", "muharram"),
        (r"\bashoura\b", "ashura"),
        (r"\bdussera\b", "dussehra"),
    )
)

#: Words a calendar adds to a name that do not change which observance it is ("Start of
#: Ramadan", "Diwali (approx.)"); tried only when the name as written matches nothing.
_NOISE = re.compile(
    r"^(?:start of|beginning of|first day of|begins|starts)\s+|\s+(?:begins|starts|start|"
    r"approx|approximately|estimated|provisional|tbc|to be confirmed|observed|date tbc)\Z"
)

#: Keyword stems (in normalised names) that suggest a category; reviewed, never final.
KEYWORDS: dict[Category, tuple[str, ...]] = {
    Category.SEXUAL_ORIENTATION: ("lgbt", "pride", "bisexual", "lesbian", "gay", "asexual",
                                  "homophobia", "coming out"),
    Category.GENDER_REASSIGNMENT: ("trans", "non binary", "nonbinary", "intersex"),
    Category.SEX: ("women", "woman", "men s", "mens", "girls", "gender", "menopause"),
    Category.DISABILITY: ("disab", "deaf", "autis", "neurodivers", "dyslexia", "adhd", "blind",
                          "sign language", "learning disab", "wheelchair"),
    Category.RACE: ("black", "race", "racism", "heritage", "windrush", "gypsy", "roma",
                    "traveller", "refugee", "asian", "african", "caribbean", "ethnic", "slavery"),
    Category.RELIGION_BELIEF: ("eid", "ramadan", "diwali", "christmas", "easter", "hanukkah",
                               "chanukah", "passover", "pesach", "vaisakhi", "baisakhi", "rosh",
                               "yom kippur", "holi", "navaratri", "lent", "faith", "interfaith",
                               "holocaust", "vesak", "wesak", "guru", "lohri", "purim", "sukkot",
                               "shavuot", "ashura", "muharram", "mawlid", "hajj", "puja",
                               "janmashtami", "pentecost", "advent", "bodhi", "parinirvana"),
    Category.HEALTH_WELLBEING: ("mental health", "wellbeing", "cancer", "aids", "hiv", "stress",
                                "suicide", "carers", "dementia", "health", "loneliness",
                                "nutrition", "menopause"),
    Category.AGE: ("older", "elder", "age", "youth", "young", "children", "grandparent"),
    Category.PREGNANCY_MATERNITY: ("pregnan", "maternity", "baby loss", "breastfeeding",
                                   "miscarriage"),
    Category.MARRIAGE_CIVIL_PARTNERSHIP: ("marriage", "civil partnership", "wedding"),
}  # fmt: skip

#: Words a spreadsheet's category or faith column may use, mapped to categories.
CATEGORY_WORDS: dict[str, Category] = {
    **{c.value.replace("_", " "): c for c in Category},
    **{c.value: c for c in Category},
    "religion": Category.RELIGION_BELIEF,
    "faith": Category.RELIGION_BELIEF,
    "belief": Category.RELIGION_BELIEF,
    "religion or belief": Category.RELIGION_BELIEF,
    "sexual orientation": Category.SEXUAL_ORIENTATION,
    "lgbt": Category.SEXUAL_ORIENTATION,
    "lgbtq": Category.SEXUAL_ORIENTATION,
    "gender reassignment": Category.GENDER_REASSIGNMENT,
    "trans": Category.GENDER_REASSIGNMENT,
    "gender": Category.SEX,
    "women": Category.SEX,
    "ethnicity": Category.RACE,
    "health": Category.HEALTH_WELLBEING,
    "wellbeing": Category.HEALTH_WELLBEING,
    "health and wellbeing": Category.HEALTH_WELLBEING,
    "mental health": Category.HEALTH_WELLBEING,
    "pregnancy": Category.PREGNANCY_MATERNITY,
    "maternity": Category.PREGNANCY_MATERNITY,
    "marriage": Category.MARRIAGE_CIVIL_PARTNERSHIP,
    # The labels edicalendar's own feeds write in CATEGORIES.
    "marriage and civil partnership": Category.MARRIAGE_CIVIL_PARTNERSHIP,
    "pregnancy and maternity": Category.PREGNANCY_MATERNITY,
    "general edi": Category.GENERAL_EDI,
    "edi": Category.GENERAL_EDI,
    "general": Category.GENERAL_EDI,
    "inclusion": Category.GENERAL_EDI,
}


def normalise(name: str) -> str:
    """Lower-case words without accents, punctuation, years, "(UK)", LGBT+ or transliteration
    spelling differences ("Bahá'í" is "bahai", "Eid ul-Fitr" is "eid al fitr")."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'").replace("‘", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text).lower()
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    text = _DROP.sub(" ", text)
    # An apostrophe inside a word joins it ("Ta'anit", "Women's"); other punctuation separates.
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)
    text = " ".join(re.sub(r"[^\w\s]", " ", text).split())
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return text


def name_forms(name: str) -> list[tuple[str, bool]]:
    """`name` and the shorter names it may stand for, most specific first, normalised, each
    with whether a close (misspelt) match is allowed on it.

    "Diwali (Hindu festival of light)" is also "Diwali" and, exactly only, "Hindu festival of
    light"; "Start of Ramadan" is also "Ramadan". The importer tries each against the calendar.
    """
    forms = [(normalise(name), True)]
    bare = re.sub(r"\s*\([^)]*\)", " ", name)
    if bare.strip() != name.strip():
        forms.append((normalise(bare), True))
        forms += [(normalise(inner), False) for inner in re.findall(r"\(([^)]*)\)", name)]
    for form, close in list(forms):
        stripped = _NOISE.sub("", form)
        while stripped != form:
            form, stripped = stripped, _NOISE.sub("", stripped)
        forms.append((stripped, close))
    unique: list[tuple[str, bool]] = []
    for form, close in forms:
        if form and form not in (f for f, _ in unique):
            unique.append((form, close))
    return unique


@lru_cache(maxsize=4096)
def _letters(word: str) -> Counter[str]:
    return Counter(word)


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    total = len(a) + len(b)
    # Upper bounds of difflib's ratio (as its real_quick_ratio and quick_ratio) reject most
    # pairs before the full comparison.
    if 2 * min(len(a), len(b)) < CLOSE_MATCH * total:
        return False
    if 2 * sum((_letters(a) & _letters(b)).values()) < CLOSE_MATCH * total:
        return False
    return SequenceMatcher(None, a, b).ratio() >= CLOSE_MATCH


def normalised_similarity(left: str, right: str) -> float:
    """:func:`similarity` of two names already passed through :func:`normalise`."""
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    left_words, right_words = left.split(), right.split()
    if len(left_words) != len(right_words):
        return 0.0
    for word in left_words:
        if not any(_close(word, other) for other in right_words):
            return 0.0
    return SequenceMatcher(None, left, right).ratio()


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0..1 (1 = same once normalised); 0 when the words differ."""
    return normalised_similarity(normalise(a), normalise(b))


def slug(name: str) -> str:
    """An id for a new observance: ASCII, lower-case, dashes, no years (stable for a name)."""
    folded = unicodedata.normalize("NFKD", normalise(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60].strip("-")
    if not text:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        return f"observance-{digest}"
    return text


def guess_categories(name: str, hints: tuple[str, ...], tradition: str | None) -> list[Category]:
    """Categories from the source's own words, a faith tag and keywords in the name."""
    found: list[Category] = []
    for hint in hints:
        category = CATEGORY_WORDS.get(normalise(hint)) or CATEGORY_WORDS.get(hint.strip().lower())
        if category is not None and category not in found:
            found.append(category)
    if tradition and Category.RELIGION_BELIEF not in found:
        found.append(Category.RELIGION_BELIEF)
    text = f" {normalise(name)} "
    for category, words in KEYWORDS.items():
        if category in found:
            continue
        if any(f" {word}" in text for word in words):
            found.append(category)
    return found or [Category.GENERAL_EDI]
