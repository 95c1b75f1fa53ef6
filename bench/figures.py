"""One measurement of one figure, Conductor's side or the reference's, in a process of its own so
its peak memory is its own: `python -m bench.figures FIGURE SIDE RUN --world PATH --scale NAME`
prints one JSON line. The runner interleaves the two sides' runs and takes medians.

References do the same database work without Conductor: the grouping query alone, the grouping
query plus pref_voting's STV, and the same rows inserted with the DB-API's executemany in one
transaction. Reference inserts are rolled back, so the scratch ledger stays valid for the
figures after them; the commit Conductor pays is therefore not in the reference's time, which
makes every ratio conservative (against Conductor).
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import text

from bench import world as world_module
from bench.scale import SCALES, Scale
from govern.extensions import db

FIGURES: dict[str, dict] = {}


def figure(name: str, side: str):
    def register(function):
        FIGURES.setdefault(name, {})[side] = function
        return function
    return register


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


# --- tallies -----------------------------------------------------------------------------------

def _reopen(proposal_id: int) -> datetime:
    """Put a closed proposal back to open, so each run closes and tallies it from scratch."""
    from govern.proposals.service import get_proposal

    db.session.commit()
    db.session.execute(text("DELETE FROM proposal_effects WHERE proposal_id = :p"), {"p": proposal_id})
    db.session.execute(text(
        "UPDATE proposals SET status = 'open', tally = NULL, outcome = NULL, closed_at = NULL, executed_at = NULL, "
        "execute_by = NULL WHERE id = :p"), {"p": proposal_id})
    db.session.commit()
    return get_proposal(db.session, proposal_id).closes_at + timedelta(seconds=1)


def _close(proposal_id: int, expect: str) -> dict:
    """Close, reopen, and time the second close: a serving process has compiled the close's
    statements long before (the first close of a process pays for that once), and both sides
    then count over cached pages, as the reference does."""
    from govern.proposals.service import close_proposal

    close_proposal(db.session, proposal_id, _reopen(proposal_id))
    after = _reopen(proposal_id)
    _grouped(proposal_id)
    db.session.expire_all()
    proposal = None

    def close():
        nonlocal proposal
        proposal = close_proposal(db.session, proposal_id, after)
    seconds = _timed(close)
    if proposal.status != expect:
        raise SystemExit(f"proposal {proposal_id} closed as {proposal.status}, expected {expect}: {proposal.outcome}")
    return {"seconds": seconds, "detail": {"status": proposal.status, "ballots": proposal.tally.get("direct_weight")}}


def _grouped(proposal_id: int) -> list[tuple[str, int]]:
    return [tuple(row) for row in db.session.execute(text(
        "SELECT choice, count(*) FROM ballots WHERE proposal_id = :p GROUP BY choice"), {"p": proposal_id})]


@figure("tally_yes_no", "conductor")
def close_yes_no(world: dict, scale: Scale, run: int) -> dict:
    return _close(world["yes_no_proposal"], expect="executed")


@figure("tally_yes_no", "reference")
def group_yes_no(world: dict, scale: Scale, run: int) -> dict:
    _reopen(world["yes_no_proposal"])
    _grouped(world["yes_no_proposal"])
    rows = []
    seconds = _timed(lambda: rows.extend(_grouped(world["yes_no_proposal"])))
    return {"seconds": seconds, "detail": {"ballots": sum(count for _, count in rows)}}


@figure("tally_ranked", "conductor")
def close_ranked(world: dict, scale: Scale, run: int) -> dict:
    return _close(world["ranked_proposal"], expect="executed")


@figure("tally_ranked", "reference")
def group_and_count_ranked(world: dict, scale: Scale, run: int) -> dict:
    import random

    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_scottish

    _reopen(world["ranked_proposal"])
    _grouped(world["ranked_proposal"])
    winners = []

    def count():
        rows = _grouped(world["ranked_proposal"])
        rankings = [json.loads(choice) for choice, _ in rows]
        candidates = sorted({c for ranking in rankings for c in ranking})
        profile = ProfileWithTies([{c: rank + 1 for rank, c in enumerate(ranking)} for ranking in rankings],
                                  rcounts=[count for _, count in rows], candidates=candidates)
        winners.extend(stv_scottish(profile, num_seats=world_module.SEATS, rng=random.Random(0)))
    seconds = _timed(count)
    return {"seconds": seconds, "detail": {"winners": sorted(winners)}}


# --- payroll -----------------------------------------------------------------------------------

@figure("payroll", "conductor")
def run_payroll(world: dict, scale: Scale, run: int) -> dict:
    from govern.companies import service as companies
    from govern.companies import payroll

    start, end = world["payroll_periods"][run % len(world["payroll_periods"])]
    now = datetime.fromisoformat(end).replace(tzinfo=timezone.utc) + timedelta(days=1)
    db.session.commit()
    result = []
    seconds = _timed(lambda: result.append(payroll.run_payroll(db.session, None, world["company_id"], start, end, now)))
    run_row = result[0].run
    if not result[0].created:
        raise SystemExit(f"the payroll of {start} had already been run: rebuild the world")
    postings = db.session.execute(text("SELECT count(*) FROM postings WHERE entry_id = :e"),
                                  {"e": run_row.entry_id}).scalar_one()
    payslips = db.session.execute(text("SELECT count(*) FROM payslips WHERE run_id = :r"),
                                  {"r": run_row.id}).scalar_one()
    return {"seconds": seconds, "detail": {"postings": postings, "payslips": payslips}}


@figure("payroll", "reference")
def insert_payroll_rows(world: dict, scale: Scale, run: int) -> dict:
    """The same number of postings and payslips as a run writes, inserted raw, then rolled back."""
    db.session.commit()
    wallets = [row[0] for row in db.session.execute(text(
        "SELECT a.id FROM accounts a JOIN workers w ON w.member_id = a.owner_id "
        "WHERE a.owner_type = 'member' AND a.kind = 'wallet' AND w.company_id = :c ORDER BY a.id"),
        {"c": world["company_id"]})]
    entry_id = db.session.execute(text("SELECT max(id) FROM ledger_entries")).scalar_one()
    member_ids = [row[0] for row in db.session.execute(text(
        "SELECT member_id FROM workers WHERE company_id = :c ORDER BY member_id"), {"c": world["company_id"]})]
    connection = db.session.connection().connection.driver_connection
    marker = "?" if db.engine.dialect.name == "sqlite" else "%s"
    now = datetime(2027, 1, 1)
    postings = [(entry_id, account, "RSC", 100) for account in wallets] + [(entry_id, wallets[0], "RSC", -1)] * 2
    start = time.perf_counter()
    cursor = connection.cursor()
    cursor.execute(f"INSERT INTO payroll_runs (company_id, period_start, period_end, gross_minor, tax_minor, "
                   f"net_minor, converted_usd_minor, tax_rate, created_at) VALUES "
                   f"({', '.join([marker] * 9)}) RETURNING id",
                   (world["company_id"], date(2030, 1, 1), date(2030, 1, 7), 0, 0, 0, 0, "0", now))
    run_id = cursor.fetchone()[0]
    cursor.executemany(f"INSERT INTO postings (entry_id, account_id, currency, amount) VALUES "
                       f"({', '.join([marker] * 4)})", postings)
    cursor.executemany(
        f"INSERT INTO payslips (run_id, member_id, occupation, centihours, rate_minor, gross_minor, tax_minor, "
        f"net_minor, converted_rsc_minor, converted_usd_minor, contributed_minor) VALUES ({', '.join([marker] * 11)})",
        [(run_id, member, "welder", 2000, 2500, 50000, 5000, 45000, 0, 0, 0) for member in member_ids])
    seconds = time.perf_counter() - start
    db.session.rollback()
    return {"seconds": seconds, "detail": {"postings": len(postings), "payslips": len(member_ids)}}


# --- ledger transfers ----------------------------------------------------------------------------

def _transfer_pairs(world: dict, count: int, run: int) -> list[tuple[int, int]]:
    import random

    rng = random.Random(run)
    wallets = world["transfer_wallets"]
    return [tuple(rng.sample(wallets, 2)) for _ in range(count)]


@figure("transfers", "conductor")
def post_transfers(world: dict, scale: Scale, run: int) -> dict:
    """Single transfers through post(), each its own transaction, with every check. The legs carry
    bare account ids, so nothing but post() is timed."""
    from govern.ledger.service import Leg, post

    count = scale.transfers // scale.transfer_batches
    pairs = _transfer_pairs(world, count, run)
    db.session.commit()
    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    start = time.perf_counter()
    for payer, payee in pairs:
        post(db.session, [Leg(SimpleNamespace(id=payer, currency="RSC"), -1),
                          Leg(SimpleNamespace(id=payee, currency="RSC"), 1)],
             memo="Bench transfer", cause_type="transfer", cause_id=None, now=now, region_id=world["region_id"])
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rate": count / seconds, "detail": {"transfers": count}}


@figure("transfers", "reference")
def insert_transfer_rows(world: dict, scale: Scale, run: int) -> dict:
    """The same entries and postings inserted raw in one transaction, then rolled back."""
    count = scale.transfers // scale.transfer_batches
    pairs = _transfer_pairs(world, count, run)
    seconds = _insert_entries_raw(world, "Bench transfer", [[(payer, -1), (payee, 1)] for payer, payee in pairs])
    return {"seconds": seconds, "rate": count / seconds, "detail": {"transfers": count}}


def _insert_entries_raw(world: dict, memo: str, postings_per_entry: list[list[tuple[int, int]]]) -> float:
    """The references of the transfer figures: one raw entry per list of (account, amount) postings,
    inserted through the driver's executemany in one transaction, timed, then rolled back."""
    db.session.commit()
    first = db.session.execute(text("SELECT max(id) FROM ledger_entries")).scalar_one() + 1
    connection = db.session.connection().connection.driver_connection
    marker = "?" if db.engine.dialect.name == "sqlite" else "%s"
    now = datetime(2027, 1, 1)
    entries = [(first + n, world["region_id"], now, memo, "transfer", f"{n:064x}", f"{first + n:064x}",
                f"{first + n:064x}") for n in range(len(postings_per_entry))]
    postings = [(first + n, account, "RSC", amount)
                for n, entry_postings in enumerate(postings_per_entry) for account, amount in entry_postings]
    start = time.perf_counter()
    cursor = connection.cursor()
    cursor.executemany(f"INSERT INTO ledger_entries (id, region_id, created_at, memo, cause_type, fingerprint, "
                       f"prev_hash, hash) VALUES ({', '.join([marker] * 8)})", entries)
    cursor.executemany(f"INSERT INTO postings (entry_id, account_id, currency, amount) VALUES "
                       f"({', '.join([marker] * 4)})", postings)
    seconds = time.perf_counter() - start
    db.session.rollback()
    return seconds


