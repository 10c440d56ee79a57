"""Static publishing: `edicalendar export DIR` ready for a static host or CDN.

The export carries a `_headers` file (Netlify, Cloudflare Pages) and an `.htaccess` (Apache)
that give every feed `text/calendar; charset=utf-8` and a cache lifetime, and `--if-changed`
lists exactly the files whose bytes changed, leaving every other file (and its modification
time) alone, so a cron job can sync just those.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edicalendar.cli import main
from support.paths import inherited_env

SITE_CALENDARS = Path(__file__).parent / "data" / "static-site" / "calendars"


@pytest.fixture
def site_config(tmp_path: Path) -> Path:
    calendars = tmp_path / "calendars"
    shutil.copytree(SITE_CALENDARS, calendars)
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        "[data]\n"
        f'calendars_dir = "{calendars.as_posix()}"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n'
        "[feeds]\n"
        'base_url = "https://calendar.example.nhs.uk"\n',
        encoding="utf-8",
    )
    return config


def _rules(text: str) -> list[tuple[str, dict[str, list[str]]]]:
    """Parse `_headers` as Netlify and Cloudflare document it: an unindented path line, then
    indented `Name: value` lines; `#` starts a comment."""
    rules: list[tuple[str, dict[str, list[str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
            continue
        assert rules, f"header before any path: {line!r}"
        name, _, value = line.strip().partition(":")
        rules[-1][1].setdefault(name.strip(), []).append(value.strip())
    return rules


def _matches(pattern: str, path: str) -> bool:
    """A splat (`*`) matches any run of characters, slashes included; the rest is literal."""
    regex = "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern))
    return re.fullmatch(regex, path) is not None


def _headers_for(rules: list[tuple[str, dict[str, list[str]]]], path: str) -> dict[str, list[str]]:
    """Every header a request for `path` gets: both hosts apply all matching rules."""
    merged: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if _matches(pattern, path):
            for name, values in headers.items():
                merged.setdefault(name.lower(), []).extend(values)
    return merged


def _snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in site.rglob("*")
        if p.is_file()
    }


def test_headers_file_serves_every_feed_as_utf8_calendar_with_a_lifetime(
    site_config: Path, tmp_path: Path
) -> None:
    """Each exported .ics gets exactly one text/calendar; charset=utf-8 type and max-age."""
    site = tmp_path / "site"
    assert main(["--config", str(site_config), "export", str(site)]) == 0
    rules = _rules((site / "_headers").read_text("utf-8"))
    feeds = sorted(p.relative_to(site).as_posix() for p in (site / "feeds").glob("*.ics"))
    assert "feeds/all.ics" in feeds and len(feeds) > 5
    for feed in feeds:
        headers = _headers_for(rules, "/" + feed)
        assert headers["content-type"] == ["text/calendar; charset=utf-8"], feed
        assert len(headers["cache-control"]) == 1, feed  # two rules would be comma-merged
        lifetime = re.fullmatch(r"public, max-age=(\d+), no-transform", headers["cache-control"][0])
        assert lifetime and int(lifetime.group(1)) >= 60
    for page in ("/", "/index.html"):
        headers = _headers_for(rules, page)
        assert "content-type" not in headers  # the host's own text/html stays
        assert len(headers["cache-control"]) == 1
    # Netlify sends its own header as well unless the name is written in canonical case.
    for _, headers in rules:
        for name in headers:
            assert name == "-".join(part.capitalize() for part in name.split("-")), name


def test_htaccess_gives_ics_the_calendar_type_and_charset(
    site_config: Path, tmp_path: Path
) -> None:
    """Apache maps .ics to text/calendar with charset utf-8 and sets feed caching."""
    site = tmp_path / "site"
    assert main(["--config", str(site_config), "export", str(site)]) == 0
    lines = [line.strip() for line in (site / ".htaccess").read_text("utf-8").splitlines()]
    assert "AddType text/calendar .ics" in lines
    assert "AddCharset utf-8 .ics" in lines
    assert 'SetEnvIf Request_URI "\\.ics$" no-gzip' in lines  # mod_deflate leaves feeds alone
    ics_block = lines[lines.index('<FilesMatch "\\.ics$">') :]
    assert ics_block[1].startswith('Header set Cache-Control "public, max-age=')


def test_if_changed_writes_and_lists_only_changed_files(
    site_config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """First export lists every file; a rerun writes nothing; an edit rewrites just its feeds."""
    site = tmp_path / "site"
    env = inherited_env()
    command = ["-m", "edicalendar", "--config", str(site_config), "export", str(site)]
    first = subprocess.run(
        [sys.executable, *command, "--if-changed"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    before = _snapshot(site)
    *listed, summary = first.stdout.splitlines()
    assert sorted(listed) == sorted(before)
    assert summary == f"{len(before)} written, 0 unchanged"

    assert main(["--config", str(site_config), "export", str(site), "--if-changed"]) == 0
    assert capsys.readouterr().out == f"0 written, {len(before)} unchanged\n"
    assert _snapshot(site) == before

    calendar = site_config.parent / "calendars" / "edi.toml"
    calendar.write_text(
        calendar.read_text("utf-8") + "\n[[observance]]\n"
        'id = "older-peoples-day"\n'
        'name = "International Day of Older Persons"\n'
        'categories = ["age"]\n'
        'rule = { kind = "fixed", month = 10, day = 1 }\n'
        'description = "Recognising the contributions of older people."\n'
        'sources = ["https://www.un.org/en/observances/older-persons-day"]\n',
        encoding="utf-8",
    )
    assert main(["--config", str(site_config), "export", str(site), "--if-changed"]) == 0
    *listed, summary = capsys.readouterr().out.splitlines()
    after = _snapshot(site)
    changed = {name for name in after if after[name][0] != before[name][0]}
    touched = {name for name in after if after[name][1] != before[name][1]}
    assert {"feeds/all.ics", "feeds/age.ics"} <= changed
    assert "feeds/religion-belief.ics" not in changed and "_headers" not in changed
    assert set(listed) == changed == touched
    assert summary == f"{len(changed)} written, {len(after) - len(changed)} unchanged"
