"""Promise 8: recomputing every closed proposal's tally from its published ballot list
(`GET /api/v1/proposals/{id}/ballots`, read page by page as an auditor would) gives the stored
tally, and every receipt a voter was last given appears in that list exactly once — replaced
ballots under their last receipt only, withdrawn ballots and those of a member who left not at
all. Yes/no and median are recounted by hand; every method is also recounted by its pure
counting function from the published choices alone."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from govern import voting
from govern.members import service as members
from govern.proposals import service as proposals
from tests.conftest import later

VOTERS = 7
PROPOSALS = {
    "public yes/no": ("referendum", {}, None),
    "secret yes/no": ("referendum", {}, {"secret": True, "threshold": "two_thirds"}),
    "median": ("parameter", {"name": "income_tax_rate", "min": "0", "max": "0.2"}, None),
    "approval": ("referendum", {}, {"method": "approval", "options": ["Park", "Library", "Pool"]}),
}
CHOICES = {
    "public yes/no": ["yes", "no", "yes", "abstain", "yes", "no", "yes"],
    "secret yes/no": ["no", "yes", "yes", "yes", "abstain", "yes", "no"],
    "median": ["0.01", "0.05", "0.03", "0.2", "0", "0.05", "0.07"],
    "approval": [["o1"], ["o1", "o2"], ["o3"], [], ["o2", "o3"], ["o1", "o3"], ["o2"]],
}
RECAST = {"public yes/no": {1: "yes", 3: "no"}, "median": {2: "0.04"}, "approval": {0: ["o2"]}}
WITHDRAWN = {"secret yes/no": 4, "approval": 5}
LEAVER = 6  # leaves before the close: their ballots on open proposals are withdrawn


def published(client, proposal_id: int) -> list[dict]:
    """The whole published list, three ballots a page, following `next`."""
    items, cursor = [], None
    while True:
        answer = client.get(f"/proposals/{proposal_id}/ballots?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        items += body["items"]
        cursor = body["next"]
        if cursor is None:
            return items


def test_every_closed_tally_recomputes_from_its_published_ballots_and_every_receipt_appears_once(
    session, api, make_member, propose, now
):
    voters = [make_member() for _ in range(VOTERS)]
    clients = [api.as_member(voter) for voter in voters]
    opened = {name: propose(voters[0], kind, payload, voting=rule, title=name).id
              for name, (kind, payload, rule) in PROPOSALS.items()}
    last_receipt: dict[str, dict[int, str]] = {name: {} for name in PROPOSALS}
    every_receipt: set[str] = set()

    def cast(name, voter, choice):
        answer = clients[voter].put(f"/proposals/{opened[name]}/ballot", {"choice": choice})
        assert answer.status_code == 200, answer.get_json()
        receipt = answer.get_json()["receipt"]
        assert receipt not in every_receipt, "a receipt was given twice"
        every_receipt.add(receipt)
        last_receipt[name][voter] = receipt

    for name, choices in CHOICES.items():
        for voter, choice in enumerate(choices):
            cast(name, voter, choice)
        for voter, choice in RECAST.get(name, {}).items():
            cast(name, voter, choice)
    for name, voter in WITHDRAWN.items():
        assert clients[voter].delete(f"/proposals/{opened[name]}/ballot").status_code == 204
        del last_receipt[name][voter]
    members.leave(session, voters[LEAVER], now)
    for standing in last_receipt.values():
        standing.pop(LEAVER, None)
    session.commit()
    assert all(clients[0].get(f"/proposals/{pid}/ballots").status_code == 409 for pid in opened.values())

    proposals.close_due_proposals(session, later(now, days=3))
    session.commit()

    for name, proposal_id in opened.items():
        shown = clients[0].get(f"/proposals/{proposal_id}").get_json()
        items = published(clients[0], proposal_id)
        receipts = [item["receipt"] for item in items]
        assert sorted(receipts) == sorted(last_receipt[name].values()), f"{name}: receipts published"
        assert len(set(receipts)) == len(receipts), f"{name}: a receipt appears twice"
        assert all(("member_id" in item) != (name == "secret yes/no") for item in items), f"{name}: voter names"
        tally = shown["tally"]
        assert (tally["direct_weight"], tally["delegated_weight"]) == (len(items), 0), name

        rule = voting.VotingRule.from_json(shown["voting"])
        recount = voting.tally(rule, [(voting.validate_choice(rule, item["choice"]), 1) for item in items],
                               shown["electorate_size"])
        assert {**recount.tally, "direct_weight": len(items), "delegated_weight": 0} == tally, name
        assert recount.passed == shown["outcome"]["passed"], name

        choices = [item["choice"] for item in items]
        if rule.method == "yes_no":
            counted = Counter(choices)
            assert (tally["yes"], tally["no"], tally["abstain"]) == (counted["yes"], counted["no"],
                                                                     counted["abstain"]), name
        if rule.method == "median":
            values = sorted(Decimal(choice) for choice in choices)
            lower_middle = values[(len(values) - 1) // 2]
            assert Decimal(shown["outcome"]["value"]) == lower_middle, name
