"""Communication freezes on the printed year: `edicalendar wallchart` reads the recorded
freezes (with the standard library, never creating a database) and shows the public ones, or
with `--freezes all` the private ones too, in their month's column, on the booklet's days and in
the key. Read back with poppler's pdftotext and pdftoppm."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from edicalendar.calendar.freezes import RESTRICTION_LABELS
from edicalendar.wallchart.content import HOLDS_BACK
from support import pdfs
from support.cli import CliRunner

ELECTION = "General election pre-election period: General election 6 May 2027"
EMBARGO = "Organisation communications freeze: Inspection report embargo"


def _freezes(cli: CliRunner) -> None:
    """A public pre-election period (25 March to 6 May 2027) and a private embargo (1-2 June)."""
    election = cli(
        "freeze", "add", "--kind", "general-election", "--reason", "General election 6 May 2027",
        "--from", "2027-03-25", "--to", "2027-05-06",
    )  # fmt: skip
    assert election.code == 0, election.err
    embargo = cli(
        "freeze", "add", "--kind", "organisation", "--reason", "Inspection report embargo",
        "--from", "2027-06-01", "--to", "2027-06-02",
    )  # fmt: skip
    assert embargo.code == 0, embargo.err


def _chart(cli: CliRunner, tmp_path: Path, *options: str) -> str:
    out = tmp_path / "chart.pdf"
    result = cli("wallchart", "--year", "2027", *options, "-o", str(out))
    assert result.code == 0, result.err
    return pdfs.text(out.read_bytes())


def test_without_a_database_there_are_no_freezes_and_none_is_created(
    cli: CliRunner, tmp_path: Path, state: Path
) -> None:
    text = _chart(cli, tmp_path)
    assert "Communication freeze" not in text
    assert not state.exists()


def test_public_freezes_show_in_their_column_and_the_key(cli: CliRunner, tmp_path: Path) -> None:
    _freezes(cli)
    out = tmp_path / "w.pdf"
    assert cli("wallchart", "--year", "2027", "-o", str(out)).code == 0
    body = out.read_bytes()
    text = pdfs.text(body)
    assert f"25 Mar – 6 May Communication freeze: {ELECTION}" in text
    assert "Communication freeze: a period when the organisation holds back what it publishes" in (
        text
    )
    assert (
        f"{ELECTION}: 25 March 2027 to 6 May 2027; holds back public announcements and social "
        "posts." in text
    )
    assert "Inspection report embargo" not in text  # private: not on a chart for the wall
    # In March's column: left of April's heading, right of February's.
    words = pdfs.words(body)
    heads = {w.text: w for w in words if w.text in ("March", "April") and w.y < 120}
    freeze_word = next(w for w in words if w.text == "freeze:" and w.y < 700)
    assert heads["March"].x - 4 <= freeze_word.x < heads["April"].x - 4


def test_all_freezes_and_none(cli: CliRunner, tmp_path: Path) -> None:
    _freezes(cli)
    every = _chart(cli, tmp_path, "--freezes", "all")
    assert ELECTION in every and EMBARGO in every
    assert "1–2 Communication freeze: " + EMBARGO in every
    none = _chart(cli, tmp_path, "--freezes", "none")
    assert "Communication freeze" not in none and "General election" not in none
    wrong = cli("wallchart", "--year", "2027", "--freezes", "private", "-o", "x.pdf")
    assert wrong.code == 2
    assert "--freezes 'private' is not a choice; use public, all or none" in wrong.err


def test_an_ended_freeze_prints_to_its_last_day_and_a_cancelled_one_not_at_all(
    cli: CliRunner, tmp_path: Path
) -> None:
    _freezes(cli)
    assert cli("freeze", "end", "2").code == 0  # ended before its first day: cancelled
    text = _chart(cli, tmp_path, "--freezes", "all")
    assert "Inspection report embargo" not in text and ELECTION in text


def test_the_booklet_shades_and_labels_frozen_days(cli: CliRunner, tmp_path: Path) -> None:
    _freezes(cli)
    out = tmp_path / "b.pdf"
    assert cli("wallchart", "--year", "2027", "--booklet", "-o", str(out)).code == 0
    body = out.read_bytes()
    march = pdfs.words(body, 3)
    labels = [w for w in march if w.text == "freeze"]
    assert len(labels) == 7  # 25 to 31 March
    assert f"25 Mar – 6 May Communication freeze: {ELECTION}" in pdfs.text(body, 3)
    assert len([w for w in pdfs.words(body, 4) if w.text == "freeze"]) == 30
    assert len([w for w in pdfs.words(body, 5) if w.text == "freeze"]) == 6
    assert not [w for w in pdfs.words(body, 6) if w.text == "freeze"]  # the embargo is private
    # Each label sits beside its day's number, in a shaded cell (pale red, not white).
    days = {w.text: w for w in march if w.text.isdigit()}
    image = Image.open(pdfs.page_images(body, tmp_path, dpi=72)[2]).convert("RGB")
    for label in labels:
        number = next(w for w in march if w.text.isdigit() and abs(w.y - label.y) < 2
                      and 0 < label.x - w.right < 8)  # fmt: skip
        assert 25 <= int(number.text) <= 31
        pixel = image.getpixel((round(label.right + 4), round((label.y + label.bottom) / 2)))
        assert pixel != (255, 255, 255) and pixel[0] > pixel[1], pixel
    white = image.getpixel(
        (round(days["24"].right + 4), round((days["24"].y + days["24"].bottom) / 2))
    )
    assert white == (255, 255, 255)


def test_what_a_freeze_holds_back_is_worded_as_the_pages_word_it() -> None:
    assert tuple(RESTRICTION_LABELS.values()) == HOLDS_BACK
