"""The kinds that grow the co-op's capital: `acquisition` and `asset_purchase` (the board carries
them out) and `equipment_grant` (applies itself)."""
from __future__ import annotations

from decimal import Decimal

from govern import voting
from govern.acquisitions import service as acquisitions
from govern.companies import service as companies, workers
from govern.companies.models import ACTIVE
from govern.errors import DomainError, Forbidden, ValidationError
from govern.ids import is_id, whole_number
from govern.inventory import service as inventory
from govern.inventory.models import RETURNED, InventoryItem
from govern.ledger.models import CAPITAL_POOL
from govern.ledger.service import Leg, post, region_account
from govern.members import emails, service as members
from govern.members.models import Member
from govern.money import Money, parse_money
from govern.proposals import constitution, kinds

ASSET_KINDS = ("housing", "land", "building", "facility")
MAX_EMPLOYEES = 500


def _text(payload: dict, name: str, max_length: int, fields: dict) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        fields[f"payload.{name}"] = ["is required"]
        return ""
    if len(value.strip()) > max_length:
        fields[f"payload.{name}"] = [f"must be at most {max_length} characters"]
    return value.strip()


def _money(payload: dict, name: str, fields: dict, *, currencies=("RSC", "USD"), allow_zero=False) -> Money | None:
    try:
        return parse_money(payload.get(name), f"payload.{name}", currencies=currencies, allow_zero=allow_zero)
    except ValidationError as error:
        fields.update(error.fields)
        return None


def _raise(fields: dict) -> None:
    if fields:
        raise ValidationError("The payload needs another look.", fields=fields)


# --- acquisition ---------------------------------------------------------------------------

def _clean_employees(raw: object, fields: dict) -> list[dict]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_EMPLOYEES:
        fields["payload.employees"] = [f"must be a list of at most {MAX_EMPLOYEES} employees"]
        return []
    clean = []
    for position, employee in enumerate(raw):
        problems = {}
        if not isinstance(employee, dict):
            fields[f"payload.employees.{position}"] = ["must be an object with name, email, occupation, hourly_wage"]
            continue
        name = _text(employee, "name", 100, problems)
        email = emails.normalize(_text(employee, "email", 254, problems))
        if email and (wrong := emails.problems(email)):
            problems["payload.email"] = wrong
        occupation = _text(employee, "occupation", 30, problems)
        wage = _money(employee, "hourly_wage", problems, currencies=("RSC",))
        manager = employee.get("manager", False)
        if not isinstance(manager, bool):
            problems["payload.manager"] = ["must be true or false"]
        for key, value in problems.items():
            fields[f"payload.employees.{position}.{key.removeprefix('payload.')}"] = value
        if not problems:
            clean.append({"name": name, "email": email, "occupation": occupation, "hourly_wage": wage.to_json(),
                          **({"manager": True} if manager else {})})
    return clean


def _clean_manager(ctx: kinds.Context, payload: dict, employees: list[dict], fields: dict) -> int | None:
    """The company's first admin: a member of the region (`manager_member_id`), or one of the
    employees (`manager: true`), or nobody (the board runs it until its workers elect an admin)."""
    managers = sum(1 for e in employees if e.get("manager"))
    manager_id = payload.get("manager_member_id")
    if manager_id is not None:
        manager_id = manager_id if is_id(manager_id) else whole_number(manager_id)
        member = ctx.session.get(Member, manager_id) if manager_id else None
        if member is None or not member.active or member.region_id != ctx.region_id:
            fields["payload.manager_member_id"] = ["is not an active member of this region"]
        managers += 1
    if managers > 1:
        fields["payload.manager_member_id" if manager_id is not None else "payload.employees"] = [
            "name one manager: a member of the region, or one of the employees"]
    return manager_id


def _clean_acquisition(ctx: kinds.Context, payload: dict) -> dict:
    fields: dict = {}
    business = _text(payload, "business_name", 120, fields)
    seller = _text(payload, "seller", 200, fields)
    industry = _text(payload, "industry", 30, fields)
    price = _money(payload, "price", fields)
    employees = _clean_employees(payload.get("employees"), fields)
    manager_id = _clean_manager(ctx, payload, employees, fields)
    _raise(fields)
    clean = {"business_name": business, "seller": seller, "price": price.to_json(), "industry": industry,
             "employees": employees}
    if manager_id is not None:
        clean["manager_member_id"] = manager_id
    return clean


