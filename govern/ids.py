"""Ids and whole numbers from the outside world: ASCII digits only, and never past what the
databases store (a 64-bit integer), so a huge or exotic number is a 400, not a crash."""
from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1
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
