"""One printed calendar from the catalog: the year's occurrences, filtered, laid out as the
wallchart or the booklet. What the CLI and the web server both call, so the two never drift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from edicalendar.calendar.catalog import Catalog
from edicalendar.calendar.filters import ObservanceFilter
from edicalendar.calendar.freezes import Freeze
from edicalendar.calendar.occurrence_records import missing_summary
from edicalendar.calendar.occurrences import expand
from edicalendar.model import Category


class Layout(StrEnum):
    """The printed forms."""

    #: The whole year on one A3 landscape sheet, a column per month.
    WALLCHART = "wallchart"
    #: Twelve A4 landscape pages, a month each, as a grid of days.
    BOOKLET = "booklet"


@dataclass(frozen=True)
class Printed:
    """A rendered PDF and what could not be dated in it (also printed in its key)."""

    body: bytes
    warnings: list[str]


def print_year(
    catalog: Catalog,
    year: int,
    *,
    layout: Layout,
    categories: Sequence[Category],
    organisation: str,
    title: str,
    subscribe_url: str,
    today: dt.date,
    lang: str = "en",
    freezes: Sequence[Freeze] = (),
) -> Printed:
    """The year's observances (those in any of `categories`, or all) as a PDF in `layout`, in
    `lang` ("en" or "cy"; `title` and `organisation` are printed as given), with those of
    `freezes` that fall in the year. Pass only the freezes the chart's readers may see.

    Raises :class:`~edicalendar.errors.DateRangeError` for a year the calendar does not compute.
    """
    from edicalendar.wallchart.content import year_freezes
    from edicalendar.wallchart.pdf import Furniture, booklet_pdf, wallchart_pdf

    expansion = expand(
        catalog,
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
        ObservanceFilter.of(categories=categories),
    )
    warnings = missing_summary(expansion.skipped, expansion.warnings)
    furniture = Furniture(
        organisation=organisation,
        title=title,
        subscribe_url=subscribe_url,
        generated=today,
        categories=tuple(categories),
        notes=tuple(warnings),
        lang=lang,
        freezes=tuple(year_freezes(freezes, year)),
    )
    draw = wallchart_pdf if layout is Layout.WALLCHART else booklet_pdf
    return Printed(draw(expansion.occurrences, year, furniture), warnings)
