"""`edicalendar wallchart`: the year wallchart and the booklet as PDF, read back with pypdf,
poppler (text, word positions, page images) and zbar (the QR code), on the shipped calendars.

Dates checked against the organisers: Holocaust Memorial Day is 27 January (Holocaust
Memorial Day Trust), International Women's Day 8 March (United Nations), World Mental Health
Day 10 October (World Health Organization), Black History Month (UK) all of October.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest

from edicalendar.model import Status
from edicalendar.wallchart.pdf import FONTS, Furniture, wallchart_pdf
from support import pdfs
from support.builders import make_occurrence
from support.cli import CliRunner
from support.paths import REPO_ROOT

from .conftest import BASE

A3_LANDSCAPE = (1190.55, 841.89)
A4_LANDSCAPE = (841.89, 595.28)
ORGANISATION = "Greater Manchester Health Innovation"
MONTHS = [dt.date(2027, m, 1).strftime("%B") for m in range(1, 13)]


@pytest.fixture
def organisation() -> str:
    return ORGANISATION


@pytest.fixture(scope="module")
def wallchart_2027(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The 2027 wallchart, drawn once for the module's read-only checks."""
    from edicalendar.context import AppContext
    from edicalendar.wallchart.printed import Layout, print_year

    root = tmp_path_factory.mktemp("wallchart")
    config = root / "edicalendar.toml"
    config.write_text(f'[data]\ncalendars_dir = "{REPO_ROOT / "calendars"}"\n', encoding="utf-8")
    ctx = AppContext(config_path=config)
    return print_year(
        ctx.catalog,
        2027,
        layout=Layout.WALLCHART,
        categories=(),
        organisation=ORGANISATION,
        title="EDI awareness calendar",
        subscribe_url=BASE + "/",
        today=dt.date(2026, 12, 1),
    ).body


def _column_text(words: list[pdfs.Word], month: str) -> str:
    """One month's column as one string, its lines joined by spaces."""
    return " ".join(_column_lines(words, month))


def _column_lines(words: list[pdfs.Word], month: str) -> list[str]:
    """The lines of text in one month's column, top to bottom, from the words' positions."""
    heads = {w.text: w for w in words if w.text in MONTHS and w.y < 120}
    assert set(heads) == set(MONTHS), sorted(heads)
    left = heads[month].x - 4
    index = MONTHS.index(month)
    right = heads[MONTHS[index + 1]].x - 4 if index < 11 else 10_000
    lines: dict[int, list[pdfs.Word]] = {}
    for word in words:
        if left <= word.x < right and word.y > heads[month].bottom:
            lines.setdefault(round(word.y), []).append(word)
    return [
        " ".join(w.text for w in sorted(ws, key=lambda w: w.x)) for _, ws in sorted(lines.items())
    ]


