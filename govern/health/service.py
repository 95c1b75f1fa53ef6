"""The group health plan.

A member's *inside share* over the region's rolling period (`health_plan_period_days`, ending
now) is, in RSC cents counted by the database:

    inside  = orders the member paid from their own wallet + rent they paid + contributions they
              gave (from their balance or from their pay)
    outside = RSC they converted to USD (by hand or automatically from their pay)
    share   = inside ÷ (inside + outside); none when both are zero

Members whose share is at least `health_plan_min_inside_share` may enroll (checked when they
enroll). Each month the scheduler pays every enrolled member's premium (`health_plan_premium`,
RSC, rounded half up to the cent): the member pays `health_plan_member_share` of it (half up),
the capital pool the rest. The insurer is outside the co-op, so the premium is redeemed at par
and leaves the USD reserve, as any outside purchase: backing is kept. One premium per member and
month, so the job can run any number of times; a member who cannot pay is flagged and retried.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from govern import access
from govern.database import write_transaction
from govern.errors import Conflict, InsufficientFunds, NotFound
from govern.facilities.models import PAID as RENT_PAID
from govern.facilities.models import RentCharge, Tenancy
from govern.months import month_of
from govern.health.models import ENROLLED, LEFT, PAID, UNPAID, HealthEnrollment, HealthPremium
from govern.ledger.exchange import member_wallet
from govern.ledger.models import (
    CAPITAL_POOL,
    CONVERSION_RSC_TO_USD,
    EXTERNAL,
    ISSUANCE,
    USD_RESERVE,
    Contribution,
    Conversion,
)
from govern.ledger.service import Leg, post, region_account
from govern.market.models import Order
from govern.members.models import Member
from govern.regions import service as regions
from govern.regions.models import REGION_ACTIVE

SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class InsideShare:
    inside: int
    outside: int
    since: datetime
    days: int  # the rolling period's length, ending now
    minimum: Decimal

    @property
    def share(self) -> Decimal | None:
        total = self.inside + self.outside
        return None if total == 0 else Decimal(self.inside) / Decimal(total)

    @property
    def shown(self) -> str | None:
        share = self.share
        return None if share is None else str(share.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP))

    @property
    def eligible(self) -> bool:
        """Exact: inside ≥ minimum × (inside + outside), with some commerce to count."""
        total = self.inside + self.outside
        return total > 0 and Decimal(self.inside) >= self.minimum * Decimal(total)


def inside_share(session: Session, member: Member, now: datetime) -> InsideShare:
    """The member's inside share over the rolling period ending now, summed in one SQL query."""
    days = int(regions.parameter(session, member.region_id, "health_plan_period_days"))
    minimum = regions.parameter(session, member.region_id, "health_plan_min_inside_share")
    since = now - timedelta(days=days)
    inside, outside = literal("inside"), literal("outside")
    sources = union_all(
        select(inside.label("side"), Order.total_minor.label("amount")).where(
            Order.buyer_id == member.id, Order.paid_by_company_id.is_(None), Order.created_at > since,
            Order.created_at <= now),
        select(inside, RentCharge.rent_minor).join(Tenancy, Tenancy.id == RentCharge.tenancy_id).where(
            Tenancy.member_id == member.id, Tenancy.company_id.is_(None), RentCharge.status == RENT_PAID,
            RentCharge.paid_at > since, RentCharge.paid_at <= now),
        select(inside, Contribution.amount_minor).where(
            Contribution.member_id == member.id, Contribution.created_at > since, Contribution.created_at <= now),
        select(outside, Conversion.debited_minor).where(
            Conversion.member_id == member.id, Conversion.direction == CONVERSION_RSC_TO_USD,
            Conversion.created_at > since, Conversion.created_at <= now),
    ).subquery()
    totals = dict(session.execute(select(sources.c.side, func.sum(sources.c.amount)).group_by(sources.c.side)).all())
    return InsideShare(int(totals.get("inside") or 0), int(totals.get("outside") or 0), since, days, minimum)


