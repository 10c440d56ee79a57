"""The one exception hierarchy for edicalendar.

Every error the tool raises on purpose derives from :class:`EdicalendarError`, so the CLI and the
web server can catch the root once and turn it into a message and an exit code. Messages name the
value and where it came from (file, line, observance id, field) and, where there is one, the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class EdicalendarError(Exception):
    """Root of every error edicalendar raises on purpose."""

    exit_code: int = 3


class UsageError(EdicalendarError):
    """A command-line argument or option that cannot be used as given."""

    exit_code = 2


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


class ConfigError(InvalidDataError):
    """The configuration file or environment holds an unusable setting."""

    @classmethod
    def single(cls, path: str, field: str, message: str, line: int | None = None) -> ConfigError:
        """Build a ConfigError for one setting."""
        return cls([Problem(path=path, line=line, subject=None, field=field, message=message)])


class RuleError(EdicalendarError):
    """A date rule that cannot produce a date (for example an impossible day of a month)."""

    exit_code = 1


class UnsupportedYearError(EdicalendarError):
    """A date was asked for outside the years a rule or table can compute."""

    exit_code = 1

    def __init__(self, observance: str, year: int, first: int, last: int, why: str = "") -> None:
        self.observance = observance
        self.year = year
        self.first = first
        self.last = last
        detail = f" ({why})" if why else ""
        super().__init__(
            f"{observance}: cannot compute {year}; supported years are {first}-{last}{detail}"
        )


class DatabaseError(EdicalendarError):
    """The project database cannot be opened, is corrupt, or is locked by another instance."""

    exit_code = 3


class DeliveryError(EdicalendarError):
    """A reminder could not be delivered through a channel."""

    exit_code = 3
