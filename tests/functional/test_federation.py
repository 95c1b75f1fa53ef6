"""The federation page and `GET /api/v1/federation`: every region's public figures, their totals,
the chain head; public, never a member's own wallet, and a fixed handful of queries."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from govern.extensions import db
from govern.ledger.models import EXTERNAL, USD_RESERVE
from govern.ledger.service import Leg, post, region_account
from govern.members import service as members
from govern.regions import service as regions
from tests.funding import buy_rsc, fill_pool
from tests.functional.test_pages import login


def rsc(amount):
    return {"amount": amount, "currency": "RSC"}


def usd(amount):
    return {"amount": amount, "currency": "USD"}


@pytest.fixture
def two_regions(region, member, make_member, now):
    """Riverside: Alice holds 190.00 RSC, the pool 30.00, the reserve 220.00 USD backs all 220.00.
    Hilltop: Hugo holds 50.00, an outside gift of 10.00 USD sits in its reserve besides (60.00 for
    50.00 outstanding); Hazel is active, Hank left. Emptyvale has nothing and nobody."""
    buy_rsc(db.session, member, 100_00, now)
    fill_pool(db.session, region.id, member, 30_00, now)
    hilltop = regions.create_region(db.session, "Hilltop", now)
    hugo = make_member(name="Hugo Hill", email="hugo@example.org", region_id=hilltop.id)
    make_member(name="Hazel Hill", email="hazel@example.org", region_id=hilltop.id)
    hank = make_member(name="Hank Hill", email="hank@example.org", region_id=hilltop.id)
    members.leave(db.session, hank, now)
    buy_rsc(db.session, hugo, 50_00, now)
    post(db.session, [Leg(region_account(db.session, hilltop.id, EXTERNAL), -10_00),
                      Leg(region_account(db.session, hilltop.id, USD_RESERVE), 10_00)],
         memo="An outside gift kept in the reserve", cause_type="test", cause_id=None, now=now, region_id=hilltop.id)
    db.session.commit()
    emptyvale = regions.create_region(db.session, "Emptyvale", now)
    return region, hilltop, emptyvale


def test_the_federation_answers_each_regions_figures_and_the_totals_without_a_token(api, two_regions):
    riverside, hilltop, emptyvale = two_regions
    answer = api.get("/federation")
    assert answer.status_code == 200
    body = answer.get_json()
    head = api.get("/records/chain-head").get_json()
    assert body["regions"] == [
        {"id": riverside.id, "name": "Riverside", "status": "active", "member_count": 1, "capital_pool": rsc("30.00"),
         "usd_reserve": usd("220.00"), "rsc_outstanding": rsc("220.00"), "backing_ratio": "1.0000",
         "chain_head": head["hash"]},
        {"id": hilltop.id, "name": "Hilltop", "status": "active", "member_count": 2, "capital_pool": rsc("0.00"),
         "usd_reserve": usd("60.00"), "rsc_outstanding": rsc("50.00"), "backing_ratio": "1.2000",
         "chain_head": head["hash"]},
        {"id": emptyvale.id, "name": "Emptyvale", "status": "active", "member_count": 0, "capital_pool": rsc("0.00"),
         "usd_reserve": usd("0.00"), "rsc_outstanding": rsc("0.00"), "backing_ratio": None,
         "chain_head": head["hash"]},
    ]
    # The ratio of the totals (280 / 270), not the mean of the ratios.
    assert body["totals"] == {"region_count": 3, "member_count": 3, "capital_pool": rsc("30.00"),
                              "usd_reserve": usd("280.00"), "rsc_outstanding": rsc("270.00"),
                              "backing_ratio": "1.0370", "chain_head": head["hash"],
                              "chain_head_entry_id": head["entry_id"]}


def test_each_regions_figures_agree_with_its_own_public_page(api, two_regions):
    for row in api.get("/federation").get_json()["regions"]:
        region = api.get(f"/regions/{row['id']}").get_json()
        for figure in ("capital_pool", "usd_reserve", "rsc_outstanding", "member_count", "name", "status"):
            assert row[figure] == region[figure]


def test_the_federation_reveals_no_members_wallet_name_or_email(api, client, two_regions):
    """Alice's 190.00 RSC and Hugo's 50.00 are private: only the regions' own accounts are shown."""
    body = api.get("/federation").get_json()
    assert set(body) == {"regions", "totals"}
    assert all(set(row) == {"id", "name", "status", "member_count", "capital_pool", "usd_reserve", "rsc_outstanding",
                            "backing_ratio", "chain_head"} for row in body["regions"])
    page = client.get("/federation").get_data(as_text=True)
    for private in ("190.00", "Alice", "alice@example.org", "Hugo", "hugo@example.org", "/accounts/"):
        assert private not in str(body) and private not in page


def test_the_federation_page_is_public_and_shows_the_figures_and_totals(client, two_regions):
    riverside, hilltop, emptyvale = two_regions
    response = client.get("/federation")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="/regions/{hilltop.id}"' in page and "Emptyvale" in page
    assert "220.00 USD" in page and "270.00 RSC" in page and "280.00 USD" in page
    assert "120%" in page and "103.7%" in page and "nothing outstanding" in page
    assert "All 3 regions" in page and "Verify the record" in page
    head = client.get("/api/v1/records/chain-head").get_json()
    assert head["hash"] in page


def test_the_federation_is_linked_from_every_page_and_from_each_region(client, region):
    assert 'href="/federation"' in client.get("/").get_data(as_text=True)
    assert 'href="/federation"' in client.get(f"/regions/{region.id}").get_data(as_text=True)
    assert 'href="/federation"' in client.get("/regions").get_data(as_text=True)


def test_the_federation_page_reads_well_before_anything_happened(app, client):
    """No region, no entry yet: an empty table and no chain head to show, not an error."""
    page = client.get("/federation").get_data(as_text=True)
    assert "No regions yet." in page and "there is none yet" in page
    assert client.get("/api/v1/federation").get_json()["totals"]["backing_ratio"] is None


def test_a_logged_in_member_sees_the_same_public_figures(client, api, member, two_regions):
    anonymous = api.get("/federation").get_json()
    assert api.as_member(member).get("/federation").get_json() == anonymous
    login(client)
    assert "280.00 USD" in client.get("/federation").get_data(as_text=True)


def _statements_for(client, path: str) -> int:
    count = {"n": 0}

    def counted(*_args):
        count["n"] += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count["n"]


def test_the_figures_take_the_same_few_queries_however_many_regions(client, two_regions, make_member, now):
    """Counted in SQL with GROUP BY: ten more regions with members add no statement."""
    api_before, page_before = _statements_for(client, "/api/v1/federation"), _statements_for(client, "/federation")
    for n in range(10):
        more = regions.create_region(db.session, f"Valley {n}", now)
        make_member(region_id=more.id)
    assert _statements_for(client, "/api/v1/federation") == api_before <= 4
    assert _statements_for(client, "/federation") == page_before
