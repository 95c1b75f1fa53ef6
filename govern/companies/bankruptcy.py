"""The end of a company: the board declares it bankrupt, or its last worker and admin closes it.

A bankruptcy is one transaction: the last payroll pays the workers' unpaid hours (shared out when
the company cannot pay them in full), whatever the company holds after it returns to the capital
pool, and every area that lent the company something takes it back (`on_end`: the region's
equipment returns to the inventory).
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session

from govern import access
from govern.companies import payroll
from govern.companies.models import ACTIVE, BANKRUPT, Company
from govern.companies.service import company_account, lock_company
from govern.database import write_transaction
from govern.errors import Conflict, NotFound
from govern.ledger.models import CAPITAL_POOL, LedgerEntry
from govern.ledger.service import Leg, post, region_account
from govern.members.models import Member

_END_HOOKS: list[Callable[[Session, Company, datetime], None]] = []


def on_end(hook: Callable[[Session, Company, datetime], None]) -> None:
    """Areas that hold something of a company's, or lent it something, act when it ends (inside
    the same transaction)."""
    if hook not in _END_HOOKS:
        _END_HOOKS.append(hook)


def declare_bankrupt(session: Session, actor: Member, company_id: int, now: datetime) -> Company:
    """The board declares a company bankrupt: it stops paying and trading after its last payroll,
    and what it still holds returns to the capital pool with the equipment."""
    access.require(actor, "board_actions", "Only the board can declare a bankruptcy.")
    with write_transaction(session):
        company = lock_company(session, company_id)
        if company.region_id != actor.region_id:
            raise NotFound("No such company.")
        if company.status == BANKRUPT:
            raise Conflict("This company is already bankrupt.", code="already_bankrupt")
        if company.status != ACTIVE:
            raise Conflict(f"This company is {company.status}.", code=f"company_{company.status}")
        plan = payroll.last_payroll_plan(session, company)
        if plan is not None:
            payroll.pay(session, plan, actor, now)
        company.status = BANKRUPT
        company.bankrupt_at = now
        entry = return_to_pool(session, company, company_account(session, company.id).balance, now,
                               f"{company.name} went bankrupt: what it held returns to the capital pool",
                               cause_type="bankruptcy")
        company.returned_entry_id = entry.id if entry else None
        run_end_hooks(session, company, now)
    return company


def return_to_pool(session: Session, company: Company, amount: int, now: datetime, memo: str, *,
                   cause_type: str) -> LedgerEntry | None:
    """Move `amount` of the company's RSC to the capital pool (nothing when it is zero)."""
    if amount <= 0:
        return None
    return post(session, [Leg(company_account(session, company.id), -amount),
                          Leg(region_account(session, company.region_id, CAPITAL_POOL), amount)],
                memo=memo, cause_type=cause_type, cause_id=company.id, now=now, region_id=company.region_id,
                idempotency_key=f"{cause_type}:{company.id}")


def run_end_hooks(session: Session, company: Company, now: datetime) -> None:
    for hook in _END_HOOKS:
        hook(session, company, now)
