"""Delegations: setting and withdrawing them, reading them, and the weights they add when a
proposal closes (registered with the proposals package as a tally contributor)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.delegation.models import ALL, DelegatedVote, Delegation
from govern.delegation.resolve import resolve
from govern.errors import NotFound, ValidationError
from govern.ids import is_id
from govern.members.models import MEMBER_ACTIVE, Member
from govern.notifications.models import Notification
from govern.proposals import kinds, service as proposals
from govern.proposals.models import Ballot, ElectorateMember, Proposal
from govern.regions import service as regions

SECRET_PARAMETER = "delegation_in_secret_ballots"


def check_scope(scope: object) -> str:
    if scope == ALL:
        return ALL
    kinds.get(scope)  # raises the 400 with the list of kinds
    return scope


def set_delegation(session: Session, member: Member, scope: object, delegate_id: object, now: datetime) -> Delegation:
    """Trust `delegate_id` with your vote for `scope` (`all` or a kind); replaces an earlier one."""
    access.require(member, "vote", "Members who left cannot delegate.")
    scope = check_scope(scope)
    if not is_id(delegate_id):
        raise ValidationError.for_field("delegate_id", "must be a member id")
    if delegate_id == member.id:
        raise ValidationError.for_field("delegate_id", "cannot be yourself")
    delegate = session.get(Member, delegate_id)
    if delegate is None or delegate.region_id != member.region_id or delegate.status != MEMBER_ACTIVE:
        raise ValidationError.for_field("delegate_id", "is not an active member of your region")
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    with write_transaction(session):
        session.execute(dialect.insert(Delegation).values(member_id=member.id, scope=scope, delegate_id=delegate_id,
                                                          created_at=now)
                        .on_conflict_do_update(index_elements=["member_id", "scope"],
                                               set_={"delegate_id": delegate_id, "created_at": now}))
        what = "all proposals" if scope == ALL else f"{kinds.get(scope).label.lower()} proposals"
        session.add(Notification(member_id=delegate_id, text=f"{member.name} now trusts you with their vote on {what}.",
                                 link=f"/members/{member.id}", created_at=now))
    return session.execute(select(Delegation).where(Delegation.member_id == member.id,
                                                    Delegation.scope == scope)).scalar_one()


def remove_delegation(session: Session, member: Member, scope: object) -> None:
    scope = check_scope(scope)
    with write_transaction(session):
        removed = session.execute(delete(Delegation).where(Delegation.member_id == member.id,
                                                           Delegation.scope == scope)).rowcount
    if not removed:
        raise NotFound("You have no delegation for this scope.")


def delegations_of(session: Session, member_id: int) -> list[Delegation]:
    return list(session.execute(select(Delegation).where(Delegation.member_id == member_id)
                                .order_by(Delegation.scope)).scalars())


def delegators_by_scope(session: Session, delegate_id: int) -> dict[str, int]:
    """How many members trust this one, per scope (delegations are public)."""
    return dict(session.execute(select(Delegation.scope, func.count()).join(Member, Member.id == Delegation.member_id)
                                .where(Delegation.delegate_id == delegate_id, Member.status == MEMBER_ACTIVE)
                                .group_by(Delegation.scope)).all())


def public_record(session: Session, member_id: int, *, limit: int = 50) -> list[tuple[Proposal, str]]:
    """A delegate's ballots on closed proposals that were not secret: their public voting record."""
    rows = session.execute(select(Proposal, Ballot.choice).join(Ballot, Ballot.proposal_id == Proposal.id)
                           .where(Ballot.member_id == member_id, Proposal.status.not_in(("open", "cancelled")))
                           .order_by(Proposal.id.desc()).limit(limit * 2)).all()
    return [(p, choice) for p, choice in rows if not p.voting.get("secret")][:limit]


def how_my_vote_counted(session: Session, proposal_id: int, member_id: int) -> int | None:
    """The voter whose ballot counted for this member, if it was cast for them by delegation."""
    return session.execute(select(DelegatedVote.voter_id).where(
        DelegatedVote.proposal_id == proposal_id, DelegatedVote.member_id == member_id)).scalar_one_or_none()


_BATCH = 10_000  # ids per IN (…): below SQLite's limit of bound parameters


def delegated_weights(session: Session, proposal: Proposal, rule, now: datetime) -> list[tuple[str, int]]:
    """At close: each electorate member who did not vote counts with the ballot at the end of their
    chain. Only the members on some chain are read (those who delegated and their delegates), so
    a proposal with a million ballots and no delegations costs one small query; then one pass over
    the graph and one bulk insert of who was counted through whom. Secret ballots take no
    delegations unless the region turned that on."""
    if rule.secret and regions.parameter(session, proposal.region_id, SECRET_PARAMETER) != 1:
        return []
    delegate_of: dict[int, int] = {}
    in_electorate = exists().where(ElectorateMember.proposal_id == proposal.id,
                                   ElectorateMember.member_id == Delegation.member_id)
    # Driven from the delegations (few) with the electorate probed by its key: SQLite would
    # otherwise walk a million-member electorate looking for them.
    for member_id, scope, delegate_id in session.execute(
            select(Delegation.member_id, Delegation.scope, Delegation.delegate_id)
            .where(Delegation.scope.in_((ALL, proposal.kind)), in_electorate)):
        if scope != ALL or member_id not in delegate_of:  # a kind's own delegation wins over `all`
            delegate_of[member_id] = delegate_id
    if not delegate_of:
        return []
    on_chains = sorted(set(delegate_of) | set(delegate_of.values()))
    electorate, choice_of = set(), {}
    for first in range(0, len(on_chains), _BATCH):
        batch = on_chains[first:first + _BATCH]
        electorate.update(session.execute(select(ElectorateMember.member_id).where(
            ElectorateMember.proposal_id == proposal.id, ElectorateMember.member_id.in_(batch))).scalars())
        choice_of.update(session.execute(select(Ballot.member_id, Ballot.choice).where(
            Ballot.proposal_id == proposal.id, Ballot.member_id.in_(batch))).all())
    counted = resolve(electorate, set(choice_of), delegate_of)
    if counted:
        session.execute(insert(DelegatedVote), [{"proposal_id": proposal.id, "member_id": member, "voter_id": voter}
                                                for member, voter in counted.items()])
    weights: dict[str, int] = {}
    for voter in counted.values():
        weights[choice_of[voter]] = weights.get(choice_of[voter], 0) + 1
    return list(weights.items())


proposals.add_tally_contributor(delegated_weights)
