"""Typed settings from `edicalendar.toml` plus environment variables.

Every setting is declared once here with its default and meaning; `config.example.toml` shows
each one commented, and a test proves the example covers every field. Secrets (webhook URLs,
SMTP passwords, the API token) are never written in the file: the file names the environment
variable that holds them. Without a config file the built-in defaults apply, so the tool works
out of the box on the shipped data with SQLite.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from edicalendar.calendar.conventions import CONVENTIONS, Conventions, Family
from edicalendar.calendar.conventions import DEFAULT as DEFAULT_CONVENTIONS
from edicalendar.errors import ConfigError, Problem
from edicalendar.locations import (
    DEFAULT_DATA_DIR,
    data_dir_for,
    database_url_for,
    find_config,
    shipped_dir,
)
from edicalendar.model import Category
from edicalendar.tomlsource import TomlSource
from edicalendar.urls import LinkError, check_url

#: A host name, ".suffix" for subdomains, an IPv4 address or an IPv6 address (brackets optional).
_HOST_NAME = re.compile(
    r"^(?:\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|\[?[0-9A-Fa-f:.]+\]?)\Z"
)
#: Settings that environment variables replace (containers set them without a file).
ENVIRONMENT = {
    "EDICALENDAR_BASE_URL": ("feeds", "base_url"),
    "EDICALENDAR_ALLOWED_HOSTS": ("web", "allowed_hosts"),
}
#: The organisation name `feeds.organisation` has when nobody set one: pages then name no
#: organisation rather than calling the software's name one.
UNNAMED_ORGANISATION = "edicalendar"
#: A 24-hour local time such as "09:00".
_HH_MM = r"^([01]\d|2[0-3]):[0-5]\d\Z"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataSettings(_Section):
    """Where the observance and campaign files live and where the database goes."""

    #: Folder of calendar files. Default: ./calendars if present, else the shipped copy.
    calendars_dir: Path | None = None
    #: Folder of campaign files. Default: ./campaigns if present, else the shipped copy.
    campaigns_dir: Path | None = None
    #: Folder for the SQLite database and lock file, relative to the config file. Without a
    #: config file: ./edicalendar-data if it exists, else the per-user data folder.
    data_dir: Path = DEFAULT_DATA_DIR
    #: SQLAlchemy URL; default is SQLite in `data_dir`. PostgreSQL: postgresql+psycopg://...
    database_url: str | None = None
    #: Folder for compiled data reused between runs (checked calendars, bank holidays). Unset:
    #: $EDICALENDAR_CACHE_DIR, else ~/.cache/edicalendar. "" turns the cache off.
    cache_dir: str | None = None


class FeedDefinition(_Section):
    """A feed defined in config by including and excluding categories, calendars and ids."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    title: str
    description: str = ""
    categories: list[Category] = Field(default_factory=list)
    calendars: list[str] = Field(default_factory=list)
    observances: list[str] = Field(default_factory=list)
    exclude_categories: list[Category] = Field(default_factory=list)
    exclude_calendars: list[str] = Field(default_factory=list)
    exclude_observances: list[str] = Field(default_factory=list)


