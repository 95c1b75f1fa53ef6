"""Pages: the proposals list, new proposals per kind, the proposal page, ballots, comments,
cancelling, and the board's queue of approved proposals to carry out."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govern import voting
from govern.apiutil import page_params
from govern.clock import utcnow
from govern.errors import DomainError, Forbidden, Problems
from govern.members import lookup
from govern.extensions import db
from govern.ids import whole_number
from govern.regions import service as regions
from govern.members.forms import ConfirmForm
from govern.members import service as members
from govern.proposals import charts, constitution, electorates, forms, kinds, presenters, service as proposals
from govern.i18n import from_local, zone_name
from govern.viewutil import show_error_on_form

bp = Blueprint("proposals", __name__)

TABS = {"open": "Open", "closed": "Closed", "mine": "Mine"}


@bp.get("/proposals")
@login_required
def index():
    tab = request.args.get("tab", "open")
    if tab not in TABS:
        abort(404)
    cursor, limit = page_params()
    region = regions.get_region(db.session, whole_number(request.args.get("region", "")) or current_user.region_id)
    rows = proposals.list_proposals(
        db.session, region_id=region.id, status="open" if tab == "open" else None,
        closed=tab == "closed", author_id=current_user.id if tab == "mine" else None,
        before=cursor, limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return render_template("proposals/index.html", rows=rows, tab=tab, tabs=TABS, region=region,
                           glances=proposals.at_a_glance(db.session, rows, current_user.id),
                           next_cursor=rows[-1].id if more else None, now=utcnow())


@bp.get("/proposals/new")
@login_required
def choose_kind():
    override = current_app.config["GOVERN_MIN_VOTING_SECONDS"]
    rules = {kind.key: constitution.rules_in_words(db.session, current_user.region_id, kind, override)[0][1]
             for kind in kinds.all_kinds()}
    return render_template("proposals/choose.html", kinds=kinds.all_kinds(), rules=rules)


@bp.route("/proposals/new/<kind_key>", methods=["GET", "POST"])
@login_required
def new(kind_key: str):
    try:
        kind = kinds.get(kind_key)
    except DomainError:
        abort(404)
    override = current_app.config["GOVERN_MIN_VOTING_SECONDS"]
    least = constitution.least_threshold(db.session, current_user.region_id, kind)
    form = forms.proposal_form_class(kind)()
    if request.method == "GET":  # a link may fill in payload fields (a company page: its company number)
        forms.prefill_payload(form, request.args)
    forms.fit_to_kind(form, kind, least, zone_name())
    rules = constitution.rules_in_words(db.session, current_user.region_id, kind, override)
    notes = kind.form_notes(kinds.Context(db.session, current_user.region_id, current_user, utcnow())) \
        if kind.form_notes else []
    if request.method == "POST":
        shape_ok = form.validate_on_submit()
        problems = Problems()
        with problems.check():
            typed = _names_resolved(kind, forms.payload_values(form))
        values = dict(kind_key=kind.key, title=form.title.data, body=form.body.data,
                      payload=kind.payload_from_form(typed), closes_at=from_local(form.closes_at.data),
                      voting_request=forms.voting_request(form), now=utcnow(), min_voting_seconds=override)
        if problems:
            shape_ok = False
        try:
            problems.raise_if_any()
            if shape_ok:
                proposal = proposals.create_proposal(db.session, current_user, **values)
                flash("Your proposal is open for voting.", "success")
                return redirect(url_for("proposals.show", proposal_id=proposal.id))
            if not getattr(getattr(form, "csrf_token", None), "errors", None):  # the rest of its problems, all at once
                proposals.check_proposal(db.session, current_user, **values)
        except DomainError as error:
            show_error_on_form(form, _form_error(error, form), only_new=True)
    return render_template("proposals/new.html", form=form, kind=kind, rules=rules, notes=notes,
                           payload_fields=forms.payload_fields(form)), 400 if form.errors else 200


def _names_resolved(kind, values: dict) -> dict:
    """People and companies typed by name (or "Name (#12)", or a number) on the form, as the ids
    the payload takes: a company field, and a list of members separated by commas or lines."""
    problems = Problems()
    resolved = dict(values)
    for spec in kind.form_fields:
        text = values.get(spec.name)
        if spec.kind == "company" and text:
            with problems.check():
                resolved[spec.name] = lookup.resolve_company(db.session, current_user.region_id, text,
                                                             f"payload.{spec.name}")
        elif spec.kind == "member_list" and text:
            ids = []
            for part in [p for p in text.replace("\n", ",").split(",") if p.strip()]:
                with problems.check():
                    ids.append(str(lookup.resolve_member(db.session, current_user.region_id, part,
                                                         f"payload.{spec.name}")))
            resolved[spec.name] = ", ".join(ids)
    problems.raise_if_any()
    return resolved


def _form_error(error: DomainError, form=None) -> DomainError:
    """Map API field names (payload.min, voting.quorum) onto the form's field names; a problem of one
    line of a list (payload.employees.2.email) is told on the list's field as "line 3, email: …"."""
    renamed: dict[str, list[str]] = {}
    for name, problems in error.fields.items():
        head, _, tail = name.partition(".")
        if head == "payload" and tail:
            field, _, rest = tail.partition(".")
            target = forms.PAYLOAD_PREFIX + field
            if form is not None and getattr(form, target, None) is None and \
                    getattr(form, target + "_amount", None) is not None:
                target += "_amount"  # money is typed as an amount beside its currency
            if rest:
                position, _, key = rest.partition(".")
                where = f"line {int(position) + 1}" if position.isdigit() else position
                where += f", {key.replace('_', ' ')}" if key else ""
                problems = [f"{where}: {problem}" for problem in problems]
            renamed.setdefault(target, []).extend(problems)
        elif head == "voting" and tail:
            renamed.setdefault(tail, []).extend(problems)
        else:
            renamed.setdefault(name, []).extend(problems)
    mapped = DomainError(error.message, code=error.code, fields=renamed)
    mapped.status = error.status
    return mapped


