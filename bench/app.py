"""The app as the benchmarks run it: configured from the environment the runner sets
(GOVERN_DATABASE_URL, GOVERN_SECRET_KEY, GOVERN_WARM_UP=0: the yes/no and STV counts never
load pref_voting, so no process pays for it unless a figure needs it)."""
from __future__ import annotations

from govern import create_app


def make_app():
    return create_app()
