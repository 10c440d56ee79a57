"""The printed calendar as PDF, drawn with ReportLab: an A3 landscape year wallchart (a column
per month) and an A4 landscape booklet (a month per page, as a grid of days).

Every page carries the organisation's name, the key to the marks, the date the dates were
taken, and a QR code for the subscribe page, so a chart pinned to a wall points people at the
dates that stay up to date. Type is DejaVu Sans Condensed, shipped in `fonts/` and embedded in
the file, so names such as Bahá'í, Riḍván or Diwali print the same on every machine. Text size
is the largest that fits the fullest column or month; what still does not fit at the smallest
size goes on a continuation page (wallchart) or is counted in its cell (booklet), never cut off.
A chart is drawn in its :attr:`Furniture.lang`: English, or Welsh with Welsh headings, month and
weekday names (CLDR, as the pages have them), key and marks, and observances' Welsh names.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from edicalendar.calendar.freezes import Freeze
from edicalendar.i18n import (
    DEFAULT,
    N_,
    Message,
    format_day,
    gettext,
    language,
    month_names,
    ngettext,
    weekday_names,
)
from edicalendar.model import Category, Occurrence, Status
from edicalendar.wallchart.content import (
    FREEZE,
    KEY_CONFIRMED,
    KEY_ESTIMATED,
    KEY_EVE,
    KEY_FREEZE,
    KEY_PROVISIONAL,
    Entry,
    FreezeEntry,
    MonthPage,
    filter_label,
    freeze_line,
    month_page,
    year_columns,
)

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = "EdiSans", "EdiSans-Bold"
#: Page sizes in points: A3 landscape is 1190.55 x 841.89, A4 landscape 841.89 x 595.28.
WALLCHART_SIZE = landscape(A3)
BOOKLET_SIZE = landscape(A4)
INK = HexColor("#212b32")
BRAND = HexColor("#005eb8")
RULE = HexColor("#aeb7bd")
SOFT = HexColor("#f0f4f5")
#: Freezes: dark red words on a pale shade (the words say it; the shade helps the eye).
FREEZE_INK = HexColor("#8a1538")
FREEZE_SHADE = HexColor("#fbe9ee")
#: Marks keep their words; colour only helps the eye (the site's badge colours).
MARK_COLOURS = {
    Status.ESTIMATED: HexColor("#6b0f5b"),
    Status.PROVISIONAL: HexColor("#7a3e00"),
    Status.CONFIRMED: HexColor("#4c6272"),
}
#: The PDF's declared language, for screen readers and text extraction.
PDF_LANGUAGES = {"en": "en-GB", "cy": "cy"}


@dataclass(frozen=True)
class Furniture:
    """What every page says besides the dates: whose calendar, for which categories, where to
    subscribe, and the day the dates were taken."""

    organisation: str
    title: str
    subscribe_url: str
    generated: dt.date
    categories: tuple[Category, ...] = ()
    #: Years that could not be dated ("No dates can be given for 2080 ..."), said in the key.
    notes: tuple[str, ...] = ()
    #: The language of the chart: "en" or "cy".
    lang: str = DEFAULT
    #: Communication freezes with a day in the chart's year, to show (only those the reader
    #: may see: the caller chooses).
    freezes: tuple[Freeze, ...] = ()

    @property
    def generated_text(self) -> str:
        return gettext(N_("Dates as of %(date)s")) % {"date": format_day(self.generated)}


@contextmanager
def _speaking(lang: str) -> Iterator[None]:
    """Draw in `lang`: every word, name and date below reads :data:`edicalendar.i18n.language`."""
    token = language.set(lang)
    try:
        yield
    finally:
        language.reset(token)


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSansCondensed.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSansCondensed-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )


def _style(size: float, *, bold: bool = False, colour: Color = INK) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{bold}",
        fontName=BOLD if bold else REGULAR,
        fontSize=size,
        leading=size * 1.18,
        textColor=colour,
    )


def _paragraph(entry: Entry | FreezeEntry, size: float) -> Paragraph:
    if isinstance(entry, FreezeEntry):
        return Paragraph(_freeze_markup(entry), _freeze_style(size))
    return Paragraph(_markup(entry, size), _style(size))


def _said(note: str) -> str:
    """A note in the chart's language where the core made it a :class:`Message`."""
    return note.translated() if isinstance(note, Message) else note