class FeedSettings(_Section):
    """Subscription feeds: window, refresh hint, public address and custom feeds."""

    #: Public https address the feeds are served from (for subscribe links and SOURCE); the
    #: server answers requests for its host name. Environment: EDICALENDAR_BASE_URL.
    base_url: str = "http://127.0.0.1:8000"
    #: Days before today that a feed still carries (default one year back).
    past_days: Annotated[int, Field(ge=0, le=3650)] = 365
    #: Days after today that a feed carries (default two years ahead).
    future_days: Annotated[int, Field(ge=1, le=3650)] = 730
    #: Refresh hint for clients (REFRESH-INTERVAL and X-PUBLISHED-TTL): P1D, PT12H, P1DT6H...
    refresh: Annotated[str, Field(pattern=r"^P(\d+D|(\d+D)?(T\d+H(\d+M)?|T\d+M))$")] = "P1D"
    #: Days a removed occurrence stays in feeds as STATUS:CANCELLED before it is dropped.
    cancelled_days: Annotated[int, Field(ge=0, le=3650)] = 60
    #: Days the change tracking (SEQUENCE) of an event is kept after it ended or was cancelled;
    #: must be longer than `past_days` and `cancelled_days`, so no feed can still show it.
    retention_days: Annotated[int, Field(ge=1, le=36500)] = 730
    #: The organisation that runs the calendar: named in PRODID, calendar names, page titles,
    #: the header and the footer (left as "edicalendar", pages name no organisation).
    organisation: Annotated[str, Field(min_length=1, max_length=120)] = UNNAMED_ORGANISATION
    #: The feed the subscribe page offers first, to most staff (any feed's name).
    recommended: str = "all"
    #: Extra feeds beside the default set.
    custom: list[FeedDefinition] = Field(default_factory=list)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        try:
            check_url(value)
        except LinkError as exc:
            raise ValueError(f"{value!r} is not a public address: it {exc}") from None
        parts = urlsplit(value)
        if parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError(
                f"{value!r}: give the address without a query, fragment or user name, such as "
                "'https://calendar.example.nhs.uk'"
            )
        return value

    @model_validator(mode="after")
    def _keep_longer_than_shown(self) -> FeedSettings:
        longest = max(self.past_days, self.cancelled_days)
        if self.retention_days <= longest:
            raise ValueError(
                f"retention_days ({self.retention_days}) must be more than past_days "
                f"({self.past_days}) and cancelled_days ({self.cancelled_days}): an event's "
                "SEQUENCE must be kept while any feed can still show it"
            )
        return self


_LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
_EMAIL_ADDRESS = re.compile(r"^[^@\s/?#:]+@[^@\s/?#]+\.[^@\s/?#]+\Z")


class SiteSettings(_Section):
    """The organisation's own site: its logo, how to contact it, the text link previews show,
    and the accessibility statement's details. The organisation's name is `feeds.organisation`."""

    #: The organisation's logo for the page header: an https:// address, or the path of an
    #: image file (.svg, .png, .jpg, .gif or .webp; relative to this file) served at /site/logo.
    logo: str = ""
    #: The logo's text alternative; empty means the organisation's name.
    logo_alt: str = ""
    #: Where people contact the team that runs the calendar: an email address, a web page, a
    #: telephone number (any or none). Shown in the footer and the accessibility statement.
    contact_email: str = ""
    contact_url: str = ""
    contact_phone: str = ""
    #: What link previews (Teams, Slack, social media) say about the site.
    description: str = (
        "Awareness days, weeks and months and faith festivals for equality, diversity and "
        "inclusion planning, with dates you can subscribe to in Outlook, Google or Apple."
    )
    #: Working days within which a request for another format or an accessibility problem report
    #: gets a reply (the accessibility statement says so).
    response_days: Annotated[int, Field(ge=1, le=60)] = 5
    #: When the organisation prepared and last reviewed its accessibility statement (YYYY-MM-DD);
    #: unset, the statement gives the date this release's pages were tested.
    statement_prepared: dt.date | None = None
    statement_reviewed: dt.date | None = None
    #: Known accessibility problems of the organisation's own additions (its calendars, its
    #: logo), each a sentence the statement lists beside the software's own.
    known_issues: list[str] = Field(default_factory=list)

    @field_validator("logo", "contact_url")
    @classmethod
    def _address(cls, value: str, info: ValidationInfo) -> str:
        if info.field_name == "logo" and "://" not in value:
            if value and not value.lower().endswith(_LOGO_SUFFIXES):
                raise ValueError(
                    f"{value!r}: give an image file ending {', '.join(_LOGO_SUFFIXES)} or an "
                    "https:// address"
                )
            return value
        if value:
            try:
                check_url(value)
            except LinkError as exc:
                raise ValueError(f"{value!r} is not a public address: it {exc}") from None
        return value

    @field_validator("contact_email")
    @classmethod
    def _contact_email(cls, value: str) -> str:
        if value and not _EMAIL_ADDRESS.match(value):
            raise ValueError(f"{value!r} is not an email address such as edi@example.nhs.uk")
        return value

    @field_validator("contact_phone")
    @classmethod
    def _contact_phone(cls, value: str) -> str:
        if value and not re.fullmatch(r"\+?[0-9][0-9 ()-]{5,30}", value):
            raise ValueError(f"{value!r} is not a telephone number such as 0161 123 4567")
        return value


