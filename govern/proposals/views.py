"""Pages: the proposals list, new proposals per kind, the proposal page, ballots, comments,
cancelling, and the board's queue of approved proposals to carry out."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from govern import voting
from govern.apiutil import page_params
from govern.clock import utcnow
from govern.errors import DomainError
from govern.extensions import db
from govern.ids import whole_number
from govern.regions import service as regions
from govern.members.forms import ConfirmForm
from govern.members import service as members
from govern.proposals import charts, constitution, electorates, forms, kinds, presenters, service as proposals
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
    form = forms.proposal_form_class(kind)()
    if request.method == "GET":  # a link may fill in payload fields (a company page: its company number)
        forms.prefill_payload(form, request.args)
    override = current_app.config["GOVERN_MIN_VOTING_SECONDS"]
    rules = constitution.rules_in_words(db.session, current_user.region_id, kind, override)
    if form.validate_on_submit():
        try:
            proposal = proposals.create_proposal(
                db.session, current_user, kind_key=kind.key, title=form.title.data, body=form.body.data,
                payload=kind.payload_from_form(forms.payload_values(form)), closes_at=forms.closes_at_utc(form),
                voting_request=forms.voting_request(form), now=utcnow(), min_voting_seconds=override,
            )
        except DomainError as error:
            show_error_on_form(form, _form_error(error))
        else:
            flash("Your proposal is open for voting.", "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    return render_template("proposals/new.html", form=form, kind=kind, rules=rules,
                           payload_fields=forms.payload_fields(form)), 400 if form.errors else 200


def _form_error(error: DomainError) -> DomainError:
    """Map API field names (payload.min, voting.quorum) onto the form's field names."""
    renamed = {}
    for name, problems in error.fields.items():
        head, _, tail = name.partition(".")
        if head == "payload" and tail:
            renamed[forms.PAYLOAD_PREFIX + tail] = problems
        elif head == "voting" and tail:
            renamed[tail] = problems
        else:
            renamed[name] = problems
    mapped = DomainError(error.message, code=error.code, fields=renamed)
    mapped.status = error.status
    return mapped


@bp.get("/proposals/<int:proposal_id>")
def show(proposal_id: int):
    proposal = proposals.get_proposal(db.session, proposal_id)
    now = utcnow()
    rule = proposals.rule_of(proposal)
    kind = kinds.get(proposal.kind)
    viewer = current_user if current_user.is_authenticated else None
    tally = proposals.visible_tally(db.session, proposal)
    my_ballot = proposals.ballot_of(db.session, proposal.id, viewer.id) if viewer else None
    labels = {option.id: option.label for option in rule.options}
    member_names = {option.member_id: option.label for option in rule.options if option.member_id}
    effects = proposals.effects_of(db.session, proposal.id)
    names = members.names_of(db.session, [proposal.author_id])
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
        my_choice=voting.decode_choice(rule, my_ballot.choice) if my_ballot else None,
        my_choice_text=presenters.describe_choice(labels, rule.method, voting.decode_choice(rule, my_ballot.choice))
        if my_ballot else "",
        effects=presenters.describe_effects(db.session, effects, viewer),
        preview=kind.preview(ctx, proposal) if waiting_for_board and kind.preview else [],
        comments=proposals.comments_of(db.session, proposal.id),
        comment_form=forms.CommentForm(), confirm_form=ConfirmForm(),
        waiting_for_board=waiting_for_board,
        required=proposals.required_confirmations(db.session, proposal) if proposal.status == "passed" else None,
    )


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
    except DomainError as error:
        flash(f"Your ballot was not counted: {error.message}", "error")
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
