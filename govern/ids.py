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


def is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def whole_number(text: object, maximum: int = MAX_ID) -> int | None:
    """'42' -> 42; None for anything that is not plain ASCII digits within range."""
    if not isinstance(text, str) or not _DIGITS.match(text.strip()):
        return None
    value = int(text.strip())
    return value if value <= maximum else None


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in routes, refusing (404) numbers no row can have."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
