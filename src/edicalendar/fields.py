"""Field types for data files and settings: the text and link rules as pydantic annotations.

Calendar files, campaign files and the settings file declare their text fields with these types,
so `edicalendar check`, a running server's reload and every loader refuse the same values with
the same message: control characters in text (:func:`edicalendar.text.text_problem`), names
that start like a spreadsheet formula (:func:`edicalendar.text.formula_problem`) and links that
are not http(s) (:func:`edicalendar.urls.check_url`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from edicalendar.i18n import N_, Message, said
from edicalendar.text import formula_problem, text_problem
from edicalendar.urls import LinkError, check_url, looks_like_link


def shown(value: str, limit: int = 60) -> str:
    """`value` quoted for a message, cut to `limit` characters."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _line(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _paragraphs(value: str) -> str:
    problem = text_problem(value, multiline=True)
    if problem:
        raise ValueError(problem)
    return value


def _name(value: str) -> str:
    problem = text_problem(value) or formula_problem(value)
    if problem:
        raise ValueError(Message(N_("%(value)s %(problem)s"), value=shown(value), problem=problem))
    return value


def link_message(value: str, exc: LinkError) -> Message:
    """The message for a refused link: the value (shortened) and why."""
    return Message(
        N_("%(value)s is not a link we publish: it %(why)s"), value=shown(value), why=said(exc)
    )


def _link(value: str) -> str:
    try:
        return check_url(value)
    except LinkError as exc:
        raise ValueError(link_message(value, exc)) from None


def check_source(value: str) -> str:
    """A source is prose ("Hindu Council UK, printed calendar 2026") or a link; a link must be
    one we publish, because pages show it as one. ValueError says why not."""
    _line(value)
    if looks_like_link(value):
        _link(value)
    return value


#: One line of text: no control characters.
Line = Annotated[str, AfterValidator(_line)]
#: Paragraphs: line breaks and tabs allowed, other control characters not.
Paragraphs = Annotated[str, AfterValidator(_paragraphs)]
#: A name or title that ends up in spreadsheets: one line that does not start like a formula.
Name = Annotated[str, AfterValidator(_name)]
#: An http(s) link.
Link = Annotated[str, AfterValidator(_link)]
#: Where a fact comes from: prose, or an http(s) link.
Source = Annotated[str, AfterValidator(check_source)]
