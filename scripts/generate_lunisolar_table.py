"""Write the lunisolar festival table the engine reads at run time.

For every festival in `edicalendar.calendar.rules.lunisolar.festivals.FESTIVALS` and every
supported year this computes the dates (the `holidays` tables inside their years, the Sun and
Moon outside them) and writes `src/edicalendar/calendar/rules/lunisolar/table.json`, one
festival-year per line, under a header naming the ephem and holidays versions used and the
date. Run it after changing a festival's rule or upgrading either library, and review the diff.

    PYTHONPATH=src python scripts/generate_lunisolar_table.py            # rewrite the table
    PYTHONPATH=src python scripts/generate_lunisolar_table.py --check    # exit 1 on a difference
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys

from edicalendar.calendar.rules.lunisolar import generate
from edicalendar.calendar.rules.lunisolar import table as lunisolar_data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the shipped table, write nothing"
    )
    args = parser.parse_args(argv)
    today = dt.datetime.now(dt.UTC).date()
    text = generate.render(today, generate.library_versions())
    path = lunisolar_data.TABLE_PATH
    if args.check:
        shipped = path.read_text(encoding="utf-8") if path.exists() else "{}"
        fresh, old = json.loads(text), json.loads(shipped) if shipped.strip() else {}
        if old and lunisolar_data.data_part(old) == lunisolar_data.data_part(fresh):
            print(f"{path}: up to date")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                shipped.splitlines(keepends=True),
                text.splitlines(keepends=True),
                str(path),
                "computed",
            )
        )
        return 1
    path.write_text(text, encoding="utf-8")
    rows = text.count('\n    ["')
    print(f"wrote {path} ({rows} festival-years, {len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
