"""Finding observances by what people type: name, other name, tradition, calendar or category.

A :class:`SearchIndex` is built once per catalog (the catalog never changes, see
:attr:`edicalendar.calendar.catalog.Catalog.search`) and answers in memory. Text is compared
folded (case, accents and punctuation ignored: "Mi'raj" is "miraj", "Baha'i" is "bahai"), word
by word: every word of the query must match a word of one field, exactly, as the start of a
word ("ramad" finds Ramadan as it is typed), or with a typo or two (RapidFuzz's normalised
Indel similarity: "ramdan", "hanuka", "diwalli"). A name or another name counts for more than a
tradition or a category, so "eid" lists the Eids before everything in the Islamic calendar.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from edicalendar.errors import QueryError
from edicalendar.i18n import N_, Message
from edicalendar.model import CATEGORY_LABELS, Observance

#: Longest query accepted, in characters (longer ones are refused, not cut).
MAX_QUERY_CHARS = 100
#: Most words of a query that are compared (the rest are refused with the over-long query).
MAX_QUERY_WORDS = 8
#: Results a search gives by default and at most.
DEFAULT_LIMIT = 20
MAX_LIMIT = 100

#: Similarity (0-100) a word needs to count as the same word with a typo.
TYPO_SCORE = 75.0
#: Words shorter than this must match exactly or as the start of a word: "id" is not "is".
MIN_TYPO_LENGTH = 4
#: How much each field weighs: what it is called counts for more than where it belongs.
FIELD_WEIGHTS = {"name": 1.0, "alias": 1.0, "tradition": 0.8, "calendar": 0.8, "category": 0.8}

#: Words for the people of a tradition, which the data names by the tradition: "jewish" finds
#: what the data calls Judaism.
ADHERENTS = {
    "judaism": ("jewish", "jews"),
    "islam": ("muslim", "muslims", "islamic"),
    "buddhism": ("buddhist", "buddhists"),
    "christianity": ("christian", "christians"),
    "hinduism": ("hindu", "hindus"),
    "sikhism": ("sikh", "sikhs"),
    "jainism": ("jain", "jains"),
    "paganism": ("pagan", "pagans"),
    "humanism": ("humanist", "humanists"),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """`text` for comparing: lower case, no accents, apostrophes dropped, other punctuation
    turned into spaces ("Mi'raj" -> "miraj", "Hijri New-Year" -> "hijri new year")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("'", "").replace("\u2019", "").replace("\u02bc", "")
    return " ".join(_NOT_WORD.sub(" ", plain).replace("_", " ").split())


def clean_query(raw: str) -> str:
    """The query as searched (spaces collapsed), or QueryError saying what to change."""
    if _CONTROL.search(raw):
        raise QueryError(
            Message(N_("q: the search has a control character in it; type plain words"))
        )
    text = " ".join(raw.split())
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            Message(
                N_(
                    "q: the search is %(length)s characters long; use at most %(most)s "
                    "(a name or a few words)"
                ),
                length=len(text),
                most=MAX_QUERY_CHARS,
            )
        )
    if len(fold(text).split()) > MAX_QUERY_WORDS:
        raise QueryError(
            Message(
                N_("q: the search has more than %(most)s words; use fewer"), most=MAX_QUERY_WORDS
            )
        )
    return text


@dataclass(frozen=True, slots=True)
class Match:
    """One observance found, how well (0-100), and the text it was found by."""

    observance: Observance
    score: float
    #: Which field matched: "name", "alias", "tradition", "calendar" or "category".
    field: str
    #: The text of that field as written in the data ("Chanukah", "Islamic").
    text: str


@dataclass(frozen=True, slots=True)
class _Field:
    observance: Observance
    kind: str
    text: str
    words: tuple[str, ...]
    folded: str


class SearchIndex:
    """Every searchable field of a catalog's observances, folded once, with its vocabulary."""

    def __init__(
        self, observances: Iterable[Observance], calendar_titles: Mapping[str, str] = {}
    ) -> None:
        fields: list[_Field] = []
        for obs in observances:
            texts = [("name", obs.name)] + [("alias", a) for a in obs.aliases]
            if obs.tradition:
                texts.append(("tradition", obs.tradition))
            if obs.calendar in calendar_titles:
                texts.append(("calendar", calendar_titles[obs.calendar]))
            texts += [("category", CATEGORY_LABELS[c]) for c in obs.categories]
            for kind, text in texts:
                folded = fold(text)
                words = folded.split()
                if kind in ("tradition", "calendar"):
                    words += [a for w in words for a in ADHERENTS.get(w, ())]
                if words:
                    fields.append(_Field(obs, kind, text, tuple(words), folded))
        self._fields = fields
        #: Every distinct word of every field, for matching query words against once.
        self._vocabulary = sorted({w for f in fields for w in f.words})

    def __len__(self) -> int:
        return len(self._fields)

    def _word_scores(self, word: str) -> Mapping[str, float]:
        """Each vocabulary word `word` may mean, with how well it matches (100 exact)."""
        scores: dict[str, float] = {}
        for candidate in self._vocabulary:
            if candidate == word:
                scores[candidate] = 100.0
            elif candidate.startswith(word) and (len(word) >= 3 or len(candidate) <= 4):
                scores[candidate] = 90.0 + 10.0 * len(word) / len(candidate) - 1.0
        if len(word) >= MIN_TYPO_LENGTH:
            for candidate, score, _ in process.extract(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE, limit=None
            ):
                # People seldom mistype the first letter, and words that differ there are
                # usually other words ("visibility" is not "disability").
                if candidate[0] != word[0]:
                    continue
                # A typo counts for less than the word itself or its beginning.
                scores[candidate] = max(scores.get(candidate, 0.0), score * 0.9)
        return scores

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> list[Match]:
        """The observances matching `query` (already cleaned), best first, at most `limit`."""
        folded = fold(query)
        words = folded.split()
        if not words:
            return []
        per_word = [self._word_scores(w) for w in dict.fromkeys(words)]
        best: dict[str, Match] = {}
        for f in self._fields:
            score = self._field_score(f, folded, per_word)
            if score is None:
                continue
            score = round(score * FIELD_WEIGHTS[f.kind], 1)
            current = best.get(f.observance.id)
            if current is None or score > current.score:
                best[f.observance.id] = Match(f.observance, score, f.kind, f.text)
        ranked = sorted(best.values(), key=lambda m: (-m.score, fold(m.observance.name)))
        return ranked[:limit]

    @staticmethod
    def _field_score(f: _Field, folded: str, per_word: list[Mapping[str, float]]) -> float | None:
        """How well one field matches every query word (their mean), or None if one misses."""
        if folded == f.folded:
            return 100.0
        total = 0.0
        for scores in per_word:
            word_best = max((scores.get(w, 0.0) for w in f.words), default=0.0)
            if word_best == 0.0:
                # The query run together or split differently ("blackhistory"): whole text.
                whole = fuzz.ratio(folded.replace(" ", ""), f.folded.replace(" ", ""))
                return whole * 0.9 if whole >= TYPO_SCORE + 10 else None
            total += word_best
        return total / len(per_word)
