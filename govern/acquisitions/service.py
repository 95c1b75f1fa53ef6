"""Paying for what members voted to buy, and inviting an acquired business's employees."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern import access
from govern.acquisitions.models import ACCEPTED, OPEN, Invitation
from govern.companies import service as companies, workers
from govern.mail import service as mail
from govern.companies.models import Company
from govern.database import write_transaction
from govern.errors import Conflict, Forbidden, InsufficientFunds, NotFound
from govern.ledger.models import CAPITAL_POOL, EXTERNAL, ISSUANCE, RSC_OUTSIDE, USD_RESERVE, LedgerEntry
from govern.ledger.service import Leg, post, region_account
from govern.members import emails, service as members
from govern.members.models import Member
from govern.money import Money
from govern.proposals.models import Proposal

MAX_EMPLOYEES = 500


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
    manager: bool = False


def invite(session: Session, *, company: Company, proposal_id: int, employees: list[Employee],
           now: datetime) -> list[Invitation]:
    rows = [Invitation(token=secrets.token_urlsafe(24), region_id=company.region_id, company_id=company.id,
                       proposal_id=proposal_id, name=e.name, email=e.email, occupation=e.occupation,
                       hourly_wage_minor=e.hourly_wage_minor, manager=e.manager, status=OPEN, created_at=now)
            for e in employees]
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


def invitations_of(session: Session, proposal_id: int, *, after: int | None = None,
                   limit: int = MAX_EMPLOYEES) -> list[Invitation]:
    query = select(Invitation).where(Invitation.proposal_id == proposal_id)
    if after is not None:
        query = query.where(Invitation.id > after)
    return list(session.execute(query.order_by(Invitation.id).limit(limit)).scalars())


def invitations_for_board(session: Session, board: Member, proposal: Proposal, *, after: int | None = None,
                          limit: int = 50) -> list[Invitation]:
    """An acquisition's invitations with their links and the employees' emails: for the board of the
    proposal's region only (anyone else: 404, as for a private object)."""
    if not access.can(board, "board_actions") or board.region_id != proposal.region_id:
        raise NotFound("No such proposal.")
    if proposal.kind != "acquisition":
        raise NotFound("Only an acquisition has invitations.")
    return invitations_of(session, proposal.id, after=after, limit=limit)


def accept(session: Session, token: str, *, member: Member | None, now: datetime, password: object = None,
           locality: object = "") -> tuple[Invitation, Member]:
    """Accept an invitation: the member of the region whose email it was sent to is linked; anyone
    else joins the region as a new member with the invited name and email. Either way they become a
    worker of the company at the invited wage, which they keep (see companies/rates.py), and its
    first admin if the acquisition named them its manager. An invitation is used once."""
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
        elif emails.normalize(member.email) != emails.normalize(invitation.email):
            raise Forbidden("This invitation was sent to another email address than yours.", code="not_invited")
        company = companies.get_company(session, invitation.company_id)
        workers.add_invited_worker(session, company, member, invitation.occupation, invitation.hourly_wage_minor,
                                   now, admin=invitation.manager and companies.admin_count(session, company.id) == 0)
        invitation.status = ACCEPTED
        invitation.member_id = member.id
        invitation.accepted_at = now
    return invitation, member
