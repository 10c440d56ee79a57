"""`edicalendar users ...`: the commands an administrator runs, in-process on a real SQLite
file, with their output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edicalendar.accounts.directory import Client
from edicalendar.context import AppContext
from edicalendar.errors import SignInError
from support.cli import CliRunner


@pytest.fixture
def cli(run_cli: CliRunner, tmp_path: Path) -> CliRunner:
    config = tmp_path / "edicalendar.toml"
    config.write_text(
        f'[data]\ndata_dir = "{(tmp_path / "state").as_posix()}"\n'
        '[feeds]\nbase_url = "https://calendar.example.nhs.uk"\n',
        encoding="utf-8",
    )
    return run_cli.with_config(config)


def _accounts(cli: CliRunner):  # type: ignore[no-untyped-def]
    return AppContext(config_path=cli.config).accounts()


def test_users_add_prints_a_one_time_invitation_link(cli: CliRunner) -> None:
    result = cli("users", "add", "Asha.Khan@nhs.net", "--name", "Asha Khan", "--role", "editor")
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert lines[0] == "Added Asha Khan <asha.khan@nhs.net> as editor."
    assert "It works once, until" in lines[1]
    link = lines[-1]
    assert link.startswith("https://calendar.example.nhs.uk/invitation?token=")
    token = link.split("token=", 1)[1]
    accounts = _accounts(cli)
    person = accounts.invited(token)
    assert person is not None and person.role.value == "editor"
    accounts.accept_invitation(token, "three random words here", Client("127.0.0.1"))
    with pytest.raises(SignInError):
        accounts.accept_invitation(token, "three random words here", Client("127.0.0.1"))


def test_adding_someone_twice_or_with_a_bad_role_is_refused(cli: CliRunner) -> None:
    assert cli("users", "add", "a@nhs.net", "--name", "A").code == 0
    again = cli("users", "add", "A@NHS.NET", "--name", "A")
    assert again.code == 1
    assert "a@nhs.net is already a person here; `edicalendar users invite a@nhs.net`" in again.err
    bad = cli("users", "add", "b@nhs.net", "--name", "B", "--role", "boss")
    assert bad.code == 2 and "'boss' is not one of 'viewer', 'editor', 'admin'" in bad.err
    not_email = cli("users", "add", "bob", "--name", "Bob")
    assert not_email.code == 1 and "'bob' is not an email address" in not_email.err
    assert cli("users", "add", "c@nhs.net").code == 2  # --name is required


def test_a_default_public_address_is_warned_about(run_cli: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "edicalendar.toml"
    config.write_text(f'[data]\ndata_dir = "{(tmp_path / "s").as_posix()}"\n', encoding="utf-8")
    result = run_cli.with_config(config)("users", "add", "a@nhs.net", "--name", "A")
    assert result.code == 0
    assert "only this machine can open" in result.err
    assert result.out.strip().splitlines()[-1].startswith("http://127.0.0.1:8000/invitation?")


def test_users_list_role_and_remove(cli: CliRunner) -> None:
    cli("users", "add", "b@nhs.net", "--name", "Ben Okafor", "--role", "viewer")
    cli("users", "add", "a@nhs.net", "--name", "Asha Khan", "--role", "admin")
    listed = json.loads(cli("users", "list", "--format", "json").out)
    assert [(p["email"], p["role"], p["password"]) for p in listed] == [
        ("a@nhs.net", "admin", False),
        ("b@nhs.net", "viewer", False),
    ]
    table = cli("users", "list").out
    assert "Ben Okafor" in table and "invited" in table
    csv = cli("users", "list", "--format", "csv").out.splitlines()
    assert csv[0] == "email,name,role,password,single_sign_on,last_signin,added,added_by"
    changed = cli("users", "role", "b@nhs.net", "editor")
    assert changed.code == 0 and changed.out == "Ben Okafor <b@nhs.net> is now editor.\n"
    removed = cli("users", "remove", "b@nhs.net")
    assert (
        removed.out == "Removed Ben Okafor <b@nhs.net>: 0 sessions ended, 0 API tokens revoked.\n"
    )
    missing = cli("users", "remove", "b@nhs.net")
    assert missing.code == 2 and "no person with the address b@nhs.net" in missing.err


def test_users_token_prints_the_token_alone_on_the_last_line(cli: CliRunner) -> None:
    cli("users", "add", "a@nhs.net", "--name", "Asha")
    result = cli("users", "token", "a@nhs.net", "--label", "weekly report")
    assert result.code == 0
    token = result.out.splitlines()[-1]
    assert token.startswith("edc_") and " " not in token and len(token) > 40
    person = _accounts(cli).token_person(token)
    assert person is not None and person.email == "a@nhs.net"
    listed = json.loads(cli("users", "tokens", "--format", "json").out)
    assert [(t["id"], t["email"], t["label"]) for t in listed] == [
        (1, "a@nhs.net", "weekly report")
    ]
    assert token not in cli("users", "tokens").out
    assert cli("users", "revoke-token", "1").out == "API token 1 revoked.\n"
    assert _accounts(cli).token_person(token) is None
    again = cli("users", "revoke-token", "1")
    assert again.code == 1 and "there is no API token 1" in again.err
    assert cli("users", "token", "nobody@nhs.net").code == 2


def test_users_invite_replaces_the_link(cli: CliRunner) -> None:
    first = cli("users", "add", "a@nhs.net", "--name", "A").out.splitlines()[-1]
    second = cli("users", "invite", "a@nhs.net").out.splitlines()[-1]
    accounts = _accounts(cli)
    assert accounts.invited(first.split("token=")[1]) is None
    assert accounts.invited(second.split("token=")[1]) is not None
