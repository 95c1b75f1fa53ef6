"""Two schedulers charging at once, and racing applications, still charge and list once."""
from sqlalchemy import func, select

from govern.errors import Conflict
from govern.extensions import db
from govern.facilities import service as facilities
from govern.facilities import rent as rents
from govern.facilities import waiting_list as waiting_lists
from govern.facilities.models import FacilityApplication
from govern.ledger.models import LedgerEntry
from govern.members.models import Member
from govern.money import Money
from tests.integration.facilities.test_rent import DECEMBER, fund, let_to
from tests.reliability.support import run_together


def test_five_simultaneous_charge_runs_post_one_rent(app, make_member, member, now):
    board = make_member(board=True)
    flat = facilities.create_facility(db.session, board, name="Flat", kind="housing", purchase=Money(18_000_000, "RSC"),
                                      maintenance=Money(12_000, "RSC"), now=now)
    fund(db.session, member, now, 100_000)
    let_to(db.session, board, flat, member, now)
    db.session.commit()
    results = run_together(app, 5, lambda session, i: rents.run_monthly_charges(session, DECEMBER))
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)], results
    assert db.session.execute(select(func.count()).select_from(LedgerEntry)
                              .where(LedgerEntry.cause_type == "rent")).scalar_one() == 1


def test_ten_simultaneous_applications_from_one_member_leave_one_place(app, make_member, member, now):
    board = make_member(board=True)
    flat = facilities.create_facility(db.session, board, name="Flat", kind="housing", purchase=Money(0, "RSC"),
                                      maintenance=Money(100, "RSC"), now=now)
    flat_id, member_id = flat.id, member.id
    db.session.commit()
    results = run_together(app, 10, lambda session, i: waiting_lists.apply(session, session.get(Member, member_id), flat_id,
                                                                now=now).id)
    assert sum(isinstance(r, int) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, int)), results
    assert db.session.execute(select(func.count()).select_from(FacilityApplication)).scalar_one() == 1
