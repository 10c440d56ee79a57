"""`edicalendar campaigns export DIR` and `campaigns import FILE`: database campaigns to campaign
files and back, exactly. The round trip is checked key for key against the campaign files it
started from (read by `tomllib`, not by edicalendar), and TOML text of any kind survives it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from edicalendar.campaigns.exchange import campaign_toml
from edicalendar.context import AppContext
from edicalendar.storage.tables import campaigns as campaigns_table
from support.cli import CliRunner

DATA = Path(__file__).parent / "data"


def _config(root: Path, url: str) -> Path:
    """Settings with the fixture calendar, an empty campaigns folder and the given database."""
    (root / "campaigns").mkdir(parents=True, exist_ok=True)
    config = root / "edicalendar.toml"
    config.write_text(
        "[data]\n"
        f'calendars_dir = "{(DATA / "calendars").as_posix()}"\n'
        f'campaigns_dir = "{(root / "campaigns").as_posix()}"\n'
        f'database_url = "{url}"\n',
        encoding="utf-8",
    )
    return config


def _stored(config: Path) -> dict[str, dict[str, Any]]:
    ctx = AppContext(config_path=config)
    with ctx.database.engine.connect() as conn:
        rows = conn.execute(select(campaigns_table.c.id, campaigns_table.c.definition)).all()
    import json

    return {row[0]: json.loads(row[1]) for row in rows}


def _file_tables(*paths: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in paths:
        for table in tomllib.loads(path.read_text("utf-8"))["campaign"]:
            found[table["id"]] = table
    return found


@pytest.fixture
def second_url(tmp_path: Path, any_url: str, request: pytest.FixtureRequest) -> str:
    """A second, fresh database of the same kind as `any_url`."""
    if any_url.startswith("sqlite"):
        return f"sqlite:///{(tmp_path / 'fresh' / 'edicalendar.db').as_posix()}"
    fixture = request.getfixturevalue("postgres_url")
    assert isinstance(fixture, str)
    return fixture


def test_export_then_import_into_a_fresh_database_reproduces_every_campaign(
    tmp_path: Path, run_cli: CliRunner, any_url: str, second_url: str
) -> None:
    first = run_cli.with_config(_config(tmp_path / "one", any_url))
    sources = sorted((DATA / "campaigns").glob("*.toml"))
    imported = first("campaigns", "import", *map(str, sources), "--by", "asha.khan@nhs.net")
    assert imported.code == 0, imported.err
    expected = _file_tables(*sources)
    assert (
        imported.out.strip().splitlines()[-1] == f"{len(expected)} added, 0 replaced, 0 unchanged"
    )
    assert _stored(first.config or Path()) == expected

    exported = first("campaigns", "export", str(tmp_path / "exported"))
    assert exported.code == 0, exported.err
    files = sorted((tmp_path / "exported").glob("*.toml"))
    assert [f.stem for f in files] == sorted(expected)
    assert exported.out.strip().splitlines()[-1] == f"{len(expected)} campaigns exported"
    # Each file is an ordinary campaign file: what tomllib reads is the stored table.
    assert _file_tables(*files) == expected

    second_config = _config(tmp_path / "two", second_url)
    second = run_cli.with_config(second_config)
    again = second("campaigns", "import", str(tmp_path / "exported"))
    assert again.code == 0, again.err
    assert _stored(second_config) == expected
    # The campaigns the plan is built from are the same objects too (bar where they came from).
    one = AppContext(config_path=first.config).campaigns().load().campaigns
    two = AppContext(config_path=second_config).campaigns().load().campaigns
    assert one.keys() == two.keys() == expected.keys()
    assert all(one[k] == two[k] for k in one)
    # Importing the same files again changes nothing.
    assert (
        second("campaigns", "import", str(tmp_path / "exported"))
        .out.strip()
        .endswith(f"0 added, 0 replaced, {len(expected)} unchanged")
    )
    # A second export writes the same bytes.
    before = {f.name: f.read_bytes() for f in files}
    assert first("campaigns", "export", str(tmp_path / "exported")).code == 0
    assert {f.name: f.read_bytes() for f in files} == before


def test_import_checks_every_file_first_and_stores_nothing_on_a_problem(
    tmp_path: Path, run_cli: CliRunner, sqlite_url: str
) -> None:
    cli = run_cli.with_config(_config(tmp_path, sqlite_url))
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[campaign]]\nid = "ok"\ntitle = "Fine"\nobservance = "black-history-month"\n'
        'every_year = true\n\n[[campaign]]\nid = "typo"\ntitle = "Typo"\n'
        'observance = "black-histroy-month"\nevery_year = true\n',
        encoding="utf-8",
    )
    result = cli("campaigns", "import", str(bad))
    assert result.code == 1
    assert (
        f"{bad}:10: typo: observance: unknown observance 'black-histroy-month'; did you mean "
        "'black-history-month'?" in result.err
    )
    assert _stored(cli.config or Path()) == {}
    checked = cli("campaigns", "import", str(DATA / "campaigns" / "seeds.toml"), "--dry-run")
    assert checked.code == 0 and "(nothing stored: --dry-run)" in checked.out
    assert _stored(cli.config or Path()) == {}


def test_import_replaces_only_when_asked_and_never_shadows_a_file(
    tmp_path: Path, run_cli: CliRunner, sqlite_url: str
) -> None:
    config = _config(tmp_path, sqlite_url)
    cli = run_cli.with_config(config)
    seeds = DATA / "campaigns" / "seeds.toml"
    assert cli("campaigns", "import", str(seeds)).code == 0
    changed = tmp_path / "changed.toml"
    changed.write_text(
        seeds.read_text("utf-8").replace("A celebration with a blog.", "Now with a panel."),
        encoding="utf-8",
    )
    refused = cli("campaigns", "import", str(changed))
    assert (
        refused.code == 2 and "already in the database: 'lgbt-2021'; add --replace" in refused.err
    )
    replaced = cli("campaigns", "import", str(changed), "--replace")
    assert replaced.code == 0 and "replaced lgbt-2021" in replaced.out
    assert _stored(config)["lgbt-2021"]["summary"] == "Now with a panel."
    history = AppContext(config_path=config).campaigns().history("lgbt-2021")
    texts = [h.text for h in history][:2]
    assert texts[0].startswith("imported the campaign from ") and texts[0].endswith("changed.toml")
    assert texts[1].startswith("imported the campaign from ") and texts[1].endswith("seeds.toml")
    # A campaign file in the campaigns folder owns its id.
    (tmp_path / "campaigns" / "mine.toml").write_text(
        seeds.read_text("utf-8").replace('id = "lgbt-2021"', 'id = "lgbt-2021-file"'), "utf-8"
    )
    clash = tmp_path / "clash.toml"
    clash.write_text(
        seeds.read_text("utf-8").replace('id = "lgbt-2021"', 'id = "lgbt-2021-file"'), "utf-8"
    )
    shadow = cli("campaigns", "import", str(clash))
    assert shadow.code == 2 and "is defined in the file" in shadow.err


def test_an_empty_database_exports_an_empty_folder_that_imports_as_nothing(
    tmp_path: Path, run_cli: CliRunner, sqlite_url: str
) -> None:
    """The round trip works with no campaigns in the database yet: the folder is made, and
    importing it stores nothing and says so (exit 0), as README's example runs."""
    cli = run_cli.with_config(_config(tmp_path, sqlite_url))
    exported = cli("campaigns", "export", str(tmp_path / "exported"))
    assert exported.code == 0 and exported.out.strip() == "0 campaigns exported"
    assert (tmp_path / "exported").is_dir() and not list((tmp_path / "exported").iterdir())
    imported = cli("campaigns", "import", str(tmp_path / "exported"))
    assert imported.code == 0, imported.err
    assert imported.out.startswith("0 added, 0 replaced, 0 unchanged (no campaign files")
    assert _stored(cli.config or Path()) == {}
    missing = cli("campaigns", "import", str(tmp_path / "nowhere"))
    assert missing.code == 2 and "does not exist" in missing.err


def test_export_refuses_the_campaigns_folder(
    tmp_path: Path, run_cli: CliRunner, sqlite_url: str
) -> None:
    cli = run_cli.with_config(_config(tmp_path, sqlite_url))
    result = cli("campaigns", "export", str(tmp_path / "campaigns"))
    assert result.code == 2 and "is the campaigns folder" in result.err


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(title=TEXT, summary=TEXT, audience=st.lists(TEXT, max_size=3))
def test_any_text_survives_the_campaign_file(title: str, summary: str, audience: list[str]) -> None:
    """Quotes, backslashes, line breaks (CR, LF, CRLF), triple quotes, control characters and
    any Unicode come back from the written file exactly, read by tomllib."""
    table = {
        "id": "x",
        "title": title,
        "summary": summary,
        "audience": audience,
        "years": {"2030-2": {"summary": summary, "tasks": [{"id": "t", "name": title}]}},
    }
    assert tomllib.loads(campaign_toml(table)) == {"campaign": [table]}


def test_long_text_is_written_as_people_write_it() -> None:
    text = campaign_toml({"id": "x", "title": "T", "summary": 'Line one,\nline "two".\n'})
    assert 'summary = """Line one,\nline "two".\n"""' in text
