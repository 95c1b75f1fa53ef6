"""The time zones a member may choose for their pages and mails (IANA names; UTC by default)."""
from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

UTC = "UTC"


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """UTC, then the Area/City names, sorted."""
    return (UTC,) + tuple(sorted(z for z in available_timezones()
                                 if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))))


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(time_zones())


def is_time_zone(name: object) -> bool:
    return isinstance(name, str) and name in _known()
