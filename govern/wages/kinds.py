"""The wage table's proposal kinds.

`wage_rate`: members vote a figure for one occupation (and industry); the median, rounded half
up to the cent, becomes its row in the table. The delay and decay of a cut are the region's
`wage_cut_delay_days` and `wage_cut_decay_days` when it passes.

`wage_table`: yes or no on a set of rows. When it passes, each row replaces the table's row for
its occupation and industry; rows it does not name stay as they are. Its delay and decay are
written into the payload when it opens (the region's parameters if the proposer gives none),
so voters see the terms of any cut they vote on.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from govern import voting
from govern.errors import ValidationError
from govern.money import MINOR_PER_UNIT, format_minor, parse_amount, parse_money
from govern.proposals import constitution, kinds
from govern.regions import parameters, service as regions
from govern.wages import names, service as wages

MAX_ROWS = 200
DELAY_FIELDS = {"reduction_delay_days": wages.DELAY_PARAMETER, "reduction_decay_days": wages.DECAY_PARAMETER}


def _collect(fields: dict[str, list[str]], check, *args):
    """Run one check; on a ValidationError keep its fields and go on, so all problems show."""
    try:
        return check(*args)
    except ValidationError as error:
        for name, problems in error.fields.items():
            fields.setdefault(name, []).extend(problems)
        return None


def _raise_if(fields: dict[str, list[str]]) -> None:
    if fields:
        raise ValidationError("The payload needs another look.", fields=fields)


def _occupation_and_industry(fields: dict[str, list[str]], source: dict, prefix: str) -> dict:
    occupation = _collect(fields, names.normalise, source.get("occupation"), f"{prefix}occupation")
    industry = _collect(fields, names.optional, source.get("industry"), f"{prefix}industry")
    return {"occupation": occupation, **({"industry": industry} if industry else {})}


# --- wage_rate -----------------------------------------------------------------------------

def _clean_rate(ctx: kinds.Context, payload: dict) -> dict:
    fields: dict[str, list[str]] = {}
    cleaned = _occupation_and_industry(fields, payload, "payload.")
    bounds = {key: _collect(fields, parse_amount, payload.get(key), f"payload.{key}") for key in ("min", "max")}
    if None not in bounds.values() and bounds["min"] > bounds["max"]:
        fields["payload.max"] = ["must not be below the lowest value"]
    _raise_if(fields)
    current = _current_wage(ctx, cleaned["occupation"], cleaned.get("industry"))
    if current is not None:
        kinds.require_status_quo(Decimal(current), Decimal(bounds["min"]), Decimal(bounds["max"]),
                                 f"{format_minor(current)} RSC")
    return {**cleaned, "min": format_minor(bounds["min"]), "max": format_minor(bounds["max"])}


def _current_wage(ctx: kinds.Context, occupation: str, industry: str | None) -> int | None:
    """The wage the table pays these workers now, in cents: the row of the occupation in this
    industry, else the occupation's general row; None while the table has neither."""
    for where in ((industry, None) if industry else (None,)):
        row = wages.current_wage(ctx.session, ctx.region_id, occupation, where)
        if row is not None:
            return row.hourly_wage_minor
    return None