def _board_rule(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    return voting.VotingRule(method="yes_no", electorate="region")


PURCHASE_FLOOR = constitution.Floor(Decimal("0.5"), "majority", 7)


def _price(proposal) -> Money:
    return parse_money(proposal.payload["price"])


def _apply_acquisition(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    p = proposal.payload
    price = _price(proposal)
    entry = acquisitions.pay_from_pool(ctx.session, proposal.region_id, price, proposal_id=proposal.id, now=ctx.now,
                                       memo=f"Acquisition of {p['business_name']} from {p['seller']}")
    company = companies.create_region_company(ctx.session, proposal.region_id, p["business_name"], p["industry"], ctx.now)
    manager = ctx.session.get(Member, p["manager_member_id"]) if "manager_member_id" in p else None
    if manager is not None and manager.active and manager.region_id == proposal.region_id:
        workers.add_manager(ctx.session, company, manager, ctx.now)  # one who left since: the board runs it
    asset = inventory.add_item(ctx.session, region_id=proposal.region_id, item=f"Business: {p['business_name']}",
                               kind="business", cost_minor=price.minor, currency=price.currency,
                               holder_company_id=company.id, proposal_id=proposal.id, now=ctx.now)
    invitations = acquisitions.invite(ctx.session, company=company, proposal_id=proposal.id, now=ctx.now, employees=[
        acquisitions.Employee(e["name"], e["email"], e["occupation"], parse_money(e["hourly_wage"]).minor,
                              e.get("manager", False))
        for e in p["employees"]])
    return ([kinds.Effect("entry", entry.id), kinds.Effect("company", company.id),
             kinds.Effect("inventory_item", asset.id)] + [kinds.Effect("invitation", i.id) for i in invitations])


def _pool_line(ctx: kinds.Context, price: Money) -> str:
    pool = region_account(ctx.session, ctx.region_id, CAPITAL_POOL)
    can = "can" if pool.balance >= price.minor else "cannot"
    how = " (its RSC redeemed at par, the USD leaving the reserve)" if price.currency == "USD" else ""
    return f"The capital pool pays {price}{how}; it holds {Money(pool.balance, 'RSC')} and {can} pay."


def _preview_acquisition(ctx: kinds.Context, proposal) -> list[str]:
    p = proposal.payload
    emails_shown = members.sees_emails_of_region(ctx.actor, proposal.region_id)
    lines = [_pool_line(ctx, _price(proposal)) + f" Paid to {p['seller']}.",
             f"A region-owned company “{p['business_name']}” ({p['industry']}) is created, its business entered "
             "in the public inventory."]
    manager = ctx.session.get(Member, p["manager_member_id"]) if "manager_member_id" in p else None
    if manager is not None:
        lines.append(f"{manager.name} (member {manager.id}) becomes its first admin, as manager.")
    elif not any(e.get("manager") for e in p["employees"]):
        lines.append("No manager is named: the board runs the company until its workers elect an admin.")
    for e in p["employees"]:
        who = f"{e['name']} <{e['email']}>" if emails_shown else e["name"]
        role = ", and becomes its first admin when they accept" if e.get("manager") else ""
        lines.append(f"{who} is invited to join as {e['occupation']} at {e['hourly_wage']['amount']} RSC an hour, "
                     f"which they keep until a vote raises it{role}.")
    return lines


def _without_emails(payload: dict) -> dict:
    """The employees are not members yet: their emails are for the region's board alone."""
    return {**payload, "employees": [{key: value for key, value in employee.items() if key != "email"}
                                     for employee in payload.get("employees", [])]}


ACQUISITION = kinds.register(kinds.ProposalKind(
    key="acquisition", label="Buy a local business",
    description="The capital pool buys a business; it becomes a region-owned company and its employees are "
                "invited to join at their previous wages. The board carries it out.",
    clean_payload=_clean_acquisition, default_voting=_board_rule, apply=_apply_acquisition,
    floor=PURCHASE_FLOOR, carried_out_by=kinds.BOARD, execution_days=30, preview=_preview_acquisition,
    public_payload=_without_emails,
    form_fields=(
        kinds.PayloadField("business_name", "Business"), kinds.PayloadField("seller", "Seller"),
        kinds.PayloadField("price_amount", "Price"),
        kinds.PayloadField("price_currency", "Currency", "select", choices=(("USD", "USD"), ("RSC", "RSC"))),
        kinds.PayloadField("industry", "Industry"),
        kinds.PayloadField("employees", "Employees", "textarea", required=False,
                           help="One per line: name, email, occupation, hourly wage in RSC, and \"manager\" after "
                                "the one who will run it."),
        kinds.PayloadField("manager_member_id", "Manager (member number)", "integer", required=False,
                           help="A member of the region who runs the company from the start. Name a manager here "
                                "or among the employees, or nobody: then the board runs it until its workers elect "
                                "an admin."),
    ),
    form_to_payload=lambda v: {
        "business_name": v.get("business_name"), "seller": v.get("seller"), "industry": v.get("industry"),
        "price": {"amount": (v.get("price_amount") or "").strip(), "currency": v.get("price_currency")},
        "employees": [_employee_line(line) for line in (v.get("employees") or "").splitlines() if line.strip()],
        **({"manager_member_id": v["manager_member_id"]} if v.get("manager_member_id") not in (None, "") else {}),
    },
))


def _employee_line(line: str) -> dict:
    parts = [part.strip() for part in line.split(",")]
    parts += [""] * (5 - len(parts))
    employee = {"name": parts[0], "email": parts[1], "occupation": parts[2],
                "hourly_wage": {"amount": parts[3], "currency": "RSC"}}
    if parts[4].lower() == "manager":
        employee["manager"] = True
    return employee


# --- asset purchase ------------------------------------------------------------------------

def _clean_asset(ctx: kinds.Context, payload: dict) -> dict:
    fields: dict = {}
    asset = _text(payload, "asset", 200, fields)
    seller = _text(payload, "seller", 200, fields)
    if payload.get("kind") not in ASSET_KINDS:
        fields["payload.kind"] = [f"must be one of {', '.join(ASSET_KINDS)}"]
    price = _money(payload, "price", fields)
    locality = payload.get("locality")
    if locality is not None and (not isinstance(locality, str) or len(locality.strip()) > 100):
        fields["payload.locality"] = ["must be text of at most 100 characters"]
    _raise(fields)
    clean = {"asset": asset, "kind": payload["kind"], "seller": seller, "price": price.to_json()}
    if locality and locality.strip():
        clean["locality"] = locality.strip()
    return clean


def _apply_asset(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    p = proposal.payload
    price = _price(proposal)
    entry = acquisitions.pay_from_pool(ctx.session, proposal.region_id, price, proposal_id=proposal.id, now=ctx.now,
                                       memo=f"Purchase of {p['asset']} from {p['seller']}")
    item = inventory.add_item(ctx.session, region_id=proposal.region_id, item=p["asset"], kind=p["kind"],
                              cost_minor=price.minor, currency=price.currency, holder_company_id=None,
                              proposal_id=proposal.id, now=ctx.now, locality=p.get("locality", ""))
    return [kinds.Effect("entry", entry.id), kinds.Effect("inventory_item", item.id)]


def _preview_asset(ctx: kinds.Context, proposal) -> list[str]:
    p = proposal.payload
    return [_pool_line(ctx, _price(proposal)) + f" Paid to {p['seller']}.",
            f"“{p['asset']}” ({p['kind']}) enters the public inventory, held by the region"
            + (f", in {p['locality']}." if p.get("locality") else ".")]


ASSET_PURCHASE = kinds.register(kinds.ProposalKind(
    key="asset_purchase", label="Buy housing, land, a building or a facility",
    description="The capital pool buys an asset; it enters the region's public inventory. The board carries it out.",
    clean_payload=_clean_asset, default_voting=_board_rule, apply=_apply_asset,
    floor=PURCHASE_FLOOR, carried_out_by=kinds.BOARD, execution_days=30, preview=_preview_asset,
    form_fields=(
        kinds.PayloadField("asset", "Asset"),
        kinds.PayloadField("kind", "Kind", "select", choices=tuple((k, k.capitalize()) for k in ASSET_KINDS)),
        kinds.PayloadField("seller", "Seller"), kinds.PayloadField("price_amount", "Price"),
        kinds.PayloadField("price_currency", "Currency", "select", choices=(("USD", "USD"), ("RSC", "RSC"))),
        kinds.PayloadField("locality", "Locality", required=False,
                           help="The town or county it is in: if the region ever splits, it goes with its locality."),
    ),
    form_to_payload=lambda v: {
        "asset": v.get("asset"), "kind": v.get("kind"), "seller": v.get("seller"),
        "price": {"amount": (v.get("price_amount") or "").strip(), "currency": v.get("price_currency")},
        **({"locality": v["locality"]} if (v.get("locality") or "").strip() else {}),
    },
))


# --- equipment grant -----------------------------------------------------------------------

def _clean_grant(ctx: kinds.Context, payload: dict) -> dict:
    fields: dict = {}
    company = companies.company_in_payload(ctx.session, ctx.region_id, payload.get("company_id"))
    if not companies.is_admin(ctx.session, ctx.actor, company.id):
        raise Forbidden("Only an admin of the company can petition for its equipment.")
    item = _text(payload, "item", 200, fields)
    justification = _text(payload, "justification", 2000, fields)
    item_id = payload.get("item_id")
    cost = _money(payload, "cost", fields, currencies=("RSC",), allow_zero=item_id is not None)
    if item_id is not None:
        row = ctx.session.get(InventoryItem, item_id) if is_id(item_id) else None
        if row is None or row.owner_region_id != ctx.region_id or row.status != RETURNED:
            fields["payload.item_id"] = ["is not a returned item of this region's inventory"]
        elif cost is not None and cost.minor != 0:
            fields["payload.cost"] = ["must be 0.00 for an item the region already owns"]
    _raise(fields)
    clean = {"company_id": company.id, "item": item, "cost": cost.to_json(), "justification": justification}
    if item_id is not None:
        clean["item_id"] = item_id
    return clean


def _grant_rule(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    return voting.VotingRule(method="yes_no", electorate="region")


def _apply_grant(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    p = proposal.payload
    company = companies.get_company(ctx.session, p["company_id"])
    if company.status != ACTIVE:
        raise DomainError(f"{company.name} is bankrupt.", code="company_bankrupt")
    cost = parse_money(p["cost"], allow_zero=True)
    effects = []
    if cost.minor:
        entry = post(ctx.session, [Leg(region_account(ctx.session, proposal.region_id, CAPITAL_POOL), -cost.minor),
                                   Leg(companies.company_account(ctx.session, company.id), cost.minor)],
                     memo=f"Equipment grant to {company.name}: {p['item']}", cause_type="proposal",
                     cause_id=proposal.id, now=ctx.now, region_id=proposal.region_id)
        effects.append(kinds.Effect("entry", entry.id))
    if "item_id" in p:
        item = inventory.grant_existing(ctx.session, p["item_id"], company.id, proposal.id, ctx.now)
    else:
        item = inventory.add_item(ctx.session, region_id=proposal.region_id, item=p["item"], kind="equipment",
                                  cost_minor=cost.minor, currency="RSC", holder_company_id=company.id,
                                  proposal_id=proposal.id, now=ctx.now)
    if cost.minor:  # the cash its outside purchases spend on the item
        inventory.record_grant(ctx.session, proposal_id=proposal.id, company_id=company.id, item=item,
                               cash_minor=cost.minor, now=ctx.now)
    return effects + [kinds.Effect("inventory_item", item.id)]


EQUIPMENT_GRANT = kinds.register(kinds.ProposalKind(
    key="equipment_grant", label="Petition for equipment",
    description="A company asks the region for equipment. If members agree, the capital pool pays the company "
                "and the item stays the region's, held by the company.",
    clean_payload=_clean_grant, default_voting=_grant_rule, apply=_apply_grant,
    floor=constitution.Floor(Decimal("0.1"), "majority", 3),
    form_fields=(
        kinds.PayloadField("company_id", "Company", "company",
                           help="Type part of its name and pick it from the list (or its number)."),
        kinds.PayloadField("item", "Item"),
        kinds.PayloadField("cost_amount", "Cost (RSC)"),
        kinds.PayloadField("justification", "Why the company needs it", "textarea"),
    ),
    form_to_payload=lambda v: {
        "company_id": v.get("company_id"), "item": v.get("item"), "justification": v.get("justification"),
        "cost": {"amount": (v.get("cost_amount") or "").strip(), "currency": "RSC"},
    },
))
