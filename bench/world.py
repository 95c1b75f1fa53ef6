"""Generate the benchmark's world in a scratch database: one region with a million members, two
proposals with a ballot from every one of them, a region-owned company with 100,000 workers and
their hours, a million capital-pool movements, and bearer tokens for the HTTP load.

Everything that Conductor would refuse to do in bulk (a million joins, a million ballots) is
written with the database's own bulk path (COPY on PostgreSQL, executemany on SQLite); the
rest goes through the services, so the rows are the ones Conductor writes. The seed is fixed.
Nothing generated here is committed to the repository.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
import json
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event, select, text

from bench.scale import Scale
from govern.extensions import db

EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)  # a Monday: pay periods are whole weeks
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hiZW5jaA$bench-not-a-real-hash"
OCCUPATIONS = ["welder", "nurse", "teacher", "baker", "carpenter", "driver", "cook", "electrician",
               "gardener", "plumber", "clerk", "mechanic", "painter", "tailor", "farmer", "cleaner"]
CANDIDATES = 5
SEATS = 2
RECORD_AMOUNT = 100  # 1.00 RSC per capital-pool movement


def token_for(member_id: int) -> str:
    return f"bench-token-{member_id}"


def bulk_insert(table: str, columns: list[str], rows, *, chunk: int = 50_000) -> int:
    """Insert many rows the fastest way each database offers, in the current transaction."""
    connection = db.session.connection().connection.driver_connection
    count = 0
    if db.engine.dialect.name == "postgresql":
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_naive_utc(value) for value in row])
                    count += 1
        return count
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cursor = connection.cursor()
    batch = []
    for row in rows:
        batch.append(tuple(_sqlite_value(value) for value in row))
        if len(batch) >= chunk:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    return count


@contextmanager
def transaction():
    """One committed transaction, started clean (a read may have opened one already)."""
    db.session.commit()
    yield
    db.session.commit()


def _naive_utc(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _sqlite_value(value):
    """The text SQLAlchemy itself stores for a UTC datetime on SQLite (naive, with microseconds)."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def build(scale: Scale) -> dict:
    """Build the world in the app's database (schema already migrated); return what the figures need."""
    from govern.members import service as members

    rng = random.Random(scale.seed)
    _bulk_loading_settings()
    region, board, _ = members.ensure_region_with_board(
        db.session, region_name="Bench Co-op", board_email="board@bench.coop", board_password="bench-board-pass",
        board_name="Bench Board", now=EPOCH)
    phases = Phases()
    member_ids = phases.time("members", _members, region.id, scale.members)
    world = {"region_id": region.id, "board_id": board.id, "members": len(member_ids)}
    wallets = phases.time("wallets", _wallets, region.id, member_ids[: max(scale.workers, scale.http_voters, 1000)])
    world["tokens"] = phases.time("tokens", _tokens, member_ids[: scale.http_voters])
    world["yes_no_proposal"] = phases.time("yes/no proposal and ballots", _tallied_proposal, board, "wage_table",
                                           member_ids, rng)
    world["ranked_proposal"] = phases.time("ranked proposal and ballots", _tallied_proposal, board,
                                           "board_election", member_ids, rng)
    world["http_proposal"] = phases.time("open referendum", _open_referendum, board)
    world["pool_entries"] = phases.time("capital-pool movements", _pool_movements, board, wallets,
                                        scale.record_entries, rng)
    world["company_id"], world["payroll_periods"] = phases.time("company, workers, hours", _company, region.id,
                                                                member_ids[: scale.workers], scale, rng)
    world["transfer_wallets"] = wallets[: 1000]
    world.update(phases.time("batch payer", _batch_payer, region.id, member_ids[: 1000], wallets[: 1000], scale))
    phases.time("analyze", _analyze)
    world["phases"] = phases.seconds
    return world


_BULK_LOADING = {
    # A scratch file filled in bulk needs no fsync and wants a big page cache: the default 2 MB
    # makes every index insert into a gigabyte of B-trees a disk read.
    "sqlite": ("PRAGMA synchronous = OFF", "PRAGMA cache_size = -1000000"),
    # The ledger's deferred balance trigger checks each entry at commit: for a million generated
    # entries, minutes of a single COMMIT. The generator hashes and balances every entry as post()
    # would, so it loads as bulk loaders do, without triggers.
    "postgresql": ("SET session_replication_role = replica",),
}


