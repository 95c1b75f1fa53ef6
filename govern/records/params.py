"""Reading a records request's query string: the region, paging, and the filters a download must
repeat to show the same rows again."""
from __future__ import annotations

from flask import request

from govern.apiutil import DEFAULT_PAGE, MAX_PAGE
from govern.errors import ValidationError
from govern.ids import whole_number


def optional_id(name: str, problem: str = "must be an id") -> int | None:
    text = request.args.get(name)
    if text is None or text == "":
        return None
    value = whole_number(text)
    if value is None:
        raise ValidationError.for_field(name, problem)
    return value


def id_cursor() -> int | None:
    return optional_id("cursor", "is not a cursor this list gave")


def cursor() -> str | None:
    return request.args.get("cursor") or None


def limit() -> int:
    value = whole_number(request.args.get("limit", str(DEFAULT_PAGE)), MAX_PAGE) or 0
    if not 1 <= value <= MAX_PAGE:
        raise ValidationError.for_field("limit", f"must be a whole number from 1 to {MAX_PAGE}")
    return value


def filters(region_id: int | None, *names: str) -> dict:
    """The query that shows this page again: the region it showed (pinned, so a download taken
    from a default region stays that region's) and whichever of `names` were given."""
    chosen = {"region": region_id} if region_id is not None else {}
    chosen.update({name: request.args[name] for name in names if request.args.get(name)})
    return chosen
