"""Sign-in limits: five failures per account or twenty per address in 15 minutes (defaults);
then even the right password is refused until the oldest failure ages out."""

from __future__ import annotations

import pytest

from edicalendar.accounts.directory import Accounts, Client
from edicalendar.errors import SignInError, SignInThrottledError
from edicalendar.model import Role
from support.clock import Clock

from .conftest import HERE, PASSWORD


def _person(accounts: Accounts, email: str = "asha.khan@nhs.net") -> None:
    token = accounts.add(email, name="Asha Khan", role=Role.VIEWER, by="tests").token
    accounts.accept_invitation(token, PASSWORD, HERE)


def test_an_account_is_locked_after_five_failures(accounts: Accounts, clock: Clock) -> None:
    _person(accounts)
    for _ in range(5):
        with pytest.raises(SignInError) as refused:
            accounts.sign_in("asha.khan@nhs.net", "wrong password here", HERE)
        assert not isinstance(refused.value, SignInThrottledError)
        clock.advance(seconds=60)
    # The sixth attempt is refused before the password is looked at, right password or not.
    with pytest.raises(SignInThrottledError) as throttled:
        accounts.sign_in("asha.khan@nhs.net", PASSWORD, HERE)
    # The first failure was 5 minutes ago; it ages out in 10 more minutes.
    assert throttled.value.retry_after == 600
    assert "try again in 10 minutes" in str(throttled.value)
    # Another address is limited by the account all the same.
    with pytest.raises(SignInThrottledError):
        accounts.sign_in("asha.khan@nhs.net", PASSWORD, Client("203.0.113.5"))
    clock.advance(seconds=600)
    assert accounts.sign_in("asha.khan@nhs.net", PASSWORD, HERE).session is not None


def test_a_success_clears_the_account_failures(accounts: Accounts) -> None:
    _person(accounts)
    for _ in range(4):
        with pytest.raises(SignInError):
            accounts.sign_in("asha.khan@nhs.net", "wrong password here", HERE)
    accounts.sign_in("asha.khan@nhs.net", PASSWORD, HERE)
    for _ in range(4):
        with pytest.raises(SignInError) as refused:
            accounts.sign_in("asha.khan@nhs.net", "wrong password here", HERE)
        assert not isinstance(refused.value, SignInThrottledError)


def test_one_address_trying_many_accounts_is_limited(accounts: Accounts) -> None:
    """Twenty failures from one address across different (even unknown) accounts."""
    for n in range(20):
        with pytest.raises(SignInError):
            accounts.sign_in(f"guess{n}@nhs.net", "password123456", HERE)
    _person(accounts)
    with pytest.raises(SignInThrottledError):
        accounts.sign_in("asha.khan@nhs.net", PASSWORD, HERE)
    assert accounts.sign_in("asha.khan@nhs.net", PASSWORD, Client("192.0.2.99")).session


def test_failed_sign_ins_are_logged_without_the_password(
    accounts: Accounts, caplog: pytest.LogCaptureFixture
) -> None:
    _person(accounts)
    secret = "my-secret-guess-0123456789"
    with caplog.at_level("INFO", logger="edicalendar.accounts"), pytest.raises(SignInError):
        accounts.sign_in("asha.khan@nhs.net", secret, HERE)
    text = caplog.text
    assert "sign-in refused for asha.khan@nhs.net from 192.0.2.10: wrong password" in text
    assert secret not in text and PASSWORD not in text
