"""Write snapshot files of computed dates for every observance, one JSON file per calendar.

A snapshot records every occurrence that each observance's rule and overrides give for each
year 2000-2075 (instance, start, end, status, may_vary_days), one occurrence per line, so a
change to a rule, an override or the date engine shows up as a small reviewable diff.
`tests/calendar/test_snapshots.py` regenerates the snapshots in memory and compares.

    PYTHONPATH=src python scripts/generate_snapshots.py            # rewrite tests/snapshots/
    PYTHONPATH=src python scripts/generate_snapshots.py --check    # exit 1 and show a diff
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.occurrences import occurrences_in_year
from edicalendar.errors import EdicalendarError, UnsupportedYearError

ROOT = Path(__file__).resolve().parents[1]
FIRST_YEAR = 2000
LAST_YEAR = 2075
DEFAULT_CALENDARS = ROOT / "calendars"
DEFAULT_OUT = ROOT / "tests" / "snapshots"


def _line(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": "))


def render_calendar(
    catalog: Catalog, calendar: str, first: int = FIRST_YEAR, last: int = LAST_YEAR
) -> str:
    """The snapshot text of one calendar: a JSON document with one occurrence per line.

    Observances are sorted by id and occurrences by year and instance, so the text depends on
    nothing but the data and the engine. A year a rule cannot compute is recorded as an
    `error` line rather than silently left out.
    """
    lines: list[str] = []
    chosen = sorted(
        (obs for obs in catalog.observances.values() if obs.calendar == calendar),
        key=lambda obs: obs.id,
    )
    for obs in chosen:
        for year in range(first, last + 1):
            try:
                found = occurrences_in_year(obs, year)
            except UnsupportedYearError as exc:
                lines.append(_line({"observance": obs.id, "year": year, "error": str(exc)}))
                continue
            for occ in found:
                lines.append(
                    _line(
                        {
                            "observance": obs.id,
                            "instance": occ.instance,
                            "start": occ.start.isoformat(),
                            "end": occ.end.isoformat(),
                            "status": occ.status.value,
                            "may_vary_days": occ.may_vary_days,
                        }
                    )
                )
    header = _line({"calendar": calendar, "first_year": first, "last_year": last})
    body = ",\n".join(f"  {line}" for line in lines)
    return f'{{\n"snapshot": {header},\n"occurrences": [\n{body}{chr(10) if body else ""}]\n}}\n'


def render_all(calendars_dir: Path) -> dict[str, str]:
    """Snapshot file name -> text, for every calendar in `calendars_dir`."""
    catalog = load_catalog(calendars_dir)
    return {f"{name}.json": render_calendar(catalog, name) for name in sorted(catalog.calendars)}


def diff_snapshots(expected: dict[str, str], out_dir: Path) -> list[str]:
    """Unified diffs between freshly rendered snapshots and the files in `out_dir`."""
    diffs: list[str] = []
    existing = {p.name for p in out_dir.glob("*.json")} if out_dir.is_dir() else set()
    for name in sorted(existing | set(expected)):
        path = out_dir / name
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        new = expected.get(name, "")
        if old != new:
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        old.splitlines(keepends=True),
                        new.splitlines(keepends=True),
                        fromfile=f"{path} (committed)",
                        tofile=f"{path} (computed now)",
                        n=1,
                    )
                )
            )
    return diffs


def write_snapshots(expected: dict[str, str], out_dir: Path) -> list[Path]:
    """Write every snapshot and remove snapshots of calendars that no longer exist."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stale in out_dir.glob("*.json"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calendars", type=Path, default=DEFAULT_CALENDARS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    try:
        expected = render_all(args.calendars)
    except EdicalendarError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        diffs = diff_snapshots(expected, args.out)
        for diff in diffs:
            sys.stdout.write(diff)
        print(f"{len(diffs)} snapshot file(s) differ", file=sys.stderr)
        return 1 if diffs else 0
    written = write_snapshots(expected, args.out)
    lines = sum(text.count("\n") for text in expected.values())
    print(f"wrote {len(written)} snapshot file(s), {lines} lines, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
