"""Occupations are created once, however many requests name a new one at the same moment."""
from sqlalchemy import func, select

from govern.extensions import db
from govern.wages import service as wages
from govern.wages.models import Occupation
from tests.reliability.support import run_together


def test_ten_simultaneous_first_uses_of_an_occupation_create_one_row(app, region, now):
    region_id = region.id
    db.session.commit()
    results = run_together(app, 10, lambda _session, i: wages.ensure_occupation(db.session, region_id, "Welder", now).id)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert db.session.execute(select(func.count()).select_from(Occupation)).scalar_one() == 1
