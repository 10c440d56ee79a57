"""`edicalendar export --welsh`: the Welsh site beside the English one (cy/index.html, the
accessibility and about pages, and every feed in Welsh as feeds/cy/NAME.ics), the same bytes the
server sends for `/feeds/NAME.ics?lang=cy`; and without it, the export exactly as before."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import icalendar
import pytest
from fastapi.testclient import TestClient

from edicalendar.web import create_app
from edicalendar.web.export import export_site
from support.paths import REPO_ROOT

BASE = "https://calendar.example.nhs.uk/edi/"
CONFIG = f'[feeds]\nbase_url = "{BASE}"\n'


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.refs: list[str] = []
        self.switch: list[tuple[str | None, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        for name in ("href", "src"):
            if found.get(name):
                self.refs.append(str(found[name]))
        if tag == "a" and found.get("hreflang"):
            self.switch.append((found.get("hreflang"), found.get("href")))


def _read(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text("utf-8"))
    return links


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def shipped(make_context):  # type: ignore[no-untyped-def]
    return make_context(CONFIG, calendars_dir=REPO_ROOT / "calendars")


def test_without_welsh_nothing_changes(shipped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The default export has no Welsh file or link, and a Welsh export in between leaves the
    next default export byte for byte the same (the feeds' SEQUENCE and DTSTAMP included)."""
    before = tmp_path / "before"
    export_site(shipped.feeds(), before)
    export_site(shipped.feeds(), tmp_path / "welsh", welsh=True)
    after = tmp_path / "after"
    export_site(shipped.feeds(), after)
    assert _files(before) == _files(after)
    names = set(_files(before))
    assert not {n for n in names if n.startswith(("cy/", "feeds/cy/"))}
    assert "Cymraeg" not in (before / "index.html").read_text("utf-8")


def test_the_welsh_feeds_are_the_served_welsh_feeds(shipped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    result = export_site(shipped.feeds(), site, welsh=True)
    assert "cy/all" in result.feeds and "all" in result.feeds
    specs = shipped.feeds().specs()
    client = TestClient(
        create_app(shipped, watch_interval=None), base_url="https://calendar.example.nhs.uk"
    )
    for spec in specs:
        welsh = (site / "feeds" / "cy" / f"{spec.name}.ics").read_bytes()
        served = client.get(f"/feeds/{spec.name}.ics?lang=cy")
        assert served.status_code == 200
        assert welsh == served.content, spec.name
    calendar = icalendar.Calendar.from_ical((site / "feeds" / "cy" / "all.ics").read_bytes())
    english = icalendar.Calendar.from_ical((site / "feeds" / "all.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]).startswith("Calendr CAC: popeth")
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in english.walk("VEVENT")]
    titles = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    # Welsh names published by Welsh public bodies (calendars/awareness.toml, name_cy_source).
    assert "Diwrnod Rhyngwladol y Menywod" in titles and "Mis Hanes Pobl Dduon" in titles
    assert "International Women's Day" not in titles


def test_the_welsh_pages_offer_the_welsh_feeds_and_link_both_ways(shipped, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    export_site(shipped.feeds(), site, welsh=True)
    welsh = _read(site / "cy" / "index.html")
    assert welsh.lang == "cy"
    text = (site / "cy" / "index.html").read_text("utf-8")
    assert "Tanysgrifio i’r calendr" in text
    for name in ("all", "awareness", "religion-belief"):
        assert f"https://calendar.example.nhs.uk/edi/feeds/cy/{name}.ics" in welsh.refs
        assert f"webcal://calendar.example.nhs.uk/edi/feeds/cy/{name}.ics" in welsh.refs
    assert not [r for r in welsh.refs if "lang=cy" in r]  # a static host cannot answer a query
    assert ("en", "../index.html") in welsh.switch
    assert ("cy", "cy/index.html") in _read(site / "index.html").switch
    for page in ("index.html", "accessibility.html", "about.html"):
        assert ("en", f"../{page}") in _read(site / "cy" / page).switch
        assert ("cy", f"cy/{page}") in _read(site / page).switch
        assert _read(site / "cy" / page).lang == "cy"
        # Every file a Welsh page refers to by a relative address is in the export.
        for ref in _read(site / "cy" / page).refs:
            if urlsplit(ref).scheme or ref.startswith(("#", "mailto:")):
                continue
            target = urljoin(f"cy/{page}", ref.split("#")[0])
            assert (site / target).is_file(), (page, ref)
    assert re.search(r"Datganiad hygyrchedd", (site / "cy" / "accessibility.html").read_text())


def test_the_command_writes_the_welsh_site(config_file: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from edicalendar.cli import main

    assert main(["--config", str(config_file), "export", "--welsh", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "cy" / "index.html").is_file()
    assert (tmp_path / "out" / "feeds" / "cy" / "all.ics").is_file()
    assert "feeds" in capsys.readouterr().out
