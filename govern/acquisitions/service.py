"""Paying for what members voted to buy, and inviting an acquired business's employees."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern.acquisitions.models import ACCEPTED, PENDING, Invitation
from govern.mail import service as mail
from govern.companies import service as companies
from govern.companies.models import Company
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden, InsufficientFunds, NotFound
from govern.ledger.models import CAPITAL_POOL, EXTERNAL, ISSUANCE, RSC_OUTSIDE, USD_RESERVE, LedgerEntry
from govern.ledger.service import Leg, post, region_account
from govern.members import service as members
from govern.members.models import Member
from govern.money import Money


def payment_legs(session: Session, region_id: int, price: Money) -> list[Leg]:
    """The capital pool pays a seller outside the co-op.

    In USD: the pool's RSC is redeemed at par and the USD leaves the reserve (so the reserve
    still backs every RSC left). In RSC: the RSC goes to the seller, outside the co-op, and stays
    backed by the reserve until they cash it out.
    """
    pool = region_account(session, region_id, CAPITAL_POOL)
    if price.currency == "USD":
        return [Leg(pool, -price.minor), Leg(region_account(session, region_id, ISSUANCE), price.minor),
                Leg(region_account(session, region_id, USD_RESERVE), -price.minor),
                Leg(region_account(session, region_id, EXTERNAL), price.minor)]
    return [Leg(pool, -price.minor), Leg(region_account(session, region_id, RSC_OUTSIDE), price.minor)]


def pay_from_pool(session: Session, region_id: int, price: Money, *, memo: str, proposal_id: int,
                  now: datetime) -> LedgerEntry:
    try:
        return post(session, payment_legs(session, region_id, price), memo=memo, cause_type="proposal",
                    cause_id=proposal_id, now=now, region_id=region_id)
    except InsufficientFunds as short:
        pool = region_account(session, region_id, CAPITAL_POOL)
        raise InsufficientFunds(f"The capital pool cannot pay {price}: it holds {Money(pool.balance, 'RSC')}. "
                                "Nothing was paid.", account_id=short.account_id) from short


@dataclass(frozen=True)
class Employee:
    name: str
    email: str
    occupation: str
    hourly_wage_minor: int


def invite(session: Session, *, company: Company, proposal_id: int, employees: list[Employee],
           now: datetime) -> list[Invitation]:
    rows = [Invitation(token=secrets.token_urlsafe(24), region_id=company.region_id, company_id=company.id,
                       proposal_id=proposal_id, name=e.name, email=e.email, occupation=e.occupation,
                       hourly_wage_minor=e.hourly_wage_minor, status=PENDING, created_at=now) for e in employees]
    session.add_all(rows)
    session.flush()
    for row in rows:  # the board no longer hands the links out by hand
        wage = f"{row.hourly_wage_minor // 100}.{row.hourly_wage_minor % 100:02d} RSC an hour"
        mail.queue(session, region_id=row.region_id, kind=mail.INVITATION, to_address=row.email, now=now,
                   subject=f"{company.name} is now owned by its co-op: you are invited to join",
                   body=mail.body(row.name, f"The members of the co-op voted to buy {company.name}, where you work. "
                                            f"You are invited to join the co-op and keep working there as "
                                            f"{row.occupation.replace('_', ' ')}, at {wage}.",
                                  f"Accept the invitation (the link is yours alone): {mail.SITE}/invitations/{row.token}",
                                  "As a member you own an equal share of the co-op and vote on what it does."),
                   dedupe_key=f"invitation:{row.id}")
    return rows


def invitation_by_token(session: Session, token: str) -> Invitation:
    row = session.execute(select(Invitation).where(Invitation.token == token)).scalar_one_or_none()
    if row is None:
        raise NotFound("This invitation link is not valid.")
    return row


def invitations_of(session: Session, proposal_id: int) -> list[Invitation]:
    return list(session.execute(select(Invitation).where(Invitation.proposal_id == proposal_id)
                                .order_by(Invitation.id)).scalars())


def accept(session: Session, token: str, *, member: Member | None, now: datetime, password: object = None,
           locality: object = "") -> tuple[Invitation, Member]:
    """Accept an invitation: an existing member of the region is linked; anyone else joins the
    region as a new member with the invited name and email. Either way they become a worker of
    the company at the invited wage. An invitation is used once."""
    with write_transaction(session):
        invitation = session.execute(select(Invitation).where(Invitation.token == token).with_for_update()
                                     .execution_options(populate_existing=True)).scalar_one_or_none()
        if invitation is None:
            raise NotFound("This invitation link is not valid.")
        if invitation.status == ACCEPTED:
            raise Conflict("This invitation was already accepted.", code="invitation_used")
        if member is None:
            member = members.join(session, email=invitation.email, name=invitation.name, password=password,
                                  region_id=invitation.region_id, locality=locality, now=now)
        elif not member.active or member.region_id != invitation.region_id:
            raise Forbidden("Only an active member of this region can accept it; log out to join as a new member.")
        company = companies.get_company(session, invitation.company_id)
        companies.add_invited_worker(session, company, member, invitation.occupation,
                                     invitation.hourly_wage_minor, now)
        invitation.status = ACCEPTED
        invitation.member_id = member.id
        invitation.accepted_at = now
    return invitation, member
