"""/docs in real Chromium: the pinned Swagger UI renders under its own Content-Security-Policy,
and a changed file from the CDN is refused by its integrity hash.

The machine running the tests cannot reach the CDN, so the browser is handed the files of the
npm package swagger-ui-dist at the pinned version (installed by scripts/test.sh into
tests/js) whenever it asks for the CDN's addresses: the same bytes jsDelivr serves from npm.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from edicalendar.context import AppContext
from edicalendar.web import create_app
from edicalendar.web.docs import DOCS_CSP, SWAGGER_FILES, SWAGGER_UI_VERSION
from support.paths import NODE_MODULES
from support.serving import serving
from support.sites import copy_site

pytestmark = pytest.mark.browser

PACKAGE = NODE_MODULES / "swagger-ui-dist"
SHOTS = Path("/tmp/edicalendar-web-screenshots")


def test_the_pinned_hashes_are_those_of_the_npm_release() -> None:
    """The integrity hashes match the files of swagger-ui-dist@VERSION from the npm registry."""
    import json

    assert json.loads((PACKAGE / "package.json").read_text())["version"] == SWAGGER_UI_VERSION
    for name, (address, integrity) in SWAGGER_FILES.items():
        digest = hashlib.sha384((PACKAGE / name).read_bytes()).digest()
        assert integrity == "sha384-" + base64.b64encode(digest).decode()
        assert address.endswith(f"swagger-ui-dist@{SWAGGER_UI_VERSION}/{name}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = copy_site(tmp_path_factory.mktemp("docs"))
    app = create_app(AppContext(config_path=config), watch_interval=None)
    with serving(app) as base:
        yield base


def _open(browser: Any, server: str, width: int, tamper: bool = False) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    def cdn(route: Any) -> None:
        name = route.request.url.rsplit("/", 1)[1]
        body = (PACKAGE / name).read_bytes()
        if tamper and name.endswith(".js"):
            body += b"\n/* changed on the way */"
        kind = "text/css" if name.endswith(".css") else "application/javascript"
        route.fulfill(status=200, body=body, content_type=kind,
                      headers={"Access-Control-Allow-Origin": "*"})  # fmt: skip

    page.route("https://cdn.jsdelivr.net/**", cdn)
    response = page.goto(f"{server}/docs")
    assert response is not None
    assert response.headers["content-security-policy"] == DOCS_CSP.decode()
    return page, problems


@pytest.mark.parametrize("width", [1280, 375])
def test_docs_render_under_their_csp(browser: Any, server: str, width: int) -> None:
    page, problems = _open(browser, server, width)
    page.wait_for_selector(".opblock", timeout=20_000)
    text = page.inner_text("#swagger-ui")
    assert "/api/occurrences" in text and "/healthz" in text
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"docs-{width}.png"), full_page=False)
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    page.context.close()


def test_a_changed_file_is_refused(browser: Any, server: str) -> None:
    page, problems = _open(browser, server, 1280, tamper=True)
    page.wait_for_timeout(1500)
    assert page.query_selector(".opblock") is None
    assert any("integrity" in p for p in problems), problems
    page.context.close()
