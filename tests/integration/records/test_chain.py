"""The chain head: anyone who saved it can check the record was only appended to."""
import pytest

from govern.errors import NotFound
from govern.ledger import service as ledger
from govern.ledger.exchange import convert
from govern.money import Money
from govern.records import service
from tests.funding import buy_rsc


def test_the_chain_head_moves_only_by_appending(session, region, member, now):
    empty = service.chain_head(session)
    assert empty.entry_id == 0
    buy_rsc(session, member, 1000, now)
    saved = service.chain_head(session)
    buy_rsc(session, member, 500, now)
    convert(session, member, "rsc_to_usd", Money(200, "RSC"), now)
    head = service.chain_head(session)
    assert head.entry_id == saved.entry_id + 2 and head.hash != saved.hash
    assert service.saved_head_holds(session, saved.entry_id, saved.hash)
    assert service.saved_head_holds(session, saved.entry_id, f"  {saved.hash.upper()} ")
    assert service.chain_link(session, saved.entry_id + 1).prev_hash == saved.hash
    assert not service.saved_head_holds(session, saved.entry_id, head.hash)
    assert ledger.verify(session).ok


def test_an_entry_that_does_not_exist_is_not_found(session, region):
    with pytest.raises(NotFound):
        service.chain_link(session, 1)
