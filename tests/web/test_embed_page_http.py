"""`/embed`: the widget's snippets with the site's own address, in read-only boxes whose copy
buttons appear only with the script, the sites allowed to frame the widget, and Welsh."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from .conftest import WebEnv

BASE = "https://calendar.example.nhs.uk"


def _snippets(page: str) -> dict[str, str]:
    found = re.findall(r'<textarea id="([^"]+)"[^>]*\breadonly\b[^>]*>(.*?)</textarea>', page, re.S)
    return {name: html.unescape(text) for name, text in found}


def test_the_snippets_carry_the_sites_address_and_work(client: TestClient) -> None:
    page = client.get("/embed")
    assert page.status_code == 200
    text = page.text
    snippets = _snippets(text)
    assert snippets["snippet-frame"] == (
        f'<iframe src="{BASE}/embed/upcoming?n=5"\n'
        '        title="Coming up in the EDI awareness calendar"\n'
        '        width="100%" height="420" style="border:0" loading="lazy"></iframe>'
    )
    assert snippets["snippet-script"] == (
        f'<script src="{BASE}/static/embed.js"\n'
        '        data-n="5" data-title="Coming up in the EDI awareness calendar" async></script>'
    )
    # What the snippets load answers.
    assert client.get("/embed/upcoming?n=5").status_code == 200
    assert client.get("/static/embed.js").status_code == 200
    # Without the script the boxes are plain text to select; the buttons wait for it.
    for name in snippets:
        assert re.search(
            rf'<button type="button" class="copy" data-copy="{name}"[^>]* hidden>', text
        )
        assert f'<p class="copied" role="status" data-copied-for="{name}"></p>' in text
        assert f'<label for="{name}">' in text
    assert '<script src="/static/copy.js" defer></script>' in text
    assert "No other site may show the list yet" in text
    assert 'href="/embed"' in client.get("/about").text


def test_the_allowed_sites_are_named(web_env: WebEnv, app_factory) -> None:  # type: ignore[no-untyped-def]
    with web_env.config.open("a", encoding="utf-8") as config:
        config.write('\n[web]\nembed_origins = ["https://intranet.example.nhs.uk"]\n')
    with TestClient(app_factory(), base_url=BASE) as client:
        text = client.get("/embed").text
    assert "These sites may show the list: <code>https://intranet.example.nhs.uk</code>." in text
    assert "No other site may show the list yet" not in text


def test_the_welsh_page(client: TestClient) -> None:
    text = client.get("/cy/embed").text
    assert '<html lang="cy">' in text
    assert "Rhoi’r calendr ar eich mewnrwyd" in text
    assert 'data-copied="Wedi’i gopïo"' in text
    snippets = _snippets(text)
    assert 'title="I ddod yn y calendr ymwybyddiaeth CAC"' in snippets["snippet-frame"]
    assert f'src="{BASE}/cy/embed/upcoming?n=5"' in snippets["snippet-frame"]
    assert client.get("/cy/embed/upcoming?n=5").status_code == 200
    assert 'data-n="5" data-lang="cy" data-title="I ddod' in snippets["snippet-script"]
    assert 'href="/cy/embed"' in client.get("/cy/about").text
