"""The registry of proposal kinds.

A kind is a small frozen object: its key and label, how to clean its payload, its default
voting rule and its floor (see constitution.py), who carries it out, and one `apply` function
that changes the books when it passes. Areas register their kinds at import (see
`govern/<area>/kinds.py`); the lifecycle in `proposals.service` only ever looks kinds up here, so
adding a kind never touches it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Callable

from sqlalchemy.orm import Session

from govern.errors import ValidationError
from govern.proposals import constitution
from govern.proposals.constitution import Floor
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
    # "text" | "decimal" | "integer" | "select" | "member_list" (people by name or number) | "company" (by name
    # or number) | "textarea" | "datetime"
    kind: str = "text"
    help: str = ""
    # (value, label) pairs, or a function giving them when the form is built (a list that grows
    # as areas register, such as the parameters)
    choices: tuple[tuple[str, str], ...] | Callable[[], tuple[tuple[str, str], ...]] = ()
    required: bool = True

    def choice_pairs(self) -> tuple[tuple[str, str], ...]:
        return self.choices() if callable(self.choices) else self.choices


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
    # The constitution: the default floor (the region's parameters quorum.<key>, threshold.<key>,
    # min_voting_days.<key> start from it); `method` names the default rule's voting method so the
    # floor can be put in words before there is a payload; `floor_keys(payload)` names the floors a
    # payload must meet when it is more than the kind's own (all of them, the strictest of each
    # setting); `other_floors` says on the form when those apply: ((when, floor key), ...).
    floor: Floor = Floor()
    method: str = "yes_no"
    floor_keys: Callable[[dict], tuple[str, ...]] | None = None
    other_floors: tuple[tuple[str, str], ...] = ()
    # When ballots may be cast, if later than the opening (a nomination window first).
    ballots_open_at: Callable[[dict], datetime | None] | None = None
    # A section the kind adds to its proposals' page: panel(ctx, proposal) -> (template, context) or None.
    panel: Callable[[Context, "Proposal"], tuple[str, dict] | None] | None = None
    # The payload without what only the board of the region may read (people's emails); None: all public.
    public_payload: Callable[[dict], dict] | None = None
    # Sentences the new-proposal form shows before it is filled in (what the choice will mean here).
    form_notes: Callable[[Context], list[str]] | None = None

    def __post_init__(self):
        if self.carried_out_by not in (AUTOMATIC, BOARD):
            raise ValueError(f"{self.key}: carried_out_by must be {AUTOMATIC!r} or {BOARD!r}")
        if not self.customizable <= CUSTOMIZABLE:
            raise ValueError(f"{self.key}: unknown voting settings {sorted(self.customizable - CUSTOMIZABLE)}")

    def floors_for(self, payload: dict) -> tuple[str, ...]:
        return self.floor_keys(payload) if self.floor_keys else (self.key,)

    def payload_from_form(self, values: dict) -> dict:
        if self.form_to_payload:
            return self.form_to_payload(values)
        return {f.name: values.get(f.name) for f in self.form_fields if values.get(f.name) not in (None, "")}


_REGISTRY: dict[str, ProposalKind] = {}


def register(kind: ProposalKind) -> ProposalKind:
    """Add a kind, and its floor to the region parameters. Registering the same key twice
    replaces it (module reloads in tests)."""
    if kind.key == constitution.CONSTITUTION:
        raise ValueError(f"{kind.key!r} names the constitution's floor, not a kind")
    _REGISTRY[kind.key] = kind
    constitution.register_floor(kind.key, kind.label, kind.floor)
    return kind


def unregister(key: str) -> None:
    if _REGISTRY.pop(key, None) is not None:
        constitution.unregister_floor(key)


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


def require_status_quo(current: Decimal | None, minimum: Decimal, maximum: Decimal, current_text: str) -> None:
    """Keeping things as they are is always a choice: a range members vote in must hold the
    current value (400 on `min` or `max`, and on `payload.min` or `payload.max`)."""
    if current is None or minimum <= current <= maximum:
        return
    side, bound = ("min", "at most") if current < minimum else ("max", "at least")
    problem = f"must be {bound} the current value {current_text}: keeping it as it is must stay a choice"
    raise ValidationError(f"The range must include the current value {current_text}.",
                          fields={f"payload.{side}": [problem], side: [problem]})
