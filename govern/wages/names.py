"""Occupation and industry names: one canonical spelling per name, so a wage row, a worker's
occupation and a parameter such as `occupation.machine_operator.skill` all agree.

A name is typed as words of letters, digits, hyphens and spaces ("Machine operator"); it is
kept lower-case with each run of spaces (or underscores) turned into one "_"
("machine_operator"), so the canonical name can be typed again and stays the same. It is at
most 30 characters: the longest parameter name it makes, `occupation.<name>.productivity_range`,
must fit the 60 characters regions record a parameter name in. The label shown to people is
the first spelling, with underscores as spaces and a capital first letter ("Machine operator").
"""
from __future__ import annotations

import re

from govern.errors import ValidationError

NAME_MAX = 30
# /wages/calculator is a page of its own, so no occupation can be called that.
RESERVED = frozenset({"calculator"})
_ALLOWED = re.compile(r"[\w\- ]+")  # letters of any script, digits, "_", "-" and spaces


def normalise(text: object, field: str) -> str:
    """'Machine  Operator' -> 'machine_operator'; ValidationError on `field` otherwise."""
    if not isinstance(text, str) or not _ALLOWED.fullmatch(text.strip() or "-"):
        raise ValidationError.for_field(field, "must be letters, digits, hyphens and spaces")
    name = "_".join(text.lower().replace("_", " ").split())
    if not any(ch.isalnum() for ch in name):
        raise ValidationError.for_field(field, "must contain a letter or a digit")
    if len(name) > NAME_MAX:
        raise ValidationError.for_field(field, f"must be at most {NAME_MAX} characters")
    if name in RESERVED:
        raise ValidationError.for_field(field, f"{name!r} is reserved; choose another name")
    return name


def optional(text: object, field: str) -> str | None:
    """An optional name (an industry): absent, null or blank means none."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    return normalise(text, field)


def label(text: str) -> str:
    words = " ".join(text.replace("_", " ").split())
    return words[:1].upper() + words[1:]
