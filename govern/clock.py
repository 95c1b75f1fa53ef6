"""The one place that reads the wall clock; services receive `now` from their caller."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
