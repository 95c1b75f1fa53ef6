"""Co-op-owned companies for tests: a business the members voted to buy and two board members
carried out, through the same services as in life (the vote, the close, the confirmations)."""
from __future__ import annotations

from datetime import datetime, timedelta

from govern.acquisitions import service as acquisitions
from govern.companies.models import Company
from govern.proposals import service as proposals
from tests.funding import fill_pool

WELDER = {"name": "Wes Welder", "email": "wes@example.org", "occupation": "welder",
          "hourly_wage": {"amount": "22.00", "currency": "RSC"}}
FORGE = {"business_name": "Town Forge", "seller": "Old Smith", "price": {"amount": "100.00", "currency": "RSC"},
         "industry": "metalwork", "employees": [WELDER]}


def acquire(session, author, board: list, now: datetime, payload: dict | None = None, *,
            pool_usd_minor: int = 100_000) -> tuple[object, Company]:
    """Fill the pool, vote the acquisition through (everyone named votes yes), close it and have the
    board carry it out. Returns the proposal and the new region-owned company."""
    fill_pool(session, author.region_id, author, pool_usd_minor, now)
    proposal = proposals.create_proposal(
        session, author, kind_key="acquisition", title="Buy the forge", body="", payload=payload or FORGE,
        closes_at=now + timedelta(days=2), now=now, min_voting_seconds=1, voting_request=None)
    for voter in (author, *board):
        proposals.cast_ballot(session, voter, proposal.id, "yes", now)
    proposals.close_proposal(session, proposal.id, now + timedelta(days=3))
    for person in board:
        proposals.confirm_execution(session, person, proposal.id, now + timedelta(days=3))
    company_id = next(int(e.ref_id) for e in proposals.effects_of(session, proposal.id) if e.type == "company")
    return proposal, session.get(Company, company_id)


def invitation_for(session, proposal_id: int, email: str):
    return next(i for i in acquisitions.invitations_of(session, proposal_id) if i.email == email)
