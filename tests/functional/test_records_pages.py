"""The public records pages and their downloads, and a member's own records, through HTTP."""
import csv
import io
import re

import pytest

from govern.ledger import service as ledger
from govern.ledger.models import LedgerEntry
from govern.members.models import Member
from govern.proposals.models import Ballot
from tests.conftest import NOW, TEST_PASSWORD
from tests.integration.records import scenario as story
from tests.integration.records.scenario import read_tables


@pytest.fixture
def app(app_factory, monkeypatch):
    app = app_factory()
    monkeypatch.setattr("govern.records.views.utcnow", lambda: NOW)
    with app.app_context():
        yield app


from tests.integration.records.conftest import scenario  # noqa: E402,F401  the shared fixture


def login(client, email, password=TEST_PASSWORD):
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def json_text(column, value):
    """A JSON download's value as the page and the CSV write it."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value["amount"] if column["currency"] else f"{value['amount']} {value['currency']}"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def assert_downloads_match(client, path, query):
    """The page's tables, the CSV of each table and the JSON hold the same rows, cell for cell."""
    html = client.get(f"{path}?{query}")
    assert html.status_code == 200
    shown = read_tables(html.get_data(as_text=True))
    download = client.get(f"{path}.json?{query}").get_json()
    assert set(download["tables"]) == set(shown)
    for name, rows in download["tables"].items():
        columns = download["columns"][name]
        from_csv = csv_rows(client, f"{path}.csv?{query}&table={name}")
        assert from_csv[0] == shown[name]["headings"] == [c["heading"] for c in columns]
        assert from_csv[1:] == shown[name]["rows"]
        assert [[json_text(c, row[c["key"]]) for c in columns] for row in rows] == shown[name]["rows"]
    return shown, download


PAGES = ["/records/capital-pool", "/records/wages", "/records/costs", "/records/proposals", "/records/parameters"]


@pytest.mark.parametrize("path", PAGES)
def test_each_download_holds_exactly_what_its_page_shows(client, scenario, path):
    shown, download = assert_downloads_match(client, path, f"region={scenario.region.id}")
    assert all(table["rows"] for table in shown.values())
    assert download["region"] == {"id": scenario.region.id, "name": "Riverside"}


@pytest.mark.parametrize("path", PAGES)
def test_a_later_page_downloads_the_same_rows_as_it_shows(client, scenario, path):
    first = client.get(f"{path}?region={scenario.region.id}&limit=2").get_data(as_text=True)
    older = re.search(r'<a href="([^"]+)">Older</a>', first)
    assert older, "the first page links to the next"
    url = older.group(1).replace("&amp;", "&")
    assert "limit=2" in url and f"region={scenario.region.id}" in url
    path_part, query = url.split("?", 1)
    shown, download = assert_downloads_match(client, path_part, query)
    assert download["filters"]["cursor"] and download["filters"]["limit"] == "2"
    first_rows = read_tables(first)
    main = list(shown)[-1]
    assert not set(map(tuple, shown[main]["rows"])) & set(map(tuple, first_rows[main]["rows"]))


def test_the_capital_pool_page_charts_the_balance_and_its_movements_add_up(client, scenario, session):
    page = client.get(f"/records/capital-pool?region={scenario.region.id}").get_data(as_text=True)
    assert "<svg" in page and "Capital pool balance by month" in page
    assert "Capital pool <small" in page and "Riverside" in page
    download = client.get(f"/records/capital-pool.json?region={scenario.region.id}&limit=200").get_json()
    pool = ledger.region_balances(session, scenario.region.id)["capital_pool"]
    amounts = [round(float(row["amount"]["amount"]) * 100) for row in download["tables"]["movements"]]
    assert sum(amounts) == pool
    assert download["facts"]["balance"] == {"amount": f"{pool // 100}.{pool % 100:02d}", "currency": "RSC"}
    acquisition = f'href="/proposals/{scenario.acquisition.id}">Buy a local business: Buy the Corner Bakery</a>'
    assert acquisition in page
    by_day = client.get(f"/records/capital-pool?region={scenario.region.id}&by=day").get_data(as_text=True)
    assert "<th scope=\"col\">Day</th>" in by_day


def test_region_owned_wages_show_occupations_and_never_a_name(client, scenario, session):
    people = session.query(Member.name, Member.email).all()
    for suffix in ("", ".csv", ".json"):
        text = client.get(f"/records/wages{suffix}?region={scenario.region.id}").get_data(as_text=True)
        assert "baker" in text and "cashier" in text and "mechanic" not in text
        for name, email in people:
            assert name not in text and email not in text


