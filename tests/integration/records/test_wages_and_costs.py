"""Region-owned companies' wages by occupation (never a name) and what companies and facilities cost."""
import dataclasses

import pytest

from govern.errors import ValidationError
from govern.records import service


def test_region_owned_wages_are_counted_by_occupation_and_month_without_names(session, scenario):
    rows, cursor = service.wages_by_occupation(session, scenario.region.id, cursor=None, limit=50)
    assert cursor is None
    shown = [(r.month, r.occupation, r.people, r.centihours, r.paid, r.average_hourly) for r in rows]
    assert shown == [("2026-11", "baker", 1, 1000, 22000, 2200),
                     ("2026-10", "baker", 1, 2000, 44000, 2200),
                     ("2026-10", "cashier", 1, 1000, 15000, 1500)]
    assert {f.name for f in dataclasses.fields(service.WageRow)} == {"month", "occupation", "people", "centihours", "paid"}


def test_worker_owned_companies_wages_stay_private(session, scenario):
    for region in (scenario.region, scenario.child):
        rows, _ = service.wages_by_occupation(session, region.id, cursor=None, limit=50)
        assert "mechanic" not in {r.occupation for r in rows}


def test_the_average_hourly_wage_is_rounded_half_up_to_the_cent():
    assert service.WageRow("2026-11", "baker", 2, 300, 1001).average_hourly == 334
    assert service.WageRow("2026-11", "baker", 1, 0, 0).average_hourly == 0


@pytest.mark.parametrize("listing", ["wages_by_occupation", "running_costs"])
def test_paging_by_cursor_returns_every_row_once(session, scenario, listing):
    read = getattr(service, listing)
    everything, _ = read(session, scenario.region.id, cursor=None, limit=200)
    paged, cursor = [], None
    while True:
        rows, cursor = read(session, scenario.region.id, cursor=cursor, limit=1)
        paged += rows
        if cursor is None:
            break
    assert paged == everything and len(everything) >= 3


def test_costs_count_payroll_the_purchase_the_grant_and_the_facility(session, scenario):
    rows, _ = service.running_costs(session, scenario.region.id, cursor=None, limit=50)
    shown = [(r.month, r.unit_type, r.name, r.payroll, r.pool_paid, r.total) for r in rows]
    assert shown == [("2026-11", "company", "Corner Bakery", 22000, 5000, 27000),
                     ("2026-11", "facility", "Community kitchen", 0, 4000, 4000),
                     ("2026-10", "company", "Corner Bakery", 59000, 3000, 62000)]
    child, _ = service.running_costs(session, scenario.child.id, cursor=None, limit=50)
    assert child == []


@pytest.mark.parametrize("cursor", ["nonsense", "W10", "WyJ4IiwgIngiXQ", "WzEsMl0"])
def test_a_cursor_this_list_did_not_give_is_refused(session, scenario, cursor):
    with pytest.raises(ValidationError) as error:
        service.wages_by_occupation(session, scenario.region.id, cursor=cursor, limit=5)
    assert "cursor" in error.value.fields
