"""The marketplace and the inventory searched across regions: `region_id` (an id or `all`) on the
API and a region select on the pages; without it, both answer what they answered before."""
from __future__ import annotations

import pytest

from govern.companies import service as companies
from govern.extensions import db
from govern.inventory import service as inventory
from govern.market import service as market
from govern.money import Money
from govern.regions import service as regions
from tests.functional.test_pages import login


@pytest.fixture
def world(region, member, make_member, now):
    """Riverside (Alice's): a sourdough loaf and a lathe. Hilltop (Hugo's): a sourdough starter,
    hill honey and a cider press."""
    hilltop = regions.create_region(db.session, "Hilltop", now)
    hugo = make_member(name="Hugo", email="hugo@example.org", region_id=hilltop.id)
    bakery = companies.register_company(db.session, member, "Bread & Co", "bakery", now)
    orchard = companies.register_company(db.session, hugo, "Hill Orchard", "farming", now)

    def listing(admin, company, title):
        return market.create_listing(db.session, admin, company_id=company.id, kind="product", title=title,
                                     description="", price=Money(4_00, "RSC"), now=now).id

    ids = {"loaf": listing(member, bakery, "Sourdough loaf"), "starter": listing(hugo, orchard, "Sourdough starter"),
           "honey": listing(hugo, orchard, "Hill honey")}

    def item(region_id, name):
        return inventory.add_item(db.session, region_id=region_id, item=name, kind="equipment", cost_minor=50_00,
                                  currency="RSC", holder_company_id=None, proposal_id=None, now=now).id

    ids.update(lathe=item(region.id, "Wood lathe"), press=item(hilltop.id, "Cider press"),
               oven=item(hilltop.id, "Bread oven"))
    db.session.commit()
    return region, hilltop, hugo, ids


def titles(response):
    assert response.status_code == 200, response.get_json()
    return sorted(row["title"] for row in response.get_json()["items"])


def items(response):
    assert response.status_code == 200, response.get_json()
    return sorted(row["item"] for row in response.get_json()["items"])


def test_listings_without_a_region_are_still_your_regions_own(api, member, world):
    alice = api.as_member(member)
    assert titles(alice.get("/listings")) == ["Sourdough loaf"]
    assert titles(alice.get("/listings?q=sourdough")) == ["Sourdough loaf"]


def test_listings_of_another_region_or_of_every_region(api, member, world):
    riverside, hilltop, _, _ = world
    alice = api.as_member(member)
    assert titles(alice.get(f"/listings?region_id={hilltop.id}")) == ["Hill honey", "Sourdough starter"]
    assert titles(alice.get(f"/listings?region_id={riverside.id}")) == ["Sourdough loaf"]
    assert titles(alice.get("/listings?region_id=all")) == ["Hill honey", "Sourdough loaf", "Sourdough starter"]
    assert titles(alice.get("/listings?region_id=all&q=sourdough")) == ["Sourdough loaf", "Sourdough starter"]
    found = alice.get(f"/listings?region_id={hilltop.id}&q=honey").get_json()["items"]
    assert [row["region_id"] for row in found] == [hilltop.id]


def test_listings_across_regions_page_like_any_list(api, member, world):
    alice = api.as_member(member)
    first = alice.get("/listings?region_id=all&limit=2").get_json()
    second = alice.get(f"/listings?region_id=all&limit=2&cursor={first['next']}").get_json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next"] is None


def test_a_region_filter_that_is_not_an_id_is_refused_and_an_unknown_one_finds_nothing(api, member, world):
    alice = api.as_member(member)
    for bad in ("abc", "0", "-1", "2147483648", "1.5", "everywhere"):
        for path in (f"/listings?region_id={bad}", f"/inventory?region_id={bad}"):
            refused = alice.get(path)
            assert refused.status_code == 400, path
            assert "region_id" in refused.get_json()["error"]["fields"]
    assert titles(alice.get("/listings?region_id=999999")) == []
    assert items(api.get("/inventory?region_id=999999")) == []


def test_listings_stay_for_members_even_across_regions(api, world):
    assert api.get("/listings?region_id=all").status_code == 401


def test_the_inventory_without_a_region_is_still_every_regions(api, world):
    assert items(api.get("/inventory")) == ["Bread oven", "Cider press", "Wood lathe"]


def test_the_inventory_of_one_region_of_all_and_by_words(api, world):
    riverside, hilltop, _, _ = world
    assert items(api.get(f"/inventory?region_id={hilltop.id}")) == ["Bread oven", "Cider press"]
    assert items(api.get(f"/inventory?region_id={riverside.id}")) == ["Wood lathe"]
    assert items(api.get("/inventory?region_id=all")) == ["Bread oven", "Cider press", "Wood lathe"]
    assert items(api.get("/inventory?q=PRESS")) == ["Cider press"]
    assert items(api.get(f"/inventory?region_id={riverside.id}&q=press")) == []
    assert items(api.get("/inventory?q=100%25")) == []  # a `%` is a character, not "anything"


def test_the_marketplace_page_has_a_region_select_and_defaults_to_your_region(client, member, world):
    riverside, hilltop, _, _ = world
    login(client)
    page = client.get("/market").get_data(as_text=True)
    assert '<select id="region_id" name="region_id">' in page
    assert f'<option value="{riverside.id}" selected>Riverside (yours)</option>' in page
    assert "Sourdough loaf" in page and "Hill honey" not in page
    theirs = client.get(f"/market?region_id={hilltop.id}").get_data(as_text=True)
    assert "Hill honey" in theirs and "Sourdough starter" in theirs and "Sourdough loaf" not in theirs
    assert "Hill Orchard · Hilltop" in theirs  # another region's listing says where it is
    everywhere = client.get("/market?region_id=all&q=sourdough").get_data(as_text=True)
    assert "Sourdough loaf" in everywhere and "Sourdough starter" in everywhere and "Hill honey" not in everywhere
    assert '<option value="all" selected>All regions</option>' in everywhere
    assert client.get("/market?region_id=nowhere").status_code == 400


def test_another_regions_listing_names_its_region(client, member, world):
    _, hilltop, _, ids = world
    login(client)
    page = client.get(f"/market/{ids['honey']}").get_data(as_text=True)
    assert f'<a href="/regions/{hilltop.id}">Hilltop</a>' in page


def test_the_inventory_page_filters_by_region_and_words_and_exports_the_same(client, world):
    riverside, hilltop, _, _ = world
    page = client.get(f"/inventory?region_id={hilltop.id}").get_data(as_text=True)
    assert "Cider press" in page and "Bread oven" in page and "Wood lathe" not in page
    assert f'<option value="{hilltop.id}" selected>Hilltop</option>' in page
    everywhere = client.get("/inventory?region_id=all&q=lathe").get_data(as_text=True)
    assert "Wood lathe" in everywhere and "Cider press" not in everywhere
    assert f'<a href="/regions/{riverside.id}">Riverside</a>' in everywhere
    exported = client.get(f"/inventory.csv?region_id={hilltop.id}&q=press").get_data(as_text=True)
    assert "Cider press" in exported and "Bread oven" not in exported
    assert client.get("/inventory?region_id=nowhere").status_code == 400


def test_with_one_region_the_pages_offer_no_region_choice(client, member):
    """A co-op on its own has nothing to choose between: no select, no region column."""
    login(client)
    for path in ("/market", "/inventory"):
        page = client.get(path).get_data(as_text=True)
        assert 'name="region_id"' not in page and 'data-label="Region"' not in page
