"""Email addresses as members type them: one normal form (so that a lookalike written with
full-width or other compatibility characters is the same address), and no lookalikes that mix
writing systems.

A mixed-script address ("аlice@example.org" with a Cyrillic "а", "alice@exаmple.org") reads as
another member's, so it is refused. Each part is checked on its own (the local part, and each label
of the domain), so "иван@example.org" (Cyrillic name, Latin domain) is fine. A part may use one
script, plus digits and punctuation (Unicode's Common and Inherited), or one of the combinations
Unicode TS #39 calls "highly restrictive": Latin with Han and Japanese kana, with Han and
Bopomofo, or with Han and Hangul. The script of each character comes from Unicode's Scripts.txt
(as shipped by the `confusable-homoglyphs` package).
"""
from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs import categories

_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NEUTRAL = {"COMMON", "INHERITED"}
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def normalize(email: object) -> str:
    """The form an address is stored, looked up and throttled under."""
    if not isinstance(email, str):
        return ""
    return unicodedata.normalize("NFKC", email).strip().lower()


def scripts_of(text: str) -> set[str]:
    return {categories.alias(ch) for ch in text} - _NEUTRAL


def mixes_scripts(text: str) -> bool:
    scripts = scripts_of(text)
    return len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES)


def problems(email: str) -> list[str]:
    """What is wrong with a normalized address (empty: it will do)."""
    if not _SHAPE.match(email) or not email.isprintable():
        return ["is not a valid email address"]
    local, _, domain = email.rpartition("@")
    if any(mixes_scripts(part) for part in (local, *domain.split("."))):
        return ["mixes letters of different alphabets, so it could pass for another address"]
    return []