class DestinationSettings(_Section):
    """A place reminders go: a Slack or Teams webhook, an email list, or the console.

    The destination `console` always exists (it prints to standard output) unless redefined.
    """

    kind: Literal["slack", "teams", "email", "console"]
    #: Environment variable holding the webhook URL (slack, teams). Never the URL itself.
    url_env: str | None = None
    #: Email recipients (email).
    to: list[str] = Field(default_factory=list)
    #: Send the weekly "coming up" digest here.
    digest: bool = False
    #: Post a notice here when a date changes: a confirmed date replaces an estimate (an Eid
    #: announced), or an organiser's dates or an override move a date.
    notify_changes: bool = False
    #: Messages per second allowed to this destination (0 lifts the limit, for benchmarks).
    #: Default: 1 for Slack, 4 for Teams, no limit for email and console.
    rate_per_second: Annotated[float, Field(ge=0)] | None = None


class EmailSettings(_Section):
    """SMTP server for email destinations (NHSmail: send.nhs.net, port 587, STARTTLS)."""

    host: str = "localhost"
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    #: starttls (587), tls (implicit, 465) or none (only for a local relay without login).
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    #: Environment variable holding the SMTP password.
    password_env: str | None = None
    #: From address; NHSmail requires it to match the sending account.
    sender: str = "edicalendar@localhost"
    timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 30.0
    #: Extra CA certificate file to trust (a private relay); the system store is always used.
    ca_file: Path | None = None


class ReminderSettings(_Section):
    """Reminder planning and delivery defaults."""

    timezone: str = "Europe/London"
    #: Lead-time reminders (days before the start) of every campaign that sets none itself.
    lead_times: list[Annotated[int, Field(ge=0, le=3660)]] = Field(
        default_factory=lambda: [90, 28, 7, 1]
    )
    #: Local time campaign reminders go at unless a campaign sets its own (HH:MM, 24-hour).
    send_time: str = "09:00"
    digest_weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    digest_time: str = "09:00"
    digest_days: Annotated[int, Field(ge=1, le=90)] = 14
    #: Date changes to occurrences starting within this many days are announced to the
    #: destinations with `notify_changes = true`; later ones reach people through the feeds.
    change_notice_days: Annotated[int, Field(ge=1, le=730)] = 90
    #: How late a lead-time or task reminder may still go out after downtime (hours).
    grace_hours: Annotated[float, Field(ge=0, le=24 * 30)] = 72.0
    #: Attempts before a delivery is dead (transient failures only; permanent ones stop at 1).
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 8
    #: How long a claimed delivery may stay "sending" before it is presumed abandoned.
    lease_seconds: Annotated[int, Field(ge=5, le=3600)] = 300
    http_timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 10.0
    #: The longest one pass may spend sending to one destination (a webhook, or the SMTP
    #: server): no new message to it starts after that, and the rest wait for the next pass.
    #: Each destination has its own budget, so a slow one holds up no other. With `remind`
    #: run every minute from cron, keep it (plus one timeout) under 60 s.
    destination_budget_seconds: Annotated[float, Field(gt=0, le=3600)] = 40.0
    #: Days a finished delivery (sent, accepted, dead, expired, skipped) stays in the ledger;
    #: deliveries still to send are never deleted. At least 35, beyond the 31 days the planner
    #: ever looks back, so a pruned reminder can never be planned again.
    retention_days: Annotated[int, Field(ge=35, le=36500)] = 400
    #: Retry backoff: full jitter, random(0, min(cap, base * 2^attempt)) seconds.
    backoff_base_seconds: Annotated[float, Field(gt=0, le=3600)] = 30.0
    backoff_cap_seconds: Annotated[float, Field(gt=0, le=86400)] = 3600.0
    #: How far ahead reminders are written to the ledger (and the clock wakes for them).
    lookahead_hours: Annotated[float, Field(ge=1, le=24 * 60)] = 36.0
    #: Seconds between clock ticks when running as a service.
    tick_seconds: Annotated[int, Field(ge=5, le=3600)] = 60
    #: Allow http:// webhook URLs to 127.0.0.1/localhost (local test servers only).
    allow_http_webhooks: bool = False

    @field_validator("send_time", "digest_time")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        if not re.match(_HH_MM, value):
            raise ValueError(f"{value!r} is not a 24-hour time HH:MM, such as '09:00'")
        return value


