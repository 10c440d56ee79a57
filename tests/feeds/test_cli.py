"""The `feed` and `export` commands, in-process through `cli.main` and once as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from edicalendar.cli import main
from support.paths import inherited_env


def test_feed_to_stdout_is_the_all_feed(config_file: Path, capsysbinary) -> None:
    """`feed --from --to` prints the "all" feed for that window on standard output."""
    code = main(
        ["--config", str(config_file), "feed", "--from", "2026-01-01", "--to", "2026-12-31"]
    )
    out = capsysbinary.readouterr().out
    assert code == 0
    assert out.startswith(b"BEGIN:VCALENDAR\r\n") and out.endswith(b"END:VCALENDAR\r\n")
    assert out.count(b"BEGIN:VEVENT") == 8
    assert b"NAME:EDI calendar: everything\r\n" in out


def test_feed_by_category_to_file(config_file: Path, tmp_path: Path, capsys) -> None:
    """`feed --category` filters; `-o` writes the file and prints a one-line summary."""
    target = tmp_path / "out" / "religion.ics"
    code = main(
        [
            "--config",
            str(config_file),
            "feed",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--category",
            "religion_belief",
            "-o",
            str(target),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    body = target.read_bytes()
    assert body.count(b"BEGIN:VEVENT") == 2
    assert b"Passover" in body and b"Women" not in body
    assert b"\r\nNAME:EDI calendar: Religion or belief\r\n" in body
    assert (
        out == f"wrote 2 events ({len(body):,} bytes) from 2026-01-01 to 2026-12-31 to {target}\n"
    )


def test_feed_by_name_uses_the_default_window(config_file: Path, capsysbinary) -> None:
    """`feed --name faith` covers a year back to two years ahead of today (15 Jan 2026 here)."""
    code = main(["--config", str(config_file), "feed", "--name", "faith", "--stateless"])
    out = capsysbinary.readouterr().out
    assert code == 0
    # Eid al-Fitr 2025..2027 and Passover 2025..2027 lie inside 15 Jan 2025 .. 15 Jan 2028.
    assert out.count(b"BEGIN:VEVENT") == 6
    assert b"SEQUENCE:0" in out and b"LAST-MODIFIED" not in out


def test_feed_usage_errors(config_file: Path, capsys) -> None:
    """Unknown feed names, bad dates and reversed windows exit 2 with a message."""
    assert main(["--config", str(config_file), "feed", "--name", "nope"]) == 2
    assert "no feed named 'nope'" in capsys.readouterr().err
    assert main(["--config", str(config_file), "feed", "--from", "2026-13-01"]) == 2
    assert "--from: '2026-13-01' is not a date" in capsys.readouterr().err
    assert (
        main(["--config", str(config_file), "feed", "--from", "2026-05-01", "--to", "2026-04-01"])
        == 2
    )
    assert "before --from" in capsys.readouterr().err
    assert main(["--config", str(config_file), "feed", "--name", "faith", "--category", "age"]) == 2
    assert "either --name or --category" in capsys.readouterr().err


def test_export_writes_every_feed_and_the_page(config_file: Path, tmp_path: Path, capsys) -> None:
    """`export DIR` writes feeds/NAME.ics for each feed plus index.html, then summarises."""
    site = tmp_path / "site"
    assert main(["--config", str(config_file), "export", str(site)]) == 0
    captured = capsys.readouterr()
    feeds = sorted(p.name for p in (site / "feeds").iterdir())
    # 14 observance feeds and the communication freezes
    assert len(feeds) == 15 and "all.ics" in feeds and "sexual-orientation.ics" in feeds
    assert "freezes.ics" in feeds
    assert (site / "index.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert captured.out.startswith("exported 15 feeds (")
    # 15 feeds, index.html, static/site.css, static/subscribe.js, _headers, .htaccess
    assert "24 files changed" in captured.out
    assert "not https" in captured.err
    assert main(["--config", str(config_file), "export", str(site)]) == 0
    assert "0 files changed" in capsys.readouterr().out


def test_feed_and_export_as_a_subprocess(config_file: Path, tmp_path: Path) -> None:
    """`python -m edicalendar feed` and `export` work as real processes with exit code 0."""
    env = inherited_env()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "edicalendar",
            "--config",
            str(config_file),
            "feed",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--name",
            "awareness",
        ],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"BEGIN:VEVENT") == 2  # St David's Day and Women's Day
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "edicalendar",
            "--config",
            str(config_file),
            "export",
            str(tmp_path / "site"),
        ],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "feeds" / "faith.ics").is_file()


def test_unwritable_output_is_a_clear_error(config_file: Path, tmp_path: Path, capsys) -> None:
    """Writing a feed under a path that is a file exits 3 naming the path, no traceback."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", "utf-8")
    target = blocker / "feed.ics"
    assert main(["--config", str(config_file), "feed", "--stateless", "-o", str(target)]) == 3
    err = capsys.readouterr().err
    assert f"error: cannot write {target}" in err and "Traceback" not in err
