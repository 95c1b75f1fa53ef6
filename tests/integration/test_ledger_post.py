"""post() hands back the entry it wrote without reading it again; a session that rolled back an
earlier post posts again under the same entry id without confusing the two."""
import pytest

from govern.database import write_transaction
from govern.ledger.models import CAPITAL_POOL, EXTERNAL, ISSUANCE, USD_RESERVE, Account
from govern.ledger.service import Leg, post, region_account


def inject(session, region_id, amount, now, memo="Capital injection"):
    return post(session, [Leg(region_account(session, region_id, EXTERNAL), -amount),
                          Leg(region_account(session, region_id, USD_RESERVE), amount),
                          Leg(region_account(session, region_id, ISSUANCE), -amount),
                          Leg(region_account(session, region_id, CAPITAL_POOL), amount)],
                memo=memo, cause_type="contribution", cause_id=None, now=now)


def test_a_post_after_a_rolled_back_one_reuses_its_id_cleanly(session, region, now):
    with pytest.raises(RuntimeError):
        with write_transaction(session):
            inject(session, region.id, 500, now, memo="Undone")
            raise RuntimeError("a later step of the same operation failed")
    entry = inject(session, region.id, 700, now)
    assert (entry.id, entry.memo) == (1, "Capital injection")
    assert region_account(session, region.id, CAPITAL_POOL).balance == 700


def test_accounts_the_session_holds_show_the_balance_after_a_post(session, region, now):
    pool = region_account(session, region.id, CAPITAL_POOL)
    assert pool.balance == 0
    with write_transaction(session):
        inject(session, region.id, 1_200, now)
        assert session.get(Account, pool.id).balance == 1_200  # not the 0 it held before
