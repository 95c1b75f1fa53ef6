"""The public records API: the capital pool, region-owned wages, the chain head, the beancount export."""
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data

from sqlalchemy import select

from govern.ledger import service as ledger
from govern.ledger.exchange import convert
from govern.ledger.models import Conversion
from govern.money import Money
from govern.treasury.models import Deposit
from tests.funding import buy_rsc
from tests.integration.records import scenario as story
from tests.integration.records.conftest import scenario  # noqa: E402,F401  the shared fixture


def every_item(api, path):
    items, url = [], path
    while True:
        response = api.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert set(body) == {"items", "next"}
        items += body["items"]
        if body["next"] is None:
            return items
        url = f"{path}{'&' if '?' in path else '?'}cursor={body['next']}"


def cents(money: dict) -> int:
    return int(Decimal(money["amount"]) * 100)


@pytest.mark.parametrize("limit", [2, 200])
def test_the_capital_pool_adds_up_to_the_pool_page_by_page_without_a_token(api, scenario, session, limit):
    for region in (scenario.region, scenario.child):
        items = every_item(api, f"/records/capital-pool?region_id={region.id}&limit={limit}")
        pool = ledger.region_balances(session, region.id)["capital_pool"]
        assert sum(cents(item["amount"]) for item in items) == pool
        assert cents(items[0]["balance_after"]) == pool
        assert [item["entry_id"] for item in items] == sorted((item["entry_id"] for item in items), reverse=True)
        assert all(item["amount"]["currency"] == "RSC" and item["created_at"].endswith("+00:00") for item in items)


def test_a_movement_names_its_cause_with_the_id_integrators_know(api, scenario, session):
    items = every_item(api, f"/records/capital-pool?region_id={scenario.region.id}")
    causes = [item["cause"] for item in items]
    assert {"type": "payroll", "id": scenario.runs[0].id} in causes
    assert {"type": "proposal", "id": scenario.acquisition.id} in causes
    [sold] = session.execute(select(Conversion.id).where(Conversion.member_id == scenario.bob.id,
                                                         Conversion.direction == "rsc_to_usd")).scalars()
    [bought] = session.execute(select(Deposit.id).where(Deposit.member_id == scenario.alice.id,
                                                        Deposit.rate == "1.05")).scalars()
    assert {"type": "conversion", "id": sold} in causes
    assert {"type": "deposit", "id": bought} in causes
    assert all(cause["id"] is not None for cause in causes)
    [bought] = [item for item in items if item["cause"] == {"type": "proposal", "id": scenario.acquisition.id}]
    assert bought["amount"] == {"amount": "-30.00", "currency": "RSC"}


def test_the_default_region_is_the_callers_else_the_oldest(api, scenario):
    anonymous = api.get("/records/capital-pool").get_json()["items"]
    assert anonymous == api.get(f"/records/capital-pool?region_id={scenario.region.id}").get_json()["items"]
    carol = api.as_member(scenario.carol)
    assert carol.get("/records/capital-pool").get_json() == api.get(
        f"/records/capital-pool?region_id={scenario.child.id}").get_json()


def test_the_wages_api_pages_through_every_occupation_and_month_without_names(api, scenario):
    items = every_item(api, f"/records/wages?region_id={scenario.region.id}&limit=1")
    assert [(i["month"], i["occupation"], i["people"], i["hours"], i["total_paid"]["amount"],
             i["average_hourly"]["amount"]) for i in items] == [
        ("2026-11", "baker", 1, "10.00", "220.00", "22.00"), ("2026-10", "baker", 1, "20.00", "440.00", "22.00"),
        ("2026-10", "cashier", 1, "10.00", "150.00", "15.00")]
    assert all(set(i) == {"month", "occupation", "people", "hours", "total_paid", "average_hourly"} for i in items)


@pytest.mark.parametrize("query", ["region_id=x", "limit=0", "cursor=x"])
def test_bad_parameters_answer_400_in_the_error_shape(api, scenario, query):
    for path in ("/records/capital-pool", "/records/wages"):
        response = api.get(f"{path}?{query}")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "validation_error"
    assert api.get("/records/wages?region_id=999").status_code == 404


def test_the_chain_head_changes_only_by_appending(api, session, region, member, now):
    assert api.get("/records/chain-head").get_json() == {"hash": "0" * 64, "entry_id": 0}
    buy_rsc(session, member, 1000, now)
    saved = api.get("/records/chain-head").get_json()
    assert saved["entry_id"] == 1
    for amount in (200, 300):
        convert(session, member, "rsc_to_usd", Money(amount, "RSC"), now)
    head = api.get("/records/chain-head").get_json()
    assert head["entry_id"] == saved["entry_id"] + 2 and head["hash"] != saved["hash"]
    assert api.get(f"/records/chain/{saved['entry_id']}").get_json()["hash"] == saved["hash"]
    assert api.get(f"/records/chain/{saved['entry_id'] + 1}").get_json()["prev_hash"] == saved["hash"]
    assert api.get(f"/records/chain/{head['entry_id']}").get_json()["hash"] == head["hash"]
    assert api.get("/records/chain/99").status_code == 404
    assert api.get("/ledger/verify").get_json()["ok"] is True


def test_the_beancount_export_streams_the_whole_ledger(api, scenario, session):
    response = api.get("/records/ledger.beancount")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.is_streamed
    entries, errors, _ = loader.load_string(response.get_data(as_text=True))
    assert errors == []
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    assert len(transactions) == ledger.verify(session).entries
    opened = {e.account: e.meta.get("account_id") for e in entries if isinstance(e, data.Open)}
    assert set(opened.values()) >= {1, 2, 3}
    assert opened["Assets:Private"] is None  # members' accounts, summed (tests/security/test_ledger_export_privacy.py)
    assert story.PRIVATE_MEMO not in response.get_data(as_text=True)


def test_the_export_is_rate_limited_per_visitor(api, region):
    answers = [api.get("/records/ledger.beancount").status_code for _ in range(13)]
    assert answers[:12] == [200] * 12 and answers[12] == 429
