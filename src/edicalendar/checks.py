"""`edicalendar check`: validate configuration, calendars and campaigns in one run.

Each validator returns problems rather than raising at the first, so a user sees every mistake
in every file at once. Progress recorded in the database never makes a check fail: the files
are the plan, and only the files are checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edicalendar.context import AppContext
from edicalendar.errors import InvalidDataError, Problem


@dataclass
class CheckReport:
    """What `check` found: problems (errors) and counts of what loaded cleanly."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def run_checks(ctx: AppContext) -> CheckReport:
    """Validate settings, then calendars, then campaigns; collect every problem."""
    report = CheckReport()
    try:
        ctx.loaded  # noqa: B018 - loading is the check
    except InvalidDataError as exc:
        report.problems.extend(exc.problems)
        return report
    try:
        report.counts["observances"] = len(ctx.catalog)
        report.counts["calendars"] = len(ctx.catalog.calendars)
    except InvalidDataError as exc:
        report.problems.extend(exc.problems)
    return report
