"""/docs in real Chromium with no internet: the Swagger UI bundled in the package renders under
its own Content-Security-Policy, nothing is fetched from anywhere but this server, and a file
changed on the way is refused by its integrity hash.

The bundled files are compared byte for byte with the npm package swagger-ui-dist at the pinned
version (installed by scripts/test.sh into tests/js straight from the npm registry).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from edicalendar.context import AppContext
from edicalendar.web import create_app
from edicalendar.web.docs import DOCS_CSP, SWAGGER_FILES, SWAGGER_UI_VERSION
from support.paths import NODE_MODULES, SRC
from support.serving import serving
from support.sites import copy_site

pytestmark = pytest.mark.browser

PACKAGE = NODE_MODULES / "swagger-ui-dist"
BUNDLED = SRC / "edicalendar" / "web" / "static" / "swagger-ui"
SHOTS = Path("/tmp/edicalendar-web-screenshots")


def test_the_bundled_files_are_those_of_the_npm_release() -> None:
    """The files in the package are swagger-ui-dist@VERSION's, unchanged, with its licence, and
    the integrity hashes on the page are theirs."""
    assert json.loads((PACKAGE / "package.json").read_text())["version"] == SWAGGER_UI_VERSION
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"):
        assert (BUNDLED / name).read_bytes() == (PACKAGE / name).read_bytes(), name
    assert "Apache License" in (BUNDLED / "LICENSE").read_text()
    for name, integrity in SWAGGER_FILES.items():
        digest = hashlib.sha384((PACKAGE / name).read_bytes()).digest()
        assert integrity == "sha384-" + base64.b64encode(digest).decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = copy_site(tmp_path_factory.mktemp("docs"))
    app = create_app(AppContext(config_path=config), watch_interval=None)
    with serving(app) as base:
        yield base


def _open(
    browser: Any, server: str, width: int, tamper: bool = False
) -> tuple[Any, list[str], list[str]]:
    """/docs with every request that is not for this server refused, as on an intranet."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    own = urlsplit(server).netloc

    def gate(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).netloc != own:
            outside.append(url)
            route.abort("internetdisconnected")
        elif tamper and url.endswith("/swagger-ui-bundle.js"):
            body = (BUNDLED / "swagger-ui-bundle.js").read_bytes() + b"\n/* changed on the way */"
            route.fulfill(status=200, body=body, content_type="application/javascript")
        else:
            route.continue_()

    context.route("**/*", gate)
    response = page.goto(f"{server}/docs")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == DOCS_CSP.decode()
    return page, problems, outside


@pytest.mark.parametrize("width", [1280, 375])
def test_docs_render_with_no_internet(browser: Any, server: str, width: int) -> None:
    page, problems, outside = _open(browser, server, width)
    page.wait_for_selector(".opblock", timeout=20_000)
    text = page.inner_text("#swagger-ui")
    for path in ("/api/occurrences", "/api/search", "/api/clashes", "/healthz"):
        assert path in text
    assert page.get_attribute("html", "lang") == "en-GB"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"docs-{width}.png"), full_page=False)
    assert outside == []
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    page.context.close()


def test_a_changed_file_is_refused(browser: Any, server: str) -> None:
    page, problems, _ = _open(browser, server, 1280, tamper=True)
    page.wait_for_timeout(1500)
    assert page.query_selector(".opblock") is None
    assert any("integrity" in p for p in problems), problems
    page.context.close()