def _batch_payees(world: dict, count: int, run: int) -> list[int]:
    """Wallet ids of the members the batch payer pays (JSON keys: strings)."""
    import random

    wallets = list(world["batch_payees"])
    rng = random.Random(run)
    return [rng.choice(wallets) for _ in range(count)]


@figure("transfer_batches", "conductor")
def post_transfer_batches(world: dict, scale: Scale, run: int) -> dict:
    """The same transfers through POST /api/v1/transfers/batch's service: batches of 1,000
    payments from one member, each batch one checked entry and one transaction."""
    from govern.ledger import transfers
    from govern.members.models import Member
    from govern.money import Money

    count = scale.transfers // scale.transfer_batches
    payees = _batch_payees(world, count, run)
    payer = db.session.get(Member, world["batch_payer_id"])
    member_of = world["batch_payees"]
    batches = [payees[i:i + transfers.MAX_BATCH] for i in range(0, count, transfers.MAX_BATCH)]
    now = datetime(2027, 1, 1, tzinfo=timezone.utc)
    db.session.commit()
    start = time.perf_counter()
    for batch in batches:
        transfers.transfer_batch(db.session, payer, [transfers.Payment(member_of[wallet], Money(1, "RSC"))
                                                     for wallet in batch], now)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rate": count / seconds, "detail": {"transfers": count, "batches": len(batches)}}