def _rate_voting(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    return voting.VotingRule(method="median", electorate="region",
                             minimum=Decimal(payload["min"]), maximum=Decimal(payload["max"]))


def to_minor(value: Decimal) -> int:
    """A voted figure in RSC to cents, half up (ballots may carry more than two decimals)."""
    return int((value * MINOR_PER_UNIT).to_integral_value(rounding=ROUND_HALF_UP))


def _apply_rate(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    payload = proposal.payload
    row = wages.set_wage(ctx.session, proposal.region_id, payload["occupation"], payload.get("industry"),
                         to_minor(outcome.value), now=ctx.now, cause_type="proposal", cause_id=proposal.id)
    return [kinds.Effect("wage", row.id)]


WAGE_RATE = kinds.register(kinds.ProposalKind(
    key="wage_rate",
    label="Set the wage of an occupation",
    description="Each member votes an hourly wage within the bounds; the median becomes the wage table's "
                "row for the occupation (and industry). A cut reaches workers hired before it only after the "
                "region's delay, and then phases in.",
    clean_payload=_clean_rate,
    default_voting=_rate_voting,
    apply=_apply_rate,
    floor=constitution.Floor(Decimal("0.2"), "majority", 3),
    method="median",
    form_fields=(
        kinds.PayloadField("occupation", "Occupation", help="For example: welder, nurse, machine operator."),
        kinds.PayloadField("industry", "Industry (optional)", required=False,
                           help="Leave empty for the occupation's wage in any industry."),
        kinds.PayloadField("min", "Lowest hourly wage members may vote (RSC)", "decimal",
                           help="The range must include the current wage, if the table has one."),
        kinds.PayloadField("max", "Highest hourly wage members may vote (RSC)", "decimal"),
    ),
))


# --- wage_table ----------------------------------------------------------------------------

def _parse_rsc(value: object, field: str):
    """Wages are paid in RSC: a wage in USD is refused, not converted."""
    if isinstance(value, dict) and value.get("currency") != "RSC":
        raise ValidationError.for_field(field, "currency must be RSC: wages are paid in RSC")
    return parse_money(value, field, currencies=("RSC",))


def _clean_row(row: object, number: int) -> tuple[dict | None, list[str]]:
    """One row, or the problems with it as "row N: field: problem" (the form's line N)."""
    if not isinstance(row, dict):
        return None, [f"row {number}: must be an object with occupation, industry (optional) and hourly_wage"]
    fields: dict[str, list[str]] = {}
    cleaned = _occupation_and_industry(fields, row, "")
    wage = _collect(fields, _parse_rsc, row.get("hourly_wage"), "hourly_wage")
    unknown = set(row) - {"occupation", "industry", "hourly_wage"}
    if unknown:
        fields.setdefault("row", []).append(f"unexpected keys: {', '.join(sorted(map(str, unknown)))}")
    if fields:
        return None, [f"row {number}: {name}: {problem}" for name, problems in fields.items() for problem in problems]
    return {**cleaned, "hourly_wage": wage.to_json()}, []


def _clean_rows(rows: object) -> list[dict]:
    if not isinstance(rows, list) or not rows:
        raise kinds.payload_error("rows", "must be a list of at least one row")
    if len(rows) > MAX_ROWS:
        raise kinds.payload_error("rows", f"at most {MAX_ROWS} rows")
    problems: list[str] = []
    cleaned: list[dict] = []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=1):
        clean, row_problems = _clean_row(row, number)
        problems.extend(row_problems)
        if clean is None:
            continue
        key = (clean["occupation"], clean.get("industry"))
        if key in seen:
            problems.append(f"row {number}: the same occupation and industry as row {seen[key]}")
        seen.setdefault(key, number)
        cleaned.append(clean)
    if problems:
        raise ValidationError("The rows need another look.", fields={"payload.rows": problems})
    return cleaned


def _clean_days(ctx: kinds.Context, value: object, field: str, parameter: str) -> int:
    if value is None or value == "":
        return int(regions.parameter(ctx.session, ctx.region_id, parameter))
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return int(parameters.spec(parameter).validate(value, f"payload.{field}"))


def _clean_table(ctx: kinds.Context, payload: dict) -> dict:
    fields: dict[str, list[str]] = {}
    rows = _collect(fields, _clean_rows, payload.get("rows"))
    days = {field: _collect(fields, _clean_days, ctx, payload.get(field), field, parameter)
            for field, parameter in DELAY_FIELDS.items()}
    _raise_if(fields)
    return {"rows": rows, **days}


def _table_voting(ctx: kinds.Context, payload: dict) -> voting.VotingRule:
    return voting.VotingRule(method="yes_no", electorate="region")


def _apply_table(ctx: kinds.Context, proposal, outcome: voting.Outcome) -> list[kinds.Effect]:
    payload = proposal.payload
    effects = []
    for row in payload["rows"]:
        rate = wages.set_wage(
            ctx.session, proposal.region_id, row["occupation"], row.get("industry"),
            parse_amount(row["hourly_wage"]["amount"], "hourly_wage"), now=ctx.now, cause_type="proposal",
            cause_id=proposal.id, reduction_delay_days=payload["reduction_delay_days"],
            reduction_decay_days=payload["reduction_decay_days"],
        )
        effects.append(kinds.Effect("wage", rate.id))
    return effects


def _line_to_row(line: str) -> object:
    """'welder, construction, 25.00' or 'welder, 25.00' (or '25.00 RSC') -> a row; a line of
    another shape is passed on as it is, for the kind to refuse with its line number."""
    parts = [part.strip() for part in line.split(",")]
    if len(parts) not in (2, 3):
        return line
    amount, _, currency = parts[-1].partition(" ")
    row = {"occupation": parts[0], "hourly_wage": {"amount": amount, "currency": currency.strip() or "RSC"}}
    if len(parts) == 3 and parts[1]:
        row["industry"] = parts[1]
    return row


def _table_form_to_payload(values: dict) -> dict:
    lines = [line for line in (values.get("rows") or "").splitlines() if line.strip()]
    payload: dict = {"rows": [_line_to_row(line) for line in lines]}
    for field in DELAY_FIELDS:
        text = (values.get(field) or "").strip()
        if text:
            payload[field] = text
    return payload


WAGE_TABLE = kinds.register(kinds.ProposalKind(
    key="wage_table",
    label="Set rows of the wage table",
    description="Yes or no on a set of hourly wages. If it passes, each row replaces the table's wage for its "
                "occupation and industry; rows not named stay as they are. A cut reaches workers hired before "
                "it after the delay, then phases in over the decay.",
    clean_payload=_clean_table,
    default_voting=_table_voting,
    apply=_apply_table,
    floor=constitution.Floor(Decimal("0.2"), "majority", 3),
    form_fields=(
        kinds.PayloadField("rows", "Rows: occupation, industry (optional), hourly wage in RSC — one per line",
                           "textarea", help="For example “welder, construction, 25.00” or “nurse, 28.50”."),
        kinds.PayloadField("reduction_delay_days", "Days before a cut reaches existing workers", "integer",
                           required=False, help="Leave empty for the region's wage_cut_delay_days."),
        kinds.PayloadField("reduction_decay_days", "Days over which a cut then phases in", "integer",
                           required=False, help="Leave empty for the region's wage_cut_decay_days."),
    ),
    form_to_payload=_table_form_to_payload,
))