def _freeze_style(size: float) -> ParagraphStyle:
    style = _style(size, colour=FREEZE_INK)
    style.backColor = FREEZE_SHADE
    style.borderPadding = (size * 0.15, size * 0.2, size * 0.15, size * 0.2)
    return style


def _freeze_markup(entry: FreezeEntry) -> str:
    return (
        f'<font name="{BOLD}">{escape(entry.when)} {escape(gettext(FREEZE))}:</font> '
        f"{escape(entry.name)}"
    )


def _markup(entry: Entry, size: float) -> str:
    text = f'<font name="{BOLD}" color="#005eb8">{escape(entry.when)}</font> ' if entry.when else ""
    text += escape(entry.name)
    if entry.marks:
        colour = MARK_COLOURS[entry.occurrence.status].hexval().replace("0x", "#")
        text += (
            f' <font color="{colour}" size="{size * 0.9:.2f}">({escape(entry.marks_text)})</font>'
        )
    return text


def _canvas(
    buffer: io.BytesIO, size: tuple[float, float], furniture: Furniture, what: str
) -> Canvas:
    _fonts()
    canvas = Canvas(
        buffer,
        pagesize=size,
        invariant=True,
        pageCompression=1,
        lang=PDF_LANGUAGES[furniture.lang],
        initialFontName=REGULAR,
    )
    canvas.setTitle(f"{furniture.title}: {what}")
    canvas.setAuthor(furniture.organisation)
    canvas.setSubject(f"{what}. {filter_label(furniture.categories)}. {furniture.generated_text}.")
    canvas.setCreator("edicalendar")
    return canvas


def _qr(canvas: Canvas, url: str, x: float, y: float, side: float) -> None:
    """The subscribe address as a QR code with its quiet zone, `side` points square."""
    import segno

    code = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    module = side / len(rows)
    canvas.setFillColor(white)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColor(HexColor("#0b0c0c"))
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                top = y + side - (r + 1) * module
                canvas.rect(x + c * module, top, module, module, stroke=0, fill=1)


def _key_lines(furniture: Furniture) -> list[str]:
    marks = [KEY_CONFIRMED, KEY_ESTIMATED, KEY_PROVISIONAL, KEY_EVE]
    if furniture.freezes:
        marks.append(KEY_FREEZE)
    freezes = [freeze_line(f) for f in furniture.freezes]
    return [*map(gettext, marks), *freezes, *map(_said, furniture.notes)]


def _footer(
    canvas: Canvas, furniture: Furniture, width: float, margin: float, height: float, size: float
) -> None:
    """The key, the generated date and the QR code along the bottom `height` points."""
    qr_side = height
    qr_x = width - margin - qr_side
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.75)
    canvas.line(margin, margin + height + 4, width - margin, margin + height + 4)
    text_width = qr_x - margin - 12
    key = gettext(N_("Key"))
    subscribe = gettext(N_("Subscribe for dates that stay up to date:"))
    # A long note (years that cannot be dated) makes the type smaller, never overlap.
    while True:
        paragraphs = [
            Paragraph(f"<b>{escape(key)}</b>", _style(size + 1, bold=True)),
            *(Paragraph(escape(line), _style(size)) for line in _key_lines(furniture)),
            Paragraph(
                f"{escape(furniture.generated_text)}. {escape(furniture.organisation)}. "
                f"{escape(subscribe)} "
                f"<b>{escape(furniture.subscribe_url)}</b>",
                _style(size),
            ),
        ]
        heights = [p.wrap(text_width, height)[1] for p in paragraphs]
        if sum(heights) <= height or size <= 4.5:
            break
        size -= 0.5
    top = margin + height
    for paragraph, used in zip(paragraphs, heights, strict=True):
        top -= used
        paragraph.drawOn(canvas, margin, top)
    _qr(canvas, furniture.subscribe_url, qr_x, margin, qr_side)


