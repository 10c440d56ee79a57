"""Searching the calendar: other names, typos, traditions and categories, over the shipped data,
and `aliases` checked like every other field of a calendar file.

Expected answers are facts about the observances, not the code's output: Chanukah is the
transliteration of Hanukkah closer to the Hebrew, Id al-Fitr and Eid ul-Fitr are other
English spellings of Eid al-Fitr, Wesak is the name Vesak goes by in the UK and Sri Lanka,
Baisakhi is the Punjabi spelling of Vaisakhi, Deepavali the South Indian name of Diwali.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from edicalendar.calendar.catalog import Catalog, load_catalog
from edicalendar.calendar.search import MAX_QUERY_CHARS, SearchIndex, clean_query, fold
from edicalendar.errors import CatalogError, QueryError
from support.paths import REPO_ROOT


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO_ROOT / "calendars")


def _ids(catalog: Catalog, query: str, limit: int = 20) -> list[str]:
    return [m.observance.id for m in catalog.search.search(clean_query(query), limit)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Chanukah", "hanukkah"),
        ("chanukkah", "hanukkah"),
        ("Hanukkah", "hanukkah"),
        ("Wesak", "vesak"),
        ("Vesak", "vesak"),
        ("Id al-Fitr", "eid-al-fitr"),
        ("eid ul fitr", "eid-al-fitr"),
        ("Baisakhi", "vaisakhi"),
        ("Deepavali", "diwali"),
        ("Pesach", "passover"),
    ],
)
def test_other_names_find_the_observance_first(shipped: Catalog, query: str, expected: str) -> None:
    assert _ids(shipped, query)[0] == expected


def test_id_and_eid_both_find_the_two_eids(shipped: Catalog) -> None:
    for query in ("Eid", "Id", "eid"):
        found = _ids(shipped, query)
        assert {"eid-al-fitr", "eid-al-adha"} <= set(found[:3]), (query, found)
    # "Id" is a whole word: it does not find every name with "id" inside it ("Holiday").
    assert all("holiday" not in i for i in _ids(shipped, "Id"))


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("ramdan", "ramadan"),
        ("hanuka", "hanukkah"),
        ("diwalli", "diwali"),
        ("yom kipur", "yom-kippur"),
        ("vaisaki", "vaisakhi"),
        ("blackhistory month", "black-history-month"),
    ],
)
def test_typos_are_tolerated(shipped: Catalog, typo: str, expected: str) -> None:
    assert expected in _ids(shipped, typo)[:3], _ids(shipped, typo)


def test_the_start_of_a_word_finds_it_as_people_type(shipped: Catalog) -> None:
    assert _ids(shipped, "ramad")[0] in ("ramadan", "ramadan-begins")
    assert "black-history-month" in _ids(shipped, "black hist")


def test_tradition_and_the_word_for_its_people(shipped: Catalog) -> None:
    judaism = {o.id for o in shipped.observances.values() if o.tradition == "Judaism"}
    for query in ("Judaism", "Jewish"):
        found = set(_ids(shipped, query, 100))
        assert judaism <= found, (query, judaism - found)
    sikh = set(_ids(shipped, "Sikh", 100))
    assert {"vaisakhi", "guru-nanak-gurpurab", "bandi-chhor-divas"} <= sikh


def test_category_label_finds_its_observances(shipped: Catalog) -> None:
    found = set(_ids(shipped, "Disability", 100))
    assert {"disability-history-month", "international-day-of-persons-with-disabilities"} & found
    assert all(
        any(c.value == "disability" for c in shipped.observances[i].categories)
        or "disab" in fold(shipped.observances[i].name)
        for i in found
    )


def test_a_name_ranks_above_a_tradition(shipped: Catalog) -> None:
    """ "Islamic" is in one name (Islamic New Year) and the tradition of many: the name first."""
    assert _ids(shipped, "Islamic")[0] == "islamic-new-year"


def test_nonsense_finds_nothing(shipped: Catalog) -> None:
    assert _ids(shipped, "xyzzy qwerty") == []
    assert _ids(shipped, "") == []


def test_folding_ignores_case_accents_and_punctuation() -> None:
    assert fold("Mi'raj") == "miraj"
    assert fold("Bahá’í  New-Year") == "bahai new year"
    assert fold("ÉID") == "eid"


def test_queries_too_long_or_with_control_characters_are_refused() -> None:
    assert clean_query("  eid   al fitr ") == "eid al fitr"
    assert clean_query("e" * MAX_QUERY_CHARS) == "e" * MAX_QUERY_CHARS
    with pytest.raises(QueryError, match="at most 100"):
        clean_query("e" * (MAX_QUERY_CHARS + 1))
    for bad in ("eid\x00", "eid\x1b[2J", "eid\u0085"):
        with pytest.raises(QueryError, match="control character"):
            clean_query(bad)
    with pytest.raises(QueryError, match="words"):
        clean_query("a b c d e f g h i")


def test_the_search_is_built_once_per_catalog(shipped: Catalog) -> None:
    assert shipped.search is shipped.search
    assert isinstance(shipped.search, SearchIndex)
    assert shipped.with_conventions(shipped.conventions).search is not shipped.search


_ALIAS_TEXT = (
    '[[observance]]\nid = "a"\nname = "Alpha Day"\ncategories = ["age"]\n'
    'rule = {{ kind = "fixed", month = 5, day = 1 }}\n'
    'description = "d"\nsources = ["https://example.org/a"]\naliases = {aliases}\n'
)


@pytest.mark.parametrize(
    ("aliases", "message"),
    [
        ('["Alpha day"]', "1: a: aliases: 'Alpha day' is given twice (or is the name itself)"),
        ('["Beta", "beta"]', "1: a: aliases: 'beta' is given twice"),
        ('[" Beta"]', "1: a: aliases: ' Beta' has spaces at its start or end"),
        ('[""]', "1: a: aliases: '' must be a name of 1 to 100 characters"),
        ('["Beta\\u0007"]', "8: a: aliases.0: 'Beta\\x07' contains the control character"),
        ('["=HYPERLINK(1)"]', "8: a: aliases.0: '=HYPERLINK(1)' starts with '='"),
        ('"Beta"', "8: a: aliases: Input should be a valid list"),
        (
            "[" + ", ".join(f'"B{i}"' for i in range(13)) + "]",
            "8: a: aliases: List should have at most 12 items",
        ),
    ],
)
def test_bad_aliases_are_located(
    calendar_folder: Callable[..., Path], aliases: str, message: str
) -> None:
    folder = calendar_folder({"x.toml": _ALIAS_TEXT.format(aliases=aliases)})
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder, display_root=folder)
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 1 and shown[0].startswith("x.toml:" + message), shown


def test_good_aliases_load(calendar_folder: Callable[..., Path]) -> None:
    folder = calendar_folder({"x.toml": _ALIAS_TEXT.format(aliases='["Beta", "Gamma"]')})
    catalog = load_catalog(folder, display_root=folder)
    assert catalog.observances["a"].aliases == ("Beta", "Gamma")
    assert [m.observance.id for m in catalog.search.search("gamma")] == ["a"]