@figure("transfer_batches", "reference")
def insert_batch_rows(world: dict, scale: Scale, run: int) -> dict:
    """One raw entry and its postings per 1,000 transfers, inserted in one transaction, rolled back."""
    from govern.ledger.transfers import MAX_BATCH

    count = scale.transfers // scale.transfer_batches
    payees = _batch_payees(world, count, run)
    batches = [payees[i:i + MAX_BATCH] for i in range(0, count, MAX_BATCH)]
    seconds = _insert_entries_raw(world, "Bench batch", [
        [(world["batch_payer_wallet"], -len(batch))] + [(int(payee), 1) for payee in batch] for batch in batches])
    return {"seconds": seconds, "rate": count / seconds, "detail": {"transfers": count}}


# --- records pages -------------------------------------------------------------------------------

def _page_times(app, path: str, requests: int) -> dict:
    client = app.test_client()
    first = client.get(path)
    if first.status_code != 200:
        raise SystemExit(f"GET {path} answered {first.status_code}")
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return {"seconds": statistics.median(times), "detail": {"requests": requests, "max_seconds": max(times),
                                                            "bytes": len(first.data)}}


@figure("records_capital_pool", "conductor")
def capital_pool_page(world: dict, scale: Scale, run: int, app=None) -> dict:
    return _page_times(app, f"/records/capital-pool?region={world['region_id']}", scale.page_requests)


