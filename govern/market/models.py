from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

KINDS = ("service", "product", "job")
ACTIVE = "active"
CLOSED = "closed"
ORDERED = "ordered"
DELIVERED = "delivered"
PENDING = "pending"
ACCEPTED = "accepted"


class Listing(db.Model):
    __tablename__ = "listings"
    __table_args__ = (Index("ix_listings_region_kind", "region_id", "status", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price_minor: Mapped[int] = mapped_column(BigInteger)  # RSC; for a job, the hourly wage
    outside_price_minor: Mapped[int | None] = mapped_column(BigInteger)  # USD, bridge companies
    locality: Mapped[str] = mapped_column(String(100), default="")
    occupation: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Order(db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    paid_by_company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    tax_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    status: Mapped[str] = mapped_column(String(10), default=ORDERED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Application(db.Model):
    __tablename__ = "job_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