def _header(
    canvas: Canvas,
    furniture: Furniture,
    title: str,
    width: float,
    margin: float,
    top: float,
    size: float,
) -> float:
    """Title left, organisation and categories right; returns the y below the header."""
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, size)
    canvas.drawString(margin, top - size, title)
    canvas.setFont(BOLD, size * 0.55)
    canvas.drawRightString(width - margin, top - size * 0.55, furniture.organisation)
    canvas.setFont(REGULAR, size * 0.45)
    canvas.drawRightString(
        width - margin, top - size * 1.15, f"{filter_label(furniture.categories)}"
    )
    return top - size * 1.5


# --- the year wallchart -------------------------------------------------------------------------

WALL_MARGIN = 24.0
WALL_GUTTER = 6.0
#: Space after each entry, as a share of the text size.
WALL_GAP = 0.25
WALL_SIZES = (9.0, 4.8)


def _column_paragraphs(column: list[Entry | FreezeEntry], size: float) -> list[Paragraph]:
    return [_paragraph(e, size) for e in column]


def _heights(paragraphs: list[Paragraph], width: float, gap: float) -> list[float]:
    return [p.wrap(width, 10_000)[1] + gap for p in paragraphs]


def _fit(columns: list[list[Entry | FreezeEntry]], width: float, height: float) -> float:
    """The largest text size (to a tenth of a point) at which the fullest column fits."""

    def fits(size: float) -> bool:
        return all(
            sum(_heights(_column_paragraphs(col, size), width, size * WALL_GAP)) <= height
            for col in columns
        )

    low, high = WALL_SIZES[1], WALL_SIZES[0]
    if fits(high):
        return high
    if not fits(low):
        return low
    while high - low > 0.1:
        middle = (low + high) / 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def wallchart_pdf(occurrences: Sequence[Occurrence], year: int, furniture: Furniture) -> bytes:
    """The year on one A3 landscape page, a column per month (more pages only if the year
    holds more than fits at the smallest readable size)."""
    with _speaking(furniture.lang):
        return _wallchart(occurrences, year, furniture)


def _wallchart(occurrences: Sequence[Occurrence], year: int, furniture: Furniture) -> bytes:
    buffer = io.BytesIO()
    width, height = WALLCHART_SIZE
    what = gettext(N_("year wallchart %(year)d")) % {"year": year}
    canvas = _canvas(buffer, WALLCHART_SIZE, furniture, what)
    months = dict(month_names())
    continued = gettext(N_("continued"))
    columns = year_columns(occurrences, year, furniture.freezes)
    column_width = (width - 2 * WALL_MARGIN - 11 * WALL_GUTTER) / 12
    footer_height = 80.0
    header_size = 22.0
    band = 16.0
    top_of_columns = height - WALL_MARGIN - header_size * 1.5 - band - 4
    bottom = WALL_MARGIN + footer_height + 12
    text_width = column_width - 6
    size = _fit(columns, text_width, top_of_columns - bottom)
    gap = size * WALL_GAP
    laid = [_column_paragraphs(col, size) for col in columns]
    remaining = [list(zip(p, _heights(p, text_width, gap), strict=True)) for p in laid]
    page = 0
    while page == 0 or any(remaining):
        title = f"{furniture.title} {year}" + (f" ({continued})" if page else "")
        below = _header(
            canvas, furniture, title, width, WALL_MARGIN, height - WALL_MARGIN, header_size
        )
        for month in range(12):
            x = WALL_MARGIN + month * (column_width + WALL_GUTTER)
            canvas.setFillColor(BRAND)
            canvas.rect(x, below - band, column_width, band, stroke=0, fill=1)
            canvas.setFillColor(white)
            canvas.setFont(BOLD, 10.5)
            canvas.drawString(x + 4, below - band + 4.5, months[month + 1])
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.rect(x, bottom, column_width, below - band - bottom, stroke=1, fill=0)
            y = below - band - 3
            column = remaining[month]
            while column and y - column[0][1] >= bottom - 0.01:
                paragraph, used = column.pop(0)
                paragraph.drawOn(canvas, x + 3, y - used + gap)
                y -= used
        _footer(canvas, furniture, width, WALL_MARGIN, footer_height, 8.0)
        canvas.showPage()
        page += 1
    canvas.save()
    return buffer.getvalue()


