"""Regions: creating them, reading and changing their parameters, and their public figures."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from govern.database import write_transaction
from govern.errors import Conflict, NotFound, ValidationError
from govern.ledger.models import CAPITAL_POOL, USD_RESERVE
from govern.ledger.service import open_region_accounts, region_balances, rsc_outstanding
from govern.members.models import MEMBER_ACTIVE, Member
from govern.regions import parameters
from govern.regions.models import REGION_ACTIVE, ParameterChange, Region, RegionParameter


MAX_FOUNDING_PARAMETERS = 500


def create_region(session: Session, name: str, now: datetime, parent_id: int | None = None,
                  founding: dict[str, str] | None = None) -> Region:
    """A new region; `founding` parameters (checked by `check_founding_parameters`) replace the
    defaults from the start, each recorded as a change caused by the founding."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationError.for_field("name", "must be 1 to 120 characters")
    with write_transaction(session):
        region = Region(name=name, parent_id=parent_id, status=REGION_ACTIVE, created_at=now)
        session.add(region)
        session.flush()
        open_region_accounts(session, region.id, now)
        for key, value in (founding or {}).items():
            set_parameter(session, region.id, key, value, cause_type="founding", cause_id=None, now=now)
    return region


def check_founding_parameters(raw: object) -> dict[str, str]:
    """A founding parameters file's content: an object of region parameter names (floors
    included) to values as strings, each within its bounds. Raises a ValidationError whose message
    is one line naming the first problem."""
    if not isinstance(raw, dict):
        raise ValidationError("The parameters must be a JSON object of names to values.")
    if len(raw) > MAX_FOUNDING_PARAMETERS:
        raise ValidationError(f"At most {MAX_FOUNDING_PARAMETERS} parameters.")
    checked = {}
    for name, value in raw.items():
        spec = parameters.SPECS.get(name)
        if spec is None:
            raise ValidationError(f"{str(name)[:80]!r} is not a region parameter; they are: {parameters.known_names()}.")
        try:
            checked[name] = spec.validate(value, name)
        except ValidationError as error:
            raise ValidationError(f"{name} {error.fields[name][0]} (it is {json.dumps(value)[:80]}).") from None
    return checked


