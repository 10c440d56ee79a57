"""Every shell example in README.md and docs/*.md runs, as written, and does what it says.

A fenced block of commands (```sh, or an unlabelled block whose lines start with `edicalendar`)
is run line by line with `sh` in a fresh folder holding a copy of the shipped calendars and
campaigns, with its own per-user data folder and no config file: exactly what a new user has.
Each line must exit 0; a file it says it writes (`-o FILE`, `> FILE`, `export DIR`) must exist
afterwards; a `$ command` followed by output must print that output. A block that cannot run
here (a placeholder, a server that keeps running, a URL on the internet) is preceded by
`<!-- illustrative: why -->` and only has its commands' names checked against the real CLI.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.paths import REPO_ROOT, SRC

DOCS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
MARK = re.compile(r"<!--\s*illustrative:\s*(.+?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    commands: list[str]
    #: (command, expected output lines) for `$ command` blocks.
    expected: dict[str, list[str]]
    illustrative: str | None

    def __str__(self) -> str:
        return f"{self.path.relative_to(REPO_ROOT)}:{self.line}"


def _strip_comment(line: str) -> str:
    """`line` without a trailing `# comment` (a " #" outside quotes)."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
    return line.rstrip()


def blocks() -> list[Block]:
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            lang, body = match.group(1), match.group(2)
            if lang not in ("sh", "bash", "console", ""):
                continue
            raw = [line for line in body.splitlines() if line.strip()]
            prompt = any(line.startswith("$ ") for line in raw)
            first = raw[0].removeprefix("$ ") if raw else ""
            if not first.startswith(("edicalendar ", "python3 -m venv")):
                continue
            before = text[: match.start()].rstrip().splitlines()
            marked = MARK.search(before[-1]) if before else None
            commands: list[str] = []
            expected: dict[str, list[str]] = {}
            joined: list[str] = []
            for line in raw:
                if joined and joined[-1].endswith("\\"):
                    # A command continued on the next line, as a shell reads it.
                    joined[-1] = joined[-1][:-1].rstrip() + " " + line.strip()
                else:
                    joined.append(line)
            for line in joined:
                if prompt and not line.startswith("$ "):
                    expected.setdefault(commands[-1], []).append(line)
                    continue
                command = _strip_comment(line.removeprefix("$ "))
                if command.startswith("#") or not command:
                    continue
                if not command.startswith(("edicalendar", "python3")) and commands:
                    continue  # a continuation comment under the previous command
                commands.append(command)
            found.append(
                Block(
                    path,
                    text[: match.start()].count("\n") + 1,
                    commands,
                    expected,
                    marked.group(1) if marked else None,
                )
            )
    return found


BLOCKS = blocks()
RUNNABLE = [b for b in BLOCKS if b.illustrative is None]


def test_there_are_examples_and_few_are_illustrative() -> None:
    """The harness finds the README's examples, and illustrative blocks stay the exception."""
    assert len(RUNNABLE) >= 15
    illustrative = [b for b in BLOCKS if b.illustrative]
    assert len(illustrative) <= len(RUNNABLE) // 2, [str(b) for b in illustrative]


def _commands_known() -> set[str]:
    from edicalendar.cli.main import _register_commands
    from edicalendar.cli.root import app

    _register_commands()
    import typer.main

    group = typer.main.get_command(app)
    names = set()
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        names.add(name)
        for sub in getattr(command, "commands", {}):
            names.add(f"{name} {sub}")
    return names


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.illustrative], ids=str)
def test_illustrative_blocks_name_real_commands(block: Block) -> None:
    """Even a block that is not run names commands that exist."""
    known = _commands_known()
    for command in block.commands:
        words = command.split()
        if words[0] != "edicalendar":
            continue
        assert words[1] in known or " ".join(words[1:3]) in known, f"{block}: {command}"


def _written(command: str) -> list[str]:
    words = shlex.split(command)
    out = []
    for flag in ("-o", "--output", "--report"):
        if flag in words and words[words.index(flag) + 1] != "-":
            out.append(words[words.index(flag) + 1])
    if ">" in command:
        out.append(command.rsplit(">", 1)[1].strip())
    if words[:2] == ["edicalendar", "export"]:
        out.append(str(Path(words[2]) / "index.html"))
    return out


def _documents() -> list[Path]:
    return list(dict.fromkeys(b.path for b in RUNNABLE))


@pytest.mark.slow
@pytest.mark.parametrize("document", _documents(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_examples_run_and_do_what_they_say(document: Path, tmp_path: Path) -> None:
    """A document's examples, top to bottom in one folder, as a reader follows them."""
    work = tmp_path / "work"
    work.mkdir()
    for name in ("calendars", "campaigns"):
        shutil.copytree(REPO_ROOT / name, work / name)
    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin",
        "PYTHONPATH": str(SRC),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "user-data"),
        "COLUMNS": "100",
    }
    for block in (b for b in RUNNABLE if b.path == document):
        for command in block.commands:
            result = subprocess.run(
                ["sh", "-c", command],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            where = f"{block}: {command}"
            assert result.returncode == 0, f"{where}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr, f"{where}\n{result.stderr}"
            for name in _written(command):
                target = work / name
                assert target.is_file() and target.stat().st_size > 0, f"{where}: {name}"
            if command in block.expected:
                assert result.stdout.splitlines() == block.expected[command], where
