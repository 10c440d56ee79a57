"""Reading PDFs back with independent tools: pypdf for pages and sizes, poppler's pdftotext for
text and word positions, pdftoppm for page images, and zbarimg for QR codes (all installed by
scripts/test.sh), so a test never trusts the library that drew the file."""

from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdf

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


@dataclass(frozen=True)
class Word:
    x: float
    y: float
    right: float
    bottom: float
    text: str


def page_sizes(body: bytes) -> list[tuple[float, float]]:
    """Each page's width and height in points."""
    reader = pypdf.PdfReader(io.BytesIO(body))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def _with_file(body: bytes, *command: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(body)
        done = subprocess.run(
            [*command, str(path), "-"], capture_output=True, text=True, check=True, timeout=120
        )
        return done.stdout


def text(body: bytes, page: int | None = None) -> str:
    """The text as pdftotext reads it (one page when `page`, counted from 1), spaces folded."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return " ".join(_with_file(body, "pdftotext", *pages).split())


def words(body: bytes, page: int = 1) -> list[Word]:
    """Every word of a page with its box (points from the top left), from pdftotext -bbox."""
    found = _with_file(body, "pdftotext", "-bbox", "-f", str(page), "-l", str(page))
    return [
        Word(float(a), float(b), float(c), float(d), html.unescape(t))
        for a, b, c, d, t in _WORD.findall(found)
    ]


def page_images(body: bytes, folder: Path, dpi: int = 100) -> list[Path]:
    """Every page drawn to PNG by poppler's pdftoppm."""
    source = folder / "pages.pdf"
    source.write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(folder / "page")],
        check=True,
        timeout=300,
    )
    return sorted(folder.glob("page-*.png"))


def qr_codes(image: Path) -> list[str]:
    """The QR codes zbarimg finds in an image."""
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in done.stdout.splitlines() if line]
