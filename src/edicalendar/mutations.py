"""Welsh initial consonant mutations of month and weekday names after the prepositions the
Welsh interface text puts before them: "drwy Fawrth", "i Fehefin", "ym Mawrth", "yng
Ngorffennaf", "ar ddydd Llun".

The tables are the soft and nasal mutations as BBC Learn Welsh's grammar notes set them out
("Y Treigladau – Mutations"): soft c>g, p>b, t>d, g>–, b>f, d>dd, ll>l, rh>r, m>f; nasal
c>ngh, p>mh, t>nh, g>ng, b>m, d>n. The prepositions am, ar, at, dan, dros, drwy (trwy), gan,
heb, hyd, i, o, tan and wrth cause the soft mutation; "yn" (in) causes the nasal one and is
itself written "ym" before m and "yng" before ng ("ym Mangor"). Only the Welsh names of months
and weekdays, and the "dydd" of "dydd Llun", are mutated: they are the words the interface puts
after those prepositions from its own values; names, titles and numbers are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: Soft mutation (treiglad meddal): radical -> mutated; ll and rh before l and r.
SOFT: tuple[tuple[str, str], ...] = (
    ("ll", "l"),
    ("rh", "r"),
    ("c", "g"),
    ("p", "b"),
    ("t", "d"),
    ("g", ""),
    ("b", "f"),
    ("d", "dd"),
    ("m", "f"),
)
#: Nasal mutation (treiglad trwynol).
NASAL: tuple[tuple[str, str], ...] = (
    ("c", "ngh"),
    ("p", "mh"),
    ("t", "nh"),
    ("g", "ng"),
    ("b", "m"),
    ("d", "n"),
)
#: Letters of the Welsh alphabet written with two characters whose first is in a table, which
#: do not mutate: ch ("Chwefror"), ph, th, dd.
_DIGRAPHS = frozenset({"ch", "ph", "th", "dd"})
#: The words after which each mutation comes.
SOFT_AFTER = frozenset(
    {"am", "ar", "at", "dan", "dros", "drwy", "gan", "heb", "hyd", "i", "o", "tan", "trwy", "wrth"}
)
NASAL_AFTER = frozenset({"yn"})
_PREPOSITIONS = SOFT_AFTER | NASAL_AFTER
#: The months and weekdays as CLDR names them in Welsh, and the "dydd" of "dydd Llun".
MONTHS = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)
WEEKDAYS = ("Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul")
_MUTABLE = frozenset({*MONTHS, *WEEKDAYS, "dydd", "Dydd"})
#: A word then a placeholder: "drwy %(month)s".
_BEFORE_VALUE = re.compile(r"(?<![\w’'-])(?P<word>[A-Za-z]+) %\((?P<name>\w+)\)s")


def mutate(word: str, table: tuple[tuple[str, str], ...]) -> str:
    """`word` with its first consonant mutated by `table` (SOFT or NASAL), keeping a capital."""
    lower = word.lower()
    if lower[:2] in _DIGRAPHS:
        return word
    for radical, mutated in table:
        if lower.startswith(radical):
            rest = word[len(radical) :]
            text = mutated + rest if mutated else rest
            return text[:1].upper() + text[1:] if word[:1].isupper() else text
    return word


def _nasal_preposition(word: str, mutated: str) -> str:
    """ "yn" as it is written before a word: "ym" before m, "yng" before ng, else "yn"."""
    lower = mutated.lower()
    if lower.startswith("ng"):
        return word[:1] + "ng"
    if lower.startswith("m"):
        return word[:1] + "m"
    return word


def after_prepositions(
    template: str, values: Mapping[str, object]
) -> tuple[str, dict[str, object]]:
    """`template` and `values` with every month or weekday name that a Welsh preposition of the
    template comes before mutated as that preposition requires ("drwy %(month)s" with "Mawrth
    2027" gives "drwy Fawrth 2027"); anything else is given back unchanged."""
    shown: dict[str, object] = dict(values)
    count = 0

    def fix(found: re.Match[str]) -> str:
        nonlocal count
        word, name = found["word"], found["name"]
        value = values.get(name)
        lower = word.lower()
        if not isinstance(value, str) or lower not in _PREPOSITIONS:
            return found[0]
        first = value.split(" ", 1)[0]
        if first not in _MUTABLE:
            return found[0]
        table = NASAL if lower in NASAL_AFTER else SOFT
        mutated = mutate(first, table)
        if lower in NASAL_AFTER:
            word = _nasal_preposition(word, mutated)
        count += 1
        key = f"{name}__{count}"
        shown[key] = mutated + value[len(first) :]
        return f"{word} %({key})s"

    return _BEFORE_VALUE.sub(fix, template), shown
