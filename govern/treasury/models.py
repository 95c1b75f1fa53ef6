"""Deposits waiting for the bank, imported bank statements and their lines, the region's bank
details (with their history), and where members want their USD payouts sent.

The USD payouts owed to members are `ledger.models.UsdPayout` rows: the treasury settles them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

# What a deposit is for: a member buying RSC, or a company's outside income.
KIND_CONVERSION = "conversion"
KIND_INCOME = "income"
DEPOSIT_KINDS = (KIND_CONVERSION, KIND_INCOME)

PENDING = "pending"
CONFIRMED = "confirmed"
REJECTED = "rejected"
DEPOSIT_STATUSES = (PENDING, CONFIRMED, REJECTED)

# A statement line: matched to a deposit or a payout, unmatched (the board looks at it), or set
# aside by the board with a note (a bank fee, a refund, a transfer confirmed by hand).
LINE_MATCHED = "matched"
LINE_UNMATCHED = "unmatched"
LINE_DISMISSED = "dismissed"
LINE_STATUSES = (LINE_MATCHED, LINE_UNMATCHED, LINE_DISMISSED)

STATEMENT_FORMATS = ("csv", "ofx")


class Deposit(db.Model):
    """USD somebody says they are paying into the co-op's bank account, quoting `reference`.
    Nothing is issued until the board confirms it; then RSC is issued at `rate`, the exchange rate
    of the day it was claimed."""

    __tablename__ = "deposits"
    __table_args__ = (
        Index("ix_deposits_region_status", "region_id", "status", "id"),
        Index("ix_deposits_member", "member_id", "id"),
        Index("ix_deposits_company", "company_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    kind: Mapped[str] = mapped_column(String(12))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))  # who claimed it
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))  # income: whose
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # USD
    rate: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    bank_reference: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(500))
    credited_minor: Mapped[int | None] = mapped_column(BigInteger)  # RSC issued
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    conversion_id: Mapped[int | None] = mapped_column(ForeignKey("conversions.id"))


class BankStatement(db.Model):
    """One import of a statement of the co-op's bank account, with its closing balance (when the
    statement gives one) and the ledger's figures at the moment of the import."""

    __tablename__ = "bank_statements"
    __table_args__ = (Index("ix_bank_statements_region", "region_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    format: Mapped[str] = mapped_column(String(4))
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[int] = mapped_column(ForeignKey("members.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    line_count: Mapped[int] = mapped_column(Integer)
    new_line_count: Mapped[int] = mapped_column(Integer)
    matched_count: Mapped[int] = mapped_column(Integer)
    statement_date: Mapped[date | None] = mapped_column(Date)
    closing_balance_minor: Mapped[int | None] = mapped_column(BigInteger)
    usd_reserve_minor: Mapped[int] = mapped_column(BigInteger)
    payouts_owed_minor: Mapped[int] = mapped_column(BigInteger)


class StatementLine(db.Model):
    """A line of a statement, remembered by a hash of what the bank says about it, so that the
    same line in a later import (the same statement again, or an overlapping one) is known."""

    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        UniqueConstraint("region_id", "line_hash", name="uq_bank_statement_lines_region_hash"),
        Index("ix_bank_statement_lines_region_status", "region_id", "status", "id"),
        Index("ix_bank_statement_lines_statement", "statement_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"))
    line_hash: Mapped[str] = mapped_column(String(64))
    posted_on: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # USD; credits positive
    reference: Mapped[str] = mapped_column(String(300))
    bank_id: Mapped[str] = mapped_column(String(100), default="")  # the bank's own id (OFX FITID)
    status: Mapped[str] = mapped_column(String(10))
    deposit_id: Mapped[int | None] = mapped_column(ForeignKey("deposits.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("usd_payouts.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BankDetails(db.Model):
    """The co-op's bank account as shown to members who add money: every change is a new row, so
    the board and the members can see when it changed and who changed it."""

    __tablename__ = "region_bank_details"
    __table_args__ = (Index("ix_region_bank_details_region", "region_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    details: Mapped[str] = mapped_column(Text)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PayoutAccount(db.Model):
    """Where a member wants their USD payouts sent (their bank account, as they write it). Only
    they and their region's board see it; the board's payout export carries it to the bank."""

    __tablename__ = "payout_accounts"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    details: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
