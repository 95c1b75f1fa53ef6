"""Ids and whole numbers from the outside world: ASCII digits only, and never past what the
databases store, so a huge or exotic number is a 400 or a 404, not a crash.

Ids are PostgreSQL `integer` columns (32-bit): comparing one with a bigger number fails in the
database ("integer out of range"), so the bound is 2**31 - 1 (ledger entry ids are 64-bit
columns, and far below it)."""
from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"^[0-9]{1,19}$")


def _digits_at_most(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to `limit` (no leading zeros needed)."""
    text = str(limit)
    choices = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        if digit != "0":
            below = "0" if digit == "1" else f"0-{int(digit) - 1}"
            rest = len(text) - i - 1
            if i == 0 and digit == "1":
                continue
            choices.append(text[:i] + f"[{below}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    choices.append(text)
    return "|".join(choices)


# The decimal numbers from 0 to MAX_ID, as a regular expression (no anchors).
ID_DIGITS = _digits_at_most(MAX_ID)


def is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def whole_number(text: object, maximum: int = MAX_ID) -> int | None:
    """'42' -> 42; None for anything that is not plain ASCII digits within range."""
    if not isinstance(text, str) or not _DIGITS.match(text.strip()):
        return None
    value = int(text.strip())
    return value if value <= maximum else None


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in routes, refusing (404) numbers no row can have. The bound is in the pattern
    itself: a number checked only after matching would let werkzeug answer 405 for a path that has
    another method's route (a GET beside the POST), not 404."""

    regex = ID_DIGITS

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
