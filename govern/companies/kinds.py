"""What companies register with other areas: the `company:<id>` electorate (a company's workers
vote on its own matters), the `company_admins` kind (they elect and replace their admins), who
may see a company's account, and the region-owned companies' balances among the co-op's assets."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, func, select

from govern import voting
from govern.companies import leaving  # noqa: F401  a sole admin hands over or closes before leaving
from govern.companies import service as companies, workers
from govern.companies.models import ACTIVE, OWNER_REGION, Company, Worker
from govern.errors import Forbidden, ValidationError
from govern.ids import is_id, whole_number
from govern.ledger import service as ledger
from govern.ledger.models import OWNER_COMPANY, WALLET, Account
from govern.members.models import MEMBER_ACTIVE, Member
from govern.proposals import constitution, electorates, kinds
from govern.regions import service as regions


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


def region_company_balances(session, region_id: int) -> int:
    """What the region-owned companies still trading hold, in RSC cents: the members own it."""
    return int(session.execute(
        select(func.coalesce(func.sum(Account.balance), 0)).join(
            Company, and_(Account.owner_type == OWNER_COMPANY, Account.owner_id == Company.id))
        .where(Company.region_id == region_id, Company.owner == OWNER_REGION, Company.status == ACTIVE,
               Account.kind == WALLET, Account.currency == "RSC")).scalar_one())


regions.register_asset(regions.Asset("companies", "Region-owned companies' balances", region_company_balances))


# --- company_admins: the workers elect and replace their admins ------------------------------

def _clean_admins(ctx: kinds.Context, payload: dict) -> dict:
    company = companies.company_in_payload(ctx.session, ctx.region_id, payload.get("company_id"))
    if ctx.actor is None or companies.worker_of(ctx.session, company.id, ctx.actor.id) is None:
        raise Forbidden("Only a worker of the company can propose its admins.")
    admins = payload.get("admins")
    if isinstance(admins, list):
        admins = [a if is_id(a) else whole_number(a) for a in admins]
    try:
        admins = workers.check_admins(ctx.session, company, admins)
    except ValidationError as error:
        raise kinds.payload_error("admins", error.fields["admins"][0]) from None
    return {"company_id": company.id, "admins": admins}


def _admins_rule(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    return voting.VotingRule(method="yes_no", electorate=f"company:{payload['company_id']}")


def _apply_admins(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    company = workers.set_admins(ctx.session, proposal.payload["company_id"], proposal.payload["admins"])
    return [kinds.Effect("company", company.id)]


def _admins_from_form(values: dict) -> dict:
    return {"company_id": values.get("company_id"),
            "admins": [part.strip() for part in (values.get("admins") or "").replace(",", " ").split() if part.strip()]}


COMPANY_ADMINS = kinds.register(kinds.ProposalKind(
    key="company_admins", label="Elect a company's admins",
    description="The workers of a company choose who runs it: if they agree, exactly the members named are its "
                "admins. Until the workers of a region-owned company elect admins, the board runs it.",
    clean_payload=_clean_admins, default_voting=_admins_rule, apply=_apply_admins,
    floor=constitution.Floor(Decimal("0.5"), "majority", 3),
    form_fields=(
        kinds.PayloadField("company_id", "Company number", "integer"),
        kinds.PayloadField("admins", "Admins (member numbers)", help="The company's admins if this passes, "
                                                                    "separated by commas; each must work there."),
    ),
    form_to_payload=_admins_from_form,
))
