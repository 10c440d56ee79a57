"""Days relative to an occurrence, as campaign files write them: `-28d`, `-5 working days`.

A relative day names an anchor (the occurrence's first day, `start`, or its last, `end`) and an
offset in calendar days, weeks or working days. Calendar offsets are plain date arithmetic;
working-day offsets step over weekends and the configured nation's bank holidays, counting from
the anchor without counting it (so `-1 working day` before a Monday start is the Friday before).
"""

from __future__ import annotations

import datetime as dt
import re

from edicalendar.calendar.workdays import WorkingDays
from edicalendar.errors import RelativeDayError
from edicalendar.i18n import N_, Message
from edicalendar.model import Anchor, Occurrence, RelativeDay

_PATTERN = re.compile(
    r"""^\s*
    (?P<anchor>start|end)?\s*
    (?:(?P<sign>[+-])\s*(?P<count>\d{1,4})\s*
       (?P<unit>d|days?|w|weeks?|wd|working\s+days?)
    )?\s*\Z""",
    re.IGNORECASE | re.VERBOSE,
)

#: The furthest a relative day may reach from its anchor, in days: ten years is a typo.
MAX_DAYS = 3660

EXAMPLES = "'-28d', '-2w', '-5 working days', 'start', 'end', '+1d', 'end+1d'"


def parse_relative(text: str) -> RelativeDay:
    """Parse `-28d`, `-2w`, `-5 working days`, `start`, `end`, `+1d` or `end+1d`."""
    match = _PATTERN.match(text)
    if not text.strip() or match is None or not (match["anchor"] or match["sign"]):
        raise RelativeDayError(
            Message(
                N_("cannot read %(text)s as a day; write one of %(examples)s"),
                text=repr(text),
                examples=EXAMPLES,
            )
        )
    anchor = Anchor((match["anchor"] or "start").lower())
    days = 0
    working = False
    if match["sign"]:
        count = int(match["count"])
        unit = re.sub(r"\s+", " ", match["unit"].lower())
        working = unit == "wd" or unit.startswith("working")
        if unit in ("w", "week", "weeks"):
            count *= 7
        if count > MAX_DAYS or (working and count > MAX_DAYS * 5 // 7):
            raise RelativeDayError(
                Message(
                    N_("%(text)s is more than ten years from the start")
                    if anchor is Anchor.START
                    else N_("%(text)s is more than ten years from the end"),
                    text=repr(text),
                )
            )
        days = count if match["sign"] == "+" else -count
    return RelativeDay(
        anchor=anchor, days=days, working_days=working, text=format_relative(anchor, days, working)
    )


def format_relative(anchor: Anchor, days: int, working_days: bool) -> str:
    """The canonical spelling of a relative day (`-5 working days`, `end+1d`, `start`)."""
    if days == 0 and not working_days:
        return anchor.value
    if working_days:
        unit = " working day" if abs(days) == 1 else " working days"
    else:
        unit = "d"
    prefix = "" if anchor is Anchor.START else "end"
    return f"{prefix}{days:+d}{unit}"


def resolve(day: RelativeDay, occurrence: Occurrence, workdays: WorkingDays) -> dt.date:
    """The concrete date of `day` for `occurrence` (working days per the configured nation)."""
    base = occurrence.start if day.anchor is Anchor.START else occurrence.end
    if day.working_days:
        return workdays.add(base, day.days)
    return base + dt.timedelta(days=day.days)


def is_after_end(day: RelativeDay, occurrence: Occurrence, workdays: WorkingDays) -> bool:
    """True when `day` falls after the occurrence's last day (a follow-up, not preparation).

    Only working days counted forward from the start need the bank holidays: a day at or before
    its anchor is never after the end, and one after the end always is.
    """
    if day.days <= 0:
        return False
    if day.anchor is Anchor.END:
        return True
    return resolve(day, occurrence, workdays) > occurrence.end