def test_wallchart_command_writes_one_a3_landscape_page(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    result = cli("wallchart", "--year", "2027", "-o", str(out))
    assert result.code == 0, result.err
    assert result.out.startswith("wrote the 2027 A3 wallchart (")
    assert result.out.rstrip().endswith(f"to {out}")
    assert result.err == ""  # base_url is set, every 2027 date can be computed
    body = out.read_bytes()
    assert body.startswith(b"%PDF-")
    sizes = pdfs.page_sizes(body)
    assert len(sizes) == 1
    assert sizes[0] == pytest.approx(A3_LANDSCAPE, abs=0.01)
    text = pdfs.text(body)
    for expected in (
        "EDI awareness calendar 2027",
        ORGANISATION,
        "All categories",
        "Dates marked estimated may move",
        "provisional:",
        "begins the evening before:",
        "Dates as of 1 December 2026",
        f"{BASE}/",
    ):
        assert expected in text, expected


def test_dates_sit_in_their_months_column(wallchart_2027: bytes) -> None:
    words = pdfs.words(wallchart_2027)
    january = _column_text(words, "January")
    march = _column_text(words, "March")
    october = _column_text(words, "October")
    assert "27 Holocaust Memorial Day" in january
    assert "8 International Women's Day" in march
    assert "10 World Mental Health Day" in october
    assert "All month Black History Month" in october
    assert "Women's Day" not in january + october
    assert "Holocaust Memorial Day" not in march + october


def test_estimated_dates_are_marked_in_words(wallchart_2027: bytes) -> None:
    """Eid al-Fitr 1448 is a lunar date: printed with "estimated ±1 day" and its eve; every
    estimated or provisional entry says so."""
    march = _column_text(pdfs.words(wallchart_2027), "March")
    assert "Eid al-Fitr (estimated ±1 day, begins the evening before)" in march
    text = pdfs.text(wallchart_2027)
    assert text.count("(estimated") + text.count(", estimated") >= 60
    assert text.count("provisional") >= 20


def test_the_qr_code_decodes_to_the_subscribe_page(wallchart_2027: bytes, tmp_path: Path) -> None:
    images = pdfs.page_images(wallchart_2027, tmp_path, dpi=100)
    assert len(images) == 1
    assert pdfs.qr_codes(images[0]) == [BASE + "/"]


def test_the_page_image_is_a3_landscape_and_nothing_spills_past_the_margins(
    wallchart_2027: bytes, tmp_path: Path
) -> None:
    from PIL import Image

    image = Image.open(pdfs.page_images(wallchart_2027, tmp_path, dpi=50)[0]).convert("L")
    assert image.size == (827, 585)  # 1190.55 x 841.89 pt at 50 dpi
    # Office printers leave about 5 mm unprinted: 7 mm (20 pt, 13 px at 50 dpi) stays white.
    margin = 13
    band = [
        image.getpixel((x, y))
        for x in range(image.size[0])
        for y in (*range(margin), *range(image.size[1] - margin, image.size[1]))
    ]
    assert min(band) > 240
    for word in pdfs.words(wallchart_2027):
        assert word.x >= 20 and word.right <= A3_LANDSCAPE[0] - 20, word
        assert word.y >= 20 and word.bottom <= A3_LANDSCAPE[1] - 20, word


def test_category_filter_and_stdout(
    config: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from edicalendar.cli import main

    code = main(["--config", str(config), "wallchart", "--year", "2027", "-c", "race", "-o", "-"])
    assert code == 0
    body = capsysbinary.readouterr().out
    assert body.startswith(b"%PDF-")
    text = pdfs.text(body)
    assert "Race" in text and "All categories" not in text
    assert "Black History Month" in text
    assert "Diwali" not in text and "International Women's Day" not in text


def test_booklet_is_twelve_a4_landscape_months(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    result = cli("wallchart", "--year", "2027", "--booklet", "-o", str(out))
    assert result.code == 0, result.err
    body = out.read_bytes()
    sizes = pdfs.page_sizes(body)
    assert len(sizes) == 12
    assert all(size == pytest.approx(A4_LANDSCAPE, abs=0.01) for size in sizes)
    for number, name in enumerate(MONTHS, start=1):
        page = pdfs.text(body, number)
        assert f"{name} 2027" in page, page[:80]
        assert "Dates marked estimated may move" in page and ORGANISATION in page
    assert "International Women's Day" in pdfs.text(body, 3)
    assert "Holocaust Memorial Day" in pdfs.text(body, 1)
    # March's grid: the 8th holds International Women's Day, under Monday's column.
    words = pdfs.words(body, 3)
    eight = [w for w in words if w.text == "8"]
    iwd = [w for w in words if w.text == "Women's"]
    assert eight and iwd
    images = pdfs.page_images(body, tmp_path, dpi=100)
    assert len(images) == 12
    assert pdfs.qr_codes(images[2]) == [BASE + "/"]


def test_a_device_is_written_not_replaced(cli: CliRunner) -> None:
    result = cli("wallchart", "--year", "2027", "-o", os.devnull)
    assert result.code == 0, result.err
    assert Path(os.devnull).is_char_device()


def test_bad_years_and_categories_are_usage_errors(cli: CliRunner) -> None:
    result = cli("wallchart", "--year", "1200", "-o", "x.pdf")
    assert result.code == 2
    assert "--year 1200 is outside the years the calendar computes (1583-4099)" in result.err
    result = cli("wallchart", "--year", "2027", "-c", "racee", "-o", "x.pdf")
    assert result.code == 2 and "did you mean 'race'" in result.err
    result = cli("wallchart", "-o", "x.pdf")
    assert result.code == 2 and "--year" in result.err
    assert not Path("x.pdf").exists()


def test_without_a_public_address_the_command_says_where_the_qr_code_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "edicalendar.toml"
    config.write_text(f'[data]\ncalendars_dir = "{REPO_ROOT / "calendars"}"\n', encoding="utf-8")
    result = CliRunner(capsys, config)("wallchart", "--year", "2027", "-o", str(tmp_path / "w.pdf"))
    assert result.code == 0
    assert (
        "feeds.base_url is not set, so the QR code points at http://127.0.0.1:8000/" in result.err
    )


def test_years_that_cannot_be_dated_are_said_in_the_key(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    result = cli("wallchart", "--year", "2080", "-o", str(out))
    assert result.code == 0
    assert "No dates can be given for 2080" in result.err
    assert "No dates can be given for 2080" in pdfs.text(out.read_bytes())


def test_every_name_in_the_calendars_has_a_glyph_in_the_embedded_font() -> None:
    """The font covers every character of every observance's names (all calendars, the
    optional ones too) and the diacritics of names as organisers spell them."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    from edicalendar.calendar.catalog import load_catalog

    covered = set(TTFontFile(str(FONTS / "DejaVuSansCondensed.ttf")).charToGlyph)
    bold = set(TTFontFile(str(FONTS / "DejaVuSansCondensed-Bold.ttf")).charToGlyph)
    catalog = load_catalog(REPO_ROOT / "calendars")
    texts = ["Bahá'í Riḍván Nowruz Naw-Rúz Diwali Śrī Tết Dydd Gŵyl Dewi ±–·"]
    for obs in catalog.observances.values():
        texts += [obs.name, *obs.aliases]
    missing = {ch for t in texts for ch in t if ord(ch) not in covered or ord(ch) not in bold}
    assert missing == set()


def test_names_with_diacritics_print_and_read_back(tmp_path: Path) -> None:
    names = ["Ridván (Riḍván)", "Naw-Rúz (Bahá'í New Year)", "Dydd Gŵyl Dewi", "Tết"]
    occurrences = [
        make_occurrence(f"o{n}", name, dt.date(2027, 4, 1 + n)) for n, name in enumerate(names)
    ]
    body = wallchart_pdf(
        occurrences, 2027, Furniture("Bwrdd Iechyd", "Calendr", BASE + "/", dt.date(2026, 12, 1))
    )
    text = pdfs.text(body)
    for name in names:
        assert name in text, name


def test_a_year_too_full_for_one_sheet_continues_on_another(tmp_path: Path) -> None:
    """Nothing is cut off: what does not fit at the smallest size goes on a second page."""
    crowded = [
        replace(
            make_occurrence(
                f"o{n}", f"Observance number {n} with a long name", dt.date(2027, 1, 1 + n % 28)
            ),
            status=Status.ESTIMATED,
            may_vary_days=1,
        )
        for n in range(160)
    ]
    body = wallchart_pdf(
        crowded, 2027, Furniture("Org", "Calendar", BASE + "/", dt.date(2026, 12, 1))
    )
    assert len(pdfs.page_sizes(body)) > 1
    text = pdfs.text(body)
    assert "Calendar 2027 (continued)" in text
    for n in range(160):
        assert f"Observance number {n} with a long name" in text, n
