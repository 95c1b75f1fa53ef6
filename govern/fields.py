"""Checking a text field of a request, the same way everywhere: what services say about a name, a
memo or a supplier that is missing, not text, or too long (400 on the field)."""
from __future__ import annotations

from govern.errors import ValidationError


def text_field(value: object, field: str, max_length: int, *, required: bool = True) -> str:
    """The text without surrounding spaces; "" for an optional field left out or blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError.for_field(field, "is required")
        return ""
    if not isinstance(value, str):
        raise ValidationError.for_field(field, "must be text")
    if len(value.strip()) > max_length:
        raise ValidationError.for_field(field, f"must be at most {max_length} characters")
    return value.strip()


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character `\\`) that finds `text` anywhere in a lower-cased column: its
    own `%`, `_` and `\\` are matched as themselves."""
    return "%" + text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
