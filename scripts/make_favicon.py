"""Write src/edicalendar/web/static/favicon.ico from favicon.svg beside it.

The SVG is drawn by headless Chromium at 16, 32 and 48 pixels and the three PNGs are packed
into one ICO file (PNG entries, which every browser since 2007 reads), for the clients that
ask for /favicon.ico and cannot use the SVG. Run after changing the SVG:
`.venv/bin/python scripts/make_favicon.py`.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "src" / "edicalendar" / "web" / "static"
SIZES = (16, 32, 48)


def ico(pngs: list[tuple[int, bytes]]) -> bytes:
    """An ICO file holding `pngs` ((size, PNG bytes), smallest first)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, bodies = b"", b""
    for size, png in pngs:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        bodies += png
    return header + entries + bodies


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from playwright.sync_api import sync_playwright

    from support.browser import launch_chromium

    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    pngs = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                "<style>html,body{margin:0;background:transparent}svg{display:block;"
                f"width:{size}px;height:{size}px}}</style>{svg}"
            )
            pngs.append((size, page.screenshot(omit_background=True)))
            page.close()
        browser.close()
    (STATIC / "favicon.ico").write_bytes(ico(pngs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
