"""Synthetic calendars N times the size of the shipped one, for benchmarks at 1x, 10x and 50x.

Copy k of every shipped calendar file is written as `NAME-kK.toml` with each observance id
suffixed `-kK` (copy 1 keeps the shipped names and ids, so the shipped campaigns still find
their observances). The rule mix, text lengths, categories and per-year overrides are the
shipped data's own, so a 50x calendar costs what 50 real calendars of this kind would.

    python benchmarks/synthetic.py --scale 10 /tmp/cal10     # writes /tmp/cal10/*.toml
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "calendars"
_ID_LINE = re.compile(r'^id = "([a-z0-9-]+)"$', re.MULTILINE)


def write_scaled(destination: Path, scale: int, source: Path = SHIPPED) -> int:
    """Write `scale` copies of every calendar in `source` into `destination`; return the count
    of observances written."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    written = 0
    for path in sorted(source.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        for copy in range(1, scale + 1):
            if copy == 1:
                body, name = text, path.name
            else:
                body = _ID_LINE.sub(lambda m, k=copy: f'id = "{m.group(1)}-k{k}"', text)
                name = f"{path.stem}-k{copy}.toml"
            (destination / name).write_text(body, encoding="utf-8")
            written += len(_ID_LINE.findall(body))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("destination", type=Path)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    count = write_scaled(args.destination, args.scale)
    print(f"{count} observances in {args.destination}")


if __name__ == "__main__":
    main()
