"""The `parameter` kind: members set a region parameter (a tax rate, the exchange rate, an
occupation's skill factor …) by the median of their ballots, within bounds the proposal states;
the bounds must hold the current value, so keeping it is always a choice.

A floor of the constitution (`quorum.<kind>`, `threshold.<kind>`, `min_voting_days.<kind>`)
changes differently: the payload names the new `value`, members vote yes or no, and the proposal
must meet the floor of `constitution` as well as the parameter kind's own (entrenchment).

Also `split` and `dissolution`."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from govern import voting
from govern.errors import ValidationError
from govern.proposals import constitution, kinds
from govern.ids import whole_number
from govern.members import service as members_service
from govern.members.models import MEMBER_ACTIVE, Member
from govern.money import parse_decimal
from govern.regions import founding, parameters, reorganise, service as regions
from govern.regions.models import RegionSplit

PLAN_ROWS_SHOWN = 200  # items and units listed on a split's page (the totals count them all)


OTHER = "other"  # the form's choice for a family parameter whose name is typed in


def _clean(ctx: kinds.Context, payload: dict) -> dict:
    try:
        name = regions.check_parameter_name(ctx.session, ctx.region_id, payload.get("name"))
    except ValidationError as error:
        raise kinds.payload_error("name", error.fields["name"][0]) from None
    if constitution.is_floor_parameter(name):
        return _clean_floor_change(ctx, name, payload)
    spec = parameters.spec(name)
    fields: dict[str, list[str]] = {}
    bounds = {}
    for key in ("min", "max"):
        try:
            bounds[key] = spec.validate(payload.get(key), f"payload.{key}")
        except ValidationError as error:
            fields.update(error.fields)
    if not fields and Decimal(bounds["min"]) > Decimal(bounds["max"]):
        fields["payload.max"] = ["must not be below the lowest value"]
    if fields:
        raise ValidationError("The payload needs another look.", fields=fields)
    current = regions.parameter(ctx.session, ctx.region_id, name)
    kinds.require_status_quo(current, Decimal(bounds["min"]), Decimal(bounds["max"]), parameters.format_value(current))
    return {"name": name, "min": bounds["min"], "max": bounds["max"]}


def _clean_floor_change(ctx: kinds.Context, name: str, payload: dict) -> dict:
    """A floor changes by a yes/no vote on one new value ("no" keeps the current one)."""
    if "min" in payload or "max" in payload:
        raise kinds.payload_error("value", "a floor changes by a yes/no vote on one value: give value, not min and max")
    value = parameters.spec(name).validate(payload.get("value"), "payload.value")
    if value == regions.all_parameters(ctx.session, ctx.region_id)[name]:
        raise kinds.payload_error("value", f"is already the value of {name}")
    return {"name": name, "value": value}


def _is_floor_change(payload: dict) -> bool:
    return "value" in payload


def _default_voting(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    if _is_floor_change(payload):
        return voting.VotingRule(method="yes_no", electorate="region")
    return voting.VotingRule(method="median", electorate="region", whole_numbers=parameters.spec(payload["name"]).integer,
                             minimum=Decimal(payload["min"]), maximum=Decimal(payload["max"]))


def _apply(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    payload = proposal.payload
    value = payload["value"] if _is_floor_change(payload) else str(outcome.value)
    change = regions.set_parameter(ctx.session, proposal.region_id, payload["name"], value,
                                   cause_type="proposal", cause_id=proposal.id, now=ctx.now)
    return [kinds.Effect("parameter", change.id)]


def _floor_keys(payload: dict) -> tuple[str, ...]:
    """Changing a floor must meet the constitution's floor as well as the kind's own."""
    return ("parameter", constitution.CONSTITUTION) if _is_floor_change(payload) else ("parameter",)


def _form_to_payload(values: dict) -> dict:
    name = values.get("name")
    if name == OTHER:
        name = (values.get("other") or "").strip()
    given = {key: values.get(key) for key in ("min", "max", "value") if (values.get(key) or "").strip()}
    return {"name": name, **given}


def _parameter_choices() -> tuple[tuple[str, str], ...]:
    """The region's parameters, then the floors (the list grows as kinds register)."""
    everyday = tuple((name, spec.label) for name, spec in parameters.in_section("").items())
    floors = tuple((name, spec.label) for name, spec in parameters.in_section(constitution.CONSTITUTION).items())
    return (*everyday, *floors, (OTHER, "Another parameter (write its name below)"))


