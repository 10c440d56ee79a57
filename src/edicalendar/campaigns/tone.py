"""Celebratory wording on a solemn day: the words `check` warns about, and the check itself.

A short, fixed list of words and emoji that read as celebration ("Happy Holocaust Memorial Day",
"Celebrating Srebrenica Memorial Day 🎉"), matched as whole words without regard to case. It is
a prompt for a person to reread the title, not a judgement: the warning quotes the observance's
own tone guidance. The list is documented in docs/campaigns.md; keep the two in step.
"""

from __future__ import annotations

import re

#: Words that read as celebration, matched as whole words (any case).
CELEBRATORY_WORDS = (
    "happy",
    "celebrate",
    "celebrates",
    "celebrated",
    "celebrating",
    "celebration",
    "celebrations",
    "celebratory",
    "festive",
    "festivities",
    "party",
    "parties",
    "congratulations",
    "congrats",
    "cheers",
    "hooray",
    "hurray",
    "yay",
    "woohoo",
    "joyful",
    "jubilant",
)
#: Emoji that read as celebration.
CELEBRATORY_EMOJI = ("🎉", "🎊", "🥳", "🎈", "🍾", "🥂", "🎂")

_WORDS = re.compile(r"\b(" + "|".join(CELEBRATORY_WORDS) + r")\b", re.IGNORECASE)


def celebratory_words(text: str) -> list[str]:
    """The celebratory words and emoji in `text`, in order, as written there."""
    found = [m.group(0) for m in _WORDS.finditer(text)]
    found += [e for e in CELEBRATORY_EMOJI if e in text]
    return found