class WebSettings(_Section):
    """The web server."""

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    #: Environment variable holding the old shared bearer token. Deprecated: still accepted as
    #: an admin API token for one release (with a warning); give people accounts instead.
    token_env: str = "EDICALENDAR_TOKEN"
    #: Addresses (or networks) of reverse proxies whose X-Forwarded-Proto and X-Forwarded-For
    #: are believed; from anyone else those headers are ignored.
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an IP address or network such as 127.0.0.1 or 10.0.0.0/8"
                ) from None
        return value

    #: Host names the server answers for besides feeds.base_url's and this machine's own
    #: (localhost, 127.0.0.1): the trusted-host list. ".example.nhs.uk" allows subdomains;
    #: "*" allows any name (only behind a proxy that checks it). Listening beyond loopback
    #: needs this or feeds.base_url. Environment: EDICALENDAR_ALLOWED_HOSTS (comma separated).
    allowed_hosts: list[str] = Field(default_factory=list)

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry != "*" and not _HOST_NAME.match(entry):
                raise ValueError(
                    f"{entry!r} is not a host name; give names such as 'calendar.example.nhs.uk', "
                    "'.example.nhs.uk' for its subdomains, or an IP address"
                )
        return value

    #: Origins (scheme://host[:port]) whose pages may frame the "coming up" widget at
    #: /embed/upcoming (its CSP frame-ancestors); this site itself always may. Every other
    #: page refuses to be framed anywhere.
    embed_origins: list[str] = Field(default_factory=list)
    #: Origins whose scripts may read the public JSON API (CORS on /api/*, no credentials);
    #: "*" for any. Empty: only pages of this site.
    api_origins: list[str] = Field(default_factory=list)

    @field_validator("embed_origins", "api_origins")
    @classmethod
    def _origins(cls, value: list[str], info: ValidationInfo) -> list[str]:
        for entry in value:
            if entry == "*" and info.field_name == "api_origins":
                continue
            if not _ORIGIN.match(entry):
                raise ValueError(
                    f"{entry!r} is not an origin; give the scheme and host of the site, such as "
                    "'https://intranet.example.nhs.uk' (a port may follow; no path, no "
                    "trailing slash)"
                    + ("; '*' allows any site" if info.field_name == "api_origins" else "")
                )
        return value


#: An origin as browsers send it: scheme, host, optional port, nothing after.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?\Z")

#: An allow-list entry: an email address, "@domain" for everyone there, or "group:ID".
_ROLE_ENTRY = r"^(group:\S+|@[^@\s]+\.[^@\s]+|[^@\s]+@[^@\s]+\.[^@\s]+)\Z"


