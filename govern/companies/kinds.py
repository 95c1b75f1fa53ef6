"""What companies register with other areas: the `company:<id>` electorate (a company's workers
vote on its own matters) and who may see a company's account."""
from __future__ import annotations

from sqlalchemy import select

from govern.companies.models import OWNER_REGION, Company, Worker
from govern.errors import ValidationError
from govern.ledger import service as ledger
from govern.ledger.models import OWNER_COMPANY
from govern.members.models import MEMBER_ACTIVE, Member
from govern.proposals import electorates


def _workers(session, region_id: int, argument: str | None):
    if not argument or not argument.isdigit():
        raise ValidationError.for_field("voting.electorate", "name the company: company:<id>")
    company = session.get(Company, int(argument))
    if company is None or company.region_id != region_id:
        raise ValidationError.for_field("voting.electorate", "is not a company of this region")
    return (select(Member.id).join(Worker, Worker.member_id == Member.id)
            .where(Worker.company_id == company.id, Member.status == MEMBER_ACTIVE))


def _describe(session, argument: str | None) -> str:
    company = session.get(Company, int(argument)) if argument and argument.isdigit() else None
    return f"the workers of {company.name}" if company else "a company's workers"


electorates.register(electorates.Electorate("company", "The workers of one company", _workers, _describe))


def _company_account_visible(session, account, viewer) -> bool:
    """Region-owned companies' accounts are public records; others are their workers' business."""
    company = session.get(Company, account.owner_id)
    if company is None:
        return False
    if company.owner == OWNER_REGION:
        return True
    return viewer is not None and session.execute(select(Worker.id).where(
        Worker.company_id == company.id, Worker.member_id == viewer.id)).first() is not None


ledger.register_visibility(OWNER_COMPANY, _company_account_visible)
