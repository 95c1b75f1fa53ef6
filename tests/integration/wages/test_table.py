"""The wage table against the database: occupations, rows with history, the current table,
what a worker gets on a given day, and the calculator with the region's factors."""
from datetime import timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import govern.wages.kinds  # noqa: F401  registers the wage kinds and the factor parameters
from govern.errors import Conflict, ValidationError
from govern.regions import service as regions
from govern.wages import service as wages
from govern.wages.models import Occupation

UTC = timezone.utc


def set_wage(session, region, occupation, industry, minor, at, **delays):
    return wages.set_wage(session, region.id, occupation, industry, minor, now=at, cause_type="test",
                          cause_id=None, **delays)


def test_an_occupation_is_created_once_with_the_starting_factors(session, region, now):
    first = wages.ensure_occupation(session, region.id, "Machine Operator", now)
    again = wages.ensure_occupation(session, region.id, "machine operator", now)
    assert first.id == again.id
    assert (first.name, first.label) == ("machine_operator", "Machine Operator")
    assert (first.need, first.skill, first.stress, first.danger) == ("0.5", "0.5", "0.5", "0.5")
    assert (first.industry_weight, first.productivity_range) == ("0.5", "0.2")
    assert session.execute(select(func.count()).select_from(Occupation)).scalar_one() == 1
    assert wages.ensure_industry(session, region.id, "Construction", now).need == "0.5"


def test_the_current_table_holds_the_latest_row_of_each_occupation_and_industry(session, region, now):
    set_wage(session, region, "welder", None, 2000, now)
    set_wage(session, region, "welder", "shipbuilding", 2400, now + timedelta(hours=1))
    set_wage(session, region, "nurse", None, 2600, now + timedelta(hours=2))
    latest = set_wage(session, region, "welder", None, 2200, now + timedelta(hours=3))
    table = wages.current_table(session, region.id)
    assert [(r.rate.occupation, r.rate.industry, r.rate.hourly_wage_minor) for r in table] == [
        ("welder", None, 2200), ("nurse", None, 2600), ("welder", "shipbuilding", 2400)]
    assert table[0].rate.id == latest.id and table[0].occupation_label == "Welder"
    first_page = wages.current_table(session, region.id, limit=2)
    rest = wages.current_table(session, region.id, before=first_page[-1].rate.id, limit=2)
    assert [r.rate.occupation for r in first_page + rest] == ["welder", "nurse", "welder"]
    assert [r.hourly_wage_minor for r in wages.history(session, region.id, "welder", None)] == [2000, 2200]


def test_a_new_row_takes_the_regions_cut_delays_unless_given_its_own(session, region, now):
    default = set_wage(session, region, "welder", None, 2000, now)
    assert (default.reduction_delay_days, default.reduction_decay_days) == (30, 90)
    own = set_wage(session, region, "welder", None, 1900, now, reduction_delay_days=0, reduction_decay_days=7)
    assert (own.reduction_delay_days, own.reduction_decay_days) == (0, 7)


def test_a_wage_must_be_positive_and_never_dated_before_the_current_row(session, region, now):
    with pytest.raises(ValidationError) as error:
        set_wage(session, region, "welder", None, 0, now)
    assert "hourly_wage" in error.value.fields
    with pytest.raises(ValidationError) as error:
        set_wage(session, region, "welder", None, 100, now, reduction_delay_days=-1)
    assert "reduction_delay_days" in error.value.fields
    set_wage(session, region, "welder", None, 2000, now)
    with pytest.raises(Conflict):
        set_wage(session, region, "welder", None, 2100, now - timedelta(days=1))


def test_decay_through_the_database_on_exact_dates(session, region, now):
    hired = now - timedelta(days=100)
    set_wage(session, region, "welder", None, 3000, now - timedelta(days=200))
    set_wage(session, region, "welder", None, 2100, now, reduction_delay_days=30, reduction_decay_days=90)
    cut_day = now.date()

    def wage(days, hired_at=hired):
        return wages.wage_for_worker(session, region.id, "welder", None, hired_at, cut_day + timedelta(days=days))

    assert [wage(-1), wage(29), wage(30 + 45), wage(30 + 90)] == [3000, 3000, 2550, 2100]
    assert wage(0, hired_at=now) == 2100  # hired at the cut: the new wage at once
    assert wages.wage_for_worker(session, region.id, "nurse", None, hired, cut_day) is None


def test_an_industrys_own_rows_come_first_and_the_general_row_applies_while_it_has_none(session, region, now):
    hired = now - timedelta(days=300)
    set_wage(session, region, "welder", None, 2000, now - timedelta(days=200))
    set_wage(session, region, "welder", "shipbuilding", 2500, now - timedelta(days=100))
    set_wage(session, region, "welder", None, 1000, now - timedelta(days=50), reduction_delay_days=0,
             reduction_decay_days=0)

    def wage(industry, days_ago):
        on = (now - timedelta(days=days_ago)).date()
        return wages.wage_for_worker(session, region.id, "welder", industry, hired, on)

    assert wage("shipbuilding", 150) == 2000  # no row of its own yet
    assert wage("shipbuilding", 10) == 2500  # its own row; the general cut does not touch it
    assert wage("farming", 10) == 1000
    assert wage(None, 150) == 2000


def test_many_workers_are_priced_with_one_query(session, region, now):
    from sqlalchemy import event

    set_wage(session, region, "welder", None, 2000, now - timedelta(days=10))
    set_wage(session, region, "nurse", "health", 2600, now - timedelta(days=10))
    terms = [wages.WorkerTerms("welder", None, now - timedelta(days=n)) for n in range(50)]
    terms += [wages.WorkerTerms("Nurse", "Health", now), wages.WorkerTerms("cook", None, now)]
    statements = []

    def listener(conn, cursor, statement, *rest):
        statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        result = wages.wages_for_workers(session, region.id, terms, now.date())
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len([s for s in statements if "wage_rates" in s]) == 1
    assert result[terms[0]] == 2000 and result[terms[-2]] == 2600 and result[terms[-1]] is None


def test_the_calculator_uses_the_regions_factors_and_constants(session, region, now):
    assert wages.calculate_wage(session, region.id, "welder", None, Decimal("0.5")) == 2400  # nothing created
    assert wages.find_occupation(session, region.id, "welder") is None
    wages.ensure_occupation(session, region.id, "welder", now)
    wages.ensure_industry(session, region.id, "shipbuilding", now)
    for factor in ("need", "skill", "stress", "danger", "industry_weight"):
        regions.set_parameter(session, region.id, f"occupation.welder.{factor}", "1", cause_type="test",
                              cause_id=None, now=now)
    regions.set_parameter(session, region.id, "industry.shipbuilding.need", "1", cause_type="test", cause_id=None,
                          now=now)
    regions.set_parameter(session, region.id, "wage_multiplier", "85", cause_type="test", cause_id=None, now=now)
    regions.set_parameter(session, region.id, "minimum_wage", "0", cause_type="test", cause_id=None, now=now)
    results = [wages.calculate_wage(session, region.id, "Welder", "shipbuilding", Decimal(p))
               for p in ("0", "0.5", "1")]
    assert results == [8000, 10000, 12000]
    with pytest.raises(ValidationError) as error:
        wages.calculate_wage(session, region.id, "welder", None, Decimal("1.5"))
    assert "productivity" in error.value.fields
