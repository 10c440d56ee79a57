"""Reminder channels, built once from configuration and looked up by destination name.

Every problem (an unset environment variable, a retired Teams connector URL, a non-https webhook,
credentials over an unencrypted link) is a :class:`~edicalendar.errors.ConfigError` raised at
start-up, never a silent fallback. `console` always exists; `email:ADDRESS` reaches one person
(a task owner) through the configured SMTP server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from edicalendar.config import EmailSettings, Settings
from edicalendar.errors import ConfigError, Problem
from edicalendar.reminders.channels.base import Channel, Outbound, Outcome, SendResult, group_for
from edicalendar.reminders.channels.console import ConsoleChannel

if TYPE_CHECKING:
    from edicalendar.reminders.channels.email import SmtpTransport

__all__ = [
    "Channel",
    "ChannelSet",
    "Outbound",
    "Outcome",
    "SendResult",
    "build_channels",
    "group_for",
    "group_of",
]

DEFAULT_RATES = {"slack": 1.0, "teams": 4.0, "email": 0.0, "console": 0.0}


def group_of(settings: Settings) -> Callable[[str], str]:
    """`group_for` with each destination's kind taken from `settings` (for readers such as
    `edicalendar health` that need no channel built, and so no secrets)."""

    def group(destination: str) -> str:
        configured = settings.destinations.get(destination)
        kind = configured.kind if configured else "console" if destination == "console" else ""
        return group_for(kind, destination)

    return group


@dataclass
class ChannelSet:
    """The configured channels by destination name."""

    channels: dict[str, Channel]
    email: EmailSettings | None = None
    _owners: dict[str, Channel] = field(default_factory=dict)
    _email_password: str | None = None
    _transport: SmtpTransport | None = None

    def resolve(self, destination: str) -> tuple[Channel, tuple[str, ...] | None] | None:
        """The channel for `destination` and any recipient override, or None if unknown."""
        found = self.channels.get(destination)
        if found is not None:
            return found, None
        if destination.startswith("email:") and self.email is not None:
            address = destination.removeprefix("email:")
            if "@" not in address:
                return None
            return self._owner_channel(), (address,)
        return None

    def _owner_channel(self) -> Channel:
        if "email:" not in self._owners:
            assert self.email is not None
            if self._transport is None:
                self._transport = smtp_transport(self.email, self._email_password)
            self._owners["email:"] = _email_channel("email:owners", self.email, self._transport, ())
        return self._owners["email:"]

    def all(self) -> list[Channel]:
        """Every channel built so far (configured ones and the task owners' email)."""
        return [*self.channels.values(), *self._owners.values()]

    def names(self) -> frozenset[str]:
        return frozenset(self.channels)


def build_channels(
    settings: Settings,
    environ: Mapping[str, str] | None = None,
    *,
    config_path: str = "config",
) -> ChannelSet:
    """Build every configured destination, listing all problems at once."""
    env = os.environ if environ is None else environ
    reminders = settings.reminders
    problems: list[Problem] = []
    channels: dict[str, Channel] = {"console": ConsoleChannel()}
    email_password: str | None = None
    email_used = any(d.kind == "email" for d in settings.destinations.values())
    if settings.email.password_env:
        email_password = env.get(settings.email.password_env)
        if email_used and not email_password:
            problems.append(
                Problem(
                    config_path,
                    None,
                    None,
                    "email.password_env",
                    f"environment variable {settings.email.password_env} is not set",
                )
            )
    if email_used and settings.email.security == "none" and settings.email.username:
        problems.append(
            Problem(
                config_path,
                None,
                None,
                "email.security",
                "refusing to send a password over an unencrypted connection; use starttls or tls",
            )
        )
    transport = smtp_transport(settings.email, email_password) if email_used else None
    for name, dest in settings.destinations.items():
        where = f"destinations.{name}"
        rate = dest.rate_per_second
        if rate is None:
            rate = DEFAULT_RATES[dest.kind]
        try:
            if dest.kind == "console":
                channels[name] = ConsoleChannel(name)
            elif dest.kind in ("slack", "teams"):
                if not dest.url_env:
                    raise ConfigError.single(
                        config_path,
                        f"{where}.url_env",
                        "required: the environment variable holding the webhook URL",
                    )
                url = env.get(dest.url_env)
                if not url:
                    raise ConfigError.single(
                        config_path,
                        f"{where}.url_env",
                        f"environment variable {dest.url_env} is not set",
                    )
                # Imported here: they bring `requests`, which `check` on a configuration
                # without webhooks never needs.
                from edicalendar.reminders.channels.slack import SlackChannel
                from edicalendar.reminders.channels.teams import TeamsChannel, check_teams_url
                from edicalendar.reminders.channels.webhook import check_webhook_url

                field_name = f"{where}.url_env ({dest.url_env})"
                if dest.kind == "teams":
                    check_teams_url(url, field_name)
                url = check_webhook_url(url, field_name, allow_http=reminders.allow_http_webhooks)
                cls = SlackChannel if dest.kind == "slack" else TeamsChannel
                channels[name] = cls(name, url, reminders.http_timeout_seconds, rate)
            else:
                if not dest.to:
                    raise ConfigError.single(
                        config_path,
                        f"{where}.to",
                        "an email destination needs at least one recipient",
                    )
                assert transport is not None
                channels[name] = _email_channel(
                    name, settings.email, transport, tuple(dest.to), rate
                )
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    return ChannelSet(
        channels, settings.email, _email_password=email_password, _transport=transport
    )


def smtp_transport(email: EmailSettings, password: str | None) -> SmtpTransport:
    """The one SMTP connection every email destination on the configured server shares."""
    from edicalendar.reminders.channels.email import SmtpTransport

    return SmtpTransport(
        host=email.host,
        port=email.port,
        security=email.security,
        username=email.username,
        password=password,
        timeout=email.timeout_seconds,
        ca_file=email.ca_file,
    )


def _email_channel(
    name: str,
    email: EmailSettings,
    transport: SmtpTransport,
    to: tuple[str, ...],
    rate: float = 0.0,
) -> Channel:
    from edicalendar.reminders.channels.email import EmailChannel

    return EmailChannel(
        name, transport=transport, sender=email.sender, recipients=to, rate_per_second=rate
    )
