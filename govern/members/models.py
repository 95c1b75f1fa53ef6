from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from govern.access import ROLE_BOARD, ROLE_FORMER_MEMBER, ROLE_MEMBER
from govern.database import UTCDateTime
from govern.extensions import db

MEMBER_ACTIVE = "active"
MEMBER_LEFT = "left"


class Member(UserMixin, db.Model):
    __tablename__ = "members"
    __table_args__ = (
        Index("ix_members_region_status", "region_id", "status"),
        # The board is a handful among up to millions: found without reading the region's members.
        Index("ix_members_region_board", "region_id", "is_board"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    locality: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(10), default=MEMBER_ACTIVE)
    is_board: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rotated on logout so that a session cookie captured earlier stops working.
    session_nonce: Mapped[str] = mapped_column(String(32))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The member's own settings: the time zone their pages show times in, and which mails they get
    # (each kind switchable; with the digest on, they come once a day in one mail).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    mail_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    mail_results: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    mail_deposits: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    mail_payouts: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    mail_digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def active(self) -> bool:
        return self.status == MEMBER_ACTIVE

    @property
    def roles(self) -> list[str]:
        if not self.active:
            return [ROLE_FORMER_MEMBER]
        return [ROLE_MEMBER, ROLE_BOARD] if self.is_board else [ROLE_MEMBER]

    def get_id(self) -> str:  # Flask-Login
        return f"{self.id}:{self.session_nonce}"


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once. Its owner sees
    it listed by label, creation and last use, and may revoke it (the row is deleted)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Written at most once per TOKEN_USE_PRECISION, so reading the API does not turn every request into a write.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    label: Mapped[str] = mapped_column(String(100), default="")
