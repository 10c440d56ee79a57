"""The one exception hierarchy for edicalendar.

Every error the tool raises on purpose derives from :class:`EdicalendarError`, so the CLI (in
`edicalendar.cli.main`) and the web server catch the root once and turn it into a message and
an exit code or HTTP status. Messages name the value and where it came from (file, line,
observance id, field) and, where there is one, the fix. Exit codes: 1 invalid input or data,
2 usage, 3 runtime failure.

    EdicalendarError (3)
    ├── UsageError (2) ............ an argument or option that cannot be used as given (cli, web)
    │   ├── NotFoundError ......... a named thing does not exist (HTTP 404)
    │   │   ├── UnknownFeedError .. feeds.specs: no feed of that name
    │   │   ├── CampaignLookupError  campaigns.service: no such campaign, instance, task, asset
    │   │   ├── PersonNotFoundError  accounts.directory: no person with that email address
    │   │   ├── FreezeNotFoundError  reminders.freeze_book: no freeze with that id
    │   │   └── DeliveryNotFoundError  cli: no reminder delivery with that ledger key
    │   ├── CampaignInstanceError . campaigns.service: text that is not an instance ("2026x")
    │   ├── CampaignConflictError . campaigns.store: changed by someone else meanwhile, id taken
    │   ├── CampaignReadOnlyError . campaigns.service: a campaign file, not the database's (409)
    │   └── DateRangeError ........ calendar.occurrences: dates outside the years it computes
    ├── InvalidDataError (1) ...... input files hold problems; every one is listed
    │   ├── CatalogError .......... calendar.catalog, campaigns.files: data failed validation
    │   │   └── CampaignInvalidError  campaigns.service: a campaign sent to be saved (HTTP 422)
    │   ├── ConfigError ........... config: the settings file or environment is unusable
    │   └── SourceError ........... importers: an import source holds problems
    ├── RuleError (1) ............. calendar.rules: a rule that cannot produce a date
    ├── UnsupportedYearError (1) .. calendar.rules: a year outside a rule's or table's range
    ├── UnsafeSourceError (1) ..... importers.fetch: refused by the safety limits
    ├── WriteError (1) ............ importers.writer: a calendar file could not be updated
    ├── LedgerError (1) ........... reminders.ledger: an operator request the ledger refuses
    ├── AccountError (1) .......... accounts: a change to people the accounts refuse
    ├── FreezeError (1) ........... reminders.freeze_book: a freeze it cannot record or end
    ├── SignInError (1) ........... accounts: a sign-in refused (HTTP 401)
    │   ├── SignInThrottledError .. accounts.throttle: too many failed attempts (HTTP 429)
    │   └── OidcError ............. accounts.oidc: the provider's answer cannot be trusted
    ├── DatabaseError (3) ......... storage, reminders: database unreadable, corrupt or locked
    │   ├── LedgerIdentityError ... storage.identity, reminders.ledger: the ledger went missing,
    │   │                           was emptied, swapped or rolled back (nothing is sent)
    │   └── InstanceLockedError ... reminders.scheduler: another reminder process holds the lock
    ├── FetchError (3) ............ importers.fetch: a URL could not be fetched
    └── OutputError (3) ........... atomicfile: a file could not be written where asked

Three `ValueError` subclasses are raised while *parsing* a value and always converted by their
caller into one of the errors above (a pydantic field error, a :class:`Problem`, an HTTP 400):
:class:`RelativeDayError` (campaigns.relative), :class:`DateTextError` (importers.datetext)
and :class:`QueryError` (web.views).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edicalendar.i18n import N_, Message


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located as precisely as the input allows."""

    path: str
    line: int | None
    subject: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [where]
        if self.subject:
            parts.append(self.subject)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)

    def said(self) -> str:
        """The problem as :meth:`__str__` writes it, kept as a :class:`Message` when its words
        are one, so a page can say it in its language (the file, subject and field stay as
        they are; the database's name is said in the page's language too)."""
        if not isinstance(self.message, Message):
            return str(self)
        text: str = self.message
        for part in reversed([p for p in (self.subject, self.field) if p]):
            text = Message(_AT, where=part, message=text)
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return Message(_AT, where=where, message=text)


#: One step of a problem's place before its words: "file:12: subject: field: message". It has
#: no words of its own to translate.
_AT = "%(where)s: %(message)s"


class EdicalendarError(Exception):
    """Root of every error edicalendar raises on purpose."""

    exit_code: int = 3


# --- usage ----------------------------------------------------------------------------------


class UsageError(EdicalendarError):
    """A command-line argument, option or query value that cannot be used as given."""

    exit_code = 2
    #: The HTTP status the web answers with for this mistake.
    http_status = 400


class NotFoundError(UsageError):
    """A named thing (a feed, a campaign, one of its tasks) does not exist."""

    http_status = 404


class UnknownFeedError(NotFoundError):
    """A feed name that is neither a default feed nor defined in config."""


class CampaignLookupError(NotFoundError):
    """No campaign, campaign instance, task or asset with the name given."""


class PersonNotFoundError(NotFoundError):
    """No person with the email address given."""


class FreezeNotFoundError(NotFoundError):
    """No communication freeze with the id given."""


class DeliveryNotFoundError(NotFoundError):
    """No reminder delivery with the ledger key given."""


class CampaignInstanceError(UsageError):
    """Text that is not a campaign instance ("2026", or "2030-2" for a second that year)."""


class DateRangeError(UsageError):
    """Dates asked for outside the years the calendar computes (HTTP 400, exit 2)."""


class CampaignConflictError(UsageError):
    """A change that clashes with the stored campaign: someone saved it after you opened it,
    or the id is already taken."""

    http_status = 409


