"""Accounts, entries and postings.

Entries and postings are append-only: a mistake is corrected by a reversing entry. The
migrations install database triggers that refuse UPDATE and DELETE on both tables.
`Account.balance` is a cache of the sum of its postings, written only by `ledger.service.post`
and checked against the postings by `ledger.service.verify`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govern.database import UTCDateTime
from govern.extensions import db
from govern.ledger.checks import GENESIS_HASH
from govern.treasury.references import payout_reference

OWNER_MEMBER = "member"
OWNER_COMPANY = "company"
OWNER_REGION = "region"

# Kinds of account a region owns.
CAPITAL_POOL = "capital_pool"   # RSC the co-op owns together
USD_RESERVE = "usd_reserve"     # USD that backs every RSC in circulation
ISSUANCE = "issuance"           # RSC source: minus the RSC outstanding
EXTERNAL = "external"           # the outside world's USD
USD_PAYOUTS = "usd_payouts"     # USD owed to members who converted RSC back, until paid out
RSC_OUTSIDE = "rsc_outside"     # RSC paid to people outside the co-op (a seller paid in RSC); still backed
REGION_ACCOUNT_KINDS = {
    CAPITAL_POOL: ("RSC", False),
    USD_RESERVE: ("USD", False),
    ISSUANCE: ("RSC", True),
    EXTERNAL: ("USD", True),
    USD_PAYOUTS: ("USD", False),
    RSC_OUTSIDE: ("RSC", False),
}
WALLET = "wallet"  # a member's or a company's own RSC account



class Account(db.Model):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("owner_type", "owner_id", "kind", "currency", name="uq_accounts_owner_kind"),
        Index("ix_accounts_region_kind", "region_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def label(self) -> str:
        if self.owner_type == OWNER_REGION:
            return self.kind.replace("_", " ").capitalize()
        return f"{self.owner_type.capitalize()} {self.owner_id} {self.kind}"


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_cause", "cause_type", "cause_id"),)

    # Assigned by `post` (head + 1) so the hash can cover it before the row is written.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    memo: Mapped[str] = mapped_column(Text)
    cause_type: Mapped[str] = mapped_column(String(40))
    cause_id: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    # Loaded only when asked for: a payroll entry may have 100,000 postings. Pages and the API
    # read postings through ledger.service.postings_shown_to / amounts_on_account instead.
    postings: Mapped[list["Posting"]] = relationship(order_by="Posting.id", lazy="raise")


class Posting(db.Model):
    __tablename__ = "postings"
    __table_args__ = (Index("ix_postings_account_entry", "account_id", "entry_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)


class LedgerHead(db.Model):
    """One row: the newest entry and its hash. Locking it serialises appends to the chain."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class IdempotencyRecord(db.Model):
    """A money-moving request already carried out under a caller's Idempotency-Key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_records_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    result_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


CONVERSION_USD_TO_RSC = "usd_to_rsc"
CONVERSION_RSC_TO_USD = "rsc_to_usd"
PAYOUT_OWED = "owed"
PAYOUT_PAID = "paid"


class Conversion(db.Model):
    __tablename__ = "conversions"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    direction: Mapped[str] = mapped_column(String(12))
    debited_minor: Mapped[int] = mapped_column(BigInteger)
    debited_currency: Mapped[str] = mapped_column(String(3))
    credited_minor: Mapped[int] = mapped_column(BigInteger)
    credited_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str] = mapped_column(String(40))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contribution(db.Model):
    """A gift to the capital pool: from a member's balance, a standing share of their pay, or an
    outside contributor's USD. It buys no ownership and no vote. `public`: the giver's name may be
    shown on the capital-pool record."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    external_from: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(10))  # member | payroll | external
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UsdPayout(db.Model):
    """USD the co-op owes a member after an RSC→USD conversion (or a supplier, see `payee`), until the board pays it out from
    the bank (`treasury.service.settle_payouts`) quoting `reference`, and records the bank's own
    reference for the transfer."""

    __tablename__ = "usd_payouts"
    __table_args__ = (Index("ix_usd_payouts_region_status", "region_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    conversion_id: Mapped[int | None] = mapped_column(ForeignKey("conversions.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default=PAYOUT_OWED)
    # A supplier outside the co-op (no member): who, where to pay them, what for, and the company
    # that bought (none: the capital pool paid, for a facility). See treasury/suppliers.py.
    payee: Mapped[str | None] = mapped_column(String(200))
    pay_to: Mapped[str | None] = mapped_column(String(500))
    memo: Mapped[str | None] = mapped_column(String(200))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    bank_reference: Mapped[str | None] = mapped_column(String(100))
    paid_by: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    @property
    def reference(self) -> str:
        """What the bank transfer quotes, so that the statement line can be matched back to it."""
        return payout_reference(self.id)
