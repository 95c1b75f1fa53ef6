"""The `parameter` kind: members set a region parameter (a tax rate, the exchange rate, an
occupation's skill factor …) by the median of their ballots, within bounds the proposal states."""
from __future__ import annotations

from decimal import Decimal

from govern import voting
from govern.errors import ValidationError
from govern.proposals import kinds
from govern.regions import parameters, service as regions


OTHER = "other"  # the form's choice for a family parameter whose name is typed in


def _clean(ctx: kinds.Context, payload: dict) -> dict:
    try:
        name = regions.check_parameter_name(ctx.session, ctx.region_id, payload.get("name"))
    except ValidationError as error:
        raise kinds.payload_error("name", error.fields["name"][0]) from None
    spec = parameters.spec(name)
    fields: dict[str, list[str]] = {}
    bounds = {}
    for key in ("min", "max"):
        try:
            bounds[key] = spec.validate(payload.get(key), f"payload.{key}")
        except ValidationError as error:
            fields.update(error.fields)
    if not fields and Decimal(bounds["min"]) > Decimal(bounds["max"]):
        fields["payload.max"] = ["must not be below min"]
    if fields:
        raise ValidationError("The payload needs another look.", fields=fields)
    return {"name": name, "min": bounds["min"], "max": bounds["max"]}


def _default_voting(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    return voting.VotingRule(method="median", electorate="region", whole_numbers=parameters.spec(payload["name"]).integer,
                             minimum=Decimal(payload["min"]), maximum=Decimal(payload["max"]))


def _apply(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    change = regions.set_parameter(ctx.session, proposal.region_id, proposal.payload["name"], str(outcome.value),
                                   cause_type="proposal", cause_id=proposal.id, now=ctx.now)
    return [kinds.Effect("parameter", change.id)]


def _form_to_payload(values: dict) -> dict:
    name = values.get("name")
    if name == OTHER:
        name = (values.get("other") or "").strip()
    return {"name": name, "min": values.get("min"), "max": values.get("max")}


PARAMETER = kinds.register(kinds.ProposalKind(
    key="parameter",
    label="Change a region parameter",
    description="Set a parameter such as the income tax rate or the exchange rate. Each member votes "
                "a value within the bounds; the median wins.",
    clean_payload=_clean,
    default_voting=_default_voting,
    apply=_apply,
    form_fields=(
        kinds.PayloadField("name", "Parameter", "select",
                           choices=(*((name, spec.label) for name, spec in parameters.SPECS.items()),
                                    (OTHER, "Another parameter (write its name below)"))),
        kinds.PayloadField("other", "Other parameter's name", "text", required=False,
                           help="For example occupation.welder.skill: see the wage calculator for the names."),
        kinds.PayloadField("min", "Lowest value members may vote", "decimal"),
        kinds.PayloadField("max", "Highest value members may vote", "decimal"),
    ),
    form_to_payload=_form_to_payload,
))
