"""How big the generated world is and how often each figure is measured."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    members: int            # the region's members; every one votes on both tallied proposals
    workers: int            # paid by one payroll run
    payroll_runs: int       # a run per pay period, each measured once
    record_entries: int     # capital-pool movements behind the records pages
    transfers: int          # single transfers through post(), in `transfer_batches` timed batches
    transfer_batches: int
    tally_runs: int         # closes of each tallied proposal (reopened in between)
    http_seconds: float     # load per HTTP measurement
    http_runs: int
    http_connections: int
    http_voters: int        # members holding a token for the ballot load
    page_requests: int      # GETs of each records page
    seed: int = 20261126

    def to_json(self) -> dict:
        return asdict(self)


FULL = Scale(
    name="full", members=1_000_000, workers=100_000, payroll_runs=3, record_entries=1_000_000,
    transfers=100_000, transfer_batches=5, tally_runs=3, http_seconds=8.0, http_runs=3,
    http_connections=8, http_voters=2_000, page_requests=15,
)

# The same figures in minutes: a region of 200,000 members (issue 25 measured its misses at this size).
MID = Scale(
    name="mid", members=200_000, workers=20_000, payroll_runs=3, record_entries=200_000,
    transfers=20_000, transfer_batches=5, tally_runs=3, http_seconds=5.0, http_runs=3,
    http_connections=8, http_voters=1_000, page_requests=10,
)

SMOKE = Scale(
    name="smoke", members=1_500, workers=200, payroll_runs=1, record_entries=2_000,
    transfers=200, transfer_batches=2, tally_runs=1, http_seconds=0.5, http_runs=1,
    http_connections=2, http_voters=50, page_requests=2,
)

SCALES = {scale.name: scale for scale in (FULL, MID, SMOKE)}
