"""Write the catalogue sections of docs/observances.md from the shipped calendars and the survey.

Two sections, each between its markers: the calendars surveyed (from
tests/calendar/data/surveyed_calendars.csv: each publisher, what it lists, what edicalendar
lacked and now ships, and what it still does not, with why), and what ships (counts by area
and by category, then every calendar's observances with rule, categories, tone, flags, first
year and recorded years). Run it after changing calendars/ or the survey:

    PYTHONPATH=src python scripts/document_observances.py           # rewrite the sections
    PYTHONPATH=src python scripts/document_observances.py --check   # exit 1 when out of date
"""

from __future__ import annotations

import argparse
import calendar as gregorian
import csv
import re
import sys
from collections import Counter
from pathlib import Path

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.model import (
    BadiRule,
    BankHolidayRule,
    Category,
    EasterRule,
    EthiopianRule,
    FixedRule,
    HebrewRule,
    HijriRule,
    LunisolarRule,
    MonthRule,
    NthWeekdayRule,
    Observance,
    RRuleRule,
    Rule,
    SolarTermRule,
    SpanRule,
    TibetanRule,
    Tone,
    ZoroastrianRule,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "observances.md"
SURVEY = ROOT / "tests" / "calendar" / "data" / "surveyed_calendars.csv"
SECTIONS = {
    "survey": (
        "<!-- survey:begin (written by scripts/document_observances.py) -->",
        "<!-- survey:end -->",
    ),
    "catalogue": (
        "<!-- catalogue:begin (written by scripts/document_observances.py) -->",
        "<!-- catalogue:end -->",
    ),
}

_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_WEEKDAYS = {
    "mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
    "fri": "Friday", "sat": "Saturday", "sun": "Sunday",
}  # fmt: skip
_ETHIOPIAN = ["Meskerem", "Tikimt", "Hidar", "Tahsas", "Tir", "Yekatit", "Megabit", "Miyazya",
              "Ginbot", "Sene", "Hamle", "Nehase", "Pagume"]  # fmt: skip
_ZOROASTRIAN = ["Farvardin", "Ardibehesht", "Khordad", "Tir", "Amardad", "Shehrevar", "Meher",
                "Avan", "Adar", "Dae", "Bahman", "Aspandarmad", "Gatha"]  # fmt: skip
_HIJRI = ["Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula",
          "Jumada al-Akhirah", "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah",
          "Dhu al-Hijjah"]  # fmt: skip


def _month(number: int) -> str:
    return gregorian.month_name[number]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _days(days: int) -> str:
    return f"{abs(days)} day{'' if abs(days) == 1 else 's'} {'after' if days > 0 else 'before'}"


def rule_text(rule: Rule) -> str:
    """The rule in words, as a reader of the catalogue wants it."""
    match rule:
        case FixedRule(month, day):
            return f"{day} {_month(month)}"
        case SpanRule(start_month, start_day, end_month, end_day):
            return f"{start_day} {_month(start_month)} to {end_day} {_month(end_month)}"
        case MonthRule(month):
            return f"all of {_month(month)}"
        case NthWeekdayRule(month, weekday, nth, offset):
            text = f"{_ORDINALS[nth]} {_WEEKDAYS[weekday.value]} of {_month(month)}"
            return f"{_days(offset)} the {text}" if offset else text
        case EasterRule(offset, calendar):
            easter = "Orthodox Easter" if calendar.value == "orthodox" else "Easter Sunday"
            return f"{_days(offset)} {easter}" if offset else easter
        case RRuleRule(text):
            return _rrule_text(text)
        case HijriRule(month, day, whole_month):
            name = _HIJRI[month - 1]
            return f"all of {name} (Hijri)" if whole_month else f"{day} {name} (Hijri)"
        case HebrewRule(month, day):
            return f"{day} {month.replace('_', ' ').title()} (Hebrew)"
        case LunisolarRule(festival):
            return f"lunisolar: {festival.replace('_', ' ')}"
        case SolarTermRule(term, place, _):
            return f"{term.replace('_', ' ')} ({place.title()})"
        case BadiRule(month, day, holy_day, whole_month):
            if holy_day:
                return f"Badi: {holy_day.replace('_', ' ')}"
            name = (month or "").replace("_", "-").title()
            return f"Badi: all of {name}" if whole_month else f"Badi: {day} {name}"
        case TibetanRule(month, day):
            return f"Tibetan: month {month}, day {day}"
        case EthiopianRule(month, day):
            return f"{day} {_ETHIOPIAN[month - 1]} (Ethiopian)"
        case ZoroastrianRule(calendar, month, day):
            return f"{day} {_ZOROASTRIAN[month - 1]} ({calendar.title()})"
        case BankHolidayRule(_, holiday):
            return f"bank holiday: {holiday.replace('-', ' ')} (holidays package)"
    raise TypeError(rule)


def _rrule_text(text: str) -> str:
    parts = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
    days, weekday, month = (
        parts.get("BYMONTHDAY", ""),
        parts.get("BYDAY", ""),
        parts.get("BYMONTH", ""),
    )
    names = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
             "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}  # fmt: skip
    if days and weekday in names and month.isdigit():
        numbers = sorted(int(d) for d in days.split(","))
        return f"the {names[weekday]} falling on {numbers[0]}-{numbers[-1]} {_month(int(month))}"
    nth = re.fullmatch(r"(-?\d)(MO|TU|WE|TH|FR|SA|SU)", weekday)
    if nth and not days and month.isdigit():
        return f"{_ORDINALS[int(nth[1])]} {names[nth[2]]} of {_month(int(month))}"
    if days == "-1" and not weekday and month.isdigit():
        return f"last day of {_month(int(month))}"
    return f"RRULE {text}"


def _flags(observance: Observance) -> str:
    flags = [
        ("A", observance.announced),
        ("E", observance.begins_evening_before),
        ("F", observance.fasting),
        ("R", observance.rest_from_work),
    ]
    return "".join(letter for letter, on in flags if on)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _surveyed() -> list[dict[str, str]]:
    with SURVEY.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def survey_section(catalog: Catalog) -> list[str]:
    rows = _surveyed()
    publishers: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        publishers.setdefault(row["publisher"], []).append(row)
    shipped = sum(1 for r in rows if r["observance_id"])
    added = sum(1 for r in rows if r["observance_id"] and r["before"] == "no")
    lines = [
        "## Calendars surveyed",
        "",
        f"What real EDI and multifaith calendars print, item by item: {len(publishers)} "
        "publishers (NHS trusts, councils, universities and colleges, the Shap calendar of "
        f"religious festivals, RE Online), {len(rows)} items. {shipped} of them "
        f"({round(100 * shipped / len(rows))}%) now ship; {added} of those were not among the "
        "152 observances shipped before the catalogue was extended. The rest are listed with "
        "why they are not shipped. Each publisher's page was read through the project's "
        "search corpus; the table is `tests/calendar/data/surveyed_calendars.csv`, and a test "
        "checks that every item it maps ships. Three more calendars were read for their "
        "approach only (their stored copies give no dates): North West Ambulance Service's "
        'community calendar ("from Christian to Rastafari faiths, Bahai to Sikh"), the '
        "University of Manchester's diversity calendar and the University of Lincoln's "
        "cultural calendar (guidance on fasting, catering and quiet spaces).",
        "",
        "| publisher | items | lacked, now shipped | not shipped (why) |",
        "|---|---|---|---|",
    ]
    for publisher, items in publishers.items():
        url = items[0]["url"]
        lacked = [
            f"{r['item']} (`{r['observance_id']}`)"
            for r in items
            if r["observance_id"] and r["before"] == "no"
        ]
        missing = [f"{r['item']}: {r['note']}" for r in items if not r["observance_id"]]
        lines.append(
            f"| [{_cell(publisher)}]({url}) | {len(items)} | {_cell('; '.join(lacked)) or '-'} "
            f"| {_cell('; '.join(missing)) or '-'} |"
        )
    return [*lines, ""]


def _area_rows(catalog: Catalog) -> list[str]:
    on = catalog.enabled(())
    lines = [
        "| calendar | file | observances | in the recommended feed | solemn | with a first year |",
        "|---|---|---|---|---|---|",
    ]
    for name, info in catalog.calendars.items():
        members = [o for o in catalog.observances.values() if o.calendar == name]
        cross = [o for o in members if o.also_in and o.id in on.observances]
        if not info.optional:
            default = "yes"
        elif cross:
            default = (
                f"no ({len(cross)} cross-listed into {', '.join(sorted(set(cross[0].also_in)))})"
            )
        else:
            default = "no (optional)"
        solemn = sum(1 for o in members if o.tone is Tone.SOLEMN)
        dated = sum(1 for o in members if o.since is not None)
        lines.append(
            f"| {info.title} | `{name}` | {len(members)} | {default} | {solemn} | {dated} |"
        )
    return lines


def catalogue_section(catalog: Catalog) -> list[str]:
    on = catalog.enabled(())
    optional = [info for info in catalog.calendars.values() if info.optional]
    tones = Counter(o.tone.value for o in catalog.observances.values() if o.tone)
    off = sum(1 for o in catalog.observances.values() if o.id not in on.observances)
    lines = [
        "## What ships",
        "",
        f"{len(catalog)} observances in {len(catalog.calendars)} calendar files: "
        f"{len(on)} in the recommended feed (the default calendars, with the health campaigns "
        f"cross-listed into them), {off} more in {len(optional)} optional calendars that an "
        "organisation switches on in "
        "`[calendars] enabled` (see [calendar-format.md](calendar-format.md#optional-calendars)). "
        f"Tones: {tones['celebratory']} celebratory, {tones['commemorative']} commemorative, "
        f"{tones['solemn']} solemn (each with guidance for comms).",
        "",
        "### By area",
        "",
        *_area_rows(catalog),
        "",
        "### By category",
        "",
        "An observance counts once under each of its categories.",
        "",
        "| category | all calendars | recommended feed |",
        "|---|---|---|",
    ]
    for category in Category:
        every = sum(1 for o in catalog.observances.values() if category in o.categories)
        default = sum(1 for o in on.observances.values() if category in o.categories)
        lines.append(f"| `{category.value}` | {every} | {default} |")
    lines += [
        "",
        "Flags: **A** dates announced by an organiser each year (rule dates are provisional "
        "until recorded); **E** begins the evening before; **F** usually involves fasting; "
        "**R** many observers avoid work. Tone: **C** celebratory, **M** commemorative, "
        "**S** solemn.",
        "",
    ]
    for name, info in catalog.calendars.items():
        members = [o for o in catalog.observances.values() if o.calendar == name]
        heading = (
            f"### {info.title} (`{name}`, {len(members)}{', optional' if info.optional else ''})"
        )
        lines += [heading, "", info.description, ""]
        lines += [
            "| observance | id | rule | categories | tone | flags | since | recorded years |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for o in members:
            years = ", ".join(k for k, y in sorted(o.years.items()) if y.start is not None)
            tone = (
                {"celebratory": "C", "commemorative": "M", "solemn": "S"}[o.tone.value]
                if o.tone
                else ""
            )
            extra = f" (also {', '.join(o.also_in)})" if o.also_in else ""
            lines.append(
                f"| {_cell(o.name)}{extra} | `{o.id}` | {_cell(rule_text(o.rule))}"
                f"{f', {o.duration_days} days' if o.duration_days else ''} | "
                f"{', '.join(c.value for c in o.categories)} | {tone} | {_flags(o)} | "
                f"{o.since or ''} | {years} |"
            )
        lines.append("")
    return lines


def render(text: str, catalog: Catalog) -> str:
    sections = {"survey": survey_section(catalog), "catalogue": catalogue_section(catalog)}
    for key, (begin, end) in SECTIONS.items():
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"{DOC}: markers {begin!r} ... {end!r} not found")
        body = "\n".join([begin, *sections[key], end])
        text = pattern.sub(lambda _m, body=body: body, text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is out of date")
    args = parser.parse_args(argv)
    catalog = load_catalog(ROOT / "calendars")
    old = DOC.read_text(encoding="utf-8")
    new = render(old, catalog)
    if args.check:
        if new != old:
            print(
                f"{DOC} is out of date; run: PYTHONPATH=src python scripts/document_observances.py"
            )
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
