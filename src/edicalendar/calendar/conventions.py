"""Conventions: where communities keep the same festival on different dates, which one to show.

UK Muslims start months by the Saudi (Umm al-Qura) calendar, by local moon sighting or by a
calculation; Sri Lankan and Indian Buddhists keep Vesak on a different full moon from Singapore,
Malaysia or Thailand in some years; Diwali by an Indian almanac can fall a day after a London one;
Bhutan's calendar keeps Losar apart from the Tibetan (Phugpa) one in some years. An organisation
chooses one convention per family in config (`[conventions]`); every occurrence says which it
follows and lists the dates the others give, so nobody is told a day is clear when their
community keeps it. The first convention of each family is the default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum


class Family(StrEnum):
    """A group of observances that one convention choice applies to."""

    ISLAMIC = "islamic"
    VESAK = "vesak"
    DIWALI = "diwali"
    LOSAR = "losar"


@dataclass(frozen=True, slots=True)
class ConventionInfo:
    key: str
    label: str
    description: str


CONVENTIONS: Mapping[Family, tuple[ConventionInfo, ...]] = {
    Family.ISLAMIC: (
        ConventionInfo(
            "umm-al-qura",
            "Umm al-Qura calendar (Saudi Arabia)",
            "The Saudi calendar, which UK mosques that follow Saudi announcements keep.",
        ),
        ConventionInfo(
            "uk-moon-sighting",
            "UK moon sighting (crescent visible from London)",
            "Local sighting in the UK, predicted by Yallop's naked-eye criterion at London.",
        ),
        ConventionInfo(
            "calculated",
            "calculated (ECFR and Fiqh Council of North America)",
            "Set in advance: the Moon 5° high and 8° from the Sun somewhere at sunset on the "
            "new moon's day.",
        ),
    ),
    Family.VESAK: (
        ConventionInfo(
            "uk",
            "full moon in May (UK calendars)",
            "The 15th lunar day in May, as UK calendars and school RE material give it.",
        ),
        ConventionInfo(
            "south-asia",
            "Sri Lanka and India (full moon of Vaishakha)",
            "Vesak Poya in Sri Lanka and Buddha Purnima in India and Nepal.",
        ),
        ConventionInfo(
            "singapore-malaysia",
            "Singapore and Malaysia",
            "Vesak Day as Singapore and Malaysia keep it (15th day of the Chinese fourth month).",
        ),
        ConventionInfo(
            "thailand",
            "Thailand (Visakha Bucha)",
            "The full moon of the sixth Thai lunar month (the seventh in leap-month years).",
        ),
    ),
    Family.DIWALI: (
        ConventionInfo(
            "india",
            "Indian almanac (New Delhi)",
            "The Indian almanac day, which UK mandirs such as Neasden Temple keep.",
        ),
        ConventionInfo(
            "uk-almanac",
            "UK almanac (London sunset)",
            "The same rule with London's sunset and calendar day, as some UK almanacs reckon it.",
        ),
    ),
    Family.LOSAR: (
        ConventionInfo(
            "phugpa",
            "Tibetan (Phugpa) calendar",
            "The calendar of the Men-Tsee-Khang, followed by most Tibetan communities.",
        ),
        ConventionInfo(
            "bhutan",
            "Bhutanese calendar",
            "Bhutan's variant of the Tibetan calendar (dates from the holidays package).",
        ),
    ),
}


def info(family: Family, key: str) -> ConventionInfo:
    for item in CONVENTIONS[family]:
        if item.key == key:
            return item
    raise KeyError(key)


@dataclass(frozen=True, slots=True)
class Conventions:
    """The convention an organisation follows in each family (the defaults unless configured)."""

    islamic: str = "umm-al-qura"
    vesak: str = "uk"
    diwali: str = "india"
    losar: str = "phugpa"

    def chosen(self, family: Family) -> str:
        value: str = getattr(self, family.value)
        return value

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> Conventions:
        """Conventions from config; a ValueError names the bad key or value and the choices."""
        known = {f.name for f in fields(cls)}
        chosen: dict[str, str] = {}
        for name, value in values.items():
            if name not in known:
                raise ValueError(
                    f"unknown convention family {name!r}; use one of: {', '.join(sorted(known))}"
                )
            keys = [c.key for c in CONVENTIONS[Family(name)]]
            if not isinstance(value, str) or value not in keys:
                raise ValueError(
                    f"{name} = {value!r} is not a known convention; use one of: {', '.join(keys)}"
                )
            chosen[name] = value
        return cls(**chosen)


DEFAULT = Conventions()
