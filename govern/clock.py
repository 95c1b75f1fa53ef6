"""The one place that reads the wall clock (services receive `now` from their caller), and
reading a moment sent from outside."""
from datetime import datetime, timezone

from govern.errors import ValidationError


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def parse_time(value: object, field: str) -> datetime | None:
    """An ISO 8601 time with a UTC offset ("Z" accepted), or None when absent; else 400 on `field`."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError.for_field(field, "must be an ISO 8601 time with a UTC offset")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError.for_field(field, "must be an ISO 8601 time with a UTC offset") from None
    if moment.tzinfo is None:
        raise ValidationError.for_field(field, "needs a UTC offset, e.g. 2026-12-01T18:00:00+00:00")
    return moment
