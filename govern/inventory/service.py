"""The inventory register: adding what the region acquires, granting it to companies, taking it
back when a company goes bankrupt. Every change writes an event, so each item has a history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govern.companies import bankruptcy
from govern.companies.models import BANKRUPT, Company
from govern.companies.purchases import spent_by_grant, unspent_expression
from govern.database import write_transaction
from govern.downloads import Figure
from govern.errors import Conflict, NotFound, ValidationError
from govern.fields import contains_pattern
from govern.inventory.models import IN_USE, KINDS, RETIRED, RETURNED, STATUSES, EquipmentGrant, InventoryEvent, InventoryItem
from govern.money import format_minor
from govern.regions import service as regions


def add_item(session: Session, *, region_id: int, item: str, kind: str, cost_minor: int, currency: str,
             holder_company_id: int | None, proposal_id: int | None, now: datetime, locality: str = "") -> InventoryItem:
    """`locality`: where the item is ("" for nowhere in particular); a split that takes that locality
    takes the item (regions/reorganise.py)."""
    if kind not in KINDS:
        raise ValidationError.for_field("kind", f"must be one of {', '.join(KINDS)}")
    with write_transaction(session):
        row = InventoryItem(owner_region_id=region_id, item=item, kind=kind, cost_minor=cost_minor,
                            cost_currency=currency, held_by_company_id=holder_company_id, status=IN_USE,
                            granted_by_proposal_id=proposal_id if holder_company_id else None, created_at=now,
                            locality=(locality or "").strip())
        session.add(row)
        session.flush()
        _event(session, row, "acquired" if holder_company_id is None else "granted", holder_company_id, proposal_id, now)
    return row


def grant_existing(session: Session, item_id: int, company_id: int, proposal_id: int, now: datetime) -> InventoryItem:
    """A returned item goes to a company again (an `equipment_grant` of cost zero)."""
    with write_transaction(session):
        row = session.execute(select(InventoryItem).where(InventoryItem.id == item_id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one_or_none()
        if row is None:
            raise NotFound("No such inventory item.")
        if row.status != RETURNED:
            raise Conflict("Only a returned item can be granted again.", code="item_not_available")
        row.status = IN_USE
        row.held_by_company_id = company_id
        row.granted_by_proposal_id = proposal_id
        _event(session, row, "granted", company_id, proposal_id, now)
    return row


def record_grant(session: Session, *, proposal_id: int, company_id: int, item: InventoryItem, cash_minor: int,
                 now: datetime) -> EquipmentGrant:
    """The cash an equipment grant paid the company for `item`, for its outside purchases to spend."""
    row = EquipmentGrant(proposal_id=proposal_id, company_id=company_id, item_id=item.id, cash_minor=cash_minor,
                         created_at=now)
    session.add(row)
    session.flush()
    return row


def value_of_region_inventory(session: Session, region_id: int) -> int:
    """What the region's inventory is worth to its members, in RSC cents (USD costs at par): every
    item it owns and has not retired, at cost, less the cash its equipment grants paid that was not
    spent on the item (that cash is counted where it is: a region-owned company's balance, or the
    pool once a bankruptcy or a closing returned it). So an item granted with cash counts what its
    holder's outside purchases spent on it, up to its cost."""
    unspent = _unspent_by_item()
    return int(session.execute(
        select(func.coalesce(func.sum(_item_value(unspent)), 0))
        .outerjoin(unspent, unspent.c.item_id == InventoryItem.id)
        .where(InventoryItem.owner_region_id == region_id, InventoryItem.status != RETIRED)).scalar_one())


def _unspent_by_item():
    spent = spent_by_grant()
    return (select(EquipmentGrant.item_id, func.sum(unspent_expression(EquipmentGrant, spent)).label("unspent"))
            .outerjoin(spent, spent.c.proposal_id == EquipmentGrant.proposal_id)
            .group_by(EquipmentGrant.item_id).subquery())


def _item_value(unspent):
    return InventoryItem.cost_minor - func.coalesce(unspent.c.unspent, 0)


