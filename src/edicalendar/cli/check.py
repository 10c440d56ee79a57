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
    """What `check` found: problems (errors), warnings (worth a second look, not errors) and
    counts of what loaded cleanly."""

    problems: list[Problem] = field(default_factory=list)
    #: What works but deserves a look: tone notes on campaigns, and what works here but not
    #: where reminders run without it (an unset webhook variable).
    warnings: list[Problem | str] = field(default_factory=list)
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
        off = len(ctx.catalog.switched_off_calendars)
        if off:
            report.counts["optional calendars switched off"] = off
    except InvalidDataError as exc:
        report.problems.extend(exc.problems)
    _check_campaigns(ctx, report)
    _check_destinations(ctx, report)
    return report


def _check_destinations(ctx: AppContext, report: CheckReport) -> None:
    # The same checks `serve` and `remind` make before sending. Secrets live in the environment
    # of the service, which may not be this shell's, so a missing one warns rather than fails.
    from edicalendar.reminders.channels import build_channels

    try:
        build_channels(ctx.loaded.settings, config_path=ctx.config_display)
    except InvalidDataError as exc:
        report.warnings.extend(
            f"{p}: `serve` and `remind` refuse to start until this is fixed in their environment"
            for p in exc.problems
        )


def _check_campaigns(ctx: AppContext, report: CheckReport) -> None:
    # Recurring campaigns are checked against this year and the next two: far enough ahead for
    # a 90-day lead time, near enough that a rule's supported range is never the problem.
    this_year = ctx.today().year
    loaded = ctx.load_campaigns(range(this_year, this_year + 3))
    report.problems.extend(loaded.problems)
    report.warnings.extend(loaded.warnings)
    report.counts["campaigns"] = len(loaded.campaigns)
