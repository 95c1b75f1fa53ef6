"""Who may do what: roles and their permissions, declared in one place.

Services call `require(actor, permission)` before they change anything. A passed proposal
acts with the role `proposal` (see later areas), through the same services as a person.
"""
from __future__ import annotations

from typing import Protocol

from govern.errors import Forbidden

ROLE_MEMBER = "member"
ROLE_BOARD = "board"
ROLE_FORMER_MEMBER = "former_member"

# A member who left keeps only what concerns their own money.
_FORMER = {"view_own_account", "convert_rsc_to_usd", "own_settings"}
_MEMBER = _FORMER | {"convert_usd_to_rsc", "leave", "vote", "propose"}
# audit_ledger: the ledger export with every account of the board's region one by one (records/exports.py).
_BOARD = _MEMBER | {"view_member_email", "board_actions", "audit_ledger"}

PERMISSIONS: dict[str, frozenset[str]] = {
    ROLE_FORMER_MEMBER: frozenset(_FORMER),
    ROLE_MEMBER: frozenset(_MEMBER),
    ROLE_BOARD: frozenset(_BOARD),
}

ALL_PERMISSIONS = frozenset().union(*PERMISSIONS.values())


class Actor(Protocol):
    @property
    def roles(self) -> list[str]: ...


def can(actor: Actor | None, permission: str) -> bool:
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"undeclared permission {permission!r}")
    if actor is None:
        return False
    return any(permission in PERMISSIONS.get(role, ()) for role in actor.roles)


def require(actor: Actor | None, permission: str, message: str | None = None) -> None:
    if not can(actor, permission):
        raise Forbidden(message or "You are not allowed to do this.")
