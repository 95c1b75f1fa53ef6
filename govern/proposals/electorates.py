"""Who may vote on a proposal. Each electorate is a SQL query of member ids, so freezing it for
100,000 members is one INSERT … SELECT. Areas register more (companies add `company:<id>`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from govern.errors import ValidationError
from govern.members.models import MEMBER_ACTIVE, Member


@dataclass(frozen=True)
class Electorate:
    prefix: str
    label: str
    # (session, region_id, argument) -> SELECT of member ids; raises ValidationError if the argument is bad
    voters: Callable[[Session, int, str | None], Select]
    describe: Callable[[Session, str | None], str]


_REGISTRY: dict[str, Electorate] = {}


def register(electorate: Electorate) -> None:
    _REGISTRY[electorate.prefix] = electorate


def parse(spec: object) -> tuple[Electorate, str | None]:
    if not isinstance(spec, str):
        raise ValidationError.for_field("voting.electorate", "must be text such as \"region\" or \"board\"")
    prefix, _, argument = spec.partition(":")
    if prefix not in _REGISTRY:
        raise ValidationError.for_field("voting.electorate", f"must be one of {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[prefix], argument or None


def voters_query(session: Session, region_id: int, spec: str) -> Select:
    electorate, argument = parse(spec)
    return electorate.voters(session, region_id, argument)


def describe(session: Session, spec: str) -> str:
    electorate, argument = parse(spec)
    return electorate.describe(session, argument)


def _active_members(region_id: int):
    return select(Member.id).where(Member.region_id == region_id, Member.status == MEMBER_ACTIVE)


register(Electorate("region", "All active members of the region",
                    lambda session, region_id, _arg: _active_members(region_id),
                    lambda session, _arg: "all active members of the region"))
register(Electorate("board", "The board",
                    lambda session, region_id, _arg: _active_members(region_id).where(Member.is_board.is_(True)),
                    lambda session, _arg: "the board"))
