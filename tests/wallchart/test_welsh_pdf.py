"""The wallchart and booklet in Welsh (`--lang cy`), read back with pypdf, poppler and zbar.

Month and weekday names are typed here as the Welsh Government and the Senedd write them, not
read from Babel or CLDR; observances' Welsh names are the ones their sources publish (recorded in
calendars/ with `name_cy_source`): International Women's Day is "Diwrnod Rhyngwladol y Menywod"
(Business Wales), Black History Month "Mis Hanes Pobl Dduon" (Senedd), Holocaust Memorial Day
"Diwrnod Cofio’r Holocost" (Senedd), World Mental Health Day "Diwrnod Iechyd Meddwl y Byd"
(Carmarthenshire County Council), Eid al-Fitr "Eid Al-Fitr" (Betsi Cadwaladr UHB). Dates as
in test_pdf.py (the organisers' own).
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from edicalendar.wallchart.pdf import FONTS
from support import pdfs
from support.cli import CliRunner
from support.paths import REPO_ROOT

from .conftest import BASE

ORGANISATION = "Bwrdd Iechyd Prifysgol Enghraifft"
WELSH_MONTHS = ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf"]
WELSH_MONTHS += ["Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"]
WELSH_WEEKDAYS = ["Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener"]
WELSH_WEEKDAYS += ["Dydd Sadwrn", "Dydd Sul"]
ENGLISH_FURNITURE = ["Key", "Dates as of", "All categories", "All month", "Subscribe for"]
ENGLISH_FURNITURE += ["estimated", "provisional", "begins the evening", "Running through"]


@pytest.fixture
def organisation() -> str:
    return ORGANISATION


@pytest.fixture
def welsh_wallchart(cli: CliRunner, tmp_path: Path) -> bytes:
    out = tmp_path / "siart.pdf"
    result = cli("wallchart", "--year", "2027", "--lang", "cy", "-o", str(out))
    assert result.code == 0, result.err
    assert result.err == ""
    return out.read_bytes()


def column_text(words: list[pdfs.Word], months: list[str], month: str) -> str:
    """One month's column of the wallchart, its lines joined by spaces, from word positions."""
    heads = {w.text: w for w in words if w.text in months and w.y < 120}
    assert set(heads) == set(months), sorted(heads)
    index = months.index(month)
    left = heads[month].x - 4
    right = heads[months[index + 1]].x - 4 if index < 11 else 10_000
    lines: dict[int, list[pdfs.Word]] = {}
    for word in words:
        if left <= word.x < right and word.y > heads[month].bottom:
            lines.setdefault(round(word.y), []).append(word)
    return " ".join(
        " ".join(w.text for w in sorted(ws, key=lambda w: w.x)) for _, ws in sorted(lines.items())
    )


def test_the_welsh_wallchart_has_welsh_headings_months_key_and_names(
    welsh_wallchart: bytes,
) -> None:
    assert pdfs.page_sizes(welsh_wallchart) == [pytest.approx((1190.55, 841.89), abs=0.01)]
    text = pdfs.text(welsh_wallchart)
    for expected in (
        "Calendr ymwybyddiaeth cydraddoldeb, amrywiaeth a chynhwysiant 2027",
        ORGANISATION,
        "Pob categori",
        "Allwedd",
        "Dim marc: dyddiad wedi’i gadarnhau",
        "Gall dyddiadau a nodir yn amcangyfrif symud hyd at N diwrnod",
        "dros dro: nid yw’r trefnydd wedi cyhoeddi",
        "yn dechrau’r noson cynt: mae’r ŵyl yn dechrau ar fachlud haul",
        "Dyddiadau fel yr oeddent ar 1 Rhagfyr 2026",
        f"Tanysgrifiwch i gael dyddiadau sy’n aros yn gyfredol: {BASE}/cy/",
    ):
        assert expected in text, expected
    for english in ENGLISH_FURNITURE:
        assert english not in text, english
    words = pdfs.words(welsh_wallchart)
    january = column_text(words, WELSH_MONTHS, "Ionawr")
    march = column_text(words, WELSH_MONTHS, "Mawrth")
    october = column_text(words, WELSH_MONTHS, "Hydref")
    assert "27 Diwrnod Cofio’r Holocost" in january
    assert "8 Diwrnod Rhyngwladol y Menywod" in march
    assert "Drwy’r mis Mis Hanes Pobl Dduon" in october
    assert "10 Diwrnod Iechyd Meddwl y Byd" in october
    # No Welsh name is known for ADHD Awareness Month: it keeps its English one.
    assert "Drwy’r mis ADHD Awareness Month" in october
    # Eid al-Fitr 1448: the status and the eve in the Welsh pages' words.
    assert "Eid Al-Fitr (amcangyfrif ±1 diwrnod, yn dechrau’r noson cynt)" in march
    # Ramadan 1448 begins on 8 February and ends in March: Welsh short month names.
    february = column_text(words, WELSH_MONTHS, "Chwefror")
    assert "8 Chwef – 8 Maw Ramadan" in february


