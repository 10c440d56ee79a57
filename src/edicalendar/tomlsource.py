"""Reading TOML data files with enough position information for good error messages.

`tomllib` gives values but no line numbers, so :class:`TomlSource` keeps the text and finds the
line of an array-of-tables entry (`[[observance]]`) and of a key inside it. Malformed TOML is
reported with the line that `tomllib` names.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edicalendar.errors import Problem

#: Data files are small; anything bigger is a mistake (or hostile) and is refused unread.
MAX_FILE_BYTES = 2_000_000

_TOML_LINE = re.compile(r"at line (\d+)(?:, )?")


@dataclass
class TomlSource:
    """One parsed TOML file: its data plus the line where each `[[table]]` entry begins."""

    path: Path
    data: dict[str, Any]
    lines: list[str]
    display: str
    _starts: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def read(
        cls, path: Path, display: str | None = None, *, raw: bytes | None = None
    ) -> TomlSource | Problem:
        """Parse `path` (or `raw`, its content already read), or return the problem that stops
        it being read."""
        shown = display or str(path)
        if raw is None:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                return Problem(shown, None, None, None, f"cannot read file: {exc.strerror}")
        if len(raw) > MAX_FILE_BYTES:
            return Problem(
                shown, None, None, None, f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = raw[: exc.start].count(b"\n") + 1
            return Problem(shown, bad_line, None, None, "not valid UTF-8; save the file as UTF-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = _TOML_LINE.search(str(exc))
            line = int(match.group(1)) if match else None
            if line is None and "end of document" in str(exc):
                line = max(1, len(text.splitlines()))  # an unclosed value runs to the end
            message = _TOML_LINE.sub("", str(exc)).replace("()", "").strip(" ,")
            return Problem(shown, line, None, None, f"malformed TOML: {message}")
        return cls(path=path, data=data, lines=text.splitlines(), display=shown)

    def entry_lines(self, table: str) -> list[int]:
        """1-based line numbers of each `[[table]]` header, in order."""
        if table not in self._starts:
            header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
            self._starts[table] = [
                number for number, text in enumerate(self.lines, 1) if header.match(text)
            ]
        return self._starts[table]

    def line_of(self, table: str, index: int, key_path: tuple[str | int, ...] = ()) -> int | None:
        """Line of `key_path` inside the `index`-th `[[table]]` entry (else the entry's header)."""
        starts = self.entry_lines(table)
        if index >= len(starts):
            return None
        begin = starts[index]
        end = starts[index + 1] - 1 if index + 1 < len(starts) else len(self.lines)
        keys = [str(k) for k in key_path if not isinstance(k, int)]
        best = begin
        cursor = begin
        for key in keys:
            pattern = re.compile(
                rf"^\s*(\[+\s*{re.escape(table)}\.(.*\.)?\"?{re.escape(key)}\"?\s*\]+|"
                rf"\"?{re.escape(key)}\"?\s*=)|[{{,]\s*{re.escape(key)}\s*="
            )
            for number in range(cursor, end + 1):
                if pattern.search(self.lines[number - 1]):
                    best = cursor = number
                    break
        return best