def test_records_are_public_and_each_page_names_its_region(client, scenario):
    for path in ["/records", *PAGES]:
        page = client.get(f"{path}?region={scenario.child.id}")
        assert page.status_code == 200, path
        assert "Northfield" in page.get_data(as_text=True)
    default = client.get("/records/capital-pool").get_data(as_text=True)
    assert "Riverside" in default and "Northfield</small>" not in default


def test_a_member_sees_their_own_region_by_default(client, scenario):
    login(client, "carol@example.org")
    assert "Northfield</small>" in client.get("/records/wages").get_data(as_text=True)
    assert client.get("/records/wages.json").get_json()["region"]["id"] == scenario.child.id


@pytest.mark.parametrize("query", ["by=year", "cursor=abc", "limit=0", "limit=201", "region=abc"])
def test_bad_parameters_answer_400(client, scenario, query):
    assert client.get(f"/records/capital-pool?{query}").status_code == 400


def test_unknown_regions_tables_and_formats_are_refused(client, scenario):
    assert client.get("/records/wages?region=999").status_code == 404
    assert client.get("/records/wages?cursor=bad").status_code == 400
    assert client.get("/records/capital-pool.csv?table=nope").status_code == 400
    assert client.get("/records/capital-pool.xml").status_code == 404


def test_the_records_pages_need_no_inline_script_or_style(client, scenario):
    for path in ["/records", "/records/chain", *PAGES]:
        page = client.get(f"{path}?region={scenario.region.id}").get_data(as_text=True)
        inline_scripts = re.findall(r"<script(?![^>]*\ssrc=)", page)  # the site's own script file is fine
        assert not inline_scripts and "style=" not in page and "<style" not in page


def test_the_chain_page_checks_a_head_saved_earlier(client, scenario, session):
    head = ledger.chain_head(session)
    page = client.get("/records/chain").get_data(as_text=True)
    assert head.hash in page
    kept = client.get(f"/records/chain?entry_id=3&hash={ledger_hash(session, 3)}").get_data(as_text=True)
    assert "still has the hash you saved" in kept
    changed = client.get(f"/records/chain?entry_id=3&hash={head.hash}").get_data(as_text=True)
    assert "has a different hash now" in changed
    assert "There is no entry" in client.get(f"/records/chain?entry_id=999&hash={head.hash}").get_data(as_text=True)
    assert client.get("/records/chain?entry_id=3").status_code == 400


def ledger_hash(session, entry_id):
    return session.get(LedgerEntry, entry_id).hash


def test_my_records_need_a_login(client, scenario):
    for path in ["/me/records", "/me/records/ballots", "/me/records/conversions.csv", "/me/statement.csv"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_ballots_show_my_receipts_and_my_choices(client, scenario, session):
    login(client, "bob@example.org")
    assert "My ballots" in client.get("/me/records").get_data(as_text=True)
    shown, download = assert_downloads_match(client, "/me/records/ballots", "")
    receipts = {b.receipt for b in session.query(Ballot).filter(Ballot.member_id == scenario.bob.id)}
    assert {row[3] for row in shown["ballots"]["rows"]} == receipts
    assert download["region"] is None


def test_my_conversions_download_matches_the_page(client, scenario):
    login(client, "carol@example.org")
    shown, _ = assert_downloads_match(client, "/me/records/conversions", "")
    assert shown["conversions"]["rows"][0][1:4] == ["RSC to USD", "245.00 RSC", "245.00 USD"]


def test_the_yearly_statement_downloads_as_csv(client, scenario):
    login(client, "alice@example.org")
    rows = csv_rows(client, "/me/statement.csv?year=2026")
    assert rows[1][3] == "Opening balance" and rows[-1][3] == "Closing balance"
    assert story.PRIVATE_MEMO in {row[3] for row in rows}
    assert client.get("/me/statement.csv?year=soon").status_code == 400


def test_the_capital_pool_page_shows_money_in_and_out_by_cause_adding_up_to_the_months(client, scenario):
    page = client.get(f"/records/capital-pool?region={scenario.region.id}").get_data(as_text=True)
    assert "Where the money came from and went" in page
    assert "Money into and out of the capital pool by cause" in page  # the chart's title
    assert 'class="chart-in"' in page and 'class="chart-out"' in page
    download = client.get(f"/records/capital-pool.json?region={scenario.region.id}").get_json()
    flows, months = download["tables"]["flows"], download["tables"]["balance"]

    def cents(rows, key):
        return sum(round(float(row[key]["amount"]) * 100) for row in rows)

    assert cents(flows, "money_in") == cents(months, "money_in")
    assert cents(flows, "money_out") == cents(months, "money_out")
    assert {row["cause"] for row in flows} >= {"Passed proposals"}
