"""Proposal data in words on the pages."""
from govern.proposals.kinds import PayloadField, ProposalKind
from govern.proposals.presenters import describe_choice, payload_facts


def test_ballots_read_as_labels():
    labels = {"o1": "Park", "o2": "Hall"}
    assert describe_choice(labels, "ranked", ["o2", "o1"]) == "Hall > Park"
    assert describe_choice(labels, "approval", []) == "none of the options"
    assert describe_choice(labels, "cumulative", {"o1": 3}) == "Park: 3"
    assert describe_choice(labels, "yes_no", "yes") == "yes"


def test_payloads_read_as_words_with_money_and_member_names():
    kind = ProposalKind(key="k", label="K", description="", clean_payload=None, default_voting=None, apply=None,
                        form_fields=(PayloadField("seats", "Seats", "integer"),))
    facts = payload_facts(kind, {"seats": 2, "candidates": [7, 8],
                                 "rows": [{"occupation": "baker", "industry": None,
                                           "hourly_wage": {"amount": "25.00", "currency": "RSC"}}]},
                          {7: "Ana", 8: "Ben"})
    assert facts == [("Seats", "2"), ("Candidates", "Ana, Ben"), ("Rows", "baker, 25.00 RSC")]
