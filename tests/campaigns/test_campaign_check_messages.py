"""The campaign data checks a Welsh page shows (a day that cannot be read, a formula or a control
character in a name, a link we do not publish, a file's shape): as text each is the English
`edicalendar check`, the API and logs have always given, word for word; a Welsh page says it in
Welsh from the catalogue."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from pydantic import ValidationError

from edicalendar import i18n
from edicalendar.campaigns.relative import parse_relative
from edicalendar.campaigns.schema import CampaignIn, error_message
from edicalendar.errors import RelativeDayError
from edicalendar.text import formula_problem, text_problem

BASE: dict[str, Any] = {
    "id": "iwd-blog",
    "title": "International Women's Day blog",
    "observance": "international-womens-day",
    "years": [2026],
}


def _said(**changes: Any) -> list[tuple[str, str]]:
    """Each problem the schema finds in BASE with `changes`: (field, message)."""
    with pytest.raises(ValidationError) as caught:
        CampaignIn.model_validate({**BASE, **changes})
    return [
        (".".join(str(p) for p in error["loc"]), error_message(error))
        for error in caught.value.errors()
    ]


def _one(**changes: Any) -> str:
    (problem,) = _said(**changes)
    return problem[1]


def _welsh(message: str) -> str:
    assert isinstance(message, i18n.Message), message
    return message.translated("cy")


def test_a_day_that_cannot_be_read() -> None:
    with pytest.raises(RelativeDayError) as caught:
        parse_relative("next tuesday")
    assert str(caught.value) == (
        "cannot read 'next tuesday' as a day; write one of '-28d', '-2w', '-5 working days', "
        "'start', 'end', '+1d', 'end+1d'"
    )
    assert _welsh(i18n.said(caught.value)) == (
        "ni ellir darllen 'next tuesday' fel diwrnod; ysgrifennwch un o '-28d', '-2w', "
        "'-5 working days', 'start', 'end', '+1d', 'end+1d'"
    )
    with pytest.raises(RelativeDayError) as far:
        parse_relative("end+4000d")
    assert str(far.value) == "'end+4000d' is more than ten years from the end"
    assert _welsh(i18n.said(far.value)) == "mae 'end+4000d' yn fwy na deng mlynedd o’r diwedd"


def test_a_task_due_that_cannot_be_read_in_a_campaign() -> None:
    message = _one(tasks=[{"id": "draft", "name": "Draft", "due": "soon"}])
    assert message == (
        "cannot read 'soon' as a day; write one of '-28d', '-2w', '-5 working days', 'start', "
        "'end', '+1d', 'end+1d'"
    )
    assert _welsh(message).startswith("ni ellir darllen 'soon' fel diwrnod; ysgrifennwch un o")


def test_a_formula_and_a_control_character_in_a_name() -> None:
    assert formula_problem("=SUM(A1)") == (
        "starts with '=', which spreadsheets run as a formula when the CSV export is opened; "
        "start the name with a letter or digit"
    )
    message = _one(title="=HYPERLINK(1)")
    assert message == (
        "'=HYPERLINK(1)' starts with '=', which spreadsheets run as a formula when the CSV "
        "export is opened; start the name with a letter or digit"
    )
    assert _welsh(message) == (
        "'=HYPERLINK(1)': mae’n dechrau gyda’r nod '=', y mae taenlenni’n ei drin fel fformiwla "
        "pan agorir ffeil CSV a allforiwyd; dechreuwch yr enw gyda llythyren neu ddigid"
    )
    assert text_problem("a\x1bb") == (
        "contains the control character U+001B (ESC) at position 2; remove it (it can rewrite a "
        "terminal or hide text)"
    )
    control = _one(summary="Our blog\x1b[2J")
    assert control == (
        "contains the control character U+001B (ESC) at position 9; remove it (it can rewrite a "
        "terminal or hide text)"
    )
    assert _welsh(control) == (
        "mae’n cynnwys y nod rheoli U+001B (ESC) yn safle 9; tynnwch ef (gall ailysgrifennu "
        "terfynell neu guddio testun)"
    )


def test_a_link_we_do_not_publish() -> None:
    message = _one(assets=[{"id": "post", "kind": "blog", "title": "Post", "url": "javascript:x"}])
    assert message == (
        "'javascript:x' is not a link we publish: it has javascript:; only http(s) links are "
        "published"
    )
    assert _welsh(message) == (
        "nid yw 'javascript:x' yn ddolen a gyhoeddwn: mae’n dechrau gyda javascript:; dim ond "
        "dolenni http(s) a gyhoeddir"
    )
    spaced = _one(assets=[{"id": "post", "kind": "blog", "title": "Post", "url": "https://a b"}])
    assert spaced == (
        "'https://a b' is not a link we publish: it contains a space, which no link may hold"
    )
    assert _welsh(spaced) == (
        "nid yw 'https://a b' yn ddolen a gyhoeddwn: mae’n cynnwys bwlch, na all unrhyw ddolen "
        "ei gynnwys"
    )


@pytest.mark.parametrize(
    ("changes", "english", "welsh"),
    [
        (
            {"id": "IWD Blog"},
            "id 'IWD Blog' must be a lower-case slug such as 'staff-blog'",
            "rhaid i’r enw byr 'IWD Blog' fod mewn llythrennau bach gyda chysylltnodau, fel "
            "'staff-blog'",
        ),
        (
            {"lead_time_at": "9am"},
            "time '9am' must be 24-hour HH:MM, such as '09:00'",
            "rhaid i’r amser '9am' fod yn HH:MM 24 awr, fel '09:00'",
        ),
        (
            {"colour": "red"},
            "unknown key; see docs/campaigns.md for the keys a campaign takes",
            "allwedd anhysbys; gweler docs/campaigns.md am yr allweddi y mae ymgyrch yn eu derbyn",
        ),
        (
            {"years": [], "every_year": True, "since": 1800},
            "Input should be greater than or equal to 1900",
            "Dylai fod yn 1900 neu’n fwy",
        ),
        (
            {"years": []},
            "say when: every_year = true, or years = [2026, ...]",
            "dywedwch pryd: every_year = true, neu years = [2026, ...]",
        ),
        (
            {"assets": [{"id": "post", "kind": "blog", "title": "Post", "placeholder_url": True}]},
            "placeholder_url = true needs the placeholder `url` it marks",
            "mae angen y `url` dros dro y mae placeholder_url = true yn ei nodi",
        ),
    ],
)
def test_the_schema_checks_keep_their_english_and_say_it_in_welsh(
    changes: dict[str, Any], english: str, welsh: str
) -> None:
    message = _one(**changes)
    assert message == english
    assert _welsh(message) == welsh


@pytest.mark.parametrize(
    ("changes", "english", "welsh"),
    [
        ({"title": 42}, "Input should be a valid string", "Dylai fod yn destun"),
        ({"lead_times": ["a week"]}, "Input should be a valid integer", "Dylai fod yn rhif cyfan"),
        (
            {"every_year": "maybe", "years": []},
            "Input should be a valid boolean",
            "Dylai fod yn wir neu’n gau (true neu false)",
        ),
        ({"owners": "x"}, "Input should be a valid list", "Dylai fod yn rhestr"),
        (
            {"assets": [{"id": "a", "kind": "poster", "title": "A"}]},
            "unknown kind 'poster'; use one of: blog, social, newsletter, intranet, event, video, "
            "toolkit",
            "math anhysbys 'poster'; defnyddiwch un o: blog, social, newsletter, intranet, event, "
            "video, toolkit",
        ),
        (
            {"assets": [{"id": "a", "kind": "blog", "title": "A", "status": "live"}]},
            "unknown status 'live'; use one of: planned, drafting, in-review, approved, ready, "
            "published",
            "statws anhysbys 'live'; defnyddiwch un o: planned, drafting, in-review, approved, "
            "ready, published",
        ),
    ],
)
def test_pydantic_type_messages_keep_their_english_and_say_it_in_welsh(
    changes: dict[str, Any], english: str, welsh: str
) -> None:
    """A wrong type in a campaign: pydantic's English word for word, Welsh from the catalogue."""
    message = _one(**changes)
    assert message == english
    assert _welsh(message) == welsh


def test_a_pydantic_message_the_catalogue_lacks_stays_as_pydantic_says_it() -> None:
    """pydantic's own English for a check the catalogue has no Welsh for (a value that must be
    one of a few) is kept as pydantic says it, so a Welsh page marks it as English."""
    from pydantic import BaseModel

    class Choice(BaseModel):
        pick: Literal["one", "two"]

    with pytest.raises(ValidationError) as caught:
        Choice.model_validate({"pick": "three"})
    (error,) = caught.value.errors()
    said = error_message(error)
    assert said == "Input should be 'one' or 'two'"
    assert not isinstance(said, i18n.Message)