PARAMETER = kinds.register(kinds.ProposalKind(
    key="parameter",
    label="Change a region parameter",
    description="Set a parameter such as the income tax rate or the exchange rate. Each member votes "
                "a value within the bounds, which must include the current value; the median wins. "
                "A floor of the constitution changes by a yes/no vote on its new value.",
    clean_payload=_clean,
    default_voting=_default_voting,
    apply=_apply,
    floor=constitution.Floor(Decimal("0.2"), "majority", 3),
    method="median",
    floor_keys=_floor_keys,
    other_floors=(("To change a floor (quorum.*, threshold.*, min_voting_days.*), a yes/no vote on its new value",
                   constitution.CONSTITUTION),),
    form_fields=(
        kinds.PayloadField("name", "Parameter", "select", choices=_parameter_choices),
        kinds.PayloadField("other", "Other parameter's name", "text", required=False,
                           help="For example occupation.welder.skill: see the wage calculator for the names."),
        kinds.PayloadField("min", "Lowest value members may vote", "decimal", required=False,
                           help="The range must include the current value."),
        kinds.PayloadField("max", "Highest value members may vote", "decimal", required=False),
        kinds.PayloadField("value", "New value of a floor", required=False,
                           help="Only for a floor (quorum.*, threshold.*, min_voting_days.*), instead of the "
                                "lowest and highest values: members vote yes or no on it."),
    ),
    form_to_payload=_form_to_payload,
))


# --- split and dissolution -----------------------------------------------------------------

def _clean_split(ctx: kinds.Context, payload: dict) -> dict:
    fields: dict[str, list[str]] = {}
    name = ""
    try:
        name = founding.check_new_name(ctx.session, payload.get("new_region_name"))
    except ValidationError as error:
        fields["payload.new_region_name"] = error.fields["name"]
    try:
        localities = reorganise.normalise_localities(payload.get("localities"))
    except ValidationError as error:
        fields.update(error.fields)
        localities = []
    empty = [place for place in localities if not ctx.session.execute(
        reorganise.members_of_localities(ctx.region_id, [place]).limit(1)).first()]
    if empty:
        fields["payload.localities"] = [f"no member lives in {', '.join(empty)}"]
    share = payload.get("asset_share")
    if share is not None:
        try:
            value = parse_decimal(share, "payload.asset_share")
            if not Decimal(0) < value < Decimal(1):
                fields["payload.asset_share"] = ["must be between 0 and 1, both excluded"]
        except ValidationError as error:
            fields.update(error.fields)
    board = []
    if "payload.localities" not in fields:
        try:
            board = reorganise.check_provisional_board(ctx.session, ctx.region_id, localities,
                                                       payload.get("provisional_board"))
        except ValidationError as error:
            fields.update(error.fields)
    if fields:
        raise ValidationError("The split needs another look.", fields=fields)
    clean = {"new_region_name": name, "localities": localities}
    if share is not None:
        clean["asset_share"] = share.strip()
    if board:
        clean["provisional_board"] = board
    return clean


