from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from govern.database import UTCDateTime
from govern.extensions import db

IN_USE = "in_use"
RETURNED = "returned"
RETIRED = "retired"
STATUSES = (IN_USE, RETURNED, RETIRED)
KINDS = ("equipment", "housing", "land", "building", "facility", "business")


class InventoryItem(db.Model):
    __tablename__ = "inventory_items"
    __table_args__ = (
        Index("ix_inventory_items_region_status", "owner_region_id", "status", "id"),
        Index("ix_inventory_items_holder", "held_by_company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    item: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    cost_minor: Mapped[int] = mapped_column(BigInteger)
    cost_currency: Mapped[str] = mapped_column(String(3))
    held_by_company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    status: Mapped[str] = mapped_column(String(10), default=IN_USE)
    granted_by_proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Where it is (a building's town): a split that takes this locality takes the item. "": nowhere
    # in particular, and a split divides such items by its share (regions/reorganise.py).
    locality: Mapped[str] = mapped_column(String(100), default="", server_default="")


class InventoryEvent(db.Model):
    """The history of an item: acquired, granted, returned, retired — and why."""

    __tablename__ = "inventory_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inventory_items.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class EquipmentGrant(db.Model):
    """The cash an `equipment_grant` paid a company for an item, so its outside purchases can spend
    it: what is not spent yet is never swept as surplus, returns to the pool if the company closes,
    and is left out of the item's value in the co-op's assets."""

    __tablename__ = "equipment_grants"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inventory_items.id"), index=True)
    cash_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
