"""A member's equal share values every co-op asset: the pool, the inventory at cost (less grant cash
not spent on the item) and the region-owned companies' balances."""
from datetime import timedelta

from govern.companies import bankruptcy, purchases, service as companies
from govern.money import Money
from govern.proposals import service as proposals
from govern.regions import service as regions
from tests.coop import acquire
from tests.funding import fill_pool, record_income


def test_housing_in_the_inventory_counts_in_the_equal_share(session, region, member, make_member, propose, now):
    board = [make_member(board=True), make_member(board=True)]
    fill_pool(session, region.id, member, 20_000_000, now)  # 200,000.00 in the pool
    purchase = propose(member, "asset_purchase", {"asset": "Mill Street flats", "kind": "housing",
                                                  "seller": "Town estates",
                                                  "price": {"amount": "100000.00", "currency": "RSC"}})
    for voter in (member, *board):
        proposals.cast_ballot(session, voter, purchase.id, "yes", now)
    proposals.close_proposal(session, purchase.id, now + timedelta(days=3))
    for person in board:
        proposals.confirm_execution(session, person, purchase.id, now + timedelta(days=3))
    summary = regions.summary(session, region.id)
    assert summary.capital_pool == 10_000_000  # 100,000.00 left in the pool …
    assert dict((key, amount) for key, _, amount in summary.holdings) == {"inventory": 10_000_000, "companies": 0}
    assert summary.co_op_assets == 20_000_000  # … and the flats are still the members'
    assert summary.equal_share == 20_000_000 // 3


def test_a_region_owned_companys_balance_and_what_a_grant_bought_count_but_not_twice(session, region, member,
                                                                                     make_member, propose, now):
    board = [make_member(board=True), make_member(board=True)]
    _, forge = acquire(session, member, board, now)  # 1,000.00 into the pool, 100.00 of it for the forge
    later = now + timedelta(days=4)
    record_income(session, board[0], forge.id, 30_000, "gates", later)
    before = regions.summary(session, region.id)
    assert dict((k, a) for k, _, a in before.holdings) == {"inventory": 10_000, "companies": 30_000}

    # A grant of 200.00 moves money from the pool to the forge: the members own exactly as much.
    manager_vote = propose(board[0], "equipment_grant", {"company_id": forge.id, "item": "Plasma cutter",
                                                         "cost": {"amount": "200.00", "currency": "RSC"},
                                                         "justification": "Gates"}, at=later)
    for voter in (member, *board):
        proposals.cast_ballot(session, voter, manager_vote.id, "yes", later)
    proposals.close_proposal(session, manager_vote.id, later + timedelta(days=3))
    granted = regions.summary(session, region.id)
    assert granted.co_op_assets == before.co_op_assets
    assert dict((k, a) for k, _, a in granted.holdings) == {"inventory": 10_000, "companies": 50_000}

    # Spending 150.00 of it outside turns cash into the machine (the USD left the co-op for it).
    purchases.record_outside_purchase(session, board[0], forge.id, Money(15_000, "USD"), supplier="Cutters Inc.",
                                      grant_proposal_id=manager_vote.id, now=later + timedelta(days=3))
    bought = regions.summary(session, region.id)
    assert dict((k, a) for k, _, a in bought.holdings) == {"inventory": 25_000, "companies": 35_000}
    assert bought.co_op_assets == before.co_op_assets

    # Bankrupt: the 350.00 it held returns to the pool; the machine is counted at what was spent.
    bankruptcy.declare_bankrupt(session, board[0], forge.id, later + timedelta(days=4))
    ended = regions.summary(session, region.id)
    assert dict((k, a) for k, _, a in ended.holdings) == {"inventory": 25_000, "companies": 0}
    assert ended.capital_pool == bought.capital_pool + 35_000 and ended.co_op_assets == before.co_op_assets
    assert companies.company_account(session, forge.id).balance == 0
