"""The app as the benchmarks run it: configured from the environment the runner sets
(GOVERN_DATABASE_URL, GOVERN_SECRET_KEY)."""
from __future__ import annotations

from govern import create_app


def make_app():
    return create_app()
