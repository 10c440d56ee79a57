"""Laying out the command line's tables: rich's table layout, without rich's per-cell objects.

Every table the commands print has the same simple shape: a title, one line of headings, plain
one-line cells (no markup, no styles), id columns that never wrap and wordy columns that fold,
rich's default heavy-headed box. For that shape this module computes exactly what `rich.table`
prints (the same column widths, the same word wrapping, the same bytes, bold headings on a
colour terminal) as plain strings: rich builds a `Padding`, a `Text` and several segment lists
for every cell and measures each one several times, which made a year of occurrences as a table
cost half as much again as the same rows as JSON. Anything outside that shape (an ASCII-only
terminal, a table wider than the terminal, columns too narrow to pad) is left to rich itself.
A test compares this module with rich's own rendering of the same rows at many widths.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells, set_cell_size

_WORD = re.compile(r"\s*\S+\s*")
#: rich's default table box (`box.HEAVY_HEAD`): top, heading separator and bottom rules.
_TOP = ("┏", "━", "┳", "┓")
_HEAD_RULE = ("┡", "━", "╇", "┩")
_BOTTOM = ("└", "─", "┴", "┘")
_HEAD_BAR = "┃"
_BODY_BAR = "│"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"
#: Each cell has one space either side (rich's default padding).
_PAD = 2


def render_table(
    title: str | None,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    whole: Sequence[bool],
    *,
    width: int,
    bold: bool,
) -> str | None:
    """The table as rich prints it on a console `width` cells wide, or None to let rich do it.

    `whole[i]` marks a column that never wraps and is as wide as its widest cell (an id);
    the other columns fold. `bold` is whether the console shows styles (headings are bold).
    """
    columns = len(headings)
    if not columns:
        return None
    cells = [list(headings), *(list(row) for row in rows)]
    by_column = [[line[i] for line in cells] for i in range(columns)]
    minimums = [
        max(map(cell_len, column)) + _PAD if whole[i] else None
        for i, column in enumerate(by_column)
    ]
    extra = 2 + (columns - 1)
    widths = _column_widths(by_column, whole, minimums, width - extra)
    table_width = sum(widths) + extra
    if table_width > width or min(widths) <= _PAD:
        return None
    out: list[str] = []
    if title:
        out.extend(_centred(title, table_width))
    out.append(_rule(_TOP, widths))
    for index, line in enumerate(cells):
        heading = index == 0
        wrapped = [_cell_lines(text, widths[i] - _PAD, whole[i]) for i, text in enumerate(line)]
        height = max(len(lines) for lines in wrapped)
        bar = _HEAD_BAR if heading else _BODY_BAR
        shaped = [
            _shape(lines, widths[i], height, at_bottom=heading, bold=bold and heading)
            for i, lines in enumerate(wrapped)
        ]
        for row in zip(*shaped, strict=True):
            out.append(bar + bar.join(row) + bar)
        if heading:
            out.append(_rule(_HEAD_RULE, widths))
    out.append(_rule(_BOTTOM, widths))
    return "\n".join(out) + "\n"


def _rule(parts: tuple[str, str, str, str], widths: Sequence[int]) -> str:
    left, line, cross, right = parts
    return left + cross.join(line * w for w in widths) + right


def _shape(lines: list[str], width: int, height: int, *, at_bottom: bool, bold: bool) -> list[str]:
    """A cell's lines padded one space each side, and blank lines to the row's height
    (headings sit at the bottom, other cells at the top), as rich styles them."""
    if bold:
        padded = [f"{_BOLD} {_RESET}{_BOLD}{text}{_RESET}{_BOLD} {_RESET}" for text in lines]
        blank = f"{_BOLD}{' ' * width}{_RESET}"
    else:
        padded = [f" {text} " for text in lines]
        blank = " " * width
    filler = [blank] * (height - len(lines))
    return filler + padded if at_bottom else padded + filler


def _cell_lines(text: str, width: int, whole: bool) -> list[str]:
    """`text` in lines of exactly `width` cells: folded at words (long words chopped), or for
    an id column on one line (cut with an ellipsis if it ever had to be)."""
    if whole:
        lines = [text]
        if cell_len(text) > width:
            return [set_cell_size(text, width - 1) + "…"]
    else:
        lines = _wrap(text, width)
    return [set_cell_size(line, width) for line in lines]


def _wrap(text: str, width: int) -> list[str]:
    """rich's word wrap (`Text.wrap` with overflow "fold"): the lines before padding or
    cropping (whitespace a line ends with past the width is cropped with it)."""
    breaks = _break_offsets(text, width)
    bounds = [0, *breaks, len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


def _break_offsets(text: str, width: int) -> list[int]:
    """Where rich breaks `text` to fit `width` cells (`rich._wrap.divide_line`, folding)."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        length = cell_len(word.rstrip())
        if width - offset >= length:
            offset += cell_len(word)
        elif length > width:
            folded = chop_cells(word, width)
            for number, line in enumerate(folded):
                if start:
                    breaks.append(start)
                if number == len(folded) - 1:
                    offset = cell_len(line)
                else:
                    start += len(line)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def _centred(title: str, width: int) -> list[str]:
    """The title's lines centred in the table's width (rich's `justify="center"`)."""
    lines = []
    for line in _wrap(title, width):
        line = line.rstrip()
        if cell_len(line) > width:
            line = set_cell_size(line, width)
        left = (width - cell_len(line)) // 2
        line = " " * left + line
        lines.append(line + " " * (width - cell_len(line)))
    return lines


