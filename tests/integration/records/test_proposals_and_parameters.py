"""Closed proposals with their tally, turnout and effects; the history of every parameter."""
from govern.records import service, tables


def test_closed_proposals_come_with_their_turnout_and_effects_and_open_ones_wait(session, scenario, propose):
    still_open = propose(scenario.alice, "referendum", {}, title="Still voting", at=scenario.start)
    rows, cursor = service.closed_proposals(session, scenario.region.id, before=None, limit=50)
    assert cursor is None
    by_id = {row.proposal.id: row for row in rows}
    assert still_open.id not in by_id
    assert [row.proposal.id for row in rows] == sorted(by_id, reverse=True)
    acquisition = by_id[scenario.acquisition.id]
    assert acquisition.turnout == 3 and acquisition.proposal.electorate_size == 5
    assert {e.type for e in acquisition.effects} == {"entry", "company", "inventory_item", "invitation"}
    assert by_id[scenario.referendum.id].turnout == 2


def test_a_tally_and_an_outcome_read_as_one_line(session, scenario):
    rows, _ = service.closed_proposals(session, scenario.region.id, before=None, limit=50)
    page = tables.proposals_page(scenario.region, rows, {}, {}, None)
    by_title = {row["title"].label: row for row in page.tables[0].rows}
    assert by_title["Buy the Corner Bakery"]["tally"] == "Yes: 3; No: 0; Abstain: 0"
    assert by_title["Buy the Corner Bakery"]["turnout_percent"] == "60.0"
    assert by_title["Reward spending inside"]["outcome"] == "The median of the ballots is 1.05."
    assert by_title["Buy the Corner Bakery"]["outcome"].startswith("Passed: 3 yes")


def test_closed_proposals_page_by_cursor(session, scenario):
    first, cursor = service.closed_proposals(session, scenario.region.id, before=None, limit=4)
    rest, last = service.closed_proposals(session, scenario.region.id, before=cursor, limit=4)
    assert len(first) == 4 and last is None
    assert [r.proposal.id for r in first + rest] == [6, 5, 4, 3, 2, 1]


def test_the_parameter_history_lists_every_change_with_its_cause(session, scenario):
    rows, cursor = service.parameter_changes(session, scenario.region.id, name=None, before=None, limit=50)
    assert cursor is None
    assert [(c.name, c.old_value, c.new_value, c.cause_type) for c in rows] == [
        ("exchange_rate", "1", "1.05", "proposal"), ("exchange_rate", "0.5", "1", "test"),
        ("exchange_rate", "1", "0.5", "test")]
    assert rows[0].cause_id == str(scenario.rate_vote.id)
    child, _ = service.parameter_changes(session, scenario.child.id, name="exchange_rate", before=None, limit=50)
    assert [(c.new_value, c.cause_type, c.cause_id) for c in child] == [("1.05", "split", str(scenario.split.id))]
    none, _ = service.parameter_changes(session, scenario.region.id, name="income_tax_rate", before=None, limit=50)
    assert none == []
