"""Tables are laid out without rich's per-cell machinery and print exactly what rich prints.

The expectation is rich's own rendering: a `rich.table.Table` built here the way the commands'
tables are (plain cells, ids that never wrap, wordy columns that fold), printed by a rich
console of the same width, with and without styles.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from edicalendar.cli import table_layout
from edicalendar.cli.table_layout import render_table
from support.cli import CliRunner, fix_today

SHIPPED_CAMPAIGNS = Path(__file__).resolve().parents[2] / "campaigns"


def _rich(
    title: str | None,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    whole: Sequence[bool],
    *,
    width: int,
    colour: str | None,
) -> str:
    file = io.StringIO()
    console = Console(
        file=file,
        width=width,
        force_terminal=colour is not None,
        color_system=colour,  # type: ignore[arg-type]
        soft_wrap=False,
        markup=False,
        emoji=False,
        highlight=False,
    )
    table = Table(title=Text(title) if title else None, show_lines=False, expand=False)
    for i, heading in enumerate(headings):
        if whole[i]:
            widest = max(cell_len(text) for text in [heading, *(row[i] for row in rows)])
            table.add_column(Text(heading), no_wrap=True, min_width=widest)
        else:
            table.add_column(Text(heading), overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)
    return file.getvalue()


#: Words as the data has them, and the awkward ones: long ids, wide characters, emoji,
#: runs of spaces, a word longer than any column.
WORDS = [
    "Mary,",
    "Mother",
    "of",
    "God",
    "confirmed",
    "religion_belief,",
    "race",
    "Ŵyl",
    "Dydd",
    "Gŵyl",
    "Dewi",
    "日本語",
    "😀",
    "Wed 14 Feb 2029",
    "black-history-month",
    "x" * 45,
    "",
    "  ",
]
cell_text = st.lists(st.sampled_from(WORDS), max_size=7).map(" ".join)
id_text = st.sampled_from(["black-history-month", "a", "lgbt-plus-history-month-2027", "", "id"])


@st.composite
def tables(draw: st.DrawFn) -> tuple[str | None, list[str], list[list[str]], list[bool]]:
    count = draw(st.integers(1, 6))
    whole = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    headings = draw(
        st.lists(
            st.sampled_from(["Dates", "Observance", "Id", "Categories", "Status of it", "Key"]),
            min_size=count,
            max_size=count,
        )
    )
    rows = draw(
        st.lists(
            st.tuples(*(id_text if w else cell_text for w in whole)).map(list),
            min_size=1,
            max_size=8,
        )
    )
    title = draw(st.sampled_from([None, "t", "Observances 2027-01-01 to 2027-12-31", "x " * 70]))
    return title, headings, rows, whole


@settings(max_examples=400, deadline=None)
@given(
    tables(),
    st.one_of(st.integers(8, 230), st.sampled_from([80, 120, 200])),
    st.sampled_from([None, "standard", "256", "truecolor"]),
)
def test_the_layout_is_riches_byte_for_byte(
    table: tuple[str | None, list[str], list[list[str]], list[bool]],
    width: int,
    colour: str | None,
) -> None:
    """Any table of plain cells at any width, plain or styled, prints as rich prints it; where
    the layout steps aside (a table wider than the terminal, columns too narrow to pad) rich
    prints it instead."""
    title, headings, rows, whole = table
    mine = render_table(title, headings, rows, whole, width=width, bold=colour is not None)
    expected = _rich(title, headings, rows, whole, width=width, colour=colour)
    # Where the layout steps aside, rich itself prints the table.
    assume(mine is not None)
    assert mine == expected


def test_ids_wider_than_the_terminal_are_left_to_rich() -> None:
    """A table whose id column alone is wider than the terminal is rich's to crop."""
    rows = [["lgbt-plus-history-month-2027-blog-and-social", "a long description here"]]
    assert render_table(None, ["Key", "What"], rows, [True, False], width=30, bold=False) is None


COMMANDS = [
    ("occurrences", "--from", "2027-01-01", "--to", "2027-12-31"),
    ("upcoming", "--days", "60"),
    ("clashes", "2027-03-10", "--to", "2027-03-20"),
    ("calendars",),
    ("dates", "due"),
]


@pytest.mark.parametrize("styled", [False, True], ids=["piped", "terminal"])
@pytest.mark.parametrize("width", [80, 120, 200])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_command_tables_print_what_rich_prints(
    command: tuple[str, ...],
    width: int,
    styled: bool,
    run_cli: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """occurrences, upcoming, clashes, calendars and dates due print at 80, 120 and 200
    columns, piped and on a colour terminal, the same bytes as rich's own table of the same
    rows; and the layout (not rich) printed them."""
    fix_today(monkeypatch, dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    monkeypatch.setenv("COLUMNS", str(width))
    if styled:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("TERM", "xterm-256color")
    else:
        monkeypatch.delenv("FORCE_COLOR", raising=False)
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ncampaigns_dir = "{SHIPPED_CAMPAIGNS}"\ndata_dir = "{tmp_path / "d"}"\n'
    )
    cli = run_cli.with_config(config)
    laid_out: list[bool] = []

    def recording(*args: object, **kwargs: object) -> str | None:
        text = render_table(*args, **kwargs)  # type: ignore[arg-type]
        laid_out.append(text is not None)
        return text

    monkeypatch.setattr(table_layout, "render_table", recording)
    ours = cli(*command)
    monkeypatch.setattr(table_layout, "render_table", lambda *a, **k: None)
    riches = cli(*command)
    assert ours.code == riches.code == 0
    assert laid_out == [True]
    assert ("\x1b[1m" in ours.out) is styled
    assert ours.out == riches.out
    assert len(ours.out.splitlines()) > 5