def _bulk_loading_settings() -> None:
    """Settings for this generating process's connections only; the figures run with the app's."""
    statements = _BULK_LOADING[db.engine.dialect.name]

    @event.listens_for(db.engine, "connect")
    def _for_bulk_loading(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()

    db.session.remove()
    db.engine.dispose()  # the connections opened so far go; new ones get the settings above


class Phases:
    """How long each part of the generation took (printed as it goes, kept in the world file)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def time(self, name: str, function, *args):
        start = time.perf_counter()
        result = function(*args)
        self.seconds[name] = round(time.perf_counter() - start, 1)
        print(f"    {name}: {self.seconds[name]} s", file=sys.stderr, flush=True)
        return result


def _members(region_id: int, count: int) -> list[int]:
    def rows():
        for i in range(count):
            yield (region_id, f"m{i}@bench.coop", f"Member {i}", PASSWORD_HASH, "", "active", False,
                   f"{i:032x}"[-32:], EPOCH)
    with transaction():
        bulk_insert("members", ["region_id", "email", "name", "password_hash", "locality", "status", "is_board",
                                "session_nonce", "joined_at"], rows())
    return list(db.session.execute(text(
        "SELECT id FROM members WHERE region_id = :r AND email LIKE 'm%@bench.coop' ORDER BY id"),
        {"r": region_id}).scalars())


def _wallets(region_id: int, member_ids: list[int]) -> list[int]:
    with transaction():
        bulk_insert("accounts", ["region_id", "owner_type", "owner_id", "kind", "currency", "balance",
                                 "allow_negative", "is_open", "created_at"],
                    ((region_id, "member", m, "wallet", "RSC", 0, False, True, EPOCH) for m in member_ids))
    by_member = dict(db.session.execute(text(
        "SELECT owner_id, id FROM accounts WHERE owner_type = 'member' AND kind = 'wallet' AND region_id = :r"),
        {"r": region_id}).all())
    return [by_member[m] for m in member_ids]


def _tokens(member_ids: list[int]) -> list[str]:
    expires = datetime(2100, 1, 1, tzinfo=timezone.utc)
    with transaction():
        bulk_insert("api_tokens", ["member_id", "token_hash", "created_at", "expires_at"],
                    ((m, hashlib.sha256(token_for(m).encode()).hexdigest(), EPOCH, expires) for m in member_ids))
    return [token_for(m) for m in member_ids]


def _create_proposal(board, kind: str, payload: dict, closes_at: datetime, now: datetime = EPOCH):
    from govern.proposals import service as proposals

    return proposals.create_proposal(db.session, board, kind_key=kind, title=f"Bench {kind}", body="",
                                     payload=payload, closes_at=closes_at, now=now, min_voting_seconds=0)


def _tallied_proposal(board, kind: str, member_ids: list[int], rng: random.Random) -> int:
    from govern.proposals import service as proposals

    if kind == "wage_table":
        payload = {"rows": [{"occupation": o, "hourly_wage": {"amount": "25.00", "currency": "RSC"}}
                            for o in OCCUPATIONS[:4]]}
    else:
        payload = {"seats": SEATS, "candidates": member_ids[:CANDIDATES]}
    proposal = _create_proposal(board, kind, payload, EPOCH + timedelta(days=7))
    rule = proposals.rule_of(proposal)
    proposal_id = proposal.id  # read now: nothing may touch the session while the rows stream in
    choices = _choice_pool(rule, rng)
    cast_at = EPOCH + timedelta(hours=1)

    def rows():
        for member_id in member_ids:
            yield (proposal_id, member_id, rng.choice(choices), f"{proposal_id:06d}{member_id:026d}", cast_at)
    with transaction():
        bulk_insert("ballots", ["proposal_id", "member_id", "choice", "receipt", "cast_at"], rows())
    return proposal_id


def _choice_pool(rule, rng: random.Random) -> list[str]:
    """Canonical ballots, repeated so that drawing from the list gives a realistic spread."""
    from govern import voting

    if rule.method == "yes_no":
        return ["yes"] * 11 + ["no"] * 8 + ["abstain"]
    ids = rule.option_ids()
    pool = []
    for _ in range(400):
        ranking = rng.sample(ids, rng.randint(1, len(ids)))
        pool.append(voting.validate_choice(rule, ranking))
    return pool


def _open_referendum(board) -> int:
    """Open now (the HTTP load casts ballots in real time) for the longest time allowed."""
    from govern.clock import utcnow

    now = utcnow()
    return _create_proposal(board, "referendum", {}, now + timedelta(days=300), now=now).id


def _company(region_id: int, worker_ids: list[int], scale: Scale, rng: random.Random) -> tuple[int, list]:
    from govern.companies import service as companies
    from govern.ledger.models import EXTERNAL, ISSUANCE, USD_RESERVE
    from govern.ledger.service import Leg, post, region_account

    company_id = companies.create_region_company(db.session, region_id, "Bench Works", "manufacturing", EPOCH).id
    periods = [(EPOCH.date() + timedelta(days=7 * i), EPOCH.date() + timedelta(days=7 * i + 6))
               for i in range(scale.payroll_runs + 1)]  # one more period for the profile
    with transaction():
        bulk_insert("workers", ["company_id", "member_id", "occupation", "hourly_rate_minor", "productivity",
                                "admin", "hired_at"],
                    ((company_id, m, rng.choice(OCCUPATIONS), rng.randrange(1800, 4000), "0.5", False, EPOCH)
                     for m in worker_ids))
        for start, end in periods:
            bulk_insert("hours_entries", ["company_id", "member_id", "period_start", "period_end", "centihours",
                                          "entered_by", "created_at"],
                        ((company_id, m, start, end, rng.randrange(1000, 4000), m, EPOCH) for m in worker_ids))
    funding = 5_000 * len(worker_ids) * scale.payroll_runs * 100
    with transaction():
        post(db.session, [Leg(region_account(db.session, region_id, EXTERNAL), -funding),
                          Leg(region_account(db.session, region_id, USD_RESERVE), funding),
                          Leg(region_account(db.session, region_id, ISSUANCE), -funding),
                          Leg(companies.company_account(db.session, company_id), funding)],
             memo="Bench: sales income", cause_type="income", cause_id=None, now=EPOCH)
    return company_id, [(start.isoformat(), end.isoformat()) for start, end in periods]


def _batch_payer(region_id: int, member_ids: list[int], wallets: list[int], scale: Scale) -> dict:
    """The member who pays the transfer batches, funded for every run, and the members they pay."""
    from govern.ledger.models import EXTERNAL, ISSUANCE, USD_RESERVE
    from govern.ledger.service import AccountRef, Leg, post, region_account

    funding = scale.transfers * 10
    with transaction():
        post(db.session, [Leg(region_account(db.session, region_id, EXTERNAL), -funding),
                          Leg(region_account(db.session, region_id, USD_RESERVE), funding),
                          Leg(region_account(db.session, region_id, ISSUANCE), -funding),
                          Leg(AccountRef(wallets[0], "RSC"), funding)],
             memo="Bench: the batch payer's deposit", cause_type="deposit", cause_id=None, now=EPOCH)
    return {"batch_payer_id": member_ids[0], "batch_payer_wallet": wallets[0],
            "batch_payees": dict(zip(wallets[1:], member_ids[1:]))}


def _pool_movements(board, wallets: list[int], count: int, rng: random.Random) -> int:
    """A capital pool funded once by an outside contribution (through the service), then `count`
    grants of 1.00 RSC to members, spread over two years, chained and hashed exactly as post()
    would, then balances settled."""
    from govern.ledger import checks, contributions
    from govern.ledger.models import CAPITAL_POOL, LedgerHead
    from govern.ledger.service import region_account
    from govern.money import Money

    region_id = board.region_id
    start = EPOCH - timedelta(days=730)
    contributions.record_external(db.session, board, Money(RECORD_AMOUNT * count * 2, "USD"), "Bench",
                                  public=True, now=start - timedelta(days=1))
    pool_id = region_account(db.session, region_id, CAPITAL_POOL).id
    head = db.session.execute(select(LedgerHead)).scalar_one()
    prev_hash, first_id = head.hash, head.entry_id + 1
    step = timedelta(days=730) / max(count, 1)
    entries, postings = [], []
    for n in range(count):
        entry_id = first_id + n
        created = start + step * n
        wallet = wallets[n % len(wallets)]  # round robin: every wallet holds something to transfer
        lines = [checks.PostingLine(pool_id, "RSC", -RECORD_AMOUNT), checks.PostingLine(wallet, "RSC", RECORD_AMOUNT)]
        memo = "Grant to a member"
        entry_hash = checks.entry_hash(prev_hash, entry_id, created, memo, "grant", None, None, lines)
        entries.append((entry_id, region_id, created, memo, "grant", None, None,
                        checks.fingerprint(memo, "grant", None, lines), prev_hash, entry_hash))
        postings.append((entry_id, pool_id, "RSC", -RECORD_AMOUNT))
        postings.append((entry_id, wallet, "RSC", RECORD_AMOUNT))
        prev_hash = entry_hash
    with transaction():
        bulk_insert("ledger_entries", ["id", "region_id", "created_at", "memo", "cause_type", "cause_id",
                                       "idempotency_key", "fingerprint", "prev_hash", "hash"], iter(entries))
        bulk_insert("postings", ["entry_id", "account_id", "currency", "amount"], iter(postings))
        _settle_balances(postings)
        db.session.execute(text("UPDATE ledger_head SET entry_id = :e, hash = :h"),
                           {"e": first_id + count - 1, "h": prev_hash})
    return count


def _settle_balances(postings: list[tuple]) -> None:
    """Each account's cached balance plus what the generated postings moved."""
    moved: dict[int, int] = {}
    for _, account_id, _, amount in postings:
        moved[account_id] = moved.get(account_id, 0) + amount
    db.session.execute(text("UPDATE accounts SET balance = balance + :delta WHERE id = :id"),
                       [{"id": account_id, "delta": delta} for account_id, delta in moved.items()])


def _analyze() -> None:
    """Fresh statistics, as a database that grew to this size over years would have (SQLite:
    sampled, as PostgreSQL does, rather than reading every index in full)."""
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            connection.execute(text("PRAGMA analysis_limit = 1000"))
        connection.execute(text("ANALYZE"))
        connection.commit()


def save(world: dict, path: Path) -> None:
    path.write_text(json.dumps(world, indent=1))


def load(path: Path) -> dict:
    return json.loads(path.read_text())
