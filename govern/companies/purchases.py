"""Outside purchases: any company buys from a supplier outside the co-op in USD.

The company's RSC is redeemed at par, the USD leaves the reserve into a payout the board makes to
the supplier from the bank (treasury/suppliers.py), in one entry caused by the purchase. A
purchase may spend an equipment grant the company received: it then names the grant, and the
grant's cash that is not spent yet (`unspent_grants`) is kept out of the surplus sweep and goes
back to the pool if the company closes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from govern.companies.models import OutsidePurchase
from govern.companies.service import company_account, lock_company, require_admin, require_trading
from govern.database import next_id, write_transaction
from govern.errors import InsufficientFunds, ValidationError
from govern.fields import text_field
from govern.ids import is_id
from govern.inventory.models import EquipmentGrant
from govern.ledger import idempotency
from govern.ledger.models import UsdPayout
from govern.ledger.service import post
from govern.members.models import Member
from govern.money import Money, require_positive
from govern.treasury import suppliers

MAX_MEMO = 200


def record_outside_purchase(session: Session, admin: Member, company_id: int, amount: Money | None, *,
                            supplier: object, now: datetime, memo: object = None, pay_to: object = None,
                            grant_proposal_id: object = None, idempotency_key: str | None = None) -> OutsidePurchase:
    """A company admin records a purchase from `supplier` (409 and nothing posted when the company
    holds too little). The same Idempotency-Key with the same request returns the first purchase."""
    if amount is None or amount.currency != "USD":
        raise ValidationError.for_field("amount", "outside purchases are in USD")
    require_positive(amount)
    supplier = text_field(supplier, "supplier", suppliers.MAX_SUPPLIER)
    pay_to = text_field(pay_to, "pay_to", suppliers.MAX_PAY_TO, required=False)
    memo = text_field(memo, "memo", MAX_MEMO, required=False)
    if grant_proposal_id is not None and not is_id(grant_proposal_id):
        raise ValidationError.for_field("grant_proposal_id", "must be the id of an equipment grant")
    scope = f"company:{company_id}:outside_purchase"
    with write_transaction(session):
        company = lock_company(session, company_id)
        require_admin(session, admin, company)
        require_trading(company)
        earlier = idempotency.claim(session, scope, idempotency_key, idempotency.request_fingerprint(
            amount.minor, supplier, pay_to, memo, grant_proposal_id), now)
        if earlier is not None:
            return session.get(OutsidePurchase, earlier)
        if grant_proposal_id is not None:
            grant = session.get(EquipmentGrant, grant_proposal_id)
            if grant is None or grant.company_id != company.id:
                raise ValidationError.for_field("grant_proposal_id", "is not an equipment grant this company received")
        purchase_id = next_id(session, OutsidePurchase)
        what = memo or f"outside purchase from {supplier}"
        account = company_account(session, company.id)
        try:
            entry = post(session, suppliers.payout_legs(session, company.region_id, account, amount.minor),
                         memo=f"{company.name}: {what}", cause_type="outside_purchase", cause_id=purchase_id, now=now,
                         region_id=company.region_id)
        except InsufficientFunds as short:
            raise InsufficientFunds(f"{company.name} cannot pay {amount}: it holds {Money(account.balance, 'RSC')}. "
                                    "Nothing was bought.", account_id=short.account_id) from short
        payout = suppliers.owe(session, region_id=company.region_id, amount_minor=amount.minor, payee=supplier,
                               pay_to=pay_to, memo=f"{company.name}: {what}", company_id=company.id, now=now)
        row = OutsidePurchase(id=purchase_id, region_id=company.region_id, company_id=company.id, supplier=supplier,
                              memo=memo, amount_minor=amount.minor, grant_proposal_id=grant_proposal_id,
                              entry_id=entry.id, payout_id=payout.id, bought_by=admin.id, created_at=now)
        session.add(row)
        session.flush()
        idempotency.remember(session, scope, idempotency_key, row.id)
    return row


def purchases_of(session: Session, company_id: int, *, before: int | None = None,
                 limit: int = 50) -> list[tuple[OutsidePurchase, UsdPayout]]:
    """A company's purchases, newest first, with the payout to the supplier (owed or paid)."""
    query = (select(OutsidePurchase, UsdPayout).join(UsdPayout, UsdPayout.id == OutsidePurchase.payout_id)
             .where(OutsidePurchase.company_id == company_id))
    if before is not None:
        query = query.where(OutsidePurchase.id < before)
    return [tuple(row) for row in session.execute(query.order_by(OutsidePurchase.id.desc()).limit(limit)).all()]


def spent_by_grant():
    """SQL: what the purchases naming each grant spent, by grant (proposal id)."""
    return (select(OutsidePurchase.grant_proposal_id.label("proposal_id"),
                   func.sum(OutsidePurchase.amount_minor).label("spent"))
            .where(OutsidePurchase.grant_proposal_id.is_not(None))
            .group_by(OutsidePurchase.grant_proposal_id).subquery())


def unspent_expression(grant, spent):
    """SQL: a grant's cash not spent yet by purchases naming it (never below zero)."""
    left = grant.cash_minor - func.coalesce(spent.c.spent, 0)
    return case((left > 0, left), else_=0)


def unspent_grants(session: Session, company_id: int) -> int:
    """The grant cash a company received and has not spent on what it was granted for yet."""
    spent = spent_by_grant()
    return int(session.execute(
        select(func.coalesce(func.sum(unspent_expression(EquipmentGrant, spent)), 0))
        .select_from(EquipmentGrant).outerjoin(spent, spent.c.proposal_id == EquipmentGrant.proposal_id)
        .where(EquipmentGrant.company_id == company_id)).scalar_one())


@dataclass(frozen=True)
class GrantSpending:
    grant: EquipmentGrant
    spent: int

    @property
    def unspent(self) -> int:
        return max(self.grant.cash_minor - self.spent, 0)


def grants_of(session: Session, company_id: int, *, limit: int = 50) -> list[GrantSpending]:
    """The equipment grants a company received, newest first, with what its purchases spent."""
    spent = spent_by_grant()
    return [GrantSpending(grant, int(amount or 0)) for grant, amount in session.execute(
        select(EquipmentGrant, spent.c.spent).outerjoin(spent, spent.c.proposal_id == EquipmentGrant.proposal_id)
        .where(EquipmentGrant.company_id == company_id)
        .order_by(EquipmentGrant.proposal_id.desc()).limit(limit)).all()]