def items_with_values(session: Session, region_id: int) -> list:
    """Each item the region owns and has not retired, oldest first, as rows (id, item, kind,
    locality, held_by_company_id, value), its value as `value_of_region_inventory` counts it (the
    values always add up to that sum). Plain rows, not objects: a region may hold thousands."""
    unspent = _unspent_by_item()
    return list(session.execute(
        select(InventoryItem.id, InventoryItem.item, InventoryItem.kind, InventoryItem.locality,
               InventoryItem.held_by_company_id, _item_value(unspent).label("value"))
        .outerjoin(unspent, unspent.c.item_id == InventoryItem.id)
        .where(InventoryItem.owner_region_id == region_id, InventoryItem.status != RETIRED)
        .order_by(InventoryItem.id)).all())


def return_company_items(session: Session, company: Company, now: datetime) -> int:
    """A company that ends (bankrupt or closed) gives back everything it holds of the region's."""
    rows = session.execute(select(InventoryItem).where(
        InventoryItem.held_by_company_id == company.id, InventoryItem.status == IN_USE)).scalars().all()
    why = "went bankrupt" if company.status == BANKRUPT else "closed"
    for row in rows:
        _event(session, row, "returned", company.id, None, now, note=f"{company.name} {why}")
    session.execute(update(InventoryItem).where(
        InventoryItem.held_by_company_id == company.id, InventoryItem.status == IN_USE)
        .values(status=RETURNED, held_by_company_id=None))
    return len(rows)


bankruptcy.on_end(return_company_items)


def _event(session: Session, row: InventoryItem, event: str, company_id: int | None, proposal_id: int | None,
           now: datetime, note: str = "") -> None:
    session.add(InventoryEvent(item_id=row.id, event=event, company_id=company_id, proposal_id=proposal_id,
                               note=note, at=now))


def get_item(session: Session, item_id: int) -> InventoryItem:
    row = session.get(InventoryItem, item_id)
    if row is None:
        raise NotFound("No such inventory item.")
    return row


def history(session: Session, item_id: int) -> list[InventoryEvent]:
    return list(session.execute(select(InventoryEvent).where(InventoryEvent.item_id == item_id)
                                .order_by(InventoryEvent.id)).scalars())


def search(session: Session, *, region_id: int | None = None, kind: str | None = None, status: str | None = None,
           holder: int | None = None, text: str | None = None, before: int | None = None,
           limit: int = 50) -> list[InventoryItem]:
    """Items newest first, of one region or of every region (`region_id=None`), `text` anywhere in
    the item's name; an unknown region or holder has none."""
    fields = {}
    if kind is not None and kind not in KINDS:
        fields["kind"] = [f"must be one of {', '.join(KINDS)}"]
    if status is not None and status not in STATUSES:
        fields["status"] = [f"must be one of {', '.join(STATUSES)}"]
    if fields:
        raise ValidationError("Bad filter.", fields=fields)
    query = select(InventoryItem)
    for column, value in ((InventoryItem.owner_region_id, region_id), (InventoryItem.kind, kind),
                          (InventoryItem.status, status), (InventoryItem.held_by_company_id, holder)):
        if value is not None:
            query = query.where(column == value)
    if text and text.strip():
        query = query.where(func.lower(InventoryItem.item).like(contains_pattern(text), escape="\\"))
    if before is not None:
        query = query.where(InventoryItem.id < before)
    return list(session.execute(query.order_by(InventoryItem.id.desc()).limit(limit)).scalars())


CSV_COLUMNS = ("id", "item", "kind", "cost", "currency", "owner_region_id", "held_by_company_id", "status",
               "granted_by_proposal_id", "created_at")


def csv_rows(rows: list[InventoryItem]) -> list[list]:
    """The register for `downloads.csv_response` (which keeps an item named `=HYPERLINK(…)` text)."""
    return [[r.id, r.item, r.kind, Figure(format_minor(r.cost_minor)), r.cost_currency, r.owner_region_id,
             r.held_by_company_id, r.status, r.granted_by_proposal_id, r.created_at.isoformat()] for r in rows]


regions.register_asset(regions.Asset("inventory", "Inventory at cost", value_of_region_inventory))