def enrollment_of(session: Session, member_id: int) -> HealthEnrollment | None:
    return session.execute(select(HealthEnrollment).where(HealthEnrollment.enrolled_key == member_id)).scalar_one_or_none()


def premium_minor(session: Session, region_id: int) -> int:
    premium = regions.parameter(session, region_id, "health_plan_premium")
    return int((premium * 100).to_integral_value(rounding=ROUND_HALF_UP))


def plan_offered(session: Session, region_id: int) -> bool:
    """A premium of 0 (the default) means the region offers no plan yet."""
    return premium_minor(session, region_id) > 0


def enroll(session: Session, member: Member, now: datetime) -> HealthEnrollment:
    """Enroll if the plan is offered and the member's inside share reaches the minimum; else 409."""
    access.require(member, "propose", "Members who left cannot enroll.")
    with write_transaction(session):
        regions.require_active(session, member.region_id)
        if not plan_offered(session, member.region_id):
            raise Conflict("The region offers no health plan yet: its premium is 0.", code="no_health_plan")
        if enrollment_of(session, member.id) is not None:
            raise Conflict("You are already enrolled.", code="already_enrolled")
        share = inside_share(session, member, now)
        if not share.eligible:
            found = "no commerce to count" if share.share is None else f"{_in_percent(share.share)} of your commerce"
            raise Conflict(f"The plan is for members who do at least {_in_percent(share.minimum)} of their commerce inside the "
                           f"co-op; over the last {share.days} days you did {found}.", code="inside_share_too_low")
        row = HealthEnrollment(region_id=member.region_id, member_id=member.id, status=ENROLLED,
                               enrolled_key=member.id, inside_share=share.shown, enrolled_at=now)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("You are already enrolled.", code="already_enrolled") from None
    return row


def leave(session: Session, member: Member, now: datetime) -> HealthEnrollment:
    with write_transaction(session):
        row = enrollment_of(session, member.id)
        if row is None:
            raise NotFound("You are not enrolled.")
        _end(row, now)
    return row


def _end(row: HealthEnrollment, now: datetime) -> None:
    row.status, row.enrolled_key, row.left_at = LEFT, None, now


def enrolled_members(session: Session, board: Member, *, before: int | None = None,
                     limit: int = 50) -> list[tuple[HealthEnrollment, Member]]:
    """Who is enrolled (the board only: health cover is private), newest enrollment first."""
    access.require(board, "board_actions", "Only the board sees who is enrolled.")
    query = (select(HealthEnrollment, Member).join(Member, Member.id == HealthEnrollment.member_id)
             .where(HealthEnrollment.region_id == board.region_id, HealthEnrollment.status == ENROLLED))
    if before is not None:
        query = query.where(HealthEnrollment.id < before)
    return [tuple(row) for row in session.execute(query.order_by(HealthEnrollment.id.desc()).limit(limit)).all()]


def enrolled_count(session: Session, region_id: int) -> int:
    return int(session.execute(select(func.count()).select_from(HealthEnrollment).where(
        HealthEnrollment.region_id == region_id, HealthEnrollment.status == ENROLLED)).scalar_one())


def premiums_of(session: Session, member_id: int, *, limit: int = 24) -> list[HealthPremium]:
    return list(session.execute(select(HealthPremium).where(HealthPremium.member_id == member_id)
                                .order_by(HealthPremium.month.desc()).limit(limit)).scalars())


# --- the monthly premium -------------------------------------------------------------------

_BATCH = 500


