"""Headless Chromium for page tests: one launch, one set of flags, one axe-core run.

The browser is Debian's `/usr/bin/chromium` (installed by scripts/test.sh) driven by
Playwright; axe-core comes from `tests/js/node_modules` and checks WCAG 2.2 A and AA rules.
"""

from __future__ import annotations

from typing import Any

from support.paths import NODE_MODULES

CHROMIUM = "/usr/bin/chromium"
#: Headless, sandbox-free (containers run as root) and quiet: no first-run pages, no
#: background downloads, no QUIC; every test page is on 127.0.0.1 or a file.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def launch_chromium(playwright: Any) -> Any:
    """Start the system Chromium through a running `sync_playwright()`; the caller closes it."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def run_axe(page: Any) -> dict[str, Any]:
    """Inject axe-core into the page and run the WCAG 2.2 A/AA rules; axe's full result.

    A page whose Content-Security-Policy forbids scripts needs a browser context opened with
    `bypass_csp=True`.
    """
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return result