class CampaignReadOnlyError(UsageError):
    """A change to a campaign defined in a file: the file is the plan, so edit the file."""

    http_status = 409


# --- invalid data -----------------------------------------------------------------------------


class InvalidDataError(EdicalendarError):
    """Input files (calendars, campaigns, config) hold one or more problems; all are listed."""

    exit_code = 1

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} found:\n" + "\n".join(str(p) for p in self.problems))


class CatalogError(InvalidDataError):
    """Calendar or campaign data that failed validation."""


class CampaignInvalidError(CatalogError):
    """A campaign sent to be saved (from the browser, the API or a file being imported) that
    fails the checks a campaign file gets; every problem is listed with its field."""

    http_status = 422


class ConfigError(InvalidDataError):
    """The configuration file or environment holds an unusable setting."""

    @classmethod
    def single(cls, path: str, field: str, message: str, line: int | None = None) -> ConfigError:
        """Build a ConfigError for one setting."""
        return cls([Problem(path=path, line=line, subject=None, field=field, message=message)])


class SourceError(InvalidDataError):
    """The import source holds problems (bad encoding, malformed dates, hostile structure)."""

    @classmethod
    def at(
        cls, source: str, line: int | None, message: str, field: str | None = None
    ) -> SourceError:
        """A SourceError for one problem at `source:line`."""
        return cls([Problem(source, line, None, field, message)])


# --- dates ------------------------------------------------------------------------------------


class RuleError(EdicalendarError):
    """A date rule that cannot produce a date (for example an impossible day of a month)."""

    exit_code = 1


#: What :class:`UnsupportedYearError` says, without and with the table or theory that limits it.
CANNOT_COMPUTE = N_(
    "%(observance)s: cannot compute %(year)s; supported years are %(first)s-%(last)s"
)
CANNOT_COMPUTE_WHY = N_(
    "%(observance)s: cannot compute %(year)s; supported years are %(first)s-%(last)s (%(why)s)"
)


class UnsupportedYearError(EdicalendarError):
    """A date was asked for outside the years a rule or table can compute."""

    exit_code = 1

    def __init__(self, observance: str, year: int, first: int, last: int, why: str = "") -> None:
        self.observance = observance
        self.year = year
        self.first = first
        self.last = last
        self.why = why
        # A Message: as text the English the CLI, the API and logs give; a Welsh page says it
        # in Welsh (`why` names the table or theory, a message the rules mark for the catalogue).
        values: dict[str, object] = {"observance": observance, "year": year}
        values.update(first=first, last=last)
        if why:
            values["why"] = Message(why)
        message = Message(CANNOT_COMPUTE_WHY if why else CANNOT_COMPUTE, False, **values)
        super().__init__(message)


# --- imports, files and the ledger ------------------------------------------------------------


class UnsafeSourceError(EdicalendarError):
    """A source refused by the safety limits (scheme, private address, size)."""

    exit_code = 1


class FetchError(EdicalendarError):
    """A URL could not be fetched (network failure, HTTP error status, timeout)."""

    exit_code = 3


class WriteError(EdicalendarError):
    """A calendar file could not be updated; it is left exactly as it was."""

    exit_code = 1


class OutputError(EdicalendarError):
    """A feed, page or export could not be written where asked."""

    exit_code = 3


class LedgerError(EdicalendarError):
    """An operator request the ledger cannot carry out (unknown key, wrong state)."""

    exit_code = 1


class AccountError(EdicalendarError):
    """A change to people the accounts refuse: an address already added, the last admin
    removed, a password too short. The message says what to do instead."""

    exit_code = 1
    http_status = 400


class FreezeError(EdicalendarError):
    """A freeze that cannot be recorded or ended as asked: its last day before its first, an
    election without polling day or dates, a freeze already ended. The message says what to do."""

    exit_code = 1
    http_status = 400


class SignInError(EdicalendarError):
    """A sign-in that is refused: wrong password, used or expired invitation, unknown person.

    Messages are safe to show to the person signing in: they never say whether an address
    exists and never repeat a password or token."""

    exit_code = 1
    http_status = 401


class SignInThrottledError(SignInError):
    """Too many failed sign-ins for one account or from one address; try again later."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        #: Seconds until the next attempt may succeed.
        self.retry_after = retry_after


class OidcError(SignInError):
    """Single sign-on failed: the provider is unreachable, refused the sign-in, or answered
    with an ID token whose signature, issuer, audience, nonce or lifetime is wrong."""


class DatabaseError(EdicalendarError):
    """The project database cannot be opened, is corrupt, or is locked by another instance."""

    exit_code = 3


class LedgerIdentityError(DatabaseError):
    """The database is not the reminder ledger this data folder used: missing, emptied, swapped
    for another, rolled back to an older copy, or missing rows. Nothing is sent until an
    operator restores it or starts a new ledger (`edicalendar remind --new-ledger`)."""


class InstanceLockedError(DatabaseError):
    """Another reminder process (a clock in `serve`, or a `remind` tick) holds the SQLite
    database's instance lock."""

    def __init__(self, message: str, *, pid: str, role: str, since: str) -> None:
        super().__init__(message)
        self.pid = pid
        self.role = role
        self.since = since


# --- raised while parsing one value, converted by the caller ------------------------------------


class RelativeDayError(ValueError):
    """Text that is not a relative day; the message says what is accepted."""


class DateTextError(ValueError):
    """A spreadsheet cell that is not a date the importer reads; the message says what was."""


class QueryError(ValueError):
    """A query value that cannot be used; the message names the parameter and the value."""
