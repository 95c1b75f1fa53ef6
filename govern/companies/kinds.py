"""What companies register with other areas: the `company:<id>` electorate (a company's workers
vote on its own matters) and who may see a company's account."""
from __future__ import annotations

from sqlalchemy import and_, select

from govern.companies.models import OWNER_REGION, Company, Worker
from govern.errors import ValidationError
from govern.ids import whole_number
from govern.ledger import service as ledger
from govern.ledger.models import OWNER_COMPANY, Account
from govern.members.models import MEMBER_ACTIVE, Member
from govern.proposals import electorates


def _workers(session, region_id: int, argument: str | None):
    company_id = whole_number(argument)
    if company_id is None:
        raise ValidationError.for_field("voting.electorate", "name the company: company:<id>")
    company = session.get(Company, company_id)
    if company is None or company.region_id != region_id:
        raise ValidationError.for_field("voting.electorate", "is not a company of this region")
    return (select(Member.id).join(Worker, Worker.member_id == Member.id)
            .where(Worker.company_id == company.id, Member.status == MEMBER_ACTIVE))


def _describe(session, argument: str | None) -> str:
    company_id = whole_number(argument)
    company = session.get(Company, company_id) if company_id else None
    return f"the workers of {company.name}" if company else "a company's workers"


electorates.register(electorates.Electorate("company", "The workers of one company", _workers, _describe))


def _company_accounts_visible(viewer):
    """Region-owned companies' accounts are public records; others are their workers' business."""
    public = select(Company.id).where(Company.owner == OWNER_REGION)
    if viewer is not None:
        public = public.union(select(Worker.company_id).where(Worker.member_id == viewer.id))
    return and_(Account.owner_type == OWNER_COMPANY, Account.owner_id.in_(public))


ledger.register_visibility(OWNER_COMPANY, _company_accounts_visible)