# --- the month-per-page booklet -----------------------------------------------------------------

BOOK_MARGIN = 22.0
BOOK_SIZES = (8.5, 5.0)


@dataclass
class _MonthLayout:
    size: float
    running: list[Paragraph]
    running_heights: list[float]
    cells: list[list[list[Paragraph]]]
    row_heights: list[float]


def _layout_month(
    month: MonthPage, size: float, cell_width: float, running_width: float
) -> _MonthLayout:
    style = _style(size)
    gap = size * 0.25
    running = [_paragraph(e, size) for e in month.running]
    running_heights = [p.wrap(running_width, 10_000)[1] + gap for p in running]
    cells = []
    row_heights = []
    for week in month.weeks:
        row = []
        tallest = 0.0
        for day in week:
            paragraphs = [Paragraph(_markup(e, size), style) for e in day.entries]
            used = size * 1.4 + sum(p.wrap(cell_width, 10_000)[1] + gap for p in paragraphs)
            tallest = max(tallest, used)
            row.append(paragraphs)
        cells.append(row)
        row_heights.append(tallest + 2)
    return _MonthLayout(size, running, running_heights, cells, row_heights)


def _running_height(layout: _MonthLayout) -> float:
    if not layout.running:
        return 0.0
    per_column = _split_in_three(layout.running_heights)
    return layout.size * 1.6 + max(sum(layout.running_heights[a:b]) for a, b in per_column)


def _split_in_three(heights: list[float]) -> list[tuple[int, int]]:
    """Indices that share `heights` among three columns in order, as evenly as they go."""
    total = sum(heights)
    bounds: list[tuple[int, int]] = []
    running, start = 0.0, 0
    for index, height in enumerate(heights):
        running += height
        if len(bounds) < 2 and running >= total * (len(bounds) + 1) / 3:
            bounds.append((start, index + 1))
            start = index + 1
    bounds.append((start, len(heights)))
    while len(bounds) < 3:
        bounds.append((len(heights), len(heights)))
    return bounds


def booklet_pdf(occurrences: Sequence[Occurrence], year: int, furniture: Furniture) -> bytes:
    """Twelve A4 landscape pages, one month each: what runs through the month, then its days."""
    with _speaking(furniture.lang):
        return _booklet(occurrences, year, furniture)