class OidcSettings(_Section):
    """Single sign-on with OpenID Connect: Microsoft Entra ID (NHSmail) or any provider.

    Off while `issuer` is empty. Who may sign in, and with which role, comes from the
    allow-lists: an email address, `@domain`, or `group:ID` (an ID from the groups claim).
    """

    #: The provider's issuer; discovery is read from ISSUER/.well-known/openid-configuration.
    #: Entra ID: https://login.microsoftonline.com/TENANT-ID/v2.0
    issuer: str = ""
    #: The application (client) ID registered with the provider.
    client_id: str = ""
    #: Environment variable holding the client secret (unset variable: a public client).
    client_secret_env: str = "EDICALENDAR_OIDC_CLIENT_SECRET"
    #: The words on the sign-in button: "Sign in with ...".
    label: Annotated[str, Field(min_length=1, max_length=60)] = "NHSmail (Microsoft 365)"
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    #: ID token claims holding the email address, the first present one wins.
    email_claims: list[str] = Field(
        default_factory=lambda: ["email", "preferred_username"], min_length=1
    )
    #: ID token claim listing the person's groups (Entra ID: object IDs).
    groups_claim: str = "groups"
    admins: list[str] = Field(default_factory=list)
    editors: list[str] = Field(default_factory=list)
    viewers: list[str] = Field(default_factory=list)

    @field_validator("admins", "editors", "viewers")
    @classmethod
    def _entries(cls, value: list[str]) -> list[str]:
        for entry in value:
            if not re.fullmatch(_ROLE_ENTRY, entry):
                raise ValueError(
                    f"{entry!r} is not an email address, @domain or group:ID "
                    "(such as 'asha.khan@nhs.net', '@example.nhs.uk' or 'group:3f1c...')"
                )
        return value

    @field_validator("issuer")
    @classmethod
    def _https_issuer(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        local = value.startswith(("http://127.0.0.1", "http://localhost"))
        if value and not value.startswith("https://") and not local:
            raise ValueError(f"{value!r} is not an https address (the provider's issuer)")
        return value

    @model_validator(mode="after")
    def _client_id_with_issuer(self) -> OidcSettings:
        if self.issuer and not self.client_id.strip():
            raise ValueError(
                "client_id is needed once issuer is set: the application (client) ID "
                "registered with the provider"
            )
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)


class AccountSettings(_Section):
    """People and sign-in: sessions, invitations, passwords and sign-in limits."""

    #: Hours a sign-in lasts; after that the person signs in again.
    session_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 12.0
    #: Hours an invitation link from `edicalendar users add` stays usable.
    invitation_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 72.0
    #: Shortest password a local account may set.
    password_min_length: Annotated[int, Field(ge=8, le=128)] = 12
    #: Failed sign-ins allowed per account, and per client address, within the window.
    signin_failures_per_account: Annotated[int, Field(ge=1, le=1000)] = 5
    signin_failures_per_address: Annotated[int, Field(ge=1, le=10000)] = 20
    signin_window_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 15.0
    oidc: OidcSettings = OidcSettings()


class ConventionSettings(_Section):
    """Which community's dates to show where traditions differ (see docs/calendar-format.md).

    Every occurrence also lists what the other conventions give.
    """

    islamic: str = DEFAULT_CONVENTIONS.islamic
    vesak: str = DEFAULT_CONVENTIONS.vesak
    diwali: str = DEFAULT_CONVENTIONS.diwali
    losar: str = DEFAULT_CONVENTIONS.losar

    @field_validator("islamic", "vesak", "diwali", "losar")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        keys = [c.key for c in CONVENTIONS[Family(str(info.field_name))]]
        if value not in keys:
            raise ValueError(f"{value!r} is not a known convention; use one of: {', '.join(keys)}")
        return value

    def as_conventions(self) -> Conventions:
        return Conventions(
            islamic=self.islamic, vesak=self.vesak, diwali=self.diwali, losar=self.losar
        )


class CalendarSettings(_Section):
    """Which optional calendars this organisation uses (all others are always on)."""

    #: Optional calendars to switch on, by file name: health-campaigns, nhs-workforce,
    #: uk-nations, bank-holidays-england-and-wales, bank-holidays-scotland,
    #: bank-holidays-northern-ireland, staff-heritage. Off by default; once on, a calendar's
    #: observances appear in the feeds, pages, clash checks and `edicalendar occurrences`.
    enabled: list[Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]] = Field(
        default_factory=list
    )


