"""What the repository holds: nothing of one machine (a virtualenv, or a link to one)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tracked() -> list[tuple[str, str]]:
    """(mode, path) of every file git tracks in this checkout."""
    listing = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-s", "-z"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    entries = []
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        entries.append((meta.split()[0], path))
    return entries


def test_no_tracked_file_is_a_symbolic_link_or_a_virtualenv() -> None:
    """A link to one machine's virtualenv breaks `python3 -m venv .venv` on every other."""
    tracked = _tracked()
    assert len(tracked) > 100
    links = [path for mode, path in tracked if mode == "120000"]
    assert links == []
    local = [p for _, p in tracked if {".venv", "node_modules", ".cache"} & set(p.split("/"))]
    assert local == []


def test_a_virtualenv_or_node_modules_or_a_link_to_either_is_ignored() -> None:
    for name in (".venv", "tests/js/node_modules"):
        ignored = subprocess.run(
            ["git", "-C", str(ROOT), "check-ignore", "--no-index", "-q", name], check=False
        )
        assert ignored.returncode == 0, name