def test_the_welsh_wallchart_says_it_is_welsh_and_points_at_the_welsh_site(
    welsh_wallchart: bytes, tmp_path: Path
) -> None:
    reader = pypdf.PdfReader(io.BytesIO(welsh_wallchart))
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    assert "siart wal y flwyddyn 2027" in str(reader.metadata.title)
    image = pdfs.page_images(welsh_wallchart, tmp_path, dpi=100)[0]
    assert pdfs.qr_codes(image) == [BASE + "/cy/"]


def test_the_welsh_booklet_has_welsh_months_and_weekdays(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "llyfryn.pdf"
    result = cli("wallchart", "--year", "2027", "--booklet", "--lang", "cy", "-o", str(out))
    assert result.code == 0, result.err
    body = out.read_bytes()
    assert len(pdfs.page_sizes(body)) == 12
    for number, month in enumerate(WELSH_MONTHS, start=1):
        page = pdfs.text(body, number)
        assert f"{month} 2027" in page, page[:80]
        for weekday in WELSH_WEEKDAYS:
            assert weekday in page, (month, weekday)
        assert "Allwedd" in page and "Dyddiadau fel yr oeddent ar 1 Rhagfyr 2026" in page
        for english in ENGLISH_FURNITURE:
            assert english not in page, (month, english)
    march = pdfs.text(body, 3)
    assert "Yn rhedeg drwy Fawrth" in march
    assert "Diwrnod Rhyngwladol y Menywod" in march
    assert "Gwener y Groglith" in march  # Good Friday, 26 March 2027
    assert "Mis Hanes Pobl Dduon" in pdfs.text(body, 10)


def test_an_unknown_language_is_a_usage_error(cli: CliRunner) -> None:
    result = cli("wallchart", "--year", "2027", "--lang", "fr", "-o", "x.pdf")
    assert result.code == 2
    assert "--lang 'fr' is not a language offered; use en or cy" in result.err
    assert not Path("x.pdf").exists()


def test_the_english_chart_is_unchanged_by_the_welsh_one(cli: CliRunner, tmp_path: Path) -> None:
    """Drawing a Welsh chart leaves nothing Welsh behind for the next English one."""
    assert cli("wallchart", "--year", "2027", "--lang", "cy", "-o", str(tmp_path / "a")).code == 0
    assert cli("wallchart", "--year", "2027", "-o", str(tmp_path / "b.pdf")).code == 0
    text = pdfs.text((tmp_path / "b.pdf").read_bytes())
    assert "Dates as of 1 December 2026" in text and "Allwedd" not in text
    assert "International Women's Day" in text and "Menywod" not in text


def test_every_welsh_word_and_name_has_a_glyph_in_the_embedded_font() -> None:
    """Every character of the Welsh catalogue (ŵ, ŷ, ’ and the rest) and of every published
    Welsh name in the calendars is in both embedded fonts."""
    from babel.messages.pofile import read_po
    from reportlab.pdfbase.ttfonts import TTFontFile

    from edicalendar.calendar.catalog import load_catalog

    regular = set(TTFontFile(str(FONTS / "DejaVuSansCondensed.ttf")).charToGlyph)
    bold = set(TTFontFile(str(FONTS / "DejaVuSansCondensed-Bold.ttf")).charToGlyph)
    po = REPO_ROOT / "src" / "edicalendar" / "locale" / "cy" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    texts = ["ŵŷŴŶâêîôûÂÊÎÔÛáéíóúẁỳäëïöüẅÿ’‘"]
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [s for s in strings if s]
    names = [o.name_cy for o in load_catalog(REPO_ROOT / "calendars").observances.values()]
    assert any(names)
    texts += [n for n in names if n]
    missing = {ch for t in texts for ch in "".join(t.split()) if not {ord(ch)} <= regular & bold}
    assert missing == set()
