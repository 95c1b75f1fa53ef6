"""Idempotency for requests that move money: the same key and the same request give the first
result again; the same key with another request is a conflict.

`claim` runs inside the caller's write transaction, before anything moves. On PostgreSQL the
insert of the claim waits for any concurrent transaction holding the same key and then sees its
committed record, so 50 requests racing with one key post once.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from govern.errors import IdempotencyConflict, ValidationError
from govern.ledger.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def request_fingerprint(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, separators=(",", ":")).encode()).hexdigest()


def claim(session: Session, scope: str, key: str | None, fingerprint: str, now: datetime) -> int | None:
    """Reserve `key` for this request. Returns the earlier result's id if the request was already
    carried out, or None when the caller should go ahead (and then call `remember`)."""
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError.for_field("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} characters")
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(IdempotencyRecord)
        .values(scope=scope, key=key, fingerprint=fingerprint, created_at=now)
        .on_conflict_do_nothing(index_elements=["scope", "key"])
        .returning(IdempotencyRecord.id)
    ).scalar_one_or_none()
    if inserted is not None:
        return None
    earlier = session.execute(
        select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    ).scalar_one()
    if earlier.fingerprint != fingerprint:
        raise IdempotencyConflict("This Idempotency-Key was already used for a different request.")
    return earlier.result_id


def remember(session: Session, scope: str, key: str | None, result_id: int) -> None:
    if key is None:
        return
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
        .values(result_id=result_id)
    )