@bp.get("/proposals/<int:proposal_id>")
def show(proposal_id: int):
    return _proposal_page(proposal_id)


def _proposal_page(proposal_id: int, *, ballot_error: str = "", submitted: object = None, status: int = 200):
    """The proposal page; after a refused ballot, with the reason inside the ballot form and what the
    voter chose still in it."""
    proposal = proposals.get_proposal(db.session, proposal_id)
    now = utcnow()
    rule = proposals.rule_of(proposal)
    kind = kinds.get(proposal.kind)
    viewer = current_user if current_user.is_authenticated else None
    tally = proposals.visible_tally(db.session, proposal)
    my_ballot = proposals.ballot_of(db.session, proposal.id, viewer.id) if viewer else None
    labels = {option.id: option.label for option in rule.options}
    listed = [member_id for spec in kind.form_fields if spec.kind == "member_list"
              for member_id in proposal.payload.get(spec.name) or []]
    names = members.names_of(db.session, [proposal.author_id, *listed])
    member_names = {**{member_id: names[member_id] for member_id in listed if member_id in names},
                    **{option.member_id: option.label for option in rule.options if option.member_id}}
    effects = proposals.effects_of(db.session, proposal.id)
    waiting_for_board = proposal.status == "passed" and kind.carried_out_by == kinds.BOARD
    ctx = kinds.Context(db.session, proposal.region_id, viewer, now)
    panel = kind.panel(ctx, proposal) if kind.panel else None
    return render_template(
        "proposals/show.html", proposal=proposal, rule=rule, now=now, kind=kind, option_labels=labels,
        author_name=names.get(proposal.author_id, ""),
        facts=presenters.payload_facts(kind, proposals.payload_shown_to(proposal, viewer), member_names),
        electorate=electorates.describe(db.session, rule.electorate),
        turnout=proposals.turnout(db.session, proposal.id), tally=tally,
        participation=proposals.participation(db.session, proposal), voting_opens_at=proposals.voting_opens_at(proposal),
        panel_template=panel[0] if panel else None, panel=panel[1] if panel else None,
        chart=charts.tally_chart(rule, tally) if tally else None,
        accepting=proposals.is_accepting_ballots(proposal, now),
        can_vote=bool(viewer and viewer.active and proposals.in_electorate(db.session, proposal.id, viewer.id)),
        my_ballot=my_ballot, vote_notes=presenters.vote_notes(db.session, proposal, viewer),
        my_choice=submitted if ballot_error else voting.decode_choice(rule, my_ballot.choice) if my_ballot else None,
        ballot_error=ballot_error, counting=proposals.is_being_counted(proposal, now),
        my_choice_text=presenters.describe_choice(labels, rule.method, voting.decode_choice(rule, my_ballot.choice))
        if my_ballot else "",
        effects=presenters.describe_effects(db.session, effects, viewer),
        preview=kind.preview(ctx, proposal) if waiting_for_board and kind.preview else [],
        comments=proposals.comments_of(db.session, proposal.id),
        comment_form=forms.CommentForm(), confirm_form=ConfirmForm(),
        waiting_for_board=waiting_for_board,
        required=proposals.required_confirmations(db.session, proposal) if proposal.status == "passed" else None,
    ), status