@figure("records_wages", "conductor")
def wages_page(world: dict, scale: Scale, run: int, app=None) -> dict:
    return _page_times(app, f"/records/wages?region={world['region_id']}", scale.page_requests)


@figure("ballot_in_process", "conductor")
def cast_in_process(world: dict, scale: Scale, run: int, app=None) -> dict:
    """The ballot endpoint without HTTP or gunicorn (Flask's test client): what a request costs
    the app itself. Informational; it is what the profile of the HTTP figure looks at."""
    client = app.test_client()
    path = f"/api/v1/proposals/{world['http_proposal']}/ballot"
    tokens = world["tokens"]
    count = max(50, scale.http_voters)
    start = time.perf_counter()
    for n in range(count):
        response = client.put(path, json={"choice": ("yes", "no", "abstain")[n % 3]},
                              headers={"Authorization": f"Bearer {tokens[n % len(tokens)]}"})
        assert response.status_code == 200, response.data
    seconds = time.perf_counter() - start
    return {"seconds": seconds / count, "rate": count / seconds, "detail": {"requests": count}}


# --- the process -----------------------------------------------------------------------------------

def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


NEEDS_APP = {"records_capital_pool", "records_wages", "ballot_in_process"}


def measure(name: str, side: str, run: int, world: dict, scale: Scale, profile: Path | None = None) -> dict:
    """One run; with `profile`, under pyinstrument, its call tree written there as text."""
    from bench.app import make_app

    app = make_app()
    function = FIGURES[name][side]
    kwargs = {"app": app} if name in NEEDS_APP else {}
    profiler = None
    if profile is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
    with app.app_context():
        if profiler:
            profiler.start()
        result = function(world, scale, run, **kwargs)
        if profiler:
            profiler.stop()
            profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        db.session.remove()
    result["peak_mb"] = peak_memory_mb()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("figure", choices=sorted(FIGURES))
    parser.add_argument("side", choices=["conductor", "reference"])
    parser.add_argument("run", type=int)
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--profile", type=Path, default=None, help="write a pyinstrument call tree here")
    args = parser.parse_args(argv)
    result = measure(args.figure, args.side, args.run, world_module.load(args.world), SCALES[args.scale],
                     profile=args.profile)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
