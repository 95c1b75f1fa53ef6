"""Forms for proposals: the common fields, each kind's payload fields, voting settings, and
turning a ballot form into the choice the API would take. Shape only; the services decide."""
from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from govern.i18n import from_local
from govern.ids import whole_number
from govern.proposals.kinds import ProposalKind
from govern.voting.rules import THRESHOLDS

PAYLOAD_PREFIX = "payload_"
METHOD_CHOICES = [
    SelectChoice("yes_no", "Yes / no"), SelectChoice("approval", "Approval (pick any number of options)"),
    SelectChoice("ranked", "Ranked choice"), SelectChoice("cumulative", "Cumulative (share out points)"),
    SelectChoice("consensus", "Board consensus"),
]
THRESHOLD_LABELS = {"majority": "Simple majority", "two_thirds": "Two thirds", "three_quarters": "Three quarters"}
THRESHOLD_CHOICES = [SelectChoice("", "This kind's default")] + [SelectChoice(k, v) for k, v in THRESHOLD_LABELS.items()]
ELECTORATE_CHOICES = [SelectChoice("region", "All active members"), SelectChoice("board", "The board")]


class ProposalForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField("What and why", validators=[Optional(), Length(max=20000)],
                         description="Markdown: **bold**, lists, links. HTML is removed.")
    closes_at = DateTimeLocalField("Voting closes (UTC)", format="%Y-%m-%dT%H:%M", validators=[DataRequired()],
                                   description="In your own time zone (your settings).")
    threshold = SelectField("Threshold", choices=THRESHOLD_CHOICES, default="", validators=[Optional()],
                            description="Yes/no votes only. You may only make it stricter than the kind's default.")
    quorum = StringField("Quorum (share of voters who must vote, 0 to 1)", validators=[Optional(), Length(max=10)])
    results_visible = BooleanField("Show the running tally while voting is open")


class CustomVotingForm(ProposalForm):
    method = SelectField("How members vote", choices=METHOD_CHOICES, default="yes_no")
    options = TextAreaField("Options, one per line", validators=[Optional(), Length(max=5000)],
                            description="For approval, ranked and cumulative votes.")
    seats = StringField("Number of winners", default="1", validators=[Optional(), Length(max=3)])
    electorate = SelectField("Who votes", choices=ELECTORATE_CHOICES, default="region")
    secret = BooleanField("Secret ballot")


def proposal_form_class(kind: ProposalKind) -> type[FlaskForm]:
    """The form for one kind: the common fields plus the kind's payload fields."""
    base = CustomVotingForm if "method" in kind.customizable else ProposalForm
    attributes = {"picks": {PAYLOAD_PREFIX + spec.name: "companies" for spec in kind.form_fields if spec.kind == "company"}}
    for spec in kind.form_fields:
        validators = [DataRequired()] if spec.required else [Optional()]
        if spec.kind == "select":
            field = SelectField(spec.label, choices=[SelectChoice(v, l) for v, l in spec.choice_pairs()],
                                validators=validators, description=spec.help)
        elif spec.kind == "datetime":
            field = DateTimeLocalField(spec.label, format="%Y-%m-%dT%H:%M", validators=validators,
                                       description=spec.help)
        elif spec.kind == "company":
            field = StringField(spec.label, validators=validators + [Length(max=140)], description=spec.help)
        elif spec.kind in ("textarea", "member_list"):
            field = TextAreaField(spec.label, validators=validators, description=spec.help)
        else:
            field = StringField(spec.label, validators=validators, description=spec.help)
        attributes[PAYLOAD_PREFIX + spec.name] = field
    return type(f"{kind.key.title().replace('_', '')}ProposalForm", (base,), attributes)


def fit_to_kind(form: FlaskForm, kind: ProposalKind, least_threshold: str | None, zone: str) -> None:
    """Offer only what the kind may be given: thresholds at least as strict as the region's floor,
    none at all when its count has no threshold (a median, a ranked election); and the deadline in
    the member's own time zone."""
    if least_threshold is None:
        del form.threshold
    else:
        stricter = THRESHOLDS[THRESHOLDS.index(least_threshold):]
        form.threshold.choices = [SelectChoice("", f"This kind's default ({THRESHOLD_LABELS[least_threshold].lower()})")] + [
            SelectChoice(key, THRESHOLD_LABELS[key]) for key in stricter[1:]]
        if len(form.threshold.choices) == 1:
            del form.threshold
        elif "method" in kind.customizable:
            form.threshold.description = "For yes/no votes. You may make it stricter than the default, never looser."
        else:
            form.threshold.description = "You may make it stricter than the default, never looser."
    form.closes_at.label.text = f"Voting closes ({zone.replace('_', ' ')})"


def payload_fields(form: FlaskForm) -> list:
    return [field for field in form if field.name.startswith(PAYLOAD_PREFIX)]


def prefill_payload(form: FlaskForm, values) -> None:
    """Fill text payload fields from a link's query (`?company_id=3`), shape unchecked: the service
    checks the payload when the form is sent."""
    for field in payload_fields(form):
        name = field.name[len(PAYLOAD_PREFIX):]
        if name in values and field.type in ("StringField", "TextAreaField"):
            field.data = values.get(name, "")[:200]


def payload_values(form: FlaskForm) -> dict:
    """The payload fields' values; a date and time is given as ISO 8601 with its offset, as the API takes it."""
    return {field.name[len(PAYLOAD_PREFIX):]: _plain_value(field.data) for field in payload_fields(form)}


def _plain_value(value: object) -> object:
    if isinstance(value, datetime):
        return from_local(value).isoformat()  # typed in the member's time zone
    return value


def voting_request(form: FlaskForm) -> dict:
    """The voting settings the proposer chose, as the API would take them."""
    request: dict = {"results_visible": bool(form.results_visible.data)}
    if getattr(form, "threshold", None) is not None and form.threshold.data:
        request["threshold"] = form.threshold.data
    if form.quorum.data:
        request["quorum"] = form.quorum.data.strip()
    if isinstance(form, CustomVotingForm):
        if form.method.data != "yes_no":
            request["method"] = form.method.data
            labels = [line.strip() for line in (form.options.data or "").splitlines() if line.strip()]
            request["options"] = labels
        seats = (form.seats.data or "1").strip()
        if seats != "1":
            request["seats"] = whole_number(seats) or seats
        if form.electorate.data != "region":
            request["electorate"] = form.electorate.data
        if form.secret.data:
            request["secret"] = True
    return request


class CommentForm(FlaskForm):
    body = TextAreaField("Add to the discussion", validators=[DataRequired(), Length(max=5000)])


def choice_from_form(method: str, options: list[dict], data) -> object:
    """Read a ballot form into the JSON choice the API takes (the voting method validates it).

    Ranked ballots come from one <select> per preference (`rank_1`, `rank_2` …), so they work
    with a keyboard and without JavaScript.
    """
    if method == "approval":
        return data.getlist("choice")
    if method == "ranked":
        ranking = [data.get(f"rank_{position}", "") for position in range(1, len(options) + 1)]
        return [option for option in ranking if option]
    if method == "cumulative":
        points = {}
        for option in options:
            text = (data.get(f"points_{option['id']}") or "").strip()
            if text:
                points[option["id"]] = whole_number(text) if whole_number(text) is not None else text
        return points
    return (data.get("choice") or "").strip()