#: Where each pre-election period starts before polling day, by kind (and a devolved election's
#: nation). The defaults follow the election timetables: Parliament is dissolved 25 working days
#: before a general election; a local, mayoral or PCC notice of election is published at the
#: latest 25 working days before polling day (local NHS organisations' period; national NHS
#: bodies use three weeks); the Scottish Parliament's pre-election recess begins 28 working days
#: before, the Senedd is dissolved 20 working days before and the Northern Ireland Assembly 25.
PRE_ELECTION_DEFAULTS: dict[str, str] = {
    "general-election": "25 working days",
    "devolved-election-scotland": "28 working days",
    "devolved-election-wales": "20 working days",
    "devolved-election-northern-ireland": "25 working days",
    "local-election": "25 working days",
    "mayoral-election": "25 working days",
    "pcc-election": "25 working days",
}


class FreezeSettings(_Section):
    """Communication freezes: how pre-election periods are computed from polling day."""

    #: How long before polling day each kind of pre-election period starts: "N working days"
    #: (weekends, Christmas Eve and the voting nations' bank holidays skipped), "N weeks" or
    #: "N days". Keys: general-election, local-election, mayoral-election, pcc-election, and
    #: devolved-election-scotland, devolved-election-wales, devolved-election-northern-ireland.
    #: Keys left out keep their defaults.
    pre_election: dict[str, str] = Field(default_factory=dict)
    #: Days after polling day a pre-election period still runs (0: it ends with polling day;
    #: NHS England's 2024 period ran until 00:01 on the day after).
    days_after_polling_day: Annotated[int, Field(ge=0, le=60)] = 0

    @field_validator("pre_election")
    @classmethod
    def _periods(cls, value: dict[str, str]) -> dict[str, str]:
        from edicalendar.calendar.freezes import PeriodError, parse_period

        for key, text in value.items():
            if key not in PRE_ELECTION_DEFAULTS:
                raise ValueError(
                    f"{key!r} is not a kind of election; use one of: "
                    + ", ".join(PRE_ELECTION_DEFAULTS)
                )
            try:
                parse_period(text)
            except PeriodError as exc:
                raise ValueError(f"{key}: {exc}") from None
        return value

    def period_before(self, key: str) -> str:
        """How long before polling day `key` starts (a kind, or devolved-election-NATION)."""
        return self.pre_election.get(key, PRE_ELECTION_DEFAULTS[key])