def run_monthly_premiums(session: Session, now: datetime) -> dict[str, int]:
    """The scheduler's job: this month's premium for every enrolled member, then another try at
    earlier months that were not paid. Safe to run any number of times."""
    month = month_of(now)
    counts = {"paid": 0, "unpaid": 0}
    after = 0
    while True:
        ids = session.execute(select(HealthEnrollment.id).where(HealthEnrollment.status == ENROLLED,
                                                                HealthEnrollment.id > after)
                              .order_by(HealthEnrollment.id).limit(_BATCH)).scalars().all()
        if not ids:
            break
        for enrollment_id in ids:
            _count(counts, charge_premium(session, enrollment_id, month, now))
        after = ids[-1]
    after = 0
    while True:
        retries = session.execute(select(HealthPremium.enrollment_id, HealthPremium.month, HealthPremium.id).where(
            HealthPremium.status == UNPAID, HealthPremium.month < month, HealthPremium.id > after)
            .order_by(HealthPremium.id).limit(_BATCH)).all()
        if not retries:
            break
        for enrollment_id, earlier, _ in retries:
            _count(counts, charge_premium(session, enrollment_id, earlier, now))
        after = retries[-1][2]
    return counts


def _count(counts: dict[str, int], premium: HealthPremium | None) -> None:
    if premium is not None:
        counts["paid" if premium.status == PAID else "unpaid"] += 1


def charge_premium(session: Session, enrollment_id: int, month: str, now: datetime) -> HealthPremium | None:
    """Pay one member's premium for one month, or flag it unpaid; None when nothing was due."""
    with write_transaction(session):
        enrollment = session.execute(select(HealthEnrollment).where(HealthEnrollment.id == enrollment_id)
                                     .with_for_update().execution_options(populate_existing=True)).scalar_one()
        premium = session.execute(select(HealthPremium).where(HealthPremium.member_id == enrollment.member_id,
                                                              HealthPremium.month == month)).scalar_one_or_none()
        if premium is not None and premium.status == PAID:
            return None
        member = session.get(Member, enrollment.member_id)
        if regions.get_region(session, enrollment.region_id).status != REGION_ACTIVE:
            return None  # a dissolved region is read-only
        if not member.active:
            if enrollment.status == ENROLLED:
                _end(enrollment, now)
            return None
        if premium is None:
            if enrollment.status != ENROLLED:
                return None
            premium = _bill(session, enrollment, month, now)
            if premium is None:
                return None
        _try_to_pay(session, member, premium, now)
    return premium


def _bill(session: Session, enrollment: HealthEnrollment, month: str, now: datetime) -> HealthPremium | None:
    total = premium_minor(session, enrollment.region_id)
    if total == 0:
        return None
    member_share = regions.parameter(session, enrollment.region_id, "health_plan_member_share")
    member_part = int((Decimal(total) * member_share).to_integral_value(rounding=ROUND_HALF_UP))
    premium = HealthPremium(enrollment_id=enrollment.id, member_id=enrollment.member_id, region_id=enrollment.region_id,
                            month=month, premium_minor=total, member_part_minor=member_part,
                            pool_part_minor=total - member_part, status=UNPAID, attempts=0, created_at=now)
    session.add(premium)
    session.flush()
    return premium


def _try_to_pay(session: Session, member: Member, premium: HealthPremium, now: datetime) -> None:
    premium.attempts += 1
    region_id = premium.region_id
    legs = [Leg(member_wallet(session, member.id), -premium.member_part_minor),
            Leg(region_account(session, region_id, CAPITAL_POOL), -premium.pool_part_minor),
            Leg(region_account(session, region_id, ISSUANCE), premium.premium_minor),
            Leg(region_account(session, region_id, USD_RESERVE), -premium.premium_minor),
            Leg(region_account(session, region_id, EXTERNAL), premium.premium_minor)]
    try:
        entry = post(session, legs, memo=f"Group health plan premium, {premium.month}", cause_type="health_premium",
                     cause_id=premium.id, now=now, idempotency_key=f"health:{premium.member_id}:{premium.month}",
                     region_id=region_id)
    except InsufficientFunds:
        return
    premium.status, premium.entry_id, premium.paid_at = PAID, entry.id, now


def _in_percent(share: Decimal) -> str:
    """0.5 -> '50%', 0.33333 -> '33.3%'."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"
