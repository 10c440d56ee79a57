"""Write the dates section of docs/observances.md from the shipped calendars.

The section lists every convention choice (and which observances it affects), every
observance's `since` year with the source cited for it, the observed-day rules, how each
organiser week's rule fits the years recorded for it, and every organiser date not yet announced
for this year and next. Run it after changing calendars/:

    PYTHONPATH=src python scripts/document_dates.py           # rewrite the section
    PYTHONPATH=src python scripts/document_dates.py --check   # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.conventions import CONVENTIONS
from edicalendar.calendar.occurrences import occurrences_in_year
from edicalendar.calendar.rules import dates_for_year, family_of
from edicalendar.errors import EdicalendarError
from edicalendar.model import Observance, SourceSupport

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "observances.md"
BEGIN = "<!-- dates:begin (written by scripts/document_dates.py) -->"
END = "<!-- dates:end -->"
#: The years whose unannounced organiser dates are listed.
YEARS = (2026, 2027)


def _since_source(observance: Observance) -> str:
    for source in observance.source_refs:
        if SourceSupport.SINCE in source.supports:
            return source.url
    return ""


def _conventions(catalog: Catalog) -> list[str]:
    lines = [
        "### Conventions",
        "",
        "Where communities keep a festival on different dates, each occurrence follows the "
        "convention chosen in config (`[conventions]`, the first listed here by default) and "
        "lists what the others give.",
        "",
        "| family | conventions (default first) | observances |",
        "|---|---|---|",
    ]
    for family, options in CONVENTIONS.items():
        ids = sorted(o.id for o in catalog.observances.values() if family_of(o.rule) is family)
        listed = "; ".join(f"`{c.key}`: {c.label}" for c in options)
        lines.append(f"| `{family.value}` | {listed} | {', '.join(f'`{i}`' for i in ids)} |")
    return [*lines, ""]


def _since(catalog: Catalog) -> list[str]:
    lines = [
        "### When each observance began",
        "",
        "No occurrences are given before an observance's `since` year (JSON output lists the "
        "skipped years). Observances without one are traditional festivals older than every "
        "year the engine dates.",
        "",
        "| observance | since | source |",
        "|---|---|---|",
    ]
    for obs in sorted(catalog.observances.values(), key=lambda o: o.id):
        since = str(obs.since) if obs.since else "traditional"
        lines.append(f"| `{obs.id}` | {since} | {_since_source(obs)} |")
    return [*lines, ""]


def _observed(catalog: Catalog) -> list[str]:
    names = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
             "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}  # fmt: skip
    lines = ["### Observed days", "", "| observance | moves | why |", "|---|---|---|"]
    for obs in sorted(catalog.observances.values(), key=lambda o: o.id):
        if obs.observed is None:
            continue
        moves = ", ".join(
            f"{names[w.value]} {'+' if n > 0 else ''}{n} day{'s' if abs(n) > 1 else ''}"
            for w, n in obs.observed.moves
        )
        lines.append(f"| `{obs.id}` | {moves} | {obs.observed.reason} |")
    return [*lines, ""]


def _fit(catalog: Catalog) -> list[str]:
    lines = [
        "### Organiser weeks: the rule against the recorded years",
        "",
        "Each announced observance's rule checked against every year whose dates are recorded "
        "(with their sources) in its calendar file.",
        "",
        "| observance | years the rule fits | years it does not |",
        "|---|---|---|",
    ]
    for obs in sorted(catalog.observances.values(), key=lambda o: o.id):
        if not obs.announced:
            continue
        fits, misses = [], []
        for key, override in sorted(obs.years.items()):
            if override.start is None or override.end is None:
                continue
            try:
                computed = dates_for_year(obs.rule, int(key[:4]), obs.duration_days, obs.id)
            except EdicalendarError:
                computed = []
            hit = any((d.start, d.end) == (override.start, override.end) for d in computed)
            (fits if hit else misses).append(key)
        lines.append(f"| `{obs.id}` | {', '.join(fits) or '-'} | {', '.join(misses) or '-'} |")
    return [*lines, ""]


def _unannounced(catalog: Catalog) -> list[str]:
    lines = [
        "### Organiser dates not yet announced",
        "",
        f"Provisional dates (from the rule) for {YEARS[0]} and {YEARS[1]}, until the "
        "organiser's dates are recorded. `edicalendar dates due` lists the same for the next "
        "twelve months from any day, and `edicalendar dates confirm ID --year YEAR --start "
        "YYYY-MM-DD --source URL` records an announcement (see the README). Estimated faith "
        "dates (Islamic months, Hindu, Sikh and Buddhist festivals) are predictions too, "
        "confirmed nearer the time; `edicalendar dates due --all` includes them.",
        "",
        "| observance | year | provisional dates | organiser's page |",
        "|---|---|---|---|",
    ]
    for obs in sorted(catalog.observances.values(), key=lambda o: o.id):
        if not obs.announced:
            continue
        for year in YEARS:
            for occurrence in occurrences_in_year(obs, year):
                if occurrence.method == "announced":
                    continue
                span = (
                    f"{occurrence.start:%-d %b %Y}"
                    if occurrence.start == occurrence.end
                    else f"{occurrence.start:%-d %b} - {occurrence.end:%-d %b %Y}"
                )
                page = f"<{obs.url}>" if obs.url else "-"
                lines.append(f"| `{obs.id}` | {occurrence.instance} | {span} | {page} |")
    return [*lines, ""]


def render(catalog: Catalog) -> str:
    parts = [
        BEGIN,
        "## Dates: conventions, beginnings, observed days and announcements",
        "",
        *_conventions(catalog),
        *_observed(catalog),
        *_fit(catalog),
        *_unannounced(catalog),
        *_since(catalog),
        END,
    ]
    return "\n".join(parts)


def updated(text: str, section: str) -> str:
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + section + tail
    return text.rstrip("\n") + "\n\n" + section + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when the section is stale")
    args = parser.parse_args(argv)
    catalog = load_catalog(ROOT / "calendars")
    current = DOC.read_text(encoding="utf-8")
    wanted = updated(current, render(catalog))
    if args.check:
        if wanted != current:
            print(f"{DOC} is out of date; run: PYTHONPATH=src python scripts/document_dates.py")
            return 1
        return 0
    DOC.write_text(wanted, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
