"""A region founded from another's template: "processes will be in place".

One function copies a region's set-up onto another, `copy_setup`: every parameter value the
source holds (its constitution's floors included: quorum.*, threshold.*, min_voting_days.*),
then each registered *part* (the wages area registers its occupations, industries and wage
table), so regions never imports those areas. `govern init --from-region`, the board's page
"found a region from this one" (`found_by_board`) and a split (reorganise.py) all use it.

What the copy is not: members, a board, money, companies, inventory. A region founded from a
template starts empty and elects its board (unless `govern init` names a board account); a split
moves what it moves by its own rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.errors import Conflict, NotFound, ValidationError
from govern.ids import is_id
from govern.regions import parameters, service as regions
from govern.regions.models import REGION_ACTIVE, ParameterChange, Region, RegionParameter

TEMPLATE = "template"  # the cause recorded on what a template founding copies


@dataclass(frozen=True)
class Copying:
    """How a part copies: the cause to record, the time, and whether to keep the source's history
    (a split keeps it, so a wage cut that is phasing in goes on phasing in for the workers who
    move; a template starts its own history with the source's current values)."""

    cause_type: str
    cause_id: str | int | None
    now: datetime
    keep_history: bool = False


@dataclass(frozen=True)
class TemplatePart:
    key: str
    label: str
    copy: Callable[[Session, int, int, Copying], int]  # (session, source id, target id, how) -> rows copied


PARTS: dict[str, TemplatePart] = {}


def register_part(part: TemplatePart) -> TemplatePart:
    """Areas add what of a region's set-up they keep (registering a key again replaces it)."""
    PARTS[part.key] = part
    return part


def copy_setup(session: Session, source_id: int, target_id: int, *, cause_type: str, cause_id: str | int | None,
               now: datetime, keep_history: bool = False) -> dict[str, int]:
    """Copy the source region's set-up onto the target, inside the caller's transaction: every
    parameter row the source holds (a value it never set follows the default in both, so the two
    stay equal even when a release changes a default), each recorded as a change with the cause;
    then every registered part. Returns the rows copied, by part."""
    how = Copying(cause_type, cause_id, now, keep_history)
    with write_transaction(session):
        copied = {"parameters": _copy_parameters(session, source_id, target_id, how)}
        for part in PARTS.values():
            copied[part.key] = part.copy(session, source_id, target_id, how)
    return copied


def _copy_parameters(session: Session, source_id: int, target_id: int, how: Copying) -> int:
    source = dict(session.execute(select(RegionParameter.name, RegionParameter.value)
                                  .where(RegionParameter.region_id == source_id)).all())
    target = {row.name: row for row in session.execute(
        select(RegionParameter).where(RegionParameter.region_id == target_id)).scalars()}
    for name, value in sorted(source.items()):
        row = target.get(name)
        spec = parameters.SPECS.get(name)
        old = row.value if row is not None else spec.default if spec is not None else None
        if row is None:
            session.add(RegionParameter(region_id=target_id, name=name, value=value))
        else:
            row.value = value
        session.add(ParameterChange(region_id=target_id, name=name, old_value=old, new_value=value,
                                    cause_type=how.cause_type,
                                    cause_id=None if how.cause_id is None else str(how.cause_id),
                                    changed_at=how.now))
    session.flush()
    return len(source)


def template_region(session: Session, template_id: object) -> Region:
    """The region a new one may be founded from: an active region. Otherwise a one-line error."""
    region = session.get(Region, template_id) if is_id(template_id) else None
    if region is None:
        raise NotFound(f"There is no region {template_id} to found a region from.")
    if region.status != REGION_ACTIVE:
        raise Conflict(f"Region {region.id} ({region.name}) is dissolved: a region cannot be founded from it.",
                       code="region_dissolved")
    return region


def check_new_name(session: Session, name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 120:
        raise ValidationError.for_field("name", "must be 1 to 120 characters")
    if regions.find_region_by_name(session, name.strip()) is not None:
        raise ValidationError.for_field("name", "is already the name of a region")
    return name.strip()


def create_from_template(session: Session, template_id: int, name: str, now: datetime, *,
                         founding: dict[str, str] | None = None) -> Region:
    """A new region with the set-up of `template_id` (see `copy_setup`); `founding` parameters
    (checked by `regions.check_founding_parameters`) then override the template's values, each
    recorded with the cause `founding`. No members, no board, no money."""
    with write_transaction(session):
        template = template_region(session, template_id)
        name = check_new_name(session, name)
        region = regions.create_region(session, name, now)
        region.template_id = template.id
        copy_setup(session, template.id, region.id, cause_type=TEMPLATE, cause_id=template.id, now=now)
        for key, value in (founding or {}).items():
            regions.set_parameter(session, region.id, key, value, cause_type="founding", cause_id=None, now=now)
        session.flush()
    return region


def require_may_found(actor) -> None:
    access.require(actor, "board_actions",
                   "Only the board of an active region may found a new region from it.")


def found_by_board(session: Session, actor, name: object, now: datetime) -> Region:
    """A board member founds a region from their own (active) region as the template."""
    require_may_found(actor)
    return create_from_template(session, actor.region_id, name, now)


def founded_from(session: Session, region: Region) -> Region | None:
    return session.get(Region, region.template_id) if region.template_id is not None else None