class Settings(_Section):
    """All settings. Build with :func:`load_settings`."""

    data: DataSettings = DataSettings()
    calendars: CalendarSettings = CalendarSettings()
    feeds: FeedSettings = FeedSettings()
    site: SiteSettings = SiteSettings()
    #: UK nation whose bank holidays "working days" skip.
    nation: Literal["england-and-wales", "scotland", "northern-ireland"] = "england-and-wales"
    reminders: ReminderSettings = ReminderSettings()
    destinations: dict[str, DestinationSettings] = Field(default_factory=dict)
    email: EmailSettings = EmailSettings()
    web: WebSettings = WebSettings()
    conventions: ConventionSettings = ConventionSettings()
    accounts: AccountSettings = AccountSettings()
    freezes: FreezeSettings = FreezeSettings()


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus where they came from and the resolved data folders."""

    settings: Settings
    path: Path | None
    base_dir: Path
    calendars_dir: Path
    campaigns_dir: Path
    data_dir: Path
    #: Resolved `data.cache_dir`; None when the cache is off.
    cache_dir: Path | None = None

    @property
    def logo_file(self) -> Path | None:
        """The logo image file `site.logo` names, when it names a file rather than an address."""
        logo = self.settings.site.logo
        return self.base_dir / logo if logo and "://" not in logo else None

    @property
    def database_url(self) -> str:
        return database_url_for(self.settings.data.database_url, self.data_dir)


def _resolve(base: Path, configured: Path | None, name: str) -> Path:
    if configured is not None:
        return configured if configured.is_absolute() else base / configured
    local = Path.cwd() / name
    return local if local.is_dir() else shipped_dir(name)


def load_settings(path: Path | None = None) -> LoadedSettings:
    """Read settings from `path`, else ./edicalendar.toml when present, else defaults."""
    if path is None:
        path = find_config(None)
    elif not path.is_file():
        raise ConfigError.single(str(path), "--config", "config file not found")
    raw: dict[str, Any] = {}
    source: TomlSource | None = None
    if path is not None:
        read = TomlSource.read(path)
        if isinstance(read, Problem):
            raise ConfigError([read])
        source = read
        raw = read.data
    overridden = _environment(raw)
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(str(p) for p in err["loc"])
            variable = overridden.get((loc[0], loc[1])) if len(loc) >= 2 else None
            if variable is not None:
                message = str(err["msg"]).removeprefix("Value error, ")
                problems.append(Problem("environment", None, None, variable, message))
                continue
            line = _line_of(source, loc) if source else None
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown setting; see config.example.toml"
            problems.append(Problem(str(path), line, None, ".".join(loc), message))
        raise ConfigError(problems) from None
    base = path.parent if path is not None else Path.cwd()
    logo = settings.site.logo
    if logo and "://" not in logo and not (base / logo).is_file():
        line = _line_of(source, ("site", "logo")) if source else None
        raise ConfigError(
            [
                Problem(
                    str(path),
                    line,
                    None,
                    "site.logo",
                    f"no image file {str(base / logo)!r}; give a path relative to this file or "
                    "an https:// address",
                )
            ]
        )
    return LoadedSettings(
        settings=settings,
        path=path,
        base_dir=base,
        calendars_dir=_resolve(base, settings.data.calendars_dir, "calendars"),
        campaigns_dir=_resolve(base, settings.data.campaigns_dir, "campaigns"),
        data_dir=data_dir_for(path, settings.data.data_dir),
        cache_dir=_cache_dir(base, settings.data.cache_dir),
    )


def setting_line(path: Path, loc: tuple[str, ...]) -> int | None:
    """Line of a dotted setting in the config file at `path`, when it can be read."""
    read = TomlSource.read(path)
    return None if isinstance(read, Problem) else _line_of(read, loc)


def _environment(raw: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Put settings given as environment variables into `raw`; return (section, key) -> name."""
    overridden: dict[tuple[str, str], str] = {}
    for name, (section, key) in ENVIRONMENT.items():
        value = os.environ.get(name, "").strip()
        if not value:
            continue
        table = raw.setdefault(section, {})
        if not isinstance(table, dict):
            continue  # the file's own problem, reported as such
        table[key] = (
            [v.strip() for v in value.split(",") if v.strip()] if key == "allowed_hosts" else value
        )
        overridden[(section, key)] = name
    return overridden


def _cache_dir(base: Path, configured: str | None) -> Path | None:
    if configured == "":
        return None
    if configured is None:
        from edicalendar.calendar.cache import default_cache_dir

        return default_cache_dir()
    path = Path(configured).expanduser()
    return path if path.is_absolute() else base / path


def _line_of(source: TomlSource, loc: tuple[str, ...]) -> int | None:
    """Line of a dotted setting: the deepest `[table]` header on its path, then its key."""
    headers: list[tuple[int, tuple[str, ...]]] = []
    for number, line in enumerate(source.lines, 1):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            name = stripped.strip("[]").strip()
            headers.append((number, tuple(p.strip().strip('"') for p in name.split("."))))
    begin, depth = 0, 0
    for number, parts in headers:
        if parts == loc[: len(parts)] and len(parts) > depth:
            begin, depth = number, len(parts)
    if depth == len(loc):
        return begin
    key = loc[depth] if depth < len(loc) else None
    for number in range(begin + 1, len(source.lines) + 1):
        text = source.lines[number - 1].strip()
        if text.startswith("["):
            break
        if key and text.split("=")[0].strip().strip('"') == key:
            return number
    return begin or None