def get_region(session: Session, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None:
        raise NotFound("No such region.")
    return region


def require_active(session: Session, region_id: int) -> None:
    """A dissolved region is read-only: its records stay public, nothing new happens in it."""
    if get_region(session, region_id).status != REGION_ACTIVE:
        raise Conflict("This region is dissolved: its records are read-only.", code="region_dissolved")


def find_region_by_name(session: Session, name: str) -> Region | None:
    return session.execute(select(Region).where(Region.name == name)).scalar_one_or_none()


def default_region(session: Session) -> Region | None:
    """The region a newcomer joins when they do not choose one: the oldest active region."""
    return session.execute(
        select(Region).where(Region.status == REGION_ACTIVE).order_by(Region.id).limit(1)
    ).scalar_one_or_none()


def list_regions(session: Session, *, after: int | None, limit: int) -> list[Region]:
    query = select(Region).order_by(Region.id.desc()).limit(limit)
    if after is not None:
        query = query.where(Region.id < after)
    return list(session.execute(query).scalars())


def all_parameters(session: Session, region_id: int) -> dict[str, str]:
    """The plain parameters (family values, such as an occupation's factors, are shown where
    their rows are, e.g. on the wage pages)."""
    values = parameters.defaults()
    rows = session.execute(
        select(RegionParameter.name, RegionParameter.value).where(RegionParameter.region_id == region_id)
    ).all()
    values.update(dict(rows))
    return values


def parameter(session: Session, region_id: int, name: str) -> Decimal:
    resolved = parameters.family_parameter(name)
    if resolved is None:
        return Decimal(all_parameters(session, region_id)[parameters.spec(name).name])
    return Decimal(_family_value(session, region_id, resolved))


def check_parameter_name(session: Session, region_id: object, name: object) -> str:
    """The canonical name of a parameter the region has, or ValidationError on "name". Plain
    parameters always exist; a family's once its row does (an occupation somebody uses)."""
    if not isinstance(name, str) or not name:
        raise ValidationError.for_field("name", f"must be one of {parameters.known_names()}")
    if name in parameters.SPECS:
        return name
    resolved = parameters.family_parameter(name)
    if resolved is None:
        raise ValidationError.for_field("name", f"must be one of {parameters.known_names()}")
    _family_value(session, region_id, resolved)
    return resolved.spec.name


def _family_value(session: Session, region_id: int, resolved: parameters.FamilyParameter) -> str:
    value = resolved.family.read(session, region_id, resolved.key, resolved.field)
    if value is None:
        raise ValidationError.for_field(
            "name", f"this region has no {resolved.family.label.lower()} named {resolved.key!r} yet")
    return value


def set_parameter(
    session: Session, region_id: int, name: str, value: str, *, cause_type: str, cause_id: str | int | None,
    now: datetime,
) -> ParameterChange:
    """Set a parameter (validated against its bounds) and record the change and its cause. A
    family parameter is written through its family, onto that area's row."""
    spec = parameters.spec(name)
    canonical = spec.validate(value)
    resolved = parameters.family_parameter(spec.name)
    with write_transaction(session):
        if resolved is None:
            old = _write_plain(session, region_id, spec, canonical)
        else:
            old = resolved.family.read(session, region_id, resolved.key, resolved.field) or spec.default
            resolved.family.write(session, region_id, resolved.key, resolved.field, canonical, now)
        change = ParameterChange(
            region_id=region_id, name=spec.name, old_value=old, new_value=canonical, cause_type=cause_type,
            cause_id=None if cause_id is None else str(cause_id), changed_at=now,
        )
        session.add(change)
        session.flush()
    return change


def _write_plain(session: Session, region_id: int, spec: parameters.ParameterSpec, canonical: str) -> str:
    row = session.execute(
        select(RegionParameter).where(RegionParameter.region_id == region_id, RegionParameter.name == spec.name)
    ).scalar_one_or_none()
    if row is None:
        session.add(RegionParameter(region_id=region_id, name=spec.name, value=canonical))
        return spec.default
    old, row.value = row.value, canonical
    return old


def parameter_history(session: Session, region_id: int, *, limit: int = 50) -> list[ParameterChange]:
    return list(session.execute(
        select(ParameterChange).where(ParameterChange.region_id == region_id)
        .order_by(ParameterChange.id.desc()).limit(limit)
    ).scalars())


def board_members(session: Session, region_id: int, *, limit: int = 50) -> list[tuple[int, str]]:
    """(id, name) of the region's active board members (a handful: found on the board index)."""
    return [tuple(row) for row in session.execute(
        select(Member.id, Member.name).where(Member.region_id == region_id, Member.is_board.is_(True),
                                             Member.status == MEMBER_ACTIVE).order_by(Member.id).limit(limit)).all()]


def end_provisional_board(session: Session, region_id: int) -> None:
    """A board election carried out: whoever a split named is no longer a provisional board (the
    election replaced the board as it replaces any)."""
    session.execute(update(Region).where(Region.id == region_id, Region.board_provisional.is_(True))
                    .values(board_provisional=False))


def active_member_count(session: Session, region_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Member).where(Member.region_id == region_id, Member.status == MEMBER_ACTIVE)
    ).scalar_one()


@dataclass(frozen=True)
class Asset:
    """Something the members own together besides the pool, valued by the area that holds it."""

    key: str
    label: str
    value: Callable[[Session, int], int]  # (session, region_id) -> RSC cents


ASSETS: dict[str, Asset] = {}


def register_asset(asset: Asset) -> Asset:
    """Areas add what they hold of the co-op's (the inventory, region-owned companies' balances), so
    regions never imports them. Registering the same key again replaces it."""
    ASSETS[asset.key] = asset
    return asset


@dataclass(frozen=True)
class RegionSummary:
    region: Region
    parameters: dict[str, str]
    capital_pool: int
    usd_reserve: int
    rsc_outstanding: int
    member_count: int
    holdings: tuple[tuple[str, str, int], ...] = ()  # (key, label, RSC cents) of each registered asset

    @property
    def co_op_assets(self) -> int:
        """What the members own together, in RSC: the pool and every registered asset."""
        return self.capital_pool + sum(amount for _, _, amount in self.holdings)

    @property
    def equal_share(self) -> int:
        """Each active member's equal share of the co-op's assets, in RSC minor units."""
        return self.co_op_assets // self.member_count if self.member_count else 0


def summary(session: Session, region_id: int) -> RegionSummary:
    region = get_region(session, region_id)
    balances = region_balances(session, region_id)
    return RegionSummary(
        region=region,
        parameters=all_parameters(session, region_id),
        capital_pool=balances.get(CAPITAL_POOL, 0),
        usd_reserve=balances.get(USD_RESERVE, 0),
        rsc_outstanding=rsc_outstanding(balances),
        member_count=active_member_count(session, region_id),
        holdings=tuple((a.key, a.label, a.value(session, region_id)) for a in ASSETS.values()),
    )