def _measure(text: str, width: int) -> tuple[int, int]:
    """A padded cell's (narrowest, widest) width within `width` cells (rich's `Measurement`)."""
    if width < 1:
        return 0, 0
    inner = width - _PAD
    if inner < 1:
        low, high = width, width
    else:
        words = text.split()
        high = cell_len(text)
        low = max(map(cell_len, words)) if words else high
        low, high = _normalise(low, high, inner)
        if high < 1:
            low = high = 0
        low, high = min(low + _PAD, width), min(high + _PAD, width)
    low, high = _normalise(low, high, width)
    if high < 1:
        return 0, 0
    return low, high


def _normalise(low: int, high: int, width: int) -> tuple[int, int]:
    low = min(max(0, low), high)
    low, high = max(0, low), max(0, max(low, high))
    low, high = min(low, width), min(high, width)
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


def _measure_column(texts: Sequence[str], minimum: int | None, width: int) -> int:
    """The widest a column needs to be within `width` cells (rich's `_measure_column`)."""
    if width < 1:
        return 0
    highs = [_measure(text, width)[1] for text in texts]
    high = min(max(highs) if highs else width, width)
    if minimum is not None:
        high = max(high, max(0, minimum))
    return high


def _column_widths(
    by_column: Sequence[Sequence[str]],
    whole: Sequence[bool],
    minimums: Sequence[int | None],
    width: int,
) -> list[int]:
    """Each column's width with its padding (rich's `Table._calculate_column_widths`)."""
    widths = [_measure_column(texts, minimums[i], width) or 1 for i, texts in enumerate(by_column)]
    if sum(widths) <= width:
        return widths
    widths = _collapse(widths, [not w for w in whole], width)
    if sum(widths) > width:
        widths = _reduce(sum(widths) - width, [1] * len(widths), widths, widths)
    return [_measure_column(texts, minimums[i], widths[i]) for i, texts in enumerate(by_column)]


def _collapse(widths: list[int], wrapable: list[bool], width: int) -> list[int]:
    """Narrow the widest foldable columns until the table fits (rich's `_collapse_widths`)."""
    total = sum(widths)
    excess = total - width
    if not any(wrapable):
        return widths
    while total and excess > 0:
        widest = max(w for w, wraps in zip(widths, wrapable, strict=True) if wraps)
        second = max(
            w if wraps and w != widest else 0 for w, wraps in zip(widths, wrapable, strict=True)
        )
        difference = widest - second
        ratios = [
            1 if (w == widest and wraps) else 0 for w, wraps in zip(widths, wrapable, strict=True)
        ]
        if not any(ratios) or not difference:
            break
        widths = _reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
        total = sum(widths)
        excess = total - width
    return widths


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take `total` off `values` in proportion to `ratios`, at most `maximums` each
    (rich's `ratio_reduce`, Python's rounding included)."""
    ratios = [ratio if limit else 0 for ratio, limit in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, limit, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(limit, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result