@bp.get("/proposals/<int:proposal_id>/ballots")
def published_ballots(proposal_id: int):
    """After the close, every counted ballot by its receipt (and its voter, on a public vote): anyone
    may check, no login needed, as the tally itself is public."""
    proposal = proposals.get_proposal(db.session, proposal_id)
    cursor, limit = page_params(receipt_cursor=True)
    rows = proposals.published_ballots(db.session, proposal, before=cursor, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    rule = proposals.rule_of(proposal)
    labels = {option.id: option.label for option in rule.options}
    voters = {} if rule.secret else members.names_of(db.session, [ballot.member_id for ballot in rows])
    shown = [(ballot.receipt, presenters.describe_choice(labels, rule.method, voting.decode_choice(rule, ballot.choice)),
              None if rule.secret else (ballot.member_id, voters.get(ballot.member_id, ""))) for ballot in rows]
    return render_template("proposals/ballots.html", proposal=proposal, rows=shown, secret=rule.secret,
                           next_cursor=rows[-1].receipt if more else None)


@bp.post("/proposals/<int:proposal_id>/ballot")
@login_required
def vote(proposal_id: int):
    proposal = proposals.get_proposal(db.session, proposal_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    rule = proposals.rule_of(proposal)
    options = [{"id": o.id} for o in rule.options]
    raw = forms.choice_from_form(rule.method, options, request.form)
    try:
        ballot = proposals.cast_ballot(db.session, current_user, proposal.id, raw, utcnow())
    except Forbidden:
        raise
    except DomainError as error:
        # Answered where the voter is looking: in the ballot form, with their choice still in it.
        problem = (error.fields.get("choice") or [None])[0]
        words = f"your choice {problem}." if problem else error.message
        return _proposal_page(proposal.id, ballot_error=f"Your ballot was not counted: {words}", submitted=raw,
                              status=error.status)
    else:
        flash(f"Your ballot is in. Receipt: {ballot.receipt} — keep it to check the published list after the close.",
              "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#ballot")


@bp.post("/proposals/<int:proposal_id>/withdraw")
@login_required
def withdraw(proposal_id: int):
    return act_on_proposal(proposal_id, lambda: proposals.withdraw_ballot(db.session, current_user, proposal_id, utcnow()),
                "Your ballot is withdrawn.")


@bp.post("/proposals/<int:proposal_id>/cancel")
@login_required
def cancel(proposal_id: int):
    return act_on_proposal(proposal_id, lambda: proposals.cancel_proposal(db.session, current_user, proposal_id, utcnow()),
                "The proposal is cancelled.")


@bp.post("/proposals/<int:proposal_id>/execute")
@login_required
def execute(proposal_id: int):
    def confirm():
        state = proposals.confirm_execution(db.session, current_user, proposal_id, utcnow())
        if state.proposal.status != "executed":
            flash(f"Your confirmation is recorded: {state.confirmations} of {state.required} needed.", "info")
        else:
            flash("Carried out: what the members approved is now on the books.", "success")
    return act_on_proposal(proposal_id, confirm, None)


@bp.post("/proposals/<int:proposal_id>/comments")
@login_required
def comment(proposal_id: int):
    form = forms.CommentForm()
    if not form.validate_on_submit():
        flash("A comment needs some text (at most 5,000 characters).", "error")
        return redirect(url_for("proposals.show", proposal_id=proposal_id) + "#discussion")
    return act_on_proposal(proposal_id, lambda: proposals.add_comment(db.session, current_user, proposal_id, form.body.data,
                                                           utcnow()), "Your comment is posted.", anchor="#discussion")


def act_on_proposal(proposal_id: int, action, success: str | None, anchor: str = ""):
    """A button on the proposal page: check the form's CSRF token, act, flash, back to the page."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action()
    except DomainError as error:
        flash(error.message, "error")
    else:
        if success:
            flash(success, "success")
    return redirect(url_for("proposals.show", proposal_id=proposal_id) + anchor)


@bp.get("/board/to-carry-out")
@login_required
def board_queue():
    if not current_user.active or not current_user.is_board:
        abort(403)
    return render_template("proposals/board_queue.html",
                           rows=proposals.executions_waiting(db.session, current_user.region_id), now=utcnow())
