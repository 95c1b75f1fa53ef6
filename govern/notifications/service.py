"""Notifications: written in bulk by jobs, read and dismissed by their member."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govern.database import write_transaction
from govern.notifications.models import Notification


def unread_count(session: Session, member_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Notification)
        .where(Notification.member_id == member_id, Notification.read_at.is_(None))
    ).scalar_one()


def recent(session: Session, member_id: int, *, before: int | None, limit: int) -> list[Notification]:
    query = select(Notification).where(Notification.member_id == member_id)
    if before is not None:
        query = query.where(Notification.id < before)
    return list(session.execute(query.order_by(Notification.id.desc()).limit(limit)).scalars())


def mark_all_read(session: Session, member_id: int, now: datetime) -> None:
    with write_transaction(session):
        session.execute(
            update(Notification).where(Notification.member_id == member_id, Notification.read_at.is_(None))
            .values(read_at=now)
        )
