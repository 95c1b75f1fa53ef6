"""The registry of proposal kinds.

A kind is a small frozen object: its key and label, how to clean its payload, its default
voting rule, who carries it out, and one `apply` function that changes the books when it
passes. Areas register their kinds at import (see `govern/<area>/kinds.py`); the lifecycle in
`proposals.service` only ever looks kinds up here, so adding a kind never touches it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from sqlalchemy.orm import Session

from govern.errors import ValidationError
from govern.voting import Outcome, VotingRule

if TYPE_CHECKING:
    from govern.members.models import Member
    from govern.proposals.models import Proposal

AUTOMATIC = "automatic"
BOARD = "board"

# Voting settings a proposer may choose, when the kind allows them (see `customizable`).
CUSTOMIZABLE = frozenset({"method", "options", "seats", "electorate", "threshold", "quorum", "secret",
                          "minimum", "maximum", "max_points", "emergency"})


@dataclass(frozen=True)
class Context:
    """What a kind's functions get: the session, the region, who acts, and the time."""

    session: Session
    region_id: int
    actor: "Member | None"
    now: datetime


@dataclass(frozen=True)
class Effect:
    type: str  # "entry" | "company" | "inventory_item" | "region" | "invitation" | "parameter" | "wage" | "member"
    id: int | str


@dataclass(frozen=True)
class PayloadField:
    """One field of the kind's payload on the HTML form (the API takes the payload as JSON)."""

    name: str
    label: str
    kind: str = "text"          # "text" | "decimal" | "integer" | "select" | "member_list" | "textarea"
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = True


@dataclass(frozen=True)
class ProposalKind:
    key: str
    label: str
    description: str
    clean_payload: Callable[[Context, dict], dict]
    default_voting: Callable[[Context, dict], VotingRule]
    apply: Callable[[Context, "Proposal", Outcome], list[Effect]]
    carried_out_by: str = AUTOMATIC
    execution_days: int = 30
    customizable: frozenset[str] = frozenset()
    form_fields: tuple[PayloadField, ...] = ()
    form_to_payload: Callable[[dict], dict] | None = None
    # For board kinds: what carrying it out will move, in sentences, shown before they confirm.
    preview: Callable[[Context, "Proposal"], list[str]] | None = None
    # The payload without what only the board of the region may read (people's emails); None: all public.
    public_payload: Callable[[dict], dict] | None = None

    def __post_init__(self):
        if self.carried_out_by not in (AUTOMATIC, BOARD):
            raise ValueError(f"{self.key}: carried_out_by must be {AUTOMATIC!r} or {BOARD!r}")
        if not self.customizable <= CUSTOMIZABLE:
            raise ValueError(f"{self.key}: unknown voting settings {sorted(self.customizable - CUSTOMIZABLE)}")

    def payload_from_form(self, values: dict) -> dict:
        if self.form_to_payload:
            return self.form_to_payload(values)
        return {f.name: values.get(f.name) for f in self.form_fields if values.get(f.name) not in (None, "")}


_REGISTRY: dict[str, ProposalKind] = {}


def register(kind: ProposalKind) -> ProposalKind:
    """Add a kind. Registering the same key twice replaces it (module reloads in tests)."""
    _REGISTRY[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def get(key: object) -> ProposalKind:
    if not isinstance(key, str) or key not in _REGISTRY:
        raise ValidationError.for_field("kind", f"must be one of {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[key]


def all_kinds() -> list[ProposalKind]:
    return sorted(_REGISTRY.values(), key=lambda k: k.label)


def payload_error(field_name: str, problem: str) -> ValidationError:
    """A payload problem, reported under `fields["payload.<name>"]`."""
    return ValidationError.for_field(f"payload.{field_name}", problem)


def require_mapping(payload: object) -> dict:
    if not isinstance(payload, dict):
        raise ValidationError.for_field("payload", "must be an object")
    return payload