def _apply_split(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    p = proposal.payload
    share = Decimal(p["asset_share"]) if "asset_share" in p else None
    record, entry = reorganise.split(ctx.session, proposal.region_id, name=p["new_region_name"],
                                     localities=p["localities"], share=share, proposal_id=proposal.id, now=ctx.now,
                                     provisional_board=p.get("provisional_board"))
    return [kinds.Effect("region", record.child_id)] + ([kinds.Effect("entry", entry.id)] if entry else [])


def _split_panel(ctx: kinds.Context, proposal) -> tuple[str, dict] | None:
    """Who gets what: while the proposal is open, the plan as the region stands now (the function
    the split runs when it executes); once carried out, what it did."""
    p = proposal.payload
    if proposal.status == "executed":
        record = ctx.session.execute(select(RegionSplit).where(RegionSplit.proposal_id == proposal.id)).scalar_one_or_none()
        if record is None:
            return None
        return "regions/_split_plan.html", {"record": record, "child": regions.get_region(ctx.session, record.child_id)}
    if proposal.status not in ("open", "passed"):
        return None
    share = Decimal(p["asset_share"]) if "asset_share" in p else None
    try:
        plan = reorganise.plan_split(ctx.session, proposal.region_id, p["localities"], share)
    except ValidationError as error:
        return "regions/_split_plan.html", {"problem": error.fields.get("payload.localities", [error.message])[0]}
    board = members_service.names_of(ctx.session, p.get("provisional_board", []))
    return "regions/_split_plan.html", {"plan": plan, "new_name": p["new_region_name"],
                                        "board": [(member_id, board.get(member_id, "")) for member_id
                                                  in p.get("provisional_board", [])],
                                        "shown": PLAN_ROWS_SHOWN}


def _split_notes(ctx: kinds.Context) -> list[str]:
    """Where the board lives: members who move to the new region leave the board, and the new region
    starts with none, so a split can leave either side without one."""
    rows = ctx.session.execute(
        select(Member.locality, func.count()).where(Member.region_id == ctx.region_id, Member.status == MEMBER_ACTIVE,
                                                    Member.is_board.is_(True))
        .group_by(Member.locality).order_by(Member.locality)).all()
    notes = ["Name a provisional board for the new region: members who move there, in office until its first "
             "board election. Without one, the new region starts with no board and its members elect one. Board "
             "members who move with their locality leave this region's board.",
             "The new region gets this region's parameters, constitution, occupations, industries and wage table. "
             "Its inventory and units are divided as the proposal's page shows before anyone votes: what is in a "
             "locality that goes, goes; what a moving company holds, goes; the rest by the share, by value."]
    if not rows:
        return notes + ["This region has no board now."]
    where = ", ".join(f"{place or 'no locality given'} ({count})" for place, count in rows)
    notes.append(f"This region's board members live in: {where}. A split that takes all of these localities "
                 "leaves this region without a board.")
    return notes


SPLIT = kinds.register(kinds.ProposalKind(
    key="split",
    label="Split the region",
    description="A new region takes the members and companies of some localities, with a share of the capital "
                "pool and the reserve (by member count unless stated).",
    clean_payload=_clean_split,
    default_voting=lambda ctx, payload: voting.VotingRule(method="yes_no", electorate="region"),
    apply=_apply_split,
    floor=constitution.Floor(Decimal("0.4"), "two_thirds", 14),
    form_notes=_split_notes,
    panel=_split_panel,
    form_fields=(
        kinds.PayloadField("new_region_name", "Name of the new region"),
        kinds.PayloadField("localities", "Localities that go, one per line", "textarea"),
        kinds.PayloadField("asset_share", "Share of the pool, reserve and inventory (0 to 1; empty: by member count)",
                           "decimal", required=False),
        kinds.PayloadField("provisional_board", "Provisional board of the new region (names or member numbers, "
                                                "one per line or separated by commas)", "member_list", required=False,
                           help="Members who move to the new region; they are its board until its first board "
                                "election. Empty: the new region starts with no board."),
    ),
    form_to_payload=lambda v: {k: val for k, val in {
        "new_region_name": v.get("new_region_name"),
        "localities": [line.strip() for line in (v.get("localities") or "").splitlines() if line.strip()],
        "asset_share": (v.get("asset_share") or "").strip() or None,
        "provisional_board": _member_ids(v.get("provisional_board")) or None}.items() if val is not None},
))


def _member_ids(text: object) -> list:
    """"12, 14" or one per line, as the payload's ids (a part that is no number stays as typed, and the
    payload's check says so)."""
    parts = str(text or "").replace("\n", ",").replace(",", " ").split()
    return [whole_number(part) or part for part in parts]


def _clean_dissolution(ctx: kinds.Context, payload: dict) -> dict:
    municipality = payload.get("municipality")
    if not isinstance(municipality, str) or not municipality.strip() or len(municipality.strip()) > 200:
        raise kinds.payload_error("municipality", "must be 1 to 200 characters")
    return {"municipality": municipality.strip()}


def _apply_dissolution(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    entry = reorganise.dissolve(ctx.session, proposal.region_id, proposal.payload["municipality"],
                                proposal_id=proposal.id, now=ctx.now)
    return [kinds.Effect("region", proposal.region_id)] + ([kinds.Effect("entry", entry.id)] if entry else [])


DISSOLUTION = kinds.register(kinds.ProposalKind(
    key="dissolution",
    label="Dissolve the region",
    description="Hand the capital pool and the inventory to a municipality. Members keep their own balances; "
                "the region becomes read-only.",
    clean_payload=_clean_dissolution,
    default_voting=lambda ctx, payload: voting.VotingRule(method="yes_no", electorate="region"),
    apply=_apply_dissolution,
    floor=constitution.Floor(Decimal("0.5"), "three_quarters", 30),
    form_fields=(kinds.PayloadField("municipality", "Municipality that receives the assets"),),
))
