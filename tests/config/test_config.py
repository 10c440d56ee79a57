"""Settings: the example file covers every setting, bad settings are named, defaults work."""

from __future__ import annotations

import re
import tomllib
import types
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from edicalendar.config import Settings, load_settings
from edicalendar.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"


def _section_model(annotation: object) -> type[BaseModel] | None:
    """The settings model inside an annotation (plain, Optional, list[...] or dict[str, ...])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, dict, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _section_model(arg)
            if found is not None:
                return found
    return None


def _missing_keys(model: type[BaseModel], data: object, where: str) -> list[str]:
    if isinstance(data, list):
        return [m for item in data for m in _missing_keys(model, item, where + "[]")]
    assert isinstance(data, dict), f"{where} should be a table"
    missing = []
    for name, info in model.model_fields.items():
        path = f"{where}.{name}" if where else name
        if name not in data:
            missing.append(path)
            continue
        inner = _section_model(info.annotation)
        if inner is None:
            continue
        value = data[name]
        if typing.get_origin(info.annotation) is dict and isinstance(value, dict):
            for key, item in value.items():
                missing.extend(_missing_keys(inner, item, f"{path}.{key}"))
        else:
            missing.extend(_missing_keys(inner, value, path))
    return missing


def test_example_config_loads() -> None:
    """config.example.toml is valid: loading it raises nothing."""
    loaded = load_settings(EXAMPLE)
    assert loaded.settings.reminders.timezone == "Europe/London"


def test_example_config_names_every_setting() -> None:
    """Every field of every settings section appears in config.example.toml, set or commented."""
    text = EXAMPLE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    commented = set(re.findall(r"^#\s*([a-z_]+)\s*=", text, flags=re.MULTILINE))
    # A section shipped commented (destinations, so a verbatim copy starts) counts by its header.
    commented |= set(re.findall(r"^#\s*\[([a-z_]+)[.\]]", text, flags=re.MULTILINE))
    missing = [
        key for key in _missing_keys(Settings, data, "") if key.split(".")[-1] not in commented
    ]
    assert missing == []


def test_unknown_setting_is_named_with_its_line(tmp_path: Path) -> None:
    """A misspelt key is reported with the file, its line and the dotted field name."""
    path = tmp_path / "edicalendar.toml"
    path.write_text('[web]\nhost = "127.0.0.1"\nprot = 8000\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value.problems[0]) == (
        f"{path}:3: web.prot: unknown setting; see config.example.toml"
    )


def test_malformed_config_reports_line(tmp_path: Path) -> None:
    """Malformed TOML in the config names the line tomllib stopped at."""
    path = tmp_path / "edicalendar.toml"
    path.write_text("[web]\nport = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert caught.value.problems[0].line == 2


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no config file the shipped calendars are used and SQLite goes in the per-user data
    folder ($XDG_DATA_HOME/edicalendar), or in ./edicalendar-data if an earlier release made it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EDICALENDAR_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    loaded = load_settings(None)
    assert loaded.path is None
    assert any(loaded.calendars_dir.glob("*.toml"))
    expected = tmp_path / "xdg" / "edicalendar" / "edicalendar.db"
    assert loaded.database_url == f"sqlite:///{expected.as_posix()}"
    (tmp_path / "edicalendar-data").mkdir()
    earlier = tmp_path / "edicalendar-data" / "edicalendar.db"
    assert load_settings(None).database_url == f"sqlite:///{earlier.as_posix()}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[accounts.oidc]\nissuer = "https://login.microsoftonline.com/t/v2.0"\n',
            "1: accounts.oidc: client_id is needed once issuer is set",
        ),
        (
            '[accounts.oidc]\nissuer = "http://idp.example.org"\nclient_id = "c"\n',
            "2: accounts.oidc.issuer: 'http://idp.example.org' is not an https address",
        ),
        (
            '[web]\ntrusted_proxies = ["nginx"]\n',
            "2: web.trusted_proxies: 'nginx' is not an IP address or network",
        ),
        (
            '[accounts.oidc]\nadmins = ["asha"]\n',
            "2: accounts.oidc.admins: 'asha' is not an email address, @domain or group:ID",
        ),
    ],
)
def test_sign_in_settings_are_checked(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "edicalendar.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert expected in str(caught.value)


def test_feed_retention_shorter_than_the_window_is_refused(tmp_path: Path) -> None:
    """Tracking kept for less time than a feed looks back would reset SEQUENCE on events a
    feed still shows: the error names the setting and says why."""
    path = tmp_path / "edicalendar.toml"
    path.write_text("[feeds]\npast_days = 800\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "retention_days (730) must be more than past_days (800)" in message
    assert f"{path}:1: feeds:" in message


def test_reminder_retention_below_35_days_is_refused(tmp_path: Path) -> None:
    """Under 35 days a pruned reminder could be planned again: refused, naming the field."""
    path = tmp_path / "edicalendar.toml"
    path.write_text("[reminders]\nretention_days = 10\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "reminders.retention_days" in str(caught.value)