def _booklet(occurrences: Sequence[Occurrence], year: int, furniture: Furniture) -> bytes:
    buffer = io.BytesIO()
    width, height = BOOKLET_SIZE
    what = gettext(N_("month by month %(year)d")) % {"year": year}
    canvas = _canvas(buffer, BOOKLET_SIZE, furniture, what)
    months = dict(month_names())
    inner = width - 2 * BOOK_MARGIN
    cell_width = inner / 7 - 6
    running_width = inner / 3 - 10
    footer_height = 52.0
    header_size = 20.0
    for number in range(1, 13):
        month = month_page(occurrences, dt.date(year, number, 1), furniture.freezes)
        top = height - BOOK_MARGIN
        below = _header(
            canvas,
            furniture,
            format_day(month.first, "month"),
            width,
            BOOK_MARGIN,
            top,
            header_size,
        )
        bottom = BOOK_MARGIN + footer_height + 10
        weekday_band = 13.0
        available = below - bottom - weekday_band

        def fits(size: float, month: MonthPage = month, available: float = available) -> bool:
            layout = _layout_month(month, size, cell_width, running_width)
            return _running_height(layout) + sum(layout.row_heights) <= available

        low, high = BOOK_SIZES[1], BOOK_SIZES[0]
        if fits(high):
            size = high
        else:
            while high - low > 0.25:
                middle = (low + high) / 2
                low, high = (middle, high) if fits(middle) else (low, middle)
            size = low
        layout = _layout_month(month, size, cell_width, running_width)
        y = below
        if layout.running:
            canvas.setFillColor(INK)
            canvas.setFont(BOLD, size * 1.15)
            running = gettext(N_("Running through %(month)s")) % {"month": months[number]}
            canvas.drawString(BOOK_MARGIN, y - size * 1.2, running)
            y -= size * 1.6
            column_top = y
            for index, (a, b) in enumerate(_split_in_three(layout.running_heights)):
                y_col = column_top
                for paragraph, used in zip(
                    layout.running[a:b], layout.running_heights[a:b], strict=True
                ):
                    paragraph.drawOn(canvas, BOOK_MARGIN + index * inner / 3, y_col - used)
                    y_col -= used
            y = column_top - max(
                (
                    sum(layout.running_heights[a:b])
                    for a, b in _split_in_three(layout.running_heights)
                ),
                default=0.0,
            )
        _grid(canvas, month, layout, BOOK_MARGIN, y - 4, inner, bottom, weekday_band)
        _footer(canvas, furniture, width, BOOK_MARGIN, footer_height, 6.5)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _grid(
    canvas: Canvas,
    month: MonthPage,
    layout: _MonthLayout,
    left: float,
    top: float,
    inner: float,
    bottom: float,
    band: float,
) -> None:
    """The weeks of the month, rows stretched evenly to fill the page down to `bottom`."""
    column = inner / 7
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 8)
    for index, (_, name) in enumerate(weekday_names()):
        canvas.drawString(left + index * column + 3, top - band + 3.5, name)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1)
    canvas.line(left, top - band, left + inner, top - band)
    y = top - band
    natural = sum(layout.row_heights)
    spare = max(0.0, (y - bottom) - natural) / len(layout.row_heights)
    size = layout.size
    gap = size * 0.25
    for week, cells, row_height in zip(month.weeks, layout.cells, layout.row_heights, strict=True):
        height = row_height + spare
        for index, (day, paragraphs) in enumerate(zip(week, cells, strict=True)):
            x = left + index * column
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            if day.day is None:
                canvas.setFillColor(SOFT)
                canvas.rect(x, y - height, column, height, stroke=1, fill=1)
                continue
            if day.frozen:
                canvas.setFillColor(FREEZE_SHADE)
                canvas.rect(x, y - height, column, height, stroke=1, fill=1)
            else:
                canvas.rect(x, y - height, column, height, stroke=1, fill=0)
            canvas.setFillColor(INK)
            canvas.setFont(BOLD, size * 1.15)
            canvas.drawString(x + 3, y - size * 1.25, str(day.day.day))
            if day.frozen:
                canvas.setFillColor(FREEZE_INK)
                canvas.setFont(BOLD, size)
                after = x + 3 + canvas.stringWidth(str(day.day.day), BOLD, size * 1.15) + size * 0.5
                canvas.drawString(after, y - size * 1.25, gettext(N_("freeze")))
                canvas.setFillColor(INK)
            inside = y - size * 1.4
            for shown, paragraph in enumerate(paragraphs):
                _, used = paragraph.wrap(column - 6, 10_000)
                if inside - used < y - height + size * 1.3 and shown < len(paragraphs) - 1:
                    # Only at the smallest size: say how many more, never draw past the cell.
                    canvas.setFont(BOLD, size)
                    more = len(paragraphs) - shown
                    canvas.drawString(
                        x + 3,
                        inside - size,
                        ngettext("+%(num)d more", "+%(num)d more", more) % {"num": more},
                    )
                    break
                paragraph.drawOn(canvas, x + 3, inside - used)
                inside -= used + gap
        y -= height
